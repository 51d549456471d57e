/**
 * Purging caches that take HTTP purge requests (Varnish, nginx with a purge
 * module, Fastly-style services):
 *
 * - each URL: `PURGE <url>`, sent to the URL itself (the cache that serves it);
 * - each prefix: `BAN <prefix>` with a header (default `X-Potions-Ban`) that
 *   holds an anchored regular expression over the path, `^/potions/artifacts/…`.
 *   Varnish needs a few lines of VCL for that: `src/testdata/potions-purge.vcl`,
 *   explained in docs/cdn.md.
 *
 * 200, 202 and 204 mean purged; 404 means nothing was cached under the URL
 * (nginx's purge module answers so), which is what a purge wants too.
 */
import { UserError, errorMessage, silentReporter, systemNow, type Now, type Reporter } from '@potions/core';
import { CdnErrorCode } from './errors';
import { normalizePurgeRequest, type CdnPurger, type PurgeRequest, type PurgeResult } from './purger';
import { markTransient, retryAfterMs, withRetry, type CdnRetryOptions } from './transient';

export const DEFAULT_BAN_HEADER = 'X-Potions-Ban';

export interface HttpPurgerOptions {
  /** The header a BAN carries its path expression in. Default `X-Potions-Ban` (what the shipped VCL reads). */
  banHeader?: string;
  /** A credential the cache asks for, e.g. `{ header: 'Fastly-Key', value }`; masked in logs. */
  auth?: { header: string; value: string };
  fetch?: typeof fetch;
  reporter?: Reporter;
  retry?: CdnRetryOptions;
  now?: Now;
  /** Per request, default 30 000 ms. */
  requestTimeoutMs?: number;
}

export class HttpPurger implements CdnPurger {
  readonly name = 'http-purge';
  private readonly fetch: typeof fetch;
  private readonly reporter: Reporter;
  private readonly banHeader: string;

  constructor(private readonly options: HttpPurgerOptions = {}) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.reporter = options.reporter ?? silentReporter;
    this.banHeader = options.banHeader ?? DEFAULT_BAN_HEADER;
    if (options.auth) this.reporter.secret(options.auth.value);
  }

  async purge(request: PurgeRequest): Promise<PurgeResult> {
    const { urls, prefixes } = normalizePurgeRequest(request);
    const counter = { retries: 0 };
    // One at a time: a withdrawal purges a handful of URLs, and a cache is no place for a burst.
    for (const url of urls) await this.send('PURGE', url, {}, counter);
    for (const prefix of prefixes) await this.send('BAN', prefix, { [this.banHeader]: banExpression(prefix) }, counter);
    const requests = urls.length + prefixes.length;
    this.reporter.info(`http-purge: purged ${urls.length} URL(s) and banned ${prefixes.length} prefix(es)`);
    return { purger: this.name, urls, prefixes, requests, retries: counter.retries };
  }

  private async send(method: 'PURGE' | 'BAN', url: string, headers: Record<string, string>, counter: { retries: number }): Promise<void> {
    const what = `${method} ${url}`;
    await withRetry(() => this.once(method, url, headers, what), { retry: this.options.retry, reporter: this.reporter, counter, what });
  }

  private async once(method: string, url: string, headers: Record<string, string>, what: string): Promise<void> {
    let res: Response;
    let text: string;
    try {
      res = await this.fetch(url, {
        method,
        headers: { ...headers, ...(this.options.auth ? { [this.options.auth.header]: this.options.auth.value } : {}) },
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000),
      });
      text = await res.text();
    } catch (err) {
      throw markTransient(
        new UserError(CdnErrorCode.Unreachable, `${what}: ${errorMessage(err)}`, { hint: 'is the cache running and reachable from here?', cause: err }),
      );
    }
    // Varnish puts synth()'s reason in the status line; an HTML error page says nothing more.
    const html = (res.headers.get('content-type') ?? '').includes('html');
    const detail = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${html ? '' : firstLine(text)}`;
    if (res.ok || res.status === 404) {
      this.reporter.debug(`${what}: ${detail}`);
      return;
    }
    if (res.status === 429) {
      throw markTransient(new UserError(CdnErrorCode.RateLimited, `${what}: ${detail}`), retryAfterMs(res.headers, this.options.now ?? systemNow));
    }
    if (res.status >= 500 && res.status !== 501) {
      throw markTransient(
        new UserError(CdnErrorCode.Unreachable, `${what}: ${detail}`, { hint: 'the cache failed; the request was retried' }),
        retryAfterMs(res.headers, this.options.now ?? systemNow),
      );
    }
    if (res.status === 401 || res.status === 403 || res.status === 405 || res.status === 501) {
      throw new UserError(CdnErrorCode.PurgeRefused, `${what}: the cache refused ${method}: ${detail}`, {
        hint:
          method === 'BAN'
            ? `the cache must accept BAN with a ${this.banHeader} header from this address (see the VCL in docs/cdn.md)`
            : 'the cache must accept PURGE from this address (an ACL in its VCL or purge module; a key header for hosted caches)',
      });
    }
    throw new UserError(CdnErrorCode.Api, `${what}: ${detail}`, { hint: 'see the cache\'s log for why it refused the request' });
  }
}

/** The regular expression a BAN carries: the prefix's path, anchored, with every special character escaped. */
export function banExpression(prefix: string): string {
  const path = new URL(prefix).pathname;
  return `^${path.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}`;
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0]?.slice(0, 200) ?? '';
  return line ? `: ${line}` : '';
}
