/**
 * Names and versions become file names, URL parts and cache keys, so they
 * follow a strict allow-list: no shell metacharacters, no path separators,
 * no leading dot or dash.
 */
export const SAFE_TOKEN = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
export const MAX_TOKEN_LENGTH = 128;

export function isSafeName(value: string): boolean {
  return value.length <= MAX_TOKEN_LENGTH && SAFE_TOKEN.test(value);
}

/** The same rule as names: a version is used in file names (`ripgrep-14.1.0-linux-amd64.tar.gz`). */
export function isSafeVersion(value: string): boolean {
  return isSafeName(value);
}

export const SAFE_TOKEN_HINT = 'letters, digits and . _ + - only, starting with a letter or digit, at most 128 characters';
