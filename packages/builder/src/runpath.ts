/**
 * Library search paths relative to the program. Two halves:
 *
 * - at link time, every build type is told to link with `linkTimeRunpath`
 *   (`$ORIGIN/../lib` and the dependencies' folders beside the artifact), each
 *   in the words of its build system (see `environment.ts`, `build-steps.ts`);
 * - after install, `fixRunpaths` reads every ELF file of the staged prefix
 *   in-process (`@potions/inspect`) and rewrites its RUNPATH to exactly the
 *   folders its DT_NEEDED libraries are in, dropping paths into the work
 *   folder or the fixed prefix. The link-time path is the room: the rewrite is
 *   in place and never needs patchelf. patchelf is used only when a link gave
 *   a file no room (it ignored every flag) and patchelf is installed.
 *
 * Mach-O files (macOS) get `@rpath` install names and an `@loader_path` rpath
 * with `install_name_tool`, on macOS only.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError, captureOutput, errorMessage, hasCode, isUserError, type Exec, type Platform, type Reporter, type RunpathEntry } from '@potions/core';
import { InspectErrorCode, readElfFile, setElfRunpath, type ElfInfo } from '@potions/inspect';
import { BuilderErrorCode } from './errors';
import { HOST_TOOLS, installCommand } from './host-tools';

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
  reporter?: Reporter;
}

const LIB_DIRS = ['lib', 'lib64'];

/**
 * The search path every program and library is linked with: its artifact's
 * `lib`, then each dependency's `lib` as installed beside it
 * (`<root>/<name>` next to `<root>/<dependency>`). From `bin/` and `lib/`
 * alike, `$ORIGIN/../lib` is the artifact's `lib`.
 */
export function linkTimeRunpath(dependencies: readonly { name: string }[]): string[] {
  return ['$ORIGIN/../lib', ...dependencies.map((d) => `$ORIGIN/../../${d.name}/lib`)];
}

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
 * Give every program and library of the artifact the search path it needs
 * (see the top of this file). Returns the search path of every file that
 * has one afterwards, for the metadata.
 */
export async function fixRunpaths(opts: RunpathOptions): Promise<RunpathEntry[]> {
  const own = await libNames(opts.root);
  const depLibs = await Promise.all(opts.dependencies.map(async (d) => ({ dep: d, libs: await libNames(d.prefix) })));
  const out: RunpathEntry[] = [];
  for (const rel of await walkFiles(opts.root)) {
    const file = path.join(opts.root, rel);
    if (opts.platformOs === 'linux') {
      const runpath = await fixElf(opts, rel, file, own, depLibs);
      if (runpath) out.push({ file: rel, runpath });
    } else if (process.platform === 'darwin' && isMachO(await readMagic(file))) {
      const change = await fixMachO(opts, rel, file, own);
      if (change) out.push(change);
    }
  }
  return out;
}

const originPath = (rel: string): string => (rel ? `$ORIGIN/${rel}` : '$ORIGIN');

/** The folders, relative to the file, that hold the libraries it needs from its artifact and its dependencies. */
function wantedRunpath(rel: string, info: ElfInfo, own: Set<string>, depLibs: { dep: { name: string }; libs: Set<string> }[]): string[] {
  const fromDir = path.posix.dirname(rel);
  const wanted: string[] = [];
  const add = (p: string): void => {
    if (!wanted.includes(p)) wanted.push(p);
  };
  for (const n of info.needed) {
    for (const sub of LIB_DIRS) {
      if (own.has(`${sub}/${n}`)) add(originPath(path.posix.relative(fromDir, sub)));
    }
    for (const { dep, libs } of depLibs) {
      for (const sub of LIB_DIRS) {
        if (libs.has(`${sub}/${n}`)) add(originPath(path.posix.relative(fromDir, `../${dep.name}/${sub}`)));
      }
    }
  }
  return wanted;
}

/** The new RUNPATH of one ELF file, written in place; returns it ('' or undefined: none). */
async function fixElf(
  opts: RunpathOptions,
  rel: string,
  file: string,
  own: Set<string>,
  depLibs: { dep: { name: string }; libs: Set<string> }[],
): Promise<string | undefined> {
  let info: ElfInfo | undefined;
  try {
    info = await readElfFile(file);
  } catch (err) {
    if (!hasCode(err, InspectErrorCode.Malformed)) throw err;
    opts.reporter?.warn(`${rel} starts like an ELF file but cannot be read (${errorMessage(err)}); its search path is left as it is`);
    return undefined;
  }
  if (!info?.dynamic) return undefined; // not ELF, or a static program
  const current = info.runpath ?? info.rpath ?? [];
  // Absolute paths a build chose on purpose stay (after ours); paths into the
  // work folder or the fixed prefix, relative paths and whatever the link
  // made of `$ORIGIN` (an escaping that did not survive) go.
  const keep = current.filter((p) => p.startsWith('/') && !opts.forbidden.some((f) => p === f || p.startsWith(`${f}/`)));
  const next = [...wantedRunpath(rel, info, own, depLibs), ...keep].join(':');
  if (next === current.join(':')) return next || undefined;
  try {
    await setElfRunpath(file, next);
  } catch (err) {
    if (!hasCode(err, InspectErrorCode.RunpathNoRoom)) throw err;
    await setWithPatchelf(opts, rel, file, next, err);
  }
  return next || undefined;
}

/** The rare link that left no room: patchelf when installed, else an error naming the file and the fixes. */
async function setWithPatchelf(opts: RunpathOptions, rel: string, file: string, runpath: string, cause: unknown): Promise<void> {
  const ok = await captureOutput(opts.exec, ['patchelf', '--set-rpath', runpath, file], opts.env, opts.root);
  if (ok !== undefined) return;
  const patchelf = HOST_TOOLS.find((t) => t.tool === 'patchelf');
  const install = patchelf ? installCommand(patchelf, opts.host) : undefined;
  throw new UserError(
    BuilderErrorCode.Runpath,
    `${rel} needs the library search path ${runpath}, but it was linked without room for one (${isUserError(cause) ? cause.message : errorMessage(cause)})`,
    {
      cause,
      hint: `link it with $LDFLAGS (the builder puts -Wl,-rpath there) or without overriding LD_RUN_PATH; or install patchelf${install ? ` (${install})` : ''}, which the builder then uses`,
    },
  );
}

async function fixMachO(opts: RunpathOptions, rel: string, file: string, own: Set<string>): Promise<RunpathEntry | undefined> {
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
