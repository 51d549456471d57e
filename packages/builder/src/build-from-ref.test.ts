/**
 * `buildFromRecipeRef` with a tiny custom recipe served by a local source
 * mirror: the user's paths are checked up front, a source mirror's
 * credentials never reach the metadata or a log, pinned dependency versions
 * are checked, and a download failure speaks of what a build can change.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecordingReporter, hostPlatform, type Platform } from '@potions/core';
import { buildFromRecipeRef, type RecipeBuildRequest } from './build-from-ref';
import { LocalFolderBuildCache } from './cache';
import { TINY_RECIPE, TINY_UPSTREAM, startSourceMirror, tinySourceTarball, type SourceMirror } from './testing';
import { BUILD_DOWNLOAD_HINT, downloaderTransport } from './transport';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '../../../../shared/potions-recipes');
const host = hostPlatform();
const describeHost = host ? describe : describe.skip;

const UPSTREAM = TINY_UPSTREAM;
const RECIPE = TINY_RECIPE;

describeHost('buildFromRecipeRef', () => {
  let dir: string;
  let mirror: SourceMirror;
  let recipe: string;
  const secretBase = (): string => mirror.base.replace('http://', 'http://ci:TOPSECRET@');

  const request = (over: Partial<RecipeBuildRequest>): RecipeBuildRequest => ({
    ref: recipe,
    recipeDirs: [],
    platform: host as Platform,
    version: '1.0',
    sourceMirrors: [secretBase()],
    outDir: path.join(dir, 'out'),
    workRoot: dir,
    jobs: 1,
    transport: downloaderTransport({ retry: { attemptsPerMirror: 1 }, hedgeDelayMs: 0, timeouts: { connectMs: 2000, deadlineMs: 20000 } }),
    ...over,
  });

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-build-ref-'));
    recipe = path.join(dir, 'pkg.yml');
    await fs.writeFile(recipe, RECIPE);
    mirror = await startSourceMirror({ [UPSTREAM]: tinySourceTarball() });
  });
  afterAll(async () => {
    await mirror.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test("a source mirror's credentials reach neither the metadata nor the log; source.url is the recipe's URL", async () => {
    const reporter = new RecordingReporter();
    const out = path.join(dir, 'out-secret');
    const result = await buildFromRecipeRef(request({ outDir: out, reporter }));
    const json = await fs.readFile(result.metadataFile, 'utf8');
    expect(json).not.toContain('TOPSECRET');
    expect(result.metadata.source.url).toBe(UPSTREAM);
    expect(result.metadata.source.mirror).toBe(`${mirror.base.replace('http://', 'http://***:***@')}/127.0.0.1:1/pkg/pkg-1.0.tar.gz`);
    expect(reporter.text()).not.toContain('TOPSECRET');
    expect(reporter.secrets).toContain('TOPSECRET');
    // Every file the builder wrote.
    for (const name of await fs.readdir(out)) expect((await fs.readFile(path.join(out, name))).includes('TOPSECRET')).toBe(false);
  });

  test('a failed download names no credential, and its hint fits a build', async () => {
    const reporter = new RecordingReporter();
    mirror.remove(UPSTREAM);
    try {
      const err = await buildFromRecipeRef(request({ outDir: path.join(dir, 'out-missing'), reporter })).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_BUILD_FAILED', step: 'download', hint: BUILD_DOWNLOAD_HINT });
      const message = (err as Error).message;
      expect(message).toContain('127.0.0.1:1/pkg/pkg-1.0.tar.gz');
      expect(message).not.toContain('TOPSECRET');
      expect((err as { hint: string }).hint).not.toMatch(/--deadline/);
      expect(reporter.text()).not.toContain('TOPSECRET');
    } finally {
      mirror.put(UPSTREAM, tinySourceTarball());
    }
  });

  test('an output folder that is a file, or under a file, is the user\'s mistake: E_OUT_DIR naming the path', async () => {
    const file = path.join(dir, 'a.bin');
    await fs.writeFile(file, 'not a folder');
    await expect(buildFromRecipeRef(request({ outDir: file }))).rejects.toMatchObject({
      code: 'E_BUILD_OUT_DIR',
      userError: true,
      message: `cannot use ${file} as the output folder: it is a file, not a folder`,
    });
    await expect(buildFromRecipeRef(request({ outDir: path.join(file, 'sub') }))).rejects.toMatchObject({
      code: 'E_BUILD_OUT_DIR',
      message: expect.stringContaining(`cannot use ${path.join(file, 'sub')} as the output folder: a part of the path is a file`),
    });
    expect(await fs.readFile(file, 'utf8')).toBe('not a folder');
  });

  test('a cache folder that is a file: E_CACHE_DIR before anything is downloaded', async () => {
    const file = path.join(dir, 'cache.bin');
    await fs.writeFile(file, 'x');
    const before = mirror.requests.length;
    await expect(buildFromRecipeRef(request({ outDir: path.join(dir, 'out-c'), cache: new LocalFolderBuildCache(file) }))).rejects.toMatchObject({
      code: 'E_BUILD_CACHE_DIR',
      message: `cannot use ${file} as the build cache folder: it is a file, not a folder`,
    });
    expect(mirror.requests.length).toBe(before);
  });

  test('pinned dependency versions: a valid version of a dependency the recipe builds, nothing else', async () => {
    const zdemo = path.join(here, 'testdata', 'zdemo.yml');
    await expect(buildFromRecipeRef(request({ ref: zdemo, recipeDirs: [corpus], dependencyVersions: { zlib: '$(touch x)' } }))).rejects.toMatchObject({
      code: 'E_BUILD_DEPENDENCY_VERSION',
      message: expect.stringContaining('"$(touch x)" given for the dependency zlib is not a valid version'),
    });
    await expect(buildFromRecipeRef(request({ ref: zdemo, recipeDirs: [corpus], dependencyVersions: new Map([['a', '1.0']]) }))).rejects.toMatchObject({
      code: 'E_BUILD_DEPENDENCY_VERSION',
      message: 'a version was given for a, but a is not a dependency of zdemo; the dependencies built for it are: zlib',
    });
    await expect(buildFromRecipeRef(request({ dependencyVersions: { zlib: '1.2.13' } }))).rejects.toMatchObject({
      code: 'E_BUILD_DEPENDENCY_VERSION',
      message: expect.stringContaining('it has no dependency built from a recipe'),
    });
    // Where one set of pins serves several recipes, an unused pin is no mistake (a bad version still is).
    const ok = await buildFromRecipeRef(request({ outDir: path.join(dir, 'out-loose'), dependencyVersions: { zlib: '1.2.13' }, strictDependencyVersions: false }));
    expect(ok.status).toBe('built');
  });
});
