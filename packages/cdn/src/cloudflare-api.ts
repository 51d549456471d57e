/**
 * The few calls Potions makes to Cloudflare's API v4, with its documented
 * response envelope (`success`, `errors[]` of `{ code, message }`,
 * `messages`, `result`), a bearer API token that is masked before anything is
 * logged, and retries (429 with `Retry-After`, 5xx, network errors) through
 * the one retry helper. Written on `fetch` rather than Cloudflare's SDK: two
 * endpoints do not justify a 2 MB client, and `fetch` is what tests inject.
 */
import { UserError, errorMessage, silentReporter, systemNow, type Now, type Reporter } from '@potions/core';
import { z } from 'zod';
import { CdnErrorCode } from './errors';
import { markTransient, retryAfterMs, withRetry, type CdnRetryOptions } from './transient';

export const CLOUDFLARE_API_BASE = 'https://api.cloudflare.com/client/v4';

export interface CloudflareApiOptions {
  /** An API token (not the global API key), sent as `Authorization: Bearer`. */
  token: string;
  /** Default `https://api.cloudflare.com/client/v4`; tests point it at a local server. */
  apiBase?: string;
  fetch?: typeof fetch;
  reporter?: Reporter;
  retry?: CdnRetryOptions;
  now?: Now;
  /** Per request, default 30 000 ms. */
  requestTimeoutMs?: number;
}

/** One error of Cloudflare's envelope. */
export interface CloudflareError {
  code: number;
  message: string;
}

const EnvelopeSchema = z.looseObject({
  success: z.boolean(),
  errors: z.array(z.looseObject({ code: z.number(), message: z.string() })),
  messages: z.array(z.unknown()),
  result: z.unknown(),
});

const TOKEN_HINT =
  'use an API token (not the global key) for this zone with Zone → Cache Purge → Purge, and Cache Settings Write for cache rules';

export class CloudflareApi {
  private readonly base: string;
  private readonly fetch: typeof fetch;
  readonly reporter: Reporter;
  private readonly now: Now;

  constructor(private readonly options: CloudflareApiOptions) {
    this.base = (options.apiBase ?? CLOUDFLARE_API_BASE).replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
    this.reporter = options.reporter ?? silentReporter;
    this.now = options.now ?? systemNow;
    this.reporter.secret(options.token);
  }

  /**
   * One call, retried while it may get better. Returns the envelope's `result`;
   * with `allowNotFound`, a 404 returns undefined instead of failing.
   */
  async call(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body: unknown,
    counter: { retries: number },
    options: { allowNotFound?: boolean } = {},
  ): Promise<unknown> {
    const what = `cloudflare: ${method} ${path}`;
    return withRetry(() => this.once(method, path, body, what, options.allowNotFound ?? false), {
      retry: this.options.retry,
      reporter: this.reporter,
      counter,
      what,
    });
  }

  private async once(method: string, path: string, body: unknown, what: string, allowNotFound: boolean): Promise<unknown> {
    let res: Response;
    let text: string;
    try {
      res = await this.fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000),
      });
      text = await res.text();
    } catch (err) {
      throw markTransient(
        new UserError(CdnErrorCode.Unreachable, `${what}: ${errorMessage(err)}`, {
          hint: 'check the network and https://www.cloudflarestatus.com; the call is retried first',
          cause: err,
        }),
      );
    }
    const parsed = EnvelopeSchema.safeParse(parseJson(text));
    const errors = parsed.success ? describeErrors(parsed.data.errors) : '';
    if (res.status === 429) {
      throw markTransient(
        new UserError(CdnErrorCode.RateLimited, `${what}: HTTP 429 rate limited${errors}`, {
          hint: 'Cloudflare limits purge requests per account (Free: 5 a minute); wait, or purge fewer, larger batches',
        }),
        retryAfterMs(res.headers, this.now),
      );
    }
    if (res.status >= 500) {
      throw markTransient(
        new UserError(CdnErrorCode.Unreachable, `${what}: HTTP ${res.status}${errors}`, {
          hint: 'Cloudflare had a server error; the call was retried. See https://www.cloudflarestatus.com',
        }),
        retryAfterMs(res.headers, this.now),
      );
    }
    if (!parsed.success) {
      throw new UserError(
        CdnErrorCode.BadResponse,
        `${what}: HTTP ${res.status} with a body that is not Cloudflare's API envelope: ${JSON.stringify(text.slice(0, 200))}`,
        { hint: 'check the API base URL: it must be https://api.cloudflare.com/client/v4' },
      );
    }
    const envelope = parsed.data;
    for (const m of envelope.messages) this.reporter.debug(`${what}: ${JSON.stringify(m)}`);
    if (res.status === 404 && allowNotFound) return undefined;
    if (res.status === 401 || res.status === 403) {
      throw new UserError(CdnErrorCode.Auth, `${what}: HTTP ${res.status}: Cloudflare refused the API token${errors}`, { hint: TOKEN_HINT });
    }
    if (!res.ok || !envelope.success) {
      throw new UserError(CdnErrorCode.Api, `${what}: HTTP ${res.status}${errors || ': success is false'}`, {
        hint: 'the message is Cloudflare\'s; see https://developers.cloudflare.com/api/',
      });
    }
    return envelope.result;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeErrors(errors: readonly CloudflareError[]): string {
  return errors.length ? `: ${errors.map((e) => `${e.code} ${e.message}`).join('; ')}` : '';
}
