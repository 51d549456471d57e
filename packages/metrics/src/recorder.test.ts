import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordingReporter } from '@potions/core';
import { CircuitBreaker, downloadFile, downloadToBuffer } from '@potions/downloader';
import type { DownloadOptions } from '@potions/downloader';
import { startFaultServer } from '@potions/downloader/testing';
import type { FaultServer } from '@potions/downloader/testing';
import { JsonLinesFileSink, readMetricsFiles } from './file-sink';
import { MetricsRecorder, mirrorNamesFromBases } from './recorder';
import type { MetricsSink } from './recorder';
import type { AttemptRecord, DownloadRecord, MetricsRecord } from './records';

const body = Buffer.from('potions '.repeat(4096));
const fixedNow = () => new Date('2026-11-30T08:00:00.000Z');

let a: FaultServer;
let b: FaultServer;
let dir: string;

beforeAll(async () => {
  a = await startFaultServer({ files: { '/jq.tar.gz': body } });
  b = await startFaultServer({ files: { '/jq.tar.gz': body } });
});
afterAll(async () => {
  await a.close();
  await b.close();
});
beforeEach(async () => {
  a.reset();
  b.reset();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-metrics-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Fast retries, no hedging, a fresh breaker: what happens is what the servers do. */
function quick(urls: string[]): Omit<DownloadOptions, 'onEvent'> {
  return {
    urls,
    dest: path.join(dir, 'out', 'jq.tar.gz'),
    retry: { baseMs: 1, maxMs: 2 },
    hedgeDelayMs: 0,
    segments: 1,
    breaker: new CircuitBreaker(),
  };
}

function recorderTo(file: string, extra: Partial<ConstructorParameters<typeof MetricsRecorder>[0]> = {}): MetricsRecorder {
  return new MetricsRecorder({
    sink: new JsonLinesFileSink({ file, now: fixedNow }),
    now: fixedNow,
    mirrorOf: mirrorNamesFromBases([
      { name: 'r2', baseUrl: a.origin },
      { name: 'wasabi', baseUrl: b.origin },
    ]),
    ...extra,
  });
}

async function recorded(file: string): Promise<{ attempts: AttemptRecord[]; downloads: DownloadRecord[]; all: MetricsRecord[] }> {
  const { records, skipped } = await readMetricsFiles(file);
  expect(skipped).toEqual([]);
  return {
    attempts: records.filter((r): r is AttemptRecord => r.type === 'attempt'),
    downloads: records.filter((r): r is DownloadRecord => r.type === 'download'),
    all: records,
  };
}

describe('MetricsRecorder over real downloads', () => {
  it('writes one attempt and one download record for a download served by the first mirror', async () => {
    const file = path.join(dir, 'm', 'downloads.jsonl');
    const recorder = recorderTo(file);
    const watch = recorder.watch({ artifact: 'jq.tar.gz', kind: 'artifact', package: 'jq', version: '1.7.1', platform: 'linux-amd64' });
    try {
      await downloadFile({ ...quick([a.url('/jq.tar.gz'), b.url('/jq.tar.gz')]), onEvent: watch.onEvent });
    } finally {
      watch.end();
    }
    await recorder.close();
    const { attempts, downloads, all } = await recorded(file);
    expect(all.map((r) => r.type)).toEqual(['attempt', 'download']);
    expect(attempts[0]).toMatchObject({ mirror: 'r2', outcome: 'ok', bytes: body.length, attempt: 1, time: '2026-11-30T08:00:00.000Z' });
    expect(downloads[0]).toMatchObject({
      artifact: 'jq.tar.gz',
      kind: 'artifact',
      package: 'jq',
      version: '1.7.1',
      platform: 'linux-amd64',
      outcome: 'ok',
      mirror: 'r2',
      bytes: body.length,
      attempts: 1,
      retries: 0,
      failovers: 0,
      mirrors: ['r2'],
    });
    expect(downloads[0]!.id).toBe(attempts[0]!.id);
    expect(downloads[0]!.errorClass).toBeUndefined();
  });

  it('counts a retry on the same mirror and a failover to the next', async () => {
    a.setFaults([{ path: '/jq.tar.gz', times: 1, fault: { kind: 'status', status: 503 } }]);
    b.setFaults([]);
    const file = path.join(dir, 'downloads.jsonl');
    const recorder = recorderTo(file);
    const w1 = recorder.watch({ artifact: 'jq.tar.gz', kind: 'artifact' });
    await downloadFile({ ...quick([a.url('/jq.tar.gz'), b.url('/jq.tar.gz')]), onEvent: w1.onEvent });
    w1.end();

    // A 404 is permanent: the client moves to the second mirror at once.
    a.reset();
    a.setFaults([{ path: '/jq.tar.gz', fault: { kind: 'status', status: 404 } }]);
    const w2 = recorder.watch({ artifact: 'jq.tar.gz', kind: 'artifact' });
    await downloadFile({ ...quick([a.url('/jq.tar.gz'), b.url('/jq.tar.gz')]), dest: path.join(dir, 'out2', 'jq.tar.gz'), onEvent: w2.onEvent });
    w2.end();
    await recorder.close();

    const { attempts, downloads } = await recorded(file);
    expect(downloads.map((d) => [d.outcome, d.mirror, d.retries, d.failovers, d.mirrors])).toEqual([
      ['ok', 'r2', 1, 0, ['r2']],
      ['ok', 'wasabi', 0, 1, ['r2', 'wasabi']],
    ]);
    expect(attempts.map((x) => [x.mirror, x.outcome, x.errorClass ?? null, x.status ?? null, x.next ?? null])).toEqual([
      ['r2', 'error', 'http-retryable', 503, 'retry'],
      ['r2', 'ok', null, 206, null],
      ['r2', 'error', 'http-permanent', 404, 'failover'],
      ['wasabi', 'ok', null, 206, null],
    ]);
  });

  it('records a failed download with its error class, and the download fails exactly as without a recorder', async () => {
    a.setFaults([{ path: '/jq.tar.gz', fault: { kind: 'status', status: 404 } }]);
    b.setFaults([{ path: '/jq.tar.gz', fault: { kind: 'status', status: 403 } }]);
    const file = path.join(dir, 'downloads.jsonl');
    const recorder = recorderTo(file);
    const watch = recorder.watch({ artifact: 'jq.tar.gz', kind: 'artifact' });
    const err = await downloadFile({ ...quick([a.url('/jq.tar.gz'), b.url('/jq.tar.gz')]), onEvent: watch.onEvent }).catch((e: unknown) => e);
    watch.end();
    await recorder.close();
    expect((err as { code?: string }).code).toBe('E_DOWNLOAD_FAILED');
    const { downloads } = await recorded(file);
    expect(downloads).toHaveLength(1);
    expect(downloads[0]).toMatchObject({ outcome: 'failed', errorClass: 'http-permanent', attempts: 2, failovers: 1, mirrors: ['r2', 'wasabi'] });
    expect(downloads[0]!.mirror).toBeUndefined();
  });

  it('writes the outcome of a download that emits no done event (downloadToBuffer) when end() is called', async () => {
    const file = path.join(dir, 'downloads.jsonl');
    const recorder = recorderTo(file);
    const watch = recorder.watch({ artifact: 'manifest.json', kind: 'manifest' });
    const got = await downloadToBuffer({ urls: [b.url('/jq.tar.gz')], onEvent: watch.onEvent, hedgeDelayMs: 0, breaker: new CircuitBreaker() });
    watch.end();
    watch.end();
    await recorder.close();
    expect(got.data.equals(body)).toBe(true);
    const { downloads } = await recorded(file);
    expect(downloads).toEqual([expect.objectContaining({ kind: 'manifest', outcome: 'ok', mirror: 'wasabi', bytes: body.length, attempts: 1 })]);
  });

  it('never fails or delays the download when the sink fails: one warning, the records counted as dropped', async () => {
    const reporter = new RecordingReporter();
    const broken: MetricsSink = {
      write: async () => {
        throw new Error('disk full');
      },
      close: async () => {},
    };
    const recorder = new MetricsRecorder({ sink: broken, reporter });
    for (const name of ['one', 'two']) {
      const watch = recorder.watch({ artifact: name });
      const r = await downloadFile({ ...quick([a.url('/jq.tar.gz')]), dest: path.join(dir, name), onEvent: watch.onEvent });
      watch.end();
      expect(r.bytes).toBe(body.length);
    }
    await recorder.close();
    expect(recorder.dropped).toBe(4);
    expect(recorder.written).toBe(0);
    expect(reporter.lines).toEqual([{ level: 'warn', message: 'download metrics not recorded: disk full' }]);
  });

  it('keeps only download records when attempts are turned off', async () => {
    const file = path.join(dir, 'downloads.jsonl');
    const recorder = recorderTo(file, { attempts: false });
    const watch = recorder.watch({ artifact: 'jq.tar.gz' });
    await downloadFile({ ...quick([a.url('/jq.tar.gz')]), onEvent: watch.onEvent });
    watch.end();
    await recorder.close();
    const { all } = await recorded(file);
    expect(all.map((r) => r.type)).toEqual(['download']);
    expect(all[0]).toMatchObject({ kind: 'file', attempts: 1 });
  });
});

describe('mirrorNamesFromBases', () => {
  it('names a URL by the longest base that prefixes it, else by its origin', () => {
    const name = mirrorNamesFromBases([
      { name: 'wasabi-a', baseUrl: 'https://s3.wasabisys.com/bucket-a/' },
      { name: 'wasabi', baseUrl: 'https://s3.wasabisys.com' },
    ]);
    expect(name('https://s3.wasabisys.com/bucket-a/artifacts/x')).toBe('wasabi-a');
    expect(name('https://s3.wasabisys.com/bucket-ab/x')).toBe('wasabi');
    expect(name('https://cdn.example.com/x')).toBe('https://cdn.example.com');
  });
});
