import { UserError, redactUrl } from '@potions/core';
import type { MonotonicClock, Now, Reporter } from '@potions/core';
import { DownloadErrorCode } from './errors';
import type { CircuitBreaker } from './breaker';
import type { DownloadEvent } from './events';

export const DIGEST_ALGORITHMS = ['sha256', 'sha384', 'sha512'] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];
const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha384: 96, sha512: 128 };

export interface DownloadTimeouts {
  /** TCP connect. Default 10 s. */
  connectMs: number;
  /** From sending a request to its response headers. Default 30 s. */
  firstByteMs: number;
  /** No byte mid-body for this long is a stalled body. Default 30 s. */
  idleMs: number;
  /** The whole download, retries and all. Default 15 min. */
  deadlineMs: number;
}

export interface DownloadRetryPolicy {
  /** Failed requests in a row a mirror may have (errors that may get better) before the next mirror is used. Default 4. */
  attemptsPerMirror: number;
  /** Backoff base and cap (full jitter), ms. Defaults 250 and 8 000. */
  baseMs: number;
  maxMs: number;
  /** A Retry-After longer than this moves to the next mirror instead of waiting. Default 30 000. */
  maxRetryAfterMs: number;
}

/**
 * The minimum throughput, like curl's `--speed-limit` / `--speed-time`: a body
 * that brings fewer than `bytesPerSecond` per second, measured over each
 * `periodMs`, is too slow. The mirror is then tried last and the next one
 * takes over at once (resuming where the transfer stopped when it can); an
 * idle timeout alone never fires on a mirror that trickles a byte now and then.
 */
export interface LowSpeedLimit {
  /** Default 1024 (1 KiB/s); 0 turns the rule off. */
  bytesPerSecond: number;
  /** Default 20 s. */
  periodMs: number;
}

/** What every request of a download shares: mirrors, timeouts, retries, hedging, events. */
export interface TransferOptions {
  /** Mirror URLs of one artifact, in priority order. */
  urls: readonly string[];
  /** Pinned SHA-256 (hex); shorthand for `digests.sha256`. */
  sha256?: string;
  /** Other pinned digests (hex). Every one given is checked. */
  digests?: Partial<Record<DigestAlgorithm, string>>;
  /** Pinned size in bytes. */
  size?: number;
  timeouts?: Partial<DownloadTimeouts>;
  /** The minimum throughput of a body (see `LowSpeedLimit`). */
  lowSpeed?: Partial<LowSpeedLimit>;
  retry?: Partial<DownloadRetryPolicy>;
  /** Start the next mirror too when the first has not answered within this many ms. Default 1 500; 0 disables. */
  hedgeDelayMs?: number;
  /** Default 10. */
  maxRedirects?: number;
  /** Extra request headers (sent to every mirror; Authorization is dropped on a cross-origin redirect). */
  headers?: Record<string, string>;
  /** Defaults to the process-wide breaker. */
  breaker?: CircuitBreaker;
  reporter?: Reporter;
  /** Progress label; defaults to the file name. */
  label?: string;
  onEvent?: (event: DownloadEvent) => void;
  signal?: AbortSignal;
  /** Wall-clock time, for Retry-After dates; default `systemNow`. */
  now?: Now;
  /** Elapsed time, for durations and the deadline; default `monotonicClock`. */
  clock?: MonotonicClock;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export const DEFAULT_TIMEOUTS: DownloadTimeouts = {
  connectMs: 10_000,
  firstByteMs: 30_000,
  idleMs: 30_000,
  deadlineMs: 15 * 60_000,
};

export const DEFAULT_RETRY: DownloadRetryPolicy = {
  attemptsPerMirror: 4,
  baseMs: 250,
  maxMs: 8_000,
  maxRetryAfterMs: 30_000,
};

export const DEFAULT_LOW_SPEED: LowSpeedLimit = { bytesPerSecond: 1024, periodMs: 20_000 };

export const DEFAULT_HEDGE_DELAY_MS = 1_500;
export const DEFAULT_MAX_REDIRECTS = 10;

/** An inclusive range of numbers. */
export interface NumberRange {
  min: number;
  max: number;
}

const HOUR_MS = 3_600_000;

/**
 * What each number of a download may be (times in ms). Past the upper bounds
 * nothing is gained and timers break: Node fires a timer of more than
 * 2^31-1 ms (about 24.8 days) at once. The CLI checks its flags against the
 * same ranges before anything is written.
 */
export const DOWNLOAD_LIMITS = {
  segments: { min: 1, max: 64 },
  connectMs: { min: 1, max: HOUR_MS },
  firstByteMs: { min: 1, max: HOUR_MS },
  idleMs: { min: 1, max: HOUR_MS },
  deadlineMs: { min: 1, max: 24 * HOUR_MS },
  /** 0 turns hedging off. */
  hedgeDelayMs: { min: 0, max: HOUR_MS },
  maxRedirects: { min: 0, max: 50 },
  attemptsPerMirror: { min: 1, max: 100 },
  /** 0 turns the low-speed rule off. */
  lowSpeedBytesPerSecond: { min: 0, max: 1024 ** 3 },
  lowSpeedPeriodMs: { min: 1, max: HOUR_MS },
} as const satisfies Record<string, NumberRange>;

/** `value` is a number within `range` (a whole number when `whole`): the problem as a message, or undefined. */
export function rangeProblem(name: string, value: unknown, range: NumberRange, options: { whole?: boolean; unit?: string } = {}): string | undefined {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= range.min && value <= range.max && (!options.whole || Number.isInteger(value));
  if (ok) return undefined;
  const unit = options.unit ? ` ${options.unit}` : '';
  return `${name} must be ${options.whole ? 'a whole number ' : ''}from ${range.min} to ${range.max}${unit}, got ${String(value)}`;
}

function fail(field: string, message: string): never {
  throw new UserError(DownloadErrorCode.Options, message, { location: { field } });
}

/** Check the caller's URLs, pins and numbers; a mistake is a UserError naming the field. */
export function checkTransferOptions(o: TransferOptions): {
  urls: string[];
  digests: Map<DigestAlgorithm, string>;
  timeouts: DownloadTimeouts;
  retry: DownloadRetryPolicy;
  lowSpeed: LowSpeedLimit;
  hedgeDelayMs: number;
  maxRedirects: number;
} {
  if (!Array.isArray(o.urls) || o.urls.length === 0) fail('urls', 'no URL to download from: give at least one mirror URL');
  const urls = o.urls.map((u, i) => {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      return fail(`urls[${i}]`, `not a URL: "${redactUrl(u)}" (expected http:// or https://)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      fail(`urls[${i}]`, `unsupported URL scheme in "${redactUrl(u)}" (expected http:// or https://)`);
    }
    return parsed.toString();
  });
  const digests = new Map<DigestAlgorithm, string>();
  const pins: [string, string | undefined][] = [['sha256', o.sha256], ...Object.entries(o.digests ?? {})];
  for (const [alg, value] of pins) {
    if (value === undefined) continue;
    if (!(DIGEST_ALGORITHMS as readonly string[]).includes(alg)) {
      fail(`digests.${alg}`, `unsupported digest "${alg}" (expected one of ${DIGEST_ALGORITHMS.join(', ')})`);
    }
    const a = alg as DigestAlgorithm;
    const hex = value.trim().toLowerCase();
    if (!new RegExp(`^[0-9a-f]{${HEX_LENGTH[a]}}$`).test(hex)) {
      fail(alg, `${alg} must be ${HEX_LENGTH[a]} hex digits, got "${value}"`);
    }
    const previous = digests.get(a);
    if (previous !== undefined && previous !== hex) fail(alg, `two different ${alg} values pinned`);
    digests.set(a, hex);
  }
  if (o.size !== undefined && (!Number.isSafeInteger(o.size) || o.size < 0)) {
    fail('size', `size must be a whole number of bytes, got ${o.size}`);
  }
  const timeouts: DownloadTimeouts = { ...DEFAULT_TIMEOUTS, ...definedOnly(o.timeouts) };
  for (const k of Object.keys(DEFAULT_TIMEOUTS) as (keyof DownloadTimeouts)[]) {
    checkNumber(`timeouts.${k}`, k, timeouts[k], DOWNLOAD_LIMITS[k], { unit: 'ms' });
  }
  const retry = { ...DEFAULT_RETRY, ...definedOnly(o.retry) };
  checkNumber('retry.attemptsPerMirror', 'attemptsPerMirror', retry.attemptsPerMirror, DOWNLOAD_LIMITS.attemptsPerMirror, { whole: true });
  const lowSpeed = { ...DEFAULT_LOW_SPEED, ...definedOnly(o.lowSpeed) };
  checkNumber('lowSpeed.bytesPerSecond', 'lowSpeed.bytesPerSecond', lowSpeed.bytesPerSecond, DOWNLOAD_LIMITS.lowSpeedBytesPerSecond, { unit: 'bytes per second' });
  checkNumber('lowSpeed.periodMs', 'lowSpeed.periodMs', lowSpeed.periodMs, DOWNLOAD_LIMITS.lowSpeedPeriodMs, { unit: 'ms' });
  const hedgeDelayMs = o.hedgeDelayMs ?? DEFAULT_HEDGE_DELAY_MS;
  checkNumber('hedgeDelayMs', 'hedgeDelayMs', hedgeDelayMs, DOWNLOAD_LIMITS.hedgeDelayMs, { unit: 'ms' });
  const maxRedirects = o.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  checkNumber('maxRedirects', 'maxRedirects', maxRedirects, DOWNLOAD_LIMITS.maxRedirects, { whole: true });
  return { urls, digests, timeouts, retry, lowSpeed, hedgeDelayMs, maxRedirects };
}

function checkNumber(field: string, name: string, value: unknown, range: NumberRange, options: { whole?: boolean; unit?: string }): void {
  const problem = rangeProblem(name, value, range, options);
  if (problem) fail(field, problem);
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
