import { PotionsError, UserError } from '@potions/core';

/**
 * What went wrong with one request, as the retry policy sees it. Every
 * attempt event and every mirror in a failure report carries one of these.
 */
export type DownloadErrorClass =
  /** 4xx other than 408/429 (404, 403, 410, ...): this mirror will not get better. */
  | 'http-permanent'
  /** 408, 429, 5xx: may get better; retried with backoff, honouring Retry-After. */
  | 'http-retryable'
  /** The host name did not resolve. */
  | 'dns'
  /** Certificate or handshake failure. */
  | 'tls'
  | 'connect-timeout'
  /** Connected, but no response headers in time (also a black-holed server). */
  | 'first-byte-timeout'
  /** The body stalled: no byte for the idle timeout. */
  | 'idle-timeout'
  /** Refused, reset, or closed before the body was complete. */
  | 'connection'
  /** A malformed answer: a wrong Content-Range, a 200 to a segment request, a parse error. */
  | 'protocol'
  /** Size or digest mismatch: the data is deleted and the mirror marked bad for this artifact. */
  | 'integrity'
  /** A redirect loop, too many redirects, or a redirect without a usable Location. */
  | 'redirect'
  /** Not an http(s) URL. */
  | 'unsupported'
  /** The overall deadline passed. */
  | 'deadline'
  /** The caller cancelled, or the request lost a hedge race. */
  | 'aborted';

/** Classes after which the client moves to the next mirror at once instead of retrying this one. */
const FAILOVER: ReadonlySet<DownloadErrorClass> = new Set([
  'http-permanent',
  'dns',
  'tls',
  'integrity',
  'redirect',
  'unsupported',
]);

/** One failed request, classified. Internal to the retry loop; callers see `DownloadError`. */
export class DownloadFault extends PotionsError {
  readonly errorClass: DownloadErrorClass;
  readonly status?: number;
  /** The server's Retry-After, in ms. */
  readonly retryAfterMs?: number;
  /** The data on disk can no longer be trusted: discard it and start the artifact over. */
  readonly restart: boolean;
  constructor(
    errorClass: DownloadErrorClass,
    message: string,
    options: { status?: number; retryAfterMs?: number; restart?: boolean; cause?: unknown } = {},
  ) {
    super('E_DOWNLOAD_FAULT', message, { cause: options.cause });
    this.errorClass = errorClass;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.restart = options.restart ?? false;
  }

  /** True when retrying on the same mirror is pointless. */
  get failover(): boolean {
    return FAILOVER.has(this.errorClass);
  }
}

export function isDownloadFault(err: unknown): err is DownloadFault {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { code?: unknown }).code === 'E_DOWNLOAD_FAULT' &&
    typeof (err as { errorClass?: unknown }).errorClass === 'string'
  );
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

/** Turn anything a request can throw into a classified fault. */
export function classifyError(err: unknown): DownloadFault {
  if (isDownloadFault(err)) return err;
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const opts = { cause: err };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME') {
    return new DownloadFault('dns', `DNS lookup failed (${code})`, opts);
  }
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.startsWith('ERR_OSSL')) {
    return new DownloadFault('tls', `TLS error: ${message} (${code})`, opts);
  }
  if (code === 'ABORT_ERR' || e?.name === 'AbortError') {
    return new DownloadFault('aborted', 'cancelled', opts);
  }
  if (code.startsWith('HPE_')) {
    return new DownloadFault('protocol', `malformed HTTP response: ${message} (${code})`, opts);
  }
  if (code === 'ECONNRESET' && message === 'aborted') {
    return new DownloadFault('connection', 'connection closed before the body was complete', opts);
  }
  if (code) return new DownloadFault('connection', `${message} (${code})`, opts);
  return new DownloadFault('connection', message, opts);
}

/** Classify a non-success HTTP status. */
export function statusFault(status: number, statusText: string | undefined, retryAfterMs?: number): DownloadFault {
  const text = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    return new DownloadFault('http-retryable', text, { status, retryAfterMs });
  }
  return new DownloadFault('http-permanent', text, { status });
}

/** How one mirror fared, in a failure report and in `--json` output. */
export interface MirrorReport {
  url: string;
  /** Requests made to this mirror. */
  attempts: number;
  /** The last failure, for a person. Absent when the mirror was never tried. */
  error?: string;
  errorClass?: DownloadErrorClass;
  status?: number;
}

/**
 * The one error `downloadFile()` throws: every mirror tried and its last
 * failure. A user error (bad URLs, a wrong pin, a dead mirror set), never a bug.
 */
export class DownloadError extends UserError {
  readonly mirrors: MirrorReport[];
  readonly attempts: number;
  readonly elapsedMs: number;
  constructor(
    message: string,
    details: { mirrors: MirrorReport[]; attempts: number; elapsedMs: number; hint?: string; cause?: unknown },
  ) {
    super('E_DOWNLOAD_FAILED', message, { hint: details.hint, cause: details.cause });
    this.mirrors = details.mirrors;
    this.attempts = details.attempts;
    this.elapsedMs = details.elapsedMs;
  }
}
