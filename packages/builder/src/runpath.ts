import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PotionsError, type Platform, type RunpathEntry } from '@potions/core';
import { captureOutput, type Exec } from '@potions/core';

type RunpathChange = RunpathEntry;

export interface RunpathOptions {
  /** The staged prefix: the artifact's root. */
  root: string;
  /** Dependencies' extracted prefixes, installed as siblings (`<root>/../<name>`) by users. */
  dependencies: readonly { name: string; prefix: string }[];
  /** Paths that must not stay in a search path (the work folder, the fixed prefix). */
  forbidden: string[];
  exec: Exec;
  env: Record<string, string>;
  platformOs: 'linux' | 'darwin';
  host: Platform | undefined;
}

const LIB_DIRS = ['lib', 'lib64'];

async function walkFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walkFiles(root, r)));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

async function readMagic(file: string): Promise<Buffer> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, 0);
    return buf;
  } finally {
    await fh.close();
  }
}

const isElf = (m: Buffer): boolean => m[0] === 0x7f && m[1] === 0x45 && m[2] === 0x4c && m[3] === 0x46;
const MACHO = new Set(['feedfacf', 'cffaedfe', 'feedface', 'cefaedfe', 'cafebabe']);
const isMachO = (m: Buffer): boolean => MACHO.has(m.toString('hex'));

async function libNames(dir: string): Promise<Set<string>> {
  const names = new Set<string>();
  for (const sub of LIB_DIRS) {
    try {
      for (const n of await fs.readdir(path.join(dir, sub))) names.add(`${sub}/${n}`);
    } catch {
      // no such folder
    }
  }
  return names;
}

/**
 * Make the programs and libraries of an artifact find their own libraries
 * (and those of dependencies installed beside it) relative to themselves:
 * ELF files get `RUNPATH $ORIGIN/../lib` (with patchelf), Mach-O files an
 * `@loader_path/../lib` rpath and `@rpath/` install names (install_name_tool,
 * only on macOS). Absolute search paths into the build folder or the fixed
 * prefix are dropped.
 */
export async function fixRunpaths(opts: RunpathOptions): Promise<RunpathChange[]> {
  const own = await libNames(opts.root);
  const depLibs = await Promise.all(opts.dependencies.map(async (d) => ({ dep: d, libs: await libNames(d.prefix) })));
  const changes: RunpathChange[] = [];
  for (const rel of await walkFiles(opts.root)) {
    const file = path.join(opts.root, rel);
    const magic = await readMagic(file);
    if (opts.platformOs === 'linux' && isElf(magic)) {
      const change = await fixElf(opts, rel, file, own, depLibs);
      if (change) changes.push(change);
    } else if (opts.platformOs === 'darwin' && isMachO(magic) && process.platform === 'darwin') {
      const change = await fixMachO(opts, rel, file, own);
      if (change) changes.push(change);
    }
  }
  return changes;
}

const originPath = (rel: string): string => (rel ? `$ORIGIN/${rel}` : '$ORIGIN');

async function patchelf(opts: RunpathOptions, args: string[]): Promise<string | undefined> {
  return captureOutput(opts.exec, ['patchelf', ...args], opts.env, opts.root);
}

async function fixElf(
  opts: RunpathOptions,
  rel: string,
  file: string,
  own: Set<string>,
  depLibs: { dep: { name: string; prefix: string }; libs: Set<string> }[],
): Promise<RunpathChange | undefined> {
  const needed = await patchelf(opts, ['--print-needed', file]);
  if (needed === undefined) {
    // Not a dynamic object (static program, object file) or patchelf is missing.
    const probe = await captureOutput(opts.exec, ['patchelf', '--version'], opts.env, opts.root);
    if (probe === undefined) {
      throw new PotionsError('E_PATCHELF_MISSING', 'patchelf is needed to set RUNPATH on ELF files but is not installed (apt-get install patchelf)');
    }
    return undefined;
  }
  const current = ((await patchelf(opts, ['--print-rpath', file])) ?? '').trim();
  const names = needed.split('\n').map((s) => s.trim()).filter(Boolean);
  const fromDir = path.posix.dirname(rel);
  const wanted: string[] = [];
  const add = (p: string): void => {
    if (!wanted.includes(p)) wanted.push(p);
  };
  for (const n of names) {
    for (const sub of LIB_DIRS) {
      if (own.has(`${sub}/${n}`)) add(originPath(path.posix.relative(fromDir, sub)));
    }
    for (const { dep, libs } of depLibs) {
      for (const sub of LIB_DIRS) {
        if (libs.has(`${sub}/${n}`)) add(originPath(path.posix.relative(fromDir, `../${dep.name}/${sub}`)));
      }
    }
  }
  const keep = current
    .split(':')
    .filter(Boolean)
    .filter((p) => !p.startsWith('$ORIGIN') && !opts.forbidden.some((f) => p === f || p.startsWith(`${f}/`)));
  const next = [...wanted, ...keep].join(':');
  if (next === current) return undefined;
  if (next === '') {
    await patchelf(opts, ['--remove-rpath', file]);
  } else {
    const ok = await patchelf(opts, ['--set-rpath', next, file]);
    if (ok === undefined) throw new PotionsError('E_PATCHELF', `patchelf could not set the RUNPATH of ${rel}`);
  }
  return { file: rel, runpath: next };
}

async function fixMachO(opts: RunpathOptions, rel: string, file: string, own: Set<string>): Promise<RunpathChange | undefined> {
  // Untested here (no macOS): give own libraries an @rpath install name, point
  // references to them at @rpath, and add @loader_path/<to lib> as an rpath.
  const listing = await captureOutput(opts.exec, ['otool', '-L', file], opts.env, opts.root);
  if (!listing) return undefined;
  const fromDir = path.posix.dirname(rel);
  const args: string[] = [];
  for (const line of listing.split('\n').slice(1)) {
    const ref = line.trim().split(' (')[0];
    if (!ref) continue;
    const base = path.posix.basename(ref);
    if (own.has(`lib/${base}`) && !ref.startsWith('@')) args.push('-change', ref, `@rpath/${base}`);
  }
  if (rel.startsWith('lib/') && /\.dylib$/.test(rel)) args.push('-id', `@rpath/${path.posix.basename(rel)}`);
  const rpath = `@loader_path/${path.posix.relative(fromDir, 'lib') || '.'}`;
  if (args.length === 0) return undefined;
  args.push('-add_rpath', rpath);
  await captureOutput(opts.exec, ['install_name_tool', ...args, file], opts.env, opts.root);
  return { file: rel, runpath: rpath };
}
