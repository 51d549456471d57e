/**
 * Test helpers other packages may use (`@potions/inspect/testing`): build
 * small ELF fixtures with clang/lld, and read what binutils' `readelf` says
 * about a file (the oracle the parser is checked against).
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';

const C_ENV = { ...process.env, LC_ALL: 'C' };

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
