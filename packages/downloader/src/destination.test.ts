import { createHash, randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CircuitBreaker } from './breaker';
import { downloadFile } from './download-file';
import type { DownloadOptions } from './download-file';
import type { DownloadEvent } from './events';
import { partialPaths } from './partial-state';
import { startFaultServer } from './testing/fault-server';
import type { FaultServer } from './testing/fault-server';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

interface Failure {
  code: string;
  message: string;
  cause?: unknown;
}
async function failure(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (err) {
    return err as Failure;
  }
  throw new Error('expected the download to fail');
}

const fast: Partial<DownloadOptions> = {
  timeouts: { connectMs: 2_000, firstByteMs: 2_000, idleMs: 300, deadlineMs: 20_000 },
  retry: { baseMs: 5, maxMs: 50 },
  hedgeDelayMs: 0,
  fsync: false,
};

describe('downloadFile: the destination', () => {
  const data = randomBytes(300_000);
  let dir: string;
  let a: FaultServer;
  let b: FaultServer;
  const urls = (): string[] => [a.url('/a.bin'), b.url('/a.bin')];
  const download = (dest: string, extra: Partial<DownloadOptions> = {}) =>
    downloadFile({ ...fast, breaker: new CircuitBreaker(), urls: urls(), dest, ...extra });

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-dl-dest-'));
    a = await startFaultServer({ files: { '/a.bin': data } });
    b = await startFaultServer({ files: { '/a.bin': data } });
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('refuses an existing folder as the destination before any request', async () => {
    const dest = path.join(dir, 'sub');
    await fs.mkdir(dest);
    await expect(download(dest)).rejects.toMatchObject({
      code: 'E_DOWNLOAD_DEST_IS_DIR',
      message: expect.stringContaining(`${dest} is a folder`),
    });
    expect(a.requests).toHaveLength(0);
    expect(await fs.readdir(dir)).toEqual(['sub']);
    expect(await fs.readdir(dest)).toEqual([]);
  });

  it('refuses a destination whose parent is a file, naming the path and the OS reason', async () => {
    await fs.writeFile(path.join(dir, 'a.bin'), 'a file');
    const dest = path.join(dir, 'a.bin', 'x.bin');
    const err = await failure(download(dest));
    expect(err).toMatchObject({ code: 'E_DOWNLOAD_DEST_UNWRITABLE' });
    expect(err.message).toContain(dest);
    expect(err.message).toContain(`${path.join(dir, 'a.bin')} is not a folder`);
    expect(err.message).not.toContain('deadline');
    expect(err.cause).toMatchObject({ code: 'ENOTDIR' });
    expect(a.requests).toHaveLength(0);
    expect(await fs.readFile(path.join(dir, 'a.bin'), 'utf8')).toBe('a file');
  });

  it('creates missing folders, and refuses fast where no folder can be created', async () => {
    const deep = path.join(dir, 'x', 'y', 'z.bin');
    // A failed download leaves no folder behind either.
    await expect(download(deep, { sha256: sha256(Buffer.from('other')) })).rejects.toMatchObject({ code: 'E_DOWNLOAD_FAILED' });
    expect(await fs.readdir(dir)).toEqual([]);
    await download(deep, { sha256: sha256(data) });
    expect(sha256(await fs.readFile(deep))).toBe(sha256(data));
    // Node 20's recursive mkdir never returns under /proc; this must fail at once.
    await expect(download('/proc/potions-nope/x.bin')).rejects.toMatchObject({
      code: 'E_DOWNLOAD_DEST_UNWRITABLE',
      message: expect.stringContaining('/proc/potions-nope'),
    });
    expect(a.requests.length).toBe(2);
  });

  const devFull = existsSync('/dev/full') ? it : it.skip;
  devFull('reports a full disk as a local error: not blamed on the mirror, not retried elsewhere', async () => {
    // /dev/full answers every write with ENOSPC: put it where the partial data goes.
    const dest = path.join(dir, 'out.bin');
    const partial = partialPaths(dest);
    await fs.symlink('/dev/full', partial.data);
    const state = { version: 1, url: a.url('/a.bin'), digests: { sha256: sha256(data) }, segments: [{ start: 0, end: null, written: 0 }] };
    await fs.writeFile(partial.state, JSON.stringify(state));
    const events: DownloadEvent[] = [];
    const err = await failure(download(dest, { sha256: sha256(data), onEvent: (e) => events.push(e) }));
    expect(err.code).toBe('E_DOWNLOAD_DEST_WRITE');
    expect(err.message).toContain('ENOSPC');
    expect(err.message).toContain(partial.data);
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(0);
    expect(events.at(-1)).toMatchObject({ type: 'failed', attempts: 1 });
    expect(events.filter((e) => e.type === 'retry')).toEqual([]);
  });
});
