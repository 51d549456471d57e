import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CircuitBreaker } from './breaker';
import { downloadFile } from './download-file';
import { partialPaths } from './partial-state';
import { startFaultServer } from './testing/fault-server';
import type { FaultServer } from './testing/fault-server';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const child = fileURLToPath(new URL('./testing/download-child.ts', import.meta.url));

async function written(stateFile: string): Promise<number> {
  try {
    const s = JSON.parse(await fs.readFile(stateFile, 'utf8')) as { segments: { written: number }[] };
    return s.segments.reduce((n, x) => n + x.written, 0);
  } catch {
    return 0;
  }
}

describe('a download killed midway', () => {
  let dir: string;
  let server: FaultServer;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-dl-kill-'));
  });
  afterEach(async () => {
    await server?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it.each([1, 4])('resumes with a Range request in a later run (%i segments)', async (segments) => {
    const data = randomBytes(4 * 1024 * 1024);
    // Slow enough that the kill lands mid-body.
    server = await startFaultServer({
      files: { '/tool.tar.gz': data },
      faults: [{ fault: { kind: 'slow', bytesPerSecond: 1_000_000 } }],
    });
    const dest = path.join(dir, 'tool.tar.gz');
    const partial = partialPaths(dest);
    const proc = spawn(process.execPath, ['--import', 'tsx', child], {
      cwd: path.dirname(child),
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        POTIONS_TEST_URLS: JSON.stringify([server.url('/tool.tar.gz')]),
        POTIONS_TEST_DEST: dest,
        POTIONS_TEST_SHA256: sha256(data),
        POTIONS_TEST_SEGMENTS: String(segments),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; (await written(partial.state)) < 256 * 1024; i++) {
        if (proc.exitCode !== null || i > 400) throw new Error(`the child did not start downloading: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      proc.kill('SIGKILL');
      await exited;
    } finally {
      proc.kill('SIGKILL');
    }

    // Killed: nothing at the destination, resumable state beside it.
    await expect(fs.stat(dest)).rejects.toThrow();
    const before = await written(partial.state);
    expect(before).toBeGreaterThan(0);

    server.reset();
    const r = await downloadFile({ urls: [server.url('/tool.tar.gz')], dest, sha256: sha256(data), segments, minSegmentBytes: 64 * 1024, breaker: new CircuitBreaker(), fsync: false });
    expect(r.resumedBytes).toBeGreaterThanOrEqual(before);
    const ranges = server.requests.map((x) => x.range ?? '');
    expect(ranges.some((x) => /^bytes=[1-9]\d*-/.test(x))).toBe(true);
    expect(server.requests.every((x) => x.ifRange !== undefined && x.status === 206)).toBe(true);
    expect(sha256(await fs.readFile(dest))).toBe(sha256(data));
    expect(await fs.readdir(dir)).toEqual(['tool.tar.gz']);
  });
});
