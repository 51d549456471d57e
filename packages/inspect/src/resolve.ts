/**
 * Resolve every runtime dependency of one file the way the platform's loader
 * would, inside the extracted artifact: ELF (PT_INTERP, DT_NEEDED through
 * DT_RUNPATH / DT_RPATH with `$ORIGIN`) and Mach-O (LC_LOAD_DYLIB and its
 * variants through `@rpath`, `@loader_path`, `@executable_path`; LC_RPATH;
 * LC_ID_DYLIB). Whatever is not in the artifact must be on the platform's
 * allow-list; a path into a build machine's places fails.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Platform } from '@potions/core';
import {
  LINUX_LOADERS,
  forbiddenPlace,
  isDarwinSystemDir,
  isDarwinSystemPath,
  isLinuxSystemDir,
  linuxSystemLibrary,
  type ForbiddenPrefix,
} from './allow-list';
import type { ElfInfo } from './elf';
import type { MachODylib, MachOSlice } from './macho';
import type { Dependency, DependencyKind } from './report';

export interface ResolveContext {
  /** The extracted artifact (real path). */
  root: string;
  platform: Platform;
  /** Dependencies' artifacts extracted beside it (`<parent>/<name>`, real paths). */
  siblings: { name: string; dir: string }[];
  forbidden: ForbiddenPrefix[];
  /** The artifact's Mach-O programs: `@executable_path` and the rpaths a library inherits from them. */
  programs: { rel: string; slice: MachOSlice }[];
  /** The artifact's ELF programs with a DT_RPATH and no DT_RUNPATH: glibc searches that RPATH for every library they load. */
  elfRpathPrograms: { rel: string; rpath: string[] }[];
}

/** Where an absolute path lies: in the artifact, in a dependency beside it, or outside both. */
type Found = { where: 'artifact' | 'dependency'; rel: string };
type Place = Found | { where: 'outside' };

const inside = (p: string, dir: string): boolean => p === dir || p.startsWith(`${dir}${path.sep}`);

function placeOf(abs: string, ctx: ResolveContext): Place {
  if (inside(abs, ctx.root)) return { where: 'artifact', rel: path.relative(ctx.root, abs).split(path.sep).join('/') || '.' };
  for (const s of ctx.siblings) {
    if (inside(abs, s.dir)) return { where: 'dependency', rel: [s.name, ...path.relative(s.dir, abs).split(path.sep)].filter(Boolean).join('/') };
  }
  return { where: 'outside' };
}

/** The regular file at `abs` (symbolic links followed, staying inside the artifact or a dependency), if any. */
async function fileAt(abs: string, ctx: ResolveContext): Promise<Found | undefined> {
  let real: string;
  try {
    real = await fs.realpath(abs);
    if (!(await fs.stat(real)).isFile()) return undefined;
  } catch {
    return undefined;
  }
  const place = placeOf(real, ctx);
  return place.where === 'outside' || placeOf(abs, ctx).where === 'outside' ? undefined : place;
}

async function isDir(abs: string): Promise<boolean> {
  return (await fs.stat(abs).catch(() => undefined))?.isDirectory() ?? false;
}

const error = (dep: Omit<Dependency, 'severity'>): Dependency => ({ ...dep, severity: 'error' });
const warning = (dep: Omit<Dependency, 'severity'>): Dependency => ({ ...dep, severity: 'warning' });

function forbiddenDep(kind: DependencyKind, name: string, place: ForbiddenPrefix): Dependency {
  return error({ kind, name, resolution: 'forbidden', detail: `points into ${place.why} (${place.prefix}), which users do not have` });
}

/** A search folder the loader may use: where it lies, or undefined when it is not searched (and why, in `dep`). */
interface SearchDir {
  dep: Dependency;
  dir?: string;
}

/** Classify a folder given as an absolute path after expansion. */
async function searchDir(kind: DependencyKind, name: string, abs: string, ctx: ResolveContext): Promise<SearchDir> {
  const place = placeOf(abs, ctx);
  if (place.where === 'outside') {
    return {
      dep: warning({
        kind,
        name,
        resolution: 'outside',
        detail: 'leaves the artifact: only useful when a dependency is installed beside it, and none given is there',
      }),
    };
  }
  const resolution = place.where;
  if (!(await isDir(abs))) return { dep: warning({ kind, name, resolution, path: place.rel, detail: 'the folder is not in the artifact' }) };
  return { dep: { kind, name, resolution, path: place.rel }, dir: abs };
}

async function absoluteSearchDir(kind: DependencyKind, name: string, ctx: ResolveContext, system: (d: string) => boolean): Promise<SearchDir> {
  const bad = forbiddenPlace(name, ctx.forbidden);
  if (bad) return { dep: forbiddenDep(kind, name, bad) };
  if (system(name)) return { dep: { kind, name, resolution: 'system', path: name }, dir: name };
  return { dep: warning({ kind, name, resolution: 'outside', detail: 'an absolute folder outside the artifact, which users will not have' }) };
}

// ---- ELF ----

const ORIGIN = /\$(ORIGIN\b|\{ORIGIN\})/;
const ORIGIN_ALL = new RegExp(ORIGIN.source, 'g');

async function elfSearchDir(kind: 'rpath' | 'runpath', entry: string, origin: string, ctx: ResolveContext, ignored: boolean): Promise<SearchDir> {
  let r: SearchDir;
  if (entry === '') {
    r = { dep: error({ kind, name: entry, resolution: 'unsupported', detail: 'an empty entry makes the loader search the working directory' }) };
  } else if (ORIGIN.test(entry)) {
    const abs = path.resolve(entry.replace(ORIGIN_ALL, origin));
    r = await searchDir(kind, entry, abs, ctx);
  } else if (entry.includes('$')) {
    r = { dep: warning({ kind, name: entry, resolution: 'unsupported', detail: 'uses $LIB or $PLATFORM, which depend on the machine; not checked' }) };
  } else if (path.posix.isAbsolute(entry)) {
    r = await absoluteSearchDir(kind, entry, ctx, isLinuxSystemDir);
  } else {
    r = { dep: error({ kind, name: entry, resolution: 'unsupported', detail: 'a relative folder is searched from the working directory, not from the file' }) };
  }
  if (ignored) {
    r.dep.detail = [r.dep.detail, 'ignored by the loader: DT_RUNPATH takes precedence'].filter(Boolean).join('; ');
    return { dep: r.dep };
  }
  return r;
}

function elfInterpreter(interp: string, ctx: ResolveContext): Dependency {
  const kind = 'interpreter';
  const bad = forbiddenPlace(interp, ctx.forbidden);
  if (bad) return forbiddenDep(kind, interp, bad);
  const loaders = ctx.platform === 'linux-amd64' || ctx.platform === 'linux-arm64' ? LINUX_LOADERS[ctx.platform].paths : [];
  if (loaders.includes(interp)) return { kind, name: interp, resolution: 'system', path: interp, group: 'loader' };
  const musl = /ld-musl/.test(interp) ? ' (a musl program: glibc systems do not have this loader)' : '';
  return error({ kind, name: interp, resolution: 'outside', detail: `not the ${ctx.platform} glibc loader (${loaders.join(' or ')})${musl}` });
}

async function elfNeeded(name: string, dirs: { entry: string; dir: string }[], searched: string[], ctx: ResolveContext): Promise<Dependency> {
  const kind = 'needed';
  if (name.includes('/')) {
    const bad = forbiddenPlace(name, ctx.forbidden);
    if (bad) return forbiddenDep(kind, name, bad);
    if (!name.startsWith('/')) return error({ kind, name, resolution: 'unsupported', detail: 'a relative path is opened from the working directory' });
    const loaders = ctx.platform === 'linux-amd64' || ctx.platform === 'linux-arm64' ? LINUX_LOADERS[ctx.platform].paths : [];
    if (loaders.includes(name)) return { kind, name, resolution: 'system', path: name, group: 'loader' };
    return error({ kind, name, resolution: 'outside', detail: 'an absolute path outside the artifact' });
  }
  for (const { entry, dir } of dirs) {
    const found = await fileAt(path.join(dir, name), ctx);
    if (found) return { kind, name, resolution: found.where, path: found.rel, via: entry };
  }
  const group = linuxSystemLibrary(ctx.platform, name);
  if (group) return { kind, name, resolution: 'system', path: name, group };
  return error({
    kind,
    name,
    resolution: 'missing',
    detail: `not in the artifact (${searched.length ? `searched ${searched.join(', ')}` : 'the file has no RUNPATH'}) and not a system library`,
  });
}

export async function resolveElf(rel: string, elf: ElfInfo, ctx: ResolveContext): Promise<Dependency[]> {
  const origin = path.dirname(path.join(ctx.root, rel));
  const deps: Dependency[] = [];
  if (elf.interpreter !== undefined) deps.push(elfInterpreter(elf.interpreter, ctx));
  const dirs: { entry: string; dir: string }[] = [];
  const searched = (elf.runpath ?? elf.rpath ?? []).filter((e) => e !== '');
  for (const [kind, entries] of [
    ['rpath', elf.rpath],
    ['runpath', elf.runpath],
  ] as const) {
    for (const entry of entries ?? []) {
      const r = await elfSearchDir(kind, entry, origin, ctx, kind === 'rpath' && elf.runpath !== undefined);
      deps.push(r.dep);
      if (r.dir) dirs.push({ entry, dir: r.dir });
    }
  }
  // A library also gets the DT_RPATH of the programs that load it (DT_RPATH is inherited, DT_RUNPATH is not).
  if (elf.type === 'shared-object' && !elf.pie) {
    for (const p of ctx.elfRpathPrograms) {
      const pOrigin = path.dirname(path.join(ctx.root, p.rel));
      for (const entry of p.rpath) {
        const r = await elfSearchDir('rpath', entry, pOrigin, ctx, false);
        if (!r.dir) continue;
        const inherited = `${entry} (RPATH of ${p.rel})`;
        dirs.push({ entry: inherited, dir: r.dir });
        searched.push(inherited);
      }
    }
  }
  for (const name of elf.needed) deps.push(await elfNeeded(name, dirs, searched, ctx));
  return deps;
}

// ---- Mach-O ----

const DYLIB_KINDS: Record<MachODylib['kind'], DependencyKind> = {
  load: 'dylib',
  weak: 'weak-dylib',
  reexport: 'reexport-dylib',
  lazy: 'lazy-dylib',
  upward: 'upward-dylib',
};

interface MachOFrame {
  /** The file's folder (`@loader_path`). */
  loader: string;
  /** `@executable_path` candidates: the file's own folder for a program, else the artifact's programs' folders. */
  executables: string[];
}

/** `@loader_path/x` or `@executable_path/x` as absolute candidates; undefined when `p` has neither. */
function expandAt(p: string, frame: MachOFrame): string[] | undefined {
  if (p.startsWith('@loader_path')) return [underFolder(frame.loader, p.slice('@loader_path'.length))];
  if (p.startsWith('@executable_path')) return frame.executables.map((e) => underFolder(e, p.slice('@executable_path'.length)));
  return undefined;
}

/**
 * `folder` + `rest` (`/../lib/x.dylib`, or empty), normalised. Deliberately not
 * `path.resolve(folder, '.' + rest)`: ncc's asset relocator takes that shape for
 * a file next to the bundle, rewrites it to a constant path and copies the
 * action's folder into its dist.
 */
function underFolder(folder: string, rest: string): string {
  return path.normalize(folder + (rest === '' || rest.startsWith('/') ? rest : `/${rest}`));
}

async function machORpath(entry: string, frame: MachOFrame, ctx: ResolveContext): Promise<{ dep: Dependency; dirs: string[] }> {
  const kind = 'lc-rpath';
  const expanded = expandAt(entry, frame);
  if (expanded) {
    if (expanded.length === 0) {
      return { dep: warning({ kind, name: entry, resolution: 'unsupported', detail: 'the artifact has no program to take @executable_path from; not checked' }), dirs: [] };
    }
    const results = await Promise.all(expanded.map((abs) => searchDir(kind, entry, abs, ctx)));
    const usable = results.filter((r) => r.dir !== undefined);
    return { dep: (usable[0] ?? results[0]!).dep, dirs: usable.map((r) => r.dir!) };
  }
  if (entry.startsWith('/')) {
    const r = await absoluteSearchDir(kind, entry, ctx, isDarwinSystemDir);
    return { dep: r.dep, dirs: r.dir ? [r.dir] : [] };
  }
  return { dep: error({ kind, name: entry, resolution: 'unsupported', detail: 'a relative rpath is searched from the working directory' }), dirs: [] };
}

async function machODylib(
  dylib: MachODylib,
  rpaths: { entry: string; dir: string }[],
  frame: MachOFrame,
  ctx: ResolveContext,
): Promise<Dependency> {
  const kind = DYLIB_KINDS[dylib.kind];
  const name = dylib.name;
  const weak = dylib.kind === 'weak';
  const notFound = (detail: string): Dependency =>
    weak ? warning({ kind, name, resolution: 'missing', detail: `${detail} (a weak link: the program runs without it)` }) : error({ kind, name, resolution: 'missing', detail });
  const bad = forbiddenPlace(name, ctx.forbidden);
  if (bad) return forbiddenDep(kind, name, bad);
  if (name.startsWith('@rpath/')) {
    const rest = name.slice('@rpath/'.length);
    for (const { entry, dir } of rpaths) {
      const candidate = path.join(dir, rest);
      if (isDarwinSystemDir(dir)) {
        if (isDarwinSystemPath(candidate)) return { kind, name, resolution: 'system', path: candidate, via: entry, group: 'macos' };
        continue;
      }
      const found = await fileAt(candidate, ctx);
      if (found) return { kind, name, resolution: found.where, path: found.rel, via: entry };
    }
    return notFound(`not found through any rpath (${rpaths.map((r) => r.entry).join(', ') || 'the file and its programs have no LC_RPATH'})`);
  }
  const expanded = expandAt(name, frame);
  if (expanded) {
    for (const abs of expanded) {
      const found = await fileAt(abs, ctx);
      if (found) return { kind, name, resolution: found.where, path: found.rel };
    }
    return notFound(expanded.length ? 'not in the artifact' : 'the artifact has no program to take @executable_path from');
  }
  if (name.startsWith('/')) {
    if (isDarwinSystemPath(name)) return { kind, name, resolution: 'system', path: name, group: 'macos' };
    return notFound('not in /usr/lib or /System/Library, and an absolute path cannot point into the artifact');
  }
  return error({ kind, name, resolution: 'unsupported', detail: 'a bare name is looked up in DYLD_FALLBACK_LIBRARY_PATH (~/lib, /usr/local/lib): use @rpath/' });
}

function installName(id: string, rel: string, ctx: ResolveContext): Dependency {
  const kind = 'install-name';
  const bad = forbiddenPlace(id, ctx.forbidden);
  if (bad) return { ...forbiddenDep(kind, id, bad), detail: `points into ${bad.why} (${bad.prefix}): whatever links this library would look for it there` };
  if (/^@(rpath|loader_path|executable_path)\//.test(id)) return { kind, name: id, resolution: 'artifact', path: rel };
  return warning({ kind, name: id, resolution: 'outside', detail: 'an absolute install name: whatever links this library looks for it there (use @rpath/<name>)' });
}

export async function resolveMachO(rel: string, slice: MachOSlice, ctx: ResolveContext): Promise<Dependency[]> {
  const loader = path.dirname(path.join(ctx.root, rel));
  const isProgram = slice.filetype === 'executable';
  const frame: MachOFrame = { loader, executables: isProgram ? [loader] : ctx.programs.map((p) => path.dirname(path.join(ctx.root, p.rel))) };
  const deps: Dependency[] = [];
  if (slice.dylinker !== undefined) {
    deps.push(
      slice.dylinker === '/usr/lib/dyld'
        ? { kind: 'dylinker', name: slice.dylinker, resolution: 'system', path: slice.dylinker, group: 'macos' }
        : error({ kind: 'dylinker', name: slice.dylinker, resolution: 'outside', detail: 'not /usr/lib/dyld' }),
    );
  }
  if (slice.id !== undefined) deps.push(installName(slice.id, rel, ctx));
  const rpaths: { entry: string; dir: string }[] = [];
  for (const entry of slice.rpaths) {
    const r = await machORpath(entry, frame, ctx);
    deps.push(r.dep);
    rpaths.push(...r.dirs.map((dir) => ({ entry, dir })));
  }
  // dyld also searches the rpaths of the programs that load a library.
  if (!isProgram) {
    for (const p of ctx.programs) {
      const pFrame = { loader: path.dirname(path.join(ctx.root, p.rel)), executables: [path.dirname(path.join(ctx.root, p.rel))] };
      for (const entry of p.slice.rpaths) {
        for (const dir of (await machORpath(entry, pFrame, ctx)).dirs) rpaths.push({ entry: `${entry} (of ${p.rel})`, dir });
      }
    }
  }
  for (const d of slice.dylibs) deps.push(await machODylib(d, rpaths, frame, ctx));
  return deps;
}

// ---- scripts ----

const SYSTEM_INTERPRETER = /^\/(usr\/)?s?bin\/[^/]+$/;

export async function resolveShebang(interpreter: string, executable: boolean, ctx: ResolveContext): Promise<Dependency> {
  const kind = 'shebang';
  const problem = executable ? error : warning;
  const bad = forbiddenPlace(interpreter, ctx.forbidden);
  if (bad) return { ...forbiddenDep(kind, interpreter, bad), severity: executable ? 'error' : 'warning' };
  const place = placeOf(interpreter, ctx);
  if (place.where !== 'outside') {
    const found = await fileAt(interpreter, ctx);
    return found ? { kind, name: interpreter, resolution: found.where, path: found.rel } : problem({ kind, name: interpreter, resolution: 'missing', detail: 'not in the artifact' });
  }
  if (SYSTEM_INTERPRETER.test(interpreter)) return { kind, name: interpreter, resolution: 'system', path: interpreter };
  return problem({ kind, name: interpreter, resolution: 'outside', detail: 'not in /bin, /usr/bin or the artifact' });
}

/** Dependencies listed but not resolved: the file is not for the claimed platform. */
export function uncheckedElf(elf: ElfInfo): Dependency[] {
  return [
    ...(elf.interpreter ? [{ kind: 'interpreter' as const, name: elf.interpreter, resolution: 'unchecked' as const }] : []),
    ...elf.needed.map((name) => ({ kind: 'needed' as const, name, resolution: 'unchecked' as const })),
  ];
}

export function uncheckedMachO(slice: MachOSlice): Dependency[] {
  return slice.dylibs.map((d) => ({ kind: DYLIB_KINDS[d.kind], name: d.name, resolution: 'unchecked' as const }));
}
