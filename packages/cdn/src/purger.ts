/**
 * `CdnPurger`: the one role every CDN plays for Potions, dropping cached
 * copies so that the next request goes to the mirror. Cloudflare's API and
 * HTTP `PURGE`/`BAN` (Varnish, nginx, Fastly-style caches) implement it;
 * `cdnFromConfig` picks one from the mirrors configuration.
 */
import { UserError } from '@potions/core';
import { CdnErrorCode } from './errors';

export interface PurgeRequest {
  /** Absolute http(s) URLs, each dropped exactly as written (query string included). */
  urls?: readonly string[];
  /** Absolute http(s) URLs ending where a path segment ends: everything under each is dropped. */
  prefixes?: readonly string[];
}

export interface PurgeResult {
  /** Which implementation purged: `cloudflare` or `http-purge`. */
  purger: string;
  /** The URLs purged, de-duplicated, in the order given. */
  urls: string[];
  /** The prefixes purged, de-duplicated, in the order given. */
  prefixes: string[];
  /** HTTP requests that purged something (a Cloudflare batch, one PURGE, one BAN). */
  requests: number;
  /** Requests repeated after a 429, a 5xx or a network error. */
  retries: number;
}

export interface CdnPurger {
  readonly name: string;
  /** Drop every URL and everything under every prefix; throws an `E_CDN_*` `UserError` when the CDN refuses or cannot be reached. */
  purge(request: PurgeRequest): Promise<PurgeResult>;
}

/** Check and de-duplicate a request: every entry an absolute http(s) URL without a fragment; prefixes without a query. */
export function normalizePurgeRequest(request: PurgeRequest): { urls: string[]; prefixes: string[] } {
  const urls = unique((request.urls ?? []).map((u, i) => checkUrl(u, `urls[${i}]`, false)));
  const prefixes = unique((request.prefixes ?? []).map((p, i) => checkUrl(p, `prefixes[${i}]`, true)));
  return { urls, prefixes };
}

function checkUrl(raw: string, field: string, prefix: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badUrl(raw, field, 'an absolute URL such as https://dl.example.com/manifest.json');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badUrl(raw, field, 'an http or https URL');
  if (url.hash) throw badUrl(raw, field, 'a URL without a #fragment (caches never see it)');
  if (url.username || url.password) throw badUrl('(a URL with credentials)', field, 'a URL without user:password@');
  if (prefix && url.search) throw badUrl(raw, field, 'a prefix without a ?query');
  return url.toString();
}

function badUrl(raw: string, field: string, expected: string): UserError {
  return new UserError(CdnErrorCode.BadUrl, `cannot purge ${JSON.stringify(raw)}: expected ${expected}`, {
    location: { field },
    hint: 'purge targets come from purgeTargets(): keys under the CDN base URL',
  });
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Split `items` into runs of at most `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
