/**
 * The minimum-throughput rule (curl's --speed-limit / --speed-time): a mirror
 * that trickles bytes keeps the idle timeout quiet forever, so without this
 * rule it holds a download until the overall deadline. Asserted on what
 * happened (which mirror delivered, the events), never on time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CircuitBreaker } from './breaker';
import { downloadToBuffer } from './download-buffer';
import { downloadFile } from './download-file';
import type { DownloadEvent } from './events';
import { startFaultServer } from './testing/fault-server';
import type { FaultServer } from './testing/fault-server';

const manifest = Buffer.from(JSON.stringify({ signed: { version: 7, packages: {} }, padding: 'x'.repeat(2000) }));
/** 10 bytes a second, a byte at a time: the idle timeout (300 ms here) never fires. */
const trickle = { fault: { kind: 'slow' as const, bytesPerSecond: 10 } };
const options = (events: DownloadEvent[]) => ({
  breaker: new CircuitBreaker(),
  timeouts: { firstByteMs: 2_000, idleMs: 300, deadlineMs: 60_000 },
  retry: { baseMs: 2, maxMs: 20, attemptsPerMirror: 2 },
  hedgeDelayMs: 0,
  lowSpeed: { bytesPerSecond: 1_000, periodMs: 250 },
  onEvent: (e: DownloadEvent) => events.push(e),
});

describe('the minimum-throughput rule', () => {
  const servers: FaultServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('leaves a mirror that trickles the manifest for the next one at once', async () => {
    const slow = await startFaultServer({ files: { '/manifest.json': manifest }, faults: [trickle] });
    const good = await startFaultServer({ files: { '/manifest.json': manifest } });
    servers.push(slow, good);
    const events: DownloadEvent[] = [];
    const got = await downloadToBuffer({ ...options(events), urls: [slow.url('/manifest.json'), good.url('/manifest.json')] });
    expect(got.url).toBe(good.url('/manifest.json'));
    expect(got.data.equals(manifest)).toBe(true);
    const attempts = events.filter((e) => e.type === 'attempt');
    expect(attempts.map((e) => e.type === 'attempt' && [new URL(e.url).origin, e.outcome, e.errorClass ?? ''])).toEqual([
      [slow.origin, 'error', 'too-slow'],
      [good.origin, 'ok', ''],
    ]);
    // It moved on without waiting: the retry went to the next mirror with no delay.
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ url: good.url('/manifest.json'), delayMs: 0, errorClass: 'too-slow' });
  });

  it('resumes a file from the next mirror where the slow one left it', async () => {
    const bytes = randomBytes(20_000);
    const slow = await startFaultServer({ files: { '/a.tar.gz': bytes }, faults: [{ fault: { kind: 'slow', bytesPerSecond: 2_000 } }] });
    const good = await startFaultServer({ files: { '/a.tar.gz': bytes } });
    servers.push(slow, good);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-low-speed-'));
    try {
      const events: DownloadEvent[] = [];
      const got = await downloadFile({
        ...options(events),
        lowSpeed: { bytesPerSecond: 10_000, periodMs: 250 },
        segments: 1,
        urls: [slow.url('/a.tar.gz'), good.url('/a.tar.gz')],
        dest: path.join(dir, 'a.tar.gz'),
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
      expect(createHash('sha256').update(await fs.readFile(got.file)).digest('hex')).toBe(got.sha256);
      expect(events.some((e) => e.type === 'attempt' && e.errorClass === 'too-slow' && e.url === slow.url('/a.tar.gz'))).toBe(true);
      // The next mirror was asked only for the rest.
      expect(good.requestsFor('/a.tar.gz').map((r) => r.range)).toEqual([expect.stringMatching(/^bytes=[1-9]\d*-19999$/)]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('with one mirror, tries it again, then fails saying it was too slow; 0 turns the rule off', async () => {
    const slow = await startFaultServer({ files: { '/manifest.json': manifest.subarray(0, 30) }, faults: [trickle] });
    servers.push(slow);
    const events: DownloadEvent[] = [];
    await expect(downloadToBuffer({ ...options(events), urls: [slow.url('/manifest.json')], lowSpeed: { bytesPerSecond: 1_000, periodMs: 150 } })).rejects.toMatchObject({
      code: 'E_DOWNLOAD_FAILED',
      mirrors: [expect.objectContaining({ errorClass: 'too-slow', attempts: 2, error: expect.stringContaining('slower than 1000 bytes/s') })],
    });
    const off = await downloadToBuffer({ ...options([]), urls: [slow.url('/manifest.json')], lowSpeed: { bytesPerSecond: 0 } });
    expect(off.data.equals(manifest.subarray(0, 30))).toBe(true);
  });

  it('refuses a rule out of range, naming the field', async () => {
    await expect(downloadToBuffer({ urls: ['http://127.0.0.1:1/x'], lowSpeed: { periodMs: 0 } })).rejects.toMatchObject({
      code: 'E_DOWNLOAD_OPTIONS',
      location: { field: 'lowSpeed.periodMs' },
    });
  });
});
