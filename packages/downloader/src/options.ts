import { UserError, redactUrl } from '@potions/core';
import type { Reporter } from '@potions/core';
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
  now?: () => number;
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

export const DEFAULT_HEDGE_DELAY_MS = 1_500;
export const DEFAULT_MAX_REDIRECTS = 10;

function fail(field: string, message: string): never {
  throw new UserError('E_DOWNLOAD_OPTIONS', message, { location: { field } });
}

/** Check the caller's URLs, pins and numbers; a mistake is a UserError naming the field. */
export function checkTransferOptions(o: TransferOptions): {
  urls: string[];
  digests: Map<DigestAlgorithm, string>;
  timeouts: DownloadTimeouts;
  retry: DownloadRetryPolicy;
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
  const timeouts = { ...DEFAULT_TIMEOUTS, ...definedOnly(o.timeouts) };
  for (const [k, v] of Object.entries(timeouts)) {
    if (!(typeof v === 'number' && v > 0)) fail(`timeouts.${k}`, `${k} must be a positive number of ms, got ${v}`);
  }
  const retry = { ...DEFAULT_RETRY, ...definedOnly(o.retry) };
  if (!Number.isInteger(retry.attemptsPerMirror) || retry.attemptsPerMirror < 1) {
    fail('retry.attemptsPerMirror', `attemptsPerMirror must be at least 1, got ${retry.attemptsPerMirror}`);
  }
  return { urls, digests, timeouts, retry };
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
