/**
 * How both purgers retry: through the one retry helper (`retry` in
 * `@potions/core`), repeating only what a later try can fix (HTTP 429, 5xx,
 * a network error or timeout), waiting as long as the server's `Retry-After`
 * asks, and giving up at once when it asks for longer than `maxRetryAfterMs`.
 */
import { parseRetryAfter, retry, systemNow, type Now, type Reporter, type RetryOptions } from '@potions/core';

/** Retry settings a caller may change; `shouldRetry` stays ours. */
export type CdnRetryOptions = Omit<RetryOptions, 'shouldRetry' | 'onRetry' | 'now'> & {
  /** A `Retry-After` longer than this is not waited for: the call fails at once. Default 120 000 ms. */
  maxRetryAfterMs?: number;
};

/** Errors a later try may fix, and how long the server asked us to wait. */
const transientErrors = new WeakMap<object, { afterMs?: number }>();

export function markTransient<E extends object>(err: E, afterMs?: number): E {
  transientErrors.set(err, afterMs === undefined ? {} : { afterMs });
  return err;
}

export function isTransient(err: unknown): boolean {
  return typeof err === 'object' && err !== null && transientErrors.has(err);
}

/** `Retry-After` in ms (seconds or an HTTP date), undefined when absent. */
export function retryAfterMs(headers: Headers, now: Now = systemNow): number | undefined {
  return parseRetryAfter(headers.get('retry-after'), now);
}

export interface RetryContext {
  retry?: CdnRetryOptions;
  reporter: Reporter;
  /** Counts the retries, for the result. */
  counter: { retries: number };
  /** What is being done, for the log line of a retry. */
  what: string;
}

export async function withRetry<T>(fn: () => Promise<T>, ctx: RetryContext): Promise<T> {
  const { maxRetryAfterMs = 120_000, ...options } = ctx.retry ?? {};
  return retry(fn, {
    attempts: 5,
    baseMs: 1000,
    maxMs: 30_000,
    ...options,
    shouldRetry: (err) => {
      const info = typeof err === 'object' && err !== null ? transientErrors.get(err) : undefined;
      if (!info) return false;
      if (info.afterMs !== undefined && info.afterMs > maxRetryAfterMs) return false;
      return info.afterMs === undefined ? { retry: true } : { retry: true, afterMs: info.afterMs };
    },
    onRetry: ({ err, attempt, delayMs }) => {
      ctx.counter.retries++;
      ctx.reporter.info(`${ctx.what}: ${(err as Error).message}; try ${attempt + 1} in ${(delayMs / 1000).toFixed(1)} s`);
    },
  });
}
