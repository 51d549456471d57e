import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CircuitBreaker } from './breaker';
import { downloadFile } from './download-file';
import type { DownloadOptions } from './download-file';
import type { DownloadError } from './errors';
import type { DownloadEvent } from './events';
import { partialPaths } from './partial-state';
import { RecordingReporter } from '@potions/core';
import { startFaultServer } from './testing/fault-server';
import type { FaultServer, ServerFault } from './testing/fault-server';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Fast settings: tests must not wait for production timeouts. */
const fast: Partial<DownloadOptions> = {
  timeouts: { connectMs: 2_000, firstByteMs: 2_000, idleMs: 300, deadlineMs: 20_000 },
  retry: { baseMs: 5, maxMs: 50, maxRetryAfterMs: 2_000 },
  hedgeDelayMs: 0,
  breaker: undefined,
  fsync: false,
};

let dir: string;
const servers: FaultServer[] = [];

async function server(files: Record<string, Uint8Array>, extra = {}): Promise<FaultServer> {
  const s = await startFaultServer({ files, ...extra });
  servers.push(s);
  return s;
}

async function download(o: Omit<DownloadOptions, 'dest'> & { dest?: string }) {
  return downloadFile({ ...fast, breaker: new CircuitBreaker(), dest: path.join(dir, 'out.bin'), ...o });
}

/** Compare by digest: jest's deep equality on large buffers is slow. */
async function expectFile(file: string, want: Uint8Array): Promise<void> {
  expect(sha256(await fs.readFile(file))).toBe(sha256(want));
}

async function failure(p: Promise<unknown>): Promise<DownloadError> {
  try {
    await p;
  } catch (err) {
    return err as DownloadError;
  }
  throw new Error('expected the download to fail');
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-dl-'));
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await fs.rm(dir, { recursive: true, force: true });
});

describe('downloadFile', () => {
  const data = randomBytes(300_000);
  const files = { '/a.bin': data };

  it('puts the verified file in place and leaves nothing else', async () => {
    const s = await server(files);
    const r = await download({ urls: [s.url('/a.bin')], sha256: sha256(data), size: data.length });
    await expectFile(path.join(dir, 'out.bin'), data);
    expect(r).toMatchObject({ bytes: data.length, sha256: sha256(data), url: s.url('/a.bin'), resumedBytes: 0 });
    expect(await fs.readdir(dir)).toEqual(['out.bin']);
  });

  const faults: [string, ServerFault][] = [
    ['HTTP 500', { kind: 'status', status: 500 }],
    ['HTTP 502', { kind: 'status', status: 502 }],
    ['HTTP 503 with Retry-After', { kind: 'status', status: 503, retryAfter: '0' }],
    ['HTTP 429', { kind: 'status', status: 429 }],
    ['a reset before the answer', { kind: 'reset-before' }],
    ['a reset mid-body', { kind: 'reset-mid' }],
    ['a truncated body', { kind: 'truncate' }],
    ['a stalled body', { kind: 'stall' }],
    ['a lying Content-Length', { kind: 'lie-length' }],
    ['a wrong range', { kind: 'wrong-range' }],
    ['an ignored range', { kind: 'ignore-range' }],
    ['a redirect', { kind: 'redirect' }],
    ['corrupted bytes', { kind: 'corrupt' }],
    ['a 404', { kind: 'status', status: 404 }],
  ];
  it.each(faults)('recovers from %s and writes the exact file', async (_name, fault) => {
    const a = await server(files, { faults: [{ times: 1, fault }] });
    const b = await server(files);
    await download({ urls: [a.url('/a.bin'), b.url('/a.bin')], sha256: sha256(data) });
    await expectFile(path.join(dir, 'out.bin'), data);
    expect(a.requests[0]?.fault).toBe(fault.kind);
    expect(await fs.readdir(dir)).toEqual(['out.bin']);
  });

  it('fails over at once on a 404 but retries a 503 on the same mirror', async () => {
    const a = await server(files, { faults: [{ fault: { kind: 'status', status: 404 } }] });
    const b = await server(files, { faults: [{ times: 2, fault: { kind: 'status', status: 503 } }] });
    const r = await download({ urls: [a.url('/a.bin'), b.url('/a.bin')], sha256: sha256(data) });
    expect(a.requests).toHaveLength(1);
    expect(b.requests.map((x) => x.status)).toEqual([503, 503, 206]);
    expect(r.url).toBe(b.url('/a.bin'));
  });

  it('waits as long as Retry-After asks before retrying', async () => {
    const a = await server(files, { faults: [{ times: 1, fault: { kind: 'status', status: 503, retryAfter: '1' } }] });
    const slept: number[] = [];
    await download({ urls: [a.url('/a.bin')], sleep: async (ms) => void slept.push(ms) });
    expect(slept).toEqual([1000]);
    await expectFile(path.join(dir, 'out.bin'), data);
  });

  it('names every mirror and its failure when all are bad, and writes nothing', async () => {
    const a = await server(files, { faults: [{ fault: { kind: 'status', status: 404 } }] });
    const b = await server(files, { faults: [{ fault: { kind: 'status', status: 503 } }] });
    const c = await server(files, { faults: [{ fault: { kind: 'black-hole' } }] });
    const urls = [a.url('/a.bin'), b.url('/a.bin'), c.url('/a.bin')];
    const events: DownloadEvent[] = [];
    const err = await failure(
      download({ urls, timeouts: { firstByteMs: 500, deadlineMs: 20_000 }, retry: { attemptsPerMirror: 3 }, onEvent: (e) => events.push(e) }),
    );
    expect(err.code).toBe('E_DOWNLOAD_FAILED');
    // It ends because every mirror used up its tries (a 404 at once, the others three each), not at the deadline.
    expect(err.message).toContain('every mirror failed');
    expect(err.mirrors.map((m) => m.attempts)).toEqual([1, 3, 3]);
    expect([a.requests.length, b.requests.length, c.requests.length]).toEqual([1, 3, 3]);
    expect(events.filter((e) => e.type === 'attempt').map((e) => e.type === 'attempt' && e.errorClass)).toEqual([
      'http-permanent',
      ...Array(3).fill('http-retryable'),
      ...Array(3).fill('first-byte-timeout'),
    ]);
    for (const u of urls) expect(err.message).toContain(u);
    expect(err.message).toContain('HTTP 404');
    expect(err.message).toContain('HTTP 503');
    expect(err.mirrors.map((m) => m.errorClass)).toEqual(['http-permanent', 'http-retryable', 'first-byte-timeout']);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('gives up at the deadline with a clear message', async () => {
    const a = await server(files, { faults: [{ fault: { kind: 'black-hole' } }] });
    const err = await failure(download({ urls: [a.url('/a.bin')], timeouts: { deadlineMs: 700 } }));
    expect(err.code).toBe('E_DOWNLOAD_FAILED');
    expect(err.message).toContain('deadline');
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('refuses the file when the pinned checksum matches no mirror, and writes nothing', async () => {
    const mirrors = await Promise.all([server(files), server(files), server(files)]);
    const wrong = sha256(Buffer.from('something else'));
    const err = await failure(download({ urls: mirrors.map((m) => m.url('/a.bin')), sha256: wrong }));
    expect(err.code).toBe('E_DOWNLOAD_FAILED');
    expect(err.mirrors.map((m) => m.errorClass)).toEqual(['integrity', 'integrity', 'integrity']);
    expect(err.message).toContain(`sha256 mismatch: expected ${wrong}`);
    expect(err.partial).toBeUndefined();
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('checks every pinned digest and the size', async () => {
    const s = await server(files);
    const sha512 = createHash('sha512').update(data).digest('hex');
    const r = await download({ urls: [s.url('/a.bin')], digests: { sha512 }, size: data.length });
    expect(r.digests.sha512).toBe(sha512);
    const err = await failure(download({ urls: [s.url('/a.bin')], size: data.length + 1 }));
    expect(err.mirrors[0]?.errorClass).toBe('integrity');
    expect(err.message).toContain(`pinned size is ${data.length + 1}`);
  });

  it('resumes with If-Range and starts over when the file changed on the mirror', async () => {
    const v1 = randomBytes(400_000);
    const v2 = randomBytes(400_000);
    const s = await server({ '/f.bin': v1 }, { faults: [{ fault: { kind: 'reset-mid' } }] });
    await failure(download({ urls: [s.url('/f.bin')], retry: { attemptsPerMirror: 1 } }));
    // The interrupted run left resumable state, not a file.
    const partial = partialPaths(path.join(dir, 'out.bin'));
    expect((await fs.stat(partial.data)).size).toBeGreaterThan(0);
    await expect(fs.stat(path.join(dir, 'out.bin'))).rejects.toThrow();

    s.setFile('/f.bin', v2);
    s.reset();
    await download({ urls: [s.url('/f.bin')] });
    expect(s.requests[0]?.range).toMatch(/^bytes=[1-9]\d*-/);
    expect(s.requests[0]?.ifRange).toBeDefined();
    expect(s.requests[0]?.status).toBe(200);
    await expectFile(path.join(dir, 'out.bin'), v2);
    expect(await fs.readdir(dir)).toEqual(['out.bin']);
  });

  it('resumes an unchanged file from where it stopped', async () => {
    const s = await server(files, { faults: [{ fault: { kind: 'truncate' } }] });
    const err = await failure(download({ urls: [s.url('/a.bin')], retry: { attemptsPerMirror: 1 } }));
    // Kept for the next run, hidden, and said so.
    const partial = partialPaths(path.join(dir, 'out.bin'));
    expect(err.partial).toBe(partial.data);
    expect((await fs.readdir(dir)).sort()).toEqual(['.out.bin.potions-partial', '.out.bin.potions-partial.json']);
    s.reset();
    const r = await download({ urls: [s.url('/a.bin')], sha256: sha256(data) });
    expect(r.resumedBytes).toBeGreaterThan(0);
    expect(s.requests[0]?.status).toBe(206);
    expect(s.requests[0]?.range).toBe(`bytes=${r.resumedBytes}-${data.length - 1}`);
    await expectFile(path.join(dir, 'out.bin'), data);
  });

  it('removes the partial data of a failed download with keepPartial: false', async () => {
    const s = await server(files, { faults: [{ fault: { kind: 'truncate' } }] });
    const err = await failure(download({ urls: [s.url('/a.bin')], retry: { attemptsPerMirror: 1 }, keepPartial: false }));
    expect(err.code).toBe('E_DOWNLOAD_FAILED');
    expect(err.partial).toBeUndefined();
    expect(s.requests[0]?.fault).toBe('truncate');
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('never shows the credentials of a URL, but sends them', async () => {
    const s = await server(files, { faults: [{ fault: { kind: 'status', status: 404 } }] });
    const t = await server(files, { faults: [{ fault: { kind: 'status', status: 503 } }] });
    const withUser = s.url('/a.bin').replace('http://', 'http://potion-user:s3cr3tpw@');
    const withToken = `${t.url('/a.bin')}?token=SECRETTOKEN&v=1`;
    const events: DownloadEvent[] = [];
    const reporter = new RecordingReporter();
    const err = await failure(
      download({ urls: [withUser, withToken], retry: { attemptsPerMirror: 2 }, reporter, onEvent: (e) => events.push(e) }),
    );
    const shown = JSON.stringify({ message: err.message, hint: err.hint, mirrors: err.mirrors, events });
    for (const secret of ['s3cr3tpw', 'potion-user', 'SECRETTOKEN']) expect(shown).not.toContain(secret);
    expect(err.mirrors.map((m) => m.url)).toEqual([
      s.url('/a.bin').replace('http://', 'http://***:***@'),
      `${t.url('/a.bin')}?token=***&v=1`,
    ]);
    expect(err.message).toContain(`${t.url('/a.bin')}?token=***&v=1: HTTP 503`);
    expect(reporter.secrets).toEqual(expect.arrayContaining(['s3cr3tpw', 'SECRETTOKEN']));
    expect(reporter.secrets).not.toContain('potion-user');
    // The real URL still went out: basic auth from the user info, the token in the query.
    const basic = `Basic ${Buffer.from('potion-user:s3cr3tpw').toString('base64')}`;
    expect(s.requests[0]?.authorization).toBe(basic);
    expect(t.requests.every((r) => r.path === '/a.bin')).toBe(true);
    expect(t.requests).toHaveLength(2);

    // A success reports the redacted URL too.
    s.reset();
    const ok = await download({ urls: [withUser], sha256: sha256(data), onEvent: (e) => events.push(e) });
    expect(JSON.stringify({ ok, events })).not.toContain('s3cr3tpw');
    expect(ok.url).toBe(s.url('/a.bin').replace('http://', 'http://***:***@'));
    expect(ok.sources).toEqual([ok.url]);
    expect(s.requests[0]?.authorization).toBe(basic);
  });

  it('starts over when a resumed request is answered with the whole file', async () => {
    const s = await server(files, { faults: [{ fault: { kind: 'truncate' } }] });
    await failure(download({ urls: [s.url('/a.bin')], retry: { attemptsPerMirror: 1 } }));
    s.setFaults([{ times: 1, fault: { kind: 'ignore-range' } }]);
    s.requests.length = 0;
    await download({ urls: [s.url('/a.bin')], sha256: sha256(data) });
    expect(s.requests[0]).toMatchObject({ fault: 'ignore-range', status: 200 });
    await expectFile(path.join(dir, 'out.bin'), data);
  });

  it('downloads segments in parallel from several mirrors', async () => {
    const big = randomBytes(2_000_000);
    const a = await server({ '/big.bin': big });
    const b = await server({ '/big.bin': big });
    const r = await download({
      urls: [a.url('/big.bin'), b.url('/big.bin')],
      sha256: sha256(big),
      segments: 4,
      minSegmentBytes: 100_000,
    });
    expect(r.segments).toBe(4);
    expect(new Set(r.sources)).toEqual(new Set([a.url('/big.bin'), b.url('/big.bin')]));
    expect(b.requests.every((x) => x.status === 206 && x.range !== undefined)).toBe(true);
    await expectFile(path.join(dir, 'out.bin'), big);
  });

  it('keeps segments on one mirror when no digest is pinned', async () => {
    const big = randomBytes(1_000_000);
    const a = await server({ '/big.bin': big });
    const b = await server({ '/big.bin': big });
    const r = await download({ urls: [a.url('/big.bin'), b.url('/big.bin')], segments: 4, minSegmentBytes: 100_000 });
    expect(r.segments).toBe(4);
    expect(b.requests).toHaveLength(0);
    expect(a.requests.every((x) => x.ifRange !== undefined || x.range === 'bytes=0-')).toBe(true);
    await expectFile(path.join(dir, 'out.bin'), big);
  });

  it('survives faults in segments', async () => {
    const big = randomBytes(2_000_000);
    const faultList: ServerFault[] = [{ kind: 'reset-mid' }, { kind: 'wrong-range' }, { kind: 'ignore-range' }, { kind: 'stall' }];
    const a = await server({ '/big.bin': big }, { faults: [{ onlyRanges: true, probability: 0.5, fault: faultList }] });
    const b = await server({ '/big.bin': big }, { faults: [{ onlyRanges: true, probability: 0.5, fault: faultList }] });
    await download({
      urls: [a.url('/big.bin'), b.url('/big.bin')],
      sha256: sha256(big),
      segments: 6,
      minSegmentBytes: 100_000,
      retry: { attemptsPerMirror: 8, baseMs: 1, maxMs: 10 },
    });
    await expectFile(path.join(dir, 'out.bin'), big);
    expect(await fs.readdir(dir)).toEqual(['out.bin']);
  });

  it('hedges: a black-holed first mirror costs the hedge delay, not the timeout', async () => {
    const a = await server(files, { faults: [{ fault: { kind: 'black-hole' } }] });
    const b = await server(files);
    const events: DownloadEvent[] = [];
    const r = await download({
      urls: [a.url('/a.bin'), b.url('/a.bin')],
      hedgeDelayMs: 200,
      // Without hedging the first request would outlive the deadline.
      timeouts: { firstByteMs: 60_000, deadlineMs: 5_000 },
      onEvent: (e) => events.push(e),
    });
    expect(r.url).toBe(b.url('/a.bin'));
    expect(events).toContainEqual({ type: 'hedge', from: a.url('/a.bin'), to: b.url('/a.bin') });
    expect(events).toContainEqual(expect.objectContaining({ type: 'attempt', url: a.url('/a.bin'), outcome: 'cancelled' }));
    await expectFile(path.join(dir, 'out.bin'), data);
  });

  it('tries a mirror that failed repeatedly last while its circuit is open', async () => {
    const a = await server(files, { faults: [{ fault: { kind: 'status', status: 503 } }] });
    const b = await server(files);
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 60_000 });
    const urls = [a.url('/a.bin'), b.url('/a.bin')];
    for (let i = 0; i < 2; i++) {
      await download({ urls, breaker, retry: { attemptsPerMirror: 1 }, dest: path.join(dir, `d${i}`) });
    }
    expect(a.requests).toHaveLength(2);
    expect(breaker.order(urls)).toEqual([urls[1], urls[0]]);
    const r = await download({ urls, breaker, dest: path.join(dir, 'd3') });
    expect(r.url).toBe(urls[1]);
    expect(a.requests).toHaveLength(2);
  });

  it('reports a redirect loop as such', async () => {
    const a = await server(files, { faults: [{ fault: { kind: 'redirect-loop' } }] });
    const err = await failure(download({ urls: [a.url('/a.bin')] }));
    expect(err.mirrors[0]?.errorClass).toBe('redirect');
    expect(err.message).toContain('redirect loop');
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('reports events per attempt and per download', async () => {
    const a = await server(files, { faults: [{ times: 1, fault: { kind: 'status', status: 500 } }] });
    const events: DownloadEvent[] = [];
    await download({ urls: [a.url('/a.bin')], onEvent: (e) => events.push(e) });
    const attempts = events.filter((e) => e.type === 'attempt');
    expect(attempts).toEqual([
      expect.objectContaining({ status: 500, outcome: 'error', errorClass: 'http-retryable', bytes: 0 }),
      expect.objectContaining({ status: 206, outcome: 'ok', bytes: data.length }),
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'done', attempts: 2, bytes: data.length, url: a.url('/a.bin') });
  });

  it('rejects bad options as a user error naming the field', async () => {
    await expect(download({ urls: ['ftp://example.com/x'] })).rejects.toMatchObject({
      code: 'E_DOWNLOAD_OPTIONS',
      message: expect.stringContaining('ftp://example.com/x'),
    });
    await expect(download({ urls: ['http://127.0.0.1:1/x'], sha256: 'abc' })).rejects.toMatchObject({
      code: 'E_DOWNLOAD_OPTIONS',
      location: { field: 'sha256' },
    });
  });

  it.each([
    // Past 2^31-1 ms a Node timer fires at once: such a timeout would fail every request at its start.
    [{ timeouts: { idleMs: 3e9 } }, 'timeouts.idleMs', 'idleMs must be from 1 to 3600000 ms, got 3000000000'],
    [{ timeouts: { deadlineMs: 0 } }, 'timeouts.deadlineMs', 'deadlineMs must be from 1 to 86400000 ms, got 0'],
    [{ segments: 65 }, 'segments', 'segments must be a whole number from 1 to 64, got 65'],
    [{ hedgeDelayMs: -1 }, 'hedgeDelayMs', 'hedgeDelayMs must be from 0 to 3600000 ms, got -1'],
    [{ maxRedirects: 1.5 }, 'maxRedirects', 'maxRedirects must be a whole number from 0 to 50, got 1.5'],
    [{ retry: { attemptsPerMirror: 0 } }, 'retry.attemptsPerMirror', 'attemptsPerMirror must be a whole number from 1 to 100, got 0'],
  ] as [Partial<DownloadOptions>, string, string][])('refuses %j before a request or a write, naming the field', async (options, field, message) => {
    const s = await server(files);
    const dest = path.join(dir, 'sub', 'out.bin');
    await expect(download({ urls: [s.url('/a.bin')], dest, ...options })).rejects.toMatchObject({ code: 'E_DOWNLOAD_OPTIONS', location: { field }, message });
    expect(s.requests).toHaveLength(0);
    expect(await fs.readdir(dir)).toEqual([]);
  });
});
