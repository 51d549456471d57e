/**
 * `pnpm bench:sync`: Potions mirror-sync against `rclone sync --checksum`,
 * both to one local s3rver (in its own process), first sync and no-op
 * re-sync, for 1,000 small files and for eight 32 MiB files.
 *
 * Fairness:
 * - one s3rver process serves both tools; it is warmed up first by four
 *   throwaway syncs of 1,000 files, alternating the tools, so neither pays its slow start;
 * - every run uses fresh buckets; the order of the tools alternates between runs;
 * - rclone runs as a user would: `--checksum` (MD5 of each local file against
 *   the listed ETag), once with its defaults (`--transfers 4 --checkers 8`) and
 *   once with `--transfers 16 --checkers 16` (Potions' own concurrency); the
 *   ratio is taken against the faster of the two. rclone HEADs every upload to
 *   check it (its default; `--s3-no-head` would skip that check, so it is not used);
 * - Potions runs in-process (`localObjectsFromDir` + `openS3Mirrors` + `syncToMirrors`, the
 *   code `potions mirrors sync` runs, without Node/tsx start-up); rclone's
 *   times include starting its process (`rclone version` time is printed);
 * - medians of RUNS runs (default 3; `POTIONS_BENCH_RUNS`), with min-max;
 *   `POTIONS_BENCH_CASES=small` or `=large` runs one case only.
 * Both tools hash every local file on every run (sha256 for Potions, MD5 for rclone).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
// Relative imports: the workspace root does not depend on its own packages.
import { silentReporter } from '../packages/core/src/index';
import { LOCAL_CREDENTIALS, localMirrorConfig } from '../packages/local-mirrors/src/index';
import {
  closeMirrors,
  localObjectsFromDir,
  openS3Mirrors,
  syncToMirrors,
  type MirrorConfig,
  type VerifyMode,
} from '../packages/mirrors/src/index';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const run = promisify(execFile);
const MiB = 1024 * 1024;
const SERVER_SCRIPT = new URL('./s3rver-process.ts', import.meta.url).pathname;
const RUNS = Math.max(1, Number(process.env.POTIONS_BENCH_RUNS ?? 3));
const RCLONE_FLAGS: Record<string, string[]> = {
  'rclone defaults': [],
  'rclone --transfers 16': ['--transfers', '16', '--checkers', '16'],
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-bench-sync-'));
  const only = process.env.POTIONS_BENCH_CASES?.split(',');
  const cases = (
    [
      { label: '1,000 small files', tag: 'small' },
      { label: '8 x 32 MiB', tag: 'large' },
    ] as const
  ).filter((c) => !only || only.includes(c.tag));
  const tools = ['potions', ...Object.keys(RCLONE_FLAGS), 'potions-get'];
  const bucketOf = (tool: string, tag: string, i: number): string =>
    `${tool.replace(/[^a-z0-9]+/g, '-').replace(/-+$/, '')}-${tag}-${i}`;
  const WARM_ROUNDS = 4;
  const buckets = Array.from({ length: WARM_ROUNDS }, (_, i) => `warm-${i}`);
  for (const c of cases) for (const t of tools) for (let i = 0; i < RUNS; i++) buckets.push(bucketOf(t, c.tag, i));
  // s3rver in its own process: in ours it would share one event loop with the
  // sync being measured, while rclone gets a whole process to itself.
  const server = spawn(process.execPath, ['--import', 'tsx', SERVER_SCRIPT, path.join(root, 's3'), buckets.join(',')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
    server.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  const serverCpu = (): number => {
    const f = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  };
  const base = localMirrorConfig(0, port);
  const env = { ...process.env };
  delete env.AWS_CA_BUNDLE;
  Object.assign(env, {
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
    RCLONE_CONFIG_BENCH_ENDPOINT: base.endpoint,
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
    RCLONE_CONFIG_BENCH_REGION: 'us-east-1',
  });
  const potions = (dir: string, bucket: string, verify?: VerifyMode) => async (): Promise<void> => {
    const objects = await localObjectsFromDir(dir);
    const mirror: MirrorConfig = { ...base, bucket };
    // As `potions mirrors sync` does: open the mirror, sync, close it.
    const mirrors = openS3Mirrors([mirror], { reporter: silentReporter });
    try {
      const { result } = await syncToMirrors(objects, { mirrors, reporter: silentReporter, ...(verify ? { verify } : {}) });
      if (!result?.policyMet) throw new Error(`potions sync failed: ${JSON.stringify(result?.mirrors)}`);
    } finally {
      await closeMirrors(mirrors);
    }
  };
  const rclone = (dir: string, bucket: string, flags: string[]) => async (): Promise<void> => {
    await run('rclone', ['sync', '--checksum', ...flags, dir, `bench:${bucket}`], { env, maxBuffer: 16 * MiB });
  };
  const timed = async (fn: () => Promise<unknown>): Promise<{ s: number; serverCpu: number }> => {
    const c0 = serverCpu();
    const t0 = performance.now();
    await fn();
    return { s: (performance.now() - t0) / 1000, serverCpu: serverCpu() - c0 };
  };
  const load0 = os.loadavg();
  try {
    const small = path.join(root, 'small');
    const large = path.join(root, 'large');
    const warm = path.join(root, 'warm');
    await fs.mkdir(small);
    await fs.mkdir(large);
    await fs.mkdir(warm);
    for (let i = 0; i < 1000; i++) {
      await fs.writeFile(path.join(small, `file-${String(i).padStart(4, '0')}.txt`), randomBytes(512 + ((i * 7919) % 7680)));
    }
    for (let i = 0; i < 1000; i++) await fs.writeFile(path.join(warm, `warm-${i}.txt`), randomBytes(2048));
    for (let i = 0; i < 8; i++) await fs.writeFile(path.join(large, `big-${i}.tar.gz`), randomBytes(32 * MiB));
    // Warm-up. s3rver needs thousands of requests to reach a steady speed
    // (measured: its CPU for the same 1,000 PUTs fell from 3.4-4.7 s on a fresh
    // process to 0.6-0.9 s after ~4,000), so whichever tool ran first would
    // pay for it. Alternate the tools over 4,000 PUTs before measuring.
    const warmTimes: string[] = [];
    for (let i = 0; i < WARM_ROUNDS; i++) {
      const t = await timed(i % 2 === 0 ? potions(warm, `warm-${i}`) : rclone(warm, `warm-${i}`, []));
      warmTimes.push(t.s.toFixed(2));
    }

    type Sample = { s: number; serverCpu: number };
    const results = new Map<string, Sample[]>(); // `${case}|${phase}|${tool}`
    const add = (k: string, v: Sample): void => void results.set(k, [...(results.get(k) ?? []), v]);
    for (const c of cases) {
      const dir = c.tag === 'small' ? small : large;
      for (let i = 0; i < RUNS; i++) {
        const order = i % 2 === 0 ? tools : [...tools].reverse();
        for (const tool of order) {
          const bucket = bucketOf(tool, c.tag, i);
          const fn =
            tool === 'potions'
              ? potions(dir, bucket)
              : tool === 'potions-get'
                ? potions(dir, bucket, 'get')
                : rclone(dir, bucket, RCLONE_FLAGS[tool]!);
          add(`${c.tag}|first|${tool}`, await timed(fn));
          if (tool !== 'potions-get') add(`${c.tag}|no-op|${tool}`, await timed(fn));
        }
      }
    }

    const t0 = performance.now();
    await run('rclone', ['version']);
    const rcloneStart = (performance.now() - t0) / 1000;
    const { stdout: version } = await run('rclone', ['version']);
    const fmt = (xs: Sample[]): string => {
      const s = xs.map((x) => x.s);
      return `${median(s).toFixed(2)} (${Math.min(...s).toFixed(2)}-${Math.max(...s).toFixed(2)})`;
    };
    const rows: string[][] = [];
    for (const c of cases) {
      for (const phase of ['first', 'no-op'] as const) {
        const get = (tool: string): Sample[] => results.get(`${c.tag}|${phase}|${tool}`) ?? [];
        const p = median(get('potions').map((x) => x.s));
        const rcloneBest = Math.min(...Object.keys(RCLONE_FLAGS).map((t) => median(get(t).map((x) => x.s))));
        const getMode = get('potions-get');
        rows.push([
          `${c.label}, ${phase === 'first' ? 'first sync' : 'no-op re-sync'}`,
          fmt(get('potions')),
          ...Object.keys(RCLONE_FLAGS).map((t) => fmt(get(t))),
          (p / rcloneBest).toFixed(2),
          getMode.length ? fmt(getMode) : '-',
          [get('potions'), get('rclone --transfers 16')].map((xs) => median(xs.map((x) => x.serverCpu)).toFixed(2)).join(' / '),
        ]);
      }
    }
    const head = [
      'case',
      'potions (s)',
      ...Object.keys(RCLONE_FLAGS).map((t) => `${t} (s)`),
      'potions / best rclone',
      'potions --verify get (s)',
      'server CPU s: potions / rclone -t16',
    ];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    const load1 = os.loadavg();
    console.log(
      `local s3rver (own process), ${os.cpus().length} CPUs, node ${process.version}, ${version.split('\n')[0]}; ` +
        `median (min-max) of ${RUNS} runs; load average ${load0[0]!.toFixed(1)} at start, ${load1[0]!.toFixed(1)} at end; ` +
        `warm-up rounds of 1,000 PUTs (potions, rclone, ...): ${warmTimes.join(', ')} s`,
    );
    console.log(line(head));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) console.log(line(r));
    console.log(
      `ratio < 1: potions is faster. Potions verifies every upload (default here: the ETag = MD5 of the stored bytes,` +
        ` checked in one listing; "--verify get" downloads and hashes each one); rclone HEADs each upload.` +
        ` rclone process start-up: ${rcloneStart.toFixed(3)} s (included in its times).`,
    );
  } finally {
    server.kill('SIGTERM');
    await fs.rm(root, { recursive: true, force: true });
  }
}

await main();
