/**
 * The smoke test against real binaries nobody here wrote (esbuild, rollup,
 * fsevents from npm) and against small fixtures built with clang/lld for what
 * those lack: RUNPATH and LC_RPATH, paths into a build machine, a missing
 * library, scripts, static libraries, dependencies installed side by side.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostPlatform, type Platform } from '@potions/core';
import type { SmokeTest } from '@potions/recipe';
import type { Dependency, SmokeReport } from './report';
import { smokeTestArtifact, type SmokeTestOptions } from './smoke-test';
import { REAL_BINARIES, compileC, fakeLibSystem, macTarget, packTestArtifact, realBinary } from './testing';

const host = hostPlatform();
const onLinuxAmd64 = host === 'linux-amd64' ? describe : describe.skip;
const hasQemu = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v qemu-aarch64-static && test -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-smoke-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const recipe = (name: string, smokeTests: SmokeTest[] = []): SmokeTestOptions['recipe'] => ({ name, smokeTests });
const check = (artifact: string, platform: Platform, extra: Partial<SmokeTestOptions> = {}): Promise<SmokeReport> =>
  smokeTestArtifact({ artifact, platform, workDir: dir, ...extra });
const depOf = (report: SmokeReport, file: string, name: string): Dependency | undefined =>
  report.files.find((f) => f.path === file)?.dependencies.find((d) => d.name === name);
const errors = (report: SmokeReport): string[] => report.problems.filter((p) => p.severity === 'error').map((p) => p.message);

onLinuxAmd64('real binaries from npm', () => {
  const artifacts: Record<string, string> = {};
  beforeAll(async () => {
    const pack = async (name: string, file: string, files: Record<string, string>): Promise<void> => {
      artifacts[name] = await packTestArtifact(path.join(dir, file), Object.fromEntries(Object.entries(files).map(([k, v]) => [k, { from: v }])));
    };
    await pack('esbuild-x64', 'esbuild-0.28.2-linux-amd64.tar.gz', { 'bin/esbuild': await realBinary(REAL_BINARIES.esbuildLinuxX64) });
    await pack('esbuild-arm64', 'esbuild-0.28.2-linux-arm64.tar.gz', { 'bin/esbuild': await realBinary(REAL_BINARIES.esbuildLinuxArm64) });
    await pack('esbuild-darwin-arm64', 'esbuild-0.28.2-darwin-arm64.tar.gz', { 'bin/esbuild': await realBinary(REAL_BINARIES.esbuildDarwinArm64) });
    await pack('esbuild-darwin-x64', 'esbuild-0.28.2-darwin-x86_64.tar.gz', { 'bin/esbuild': await realBinary(REAL_BINARIES.esbuildDarwinX64) });
    await pack('rollup-x64', 'rollup-4.68.8-linux-amd64.tar.gz', { 'lib/rollup.node': await realBinary(REAL_BINARIES.rollupLinuxX64) });
    await pack('rollup-arm64', 'rollup-4.68.8-linux-arm64.tar.gz', { 'lib/rollup.node': await realBinary(REAL_BINARIES.rollupLinuxArm64) });
    await pack('rollup-darwin-arm64', 'rollup-4.68.8-darwin-arm64.tar.gz', { 'lib/rollup.node': await realBinary(REAL_BINARIES.rollupDarwinArm64) });
    await pack('fsevents', 'fsevents-2.3.3-darwin-arm64.tar.gz', { 'lib/fsevents.node': await realBinary(REAL_BINARIES.fsevents) });
  });

  test('esbuild for linux-amd64 passes: a static x86-64 program whose --version prints its version, run natively', async () => {
    const r = await check(artifacts['esbuild-x64']!, 'linux-amd64');
    expect(r).toMatchObject({ ok: true, name: 'esbuild', version: '0.28.2', platform: 'linux-amd64', host: 'linux-amd64' });
    expect(r.files).toEqual([
      { path: 'bin/esbuild', kind: 'executable', format: 'elf', description: 'ELF 64-bit LSB x86_64 executable, statically linked', platforms: ['linux-amd64'], matches: true, executable: true, dependencies: [] },
    ]);
    expect(r.run).toMatchObject({ ran: true, runner: { kind: 'native' } });
    expect(r.run.commands).toEqual([
      expect.objectContaining({ argv: ['bin/esbuild', '--version'], default: true, program: 'bin/esbuild', runner: 'native', ok: true, exitCode: 0, output: '0.28.2\n' }),
    ]);
    expect(r.problems).toEqual([]);
  });

  test('esbuild for linux-amd64 claimed as linux-arm64 fails, naming the file and what it is', async () => {
    const copy = path.join(dir, 'claimed', 'esbuild-0.28.2-linux-arm64.tar.gz');
    await fs.mkdir(path.dirname(copy), { recursive: true });
    await fs.copyFile(artifacts['esbuild-x64']!, copy);
    const r = await check(copy, 'linux-arm64');
    expect(r.ok).toBe(false);
    expect(r.files[0]).toMatchObject({ path: 'bin/esbuild', matches: false, platforms: ['linux-amd64'] });
    expect(errors(r)).toContain('bin/esbuild is ELF 64-bit LSB x86_64 executable, statically linked, not linux-arm64 code (aarch64 ELF)');
    if (hasQemu) {
      // Run on the emulated arm64 machine, it fails there as it would for a user.
      expect(r.run.commands[0]).toMatchObject({ runner: 'qemu', ok: false });
    }
  });

  (hasQemu ? test : test.skip)('esbuild for linux-arm64 runs through qemu-aarch64-static and prints its version', async () => {
    const r = await check(artifacts['esbuild-arm64']!, 'linux-arm64');
    expect(r.ok).toBe(true);
    expect(r.files[0]).toMatchObject({ description: 'ELF 64-bit LSB aarch64 executable, statically linked', matches: true });
    expect(r.run).toMatchObject({ ran: true, runner: { kind: 'qemu', command: [expect.stringMatching(/qemu-aarch64-static$/), '-L', '/usr/aarch64-linux-gnu'] } });
    expect(r.run.commands[0]).toMatchObject({ runner: 'qemu', ok: true, output: '0.28.2\n' });
  });

  test('without qemu, linux-arm64 is checked statically and the report says plainly that nothing ran', async () => {
    const r = await check(artifacts['esbuild-arm64']!, 'linux-arm64', { searchPath: path.join(dir, 'no-such-folder') });
    expect(r.ok).toBe(true);
    expect(r.run.ran).toBe(false);
    expect(r.run.reason).toMatch(/qemu-aarch64-static on this linux-amd64 machine, and it is not installed .*: the commands were not run, only the static checks were made/);
    expect(r.run.commands).toEqual([expect.objectContaining({ argv: ['bin/esbuild', '--version'], ok: false, error: 'not run' })]);
    expect(r.problems).toEqual([{ severity: 'warning', message: r.run.reason }]);
    const strict = await check(artifacts['esbuild-arm64']!, 'linux-arm64', { searchPath: path.join(dir, 'no-such-folder'), requireRun: true });
    expect(strict.ok).toBe(false);
  });

  test.each([
    ['esbuild-darwin-arm64', 'darwin-arm64', 'Mach-O 64-bit arm64 executable (macOS 12.0+)'],
    ['esbuild-darwin-x64', 'darwin-x86_64', 'Mach-O 64-bit x86_64 executable (macOS 12.0+)'],
  ] as const)('%s: static checks pass on Linux, libSystem and frameworks are system libraries, nothing runs', async (name, platform, description) => {
    const r = await check(artifacts[name]!, platform);
    expect(r.ok).toBe(true);
    expect(r.files[0]).toMatchObject({ description, matches: true, minOs: { os: 'macos', version: '12.0' } });
    expect(r.files[0]!.dependencies.map((d) => [d.kind, d.name, d.resolution])).toEqual([
      ['dylinker', '/usr/lib/dyld', 'system'],
      ['dylib', '/usr/lib/libSystem.B.dylib', 'system'],
      ['dylib', '/usr/lib/libresolv.9.dylib', 'system'],
      ['dylib', '/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation', 'system'],
      ['dylib', '/System/Library/Frameworks/Security.framework/Versions/A/Security', 'system'],
    ]);
    expect(r.run).toMatchObject({ ran: false, reason: expect.stringContaining(`${platform} programs cannot run on this linux-amd64 machine`) });
    expect(r.systemLibraries.map((s) => s.name)).toContain('/usr/lib/libSystem.B.dylib');
  });

  test('rollup for linux-amd64: glibc, the loader and GCC runtime are system libraries', async () => {
    const r = await check(artifacts['rollup-x64']!, 'linux-amd64', { recipe: recipe('rollup', [{ argv: ['test', '-f', 'lib/rollup.node'], exitCode: 0 }]) });
    expect(r.ok).toBe(true);
    const groups = Object.fromEntries(r.files[0]!.dependencies.map((d) => [d.name, d.group]));
    expect(groups).toEqual({
      'libdl.so.2': 'glibc',
      'libgcc_s.so.1': 'gcc-runtime',
      'librt.so.1': 'glibc',
      'libpthread.so.0': 'glibc',
      'libm.so.6': 'glibc',
      'libc.so.6': 'glibc',
      'ld-linux-x86-64.so.2': 'loader',
    });
    expect(r.files[0]).toMatchObject({ kind: 'library', description: 'ELF 64-bit LSB x86_64 shared library' });
    expect(r.run.commands[0]).toMatchObject({ program: '/usr/bin/test', runner: 'native', ok: true });
  });

  test('rollup for linux-arm64 claimed as linux-amd64 fails; its dependencies are listed, not checked', async () => {
    const copy = path.join(dir, 'claimed', 'rollup-4.68.8-linux-amd64.tar.gz');
    await fs.copyFile(artifacts['rollup-arm64']!, copy);
    const r = await check(copy, 'linux-amd64', { recipe: recipe('rollup', [{ argv: ['true'], exitCode: 0 }]) });
    expect(errors(r)).toEqual(['lib/rollup.node is ELF 64-bit LSB aarch64 shared library, not linux-amd64 code (x86_64 ELF)']);
    expect(depOf(r, 'lib/rollup.node', 'libc.so.6')).toEqual({ kind: 'needed', name: 'libc.so.6', resolution: 'unchecked' });
  });

  test("rollup for darwin-arm64 fails: its install name is a folder in the build machine's home", async () => {
    const r = await check(artifacts['rollup-darwin-arm64']!, 'darwin-arm64', { recipe: recipe('rollup') });
    expect(r.ok).toBe(false);
    const id = r.files[0]!.dependencies.find((d) => d.kind === 'install-name')!;
    expect(id).toMatchObject({ resolution: 'forbidden', severity: 'error', name: expect.stringMatching(/^\/Users\/runner\/work\/rollup\//) });
    expect(errors(r)).toEqual([expect.stringMatching(/^lib\/rollup\.node: install-name \/Users\/runner\/.* points into a home folder \(\/Users\)/)]);
  });

  test('fsevents, a universal file, passes for both macOS platforms and fails for Linux', async () => {
    for (const platform of ['darwin-arm64', 'darwin-x86_64'] as const) {
      const r = await check(artifacts.fsevents!, platform, { recipe: recipe('fsevents') });
      expect(r.ok).toBe(true);
      expect(r.files[0]).toMatchObject({
        kind: 'library',
        description: 'Mach-O universal (x86_64 (macOS 10.15+), arm64 (macOS 11.0+)) bundle',
        platforms: ['darwin-x86_64', 'darwin-arm64'],
        matches: true,
        minOs: { os: 'macos', version: platform === 'darwin-arm64' ? '11.0' : '10.15' },
      });
      expect(depOf(r, 'lib/fsevents.node', '/usr/lib/libc++.1.dylib')).toMatchObject({ resolution: 'system', group: 'macos' });
    }
    const linux = await check(artifacts.fsevents!, 'linux-amd64', { recipe: recipe('fsevents', [{ argv: ['true'], exitCode: 0 }]) });
    expect(errors(linux)).toEqual([expect.stringMatching(/^lib\/fsevents\.node is Mach-O universal .* bundle, not linux-amd64 code \(x86_64 ELF\)$/)]);
  });
});

onLinuxAmd64('ELF fixtures', () => {
  let greet: string;
  let greetA: string;
  let greetArm64Obj: string;
  const hello = (runpath: string, out: string, extra: string[] = []): Promise<string> =>
    compileC({
      source: '#include <stdio.h>\nvoid greet(void); int main(int c, char **v){ if (c > 1) { puts("hello 1.2.3"); return 0; } greet(); return 0; }',
      out,
      args: [`-L${path.dirname(greet)}`, '-lgreet', ...(runpath ? [`-Wl,-rpath,${runpath}`] : []), ...extra],
    });

  beforeAll(async () => {
    greet = await compileC({
      source: '#include <stdio.h>\nvoid greet(void){ puts("hello from libgreet"); }',
      out: path.join(dir, 'elf', 'libgreet.so'),
      args: ['-shared', '-fPIC', '-Wl,-soname,libgreet.so'],
    });
    const obj = path.join(dir, 'elf', 'greet.o');
    execFileSync('clang', ['-c', '-o', obj, '-x', 'c', '-'], { input: 'int g(void){return 1;}' });
    greetA = path.join(dir, 'elf', 'libgreet.a');
    execFileSync('ar', ['rcs', greetA, obj]);
    greetArm64Obj = path.join(dir, 'elf', 'greet-arm64.o');
    execFileSync('clang', ['--target=aarch64-linux-gnu', '-c', '-o', greetArm64Obj, '-x', 'c', '-'], { input: 'int g(void){return 1;}' });
  });

  test('a program finds its library through RUNPATH $ORIGIN/../lib, in the report and when it runs', async () => {
    const prog = await hello('$ORIGIN/../lib', path.join(dir, 'elf', 'ok', 'hello'));
    const art = await packTestArtifact(path.join(dir, 'hello-1.2.3-linux-amd64.tar.gz'), {
      'bin/hello': { from: prog },
      'lib/libgreet.so': { from: greet },
      'lib/libgreet.a': { from: greetA },
      'share/doc/hello/README': 'hello\n',
    });
    const r = await check(art, 'linux-amd64', { recipe: recipe('hello', [{ argv: ['hello'], expect: '^hello from libgreet$', exitCode: 0 }]) });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.files.find((f) => f.path === 'bin/hello')!.dependencies).toEqual([
      { kind: 'interpreter', name: '/lib64/ld-linux-x86-64.so.2', resolution: 'system', path: '/lib64/ld-linux-x86-64.so.2', group: 'loader' },
      { kind: 'runpath', name: '$ORIGIN/../lib', resolution: 'artifact', path: 'lib' },
      { kind: 'needed', name: 'libgreet.so', resolution: 'artifact', path: 'lib/libgreet.so', via: '$ORIGIN/../lib' },
      { kind: 'needed', name: 'libc.so.6', resolution: 'system', path: 'libc.so.6', group: 'glibc' },
    ]);
    expect(r.files.find((f) => f.path === 'lib/libgreet.a')).toMatchObject({
      kind: 'static-library',
      format: 'ar',
      description: 'ar archive of 1 × ELF 64-bit LSB x86_64 relocatable object',
      matches: true,
    });
    expect(r.files.find((f) => f.path === 'share/doc/hello/README')).toMatchObject({ kind: 'other', format: 'data' });
    expect(r.run.commands[0]).toMatchObject({ argv: ['hello'], program: 'bin/hello', ok: true, output: 'hello from libgreet\n' });
    expect(r.summary).toEqual({ files: 4, code: 3, executables: 1, libraries: 2, errors: 0, warnings: 0 });
    // The default check: the main binary with --version, whose output must hold the version.
    const byDefault = await check(art, 'linux-amd64', { recipe: recipe('hello') });
    expect(byDefault.run.commands).toEqual([expect.objectContaining({ argv: ['bin/hello', '--version'], default: true, expect: '1\\.2\\.3', ok: true })]);
    const wrongVersion = await check(art, 'linux-amd64', { recipe: recipe('hello'), version: '9.9' });
    expect(errors(wrongVersion)).toEqual(['bin/hello --version: the output does not match /9\\.9/']);
  });

  test.each([
    ['/opt/potions/hello/lib', 'the build prefix (/opt/potions)'],
    ['/home/runner/work/hello/lib', 'a home folder (/home)'],
    ['/usr/local/lib', '/usr/local (Homebrew on Intel Macs, software built by hand) (/usr/local)'],
    ['/tmp/build-1234/lib', 'a temporary folder (/tmp)'],
  ])('a RUNPATH into a build machine place (%s) fails, naming it', async (runpath, why) => {
    const prog = await hello(`$ORIGIN/../lib:${runpath}`, path.join(dir, 'elf', 'leak', 'hello'));
    const art = await packTestArtifact(path.join(dir, 'leak', 'hello-1.2.3-linux-amd64.tar.gz'), { 'bin/hello': { from: prog }, 'lib/libgreet.so': { from: greet } });
    const r = await check(art, 'linux-amd64', { recipe: recipe('hello') });
    expect(r.ok).toBe(false);
    expect(errors(r)).toEqual([`bin/hello: runpath ${runpath}: points into ${why}, which users do not have`]);
    // The library itself still resolves inside the artifact, and the program runs.
    expect(depOf(r, 'bin/hello', 'libgreet.so')).toMatchObject({ resolution: 'artifact', path: 'lib/libgreet.so' });
    expect(r.run.commands[0]!.ok).toBe(true);
  });

  test('a library that is not in the artifact and not a system library fails statically and at run time', async () => {
    const prog = await hello('$ORIGIN/../lib', path.join(dir, 'elf', 'missing', 'hello'));
    const art = await packTestArtifact(path.join(dir, 'missing', 'hello-1.2.3-linux-amd64.tar.gz'), { 'bin/hello': { from: prog } });
    const r = await check(art, 'linux-amd64', { recipe: recipe('hello') });
    expect(depOf(r, 'bin/hello', '$ORIGIN/../lib')).toMatchObject({ resolution: 'artifact', severity: 'warning', detail: 'the folder is not in the artifact' });
    expect(errors(r)).toEqual([
      'bin/hello: needed libgreet.so: not in the artifact (searched $ORIGIN/../lib) and not a system library',
      'bin/hello --version: exit status 127, expected 0',
    ]);
    expect(r.run.commands[0]!.output).toContain('libgreet.so: cannot open shared object file');
  });

  test("a library without its own search path: found through the program's DT_RPATH (inherited), not through DT_RUNPATH (not inherited)", async () => {
    const d = path.join(dir, 'elf', 'inherit');
    const libb = await compileC({ source: 'int b(void){return 2;}', out: path.join(d, 'libb.so'), args: ['-shared', '-fPIC', '-Wl,-soname,libb.so'] });
    const liba = await compileC({ source: 'int b(void); int a(void){return b();}', out: path.join(d, 'liba.so'), args: ['-shared', '-fPIC', '-Wl,-soname,liba.so', `-L${d}`, '-lb'] });
    const src = '#include <stdio.h>\nint a(void); int main(void){ printf("a=%d\\n", a()); return 0; }';
    const linkArgs = [`-L${d}`, '-la', `-Wl,-rpath-link,${d}`];
    const withRpath = await compileC({ source: src, out: path.join(d, 'rpath', 'app'), args: [...linkArgs, '-Wl,--disable-new-dtags,-rpath,$ORIGIN/../lib'] });
    const withRunpath = await compileC({ source: src, out: path.join(d, 'runpath', 'app'), args: [...linkArgs, '-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib'] });
    const tests = [{ argv: ['app'], expect: '^a=2$', exitCode: 0 }];
    for (const [variant, prog] of [['rpath', withRpath], ['runpath', withRunpath]] as const) {
      const art = await packTestArtifact(path.join(dir, 'inherit', variant, 'app-1.0-linux-amd64.tar.gz'), {
        'bin/app': { from: prog },
        'lib/liba.so': { from: liba },
        'lib/libb.so': { from: libb },
      });
      const r = await check(art, 'linux-amd64', { recipe: recipe('app', tests) });
      if (variant === 'rpath') {
        expect(r.problems).toEqual([]);
        expect(depOf(r, 'lib/liba.so', 'libb.so')).toEqual({ kind: 'needed', name: 'libb.so', resolution: 'artifact', path: 'lib/libb.so', via: '$ORIGIN/../lib (RPATH of bin/app)' });
      } else {
        expect(errors(r)).toEqual([
          'lib/liba.so: needed libb.so: not in the artifact (the file has no RUNPATH) and not a system library',
          expect.stringMatching(/^app: exit status 127, expected 0$/),
        ]);
      }
    }
  });

  test('a dependency installed beside the artifact resolves through $ORIGIN/../../<name>/lib, and the program runs', async () => {
    const prog = await hello('$ORIGIN/../../greet/lib', path.join(dir, 'elf', 'sibling', 'app'));
    const app = await packTestArtifact(path.join(dir, 'sibling', 'app-1.2.3-linux-amd64.tar.gz'), { 'bin/app': { from: prog } });
    const greetArt = await packTestArtifact(path.join(dir, 'sibling', 'greet-1.0-linux-amd64.tar.gz'), { 'lib/libgreet.so': { from: greet } });
    const alone = await check(app, 'linux-amd64', { recipe: recipe('app') });
    expect(alone.ok).toBe(false);
    expect(depOf(alone, 'bin/app', '$ORIGIN/../../greet/lib')).toMatchObject({ resolution: 'outside', severity: 'warning' });
    const beside = await check(app, 'linux-amd64', { recipe: recipe('app', [{ argv: ['app'], expect: 'libgreet', exitCode: 0 }]), dependencies: [{ name: 'greet', artifact: greetArt }] });
    expect(beside.problems).toEqual([]);
    expect(depOf(beside, 'bin/app', 'libgreet.so')).toEqual({ kind: 'needed', name: 'libgreet.so', resolution: 'dependency', path: 'greet/lib/libgreet.so', via: '$ORIGIN/../../greet/lib' });
    expect(beside.run.commands[0]!.ok).toBe(true);
  });

  test('scripts: a system interpreter passes, one in /usr/local fails, only a warning when the script is not executable', async () => {
    const art = await packTestArtifact(path.join(dir, 'scripts', 'tool-1.0-linux-amd64.tar.gz'), {
      'bin/tool': { from: await writeExec(path.join(dir, 'scripts', 'tool'), '#!/bin/sh\necho tool 1.0\n') },
      'bin/helper': { from: await writeExec(path.join(dir, 'scripts', 'helper'), '#!/usr/local/bin/python3\nprint(1)\n') },
      'share/tool/example.pl': '#!/opt/homebrew/bin/perl\nprint 1;\n',
      'bin/env-tool': { from: await writeExec(path.join(dir, 'scripts', 'env-tool'), '#!/usr/bin/env python3\n') },
    });
    const r = await check(art, 'linux-amd64', { recipe: recipe('tool') });
    expect(r.files.find((f) => f.path === 'bin/tool')).toMatchObject({ kind: 'script', description: 'script (/bin/sh)', dependencies: [{ kind: 'shebang', name: '/bin/sh', resolution: 'system' }] });
    expect(r.files.find((f) => f.path === 'bin/env-tool')!.dependencies[0]).toMatchObject({ name: '/usr/bin/env', resolution: 'system' });
    expect(r.problems).toEqual([
      { file: 'bin/helper', severity: 'error', message: 'bin/helper: shebang /usr/local/bin/python3: points into /usr/local (Homebrew on Intel Macs, software built by hand) (/usr/local), which users do not have' },
      { file: 'share/tool/example.pl', severity: 'warning', message: "share/tool/example.pl: shebang /opt/homebrew/bin/perl: points into Homebrew's prefix (/opt/homebrew), which users do not have" },
    ]);
    expect(r.run.commands[0]).toMatchObject({ ok: true, output: 'tool 1.0\n' });
  });

  test('a static library of aarch64 objects in a linux-amd64 artifact fails; a truncated library is reported, not a crash', async () => {
    const armA = path.join(dir, 'elf', 'libarm.a');
    execFileSync('ar', ['rcs', armA, greetArm64Obj]);
    const whole = await fs.readFile(greet);
    const art = await packTestArtifact(path.join(dir, 'bad', 'pkg-1.0-linux-amd64.tar.gz'), {
      'lib/libarm.a': { from: armA },
      'lib/libcut.so': whole.subarray(0, 700),
      'lib/libgreet.so': { from: greet },
      'lib/libgreet.so.1': { link: 'libgreet.so' },
      'lib/libgone.so': { link: 'libgone.so.1' },
    });
    const r = await check(art, 'linux-amd64', { recipe: recipe('pkg', [{ argv: ['true'], exitCode: 0 }]) });
    expect(r.problems).toEqual([
      { file: 'lib/libarm.a', severity: 'error', message: 'lib/libarm.a is ar archive of 1 × ELF 64-bit LSB aarch64 relocatable object, not linux-amd64 code (x86_64 ELF)' },
      { file: 'lib/libcut.so', severity: 'error', message: expect.stringMatching(/^lib\/libcut\.so is not a valid ELF file: .* lies outside the file \(700 bytes\)$/) },
      { file: 'lib/libgone.so', severity: 'warning', message: 'lib/libgone.so is a symbolic link to libgone.so.1, which is not in the artifact' },
    ]);
    expect(r.files.find((f) => f.path === 'lib/libgreet.so.1')).toMatchObject({ kind: 'symlink', description: 'symbolic link to libgreet.so' });
  });

  test('commands run without the caller’s environment, from the artifact, with its bin first on PATH; a hang is a timeout', async () => {
    process.env.POTIONS_SMOKE_LEAK = 'from-the-build';
    try {
      const art = await packTestArtifact(path.join(dir, 'env', 'envy-1.0-linux-amd64.tar.gz'), {
        'bin/envy': { from: await writeExec(path.join(dir, 'env', 'envy'), '#!/bin/sh\nenv; pwd; read line || echo "stdin: empty"\n') },
        'bin/hang': { from: await writeExec(path.join(dir, 'env', 'hang'), '#!/bin/sh\nsleep 60\n') },
      });
      const r = await check(art, 'linux-amd64', {
        recipe: recipe('envy', [
          { argv: ['envy'], exitCode: 0 },
          { argv: ['hang'], exitCode: 0 },
        ]),
        timeoutMs: 1000,
      });
      const [envy, hang] = r.run.commands;
      expect(envy!.ok).toBe(true);
      expect(envy!.output).not.toContain('POTIONS_SMOKE_LEAK');
      expect(envy!.output).toMatch(/^PATH=\/.*potions-smoke-[^/]+\/install\/envy\/bin:\/usr\/bin:\/bin:\/usr\/sbin:\/sbin$/m);
      expect(envy!.output).toMatch(/^\/.*\/install\/envy$/m);
      expect(envy!.output).toContain('stdin: empty');
      expect(hang).toMatchObject({ ok: false, timedOut: true, exitCode: null, error: 'timed out after 1 s' });
      expect(errors(r)).toEqual(['hang: timed out after 1 s']);
    } finally {
      delete process.env.POTIONS_SMOKE_LEAK;
    }
  });

  test('a library package without smoke_test commands or a main program: static checks only, and the report says why', async () => {
    const art = await packTestArtifact(path.join(dir, 'libonly', 'greet-1.0-linux-amd64.tar.gz'), { 'lib/libgreet.so': { from: greet } });
    const r = await check(art, 'linux-amd64', { recipe: recipe('greet') });
    expect(r.ok).toBe(true);
    expect(r.run).toEqual({
      ran: false,
      reason: 'no smoke_test commands, and no main program bin/greet to run with --version: the commands were not run, only the static checks were made',
      commands: [],
    });
    expect(r.problems).toEqual([{ severity: 'warning', message: r.run.reason }]);
  });

  test('the work folder is removed afterwards', async () => {
    const before = (await fs.readdir(dir)).filter((n) => n.startsWith('potions-smoke-'));
    const art = await packTestArtifact(path.join(dir, 'clean', 'x-1.0-linux-amd64.tar.gz'), { 'share/x': 'x' });
    await check(art, 'linux-amd64', { recipe: recipe('x', [{ argv: ['true'], exitCode: 0 }]) });
    expect((await fs.readdir(dir)).filter((n) => n.startsWith('potions-smoke-'))).toEqual(before);
  });
});

describe('Mach-O fixtures', () => {
  let mac: { main: string; mainClean: string; foo: string; extra: string; weak: string };
  beforeAll(async () => {
    const d = path.join(dir, 'mac');
    const sys = await fakeLibSystem(d, 'arm64');
    const T = macTarget('arm64');
    const dylib = ['-nostdlib', '-shared', sys];
    const extra = await compileC({ target: T, source: 'int extra(void){return 4;}', out: path.join(d, 'libextra.dylib'), args: [...dylib, '-Wl,-install_name,@rpath/libextra.dylib'] });
    const weak = await compileC({ target: T, source: 'int opt(void){return 5;}', out: path.join(d, 'libopt.dylib'), args: [...dylib, '-Wl,-install_name,/opt/homebrew/lib/libopt.dylib'] });
    const foo = await compileC({ target: T, source: 'int foo(void){return 3;}', out: path.join(d, 'libfoo.1.dylib'), args: [...dylib, '-Wl,-install_name,@rpath/libfoo.1.dylib', `-Wl,-reexport_library,${extra}`] });
    const src = 'int foo(void); int opt(void) __attribute__((weak_import)); int main(void){return foo() + (opt ? opt() : 0);}';
    const main = await compileC({ target: T, source: src, out: path.join(d, 'main'), args: ['-nostdlib', `-L${d}`, foo, sys, `-Wl,-weak_library,${weak}`, '-Wl,-rpath,@loader_path/../lib', '-Wl,-rpath,/opt/homebrew/lib'] });
    const mainClean = await compileC({ target: T, source: 'int foo(void); int main(void){return foo();}', out: path.join(d, 'main-clean'), args: ['-nostdlib', `-L${d}`, foo, sys, '-Wl,-rpath,@loader_path/../lib'] });
    mac = { main, mainClean, foo, extra, weak };
  });

  test('@rpath through LC_RPATH @loader_path/../lib, a re-export found through the program’s rpath: passes', async () => {
    const art = await packTestArtifact(path.join(dir, 'mac', 'demo-1.0-darwin-arm64.tar.gz'), {
      'bin/demo': { from: mac.mainClean },
      'lib/libfoo.1.dylib': { from: mac.foo },
      'lib/libextra.dylib': { from: mac.extra },
    });
    const r = await check(art, 'darwin-arm64', { recipe: recipe('demo'), host: 'linux-amd64' });
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(r.files.find((f) => f.path === 'bin/demo')!.dependencies).toEqual([
      { kind: 'dylinker', name: '/usr/lib/dyld', resolution: 'system', path: '/usr/lib/dyld', group: 'macos' },
      { kind: 'lc-rpath', name: '@loader_path/../lib', resolution: 'artifact', path: 'lib' },
      { kind: 'dylib', name: '@rpath/libfoo.1.dylib', resolution: 'artifact', path: 'lib/libfoo.1.dylib', via: '@loader_path/../lib' },
      { kind: 'dylib', name: '/usr/lib/libSystem.B.dylib', resolution: 'system', path: '/usr/lib/libSystem.B.dylib', group: 'macos' },
    ]);
    expect(r.files.find((f) => f.path === 'lib/libfoo.1.dylib')!.dependencies).toEqual([
      { kind: 'install-name', name: '@rpath/libfoo.1.dylib', resolution: 'artifact', path: 'lib/libfoo.1.dylib' },
      { kind: 'dylib', name: '/usr/lib/libSystem.B.dylib', resolution: 'system', path: '/usr/lib/libSystem.B.dylib', group: 'macos' },
      // ld64.lld writes a load command beside the re-export.
      { kind: 'dylib', name: '@rpath/libextra.dylib', resolution: 'artifact', path: 'lib/libextra.dylib', via: '@loader_path/../lib (of bin/demo)' },
      { kind: 'reexport-dylib', name: '@rpath/libextra.dylib', resolution: 'artifact', path: 'lib/libextra.dylib', via: '@loader_path/../lib (of bin/demo)' },
    ]);
    expect(r.run).toMatchObject({ ran: false, reason: expect.stringContaining('darwin-arm64 programs cannot run on this linux-amd64 machine') });
    expect(r.ok).toBe(true);
  });

  test('an LC_RPATH and a weak library in /opt/homebrew fail; a missing @rpath library fails; a Mach-O in a Linux artifact fails', async () => {
    const art = await packTestArtifact(path.join(dir, 'mac', 'leaky-1.0-darwin-arm64.tar.gz'), {
      'bin/leaky': { from: mac.main },
      'lib/libfoo.1.dylib': { from: mac.foo },
    });
    const r = await check(art, 'darwin-arm64', { recipe: recipe('leaky'), host: 'linux-amd64' });
    expect(errors(r)).toEqual([
      "bin/leaky: lc-rpath /opt/homebrew/lib: points into Homebrew's prefix (/opt/homebrew), which users do not have",
      "bin/leaky: weak-dylib /opt/homebrew/lib/libopt.dylib: points into Homebrew's prefix (/opt/homebrew), which users do not have",
      'lib/libfoo.1.dylib: dylib @rpath/libextra.dylib: not found through any rpath (@loader_path/../lib (of bin/leaky))',
      'lib/libfoo.1.dylib: reexport-dylib @rpath/libextra.dylib: not found through any rpath (@loader_path/../lib (of bin/leaky))',
    ]);
    const linux = await check(art, 'linux-amd64', { recipe: recipe('leaky', [{ argv: ['true'], exitCode: 0 }]) });
    expect(errors(linux)).toEqual([
      'bin/leaky is Mach-O 64-bit arm64 executable (macOS 11.0+), not linux-amd64 code (x86_64 ELF)',
      'lib/libfoo.1.dylib is Mach-O 64-bit arm64 dylib (macOS 11.0+), not linux-amd64 code (x86_64 ELF)',
    ]);
    const x86 = await check(art, 'darwin-x86_64', { recipe: recipe('leaky'), host: 'linux-amd64' });
    expect(errors(x86)[0]).toBe('bin/leaky is Mach-O 64-bit arm64 executable (macOS 11.0+), not darwin-x86_64 code (x86_64 Mach-O)');
  });
});

async function writeExec(file: string, content: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, content, { mode: 0o755 });
  return file;
}
