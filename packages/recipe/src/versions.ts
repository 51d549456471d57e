import { UserError, compareVersions, parseRetryAfter, redactUrl, retry, silentReporter, systemNow, type Now, type Reporter } from '@potions/core';
import { applyCleanup } from './cleanup';
import { RecipeErrorCode } from './errors';
import type { Recipe, VersionSpec } from './model';
import { isSafeVersion } from './names';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

export interface VersionDeps {
  /** Node's global fetch by default. */
  fetch?: typeof fetch;
  /** GitHub API base (POTIONS_GITHUB_API_URL), https://api.github.com by default. */
  githubApiUrl?: string;
  /** Sent as a bearer token to the GitHub API only, and marked secret on the reporter. */
  token?: string;
  reporter?: Reporter;
  sleep?: (ms: number) => Promise<void>;
  /** Wall-clock time, for Retry-After dates and GitHub's rate-limit reset; default `systemNow`. */
  now?: Now;
  /** Attempts per request, default 4. */
  attempts?: number;
  /** Pages of releases/tags to read at most, default 5 (100 per page). */
  maxPages?: number;
  /** A Retry-After longer than this (ms, default 60 000) ends the retries at once. */
  maxRetryAfterMs?: number;
  timeoutMs?: number;
}

/** Version lookup settings from the environment: POTIONS_GITHUB_API_URL and GITHUB_TOKEN. */
export function versionDepsFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<VersionDeps, 'githubApiUrl' | 'token'> {
  return { githubApiUrl: env.POTIONS_GITHUB_API_URL || undefined, token: env.GITHUB_TOKEN || undefined };
}

export interface ResolvedVersion {
  version: string;
  /** Every acceptable version found, highest first. */
  candidates: string[];
}


class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    readonly afterMs?: number,
  ) {
    super(`HTTP ${status} from ${redactUrl(url)}`);
  }
}

const transient = (status: number): boolean => status === 403 || status === 429 || status >= 500;

interface Page {
  text: string;
  link: string | null;
}

async function get(url: string, headers: Record<string, string>, deps: VersionDeps): Promise<Page> {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? systemNow;
  const maxAfter = deps.maxRetryAfterMs ?? 60_000;
  try {
    return await retry(
      async () => {
        const res = await doFetch(url, { headers, signal: AbortSignal.timeout(deps.timeoutMs ?? 30_000), redirect: 'follow' });
        if (!res.ok) {
          let afterMs = parseRetryAfter(res.headers.get('retry-after'), now);
          const reset = res.headers.get('x-ratelimit-reset');
          if (afterMs === undefined && res.headers.get('x-ratelimit-remaining') === '0' && reset && /^\d+$/.test(reset)) {
            afterMs = Math.max(0, Number(reset) * 1000 - now().getTime());
          }
          await res.body?.cancel();
          throw new HttpStatusError(res.status, url, afterMs);
        }
        return { text: await res.text(), link: res.headers.get('link') };
      },
      {
        attempts: deps.attempts ?? 4,
        sleep: deps.sleep,
        shouldRetry: (err) => {
          if (err instanceof HttpStatusError) {
            if (!transient(err.status)) return false;
            if (err.afterMs !== undefined && err.afterMs > maxAfter) return false;
            return { retry: true, afterMs: err.afterMs };
          }
          return true; // network errors and timeouts
        },
        onRetry: ({ err, attempt, delayMs }) =>
          (deps.reporter ?? silentReporter).debug(`${(err as Error).message}; retry ${attempt} in ${delayMs} ms`),
      },
    );
  } catch (err) {
    const what = err instanceof HttpStatusError ? `HTTP ${err.status}` : withCause(err);
    throw new UserError(RecipeErrorCode.VersionFetch, `cannot look up versions at ${redactUrl(url)}: ${what}`, {
      cause: err,
      hint: 'give the version explicitly to skip the network; set GITHUB_TOKEN if GitHub rate-limits you',
    });
  }
}

/** `fetch failed` says nothing: add the cause's code or message (ENOTFOUND, ECONNREFUSED, a certificate problem). */
function withCause(err: unknown): string {
  // Not `instanceof Error`: errors from another realm (undici, a test VM) are Errors too.
  const own = (err as { message?: unknown } | undefined)?.message;
  const message = typeof own === 'string' ? own : String(err);
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
  if (detail === undefined || message.includes(detail)) return message;
  const extra = typeof cause?.code === 'string' && typeof cause.message === 'string' && !cause.message.includes(cause.code) ? ` ${cause.message}` : '';
  return `${message} (${detail}${extra ? `:${extra}` : ''})`;
}

function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = part.match(/<([^>]+)>\s*;\s*rel="?next"?/);
    if (m) return m[1];
  }
  return undefined;
}

async function githubList(
  repo: string,
  kind: 'releases' | 'tags',
  deps: VersionDeps,
): Promise<string[]> {
  const base = (deps.githubApiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
  const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'potions' };
  if (deps.token) {
    deps.reporter?.secret(deps.token);
    headers.authorization = `Bearer ${deps.token}`;
  }
  const origin = new URL(base).origin;
  const names: string[] = [];
  let url: string | undefined = `${base}/repos/${repo}/${kind}?per_page=100`;
  for (let page = 0; url && page < (deps.maxPages ?? 5); page++) {
    const res = await get(url, headers, deps);
    let items: unknown;
    try {
      items = JSON.parse(res.text);
    } catch {
      throw new UserError(RecipeErrorCode.VersionFetch, `${redactUrl(url)} did not return JSON`);
    }
    if (!Array.isArray(items)) throw new UserError(RecipeErrorCode.VersionFetch, `${redactUrl(url)} did not return a list of ${kind}`);
    for (const item of items as Record<string, unknown>[]) {
      if (kind === 'releases') {
        if (item.draft === true || item.prerelease === true) continue;
        if (typeof item.tag_name === 'string') names.push(item.tag_name);
      } else if (typeof item.name === 'string') names.push(item.name);
    }
    const next = nextLink(res.link);
    // The token goes to the API host only: a Link elsewhere is not followed.
    url = next && new URL(next, url).origin === origin ? new URL(next, url).toString() : undefined;
  }
  return names;
}

/** Apply exclude_patterns, extract_pattern and cleanup to raw candidates (tags or page matches). */
export function selectVersions(raw: readonly { text: string; match?: string }[], spec: VersionSpec): string[] {
  const exclude = spec.excludePatterns ? new RegExp(spec.excludePatterns) : undefined;
  const extract = spec.extractPattern ? new RegExp(spec.extractPattern) : undefined;
  const out = new Set<string>();
  for (const { text, match } of raw) {
    if (exclude?.test(text)) continue;
    let value = match;
    if (value === undefined) {
      if (extract) {
        const m = extract.exec(text);
        if (!m) continue;
        value = m[1] ? m[1] : m[0];
      } else value = text;
    }
    const cleaned = applyCleanup(value, spec.cleanup);
    if (isSafeVersion(cleaned)) out.add(cleaned);
  }
  return [...out].sort((a, b) => compareVersions(b, a));
}

/** Every match of extract_pattern in a page: capture group 1 when it matched something, else the whole match. */
export function matchesInPage(body: string, pattern: string): { text: string; match: string }[] {
  const re = new RegExp(pattern, 'g');
  const out: { text: string; match: string }[] = [];
  for (const m of body.matchAll(re)) {
    if (m[0] === '') continue;
    out.push({ text: m[0], match: m[1] ? m[1] : m[0] });
  }
  return out;
}

/**
 * The latest version of a recipe: from GitHub releases or tags, a web page,
 * or the static value. Retries 403/429/5xx honouring Retry-After.
 */
export async function resolveVersion(recipe: Recipe, deps: VersionDeps = {}): Promise<ResolvedVersion> {
  const spec = recipe.version;
  const source = spec.source;
  let candidates: string[];
  if (source.kind === 'static') candidates = [source.version];
  else if (source.kind === 'url') {
    const page = await get(source.url, { 'user-agent': 'potions', accept: 'text/html, text/plain, */*' }, deps);
    candidates = selectVersions(matchesInPage(page.text, spec.extractPattern ?? '\\d+(\\.\\d+)+'), spec);
  } else {
    const names = await githubList(source.repo, source.kind === 'github-release' ? 'releases' : 'tags', deps);
    candidates = selectVersions(names.map((text) => ({ text })), spec);
  }
  const version = candidates[0];
  if (version === undefined) {
    throw new UserError(RecipeErrorCode.NoVersion, `no version of "${recipe.name}" found at ${describeSource(spec)} after extract_pattern/exclude_patterns/cleanup`, {
      hint: 'check version.extract_pattern and version.exclude_patterns, or give the version explicitly',
    });
  }
  return { version, candidates };
}

function describeSource(spec: VersionSpec): string {
  const s = spec.source;
  return s.kind === 'url' ? s.url : s.kind === 'static' ? 'static' : `${s.kind}:${s.repo}`;
}
