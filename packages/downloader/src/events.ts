import type { DownloadErrorClass, MirrorReport } from './errors';

/** One HTTP request, reported when it ends (answered, failed, or cancelled). */
export interface AttemptEvent {
  type: 'attempt';
  /** The mirror URL as given (before redirects), credentials redacted. */
  url: string;
  /** The mirror's origin, the breaker's key. */
  mirror: string;
  /** 1-based count of requests in this download. */
  attempt: number;
  /** Segment index for segmented downloads (0 otherwise). */
  segment: number;
  /** First byte requested (non-zero for a resume or a segment). */
  rangeStart: number;
  status?: number;
  /** Body bytes written to disk (or memory) by this request. */
  bytes: number;
  durationMs: number;
  outcome: 'ok' | 'error' | 'cancelled';
  errorClass?: DownloadErrorClass;
  error?: string;
}

export interface RetryEvent {
  type: 'retry';
  /** The mirror the next request goes to. */
  url: string;
  delayMs: number;
  /** The fault that caused it. */
  errorClass: DownloadErrorClass;
}

/** The first mirror had not answered within the hedge delay; `to` was started too. */
export interface HedgeEvent {
  type: 'hedge';
  from: string;
  to: string;
}

export interface DoneEvent {
  type: 'done';
  /** The mirror that delivered the first byte range (segments may use others). */
  url: string;
  bytes: number;
  /** Bytes found on disk from an earlier, interrupted run. */
  resumedBytes: number;
  attempts: number;
  segments: number;
  durationMs: number;
}

export interface FailedEvent {
  type: 'failed';
  attempts: number;
  durationMs: number;
  mirrors: MirrorReport[];
}

export type DownloadEvent = AttemptEvent | RetryEvent | HedgeEvent | DoneEvent | FailedEvent;
