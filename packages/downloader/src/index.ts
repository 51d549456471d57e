export { downloadFile, DEFAULT_SEGMENTS, DEFAULT_MIN_SEGMENT_BYTES } from './download-file';
export type { DownloadOptions, DownloadResult } from './download-file';
export { downloadToBuffer, fetchText, DEFAULT_MAX_BUFFER_BYTES } from './download-buffer';
export type { BufferOptions, BufferResult } from './download-buffer';
export { HttpFetcher } from './fetcher';
export type { Fetcher, DocumentFetcher, FetcherDefaults } from './fetcher';
export { CircuitBreaker, defaultBreaker } from './breaker';
export type { CircuitBreakerOptions } from './breaker';
export { DownloadError, DownloadErrorCode, DestinationError } from './errors';
export type { DownloadErrorClass, DestinationErrorCode, MirrorReport } from './errors';
export type { DownloadEvent, AttemptEvent, RetryEvent, HedgeEvent, DoneEvent, FailedEvent } from './events';
export {
  DEFAULT_TIMEOUTS,
  DEFAULT_RETRY,
  DEFAULT_HEDGE_DELAY_MS,
  DEFAULT_LOW_SPEED,
  DEFAULT_MAX_REDIRECTS,
  DIGEST_ALGORITHMS,
  DOWNLOAD_LIMITS,
} from './options';
export type { DownloadTimeouts, DownloadRetryPolicy, LowSpeedLimit, TransferOptions, DigestAlgorithm, NumberRange } from './options';
export { partialPaths, isPartialName } from './partial-state';
