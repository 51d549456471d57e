import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CircuitBreaker } from './breaker';
import { downloadFile } from './download-file';
import { mulberry32, startFaultServer } from './testing/fault-server';
import type { FaultServer, ServerFault } from './testing/fault-server';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * Faults that a mirror may recover from. A 404 or a redirect loop is
 * permanent by definition (the mirror is out for that artifact, tested on
 * their own); corruption is permanent too but kept here at a low weight, so
 * that three mirrors all corrupting one artifact stays out of reach.
 */
const MIXED: ServerFault[] = [
  { kind: 'status', status: 500 },
  { kind: 'status', status: 502 },
  { kind: 'status', status: 503 },
  { kind: 'status', status: 503, retryAfter: '0' },
  { kind: 'status', status: 503, retryAfter: '1' },
  { kind: 'status', status: 429 },
  { kind: 'status', status: 429, retryAfter: '0' },
  { kind: 'reset-before' },
  { kind: 'reset-mid' },
  { kind: 'reset-mid' },
  { kind: 'truncate' },
  { kind: 'truncate' },
  { kind: 'stall' },
  { kind: 'lie-length' },
  { kind: 'ignore-range' },
  { kind: 'wrong-range' },
  { kind: 'wrong-range' },
  { kind: 'redirect' },
  { kind: 'black-hole' },
  { kind: 'corrupt' },
];

describe('downloadFile under mixed faults', () => {
  let dir: string;
  let servers: FaultServer[] = [];

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-dl-stress-'));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('completes 1,000 downloads from three mirrors that each fail 30% of requests', async () => {
    const rand = mulberry32(42);
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 100; i++) files[`/f${i}.bin`] = randomBytes(1_000 + Math.floor(rand() * 40_000));
    servers = await Promise.all(
      [1, 2, 3].map((seed) =>
        startFaultServer({ files, seed, faults: [{ probability: 0.3, fault: MIXED }] }),
      ),
    );
    const breaker = new CircuitBreaker();
    const jobs = Array.from({ length: 1000 }, (_, i) => {
      const name = `/f${i % 100}.bin`;
      return { name, dest: path.join(dir, `out-${i}.bin`), data: files[name] as Buffer };
    });
    const failures: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < jobs.length) {
        const job = jobs[next++] as (typeof jobs)[number];
        try {
          await downloadFile({
            urls: servers.map((s) => s.url(job.name)),
            dest: job.dest,
            sha256: sha256(job.data),
            breaker,
            fsync: false,
            hedgeDelayMs: 100,
            timeouts: { connectMs: 1_000, firstByteMs: 500, idleMs: 200, deadlineMs: 20_000 },
            retry: { attemptsPerMirror: 5, baseMs: 2, maxMs: 20, maxRetryAfterMs: 100 },
          });
        } catch (err) {
          failures.push(`${job.dest}: ${(err as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));

    expect(failures).toEqual([]);
    const names = (await fs.readdir(dir)).sort();
    expect(names).toEqual(jobs.map((j) => path.basename(j.dest)).sort());
    for (const job of jobs) {
      expect(sha256(await fs.readFile(job.dest))).toBe(sha256(job.data));
    }
    // The faults really happened.
    const faulted = servers.flatMap((s) => s.requests).filter((r) => r.fault !== undefined);
    expect(new Set(faulted.map((r) => r.fault)).size).toBeGreaterThanOrEqual(10);
  });
});
