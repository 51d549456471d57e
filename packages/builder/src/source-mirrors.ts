import { UserError } from '@potions/core';

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

/** Check and normalise mirror bases given on the command line, in an input or the environment. */
export function parseSourceMirrors(values: readonly string[], origin = '--source-mirror'): string[] {
  const out: string[] = [];
  for (const raw of values.flatMap((v) => v.split(','))) {
    const value = raw.trim();
    if (value === '') continue;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new UserError('E_SOURCE_MIRROR', `${origin}: "${value}" is not a URL`, {
        hint: 'give a base URL such as https://mirror.example/sources (files are looked up at BASE/<host>/<path>)',
      });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new UserError('E_SOURCE_MIRROR', `${origin}: "${value}" is not an http(s) URL`);
    }
    if (!out.includes(value)) out.push(value);
  }
  return out;
}

/** Mirrors from `POTIONS_SOURCE_MIRRORS` (comma-separated). */
export function sourceMirrorsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const value = env[SOURCE_MIRRORS_ENV];
  return value ? parseSourceMirrors([value], SOURCE_MIRRORS_ENV) : [];
}

/**
 * The full try order for one file: the recipe's URLs as given (download_url,
 * mirror, mirror list), then each user source mirror for each of them.
 * Duplicates are dropped, the first occurrence kept.
 */
export function candidateUrls(urls: readonly string[], mirrors: readonly string[]): string[] {
  const out: string[] = [];
  const add = (u: string): void => {
    if (!out.includes(u)) out.push(u);
  };
  urls.forEach(add);
  for (const base of mirrors) {
    for (const url of urls) {
      if (/^https?:\/\//i.test(url)) add(sourceMirrorUrl(base, url));
    }
  }
  return out;
}
