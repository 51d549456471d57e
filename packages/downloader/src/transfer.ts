/**
 * What the requests of one download share: the mirror list and how each
 * mirror has fared, the retry loop (core `retry`), hedging, the deadline,
 * events and progress. `downloadFile` and `downloadToBuffer` both build on it.
 */
import { PotionsError, backoffDelay, monotonicClock, redactUrl, retry, sleep as coreSleep, silentReporter, systemNow, urlSecrets } from '@potions/core';
import type { MonotonicClock, Now, Progress } from '@potions/core';
import { defaultBreaker, originOf } from './breaker';
import type { CircuitBreaker } from './breaker';
import { DownloadError, DownloadErrorCode, DownloadFault, classifyError, isDestinationError, isDownloadFault } from './errors';
import type { DestinationError, MirrorReport } from './errors';
import type { DownloadEvent } from './events';
import { checkTransferOptions } from './options';
import type { DigestAlgorithm, DownloadRetryPolicy, DownloadTimeouts, LowSpeedLimit, TransferOptions } from './options';

export interface Validator {
  etag?: string;
  lastModified?: string;
}

export interface MirrorState {
  /** The URL requested (may hold credentials: never shown). */
  url: string;
  /** `url` with its credentials redacted: the only form in messages, events, reports and results. */
  display: string;
  origin: string;
  requests: number;
  retryableFailures: number;
  /** A failure that will not get better on this mirror, for this artifact. */
  bad: boolean;
  /** Retry budget spent, or the mirror asked for a longer wait than we allow. */
  exhausted: boolean;
  /** Lost a hedge race: not used for extra segments. */
  slow: boolean;
  /** Delivered below the minimum throughput: tried after every other usable mirror. */
  demoted: boolean;
  lastFault?: DownloadFault;
  validator?: Validator;
}

/** One request. Ends with `succeed`, `fail` or `cancel` on the transfer. */
export interface Attempt {
  mirror: MirrorState;
  number: number;
  segment: number;
  rangeStart: number;
  started: number;
  status?: number;
  bytes: number;
  signal: AbortSignal;
  cancel(): void;
  cancelled: boolean;
  ended: boolean;
}

const NO_MIRROR = DownloadErrorCode.NoMirror;

export class Transfer {
  readonly urls: string[];
  readonly digests: Map<DigestAlgorithm, string>;
  readonly timeouts: DownloadTimeouts;
  readonly retryPolicy: DownloadRetryPolicy;
  readonly lowSpeed: LowSpeedLimit;
  readonly hedgeDelayMs: number;
  readonly maxRedirects: number;
  readonly headers: Record<string, string>;
  readonly size?: number;
  readonly mirrors: MirrorState[];
  readonly started: number;
  readonly deadlineAt: number;
  readonly signal: AbortSignal;
  /** Wall-clock time, for Retry-After dates. */
  readonly now: Now;
  /** Elapsed time, for durations and the deadline. */
  readonly clock: MonotonicClock;
  readonly label: string;
  attempts = 0;
  bytesDone = 0;
  private readonly breaker: CircuitBreaker;
  private readonly controller = new AbortController();
  private readonly deadlineTimer: NodeJS.Timeout;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly onEvent?: (e: DownloadEvent) => void;
  private readonly progressBar: Progress;
  private readonly userSignal?: AbortSignal;
  private readonly onUserAbort = (): void => this.controller.abort(new DownloadFault('aborted', 'cancelled by the caller'));

  constructor(options: TransferOptions, label: string) {
    const checked = checkTransferOptions(options);
    this.urls = checked.urls;
    this.digests = checked.digests;
    this.timeouts = checked.timeouts;
    this.retryPolicy = checked.retry;
    this.lowSpeed = checked.lowSpeed;
    this.hedgeDelayMs = checked.hedgeDelayMs;
    this.maxRedirects = checked.maxRedirects;
    this.headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    this.size = options.size;
    this.breaker = options.breaker ?? defaultBreaker;
    this.now = options.now ?? systemNow;
    this.clock = options.clock ?? monotonicClock;
    this.sleep = options.sleep ?? coreSleep;
    this.random = options.random ?? Math.random;
    this.onEvent = options.onEvent;
    this.label = label;
    this.started = this.clock();
    this.deadlineAt = this.started + this.timeouts.deadlineMs;
    this.mirrors = this.breaker.order(this.urls).map((url) => ({
      url,
      display: redactUrl(url),
      origin: originOf(url),
      requests: 0,
      retryableFailures: 0,
      bad: false,
      exhausted: false,
      slow: false,
      demoted: false,
    }));
    this.signal = this.controller.signal;
    this.deadlineTimer = setTimeout(
      () =>
        this.controller.abort(
          new DownloadFault('deadline', `the deadline of ${this.timeouts.deadlineMs / 1000} s passed`),
        ),
      this.timeouts.deadlineMs,
    );
    this.userSignal = options.signal;
    if (this.userSignal?.aborted) this.onUserAbort();
    this.userSignal?.addEventListener('abort', this.onUserAbort, { once: true });
    const reporter = options.reporter ?? silentReporter;
    // Any log line (also from a caller's own logging through this reporter) masks a URL's credentials.
    for (const url of this.urls) for (const secret of urlSecrets(url)) reporter.secret(secret);
    if (this.headers.authorization) reporter.secret(this.headers.authorization);
    this.progressBar = reporter.progress(label, options.size);
  }

  private closed = false;
  /** Spread segments over one mirror only (set after a digest mismatch with several sources). */
  noSpread = false;

  close(message?: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.deadlineTimer);
    this.userSignal?.removeEventListener('abort', this.onUserAbort);
    this.progressBar.done(message);
  }

  emit(event: DownloadEvent): void {
    this.onEvent?.(event);
  }

  progressed(bytes: number, total?: number): void {
    this.bytesDone += bytes;
    this.progressBar.update(this.bytesDone, total ?? this.size);
  }

  /** Bytes counted for progress that turned out to be thrown away (a restart). */
  unprogressed(bytes: number): void {
    this.bytesDone = Math.max(0, this.bytesDone - bytes);
  }

  usable(m: MirrorState): boolean {
    return !m.bad && !m.exhausted;
  }

  /**
   * The first usable mirror in priority order, `prefer` (a redacted URL) first
   * when it is usable; a mirror that was too slow only when no other is left.
   */
  pick(prefer?: string): MirrorState | undefined {
    const preferred = prefer === undefined ? undefined : this.mirrors.find((m) => m.display === prefer);
    if (preferred && this.usable(preferred) && !preferred.demoted) return preferred;
    return this.mirrors.find((m) => this.usable(m) && !m.demoted) ?? this.mirrors.find((m) => this.usable(m));
  }

  noMirrorLeft(): PotionsError {
    return new PotionsError(NO_MIRROR, 'no usable mirror left');
  }

  begin(mirror: MirrorState, segment: number, rangeStart: number, signal?: AbortSignal): Attempt {
    const controller = new AbortController();
    const attempt: Attempt = {
      mirror,
      number: ++this.attempts,
      segment,
      rangeStart,
      started: this.clock(),
      bytes: 0,
      signal: AbortSignal.any([signal ?? this.signal, controller.signal]),
      cancelled: false,
      ended: false,
      cancel: () => {
        attempt.cancelled = true;
        controller.abort(new DownloadFault('aborted', 'cancelled: another request won'));
      },
    };
    mirror.requests++;
    return attempt;
  }

  private attemptEvent(a: Attempt, outcome: 'ok' | 'error' | 'cancelled', fault?: DownloadFault): void {
    a.ended = true;
    this.emit({
      type: 'attempt',
      url: a.mirror.display,
      mirror: a.mirror.origin,
      attempt: a.number,
      segment: a.segment,
      rangeStart: a.rangeStart,
      status: a.status ?? fault?.status,
      bytes: a.bytes,
      durationMs: this.clock() - a.started,
      outcome,
      errorClass: fault?.errorClass,
      error: fault?.message,
    });
  }

  succeed(a: Attempt): void {
    if (a.ended) return;
    // The budget is for failures in a row: a mirror that delivers is not used up by many segments.
    a.mirror.retryableFailures = 0;
    this.breaker.success(a.mirror.url);
    this.attemptEvent(a, 'ok');
  }

  /** The request lost a hedge race or is no longer needed. */
  cancelled(a: Attempt, lostRace: boolean): void {
    if (a.ended) return;
    if (lostRace) {
      a.mirror.slow = true;
      this.breaker.failure(a.mirror.url);
    }
    this.attemptEvent(a, 'cancelled', new DownloadFault('aborted', 'cancelled: another mirror answered first'));
  }

  /**
   * Account a failed request against its mirror; returns the classified fault
   * to throw. A failed write to the destination is returned as is: it is not
   * the mirror's fault, and no other mirror would do better.
   */
  fail(a: Attempt, err: unknown): DownloadFault | DestinationError {
    if (isDestinationError(err)) {
      if (!a.ended) this.attemptEvent(a, 'error', new DownloadFault('local', err.message));
      return err;
    }
    const fault = classifyError(err);
    if (a.ended) return fault;
    if (a.cancelled) {
      this.cancelled(a, true);
      return fault;
    }
    this.attemptEvent(a, 'error', fault);
    if (fault.errorClass === 'deadline' || fault.errorClass === 'aborted') return fault;
    this.markFailed(a.mirror, fault);
    return fault;
  }

  markFailed(m: MirrorState, fault: DownloadFault): void {
    m.lastFault = fault;
    this.breaker.failure(m.url);
    if (fault.errorClass === 'too-slow') m.demoted = true;
    if (fault.failover) {
      m.bad = true;
      return;
    }
    m.retryableFailures++;
    if (m.retryableFailures >= this.retryPolicy.attemptsPerMirror) m.exhausted = true;
    const wait = fault.retryAfterMs;
    if (wait !== undefined && (wait > this.retryPolicy.maxRetryAfterMs || this.clock() + wait >= this.deadlineAt)) {
      m.exhausted = true;
    }
  }

  /**
   * Run `attempt` until it succeeds: errors that may get better are retried
   * on the same mirror with backoff (full jitter, Retry-After honoured), the
   * rest move to the next mirror at once. Stops at the deadline or when no
   * mirror is left.
   */
  async retryLoop<T>(
    pick: () => MirrorState | undefined,
    attempt: (m: MirrorState) => Promise<T>,
    signal: AbortSignal = this.signal,
  ): Promise<T> {
    let current: MirrorState | undefined;
    return retry(
      async () => {
        current = pick();
        if (!current) throw this.noMirrorLeft();
        return attempt(current);
      },
      {
        attempts: Number.MAX_SAFE_INTEGER,
        deadline: this.deadlineAt,
        clock: this.clock,
        sleep: this.sleep,
        signal,
        shouldRetry: (err) => {
          if (!isDownloadFault(err)) return false;
          if (err.errorClass === 'deadline' || err.errorClass === 'aborted' || err.restart) return false;
          const next = pick();
          if (!next) return false;
          if (next !== current || !current) return { retry: true, afterMs: 0 };
          const backoff = backoffDelay(Math.max(0, current.retryableFailures - 1), {
            baseMs: this.retryPolicy.baseMs,
            maxMs: this.retryPolicy.maxMs,
            random: this.random,
          });
          return { retry: true, afterMs: Math.max(backoff, err.retryAfterMs ?? 0) };
        },
        onRetry: ({ err, delayMs }) => {
          const next = pick();
          if (next && isDownloadFault(err)) {
            this.emit({ type: 'retry', url: next.display, delayMs, errorClass: err.errorClass });
          }
        },
      },
    );
  }

  /**
   * Start `open` on `primary`; if it has not resolved within the hedge delay,
   * start it on the next usable mirror too. The first to resolve wins and the
   * other is cancelled; it rejects only when every started request failed.
   * `open` must account its own failures (via `fail`).
   */
  hedge<T extends { attempt: Attempt; discard(): void }>(
    primary: MirrorState,
    begin: (m: MirrorState) => Attempt,
    open: (a: Attempt) => Promise<T>,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const running: Attempt[] = [];
      let pending = 0;
      let winner = false;
      let firstError: unknown;
      let timer: NodeJS.Timeout | undefined;
      const launch = (m: MirrorState): void => {
        pending++;
        const a = begin(m);
        running.push(a);
        open(a).then(
          (value) => {
            pending--;
            if (winner) {
              this.cancelled(value.attempt, false);
              value.discard();
              return;
            }
            winner = true;
            clearTimeout(timer);
            for (const other of running) if (other !== a) other.cancel();
            resolve(value);
          },
          (err) => {
            pending--;
            firstError ??= err;
            if (!winner && pending === 0) {
              clearTimeout(timer);
              reject(firstError);
            }
          },
        );
      };
      const hedgeTo = this.hedgeDelayMs > 0 ? this.mirrors.find((m) => m !== primary && this.usable(m)) : undefined;
      launch(primary);
      if (hedgeTo) {
        timer = setTimeout(() => {
          if (winner || pending === 0 || !this.usable(hedgeTo)) return;
          this.emit({ type: 'hedge', from: primary.display, to: hedgeTo.display });
          launch(hedgeTo);
        }, this.hedgeDelayMs);
      }
    });
  }

  report(): MirrorReport[] {
    return this.urls.map((url) => {
      const m = this.mirrors.find((x) => x.url === url);
      const report: MirrorReport = { url: redactUrl(url), attempts: m?.requests ?? 0 };
      if (m?.lastFault) {
        report.error = m.lastFault.message;
        report.errorClass = m.lastFault.errorClass;
        if (m.lastFault.status !== undefined) report.status = m.lastFault.status;
      } else if (m && m.requests > 0 && m.slow) {
        report.error = 'slower than another mirror (cancelled)';
        report.errorClass = 'aborted';
      }
      return report;
    });
  }

  /** The readable error a failed download throws. */
  toError(err: unknown): unknown {
    const elapsedMs = this.clock() - this.started;
    const mirrors = this.report();
    if (typeof err === 'object' && err !== null && (err as { userError?: unknown }).userError === true) {
      // A local error (the destination): reported as itself, not as the mirrors' failure.
      if ((err as { code?: unknown }).code !== DownloadErrorCode.Failed) {
        this.emit({ type: 'failed', attempts: this.attempts, durationMs: elapsedMs, mirrors });
        return err;
      }
    }
    const fault = isDownloadFault(err) ? err : undefined;
    let why: string;
    if (fault?.errorClass === 'deadline' || this.clock() >= this.deadlineAt) {
      why = `the deadline of ${fmtSeconds(this.timeouts.deadlineMs)} passed`;
    } else if (fault?.errorClass === 'aborted') {
      why = 'it was cancelled';
    } else if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === NO_MIRROR) {
      why = 'every mirror failed';
    } else if (this.mirrors.some((m) => this.usable(m))) {
      why = 'the next retry would pass the deadline';
    } else {
      why = 'every mirror failed';
    }
    const lines = mirrors.map((r) =>
      r.attempts === 0
        ? `  ${r.url}: not tried`
        : `  ${r.url}: ${r.error ?? 'no error recorded'} (${r.attempts} request${r.attempts === 1 ? '' : 's'})`,
    );
    const message =
      `could not download ${this.label}: ${why} after ${this.attempts} request${this.attempts === 1 ? '' : 's'} ` +
      `in ${fmtSeconds(elapsedMs)}; mirrors tried:\n${lines.join('\n')}`;
    const integrity = mirrors.some((r) => r.errorClass === 'integrity');
    const hint = integrity
      ? 'a mirror served different bytes than the pinned size or checksum: check the pin, then the mirror'
      : 'check the URLs; if the mirrors are only slow, allow more time (the deadline, the timeouts)';
    this.emit({ type: 'failed', attempts: this.attempts, durationMs: elapsedMs, mirrors });
    return new DownloadError(message, { mirrors, attempts: this.attempts, elapsedMs, hint, cause: err });
  }
}

export function fmtSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export function isNoMirrorLeft(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === NO_MIRROR;
}
