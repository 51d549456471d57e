import { UserError, redactUrl, urlSecrets, type Reporter } from '@potions/core';
import { BuilderErrorCode } from './errors';

/** The environment variable holding comma-separated source mirror base URLs. */
export const SOURCE_MIRRORS_ENV = 'POTIONS_SOURCE_MIRRORS';

/**
 * Where a mirror of upstream URLs keeps `url`: `BASE/<host>/<path>`, e.g.
 * `https://m.example/src` + `https://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz`
 * gives `https://m.example/src/ftp.gnu.org/gnu/hello/hello-2.10.tar.gz`.
 * The host keeps a non-default port (`host:8080`); the query is kept.
 */
export function sourceMirrorUrl(base: string, url: string): string {
  const original = new URL(url);
  const root = base.replace(/\/+$/, '');
  return `${root}/${original.host}${original.pathname}${original.search}`;
}

/** A value that is not even a URL may still hold `user:password@`: never print that part. */
function maskUserinfo(value: string): string {
  return value.replace(/\/\/[^/@\s]*@/, '//***@');
}

/**
 * Check and normalise mirror bases given on the command line, in an input or
 * the environment. Credentials in a base (`https://user:token@host/…`) are
 * handed to `reporter.secret` at once, so that no log shows them.
 */
export function parseSourceMirrors(values: readonly string[], origin = 'a source mirror', reporter?: Reporter): string[] {
  const out: string[] = [];
  for (const raw of values.flatMap((v) => v.split(','))) {
    const value = raw.trim();
    if (value === '') continue;
    for (const secret of urlSecrets(value)) reporter?.secret(secret);
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new UserError(BuilderErrorCode.SourceMirror, `${origin}: "${maskUserinfo(value)}" is not a URL`, {
        hint: 'give a base URL such as https://mirror.example/sources (files are looked up at BASE/<host>/<path>)',
      });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new UserError(BuilderErrorCode.SourceMirror, `${origin}: "${redactUrl(value)}" is not an http(s) URL`);
    }
    if (!out.includes(value)) out.push(value);
  }
  return out;
}

/** Mirrors from `POTIONS_SOURCE_MIRRORS` (comma-separated); their credentials are marked secret on `reporter`. */
export function sourceMirrorsFromEnv(env: NodeJS.ProcessEnv = process.env, reporter?: Reporter): string[] {
  const value = env[SOURCE_MIRRORS_ENV];
  return value ? parseSourceMirrors([value], SOURCE_MIRRORS_ENV, reporter) : [];
}

/** One place to look for a file: the URL, and the recipe URL it stands for. */
export interface CandidateUrl {
  url: string;
  /** The recipe's own URL this one mirrors (equal to `url` for the recipe's URLs). */
  upstream: string;
}

/**
 * The full try order for one file: the recipe's URLs as given (download_url,
 * mirror, mirror list), then each user source mirror for each of them.
 * Duplicates are dropped, the first occurrence kept.
 */
export function candidateSources(urls: readonly string[], mirrors: readonly string[]): CandidateUrl[] {
  const out: CandidateUrl[] = [];
  const add = (url: string, upstream: string): void => {
    if (!out.some((c) => c.url === url)) out.push({ url, upstream });
  };
  for (const u of urls) add(u, u);
  for (const base of mirrors) {
    for (const url of urls) {
      if (/^https?:\/\//i.test(url)) add(sourceMirrorUrl(base, url), url);
    }
  }
  return out;
}

/** `candidateSources`, the URLs only. */
export function candidateUrls(urls: readonly string[], mirrors: readonly string[]): string[] {
  return candidateSources(urls, mirrors).map((c) => c.url);
}

/**
 * Take the credentials of the source mirrors out of a text (an error message,
 * a fallback reason): each base URL is replaced by its redacted form, and any
 * password or secret query value left is replaced by `***`.
 */
export function redactMirrorSecrets(text: string, mirrors: readonly string[]): string {
  let out = text;
  for (const base of mirrors) {
    const root = base.replace(/\/+$/, '');
    const redacted = redactUrl(root);
    if (redacted !== root) out = out.split(root).join(redacted.replace(/\/+$/, ''));
    // Passwords and tokens are long and unlike words; a user name alone may be
    // a common word ("ci"), so it is only removed as part of the base URL above.
    const user = userOf(base);
    const secrets = urlSecrets(base).filter((s) => s !== user);
    for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  }
  return out;
}

function userOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).username) || undefined;
  } catch {
    return undefined;
  }
}
