import { systemNow, type Now } from './clock';
import { monotonicClock, type MonotonicClock } from './monotonic-clock';

/**
 * The one retry helper: exponential backoff with full jitter, `Retry-After`
 * honoured, an injectable sleep and clock, and the caller deciding what is
 * worth another try. The downloader, version lookups and S3 calls all use it.
 */
export interface RetryDecision {
  retry: boolean;
  /** Server-requested delay (from `Retry-After`), in milliseconds. */
  afterMs?: number;
}

export interface RetryOptions {
  /** Total attempts including the first. Default 4. */
  attempts?: number;
  /** Base delay in ms for the first retry. Default 250. */
  baseMs?: number;
  /** Upper bound for one delay in ms. Default 10 000. */
  maxMs?: number;
  /** No retry starts past this time of `clock` (elapsed ms, not a date). */
  deadline?: number;
  /** Decide from the error (and attempt number) whether to try again. */
  shouldRetry?: (err: unknown, attempt: number) => RetryDecision | boolean;
  onRetry?: (info: { err: unknown; attempt: number; delayMs: number }) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The clock `deadline` is measured on; default `monotonicClock`. */
  clock?: MonotonicClock;
  random?: () => number;
  signal?: AbortSignal;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Full jitter: a uniform delay between 0 and min(max, base * 2^n). */
export function backoffDelay(
  retryIndex: number,
  opts: { baseMs?: number; maxMs?: number; random?: () => number } = {},
): number {
  const base = opts.baseMs ?? 250;
  const max = opts.maxMs ?? 10_000;
  const cap = Math.min(max, base * 2 ** retryIndex);
  return Math.floor((opts.random ?? Math.random)() * cap);
}

/**
 * Parse an HTTP `Retry-After` value (seconds or an HTTP date, measured from
 * `now`) into ms. Returns undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | null | undefined, now: Now = systemNow): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now().getTime());
}

export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  const clock = options.clock ?? monotonicClock;
  const doSleep = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (options.signal?.aborted || attempt >= attempts) throw err;
      const raw = options.shouldRetry ? options.shouldRetry(err, attempt) : true;
      const decision: RetryDecision = typeof raw === 'boolean' ? { retry: raw } : raw;
      if (!decision.retry) throw err;
      const jittered = backoffDelay(attempt - 1, options);
      // The server knows best when it will be ready: its Retry-After wins over our guess.
      const delayMs = decision.afterMs ?? jittered;
      if (options.deadline !== undefined && clock() + delayMs >= options.deadline) throw err;
      options.onRetry?.({ err, attempt, delayMs });
      await doSleep(delayMs, options.signal);
    }
  }
}
