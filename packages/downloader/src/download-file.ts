/**
 * `downloadFile()`: one artifact from an ordered list of mirrors to a file,
 * verified, resumable, optionally in parallel segments. See docs/downloader.md
 * for what it guarantees.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { UserError, formatBytes, parseRetryAfter, redactUrl } from '@potions/core';
import { openPartial, prepareDestination, removeFolders } from './destination';
import { DownloadErrorCode, DownloadFault, destinationError, isDownloadFault, osCodeOf, statusFault } from './errors';
import { openUrl, readBody } from './http';
import type { OpenResponse } from './http';
import { OrderedHasher } from './ordered-hasher';
import type { Segment } from './ordered-hasher';
import type { DigestAlgorithm, TransferOptions } from './options';
import { DOWNLOAD_LIMITS, rangeProblem } from './options';
import { StateWriter, loadState, partialPaths, removePartial } from './partial-state';
import type { PartialPaths, SavedState } from './partial-state';
import { Transfer, fmtSeconds, isNoMirrorLeft } from './transfer';
import type { Attempt, MirrorState, Validator } from './transfer';

export interface DownloadOptions extends TransferOptions {
  /**
   * Where the verified file goes. Its folder is created if missing. Checked
   * before any request: a folder, or a parent that is not a writable folder,
   * throws `DestinationError` (`E_DEST_IS_DIR`, `E_DEST_UNWRITABLE`).
   */
  dest: string;
  /** Parallel range requests for a large file. Default 4; 1 disables. */
  segments?: number;
  /** No segment is smaller than this. Default 8 MiB (so files from 16 MiB are split). */
  minSegmentBytes?: number;
  /** Resume from the partial state of an interrupted run. Default true. */
  resume?: boolean;
  /**
   * On failure, keep resumable partial state (hidden, beside the destination)
   * for the next run; the thrown error's `partial` names it. Default true.
   * False removes both partial files.
   */
  keepPartial?: boolean;
  /** fsync the data before the rename. Default true. */
  fsync?: boolean;
}

export interface DownloadResult {
  /** Absolute path of the verified file. */
  file: string;
  bytes: number;
  sha256: string;
  /** Every digest computed (sha256 and each pinned one), hex. */
  digests: Partial<Record<DigestAlgorithm, string>>;
  /** The mirror that answered first (segments may have come from others, see `sources`); credentials redacted. */
  url: string;
  /** Mirrors that delivered bytes of the file; credentials redacted. */
  sources: string[];
  /** HTTP requests made, cancelled hedges included. */
  attempts: number;
  durationMs: number;
  /** Bytes reused from an interrupted earlier run. */
  resumedBytes: number;
  segments: number;
}

export const DEFAULT_SEGMENTS = 4;
export const DEFAULT_MIN_SEGMENT_BYTES = 8 * 1024 * 1024;

/** Download one artifact from its mirrors to `dest`, verified; throws `DownloadError` (E_DOWNLOAD_FAILED). */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  if (typeof options.dest !== 'string' || options.dest === '') {
    throw new UserError(DownloadErrorCode.Options, 'no destination file given', { location: { field: 'dest' } });
  }
  const segments = options.segments ?? DEFAULT_SEGMENTS;
  const segmentsProblem = rangeProblem('segments', segments, DOWNLOAD_LIMITS.segments, { whole: true });
  if (segmentsProblem) throw new UserError(DownloadErrorCode.Options, segmentsProblem, { location: { field: 'segments' } });
  const dest = path.resolve(options.dest);
  const t = new Transfer(options, options.label ?? path.basename(dest));
  const paths = partialPaths(dest);
  const settings: RoundSettings = {
    dest,
    paths,
    segments,
    minSegmentBytes: Math.max(1, options.minSegmentBytes ?? DEFAULT_MIN_SEGMENT_BYTES),
    fsync: options.fsync ?? true,
  };
  let created: string[];
  try {
    created = await prepareDestination(dest);
  } catch (err) {
    t.close();
    throw err;
  }
  try {
    for (let round = 1; ; round++) {
      const saved = options.resume === false ? undefined : await loadState(paths, t.digests, t.size);
      if (!saved) await removePartial(paths);
      const fh = await openPartial(paths.data, saved ? 'r+' : 'w+');
      const r = new FileRound(t, settings, fh, saved);
      try {
        const result = await r.run();
        t.emit({
          type: 'done',
          url: result.url,
          bytes: result.bytes,
          resumedBytes: result.resumedBytes,
          attempts: result.attempts,
          segments: result.segments,
          durationMs: result.durationMs,
        });
        t.close(`${formatBytes(result.bytes)} in ${fmtSeconds(result.durationMs)}`);
        return result;
      } catch (err) {
        await r.dispose();
        if (isDownloadFault(err) && err.restart && round <= t.urls.length && t.pick() && !t.signal.aborted) {
          // The bytes on disk cannot be trusted: start the artifact over.
          await removePartial(paths);
          t.unprogressed(t.bytesDone);
          continue;
        }
        throw err;
      }
    }
  } catch (caught) {
    // A file-system error that escaped (truncate, fsync, read-back for hashing) is the destination's.
    const err = osCodeOf(caught)
      ? destinationError(DownloadErrorCode.DestWrite, paths.data, `writing ${paths.data} failed`, caught)
      : caught;
    const restart = isDownloadFault(err) && err.restart;
    const saved = options.keepPartial !== false && !restart ? await loadState(paths, t.digests, t.size) : undefined;
    const resumable = saved !== undefined && saved.segments.some((x) => x.written > 0);
    if (!resumable) {
      await removePartial(paths).catch(() => {});
      // Nothing at the destination: also no folder this call created.
      await removeFolders(created);
    }
    t.close();
    const out = t.toError(err);
    if (resumable && typeof out === 'object' && out !== null) (out as { partial?: string }).partial = paths.data;
    throw out;
  }
}

interface RoundSettings {
  dest: string;
  paths: PartialPaths;
  segments: number;
  minSegmentBytes: number;
  fsync: boolean;
}

interface ResponseInfo {
  status: number;
  /** Offset of the first body byte in the file. */
  start: number;
  total?: number;
  validator?: Validator;
}

interface Opened {
  attempt: Attempt;
  res: OpenResponse;
  info: ResponseInfo;
  discard(): void;
}

function incomplete(s: Segment): boolean {
  return s.start + s.written < s.end;
}

/** One pass at the artifact over the partial file; a `restart` fault ends it. */
class FileRound {
  private readonly plan: { total?: number; segments: Segment[] };
  private readonly hasher: OrderedHasher;
  private readonly writer: StateWriter;
  private readonly contributors = new Set<string>();
  private readonly resumedBytes: number;
  private readonly savedUrl?: string;
  private readonly fresh: boolean;
  private primary?: MirrorState;
  private roundSignal: AbortSignal;
  private closed = false;
  /** Parallel connections used. */
  private connections = 1;

  constructor(
    private readonly t: Transfer,
    private readonly s: RoundSettings,
    private readonly fh: FileHandle,
    saved: (SavedState & { segments: Segment[] }) | undefined,
  ) {
    const pinnedEnd = t.size ?? Infinity;
    this.plan = saved
      ? { total: saved.total, segments: saved.segments }
      : { total: t.size, segments: [{ start: 0, end: pinnedEnd, written: 0 }] };
    this.fresh = !saved || saved.segments.every((x) => x.written === 0);
    this.resumedBytes = saved ? saved.segments.reduce((n, x) => n + x.written, 0) : 0;
    if (saved) {
      this.savedUrl = redactUrl(saved.url);
      const m = t.mirrors.find((x) => x.display === this.savedUrl);
      if (m && (saved.etag || saved.lastModified)) m.validator = { etag: saved.etag, lastModified: saved.lastModified };
      if (this.resumedBytes > 0) this.contributors.add(this.savedUrl);
    }
    const algorithms = [...new Set<DigestAlgorithm>(['sha256', ...t.digests.keys()])];
    this.hasher = new OrderedHasher(algorithms, fh, () => this.plan.segments);
    this.writer = new StateWriter(s.paths.state, () => this.snapshot(), t.clock);
    this.roundSignal = t.signal;
    if (this.resumedBytes > 0) t.progressed(this.resumedBytes, this.plan.total);
  }

  private snapshot(): SavedState | undefined {
    const m = this.primary ?? this.t.mirrors.find((x) => x.display === this.savedUrl);
    if (!m) return undefined;
    return {
      version: 1,
      // Redacted: credentials are not written to disk; the next run matches its mirrors by the same form.
      url: m.display,
      etag: m.validator?.etag,
      lastModified: m.validator?.lastModified,
      total: this.plan.total,
      digests: Object.fromEntries(this.t.digests),
      segments: this.plan.segments.map((x) => ({
        start: x.start,
        end: x.end === Infinity ? null : x.end,
        written: x.written,
      })),
    };
  }

  /** After a failure: record how far each segment got (for the next run), then let go of the file. */
  async dispose(): Promise<void> {
    await this.writer.flush();
    await this.writer.settle();
    if (!this.closed) {
      this.closed = true;
      await this.fh.close().catch(() => {});
    }
  }

  async run(): Promise<DownloadResult> {
    const t = this.t;
    const firstIdx = this.plan.segments.findIndex(incomplete);
    if (firstIdx >= 0) {
      const seg = this.plan.segments[firstIdx] as Segment;
      const opened = await t.retryLoop(
        () => t.pick(this.savedUrl),
        async (m) => {
          const o = await t.hedge(
            m,
            (mm) => t.begin(mm, firstIdx, 0),
            (a) => this.open(a, seg),
          );
          this.apply(o, seg);
          return o;
        },
      );
      this.maybeSplit(opened);
      await this.writer.flush();
      await this.runSegments(firstIdx, opened);
    }
    return this.finish();
  }

  /**
   * `connections` workers take the incomplete segments in file order, so that
   * the contiguous prefix (and with it the hashing) advances at the combined
   * rate rather than one connection's.
   */
  private async runSegments(firstIdx: number, opened: Opened): Promise<void> {
    const controller = new AbortController();
    this.roundSignal = AbortSignal.any([this.t.signal, controller.signal]);
    const queue = this.plan.segments.map((seg, idx) => ({ seg, idx })).filter((x) => incomplete(x.seg));
    const first = queue.findIndex((x) => x.idx === firstIdx);
    const [head] = first >= 0 ? queue.splice(first, 1) : [];
    this.connections = Math.max(1, Math.min(this.s.segments, queue.length + (head ? 1 : 0)));
    let firstError: unknown;
    const worker = async (w: number): Promise<void> => {
      let job = w === 0 && head ? { ...head, pre: opened as Opened | undefined } : undefined;
      if (w === 0 && !head) opened.discard();
      for (;;) {
        job ??= queue.length > 0 && !this.roundSignal.aborted ? { ...(queue.shift() as { seg: Segment; idx: number }), pre: undefined } : undefined;
        if (!job) return;
        await this.segment(job.seg, job.idx, w, job.pre);
        job = undefined;
      }
    };
    await Promise.allSettled(
      Array.from({ length: this.connections }, (_, w) =>
        worker(w).catch((err: unknown) => {
          if (firstError === undefined) {
            firstError = err;
            controller.abort(new DownloadFault('aborted', 'another segment failed'));
          }
        }),
      ),
    );
    this.roundSignal = this.t.signal;
    if (firstError !== undefined) throw firstError;
  }

  private async segment(seg: Segment, idx: number, worker: number, pre: Opened | undefined): Promise<void> {
    let preOpened = pre;
    if (!incomplete(seg)) {
      pre?.discard();
      return;
    }
    try {
      await this.t.retryLoop(
        () => {
          if (this.roundSignal.aborted) return undefined;
          return preOpened ? preOpened.attempt.mirror : this.pickFor(worker);
        },
        async (m) => {
          let o = preOpened;
          preOpened = undefined;
          if (!o) {
            o = await this.open(this.t.begin(m, idx, 0, this.roundSignal), seg);
            this.apply(o, seg);
          }
          await this.stream(o, seg);
        },
        this.roundSignal,
      );
    } catch (err) {
      preOpened?.discard();
      if (isNoMirrorLeft(err) && this.plan.segments.length > 1 && this.t.pick() && !this.roundSignal.aborted) {
        // No mirror can safely serve this segment (no validator, no pinned digest): start over on one mirror.
        throw new DownloadFault('protocol', 'no mirror left that can serve the remaining segments', { restart: true });
      }
      throw err;
    }
  }

  /** Mirrors for connection `idx`: spread over the usable ones only when a pinned digest guards the stitching. */
  private pickFor(idx: number): MirrorState | undefined {
    const t = this.t;
    const usable = t.mirrors.filter((m) => t.usable(m));
    const single = this.plan.segments.length === 1;
    const spread = single || (t.digests.size > 0 && !t.noSpread);
    const safe = spread ? usable : usable.filter((m) => m === this.primary);
    let candidates = safe.filter((m) => !m.slow);
    if (candidates.length === 0) candidates = safe;
    if (this.primary && candidates.includes(this.primary)) {
      candidates = [this.primary, ...candidates.filter((m) => m !== this.primary)];
    }
    return candidates[idx % Math.max(1, candidates.length)];
  }

  /** The request for the rest of `seg` on `m`: a Range, guarded by If-Range when resuming. */
  private requestFor(m: MirrorState, seg: Segment): { pos: number; headers: Record<string, string> } {
    const headers = { ...this.t.headers };
    let pos = seg.start + seg.written;
    if (pos > 0) {
      const v = m.validator;
      const ifRange = v?.etag ?? v?.lastModified;
      if (ifRange) headers['if-range'] = ifRange;
      else if (this.t.digests.size === 0 && this.plan.segments.length === 1) pos = 0;
      // Without a validator, only a pinned digest guards stitching bytes from this mirror to the ones on disk.
    }
    if (pos > 0 || seg.end !== Infinity || this.plan.segments.length === 1) {
      headers.range = `bytes=${pos}-${seg.end === Infinity ? '' : seg.end - 1}`;
    }
    return { pos, headers };
  }

  private async open(a: Attempt, seg: Segment): Promise<Opened> {
    const t = this.t;
    const { pos, headers } = this.requestFor(a.mirror, seg);
    a.rangeStart = pos;
    try {
      const res = await openUrl({
        url: a.mirror.url,
        headers,
        connectMs: t.timeouts.connectMs,
        firstByteMs: t.timeouts.firstByteMs,
        maxRedirects: t.maxRedirects,
        signal: a.signal,
      });
      a.status = res.status;
      try {
        const info = this.interpret(a, res, pos);
        return { attempt: a, res, info, discard: () => res.body.destroy() };
      } catch (err) {
        res.body.destroy();
        throw err;
      }
    } catch (err) {
      throw t.fail(a, err);
    }
  }

  /** Check a response's status, range and size before a byte of it is written. */
  private interpret(a: Attempt, res: OpenResponse, pos: number): ResponseInfo {
    const t = this.t;
    let start: number;
    let total: number | undefined;
    if (res.status === 206) {
      const raw = String(res.headers['content-range'] ?? '');
      const cr = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(raw.trim());
      if (!cr) throw new DownloadFault('protocol', `206 with an invalid Content-Range "${raw}"`, { status: 206 });
      start = Number(cr[1]);
      total = cr[3] === '*' ? undefined : Number(cr[3]);
      if (start !== pos || Number(cr[2]) < start) {
        throw new DownloadFault('protocol', `asked for bytes from ${pos}, got Content-Range "${raw}"`, {
          status: 206,
        });
      }
    } else if (res.status === 200) {
      if (pos > 0 && this.plan.segments.length > 1) {
        throw new DownloadFault('protocol', 'the server ignored the Range request (200 instead of 206)', {
          status: 200,
        });
      }
      start = 0;
      const cl = res.headers['content-length'];
      total = cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : undefined;
    } else {
      throw statusFault(res.status, res.statusText, parseRetryAfter(res.headers['retry-after'], t.now));
    }
    if (t.size !== undefined && total !== undefined && total !== t.size) {
      throw new DownloadFault('integrity', `the mirror has ${total} bytes, the pinned size is ${t.size}`, {
        status: res.status,
      });
    }
    const etag = res.headers.etag && !res.headers.etag.startsWith('W/') ? res.headers.etag : undefined;
    const lastModified = res.headers['last-modified'];
    const known = a.mirror.validator?.etag;
    if (res.status === 206 && pos > 0 && known && etag && etag !== known) {
      throw new DownloadFault('protocol', `the file changed on the mirror (ETag ${known} became ${etag})`, {
        status: 206,
        restart: true,
      });
    }
    return { status: res.status, start, total, validator: etag || lastModified ? { etag, lastModified } : undefined };
  }

  /** Take a checked response into the plan (after it won any hedge race). */
  private apply(o: Opened, seg: Segment): void {
    const { info, attempt: a } = o;
    try {
      const single = this.plan.segments.length === 1;
      if (info.start !== seg.start + seg.written) {
        if (!(single && info.start === 0)) {
          throw new DownloadFault('protocol', `the answer starts at byte ${info.start}, not where the data ends`);
        }
        // A full answer to a resume (changed file, ignored Range, or no way to validate): start over at 0.
        this.t.unprogressed(seg.written);
        seg.written = 0;
        this.hasher.reset();
        this.contributors.clear();
        if (info.total !== undefined) this.plan.total = info.total;
      }
      if (info.total !== undefined) {
        if (this.plan.total === undefined) this.plan.total = info.total;
        else if (this.plan.total !== info.total) {
          throw new DownloadFault(
            'protocol',
            `the mirror reports ${info.total} bytes, earlier answers said ${this.plan.total}`,
            { restart: true },
          );
        }
      }
      const last = this.plan.segments[this.plan.segments.length - 1] as Segment;
      if (this.plan.total !== undefined && last.end === Infinity) last.end = this.plan.total;
      if (info.validator) a.mirror.validator = info.validator;
      this.primary ??= a.mirror;
    } catch (err) {
      o.discard();
      throw this.t.fail(a, err);
    }
  }

  /** A fresh download from a mirror that answers ranges becomes parallel segments. */
  private maybeSplit(o: Opened): void {
    const total = this.plan.total;
    const segs = this.plan.segments;
    if (!this.fresh || segs.length !== 1 || o.info.status !== 206 || total === undefined) return;
    if ((segs[0] as Segment).written !== 0) return;
    if (!o.attempt.mirror.validator && this.t.digests.size === 0) return;
    const n = Math.min(this.s.segments, Math.floor(total / this.s.minSegmentBytes));
    if (n < 2) return;
    // About four pieces per connection: the tail left to hash after the last byte stays small.
    const size = Math.ceil(total / (n * 4));
    const next: Segment[] = [];
    for (let start = 0; start < total; start += size) {
      next.push({ start, end: Math.min(total, start + size), written: 0 });
    }
    this.plan.segments = next;
  }

  /** Write the body into `seg` at its offset, hashing on the way. */
  private async stream(o: Opened, seg: Segment): Promise<void> {
    const { attempt: a, res } = o;
    const t = this.t;
    try {
      await readBody(res.body, t.timeouts.idleMs, a.signal, async (chunk) => {
        const pos = seg.start + seg.written;
        const room = seg.end - pos;
        let buf = chunk;
        if (buf.length > room) {
          if (seg.end === this.plan.total || seg.end === t.size) {
            throw new DownloadFault('integrity', `the mirror sent more than the expected ${seg.end} bytes`, {
              restart: true,
            });
          }
          buf = buf.subarray(0, room);
        }
        try {
          await this.fh.write(buf, 0, buf.length, pos);
        } catch (err) {
          throw destinationError(DownloadErrorCode.DestWrite, this.s.paths.data, `writing ${this.s.paths.data} failed`, err);
        }
        seg.written += buf.length;
        a.bytes += buf.length;
        this.contributors.add(a.mirror.display);
        this.hasher.written(pos, buf);
        t.progressed(buf.length, this.plan.total);
        this.writer.touch();
        return !incomplete(seg);
      }, t.lowSpeed);
      if (incomplete(seg)) {
        if (seg.end === Infinity) {
          // No length was announced and the server closed: that is the end of the file.
          seg.end = seg.start + seg.written;
          this.plan.total = seg.end;
        } else {
          throw new DownloadFault(
            'connection',
            `the body ended at byte ${seg.start + seg.written}, expected ${seg.end}`,
          );
        }
      }
      t.succeed(a);
    } catch (err) {
      this.writer.touch();
      throw t.fail(a, err);
    }
  }

  private async finish(): Promise<DownloadResult> {
    const t = this.t;
    const last = this.plan.segments[this.plan.segments.length - 1] as Segment;
    const total = this.plan.total ?? last.start + last.written;
    const digests = await this.hasher.finish(total);
    if (t.size !== undefined && total !== t.size) {
      throw this.mismatch(new DownloadFault('integrity', `got ${total} bytes, the pinned size is ${t.size}`, { restart: true }));
    }
    for (const [alg, want] of t.digests) {
      const got = digests.get(alg);
      if (got !== want) {
        throw this.mismatch(
          new DownloadFault('integrity', `${alg} mismatch: expected ${want}, got ${got}`, { restart: true }),
        );
      }
    }
    await this.writer.settle();
    await this.fh.truncate(total);
    if (this.s.fsync) await this.fh.datasync();
    this.closed = true;
    await this.fh.close();
    try {
      await fs.rename(this.s.paths.data, this.s.dest);
    } catch (err) {
      throw destinationError(DownloadErrorCode.DestWrite, this.s.dest, `moving the verified file to ${this.s.dest} failed`, err);
    }
    await fs.rm(this.s.paths.state, { force: true });
    const sha256 = digests.get('sha256') as string;
    return {
      file: this.s.dest,
      bytes: total,
      sha256,
      digests: Object.fromEntries(digests),
      url: this.primary?.display ?? this.savedUrl ?? redactUrl(t.urls[0] as string),
      sources: [...this.contributors],
      attempts: t.attempts,
      durationMs: t.clock() - t.started,
      resumedBytes: this.resumedBytes,
      segments: this.connections,
    };
  }

  /** A verified mismatch: the one mirror that supplied the bytes is bad for this artifact. */
  private mismatch(fault: DownloadFault): DownloadFault {
    const sources = this.t.mirrors.filter((m) => this.contributors.has(m.display));
    if (sources.length === 1) this.t.markFailed(sources[0] as MirrorState, fault);
    else {
      // Several mirrors contributed: we cannot tell which one lied, so take the next try from one mirror only.
      this.t.noSpread = true;
      for (const m of sources) m.lastFault = fault;
    }
    return fault;
  }
}
