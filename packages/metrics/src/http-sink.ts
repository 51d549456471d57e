/**
 * Metrics POSTed to an HTTP endpoint that takes JSON lines
 * (`Content-Type: application/x-ndjson`, one record per line), in batches.
 *
 * `write` only queues (it never waits for the network); a batch is sent when
 * `batchSize` records are queued or `flushAfterMs` after the first one, one
 * request at a time. Failures that may get better (a network error, 408, 429,
 * 5xx) are retried with the one retry helper, honouring `Retry-After`; any
 * other answer drops the batch. The queue is bounded (`maxQueue`, the oldest
 * records go first). `close` sends what is left within `closeTimeoutMs` and
 * then rejects with what was not delivered, so that the recorder reports it
 * once; nothing here ever fails a download.
 */
import { parseRetryAfter, redactUrl, retry, sleep as defaultSleep, UserError } from '@potions/core';
import { MetricsErrorCode } from './errors';
import { metricsLines } from './records';
import type { MetricsRecord } from './records';
import type { MetricsSink } from './recorder';

export const METRICS_CONTENT_TYPE = 'application/x-ndjson';

export interface HttpMetricsSinkOptions {
  /** The endpoint (http or https). */
  url: string;
  /** Extra request headers, e.g. `{ authorization: 'Bearer …' }` (mark the value secret with the reporter). */
  headers?: Record<string, string>;
  fetch?: typeof globalThis.fetch;
  /** Records per request (default 100). */
  batchSize?: number;
  /** Send a partial batch this long after its first record was queued (default 1 000 ms). */
  flushAfterMs?: number;
  /** Records held at most; beyond, the oldest are dropped (default 10 000). */
  maxQueue?: number;
  /** One request's time limit (default 10 000 ms). */
  timeoutMs?: number;
  /** Attempts per batch, the first included (default 4). */
  attempts?: number;
  /** How long `close` may take to send what is left (default 10 000 ms). */
  closeTimeoutMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/** An answer worth another try, with the server's Retry-After. */
class EndpointError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

function positive(value: number, field: string, min = 1): number {
  if (!Number.isFinite(value) || value < min) {
    throw new UserError(MetricsErrorCode.Settings, `${field} must be a number of at least ${min}, got ${value}`, { location: { field } });
  }
  return value;
}

export class HttpMetricsSink implements MetricsSink {
  readonly url: string;
  private readonly display: string;
  private readonly headers: Record<string, string>;
  private readonly fetch: typeof globalThis.fetch;
  private readonly batchSize: number;
  private readonly flushAfterMs: number;
  private readonly maxQueue: number;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly closeTimeoutMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random?: () => number;
  private readonly queue: MetricsRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private lastError: string | undefined;
  /** Records the endpoint accepted. */
  sent = 0;
  /** Records given up on (queue overflow, refused, or still failing after the retries). */
  dropped = 0;
  /** Requests made, retries included. */
  requests = 0;

  constructor(options: HttpMetricsSinkOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new UserError(MetricsErrorCode.Settings, `the metrics endpoint is not a URL: ${JSON.stringify(redactUrl(options.url))}`, {
        location: { field: 'url' },
        hint: 'give an http(s) URL that accepts POSTed JSON lines, e.g. https://metrics.example.com/potions',
      });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new UserError(MetricsErrorCode.Settings, `the metrics endpoint must be http(s), got ${JSON.stringify(redactUrl(options.url))}`, {
        location: { field: 'url' },
      });
    }
    this.url = options.url;
    this.display = redactUrl(options.url);
    this.headers = options.headers ?? {};
    this.fetch = options.fetch ?? globalThis.fetch;
    this.batchSize = Math.floor(positive(options.batchSize ?? 100, 'batchSize'));
    this.flushAfterMs = positive(options.flushAfterMs ?? 1000, 'flushAfterMs', 0);
    this.maxQueue = Math.floor(positive(options.maxQueue ?? 10_000, 'maxQueue'));
    this.timeoutMs = positive(options.timeoutMs ?? 10_000, 'timeoutMs');
    this.attempts = Math.floor(positive(options.attempts ?? 4, 'attempts'));
    this.closeTimeoutMs = positive(options.closeTimeoutMs ?? 10_000, 'closeTimeoutMs', 0);
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random;
  }

  async write(records: readonly MetricsRecord[]): Promise<void> {
    this.queue.push(...records);
    const over = this.queue.length - this.maxQueue;
    if (over > 0) {
      this.queue.splice(0, over);
      this.dropped += over;
      this.lastError = `more than ${this.maxQueue} records waiting`;
    }
    if (this.queue.length >= this.batchSize) this.kick();
    else if (!this.timer && !this.sending) {
      this.timer = setTimeout(() => this.kick(), this.flushAfterMs);
      this.timer.unref();
    }
  }

  /** Start sending unless a send is under way (it goes on with whatever is queued meanwhile). */
  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.sending || this.queue.length === 0) return;
    // drain() awaits the network before it can finish, so `sending` is set before drain clears it.
    this.sending = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.abort.signal.aborted) {
        const batch = this.queue.splice(0, this.batchSize);
        try {
          await this.send(batch);
          this.sent += batch.length;
        } catch (err) {
          this.dropped += batch.length;
          this.lastError = err instanceof Error ? err.message : String(err);
        }
      }
    } finally {
      // Cleared in the same step as the last check of the queue: a record queued after it starts a new send.
      this.sending = undefined;
    }
  }

  private async send(batch: readonly MetricsRecord[]): Promise<void> {
    const body = metricsLines(batch);
    await retry(
      async () => {
        this.requests++;
        let res: Response;
        try {
          res = await this.fetch(this.url, {
            method: 'POST',
            headers: { 'content-type': METRICS_CONTENT_TYPE, ...this.headers },
            body,
            signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.timeoutMs)]),
          });
        } catch (err) {
          throw new EndpointError(`${this.display}: ${err instanceof Error ? err.message : String(err)}`, !this.abort.signal.aborted);
        }
        // The body is not needed; reading it frees the connection.
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
        throw new EndpointError(`${this.display} answered HTTP ${res.status}`, retryable, parseRetryAfter(res.headers.get('retry-after')));
      },
      {
        attempts: this.attempts,
        sleep: this.sleep,
        signal: this.abort.signal,
        ...(this.random ? { random: this.random } : {}),
        shouldRetry: (err) =>
          err instanceof EndpointError && err.retryable
            ? { retry: true, ...(err.retryAfterMs !== undefined ? { afterMs: err.retryAfterMs } : {}) }
            : false,
      },
    );
  }

  /** Send what is queued (within `closeTimeoutMs`); rejects when records were not delivered. */
  async close(): Promise<void> {
    this.kick();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.abort.abort(new Error('the metrics endpoint took too long'));
        resolve();
      }, this.closeTimeoutMs);
    });
    await Promise.race([this.sending ?? Promise.resolve(), deadline]);
    clearTimeout(timer);
    if (this.abort.signal.aborted) {
      await this.sending;
      this.lastError ??= 'the metrics endpoint took too long';
    }
    if (this.queue.length > 0) {
      this.dropped += this.queue.length;
      this.queue.length = 0;
    }
    if (this.dropped > 0) {
      throw new Error(`${this.dropped} record(s) not delivered to ${this.display}: ${this.lastError ?? 'unknown error'}`);
    }
  }
}
