/**
 * `pnpm bench:sync`: Potions mirror-sync against `rclone sync --checksum`,
 * both to one local s3rver (a fresh bucket each), first sync and no-op
 * re-sync, for 1,000 small files and for eight 32 MiB files.
 *
 * Potions' first sync includes reading every object back and hashing it;
 * both tools hash the local files on every run (sha256 for us, MD5 for rclone).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
// Relative imports: the workspace root does not depend on its own packages.
import { silentReporter } from '../packages/core/src/index';
import {
  LOCAL_CREDENTIALS,
  localObjectsFromDir,
  S3MirrorTarget,
  artifactKey,
  localMirrorConfig,
  syncToMirrors,
  type MirrorConfig,
} from '../packages/mirrors/src/index';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const run = promisify(execFile);
const MiB = 1024 * 1024;
const SERVER_SCRIPT = new URL('./s3rver-process.ts', import.meta.url).pathname;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-bench-sync-'));
  const buckets = ['ours-small', 'rclone-small', 'ours-large', 'rclone-large', 'noverify-small', 'noverify-large'];
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
  const base = localMirrorConfig(0, port);
  try {
    const small = path.join(root, 'small');
    const large = path.join(root, 'large');
    await fs.mkdir(small);
    await fs.mkdir(large);
    for (let i = 0; i < 1000; i++) {
      await fs.writeFile(path.join(small, `file-${String(i).padStart(4, '0')}.txt`), randomBytes(512 + ((i * 7919) % 7680)));
    }
    for (let i = 0; i < 8; i++) await fs.writeFile(path.join(large, `big-${i}.tar.gz`), randomBytes(32 * MiB));

    const rows: string[][] = [];
    for (const [label, dir] of [
      ['1,000 small files', small],
      ['8 x 32 MiB', large],
    ] as const) {
      const tag = label.startsWith('1,000') ? 'small' : 'large';
      const ours: MirrorConfig = { ...base, bucket: `ours-${tag}` };
      const theirs = `rclone-${tag}`;

      const potions = async (): Promise<void> => {
        const objects = await localObjectsFromDir(dir);
        const { result } = await syncToMirrors(objects, { mirrors: [ours], reporter: silentReporter });
        if (!result?.policyMet) throw new Error(`potions sync failed: ${JSON.stringify(result?.mirrors)}`);
      };
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
      const rclone = async (): Promise<void> => {
        await run('rclone', ['sync', '--checksum', dir, `bench:${theirs}`], { env, maxBuffer: 16 * MiB });
      };
      // For comparison only: the upload path alone, with read-back answered from the local digests.
      const uploadOnly = async (): Promise<void> => {
        const objects = await localObjectsFromDir(dir);
        const digests = new Map(objects.map((o) => [artifactKey(o.sha256, o.name), { size: o.size, sha256: o.sha256 }]));
        const made: S3MirrorTarget[] = [];
        try {
          const { result } = await syncToMirrors(objects, {
            mirrors: [{ ...base, bucket: `noverify-${tag}` }],
            reporter: silentReporter,
            targetFor: (m) => {
              const t = new S3MirrorTarget(m, { reporter: silentReporter });
              made.push(t);
              return Object.assign(Object.create(t) as S3MirrorTarget, { readBack: async (key: string) => digests.get(key) });
            },
          });
          if (!result?.policyMet) throw new Error('upload-only sync failed');
        } finally {
          for (const t of made) t.destroy();
        }
      };
      const pFirst = await timed(potions);
      const rFirst = await timed(rclone);
      const pAgain = await timed(potions);
      const rAgain = await timed(rclone);
      const pUpload = await timed(uploadOnly);
      rows.push([`${label}, first sync`, pFirst.toFixed(2), rFirst.toFixed(2), (pFirst / rFirst).toFixed(2)]);
      rows.push([`${label}, no-op re-sync`, pAgain.toFixed(2), rAgain.toFixed(2), (pAgain / rAgain).toFixed(2)]);
      rows.push([`${label}, first sync without read-back*`, pUpload.toFixed(2), rFirst.toFixed(2), (pUpload / rFirst).toFixed(2)]);
    }
    const { stdout: version } = await run('rclone', ['version']);
    const head = ['case', 'potions (s)', 'rclone (s)', 'potions / rclone'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    console.log(`local s3rver, ${os.cpus().length} CPUs, node ${process.version}, ${version.split('\n')[0]}`);
    console.log(line(head));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) console.log(line(r));
    console.log('ratio < 1: potions is faster. Potions reads back (GET) and hashes every upload; rclone does not.');
    console.log('* comparison only, not a mode Potions offers: read-back answered from the local digests.');
  } finally {
    server.kill('SIGTERM');
    await fs.rm(root, { recursive: true, force: true });
  }
}

await main();
