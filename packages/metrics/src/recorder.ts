/**
 * The recorder: turns the download client's events into metrics records and
 * hands them to a sink (a local file, an HTTP endpoint), without ever slowing
 * down or failing the download it records.
 *
 *   const recorder = new MetricsRecorder({ sink });
 *   const watch = recorder.watch({ artifact: 'jq-1.7.1-linux-amd64.tar.gz', kind: 'artifact' });
 *   try {
 *     await downloadFile({ urls, dest, onEvent: watch.onEvent });
 *   } finally {
 *     watch.end();
 *   }
 *   await recorder.close();   // waits for the records to be written (bounded by the sink)
 *
 * `onEvent` only collects: the records of a download are written together
 * when it ends (its `done` or `failed` event, or `end()`), so that each failed
 * request can say what the client did next. Writing happens in the
 * background; a failing sink is reported once through the reporter and the
 * records are dropped (counted in `dropped`).
 */
import { randomBytes } from 'node:crypto';
import { errorMessage, silentReporter, systemNow } from '@potions/core';
import type { Now, Reporter } from '@potions/core';
import type { DownloadEvent } from '@potions/downloader';
import { METRICS_RECORD_VERSION } from './records';
import type { AttemptRecord, DownloadKind, DownloadRecord, DownloadSubject, MetricsRecord } from './records';

/** Where records go. `write` may be called again before an earlier call settled; `close` flushes. */
export interface MetricsSink {
  write(records: readonly MetricsRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface MetricsRecorderOptions {
  sink: MetricsSink;
  now?: Now;
  reporter?: Reporter;
  /**
   * The mirror name of a URL (credentials already redacted). Default: its
   * origin. Give the mirror names of a mirrors configuration with
   * `mirrorNamesFromBases` so that records, health records and costs agree.
   */
  mirrorOf?: (url: string) => string;
  /** Write `attempt` records too (default true); `download` records are always written. */
  attempts?: boolean;
  /** Download ids (default 12 random hex digits). */
  id?: () => string;
  /** A monotonic clock in ms for downloads that end without a `done` event (default `performance.now`). */
  clock?: () => number;
}

/** The collector of one download. */
export interface DownloadWatch {
  /** Pass as the downloader's `onEvent`. Never throws. */
  readonly onEvent: (event: DownloadEvent) => void;
  /**
   * The download is over. Call it in a `finally`: it writes the records of a
   * download that ended without a `done` or `failed` event (`downloadToBuffer`
   * emits no `done`), and does nothing for one that did.
   */
  end(): void;
}

/** The origin of a URL, or the URL itself when it is not one. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * A `mirrorOf` from the base URLs a mirrors configuration serves objects
 * under: the name of the longest base that prefixes the URL, else its origin.
 */
export function mirrorNamesFromBases(bases: readonly { name: string; baseUrl: string }[]): (url: string) => string {
  const sorted = [...bases]
    .map((b) => ({ name: b.name, base: b.baseUrl.replace(/\/+$/, '') }))
    .sort((a, b) => b.base.length - a.base.length);
  return (url) => sorted.find((b) => url === b.base || url.startsWith(`${b.base}/`))?.name ?? originOf(url);
}

export class MetricsRecorder {
  private readonly sink: MetricsSink;
  private readonly now: Now;
  private readonly reporter: Reporter;
  readonly mirrorOf: (url: string) => string;
  private readonly withAttempts: boolean;
  private readonly newId: () => string;
  private readonly clock: () => number;
  private pending: Promise<void> = Promise.resolve();
  private warned = false;
  private closed = false;
  /** Records a failing sink did not take. */
  dropped = 0;
  /** Records handed to the sink. */
  written = 0;

  constructor(options: MetricsRecorderOptions) {
    this.sink = options.sink;
    this.now = options.now ?? systemNow;
    this.reporter = options.reporter ?? silentReporter;
    this.mirrorOf = options.mirrorOf ?? originOf;
    this.withAttempts = options.attempts ?? true;
    this.newId = options.id ?? (() => randomBytes(6).toString('hex'));
    this.clock = options.clock ?? (() => performance.now());
  }

  watch(subject: DownloadSubject): DownloadWatch {
    const collector = new Collector(this, subject, this.newId(), this.clock);
    return {
      onEvent: (event) => {
        try {
          collector.take(event);
        } catch (err) {
          // A bug here must not cost the user the download.
          this.warnOnce(`download metrics: ${errorMessage(err)}`);
        }
      },
      end: () => {
        try {
          collector.finish();
        } catch (err) {
          this.warnOnce(`download metrics: ${errorMessage(err)}`);
        }
      },
    };
  }

  /** @internal The time stamp of a record. */
  stamp(): string {
    return this.now().toISOString();
  }

  /** @internal Queue records for the sink; never throws, never waits. */
  emit(records: MetricsRecord[]): void {
    const kept = this.withAttempts ? records : records.filter((r) => r.type === 'download');
    if (kept.length === 0) return;
    if (this.closed) {
      this.dropped += kept.length;
      return;
    }
    this.pending = this.pending.then(async () => {
      try {
        await this.sink.write(kept);
        this.written += kept.length;
      } catch (err) {
        this.dropped += kept.length;
        this.warnOnce(`download metrics not recorded: ${errorMessage(err)}`);
      }
    });
  }

  /** Wait for every record handed over so far, then close the sink. Never throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pending;
    try {
      await this.sink.close();
    } catch (err) {
      this.warnOnce(`download metrics not recorded: ${errorMessage(err)}`);
    }
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.reporter.warn(message);
  }
}

/** Everything one download said, until it ends. */
class Collector {
  private readonly attempts: AttemptRecord[] = [];
  private readonly mirrorsAsked: string[] = [];
  private hedges = 0;
  private ended = false;
  private readonly started: number;
  private readonly kind: DownloadKind;

  constructor(
    private readonly recorder: MetricsRecorder,
    private readonly subject: DownloadSubject,
    private readonly id: string,
    private readonly clock: () => number,
  ) {
    this.started = clock();
    this.kind = subject.kind ?? 'file';
  }

  private asked(mirror: string): void {
    if (!this.mirrorsAsked.includes(mirror)) this.mirrorsAsked.push(mirror);
  }

  take(event: DownloadEvent): void {
    if (this.ended) return;
    switch (event.type) {
      case 'attempt': {
        const mirror = this.recorder.mirrorOf(event.url);
        this.asked(mirror);
        this.attempts.push({
          type: 'attempt',
          v: METRICS_RECORD_VERSION,
          time: this.recorder.stamp(),
          id: this.id,
          artifact: this.subject.artifact,
          kind: this.kind,
          mirror,
          attempt: event.attempt,
          segment: event.segment,
          bytes: event.bytes,
          durationMs: Math.round(event.durationMs),
          outcome: event.outcome,
          ...(event.errorClass !== undefined ? { errorClass: event.errorClass } : {}),
          ...(event.status !== undefined ? { status: event.status } : {}),
        });
        return;
      }
      case 'retry': {
        // The retry follows the latest failed request that has no successor yet.
        const failed = [...this.attempts].reverse().find((a) => a.outcome === 'error' && a.next === undefined);
        if (failed) failed.next = this.recorder.mirrorOf(event.url) === failed.mirror ? 'retry' : 'failover';
        return;
      }
      case 'hedge':
        this.hedges++;
        return;
      case 'done':
        this.write('ok', {
          mirror: this.recorder.mirrorOf(event.url),
          bytes: event.bytes,
          resumedBytes: event.resumedBytes,
          durationMs: event.durationMs,
        });
        return;
      case 'failed':
        this.write('failed', { durationMs: event.durationMs });
        return;
    }
  }

  /** The download ended without a `done` or `failed` event: judge by its requests. */
  finish(): void {
    if (this.ended) return;
    const ok = [...this.attempts].reverse().find((a) => a.outcome === 'ok');
    const durationMs = this.clock() - this.started;
    if (ok) this.write('ok', { mirror: ok.mirror, bytes: this.attempts.reduce((n, a) => n + (a.outcome === 'ok' ? a.bytes : 0), 0), durationMs });
    else this.write('failed', { durationMs });
  }

  private write(
    outcome: 'ok' | 'failed',
    facts: { mirror?: string; bytes?: number; resumedBytes?: number; durationMs: number },
  ): void {
    this.ended = true;
    const lastError = [...this.attempts].reverse().find((a) => a.outcome === 'error');
    const download: DownloadRecord = {
      type: 'download',
      v: METRICS_RECORD_VERSION,
      time: this.recorder.stamp(),
      id: this.id,
      artifact: this.subject.artifact,
      kind: this.kind,
      ...(this.subject.package !== undefined ? { package: this.subject.package } : {}),
      ...(this.subject.version !== undefined ? { version: this.subject.version } : {}),
      ...(this.subject.platform !== undefined ? { platform: this.subject.platform } : {}),
      outcome,
      ...(outcome === 'ok' && facts.mirror !== undefined ? { mirror: facts.mirror } : {}),
      bytes: facts.bytes ?? this.attempts.reduce((n, a) => n + a.bytes, 0),
      ...(facts.resumedBytes ? { resumedBytes: facts.resumedBytes } : {}),
      durationMs: Math.round(facts.durationMs),
      attempts: this.attempts.length,
      retries: this.attempts.filter((a) => a.next === 'retry').length,
      failovers: this.attempts.filter((a) => a.next === 'failover').length,
      hedges: this.hedges,
      mirrors: [...this.mirrorsAsked],
      ...(outcome === 'failed' ? { errorClass: lastError?.errorClass ?? 'unknown' } : {}),
    };
    this.recorder.emit([...this.attempts, download]);
  }
}
