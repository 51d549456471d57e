import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasCode } from '@potions/core';
import { parseMachO, type MachOSlice } from './macho';
import { REAL_BINARIES, compileC, fakeLibSystem, lipo, macTarget, objdumpMachO, realBinary } from './testing';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-macho-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const FILETYPE_WORDS: Record<string, string> = { EXECUTE: 'executable', DYLIB: 'dylib', BUNDLE: 'bundle', OBJECT: 'object' };
const CPU_WORDS: Record<string, string> = { X86_64: 'x86_64', ARM64: 'arm64' };
const LC_KIND: Record<string, string> = {
  LC_LOAD_DYLIB: 'load',
  LC_LOAD_WEAK_DYLIB: 'weak',
  LC_REEXPORT_DYLIB: 'reexport',
  LC_LAZY_LOAD_DYLIB: 'lazy',
  LC_LOAD_UPWARD_DYLIB: 'upward',
};

/** The slice must say what llvm-objdump says about it. */
function expectSameAsObjdump(file: string, slice: MachOSlice, arch?: string): void {
  const o = objdumpMachO(file, arch);
  expect(slice.arch).toBe(CPU_WORDS[o.cputype]);
  expect(slice.filetype).toBe(FILETYPE_WORDS[o.filetype]);
  expect(slice.id).toBe(o.id);
  expect(slice.dylibs).toEqual(o.dylibCommands.map((c) => ({ name: c.name, kind: LC_KIND[c.cmd] })));
  expect([...(slice.id ? [slice.id] : []), ...slice.dylibs.map((d) => d.name)]).toEqual(o.dylibsUsed);
  expect(slice.rpaths).toEqual(o.rpaths);
  expect(slice.minOs?.version).toBe(o.minos?.replace(/\.0$/, '.0'));
}

describe('real Mach-O files from npm', () => {
  test.each([
    ['esbuild darwin-x64', REAL_BINARIES.esbuildDarwinX64, 'x86_64', 'executable'],
    ['esbuild darwin-arm64', REAL_BINARIES.esbuildDarwinArm64, 'arm64', 'executable'],
    ['rollup darwin-x64', REAL_BINARIES.rollupDarwinX64, 'x86_64', 'dylib'],
    ['rollup darwin-arm64', REAL_BINARIES.rollupDarwinArm64, 'arm64', 'dylib'],
  ] as const)('%s reads as llvm-objdump says', async (_label, fixture, arch, filetype) => {
    const file = await realBinary(fixture);
    const info = parseMachO(await fs.readFile(file), file);
    expect(info.fat).toBe(false);
    expect(info.slices).toHaveLength(1);
    expect(info.slices[0]).toMatchObject({ arch, filetype, bits: 64, endian: 'little' });
    expectSameAsObjdump(file, info.slices[0]!);
  });

  test('esbuild links libSystem and asks for macOS 12.0; rollup names itself after a build machine folder', async () => {
    const esbuild = parseMachO(await fs.readFile(await realBinary(REAL_BINARIES.esbuildDarwinArm64))).slices[0]!;
    expect(esbuild.dylibs.map((d) => d.name)).toContain('/usr/lib/libSystem.B.dylib');
    expect(esbuild.minOs).toEqual({ os: 'macos', version: '12.0' });
    expect(esbuild.dylinker).toBe('/usr/lib/dyld');
    const rollup = parseMachO(await fs.readFile(await realBinary(REAL_BINARIES.rollupDarwinX64))).slices[0]!;
    expect(rollup.id).toMatch(/^\/Users\/runner\/work\/rollup\//);
    // LC_VERSION_MIN_MACOSX, not LC_BUILD_VERSION, in this one.
    expect(rollup.minOs).toEqual({ os: 'macos', version: '10.13' });
  });

  test('fsevents.node is universal: each slice reads as llvm-objdump --arch says', async () => {
    const file = await realBinary(REAL_BINARIES.fsevents);
    const info = parseMachO(await fs.readFile(file), file);
    expect(info.fat).toBe(true);
    expect(info.slices.map((s) => s.arch)).toEqual(['x86_64', 'arm64']);
    for (const s of info.slices) {
      expect(s.filetype).toBe('bundle');
      expectSameAsObjdump(file, s, s.arch);
    }
    expect(info.slices[0]!.offset).toBe(16384);
  });
});

interface MacFixtures {
  main: string;
  foo: string;
  old: string;
}

/** Per architecture: a program linked to a library (which re-exports another) and, weakly, to a Homebrew library. */
async function buildMacFixtures(d: string, arch: 'arm64' | 'x86_64'): Promise<MacFixtures> {
  const sys = await fakeLibSystem(d, arch);
  const T = macTarget(arch);
  const dylib = ['-nostdlib', '-shared', sys];
  const extra = await compileC({ target: T, source: 'int extra(void){return 4;}', out: path.join(d, 'libextra.dylib'), args: [...dylib, '-Wl,-install_name,@rpath/libextra.dylib'] });
  const weak = await compileC({ target: T, source: 'int opt(void){return 5;}', out: path.join(d, 'libopt.dylib'), args: [...dylib, '-Wl,-install_name,/opt/homebrew/lib/libopt.dylib'] });
  const foo = await compileC({
    target: T,
    source: 'int foo(void){return 3;}',
    out: path.join(d, 'libfoo.dylib'),
    args: [...dylib, '-Wl,-install_name,@rpath/libfoo.1.dylib', `-Wl,-reexport_library,${extra}`],
  });
  const main = await compileC({
    target: T,
    source: 'int foo(void); int opt(void) __attribute__((weak_import)); int main(void){return foo() + (opt ? opt() : 0);}',
    out: path.join(d, 'main'),
    // -L: where ld64.lld finds the re-exported @rpath/libextra.dylib.
    args: ['-nostdlib', `-L${d}`, foo, sys, `-Wl,-weak_library,${weak}`, '-Wl,-rpath,@loader_path/../lib', '-Wl,-rpath,/opt/homebrew/lib'],
  });
  const old = await compileC({ target: macTarget(arch, '10.12'), source: 'int f(void){return 1;}', out: path.join(d, 'old.dylib'), args: ['-nostdlib', '-shared'] });
  return { main, foo, old };
}

describe('fixtures built with clang and ld64.lld', () => {
  const built: Partial<Record<'arm64' | 'x86_64', MacFixtures>> = {};
  let universal: string;
  beforeAll(async () => {
    for (const arch of ['arm64', 'x86_64'] as const) built[arch] = await buildMacFixtures(path.join(dir, arch), arch);
    universal = lipo(path.join(dir, 'main-universal'), [built.arm64!.main, built.x86_64!.main]);
  });

  test.each(['arm64', 'x86_64'] as const)('%s: a program with rpaths, weak and re-exported libraries', async (arch) => {
    const { main, foo, old } = built[arch]!;
    const info = parseMachO(await fs.readFile(main), main).slices[0]!;
    expectSameAsObjdump(main, info);
    expect(info.rpaths).toEqual(['@loader_path/../lib', '/opt/homebrew/lib']);
    expect(info.dylibs).toEqual(
      expect.arrayContaining([
        { name: '@rpath/libfoo.1.dylib', kind: 'load' },
        { name: '/opt/homebrew/lib/libopt.dylib', kind: 'weak' },
      ]),
    );
    expect(info.minOs).toEqual({ os: 'macos', version: '11.0' });
    const lib = parseMachO(await fs.readFile(foo), foo).slices[0]!;
    expectSameAsObjdump(foo, lib);
    expect(lib.dylibs).toContainEqual({ name: '@rpath/libextra.dylib', kind: 'reexport' });
    const oldInfo = parseMachO(await fs.readFile(old)).slices[0]!;
    expectSameAsObjdump(old, oldInfo);
    expect(oldInfo.minOs?.version).toBe(arch === 'arm64' ? '11.0' : '10.12');
  });

  test('a universal file built with llvm-lipo holds both slices, each as objdump reads it', async () => {
    const info = parseMachO(await fs.readFile(universal), universal);
    expect(info.fat).toBe(true);
    expect(info.slices.map((s) => s.arch).sort()).toEqual(['arm64', 'x86_64']);
    for (const s of info.slices) expectSameAsObjdump(universal, s, s.arch);
  });
});

describe('truncated and hostile Mach-O files', () => {
  let sample: Buffer;
  let fat: Buffer;
  beforeAll(async () => {
    const arm = await buildMacFixtures(path.join(dir, 'hostile-arm64'), 'arm64');
    const x86 = await buildMacFixtures(path.join(dir, 'hostile-x86_64'), 'x86_64');
    sample = await fs.readFile(arm.main);
    fat = await fs.readFile(lipo(path.join(dir, 'hostile-universal'), [arm.main, x86.main]));
  });

  function parsesOrMalformed(bytes: Uint8Array): 'ok' | 'malformed' {
    try {
      parseMachO(bytes, 'sample');
      return 'ok';
    } catch (err) {
      if (!hasCode(err, 'E_INSPECT_MALFORMED')) throw err;
      expect((err as Error).message).toMatch(/^sample is not a valid Mach-O file: /);
      return 'malformed';
    }
  }

  test('every cut through the header and load commands is malformed, never a crash', () => {
    const sizeofcmds = sample.readUInt32LE(20);
    for (let n = 0; n < 32 + sizeofcmds; n++) expect(parsesOrMalformed(sample.subarray(0, n))).toBe('malformed');
    expect(parsesOrMalformed(sample.subarray(0, 32 + sizeofcmds))).toBe('ok');
    for (let n = 0; n < fat.length; n += 97) parsesOrMalformed(fat.subarray(0, n));
  });

  test('random byte changes never crash', () => {
    let seed = 99;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const outcomes = new Set<string>();
    for (const base of [sample, fat]) {
      for (let i = 0; i < 2000; i++) {
        const copy = Buffer.from(base);
        for (let k = 0; k < 1 + rand(4); k++) copy[rand(Math.min(copy.length, 2048))] = rand(256);
        outcomes.add(parsesOrMalformed(copy));
      }
    }
    expect(outcomes).toEqual(new Set(['ok', 'malformed']));
  });

  test('lying counts and offsets are refused before anything is allocated', () => {
    const many = Buffer.from(sample);
    many.writeUInt32LE(0x7fffffff, 16); // ncmds
    expect(() => parseMachO(many, 'x')).toThrow(/ncmds is 2147483647/);
    const far = Buffer.from(fat);
    far.writeUInt32BE(0xfffffff0, 8 + 8); // first slice's offset
    expect(() => parseMachO(far, 'x')).toThrow(/universal slice 0 .* lies outside the file/);
    const badName = Buffer.from(sample);
    const at = badName.indexOf('@rpath/libfoo.1.dylib');
    badName.fill(0x41, at, at + 40); // the name runs into the next command without a NUL
    expect(parsesOrMalformed(badName)).toBe('malformed');
  });

  test('a Java class file (also 0xCAFEBABE) is not taken for a universal binary', () => {
    const cls = Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x41, 0, 0, 0, 0]);
    expect(() => parseMachO(cls, 'A.class')).toThrow(/does not start with a Mach-O or universal magic/);
  });
});
