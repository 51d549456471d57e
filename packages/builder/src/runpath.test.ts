/**
 * The link-time run path of each build type, on real builds of tiny projects
 * (a shared library, a program that uses it, a program that does not), with
 * no patchelf: the program runs from a fresh extraction, loads the artifact's
 * library, and its RUNPATH is exactly what it needs. A link that left no room
 * fails naming the file.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { hostPlatform, spawnExec, type Exec, type Platform } from '@potions/core';
import { makeTar, type TarEntrySpec } from '@potions/archive/testing';
import { readElfFile } from '@potions/inspect';
import { buildRecipe } from './builder';
import type { BuildJob } from './build-job';
import { startSourceMirror, type SourceMirror } from './testing';
import { downloaderTransport } from './transport';

const host = hostPlatform();
const describeLinux = host?.startsWith('linux') ? describe : describe.skip;

const GREET_C = 'const char *greet(void) { return "hello from libgreet"; }\n';
const MAIN_C = '#include <stdio.h>\nconst char *greet(void);\nint main(void) { puts(greet()); return 0; }\n';
const PLAIN_C = '#include <stdio.h>\nint main(void) { puts("plain"); return 0; }\n';

const PROJECTS: Record<string, Record<string, string>> = {
  // No configure script: the builder runs autoreconf -fi; libtool links the program.
  autotools: {
    'configure.ac': 'AC_INIT([demo], [1.0])\nAM_INIT_AUTOMAKE([foreign])\nLT_INIT\nAC_PROG_CC\nAC_CONFIG_FILES([Makefile])\nAC_OUTPUT\n',
    'Makefile.am': 'lib_LTLIBRARIES = libgreet.la\nlibgreet_la_SOURCES = greet.c\nbin_PROGRAMS = demo plain\ndemo_SOURCES = main.c\ndemo_LDADD = libgreet.la\nplain_SOURCES = plain.c\n',
  },
  make: {
    Makefile:
      'all: libgreet.so demo plain\nlibgreet.so: greet.c\n\t$(CC) -shared -fPIC -o $@ greet.c $(LDFLAGS)\ndemo: main.c libgreet.so\n\t$(CC) -o $@ main.c -L. -lgreet $(LDFLAGS)\nplain: plain.c\n\t$(CC) -o $@ plain.c $(LDFLAGS)\ninstall:\n\tmkdir -p $(PREFIX)/bin $(PREFIX)/lib\n\tcp demo plain $(PREFIX)/bin/\n\tcp libgreet.so $(PREFIX)/lib/\n',
  },
  cmake: {
    'CMakeLists.txt':
      'cmake_minimum_required(VERSION 3.13)\nproject(demo C)\nadd_library(greet SHARED greet.c)\nadd_executable(demo main.c)\ntarget_link_libraries(demo greet)\nadd_executable(plain plain.c)\ninstall(TARGETS greet demo plain)\n',
  },
  meson: {
    'meson.build':
      "project('demo', 'c')\nlib = shared_library('greet', 'greet.c', install: true)\nexecutable('demo', 'main.c', link_with: lib, install: true)\nexecutable('plain', 'plain.c', install: true)\n",
  },
  // A script that links without $LDFLAGS: LD_RUN_PATH gives the room.
  custom: {},
};

function tarball(name: string, files: Record<string, string>): Buffer {
  const entries: TarEntrySpec[] = [{ path: `${name}-1.0/`, type: 'Directory' }];
  for (const [file, body] of Object.entries({ ...files, 'greet.c': GREET_C, 'main.c': MAIN_C, 'plain.c': PLAIN_C })) {
    entries.push({ path: `${name}-1.0/${file}`, body });
  }
  return gzipSync(makeTar(entries));
}

function job(name: string, buildType: BuildJob['buildType'], over: Partial<BuildJob> = {}): BuildJob {
  return {
    name,
    version: '1.0',
    platform: host as Platform,
    method: 'source',
    buildType,
    source: { kind: 'http', urls: [`http://127.0.0.1:1/src/${name}-1.0.tar.gz`] },
    configure: { flags: [], cmakeFlags: [] },
    build: { outOfTree: false, makeArgs: [], timeoutMinutes: 5 },
    dependencies: [],
    recipeDigest: 'test',
    ...over,
  };
}

const CUSTOM_BUILD = 'cc -shared -fPIC -o libgreet.so greet.c\ncc -o demo main.c -L. -lgreet\ncc -o plain plain.c\n';
const CUSTOM_INSTALL = 'mkdir -p "$PREFIX/bin" "$PREFIX/lib"\ncp demo plain "$PREFIX/bin/"\ncp libgreet.so "$PREFIX/lib/"\n';

describeLinux('link-time run paths, without patchelf', () => {
  let dir: string;
  let mirror: SourceMirror;
  /** spawnExec, except that patchelf is never there. */
  const noPatchelf: Exec = (req) => (req.argv[0] === 'patchelf' ? Promise.reject(Object.assign(new Error('spawn patchelf ENOENT'), { code: 'ENOENT' })) : spawnExec(req));

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-runpath-'));
    const files: Record<string, Buffer> = {};
    for (const [kind, project] of Object.entries(PROJECTS)) files[`http://127.0.0.1:1/src/${kind}-1.0.tar.gz`] = tarball(kind, project);
    files['http://127.0.0.1:1/src/noroom-1.0.tar.gz'] = tarball('noroom', {});
    mirror = await startSourceMirror(files);
  });
  afterAll(async () => {
    await mirror.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const build = (j: BuildJob) =>
    buildRecipe(j, {
      outDir: path.join(dir, `out-${j.name}`),
      sourceMirrors: [mirror.base],
      workRoot: dir,
      jobs: 2,
      exec: noPatchelf,
      transport: downloaderTransport({ retry: { attemptsPerMirror: 1 }, hedgeDelayMs: 0 }),
    });

  const cases: [string, BuildJob['buildType'], Partial<BuildJob>][] = [
    ['autotools', 'gnu_autotools', {}],
    ['make', 'make', {}],
    ['cmake', 'cmake', {}],
    ['meson', 'meson', {}],
    ['custom', 'custom', { build: { outOfTree: false, makeArgs: [], timeoutMinutes: 5, customBuild: CUSTOM_BUILD, customInstall: CUSTOM_INSTALL } }],
  ];

  test.each(cases)('%s: the program finds its artifact\'s library from a fresh folder; RUNPATH only where needed', async (name, buildType, over) => {
    const result = await build(job(name, buildType, over));
    const root = await fs.mkdtemp(path.join(dir, `user-${name}-`));
    execFileSync('tar', ['-xzf', result.artifact, '-C', root]);
    const out = execFileSync(path.join(root, 'bin', 'demo'), { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    expect(out).toBe('hello from libgreet\n');
    expect((await readElfFile(path.join(root, 'bin', 'demo')))?.runpath).toEqual(['$ORIGIN/../lib']);
    expect((await readElfFile(path.join(root, 'bin', 'plain')))?.runpath).toBeUndefined();
    expect(result.metadata.runpaths).toContainEqual({ file: 'bin/demo', runpath: '$ORIGIN/../lib' });
    expect(result.metadata.runpaths.map((r) => r.file)).not.toContain('bin/plain');
    // No path into the work folder or the fixed prefix is left in any search path.
    expect(JSON.stringify(result.metadata.runpaths)).not.toMatch(/\/opt\/potions|potions-build-/);
  }, 180_000);

  test('a link that left no room for the run path fails naming the file, and says what to do', async () => {
    const customBuild = 'cc -shared -fPIC -o libgreet.so greet.c\ncc -o demo main.c -L. -lgreet -Wl,-rpath,x\ncc -o plain plain.c\n';
    await expect(
      build(job('noroom', 'custom', { build: { outOfTree: false, makeArgs: [], timeoutMinutes: 5, customBuild, customInstall: CUSTOM_INSTALL } })),
    ).rejects.toMatchObject({
      code: 'E_BUILD_FAILED',
      step: 'package',
      message: expect.stringMatching(/bin\/demo needs the library search path \$ORIGIN\/\.\.\/lib, but it was linked without room for one/),
      hint: expect.stringContaining('patchelf'),
    });
  }, 60_000);
});
