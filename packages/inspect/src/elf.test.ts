import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasCode } from '@potions/core';
import { parseElf, readElfFile, setElfRunpath, type ElfInfo } from './index';
import { compileC, readelf } from './testing';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-elf-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Every field of `ElfInfo` that readelf also prints must agree with it. */
function expectSameAsReadelf(file: string, info: ElfInfo): void {
  const r = readelf(file);
  expect(info.bits).toBe(r.bits);
  expect(info.endian).toBe(r.endian);
  expect(info.interpreter).toBe(r.interpreter);
  expect(info.needed).toEqual(r.needed);
  expect(info.soname).toBe(r.soname);
  expect(info.rpath?.join(':')).toBe(r.rpath);
  expect(info.runpath?.join(':')).toBe(r.runpath);
  expect(info.type).toBe(
    r.type.startsWith('EXEC') ? 'executable' : r.type.startsWith('DYN') ? 'shared-object' : r.type.startsWith('REL') ? 'relocatable' : 'other',
  );
  expect(info.pie).toBe(r.type.includes('Position-Independent Executable'));
}

const run = (argv: string[]): string => execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('real binaries of this machine', () => {
  const libc = (): string => run(['gcc', '-print-file-name=libc.so.6']).trim();
  const libz = '/lib/x86_64-linux-gnu/libz.so.1';

  test.each([['/bin/ls'], ['libc.so.6'], [libz]])('%s reads as readelf says', async (name) => {
    const file = name === 'libc.so.6' ? libc() : name;
    const info = await readElfFile(file);
    expect(info).toBeDefined();
    expectSameAsReadelf(file, info!);
    expect(info!.arch).toBe('x86_64');
    expect(info!.machine).toBe(62);
  });

  test('/bin/ls: a dynamic program with the x86-64 loader and libc', async () => {
    const info = (await readElfFile('/bin/ls'))!;
    expect(info.interpreter).toBe('/lib64/ld-linux-x86-64.so.2');
    expect(info.needed).toContain('libc.so.6');
    expect(info.dynamic).toBe(true);
  });

  test('libc.so.6 names itself', async () => {
    expect((await readElfFile(libc()))!.soname).toBe('libc.so.6');
  });

  test('a file that is not ELF is undefined, an empty file too', async () => {
    const text = path.join(dir, 'notes.txt');
    await fs.writeFile(text, '#!/bin/sh\necho hi\n');
    const empty = path.join(dir, 'empty');
    await fs.writeFile(empty, '');
    expect(await readElfFile(text)).toBeUndefined();
    expect(await readElfFile(empty)).toBeUndefined();
  });
});

describe('fixtures for other machines, word sizes and byte orders', () => {
  const targets: [string, string, 32 | 64, 'little' | 'big'][] = [
    ['x86_64-linux-gnu', 'x86_64', 64, 'little'],
    ['i386-linux-gnu', 'i386', 32, 'little'],
    ['aarch64-linux-gnu', 'aarch64', 64, 'little'],
    ['armv7-linux-gnueabihf', 'arm', 32, 'little'],
    ['powerpc64-linux-gnu', 'powerpc64', 64, 'big'],
    ['powerpc64le-linux-gnu', 'powerpc64le', 64, 'little'],
    ['powerpc-linux-gnu', 'powerpc', 32, 'big'],
    ['mips-linux-gnu', 'mips', 32, 'big'],
    ['riscv64-linux-gnu', 'riscv64', 64, 'little'],
  ];

  test.each(targets)('%s: a library with DT_NEEDED, SONAME and RUNPATH, and one with RPATH', async (target, arch, bits, endian) => {
    const out = path.join(dir, target);
    const so = ['-nostdlib', '-shared', '-fPIC'];
    await compileC({ target, source: 'int dep(void){return 2;}', out: path.join(out, 'libdep.so'), args: [...so, '-Wl,-soname,libdep.so.1'] });
    const lib = await compileC({
      target,
      source: 'int dep(void); int f(void){return dep();}',
      out: path.join(out, 'liba.so'),
      args: [...so, '-Wl,-soname,liba.so.3', `-L${out}`, '-ldep', '-Wl,-rpath,$ORIGIN/../lib:/opt/potions/build/lib'],
    });
    const old = await compileC({
      target,
      source: 'int dep(void); int g(void){return dep();}',
      out: path.join(out, 'libold.so'),
      args: [...so, `-L${out}`, '-ldep', '-Wl,--disable-new-dtags,-rpath,/usr/local/lib'],
    });
    const info = (await readElfFile(lib))!;
    expectSameAsReadelf(lib, info);
    expect(info).toMatchObject({ arch, bits, endian, type: 'shared-object', needed: ['libdep.so.1'], soname: 'liba.so.3' });
    expect(info.runpath).toEqual(['$ORIGIN/../lib', '/opt/potions/build/lib']);
    const oldInfo = (await readElfFile(old))!;
    expectSameAsReadelf(old, oldInfo);
    expect(oldInfo.rpath).toEqual(['/usr/local/lib']);
    expect(oldInfo.runpath).toBeUndefined();
  });

  test('a static, non-PIE program and a relocatable object', async () => {
    const exe = await compileC({ source: 'void _start(void){for(;;);}', out: path.join(dir, 'static', 'prog'), args: ['-nostdlib', '-static', '-no-pie'] });
    const info = (await readElfFile(exe))!;
    expectSameAsReadelf(exe, info);
    expect(info).toMatchObject({ type: 'executable', dynamic: false, needed: [], pie: false });
    const obj = path.join(dir, 'static', 'x.o');
    await fs.writeFile(`${obj}.c`, 'int x;');
    run(['clang', '-c', '-o', obj, `${obj}.c`]);
    expect((await readElfFile(obj))!.type).toBe('relocatable');
  });
});

describe('truncated and hostile files', () => {
  let sample: Buffer;
  beforeAll(async () => {
    const lib = await compileC({
      source: 'int dep(void); int f(void){return dep();}',
      out: path.join(dir, 'hostile', 'liba.so'),
      args: ['-nostdlib', '-shared', '-fPIC', '-Wl,--allow-shlib-undefined', '-Wl,-rpath,/opt/x', '-Wl,-soname,liba.so'],
    });
    sample = await fs.readFile(lib);
  });

  /** Parsing returns an answer or E_INSPECT_MALFORMED, never anything else. */
  function parsesOrMalformed(bytes: Uint8Array): 'ok' | 'malformed' {
    try {
      parseElf(bytes, 'sample.so');
      return 'ok';
    } catch (err) {
      if (!hasCode(err, 'E_INSPECT_MALFORMED')) throw err;
      expect((err as Error).message).toContain('sample.so');
      return 'malformed';
    }
  }

  test('every truncation is malformed until the dynamic strings are whole', () => {
    const seen = new Set<string>();
    for (let n = 0; n < sample.length; n += n < 512 ? 1 : 13) seen.add(parsesOrMalformed(sample.subarray(0, n)));
    expect(seen).toContain('malformed');
    expect(parsesOrMalformed(sample.subarray(0, 63))).toBe('malformed');
  });

  test('random byte changes in the headers and dynamic array never crash', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const outcomes = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const copy = Buffer.from(sample);
      for (let k = 0; k < 1 + rand(4); k++) copy[rand(Math.min(copy.length, 4096))] = rand(256);
      outcomes.add(parsesOrMalformed(copy));
    }
    expect(outcomes).toEqual(new Set(['ok', 'malformed']));
  });

  test('garbage after the magic, a lying class, a program header table past the end', () => {
    const garbage = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(200, 0xff)]);
    expect(parsesOrMalformed(garbage)).toBe('malformed');
    const badClass = Buffer.from(sample);
    badClass[4] = 9;
    expect(() => parseElf(badClass, 'x')).toThrow(/EI_CLASS is 9/);
    const manyHeaders = Buffer.from(sample);
    manyHeaders.writeUInt16LE(0xfffe, 56); // e_phnum
    expect(() => parseElf(manyHeaders, 'x')).toThrow(/program header table \(65534 entries\).*outside the file/);
  });

  test('a string without its NUL is malformed, not read past the table', () => {
    const info = parseElf(sample);
    expect(info.runpath).toEqual(['/opt/x']);
    const at = sample.indexOf('/opt/x\0');
    const copy = Buffer.from(sample);
    // Fill from the runpath to the end of the string table's segment with non-NUL bytes.
    copy.fill(0x41, at, at + 64);
    expect(() => parseElf(copy, 'cut.so')).toThrow(/cut\.so is not a valid ELF file/);
  });
});

describe('setElfRunpath', () => {
  const placeholder = '/opt/potions/build/work-0123456789abcdef0123456789abcdef/lib';

  /** bin/hello linked to lib/libgreet.so with a build-machine search path. */
  async function helloTree(name: string, linkArgs: string[]): Promise<{ root: string; hello: string }> {
    const root = path.join(dir, name);
    const lib = await compileC({
      source: '#include <stdio.h>\nvoid greet(void){puts("hello from libgreet");}',
      out: path.join(root, 'lib', 'libgreet.so'),
      args: ['-shared', '-fPIC', '-Wl,-soname,libgreet.so'],
    });
    const hello = await compileC({
      source: 'void greet(void); int main(void){greet(); return 0;}',
      out: path.join(root, 'bin', 'hello'),
      args: [`-L${path.dirname(lib)}`, '-lgreet', ...linkArgs],
    });
    return { root, hello };
  }

  test('rewrites RUNPATH to $ORIGIN/../lib: readelf agrees, the program runs, the mode and the rest stay', async () => {
    const { hello } = await helloTree('rewrite', [`-Wl,-rpath,${placeholder}`]);
    await fs.chmod(hello, 0o750);
    expect(() => run([hello])).toThrow(/libgreet\.so/);
    const before = await fs.readFile(hello);
    const entries = readelf(hello).dynamicEntries;

    await expect(setElfRunpath(hello, '$ORIGIN/../lib')).resolves.toEqual({ previous: placeholder });

    const after = await fs.readFile(hello);
    expect(readelf(hello)).toMatchObject({ runpath: '$ORIGIN/../lib', rpath: undefined, needed: ['libgreet.so', 'libc.so.6'], dynamicEntries: entries });
    expect(run([hello])).toBe('hello from libgreet\n');
    expect((await fs.stat(hello)).mode & 0o777).toBe(0o750);
    expect(after.length).toBe(before.length);
    expect(after.includes(placeholder)).toBe(false);
    // Only the string's bytes changed.
    const changed = [...after.keys()].filter((i) => after[i] !== before[i]);
    const at = before.indexOf(placeholder);
    expect(changed.every((i) => i >= at && i < at + placeholder.length)).toBe(true);
    expect(await fs.readdir(path.dirname(hello))).toEqual(['hello']);
  });

  test('DT_RPATH becomes DT_RUNPATH', async () => {
    const { hello } = await helloTree('rpath', [`-Wl,--disable-new-dtags,-rpath,${placeholder}`]);
    expect(readelf(hello).rpath).toBe(placeholder);
    await expect(setElfRunpath(hello, '$ORIGIN/../lib')).resolves.toEqual({ previous: placeholder });
    expect(readelf(hello)).toMatchObject({ runpath: '$ORIGIN/../lib', rpath: undefined });
    expect(run([hello])).toBe('hello from libgreet\n');
  });

  test("'' removes the entry and its string", async () => {
    const { hello } = await helloTree('remove', [`-Wl,-rpath,${placeholder}`]);
    const entries = readelf(hello).dynamicEntries;
    await expect(setElfRunpath(hello, '')).resolves.toEqual({ previous: placeholder });
    const r = readelf(hello);
    expect(r).toMatchObject({ runpath: undefined, rpath: undefined, needed: ['libgreet.so', 'libc.so.6'] });
    expect(r.dynamicEntries).toBe(entries - 1);
    expect((await fs.readFile(hello)).includes(placeholder)).toBe(false);
    expect(() => run([hello])).toThrow(/libgreet\.so/);
    // Removing what is not there is nothing to do.
    await expect(setElfRunpath(hello, '')).resolves.toEqual({});
  });

  test('big-endian and 32-bit files are rewritten in their own byte order', async () => {
    for (const target of ['powerpc64-linux-gnu', 'mips-linux-gnu', 'i386-linux-gnu']) {
      const lib = await compileC({
        target,
        source: 'int f(void){return 1;}',
        out: path.join(dir, 'endian', target, 'liba.so'),
        args: ['-nostdlib', '-shared', '-fPIC', `-Wl,--disable-new-dtags,-rpath,${placeholder}`],
      });
      await setElfRunpath(lib, '$ORIGIN');
      expect(readelf(lib)).toMatchObject({ runpath: '$ORIGIN', rpath: undefined });
      expect(parseElf(await fs.readFile(lib)).runpath).toEqual(['$ORIGIN']);
    }
  });

  test('no room: a longer string, no entry at all, or bytes shared with another string; the file is untouched', async () => {
    const { hello } = await helloTree('noroom', ['-Wl,-rpath,/short']);
    const before = await fs.readFile(hello);
    const err = await setElfRunpath(hello, '$ORIGIN/../lib').catch((e: unknown) => e);
    expect(hasCode(err, 'E_INSPECT_RUNPATH_NO_ROOM')).toBe(true);
    expect((err as Error).message).toMatch(/hello: the new RUNPATH \(14 bytes.*old one \(6 bytes/);
    expect(await fs.readFile(hello)).toEqual(before);

    const bare = await helloTree('bare', []);
    await expect(setElfRunpath(bare.hello, '$ORIGIN')).rejects.toMatchObject({
      code: 'E_INSPECT_RUNPATH_NO_ROOM',
      message: expect.stringMatching(/has no DT_RUNPATH or DT_RPATH entry.*old length 0, new length 7/),
    });

    // lld keeps one copy of equal strings: this RUNPATH is also the DT_NEEDED name.
    const out = path.join(dir, 'shared');
    const so = ['-nostdlib', '-shared', '-fPIC'];
    await compileC({ source: 'int dep(void){return 2;}', out: path.join(out, 'libdep.so'), args: [...so, '-Wl,-soname,libdep.so.1'] });
    const same = await compileC({
      source: 'int dep(void); int f(void){return dep();}',
      out: path.join(out, 'same.so'),
      args: [...so, `-L${out}`, '-ldep', '-Wl,-rpath,libdep.so.1'],
    });
    // GNU ld merges tails: the symbol name "dep" ends this RUNPATH.
    const tail = path.join(out, 'tail.so');
    await fs.writeFile(`${tail}.c`, 'int dep(void); int f(void){return dep();}');
    run(['clang', '-fuse-ld=bfd', ...so, '-o', tail, `${tail}.c`, `-L${out}`, '-ldep', '-Wl,-rpath,/opt/dep']);
    for (const file of [same, tail]) {
      const bytes = await fs.readFile(file);
      await expect(setElfRunpath(file, '/x')).rejects.toMatchObject({ code: 'E_INSPECT_RUNPATH_NO_ROOM', message: expect.stringContaining('shared with another string') });
      expect(await fs.readFile(file)).toEqual(bytes);
    }
  });

  test('a symbolic link is followed; a file that is not ELF is refused', async () => {
    const { root, hello } = await helloTree('link', [`-Wl,-rpath,${placeholder}`]);
    const link = path.join(root, 'hello-link');
    await fs.symlink(hello, link);
    await setElfRunpath(link, '$ORIGIN/../lib');
    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    expect(readelf(hello).runpath).toBe('$ORIGIN/../lib');
    const text = path.join(root, 'readme');
    await fs.writeFile(text, 'hello');
    await expect(setElfRunpath(text, '$ORIGIN')).rejects.toMatchObject({ code: 'E_INSPECT_MALFORMED' });
  });
});
