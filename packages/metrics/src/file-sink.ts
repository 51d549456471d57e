/**
 * Metrics in a local JSON-lines file, the default sink.
 *
 * Appends are atomic: the records of one download are one `write(2)` on a
 * file opened with `O_APPEND`, so several `potions` processes writing at once
 * never interleave inside a line, and a crash leaves at most one cut-short
 * last line (which readers skip). The file is size-capped: before a write
 * would take it past `maxBytes` it is renamed to a unique, time-stamped name
 * beside it (`downloads.20261130T081500Z-1a2b3c.jsonl`) and a new one is
 * started; only the newest `keep` rotated files are kept. A unique name means
 * two processes rotating at once never overwrite each other's file.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError, errorMessage, hasCode, systemNow } from '@potions/core';
import type { Now } from '@potions/core';
import { MetricsErrorCode } from './errors';
import { metricsLines, parseMetricsLines } from './records';
import type { MetricsRecord, SkippedLine } from './records';
import type { MetricsSink } from './recorder';

export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;
export const DEFAULT_KEEP_FILES = 4;
/** Below this a file would rotate on nearly every download. */
const MIN_MAX_FILE_BYTES = 4096;

export interface JsonLinesFileSinkOptions {
  file: string;
  /** Rotate before the file would grow past this many bytes (default 8 MiB). */
  maxBytes?: number;
  /** Rotated files kept beside the current one, newest first (default 4). */
  keep?: number;
  /** Time stamps in rotated names. */
  now?: Now;
}

function split(file: string): { dir: string; stem: string; ext: string } {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const ext = base.endsWith('.jsonl') ? '.jsonl' : '';
  return { dir, stem: ext ? base.slice(0, -ext.length) : base, ext };
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The rotated files of `file`, oldest first (absolute paths). */
export async function rotatedMetricsFiles(file: string): Promise<string[]> {
  const { dir, stem, ext } = split(path.resolve(file));
  const pattern = new RegExp(`^${escape(stem)}\\.\\d{8}T\\d{6}Z-[0-9a-f]{6}${escape(ext)}$`);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return [];
    throw err;
  }
  return names
    .filter((n) => pattern.test(n))
    .sort()
    .map((n) => path.join(dir, n));
}

function stampOf(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export class JsonLinesFileSink implements MetricsSink {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly now: Now;

  constructor(options: JsonLinesFileSinkOptions) {
    this.file = path.resolve(options.file);
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.keep = options.keep ?? DEFAULT_KEEP_FILES;
    this.now = options.now ?? systemNow;
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes < MIN_MAX_FILE_BYTES) {
      throw new UserError(MetricsErrorCode.Settings, `the metrics file size cap must be a whole number of at least ${MIN_MAX_FILE_BYTES} bytes, got ${this.maxBytes}`, {
        location: { field: 'maxBytes' },
      });
    }
    if (!Number.isSafeInteger(this.keep) || this.keep < 0) {
      throw new UserError(MetricsErrorCode.Settings, `the number of rotated metrics files to keep must be a whole number from 0, got ${this.keep}`, {
        location: { field: 'keep' },
      });
    }
  }

  async write(records: readonly MetricsRecord[]): Promise<void> {
    if (records.length === 0) return;
    const data = Buffer.from(metricsLines(records), 'utf8');
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await this.rotateIfFull(data.length);
    const handle = await fs.open(this.file, 'a', 0o600);
    try {
      const { bytesWritten } = await handle.write(data);
      if (bytesWritten !== data.length) {
        throw new Error(`only ${bytesWritten} of ${data.length} bytes were appended to ${this.file}`);
      }
    } finally {
      await handle.close();
    }
  }

  async close(): Promise<void> {}

  private async rotateIfFull(incoming: number): Promise<void> {
    let size: number;
    try {
      size = (await fs.stat(this.file)).size;
    } catch (err) {
      if (hasCode(err, 'ENOENT')) return;
      throw err;
    }
    if (size === 0 || size + incoming <= this.maxBytes) return;
    const { dir, stem, ext } = split(this.file);
    const rotated = path.join(dir, `${stem}.${stampOf(this.now())}-${randomBytes(3).toString('hex')}${ext}`);
    try {
      await fs.rename(this.file, rotated);
    } catch (err) {
      // Another process rotated it first: the next append starts the new file.
      if (!hasCode(err, 'ENOENT')) throw err;
    }
    const old = await rotatedMetricsFiles(this.file);
    for (const f of old.slice(0, Math.max(0, old.length - this.keep))) await fs.rm(f, { force: true });
  }
}

export interface MetricsFiles {
  records: MetricsRecord[];
  skipped: SkippedLine[];
  /** The files read, oldest first. */
  files: string[];
}

/** Every record of a metrics file and its rotated files, oldest file first; a missing file reads as none. */
export async function readMetricsFiles(file: string): Promise<MetricsFiles> {
  const current = path.resolve(file);
  const files = [...(await rotatedMetricsFiles(current)), current];
  const out: MetricsFiles = { records: [], skipped: [], files: [] };
  for (const f of files) {
    let text: string;
    try {
      text = await fs.readFile(f, 'utf8');
    } catch (err) {
      if (hasCode(err, 'ENOENT')) continue;
      throw new UserError(MetricsErrorCode.Read, `cannot read the metrics file ${f}: ${errorMessage(err)}`, { location: { file: f }, cause: err });
    }
    const parsed = parseMetricsLines(text, f);
    out.records.push(...parsed.records);
    out.skipped.push(...parsed.skipped);
    out.files.push(f);
  }
  return out;
}
