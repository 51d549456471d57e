/**
 * `pnpm bench:compress`: artifact formats and deltas measured on real
 * programs and trees nobody here wrote (not part of the test suite).
 *
 * Inputs are pinned npm releases (fetched with `npm pack`, integrity checked,
 * cached in $POTIONS_TEST_CACHE or ~/.cache/potions-tests), packed by the
 * packer exactly as the builder packs an artifact:
 *   esbuild 0.28.2 (linux-x64, one 11 MB Go program), rollup 4.68.8
 *   (linux-x64-gnu, a 2 MB Rust library) and typescript 5.9.3 (a 23 MB tree
 *   of JavaScript); with POTIONS_BENCH_LARGE=1 also biome 2.6.8 (linux-x64,
 *   one 100 MB Rust program), which takes about half an hour more.
 *   POTIONS_BENCH_ONLY=biome,esbuild keeps only the named packages.
 *
 * 1. Compression: every format on the same tar, the packer's own settings
 *    (gzip 9 through node:zlib, `zstd -19 --single-thread --check`) beside
 *    zstd at other levels and windows and the anchors `gzip -9`, `xz -9` and
 *    `zstd -19 --long`, run by the bench itself. Size, compression time,
 *    decompression time (how `potions fetch` decompresses: node:zlib for
 *    gzip, the zstd and xz programs) and the decompressor's peak memory
 *    (when /usr/bin/time exists). Each codec runs POTIONS_BENCH_RUNS times
 *    (default 3), interleaved; medians are shown, and whether every run gave
 *    the same bytes.
 * 2. Determinism: the packer packs each tree twice; both runs must give the
 *    same bytes in every format.
 * 3. Deltas between consecutive releases (esbuild 0.28.1 -> 0.28.2, rollup
 *    4.68.7 -> 4.68.8, typescript 5.9.2 -> 5.9.3; biome 2.6.7 -> 2.6.8 with
 *    POTIONS_BENCH_LARGE=1): @potions/delta's formats (bsdiff, zstd
 *    --patch-from over the tars), xdelta3 -9 when installed, and zstd
 *    --patch-from between the compressed .tar.zst files (what not to do).
 *
 * Tools: zstd, xz-utils, gzip, bsdiff (`.ci/apt-packages.txt`); xdelta3 and
 * /usr/bin/time (Debian `time`) are optional.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
// Relative imports: the workspace root does not depend on its own packages.
import { packDirectory, type PackResult } from '../packages/archive/src/index';
import { applyDelta, availableDeltaFormats, makeDelta, shouldPublishDelta, zstdWindowLog } from '../packages/delta/src/index';
import { npmPackageDir, TEST_MTIME, type NpmRelease } from '../packages/delta/src/testing';

const RUNS = Math.max(1, Number(process.env.POTIONS_BENCH_RUNS ?? 3));
const LARGE = process.env.POTIONS_BENCH_LARGE === '1';
/** POTIONS_BENCH_ONLY=biome,esbuild: only these inputs and pairs (by package name). */
const ONLY = process.env.POTIONS_BENCH_ONLY ? new Set(process.env.POTIONS_BENCH_ONLY.split(',')) : undefined;
const wanted = (r: { name: string }): boolean => ONLY === undefined || ONLY.has(r.name);

const NPM = {
  esbuild1: { spec: '@esbuild/linux-x64@0.28.1', integrity: 'sha512-u/anNYF2mmVOEDwLtnQ1wOr3EZ9sTNGLWrsYGYwHWzGA3Si84IOkHXlbWTD1NB+9/1lcnweYKO54uhxZydNzfA==' },
  esbuild2: { spec: '@esbuild/linux-x64@0.28.2', integrity: 'sha512-4xTZr1FUmSoQW4XIWmit3tzQrUTZM+N3P0XV8xROKYF50XfI7xeO90+1bZvNwxIufQ9hDQVRJH5YhgPVF8A/HQ==' },
  rollup1: { spec: '@rollup/rollup-linux-x64-gnu@4.68.7', integrity: 'sha512-rsTjTf5HAm6F4sI6uUfJf2pc+7AWBKxgc2RveGvwB2OvVa1GezSSCDD1rtXPuFhcg3itPv7iHgcZsq/RwWvJ4Q==' },
  rollup2: { spec: '@rollup/rollup-linux-x64-gnu@4.68.8', integrity: 'sha512-mDufoUJ6fnKZnCyjV3sGEDvXQQkM6j1UmINHheGX4Emau3TZWJzX3sCVmbzkNB+W2G84BiFQdDCcF09lv0i0VA==' },
  typescript1: { spec: 'typescript@5.9.2', integrity: 'sha512-CWBzXQrc/qOkhidw1OzBTQuYRbfyxDXJMVJ1XNwUHGROVmuaeiEm3OslpZ1RV96d7SKKjZKrSJu3+t/xlw3R9A==' },
  typescript2: { spec: 'typescript@5.9.3', integrity: 'sha512-jl1vZzPDinLr9eUt3J/t7V6FgNEw9QjvBPdysz9KfQDD41fQrC2Y4vKQdiaUpFT4bXlb1RHhLpp8wtm6M5TgSw==' },
  biome1: { spec: '@biomejs/cli-linux-x64@2.6.7', integrity: 'sha512-VpHQ33CPNYrlIn0vyDdRS1KUlS3AiM17FiyEE2gwU000NwzyY4MgjzVHEv2KrmMb5D9Ksm3gFkwg+IOx/ULJNQ==' },
  biome2: { spec: '@biomejs/cli-linux-x64@2.6.8', integrity: 'sha512-XIk3pLQT56I6Tti+u0DF8FtSNXjCMTPbxVTzfJ9cS2t1ImVKvrqV5b52GuEaJg6/wuiXvz0sjfb5saB4TPRjzA==' },
} as const satisfies Record<string, NpmRelease>;

interface Release {
  name: string;
  version: string;
  npm: NpmRelease;
}
const rel = (name: string, version: string, npm: NpmRelease): Release => ({ name, version, npm });

const COMPRESS_INPUTS: Release[] = [
  rel('esbuild', '0.28.2', NPM.esbuild2),
  rel('rollup', '4.68.8', NPM.rollup2),
  rel('typescript', '5.9.3', NPM.typescript2),
  ...(LARGE ? [rel('biome', '2.6.8', NPM.biome2)] : []),
].filter(wanted);

const ALL_PAIRS: [Release, Release][] = [
  [rel('esbuild', '0.28.1', NPM.esbuild1), rel('esbuild', '0.28.2', NPM.esbuild2)],
  [rel('rollup', '4.68.7', NPM.rollup1), rel('rollup', '4.68.8', NPM.rollup2)],
  [rel('typescript', '5.9.2', NPM.typescript1), rel('typescript', '5.9.3', NPM.typescript2)],
  ...(LARGE ? ([[rel('biome', '2.6.7', NPM.biome1), rel('biome', '2.6.8', NPM.biome2)]] as [Release, Release][]) : []),
];
const DELTA_PAIRS = ALL_PAIRS.filter(([base]) => wanted(base));

const PLATFORM = 'linux-amd64' as const;

// ---- running things ----

function have(program: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(program, args, { stdio: 'ignore' });
  return r.error === undefined;
}

const TIME = have('/usr/bin/time', ['-f', '%M', 'true']) ? '/usr/bin/time' : undefined;

/** Runs argv with stdin from `input` and stdout to `output`; the child's peak RSS in KiB when /usr/bin/time exists. */
async function runPipe(argv: string[], input: string, output: string, measureRss = false): Promise<number | undefined> {
  const rssFile = measureRss && TIME ? path.join(os.tmpdir(), `potions-bench-rss-${process.pid}-${Date.now()}`) : undefined;
  const full = rssFile ? [TIME!, '-o', rssFile, '-f', '%M', ...argv] : argv;
  const inFh = await fs.open(input, 'r');
  const outFh = await fs.open(output, 'w');
  try {
    await new Promise<void>((resolve, reject) => {
      const p = spawn(full[0]!, full.slice(1), { stdio: [inFh.fd, outFh.fd, 'pipe'] });
      let err = '';
      p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      p.on('error', reject);
      p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${argv.join(' ')} exited with ${code}: ${err.trim()}`))));
    });
  } finally {
    await inFh.close();
    await outFh.close();
  }
  if (!rssFile) return undefined;
  const kib = Number((await fs.readFile(rssFile, 'utf8')).trim().split('\n').pop());
  await fs.rm(rssFile, { force: true });
  return Number.isFinite(kib) ? kib : undefined;
}

function runArgv(argv: string[]): void {
  const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.error || r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.error?.message ?? r.stderr.toString().trim()}`);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ s: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { s: (performance.now() - t0) / 1000, value };
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(file)) h.update(c as Buffer);
  return h.digest('hex');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

// ---- compression ----

interface Codec {
  label: string;
  /** Run by the bench as issue 13's reference. */
  anchor?: boolean;
  /** The packer's own settings for this artifact format. */
  packer?: 'tar.gz' | 'tar.zst';
  program: string;
  compress(tar: string, out: string): Promise<void>;
  /** Returns the decompressor's peak RSS in KiB when it can be measured. */
  decompress(file: string): Promise<number | undefined>;
}

const DEV_NULL = '/dev/null';

function zstdCodec(label: string, args: string[], extra: Partial<Codec> = {}): Codec {
  return {
    label,
    program: 'zstd',
    compress: async (tar, out) => void (await runPipe(['zstd', '-q', '-c', ...args], tar, out)),
    // --long=31 only lifts the decoder's window limit; it uses the window the frame declares.
    decompress: (file) => runPipe(['zstd', '-d', '-q', '-c', '--long=31'], file, DEV_NULL, true),
    ...extra,
  };
}

function codecsFor(tarSize: number): Codec[] {
  const fitted = Math.min(27, Math.max(20, zstdWindowLog(tarSize)));
  return [
    {
      label: 'packer gzip (node:zlib 9)',
      packer: 'tar.gz',
      program: 'gzip',
      compress: (tar, out) => pipeline(createReadStream(tar), createGzip({ level: 9 }), createWriteStream(out)),
      decompress: async (file) => {
        await pipeline(createReadStream(file), createGunzip(), createWriteStream(DEV_NULL));
        return undefined;
      },
    },
    {
      label: 'gzip -9',
      anchor: true,
      program: 'gzip',
      compress: async (tar, out) => void (await runPipe(['gzip', '-9', '-n', '-c'], tar, out)),
      decompress: (file) => runPipe(['gzip', '-d', '-c'], file, DEV_NULL, true),
    },
    zstdCodec('zstd -3', ['-3', '--single-thread']),
    zstdCodec('zstd -12', ['-12', '--single-thread']),
    zstdCodec('packer zstd -19', ['-19', '--single-thread', '--check'], { packer: 'tar.zst' }),
    ...(fitted < 27 ? [zstdCodec(`zstd -19 --long=${fitted}`, ['-19', '--single-thread', '--check', `--long=${fitted}`])] : []),
    zstdCodec('zstd -19 --long=27', ['-19', '--single-thread', '--check', '--long=27']),
    zstdCodec('zstd -19 --long', ['-19', '--long'], { anchor: true }),
    zstdCodec('zstd --ultra -22 --long=27', ['--ultra', '-22', '--single-thread', '--long=27']),
    {
      label: 'xz -9',
      anchor: true,
      program: 'xz',
      compress: async (tar, out) => void (await runPipe(['xz', '-9', '-T1', '-q', '-c'], tar, out)),
      decompress: (file) => runPipe(['xz', '-d', '-q', '-c'], file, DEV_NULL, true),
    },
  ];
}

interface CodecResult {
  input: string;
  codec: Codec;
  tarSize: number;
  size: number;
  compressS: number;
  decompressS: number;
  rssKiB?: number;
  sameBytes: boolean;
  matchesPacker?: boolean;
}

async function packTwice(release: Release, dir: string): Promise<{ packed: PackResult; deterministic: boolean }> {
  const tree = await npmPackageDir(release.npm);
  const base = `${release.name}-${release.version}-${PLATFORM}`;
  const a = await packDirectory(tree, path.join(dir, 'a', base), { mtime: TEST_MTIME });
  const b = await packDirectory(tree, path.join(dir, 'b', base), { mtime: TEST_MTIME });
  const same = a.tarSha256 === b.tarSha256 && a.archives.every((x, i) => x.sha256 === b.archives[i]?.sha256);
  await fs.rm(path.join(dir, 'b'), { recursive: true, force: true });
  return { packed: a, deterministic: same };
}

async function benchCompression(release: Release, dir: string): Promise<{ rows: CodecResult[]; deterministic: boolean }> {
  const label = `${release.name} ${release.version}`;
  process.stderr.write(`packing ${label} (twice, both formats)...\n`);
  const { packed, deterministic } = await packTwice(release, dir);
  const zst = packed.archives.find((a) => a.format === 'tar.zst')!;
  const gz = packed.archives.find((a) => a.format === 'tar.gz')!;
  const tar = path.join(dir, `${release.name}.tar`);
  runArgv(['zstd', '-d', '-q', '-f', zst.path, '-o', tar]);
  if ((await sha256(tar)) !== packed.tarSha256) throw new Error(`${label}: the decompressed tar is not the packer's tar`);
  const tarSize = (await fs.stat(tar)).size;
  const codecs = codecsFor(tarSize).filter((c) => {
    if (have(c.program)) return true;
    process.stderr.write(`skipping ${c.label}: ${c.program} is not installed\n`);
    return false;
  });
  const samples = new Map<Codec, { c: number[]; d: number[]; rss: number[]; sha: Set<string>; size: number }>();
  for (let run = 1; run <= RUNS; run++) {
    for (const codec of codecs) {
      process.stderr.write(`  ${label}: ${codec.label} (run ${run}/${RUNS})\n`);
      const out = path.join(dir, 'codec.out');
      await fs.rm(out, { force: true });
      const c = await timed(() => codec.compress(tar, out));
      const d = await timed(() => codec.decompress(out));
      const s = samples.get(codec) ?? { c: [], d: [], rss: [], sha: new Set(), size: 0 };
      s.c.push(c.s);
      s.d.push(d.s);
      if (d.value !== undefined) s.rss.push(d.value);
      s.sha.add(await sha256(out));
      s.size = (await fs.stat(out)).size;
      samples.set(codec, s);
      await fs.rm(out, { force: true });
    }
  }
  const rows = codecs.map((codec): CodecResult => {
    const s = samples.get(codec)!;
    const matchesPacker =
      codec.packer === 'tar.zst' ? s.sha.has(zst.sha256) && s.sha.size === 1 : codec.packer === 'tar.gz' ? s.size === gz.size : undefined;
    return {
      input: label,
      codec,
      tarSize,
      size: s.size,
      compressS: median(s.c),
      decompressS: median(s.d),
      rssKiB: s.rss.length ? median(s.rss) : undefined,
      sameBytes: s.sha.size === 1,
      matchesPacker,
    };
  });
  await fs.rm(tar, { force: true });
  return { rows, deterministic };
}

// ---- deltas ----

interface DeltaRow {
  pair: string;
  method: string;
  size: number;
  full: number;
  makeS: number;
  applyS: number;
}

async function benchDeltas(base: Release, target: Release, dir: string): Promise<DeltaRow[]> {
  const pair = `${base.name} ${base.version} -> ${target.version}`;
  process.stderr.write(`delta ${pair}: packing...\n`);
  const pack = async (r: Release): Promise<PackResult> =>
    packDirectory(await npmPackageDir(r.npm), path.join(dir, `${r.name}-${r.version}-${PLATFORM}`), { mtime: TEST_MTIME, formats: ['tar.zst'] });
  const b = await pack(base);
  const t = await pack(target);
  const bz = b.archives[0]!;
  const tz = t.archives[0]!;
  const rows: DeltaRow[] = [];
  const identity = (r: Release) => ({ name: r.name, version: r.version, platform: PLATFORM });

  for (const format of await availableDeltaFormats({ purpose: 'make' })) {
    process.stderr.write(`  ${pair}: ${format} (make)\n`);
    const made = await timed(() =>
      makeDelta({ base: { ...identity(base), file: bz.path }, target: { ...identity(target), file: tz.path }, out: path.join(dir, `d.${format}`), format }),
    );
    const info = made.value;
    const applies: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const out = path.join(dir, `applied-${run}.tar`);
      const a = await timed(() =>
        applyDelta({ base: bz.path, delta: info.path, out, format, baseTarSha256: info.base.tarSha256, deltaSha256: info.sha256, expectedSha256: info.target.tarSha256 }),
      );
      applies.push(a.s);
      await fs.rm(out, { force: true });
    }
    // makeDelta also applies the delta once to check it; the make column is the whole call.
    rows.push({ pair, method: `@potions/delta ${format}`, size: info.size, full: tz.size, makeS: made.s, applyS: median(applies) });
  }

  const baseTar = path.join(dir, 'base.tar');
  const targetTar = path.join(dir, 'target.tar');
  runArgv(['zstd', '-d', '-q', '-f', bz.path, '-o', baseTar]);
  runArgv(['zstd', '-d', '-q', '-f', tz.path, '-o', targetTar]);
  if (have('xdelta3', ['-V'])) {
    process.stderr.write(`  ${pair}: xdelta3 -9\n`);
    const srcWindow = String(Math.max(1 << 20, (await fs.stat(baseTar)).size));
    const out = path.join(dir, 'd.xd3');
    const make = await timed(async () => runArgv(['xdelta3', '-e', '-9', '-f', '-B', srcWindow, '-s', baseTar, targetTar, out]));
    const applies: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      applies.push((await timed(async () => runArgv(['xdelta3', '-d', '-f', '-B', srcWindow, '-s', baseTar, out, path.join(dir, 'xd3.tar')]))).s);
    }
    if ((await sha256(path.join(dir, 'xd3.tar'))) !== t.tarSha256) throw new Error(`${pair}: xdelta3 did not rebuild the target`);
    rows.push({ pair, method: 'xdelta3 -9 (tars)', size: (await fs.stat(out)).size, full: tz.size, makeS: make.s, applyS: median(applies) });
  } else {
    process.stderr.write('skipping xdelta3: not installed (apt-get install xdelta3)\n');
  }
  {
    process.stderr.write(`  ${pair}: zstd --patch-from between the .tar.zst files\n`);
    const out = path.join(dir, 'd.compressed.zst');
    const largest = Math.max(bz.size, tz.size);
    const make = await timed(async () =>
      runArgv(['zstd', '-q', '-f', '-19', '--single-thread', `--long=${zstdWindowLog(largest)}`, `--patch-from=${bz.path}`, tz.path, '-o', out]),
    );
    const apply = await timed(async () => runArgv(['zstd', '-d', '-q', '-f', '--long=31', `--patch-from=${bz.path}`, out, '-o', path.join(dir, 'c.tar.zst')]));
    rows.push({ pair, method: 'zstd --patch-from (.tar.zst to .tar.zst)', size: (await fs.stat(out)).size, full: tz.size, makeS: make.s, applyS: apply.s });
  }
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  return rows;
}

// ---- printing ----

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const mb = (n: number): string => (n >= 100_000 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`);
const pct = (n: number, of: number): string => `${((100 * n) / of).toFixed(1)}%`;
const secs = (s: number): string => s.toFixed(s < 1 ? 3 : 2);

function printCompression(rows: CodecResult[]): void {
  const body = rows.map((r) => {
    const gzip9 = rows.find((x) => x.input === r.input && x.codec.label === 'gzip -9');
    return [
      r.input,
      `${r.codec.label}${r.codec.anchor ? ' (anchor)' : ''}`,
      mb(r.size),
      pct(r.size, r.tarSize),
      gzip9 ? (r.size / gzip9.size).toFixed(3) : '-',
      secs(r.compressS),
      secs(r.decompressS),
      (r.tarSize / 1e6 / r.decompressS).toFixed(0),
      r.rssKiB !== undefined ? (r.rssKiB / 1024).toFixed(0) : '-',
      r.sameBytes ? 'yes' : 'NO',
      r.matchesPacker === undefined ? '' : r.matchesPacker ? 'yes' : 'NO',
    ];
  });
  console.log(
    table(['input', 'codec', 'size', '% of tar', 'x gzip -9', 'compress s', 'decompress s', 'decompress MB/s', 'decomp. RSS MiB', 'same bytes', '= packer'], body),
  );
}

function printDeltas(rows: DeltaRow[]): void {
  const body = rows.map((r) => [
    r.pair,
    r.method,
    mb(r.size),
    pct(r.size, r.full),
    secs(r.makeS),
    secs(r.applyS),
    shouldPublishDelta(r.size, r.full) ? 'yes' : 'no',
  ]);
  console.log(table(['pair', 'method', 'delta', '% of full .tar.zst', 'make s', 'apply s', 'published (<= 50%)'], body));
}

async function main(): Promise<void> {
  for (const tool of ['zstd', 'xz', 'gzip']) {
    if (!have(tool)) throw new Error(`bench:compress needs ${tool} (see .ci/apt-packages.txt)`);
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-bench-compress-'));
  try {
    const results: CodecResult[] = [];
    const determinism: string[] = [];
    for (const input of COMPRESS_INPUTS) {
      const sub = path.join(dir, input.name);
      await fs.mkdir(sub, { recursive: true });
      const { rows, deterministic } = await benchCompression(input, sub);
      results.push(...rows);
      determinism.push(`${input.name} ${input.version}: ${deterministic ? 'same bytes in tar, tar.gz and tar.zst' : 'DIFFERENT BYTES'}`);
      await fs.rm(sub, { recursive: true, force: true });
    }
    const deltas: DeltaRow[] = [];
    for (const [base, target] of DELTA_PAIRS) {
      const sub = path.join(dir, `delta-${base.name}`);
      await fs.mkdir(sub, { recursive: true });
      deltas.push(...(await benchDeltas(base, target, sub)));
    }
    console.log(`\nCompression (${RUNS} run(s) each, medians; zstd ${zstdVersion()}, ${os.cpus().length} cores)\n`);
    printCompression(results);
    console.log('\nPacker determinism (two packs of the same tree)\n');
    for (const line of determinism) console.log(`  ${line}`);
    console.log(`\nDeltas (make once, apply ${RUNS} time(s), median)\n`);
    printDeltas(deltas);
    if (determinism.some((l) => l.endsWith('DIFFERENT BYTES')) || results.some((r) => !r.sameBytes && !r.codec.anchor)) process.exitCode = 1;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function zstdVersion(): string {
  return spawnSync('zstd', ['--version'], { encoding: 'utf8' }).stdout.match(/v[\d.]+/)?.[0] ?? '?';
}

await main();
