/**
 * `pnpm bench:download`: this client against curl and aria2c on a throttled
 * local mirror (not part of the test suite).
 *
 * A 256 MiB file is served on 127.0.0.1 at ~40 MB/s per connection, the way a
 * CDN edge throttles one connection. Cases: curl (one connection), aria2c
 * -x8 -s8, this client with 8 segments, and this client with its first
 * mirror black-holed (accepts TCP, never answers). Goals: at least as fast
 * as aria2c, at least 5x curl; the black-holed case costs at most the hedge
 * delay on top of the healthy one.
 *
 * Anchor tools: `apt-get install -y curl aria2` (a missing one is skipped).
 * Every case runs POTIONS_BENCH_RUNS times (default 3), in turn, so that a
 * burst of load on the machine does not favour one tool; medians are compared.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// Relative imports: the workspace root does not depend on its own packages.
import { CircuitBreaker, DEFAULT_HEDGE_DELAY_MS, downloadFile } from '../packages/downloader/src/index';
import { startFaultServer } from '../packages/downloader/src/testing';

const SIZE = Number(process.env.POTIONS_BENCH_MIB ?? 256) * 1024 * 1024;
const RATE = 40_000_000;
const SEGMENTS = 8;
/** Each case runs this many times, interleaved; the table shows the median (and the range). */
const RUNS = Math.max(1, Number(process.env.POTIONS_BENCH_RUNS ?? 3));

function have(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
}

function runTool(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}`))));
  });
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-bench-'));
  process.stderr.write(`generating ${SIZE / 1024 / 1024} MiB ...\n`);
  const data = randomBytes(SIZE);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const mirror = await startFaultServer({ files: { '/big.bin': data }, bytesPerSecond: RATE });
  const hole = await startFaultServer({ faults: [{ fault: { kind: 'black-hole' } }] });
  const url = mirror.url('/big.bin');
  const samples = new Map<string, number[]>();
  const notes = new Map<string, string>();
  const record = (name: string, seconds: number): void => void samples.set(name, [...(samples.get(name) ?? []), seconds]);
  const check = async (file: string): Promise<void> => {
    const got = createHash('sha256').update(await fs.readFile(file)).digest('hex');
    if (got !== sha256) throw new Error(`${file}: wrong sha256`);
    await fs.rm(file, { force: true });
  };
  const CURL = 'curl (1 connection)';
  const ARIA = 'aria2c -x8 -s8';
  const OURS = `potions, ${SEGMENTS} segments (sha256 verified)`;
  const HOLED = `potions, ${SEGMENTS} segments, 1st mirror black-holed`;
  if (!have('curl')) {
    process.stderr.write('curl not found: skipped (apt-get install -y curl)\n');
    notes.set(CURL, 'skipped: not installed');
  }
  if (!have('aria2c')) {
    process.stderr.write('aria2c not found: skipped (apt-get install -y aria2)\n');
    notes.set(ARIA, 'skipped: not installed');
  }

  try {
    const ours = async (name: string, urls: string[]): Promise<void> => {
      const dest = path.join(dir, 'potions.bin');
      record(name, await timed(() => downloadFile({ urls, dest, sha256, segments: SEGMENTS, breaker: new CircuitBreaker() }).then(() => undefined)));
      await check(dest);
    };
    for (let run = 1; run <= RUNS; run++) {
      process.stderr.write(`run ${run} of ${RUNS}\n`);
      if (!notes.has(CURL)) {
        const out = path.join(dir, 'curl.bin');
        record(CURL, await timed(() => runTool('curl', ['-sSf', '-o', out, url])));
        await check(out);
      }
      if (!notes.has(ARIA)) {
        const args = ['-x8', '-s8', '-q', '--allow-overwrite=true', '--auto-file-renaming=false', '--file-allocation=none', '-d', dir, '-o', 'aria2.bin', url];
        record(ARIA, await timed(() => runTool('aria2c', args)));
        await check(path.join(dir, 'aria2.bin'));
      }
      await ours(OURS, [url]);
      await ours(HOLED, [hole.url('/big.bin'), url]);
    }
  } finally {
    await mirror.close();
    await hole.close();
    await fs.rm(dir, { recursive: true, force: true });
  }

  const median = (xs: number[]): number => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const t = (name: string): number | undefined => {
    const xs = samples.get(name);
    return xs && xs.length > 0 ? median(xs) : undefined;
  };
  const curl = t(CURL);
  const aria = t(ARIA);
  const healthy = t(OURS);
  const rows = [CURL, ARIA, OURS, HOLED].map((name) => {
    const sec = t(name);
    const xs = samples.get(name) ?? [];
    return [
      name,
      sec === undefined ? '-' : `${sec.toFixed(2)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`,
      sec === undefined ? '-' : (SIZE / sec / 1e6).toFixed(0),
      sec === undefined || curl === undefined ? '-' : `${(curl / sec).toFixed(2)}x`,
      sec === undefined || aria === undefined ? '-' : `${(aria / sec).toFixed(2)}x`,
      notes.get(name) ?? '',
    ];
  });
  const headers = ['CASE', `SECONDS, MEDIAN OF ${RUNS} (RANGE)`, 'MB/S', 'VS CURL', 'VS ARIA2C', 'NOTE'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  process.stdout.write(`\n${SIZE / 1024 / 1024} MiB on 127.0.0.1, ${RATE / 1e6} MB/s per connection\n`);
  process.stdout.write(`${[line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n\n`);
  const holed = t(HOLED);
  const goals: [string, boolean | undefined][] = [
    ['at least as fast as aria2c', aria === undefined || healthy === undefined ? undefined : healthy <= aria],
    ['at least 5x curl', curl === undefined || healthy === undefined ? undefined : curl / healthy >= 5],
    [
      `black-holed mirror costs <= hedge delay (${DEFAULT_HEDGE_DELAY_MS / 1000} s)`,
      holed === undefined || healthy === undefined ? undefined : holed - healthy <= DEFAULT_HEDGE_DELAY_MS / 1000,
    ],
  ];
  for (const [goal, ok] of goals) process.stdout.write(`${ok === undefined ? 'SKIP' : ok ? 'PASS' : 'MISS'}  ${goal}\n`);
}

await main();
