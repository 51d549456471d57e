import { PotionsError, UserError } from '@potions/core';

/**
 * Every error code this package throws; compare errors by `code`. Callers
 * see `Failed` (every mirror tried), `Options` (a caller's mistake) and the
 * `Dest*` codes (the local destination, never a mirror's fault). `Fault` and
 * `NoMirror` stay inside the retry loop. Why one request failed is not a code
 * but a `DownloadErrorClass` (`http-permanent`, `idle-timeout`, ...).
 */
export const DownloadErrorCode = {
  /** Every mirror was tried and none gave the verified file (`DownloadError`). */
  Failed: 'E_DOWNLOAD_FAILED',
  /** The options are wrong: no URL, a bad pin, a number out of range. */
  Options: 'E_DOWNLOAD_OPTIONS',
  /** The destination is a folder. */
  DestIsDir: 'E_DOWNLOAD_DEST_IS_DIR',
  /** The destination's folder cannot be created or written. */
  DestUnwritable: 'E_DOWNLOAD_DEST_UNWRITABLE',
  /** Writing the data failed midway (a full disk, an I/O error). */
  DestWrite: 'E_DOWNLOAD_DEST_WRITE',
  /** Internal: one classified request failure (`DownloadFault`). */
  Fault: 'E_DOWNLOAD_FAULT',
  /** Internal: no mirror is left to try. */
  NoMirror: 'E_DOWNLOAD_NO_MIRROR',
} as const;

export type DownloadErrorCode = (typeof DownloadErrorCode)[keyof typeof DownloadErrorCode];

/** Codes of the errors about the local destination (never a mirror's fault). */
export type DestinationErrorCode = typeof DownloadErrorCode.DestIsDir | typeof DownloadErrorCode.DestUnwritable | typeof DownloadErrorCode.DestWrite;

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
  /** The body came slower than the minimum throughput (`lowSpeed`): the mirror is tried last, the next one takes over. */
  | 'too-slow'
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
  | 'aborted'
  /** Writing the destination failed (a full disk, an I/O error): not the mirror's fault, so nothing is retried. */
  | 'local';

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
    super(DownloadErrorCode.Fault, message, { cause: options.cause });
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
    (err as { code?: unknown }).code === DownloadErrorCode.Fault &&
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
  /** The hidden partial data kept for a resume by the next run (absent when nothing was kept). */
  partial?: string;
  constructor(
    message: string,
    details: { mirrors: MirrorReport[]; attempts: number; elapsedMs: number; hint?: string; cause?: unknown },
  ) {
    super(DownloadErrorCode.Failed, message, { hint: details.hint, cause: details.cause });
    this.mirrors = details.mirrors;
    this.attempts = details.attempts;
    this.elapsedMs = details.elapsedMs;
  }
}

const OS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EISDIR: 'is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  EEXIST: 'exists and is not a folder',
  ENOENT: 'no folder can be created there',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
};

/**
 * The destination cannot be written: it is a folder, its folder cannot be
 * created or written, or a write failed (a full disk). Thrown as is, not
 * wrapped in `DownloadError`: no mirror is to blame and none is retried.
 */
export class DestinationError extends UserError {
  /** The path that could not be written. */
  readonly path: string;
  /** The operating system's code (ENOSPC, EACCES, ...), when there is one. */
  readonly osCode?: string;
  /** The hidden partial data kept for a resume by the next run (absent when nothing was kept). */
  partial?: string;
  constructor(
    code: DestinationErrorCode,
    message: string,
    details: { path: string; osCode?: string; hint?: string; cause?: unknown },
  ) {
    super(code, message, { hint: details.hint, cause: details.cause });
    this.path = details.path;
    this.osCode = details.osCode;
  }
}

const DESTINATION_CODES: readonly DestinationErrorCode[] = [DownloadErrorCode.DestIsDir, DownloadErrorCode.DestUnwritable, DownloadErrorCode.DestWrite];

export function isDestinationError(err: unknown): err is DestinationError {
  const code = (err as { code?: unknown } | undefined)?.code;
  return (DESTINATION_CODES as readonly unknown[]).includes(code) && (err as { userError?: unknown }).userError === true;
}

/** The OS code of a file-system error (`ENOSPC`), or undefined. */
export function osCodeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; syscall?: unknown } | undefined;
  return typeof e?.code === 'string' && typeof e.syscall === 'string' ? e.code : undefined;
}

/** `what` (a phrase naming `file`) failed with file-system error `err`: a `DestinationError` with the OS reason. */
export function destinationError(
  code: DestinationErrorCode,
  file: string,
  what: string,
  err: unknown,
): DestinationError {
  const osCode = osCodeOf(err);
  const reason = osCode ? `${OS_REASONS[osCode] ?? (err as Error).message} (${osCode})` : String((err as Error)?.message ?? err);
  const hint =
    code === DownloadErrorCode.DestWrite
      ? 'free some space or choose a destination on another disk, then run the same download again'
      : 'choose a destination file in a folder you can write to';
  return new DestinationError(code, `${what}: ${reason}`, { path: file, osCode, hint, cause: err });
}
