/**
 * End to end: real upstream releases (../shared/upstream) served by a local
 * source mirror, the recipes' own hosts unreachable, real compilers. The
 * expensive builds run once in `beforeAll` and the tests share them.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { hostPlatform, RecordingReporter } from '@potions/core';
import { makeTar } from '@potions/archive/testing';
import { buildRecipe, type BuildOptions } from './builder';
import type { BuildResult } from './attempt';
import type { BuildJob } from './build-job';
import { LocalFolderBuildCache } from './cache';
import { planRecipeBuild } from './from-recipe';
import { startSourceMirror, type SourceMirror } from './testing';
import { downloaderTransport } from './transport';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const shared = path.resolve(repo, '../shared');
const upstream = path.join(shared, 'upstream');
const corpus = path.join(shared, 'potions-recipes');
const fixtures = path.join(here, 'testdata');
const host = hostPlatform();
const linux = host === 'linux-amd64' || host === 'linux-arm64';
const describeLinux = linux ? describe : describe.skip;

const U = {
  tree: 'http://mama.indstate.edu/users/ice/tree/src/tree-2.1.0.tgz',
  zlib: 'https://zlib.net/zlib-1.2.13.tar.gz',
  m4: 'https://ftp.gnu.org/gnu/m4/m4-1.4.19.tar.xz',
  m4sig: 'https://ftp.gnu.org/gnu/m4/m4-1.4.19.tar.xz.sig',
  hello: 'https://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz',
  hellosig: 'https://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz.sig',
  keyring: 'https://ftp.gnu.org/gnu/gnu-keyring.gpg',
};

let mirror: SourceMirror;
let tmp: string;
const built: Record<string, BuildResult> = {};
const errors: Record<string, unknown> = {};
/** Request paths the mirror saw during the cached rebuild of hello. */
let cachedRunRequests: string[] = [];

function options(extra: Partial<BuildOptions> & { outDir: string }): BuildOptions {
  return {
    sourceMirrors: [mirror.base],
    jobs: 2,
    reporter: new RecordingReporter(),
    workRoot: tmp,
    hostPlatform: host,
    // Upstream hosts are unreachable here: fail over to the mirror quickly.
    transport: downloaderTransport({
      timeouts: { connectMs: 2000, firstByteMs: 5000, idleMs: 10000, deadlineMs: 60000 },
      retry: { attemptsPerMirror: 1 },
      hedgeDelayMs: 0,
    }),
    ...extra,
  };
}

async function recipeBuild(file: string, version: string, extra: Partial<BuildOptions> & { outDir: string }): Promise<BuildResult> {
  const plan = await planRecipeBuild({ file, platform: host as string, version, recipeDirs: [], dependencyVersion: async () => version });
  return buildRecipe(plan.job, options({ ...extra, dependencies: plan.dependencies }));
}

/** Extract an artifact into a fresh folder, as a user would. */
async function extractFresh(artifact: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(tmp, 'user-'));
  execFileSync('tar', ['-xzf', artifact, '-C', dir]);
  return dir;
}

const run = (file: string, args: string[]): string => execFileSync(file, args, { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', LANG: 'C' } });

describeLinux('building real upstream releases', () => {
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-builder-e2e-'));
    mirror = await startSourceMirror({
      [U.tree]: path.join(upstream, 'tree-2.1.0.tgz'),
      [U.zlib]: path.join(upstream, 'zlib-1.2.13.tar.gz'),
      [U.m4]: path.join(upstream, 'm4-1.4.19.tar.xz'),
      [U.m4sig]: path.join(upstream, 'm4-1.4.19.tar.xz.sig'),
      [U.hello]: path.join(upstream, 'hello-2.10.tar.gz'),
      [U.hellosig]: path.join(upstream, 'hello-2.10.tar.gz.sig'),
      // A keyring of several armored keys, as GNU's holds: only the pinned one may sign.
      [U.keyring]: Buffer.concat([
        readFileSync(path.join(upstream, 'hello-signing-key.asc')),
        readFileSync(path.join(upstream, 'm4-signing-key.asc')),
      ]),
    });
    const cache = new LocalFolderBuildCache(path.join(tmp, 'cache'));
    const attempt = async (name: string, fn: () => Promise<BuildResult>): Promise<void> => {
      try {
        built[name] = await fn();
      } catch (err) {
        errors[name] = err;
      }
    };
    await attempt('tree', () => recipeBuild(path.join(corpus, 'tree.yml'), '2.1.0', { outDir: path.join(tmp, 'out-tree-1') }));
    await attempt('tree2', () => recipeBuild(path.join(corpus, 'tree.yml'), '2.1.0', { outDir: path.join(tmp, 'out-tree-2') }));
    await attempt('zlib', () => recipeBuild(path.join(corpus, 'zlib.yml'), '1.2.13', { outDir: path.join(tmp, 'out-zlib') }));
    await attempt('hello', () => recipeBuild(path.join(repo, 'recipes', 'hello.yml'), '2.10', { outDir: path.join(tmp, 'out-hello'), cache }));
    const before = mirror.requests.length;
    await attempt('hello-cached', () => recipeBuild(path.join(repo, 'recipes', 'hello.yml'), '2.10', { outDir: path.join(tmp, 'out-hello-again'), cache }));
    cachedRunRequests = mirror.requests.slice(before);
    await attempt('fallback', () => recipeBuild(path.join(fixtures, 'tree-binary.yml'), '2.1.0', { outDir: path.join(tmp, 'out-fallback') }));
    await attempt('zpipe', () => recipeBuild(path.join(fixtures, 'zpipe.yml'), '1.2.13', { outDir: path.join(tmp, 'out-zpipe') }));
    mirror.put(
      'https://example.org/zdemo/zdemo-1.0.tar.gz',
      gzipSync(
        makeTar([
          { path: 'zdemo-1.0/', type: 'Directory' },
          { path: 'zdemo-1.0/zdemo.c', body: '#include <stdio.h>\n#include <zlib.h>\nint main(void) { printf("zlib %s\\n", zlibVersion()); return 0; }\n' },
        ]),
      ),
    );
    await attempt('zdemo', async () => {
      const plan = await planRecipeBuild({
        file: path.join(fixtures, 'zdemo.yml'),
        platform: host as string,
        version: '1.0',
        recipeDirs: [corpus],
        dependencyVersion: async (r) => (r.name === 'zlib' ? '1.2.13' : 'unknown'),
      });
      return buildRecipe(plan.job, options({ outDir: path.join(tmp, 'out-zdemo'), dependencies: plan.dependencies }));
    });
    await attempt('m4', () => recipeBuild(path.join(fixtures, 'm4.yml'), '1.4.19', { outDir: path.join(tmp, 'out-m4') }));
  }, 15 * 60_000);

  afterAll(async () => {
    await mirror?.close();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  const get = (name: string): BuildResult => {
    if (errors[name]) throw errors[name];
    const r = built[name];
    if (!r) throw new Error(`${name} was not built`);
    return r;
  };

  test('tree 2.1.0 from the corpus recipe runs from a fresh folder', async () => {
    const r = get('tree');
    expect(r.status).toBe('built');
    expect(r.metadata.method).toBe('source');
    // The recipe's URL, and the source mirror that answered for it.
    expect(r.metadata.source.url).toBe(U.tree);
    expect(r.metadata.source.mirror).toBe(`${mirror.base}/mama.indstate.edu/users/ice/tree/src/tree-2.1.0.tgz`);
    const dir = await extractFresh(r.artifact);
    expect(run(path.join(dir, 'bin', 'tree'), ['--version'])).toContain('tree v2.1.0');
  });

  test('the same recipe built twice without cache gives byte-identical artifacts', async () => {
    const a = get('tree');
    const b = get('tree2');
    expect(b.cached).toBe(false);
    expect(path.dirname(a.artifact)).not.toBe(path.dirname(b.artifact));
    expect(await fs.readFile(b.artifact)).toEqual(await fs.readFile(a.artifact));
    expect(await fs.readFile(b.artifactZst)).toEqual(await fs.readFile(a.artifactZst));
    expect(b.sha256).toBe(a.sha256);
  });

  test('zlib 1.2.13 from the corpus recipe holds its library and headers', async () => {
    const r = get('zlib');
    const listing = execFileSync('tar', ['-tzf', r.artifact], { encoding: 'utf8' }).split('\n');
    expect(listing).toEqual(expect.arrayContaining(['include/zlib.h', 'include/zconf.h', 'lib/libz.so.1.2.13', 'lib/libz.so.1', 'lib/libz.so']));
    // The .pc file names the placeholder, and installing writes the real place back.
    expect(r.metadata.relocatedFiles).toContain('lib/pkgconfig/zlib.pc');
    const dir = await extractFresh(r.artifact);
    expect(await fs.readFile(path.join(dir, 'lib/pkgconfig/zlib.pc'), 'utf8')).toContain('prefix=@@POTIONS_PREFIX@@');
  });

  test('GNU hello 2.10: signature verified with the pinned key, program runs', async () => {
    const r = get('hello');
    expect(r.metadata.source.signature?.fingerprint).toBe('8ED396E37E38D471A00530D3A9553245FDE9B739');
    expect(r.metadata.source.signature).toMatchObject({ url: U.hellosig, mirror: `${mirror.base}/ftp.gnu.org/gnu/hello/hello-2.10.tar.gz.sig` });
    expect(r.metadata.source.pinned).toBe(true);
    const dir = await extractFresh(r.artifact);
    expect(run(path.join(dir, 'bin', 'hello'), ['--version'])).toMatch(/^hello \(GNU Hello\) 2\.10/);
    expect(run(path.join(dir, 'bin', 'hello'), [])).toBe('Hello, world!\n');
  });

  test('GNU m4 1.4.19 from the .tar.xz release: signature verified, program runs', async () => {
    const r = get('m4');
    expect(r.metadata.source.signature?.fingerprint).toBe('71C2CC22B1C4602927D2F3AAA7A16B4A2527436A');
    const dir = await extractFresh(r.artifact);
    expect(run(path.join(dir, 'bin', 'm4'), ['--version'])).toMatch(/^m4 \(GNU M4\) 1\.4\.19/);
    expect(execFileSync(path.join(dir, 'bin', 'm4'), [], { input: "define(`X', `potions')X\n", encoding: 'utf8' })).toBe('potions\n');
  });

  test('a second build of the same inputs comes from the cache: nothing downloaded, nothing built', async () => {
    const first = get('hello');
    const again = get('hello-cached');
    expect(again.cached).toBe(true);
    expect(cachedRunRequests).toEqual([]);
    expect(await fs.readFile(again.artifact)).toEqual(await fs.readFile(first.artifact));
    expect(again.metadata.builtAt).toBe(first.metadata.builtAt);
  });

  test('an official binary no mirror has falls back to source_build, and works', async () => {
    const r = get('fallback');
    expect(r.status).toBe('fallback');
    expect(r.metadata.method).toBe('source-fallback');
    expect(r.metadata.fallbackReason).toMatch(/404|binaries\.example\.org/);
    expect(mirror.requests).toContain('/binaries.example.org/tree/2.1.0/tree-linux-amd64.tar.gz'.replace('amd64', host === 'linux-arm64' ? 'arm64' : 'amd64'));
    const dir = await extractFresh(r.artifact);
    expect(run(path.join(dir, 'bin', 'tree'), ['--version'])).toContain('tree v2.1.0');
    const meta = JSON.parse(await fs.readFile(r.metadataFile, 'utf8'));
    expect(meta.status).toBe('fallback');
  });

  test("a program linked to its artifact's library loads that copy, not the system's", async () => {
    const r = get('zpipe');
    expect(r.metadata.runpaths).toEqual(expect.arrayContaining([{ file: 'bin/zpipe', runpath: '$ORIGIN/../lib' }]));
    const dir = await extractFresh(r.artifact);
    const ldd = run('ldd', [path.join(dir, 'bin', 'zpipe')]);
    const line = ldd.split('\n').find((l) => l.includes('libz.so.1'));
    const loaded = /=> (\S+)/.exec(line ?? '')?.[1] ?? '';
    expect(path.resolve(loaded)).toBe(path.join(dir, 'lib', 'libz.so.1'));
    const packed = execFileSync(path.join(dir, 'bin', 'zpipe'), [], { input: 'hello zpipe\n' });
    expect(execFileSync(path.join(dir, 'bin', 'zpipe'), ['-d'], { input: packed, encoding: 'utf8' })).toBe('hello zpipe\n');
  });

  test('dependencies are built first and found at build time and, installed side by side, at run time', async () => {
    const r = get('zdemo');
    expect(r.metadata.dependencies).toEqual([{ name: 'zlib', version: '1.2.13', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(r.metadata.runpaths).toEqual([{ file: 'bin/zdemo', runpath: '$ORIGIN/../../zlib/lib' }]);
    const root = await fs.mkdtemp(path.join(tmp, 'opt-'));
    for (const [name, artifact] of [['zdemo', r.artifact], ['zlib', path.join(path.dirname(r.artifact), 'zlib-1.2.13-' + host + '.tar.gz')]] as const) {
      await fs.mkdir(path.join(root, name));
      execFileSync('tar', ['-xzf', artifact, '-C', path.join(root, name)]);
    }
    expect(run(path.join(root, 'zdemo', 'bin', 'zdemo'), [])).toBe('zlib 1.2.13\n');
    const ldd = run('ldd', [path.join(root, 'zdemo', 'bin', 'zdemo')]);
    expect(path.resolve(/libz\.so\.1 => (\S+)/.exec(ldd)?.[1] ?? '')).toBe(path.join(root, 'zlib', 'lib', 'libz.so.1'));
  });
});

describeLinux('a build stops before anything is built', () => {
  let localMirror: SourceMirror;
  let dir: string;
  const hello = readFileSync(path.join(upstream, 'hello-2.10.tar.gz'));
  const m4 = readFileSync(path.join(upstream, 'm4-1.4.19.tar.xz'));
  const tampered = (b: Buffer): Buffer => {
    const copy = Buffer.from(b);
    copy[Math.floor(copy.length / 2)] = (copy[Math.floor(copy.length / 2)] as number) ^ 0xff;
    return copy;
  };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-builder-stop-'));
    tmp = dir;
    localMirror = await startSourceMirror({
      [U.keyring]: path.join(upstream, 'm4-signing-key.asc'),
      [U.hellosig]: path.join(upstream, 'hello-2.10.tar.gz.sig'),
      [U.m4sig]: path.join(upstream, 'm4-1.4.19.tar.xz.sig'),
    });
    mirror = localMirror;
  });
  afterAll(async () => {
    await localMirror.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const expectStopped = async (p: Promise<unknown>, step: string, message: RegExp): Promise<void> => {
    await expect(p).rejects.toMatchObject({ code: 'E_BUILD_FAILED', step, message: expect.stringMatching(message) });
  };

  test('a tampered tarball fails its signature check (m4, no sha256 pin)', async () => {
    localMirror.put(U.m4, tampered(m4));
    await expectStopped(
      recipeBuild(path.join(fixtures, 'm4.yml'), '1.4.19', { outDir: path.join(dir, 'out-m4') }),
      'download',
      /bad signature on m4-1\.4\.19\.tar\.xz/,
    );
    await expect(fs.readdir(path.join(dir, 'out-m4'))).resolves.toEqual([]);
  });

  test('a tampered signature stops the build', async () => {
    localMirror.put(U.m4, m4);
    const sig = readFileSync(path.join(upstream, 'm4-1.4.19.tar.xz.sig'), 'utf8');
    // Change one character of the base64 signature body.
    const lines = sig.split('\n');
    const i = lines.findIndex((l) => /^[A-Za-z0-9+/]{40,}/.test(l));
    lines[i] = `${lines[i]?.[0] === 'A' ? 'B' : 'A'}${lines[i]?.slice(1)}`;
    localMirror.put(U.m4sig, Buffer.from(lines.join('\n')));
    await expectStopped(recipeBuild(path.join(fixtures, 'm4.yml'), '1.4.19', { outDir: path.join(dir, 'out-m4b') }), 'download', /signature/);
    localMirror.put(U.m4sig, path.join(upstream, 'm4-1.4.19.tar.xz.sig'));
  });

  test('a signature by a key that is not pinned stops the build', async () => {
    // hello's recipe with its keys taken from the keyring served here, which holds
    // only m4's key: hello's pinned key is not in it.
    localMirror.put(U.hello, hello);
    const recipe = path.join(dir, 'hello-other-keys.yml');
    const text = readFileSync(path.join(repo, 'recipes', 'hello.yml'), 'utf8');
    const swapped = text.replace(/gpg_keys_url: .*/, `gpg_keys_url: "${U.keyring}"`);
    expect(swapped).not.toEqual(text);
    await fs.writeFile(recipe, swapped);
    await expectStopped(
      recipeBuild(recipe, '2.10', { outDir: path.join(dir, 'out-hello') }),
      'download',
      /none of the keys .* has a pinned fingerprint/,
    );
  });

  test('a tarball that does not match the pinned sha256 stops the build', async () => {
    localMirror.put(U.hello, tampered(hello));
    await expectStopped(recipeBuild(path.join(repo, 'recipes', 'hello.yml'), '2.10', { outDir: path.join(dir, 'out-hello2') }), 'download', /sha256|digest|integrity/i);
  });

  test('a malicious source tarball stops the build with nothing written outside', async () => {
    const url = 'https://evil.example.org/pkg-1.0.tar.gz';
    const outside = path.join(dir, 'escaped.txt');
    localMirror.put(
      url,
      gzipSync(
        makeTar([
          { path: 'pkg-1.0/', type: 'Directory' },
          { path: 'pkg-1.0/Makefile', body: 'all:\n' },
          { path: `pkg-1.0/../../../../../../../../..${outside}`, body: 'escaped' },
        ]),
      ),
    );
    const spec: BuildJob = {
      name: 'pkg',
      version: '1.0',
      platform: host as NonNullable<typeof host>,
      method: 'source',
      buildType: 'make',
      source: { kind: 'http', urls: [url] },
      configure: { flags: [], cmakeFlags: [] },
      build: { outOfTree: false, makeArgs: [], timeoutMinutes: 1 },
      dependencies: [],
      recipeDigest: 'test',
    };
    await expectStopped(buildRecipe(spec, options({ outDir: path.join(dir, 'out-evil') })), 'extract', /refusing archive entry/);
    await expect(fs.access(outside)).rejects.toThrow();
    // The work folder is gone too.
    expect((await fs.readdir(dir)).filter((n) => n.startsWith('potions-build-pkg-'))).toEqual([]);
  });

  test('building from source for another platform is refused with a clear message', async () => {
    const other = host === 'linux-amd64' ? 'linux-arm64' : 'linux-amd64';
    const plan = await planRecipeBuild({ file: path.join(corpus, 'tree.yml'), platform: other, version: '2.1.0', recipeDirs: [], dependencyVersion: async () => '' });
    await expect(buildRecipe(plan.job, options({ outDir: path.join(dir, 'out-cross') }))).rejects.toMatchObject({
      code: 'E_BUILD_CROSS_PLATFORM',
      message: expect.stringContaining(`cannot build tree from source for ${other}`),
    });
  });
});
