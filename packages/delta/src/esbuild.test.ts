/**
 * The delta engine on real programs nobody here wrote: esbuild 0.28.1 and
 * 0.28.2 for Linux x86-64 from npm, packed as the builder packs them.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { extractArchive, packDirectory, type PackResult } from '@potions/archive';
import { applyDelta } from './apply';
import { DeltaErrorCode } from './errors';
import { makeDelta, type DeltaInfo } from './make';
import { deltaFileName, shouldPublishDelta } from './policy';
import { ESBUILD_LINUX_X64, npmPackageDir, packNpmArtifact, scratchDir, TEST_MTIME } from './testing';

const BASE = { name: 'esbuild', version: '0.28.1', platform: 'linux-amd64' } as const;
const TARGET = { name: 'esbuild', version: '0.28.2', platform: 'linux-amd64' } as const;

let dir: string;
let base: PackResult;
let target: PackResult;
let delta: DeltaInfo;

const zst = (r: PackResult): { path: string; size: number; sha256: string } => r.archives.find((a) => a.format === 'tar.zst')!;

beforeAll(async () => {
  dir = await scratchDir();
  base = await packNpmArtifact(ESBUILD_LINUX_X64.base, BASE, dir);
  target = await packNpmArtifact(ESBUILD_LINUX_X64.target, TARGET, dir);
  delta = await makeDelta({
    base: { ...BASE, file: zst(base).path },
    target: { ...TARGET, file: zst(target).path },
    out: path.join(dir, 'deltas', deltaFileName(BASE, TARGET, 'bsdiff')),
  });
}, 15 * 60_000);

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** What a folder holds, to show that a failure left nothing behind. */
async function listing(folder: string): Promise<string[]> {
  return (await fs.readdir(folder).catch(() => [] as string[])).sort();
}

function applyOptions(out: string) {
  return {
    base: zst(base).path,
    delta: delta.path,
    out,
    format: delta.format,
    baseTarSha256: delta.base.tarSha256,
    deltaSha256: delta.sha256,
    expectedSha256: delta.target.tarSha256,
  };
}

describe('bsdiff delta, esbuild 0.28.1 -> 0.28.2 (linux-amd64)', () => {
  it('names both tars by the digests the packer gave them and is at most a quarter of the full .tar.zst', () => {
    expect(delta).toMatchObject({
      format: 'bsdiff',
      name: 'esbuild',
      platform: 'linux-amd64',
      base: { version: '0.28.1', tarSha256: base.tarSha256 },
      target: { version: '0.28.2', tarSha256: target.tarSha256 },
    });
    expect(path.basename(delta.path)).toBe('esbuild-0.28.2-linux-amd64.from-0.28.1.bsdiff');
    expect(delta.size).toBeLessThanOrEqual(zst(target).size / 4);
    expect(shouldPublishDelta(delta.size, zst(target).size)).toBe(true);
  });

  it('rebuilds the 0.28.2 tar byte for byte, and it installs the same esbuild program npm ships', async () => {
    const out = path.join(dir, 'apply', 'esbuild-0.28.2.tar');
    const applied = await applyDelta(applyOptions(out));
    expect(applied).toEqual({ path: out, sha256: target.tarSha256, size: delta.target.tarSize });
    const expected = execFileSync('zstd', ['-d', '-c', '-q', zst(target).path], { maxBuffer: 64 << 20 });
    expect((await fs.readFile(out)).equals(expected)).toBe(true);

    const installed = path.join(dir, 'apply', 'installed');
    await extractArchive(out, installed);
    const fromNpm = await fs.readFile(path.join(await npmPackageDir(ESBUILD_LINUX_X64.target), 'bin', 'esbuild'));
    expect((await fs.readFile(path.join(installed, 'bin', 'esbuild'))).equals(fromNpm)).toBe(true);
    expect(execFileSync(path.join(installed, 'bin', 'esbuild'), ['--version'], { encoding: 'utf8' }).trim()).toBe('0.28.2');
  });

  it('takes the base as .tar.gz or plain .tar too: the tar inside is what counts', async () => {
    const tree = await npmPackageDir(ESBUILD_LINUX_X64.base);
    const gz = await packDirectory(tree, path.join(dir, 'forms', 'esbuild-0.28.1-linux-amd64'), { mtime: TEST_MTIME, formats: ['tar.gz'] });
    const plain = path.join(dir, 'forms', 'esbuild-0.28.1-linux-amd64.tar');
    execFileSync('zstd', ['-d', '-q', zst(base).path, '-o', plain]);
    for (const form of [gz.archives[0]!.path, plain]) {
      const out = path.join(dir, 'forms', `from-${path.basename(form)}.tar`);
      await expect(applyDelta({ ...applyOptions(out), base: form })).resolves.toMatchObject({ sha256: target.tarSha256 });
    }
  }, 120_000);

  it('refuses a corrupt delta before running bspatch, and a delta bspatch refuses; nothing is left behind', async () => {
    const outDir = path.join(dir, 'corrupt');
    await fs.mkdir(outDir, { recursive: true });
    const bad = path.join(outDir, 'bad.bsdiff');
    const bytes = await fs.readFile(delta.path);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    await fs.writeFile(bad, bytes);
    const before = await listing(outDir);
    const out = path.join(outDir, 'out.tar');

    await expect(applyDelta({ ...applyOptions(out), delta: bad })).rejects.toMatchObject({ code: DeltaErrorCode.Corrupt });
    expect(await listing(outDir)).toEqual(before);

    // A damaged delta whose digest was published as is: bspatch reads it and refuses (bzip2's CRC).
    const { createHash } = await import('node:crypto');
    const badSha = createHash('sha256').update(bytes).digest('hex');
    await expect(applyDelta({ ...applyOptions(out), delta: bad, deltaSha256: badSha })).rejects.toMatchObject({ code: DeltaErrorCode.Corrupt });
    expect(await listing(outDir)).toEqual(before);
  });

  it('refuses the wrong base (another version, or not an artifact) before patching; nothing is left behind', async () => {
    const outDir = path.join(dir, 'wrong-base');
    await fs.mkdir(outDir, { recursive: true });
    const junk = path.join(outDir, 'junk.tar.zst');
    await fs.writeFile(junk, 'not an artifact at all');
    const before = await listing(outDir);
    const out = path.join(outDir, 'out.tar');
    for (const wrong of [zst(target).path, junk]) {
      await expect(applyDelta({ ...applyOptions(out), base: wrong })).rejects.toMatchObject({ code: DeltaErrorCode.WrongBase });
      expect(await listing(outDir)).toEqual(before);
    }
  });

  it('refuses a result whose digest is not the expected one, and leaves a file already at out untouched', async () => {
    const outDir = path.join(dir, 'mismatch');
    await fs.mkdir(outDir, { recursive: true });
    const out = path.join(outDir, 'out.tar');
    await fs.writeFile(out, 'what was here before');
    const before = await listing(outDir);
    await expect(applyDelta({ ...applyOptions(out), expectedSha256: base.tarSha256 })).rejects.toMatchObject({
      code: DeltaErrorCode.DigestMismatch,
      message: expect.stringContaining(target.tarSha256),
    });
    expect(await listing(outDir)).toEqual(before);
    expect(await fs.readFile(out, 'utf8')).toBe('what was here before');
  });
});

describe('zstd --patch-from delta, esbuild 0.28.1 -> 0.28.2 (linux-amd64)', () => {
  it('rebuilds the 0.28.2 tar byte for byte and pays (under half the full .tar.zst)', async () => {
    const zd = await makeDelta({
      base: { ...BASE, file: zst(base).path },
      target: { ...TARGET, file: zst(target).path },
      out: path.join(dir, 'deltas', deltaFileName(BASE, TARGET, 'zstd')),
      format: 'zstd',
    });
    expect(path.basename(zd.path)).toBe('esbuild-0.28.2-linux-amd64.from-0.28.1.zstpatch');
    expect(zd.target.tarSha256).toBe(target.tarSha256);
    expect(shouldPublishDelta(zd.size, zst(target).size)).toBe(true);
    const out = path.join(dir, 'zstd-apply', 'esbuild-0.28.2.tar');
    await expect(
      applyDelta({ ...applyOptions(out), delta: zd.path, format: 'zstd', deltaSha256: zd.sha256 }),
    ).resolves.toMatchObject({ sha256: target.tarSha256 });
    const expected = execFileSync('zstd', ['-d', '-c', '-q', zst(target).path], { maxBuffer: 64 << 20 });
    expect((await fs.readFile(out)).equals(expected)).toBe(true);
  }, 10 * 60_000);
});
