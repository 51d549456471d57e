import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasCode } from '@potions/core';
import { arMembers } from './ar';
import { identifyFile } from './identify';
import { compileC, lipo, llvmTool, macTarget } from './testing';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-identify-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function object(target: string, name: string): Promise<string> {
  const out = path.join(dir, name);
  execFileSync('clang', [`--target=${target}`, '-c', '-o', out, '-x', 'c', '-'], { input: 'int f(void){return 1;}' });
  return out;
}

test('static libraries: GNU ar with long member names, BSD ar of Mach-O objects, and a universal one', async () => {
  const long = await object('x86_64-linux-gnu', 'a-rather-long-object-name.o');
  const short = await object('x86_64-linux-gnu', 'b.o');
  const gnu = path.join(dir, 'libgnu.a');
  execFileSync('ar', ['rcs', gnu, long, short]);
  expect(arMembers(await fs.readFile(gnu), gnu).map((m) => m.name)).toEqual(['a-rather-long-object-name.o', 'b.o']);
  expect(await identifyFile(gnu)).toMatchObject({ kind: 'static-library', description: 'ar archive of 2 × ELF 64-bit LSB x86_64 relocatable object', platforms: ['linux-amd64'] });

  const libs: string[] = [];
  for (const arch of ['arm64', 'x86_64'] as const) {
    const obj = await object(macTarget(arch), `mac-${arch}-with-a-long-name.o`);
    const lib = path.join(dir, `libmac-${arch}.a`);
    execFileSync(llvmTool('llvm-ar'), ['--format=darwin', 'rcs', lib, obj]);
    expect(arMembers(await fs.readFile(lib), lib).map((m) => m.name)).toEqual([`mac-${arch}-with-a-long-name.o`]);
    expect(await identifyFile(lib)).toMatchObject({ kind: 'static-library', description: `ar archive of 1 × Mach-O 64-bit ${arch} object (macOS 11.0+)` });
    libs.push(lib);
  }
  const fat = lipo(path.join(dir, 'libmac.a'), libs);
  expect(await identifyFile(fat)).toMatchObject({
    kind: 'static-library',
    format: 'mach-o',
    description: 'Mach-O universal (x86_64, arm64) archive',
    platforms: ['darwin-x86_64', 'darwin-arm64'],
  });
});

test('scripts, data, and a damaged archive member', async () => {
  const script = path.join(dir, 'run');
  await fs.writeFile(script, '#!/usr/bin/env  python3 -u\nprint(1)\n');
  expect(await identifyFile(script)).toMatchObject({ kind: 'script', shebang: { interpreter: '/usr/bin/env', argument: 'python3 -u' }, code: false });
  const data = path.join(dir, 'data.bin');
  await fs.writeFile(data, Buffer.from([0x7f, 0x45, 0x4c]));
  expect(await identifyFile(data)).toMatchObject({ kind: 'other', format: 'data', code: false });
  const lib = await compileC({ source: 'int f(void){return 1;}', out: path.join(dir, 'x.so'), args: ['-shared', '-fPIC'] });
  const cut = path.join(dir, 'libcut.a');
  const body = (await fs.readFile(lib)).subarray(0, 100);
  const header = Buffer.from(`${'x.o/'.padEnd(16)}${'0'.padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'644'.padEnd(8)}${String(body.length).padEnd(10)}\`\n`, 'latin1');
  await fs.writeFile(cut, Buffer.concat([Buffer.from('!<arch>\n'), header, body]));
  const err = await identifyFile(cut, 'lib/libcut.a').catch((e: unknown) => e);
  expect(hasCode(err, 'E_INSPECT_MALFORMED')).toBe(true);
  expect((err as Error).message).toMatch(/^lib\/libcut\.a\(x\.o\) is not a valid ELF file/);
  const lying = path.join(dir, 'liblying.a');
  await fs.writeFile(lying, Buffer.concat([Buffer.from('!<arch>\n'), Buffer.from(header.toString('latin1').replace('100 ', '9999'), 'latin1'), body]));
  await expect(identifyFile(lying, 'liblying.a')).rejects.toThrow(/member "x.o\/" \(offset 68, 9999 bytes\) lies outside the file/);
});
