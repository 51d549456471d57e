/**
 * The download metrics format: JSON lines, one record per line, version 1.
 *
 * Two kinds of record share a file:
 * - `attempt`: one HTTP request of a download (the mirror it went to, the
 *   bytes it delivered, how long it took, how it ended, and what the client
 *   did next after a failure: `retry` the same mirror or `failover` to another);
 * - `download`: one download from start to outcome (the artifact, the mirror
 *   that delivered it, the bytes, the time, the requests, retries and
 *   failovers it took, and the class of the error that ended a failure).
 *
 * Both carry the same `id`, so the requests of one download can be found.
 * Readers ignore fields they do not know (a newer writer may add some) and
 * skip lines they cannot read, counting them, rather than losing a whole file.
 */
import { z } from 'zod';

export const METRICS_RECORD_VERSION = 1;

/** What was downloaded: an artifact (`potions fetch`), its metadata, a manifest, or any file (`potions download`). */
export const DOWNLOAD_KINDS = ['artifact', 'metadata', 'manifest', 'file'] as const;
export type DownloadKind = (typeof DOWNLOAD_KINDS)[number];

/** The download a recorder is told about before it starts. */
export interface DownloadSubject {
  /** The file name, e.g. `jq-1.7.1-linux-amd64.tar.gz` (the key of per-artifact statistics). */
  artifact: string;
  /** Default `file`. */
  kind?: DownloadKind;
  package?: string;
  version?: string;
  platform?: string;
}

export interface AttemptRecord {
  type: 'attempt';
  v: 1;
  /** When the request ended (ISO 8601, UTC). */
  time: string;
  /** The download it belongs to. */
  id: string;
  artifact: string;
  kind: DownloadKind;
  /** The mirror's name (by default the origin of its URL, `https://mirror.example`). */
  mirror: string;
  /** 1-based count of requests in the download. */
  attempt: number;
  segment: number;
  /** Body bytes delivered by this request. */
  bytes: number;
  durationMs: number;
  outcome: 'ok' | 'error' | 'cancelled';
  /** The downloader's classification of a failure (`http-retryable`, `connect-timeout`, `integrity`, ...). */
  errorClass?: string;
  status?: number;
  /** After a failed request: the client tried the same mirror again, or moved to another. */
  next?: 'retry' | 'failover';
}

export interface DownloadRecord {
  type: 'download';
  v: 1;
  /** When the download ended (ISO 8601, UTC). */
  time: string;
  id: string;
  artifact: string;
  kind: DownloadKind;
  package?: string;
  version?: string;
  platform?: string;
  outcome: 'ok' | 'failed';
  /** The mirror that delivered the file (absent on failure). */
  mirror?: string;
  /** The size of the file delivered (on failure: the bytes the requests received). */
  bytes: number;
  /** Of `bytes`, those kept from an earlier, interrupted run (not transferred this time). */
  resumedBytes?: number;
  durationMs: number;
  /** HTTP requests, cancelled hedges included. */
  attempts: number;
  /** Failed requests followed by another request to the same mirror. */
  retries: number;
  /** Failed requests followed by a request to another mirror. */
  failovers: number;
  /** Requests started on a second mirror because the first was slow to answer. */
  hedges: number;
  /** Every mirror asked, in the order first asked. */
  mirrors: string[];
  /** The class of the last failure (on failure; `local` is the destination, `aborted` a cancellation). */
  errorClass?: string;
}

export type MetricsRecord = AttemptRecord | DownloadRecord;

const time = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const ms = z.number().nonnegative();
const text = z.string().min(1).max(1024);

const AttemptRecordSchema = z.object({
  type: z.literal('attempt'),
  v: z.literal(METRICS_RECORD_VERSION),
  time,
  id: text,
  artifact: text,
  kind: z.enum(DOWNLOAD_KINDS),
  mirror: text,
  attempt: count,
  segment: count,
  bytes: count,
  durationMs: ms,
  outcome: z.enum(['ok', 'error', 'cancelled']),
  errorClass: text.optional(),
  status: z.number().int().min(100).max(599).optional(),
  next: z.enum(['retry', 'failover']).optional(),
});

const DownloadRecordSchema = z.object({
  type: z.literal('download'),
  v: z.literal(METRICS_RECORD_VERSION),
  time,
  id: text,
  artifact: text,
  kind: z.enum(DOWNLOAD_KINDS),
  package: text.optional(),
  version: text.optional(),
  platform: text.optional(),
  outcome: z.enum(['ok', 'failed']),
  mirror: text.optional(),
  bytes: count,
  resumedBytes: count.optional(),
  durationMs: ms,
  attempts: count,
  retries: count,
  failovers: count,
  hedges: count,
  mirrors: z.array(text),
  errorClass: text.optional(),
});

export const MetricsRecordSchema = z.discriminatedUnion('type', [AttemptRecordSchema, DownloadRecordSchema]);

/** A line that could not be read, and why. */
export interface SkippedLine {
  source: string;
  line: number;
  reason: string;
}

export interface ParsedLines {
  records: MetricsRecord[];
  skipped: SkippedLine[];
}

/** One JSON line per record, each ending in a newline. */
export function metricsLines(records: readonly MetricsRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/**
 * Read JSON lines: every line that is a record of this version is kept;
 * others (a line cut short by a crash, a record of a newer format) are
 * listed in `skipped` with their line number, never thrown.
 */
export function parseMetricsLines(text: string, source: string): ParsedLines {
  const records: MetricsRecord[] = [];
  const skipped: SkippedLine[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const last = i === lines.length - 1;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      skipped.push({ source, line: i + 1, reason: last ? 'an incomplete last line (the writer was interrupted)' : 'not JSON' });
      return;
    }
    const parsed = MetricsRecordSchema.safeParse(json);
    if (parsed.success) {
      records.push(parsed.data as MetricsRecord);
      return;
    }
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(record)';
    skipped.push({ source, line: i + 1, reason: `${field}: ${issue?.message ?? 'not a metrics record'}` });
  });
  return { records, skipped };
}

export function isDownloadRecord(r: MetricsRecord): r is DownloadRecord {
  return r.type === 'download';
}

export function isAttemptRecord(r: MetricsRecord): r is AttemptRecord {
  return r.type === 'attempt';
}
