/**
 * makeDelta and applyDelta on small trees: refusals, missing tools, limits,
 * determinism. The real-binary cases are in esbuild.test.ts.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { packDirectory } from '@potions/archive';
import { spawnExec, type Exec } from '@potions/core';
import { applyDelta } from './apply';
import { DeltaErrorCode, isDeltaError } from './errors';
import { makeDelta } from './make';
import { availableDeltaFormats, DELTA_FORMATS } from './tools';
import { scratchDir, TEST_MTIME } from './testing';

let dir: string;
let v1: string;
let v2: string;

async function artifact(version: string, body: string): Promise<string> {
  const tree = path.join(dir, `tree-${version}`);
  await fs.mkdir(path.join(tree, 'bin'), { recursive: true });
  await fs.writeFile(path.join(tree, 'bin', 'tool'), body, { mode: 0o755 });
  await fs.writeFile(path.join(tree, 'README'), `tool ${version}\n`);
  const res = await packDirectory(tree, path.join(dir, `tool-${version}-linux-amd64`), { mtime: TEST_MTIME, formats: ['tar.gz'] });
  return res.archives[0]!.path;
}

const id = (version: string) => ({ name: 'tool', version, platform: 'linux-amd64' }) as const;

beforeAll(async () => {
  dir = await scratchDir();
  const common = Array.from({ length: 4000 }, (_, i) => `line ${i} of the program\n`).join('');
  v1 = await artifact('1.0', `${common}version 1.0\n`);
  v2 = await artifact('1.1', `${common.replace('line 2000', 'LINE 2000')}version 1.1\n`);
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A real Exec that records what it was asked to run. */
function recordingExec(): { exec: Exec; argv: string[][] } {
  const argv: string[][] = [];
  return { argv, exec: (req) => (argv.push(req.argv), spawnExec(req)) };
}

describe('makeDelta', () => {
  it.each(DELTA_FORMATS)('%s: the same inputs give the same delta bytes (a republish lists the same digest)', async (format) => {
    const a = await makeDelta({ base: { ...id('1.0'), file: v1 }, target: { ...id('1.1'), file: v2 }, out: path.join(dir, 'det', `a.${format}`), format });
    const b = await makeDelta({ base: { ...id('1.0'), file: v1 }, target: { ...id('1.1'), file: v2 }, out: path.join(dir, 'det', `b.${format}`), format });
    expect(a.sha256).toBe(b.sha256);
    expect(a.size).toBeLessThan(a.target.tarSize / 10);
    await expect(
      applyDelta({ base: v1, delta: a.path, out: path.join(dir, 'det', `${format}.tar`), format, baseTarSha256: a.base.tarSha256, deltaSha256: a.sha256, expectedSha256: a.target.tarSha256 }),
    ).resolves.toMatchObject({ sha256: a.target.tarSha256 });
  });

  it('refuses two packages, or two platforms, or the versions the wrong way round, before running anything', async () => {
    const rec = recordingExec();
    const out = path.join(dir, 'refused', 'd.bsdiff');
    const cases = [
      { base: { ...id('1.0'), file: v1 }, target: { ...id('1.1'), name: 'other', file: v2 }, code: DeltaErrorCode.NotSamePackage },
      { base: { ...id('1.0'), file: v1 }, target: { ...id('1.1'), platform: 'linux-arm64' as const, file: v2 }, code: DeltaErrorCode.NotSamePackage },
      { base: { ...id('1.1'), file: v2 }, target: { ...id('1.0'), file: v1 }, code: DeltaErrorCode.VersionOrder },
    ];
    for (const { base, target, code } of cases) {
      await expect(makeDelta({ base, target, out, exec: rec.exec })).rejects.toMatchObject({ code });
    }
    expect(rec.argv).toEqual([]);
    await expect(fs.access(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses inputs past the size limit with E_DELTA_TOO_LARGE and leaves nothing behind', async () => {
    const outDir = path.join(dir, 'large');
    await expect(
      makeDelta({ base: { ...id('1.0'), file: v1 }, target: { ...id('1.1'), file: v2 }, out: path.join(outDir, 'd.bsdiff'), maxInputBytes: 4096 }),
    ).rejects.toMatchObject({ code: DeltaErrorCode.TooLarge });
    expect(await fs.readdir(outDir)).toEqual([]);
  });

  it('refuses a file that is not an artifact', async () => {
    const notArtifact = path.join(dir, 'notes.txt');
    await fs.writeFile(notArtifact, 'hello');
    await expect(
      makeDelta({ base: { ...id('1.0'), file: notArtifact }, target: { ...id('1.1'), file: v2 }, out: path.join(dir, 'bad', 'd.bsdiff') }),
    ).rejects.toMatchObject({ code: DeltaErrorCode.BadArtifact, message: expect.stringContaining('notes.txt is not an archive') });
  });

  it('says which program is missing when it is not installed', async () => {
    const emptyPath = path.join(dir, 'empty-bin');
    await fs.mkdir(emptyPath, { recursive: true });
    for (const format of DELTA_FORMATS) {
      const err = await makeDelta({
        base: { ...id('1.0'), file: v1 },
        target: { ...id('1.1'), file: v2 },
        out: path.join(dir, 'no-tool', `d.${format}`),
        format,
        env: { PATH: emptyPath },
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: DeltaErrorCode.ToolMissing, message: expect.stringMatching(format === 'bsdiff' ? /^bsdiff / : /^zstd /) });
      expect(isDeltaError(err)).toBe(true);
    }
    expect(await fs.readdir(path.join(dir, 'no-tool'))).toEqual([]);
  });
});

describe('applyDelta', () => {
  it('refuses a format it does not know, and a missing patch program, leaving nothing at out', async () => {
    const d = await makeDelta({ base: { ...id('1.0'), file: v1 }, target: { ...id('1.1'), file: v2 }, out: path.join(dir, 'apply', 'd.bsdiff') });
    const outDir = path.join(dir, 'apply-out');
    const options = { base: v1, delta: d.path, out: path.join(outDir, 'out.tar'), format: d.format, baseTarSha256: d.base.tarSha256, deltaSha256: d.sha256, expectedSha256: d.target.tarSha256 };
    await expect(applyDelta({ ...options, format: 'xdelta3' as never })).rejects.toMatchObject({ code: DeltaErrorCode.UnknownFormat });
    const emptyPath = path.join(dir, 'empty-bin-2');
    await fs.mkdir(emptyPath, { recursive: true });
    await expect(applyDelta({ ...options, env: { PATH: emptyPath } })).rejects.toMatchObject({ code: DeltaErrorCode.ToolMissing, message: expect.stringMatching(/^bspatch /) });
    expect(await fs.readdir(outDir).catch(() => [])).toEqual([]);
    await expect(applyDelta(options)).resolves.toMatchObject({ sha256: d.target.tarSha256 });
    expect(await fs.readdir(outDir)).toEqual(['out.tar']);
  });

  it('refuses a base held as .tar.zst when zstd is missing (the caller then downloads the full artifact)', async () => {
    const zstTree = path.join(dir, 'tree-1.0');
    const zst = await packDirectory(zstTree, path.join(dir, 'zst', 'tool-1.0-linux-amd64'), { mtime: TEST_MTIME, formats: ['tar.zst'] });
    const d = await makeDelta({ base: { ...id('1.0'), file: v1 }, target: { ...id('1.1'), file: v2 }, out: path.join(dir, 'zst', 'd.bsdiff') });
    // bspatch alone on PATH: a folder with a link to it and nothing else.
    const onlyBspatch = path.join(dir, 'only-bspatch');
    await fs.mkdir(onlyBspatch, { recursive: true });
    const bspatch = (await onPath('bspatch'))!;
    await fs.symlink(bspatch, path.join(onlyBspatch, 'bspatch'));
    await expect(
      applyDelta({
        base: zst.archives[0]!.path,
        delta: d.path,
        out: path.join(dir, 'zst', 'out.tar'),
        format: 'bsdiff',
        baseTarSha256: d.base.tarSha256,
        deltaSha256: d.sha256,
        expectedSha256: d.target.tarSha256,
        env: { PATH: onlyBspatch },
      }),
    ).rejects.toMatchObject({ code: DeltaErrorCode.ToolMissing, message: expect.stringMatching(/^zstd /) });
  });
});

async function onPath(program: string): Promise<string | undefined> {
  for (const p of (process.env.PATH ?? '').split(':')) {
    const candidate = path.join(p, program);
    if (await fs.access(candidate).then(() => true, () => false)) return candidate;
  }
  return undefined;
}

describe('availableDeltaFormats', () => {
  it('lists the formats whose programs are installed (CI installs bsdiff and zstd), none on an empty PATH', async () => {
    expect(await availableDeltaFormats()).toEqual(['bsdiff', 'zstd']);
    expect(await availableDeltaFormats({ purpose: 'make' })).toEqual(['bsdiff', 'zstd']);
    const emptyPath = path.join(dir, 'empty-bin-3');
    await fs.mkdir(emptyPath, { recursive: true });
    expect(await availableDeltaFormats({ env: { PATH: emptyPath } })).toEqual([]);
  });
});
