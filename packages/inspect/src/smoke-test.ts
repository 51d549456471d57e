/**
 * The smoke test of one artifact: extract it into a fresh folder as a user
 * would, identify every file by its bytes, check that the code is for the
 * claimed platform and that every runtime dependency resolves inside the
 * artifact or on the platform's allow-list, run the recipe's commands where
 * the host can, and return one report.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PREFIX_PLACEHOLDER, extractArchive, relocateInstalled } from '@potions/archive';
import { PLATFORMS, errorMessage, hasCode, hostPlatform, isUserError, silentReporter, spawnExec, type Exec, type Platform, type Reporter } from '@potions/core';
import type { SmokeTest } from '@potions/recipe';
import { forbiddenPrefixes, DEFAULT_BUILD_PREFIX } from './allow-list';
import { inspectError, InspectErrorCode } from './errors';
import { identifyFile, sliceFor, type Identity } from './identify';
import type { MachOSlice } from './macho';
import type { Dependency, FileReport, Problem, RunReport, SmokeReport, SystemLibraryUse } from './report';
import { resolveElf, resolveMachO, resolveShebang, uncheckedElf, uncheckedMachO, type ResolveContext } from './resolve';
import { runCommands, runnerFor, type Runner } from './run';

export interface SmokeTestOptions {
  /** The artifact file (`.tar.gz`, `.tar.zst`, ...; its content decides). */
  artifact: string;
  /** The platform the artifact claims to be for. */
  platform: Platform;
  /** The recipe's name, main binary and commands (`@potions/recipe`'s `Recipe` fits). */
  recipe?: { name: string; binaryRelpath?: string; smokeTests: readonly SmokeTest[] };
  /** Without a recipe: the package name (default: from the artifact's file name). */
  name?: string;
  /** The version the default check expects in `--version` output (default: from the artifact's file name). */
  version?: string;
  /** Artifacts of dependency recipes, installed beside this one as users do (`<name>/` next to it). */
  dependencies?: { name: string; artifact: string }[];
  /** The fixed prefix builds install into (default /opt/potions): a path into it fails. */
  buildPrefix?: string;
  /** Per command (default 60 s). */
  timeoutMs?: number;
  /** Fail when the commands could not be run (by default the report only says so). */
  requireRun?: boolean;
  /** The machine's platform (default: this one's). */
  host?: Platform;
  exec?: Exec;
  /** Where qemu is looked for (default: $PATH). */
  searchPath?: string;
  /** Where the fresh folder is made (default: the system's temporary folder); removed afterwards. */
  workDir?: string;
  reporter?: Reporter;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** `<name>-<version>-<platform>.tar.gz` → name and version (the builder's artifact names; any of the four platforms). */
export function artifactNameParts(file: string, platform: Platform, name?: string): { name: string; version: string } | undefined {
  const base = path.basename(file).replace(/\.(tar\.(gz|zst|xz|bz2)|tgz|zip)$/, '');
  // The claimed platform first; any other platform's name too (a file claimed for another platform still names its package).
  const suffix = [`-${platform}`, ...PLATFORMS.map((p) => `-${p}`)].find((s) => base.endsWith(s));
  if (!suffix) return undefined;
  const stem = base.slice(0, -suffix.length);
  if (name !== undefined) return stem.startsWith(`${name}-`) && stem.length > name.length + 1 ? { name, version: stem.slice(name.length + 1) } : undefined;
  const dash = stem.lastIndexOf('-');
  return dash > 0 && dash < stem.length - 1 ? { name: stem.slice(0, dash), version: stem.slice(dash + 1) } : undefined;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The commands to run: the recipe's, else the main binary with `--version` expecting the version. */
export async function smokeCommands(
  root: string,
  recipe: SmokeTestOptions['recipe'],
  name: string | undefined,
  version: string | undefined,
): Promise<{ tests: (SmokeTest & { default?: boolean })[]; reason?: string }> {
  if (recipe && recipe.smokeTests.length > 0) return { tests: [...recipe.smokeTests] };
  if (!name) return { tests: [], reason: 'no smoke_test commands, and no package name to find its main binary by' };
  if (!version) return { tests: [], reason: 'no smoke_test commands, and no version for the default `--version` check' };
  // binary_relpath names the program inside the upstream download; it is used when the artifact has that file.
  const rel = recipe?.binaryRelpath;
  const relIsFile = rel !== undefined && rel !== '.' && (await fs.stat(path.join(root, rel)).catch(() => undefined))?.isFile();
  const main = relIsFile ? rel : `bin/${name}`;
  if (!(await fs.stat(path.join(root, main)).catch(() => undefined))?.isFile()) {
    // A library package (zlib) has no program to ask: the static checks decide, and the report says so.
    return { tests: [], reason: `no smoke_test commands, and no main program ${main} to run with --version` };
  }
  return { tests: [{ argv: [main, '--version'], expect: escapeRegExp(version), exitCode: 0, default: true }] };
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every regular file and symbolic link under `root`, artifact-relative and sorted. */
async function walk(root: string, rel = ''): Promise<{ rel: string; link: boolean }[]> {
  const out: { rel: string; link: boolean }[] = [];
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(root, r)));
    else if (e.isFile() || e.isSymbolicLink()) out.push({ rel: r, link: e.isSymbolicLink() });
  }
  return out;
}

async function install(artifact: string, dir: string): Promise<void> {
  await extractArchive(artifact, dir);
  // As `potions fetch` installs: text files get their real location where the builder left the placeholder.
  await relocateInstalled(dir, PREFIX_PLACEHOLDER, dir);
}

const PLATFORM_WORDS: Record<Platform, string> = {
  'linux-amd64': 'x86_64 ELF',
  'linux-arm64': 'aarch64 ELF',
  'darwin-x86_64': 'x86_64 Mach-O',
  'darwin-arm64': 'arm64 Mach-O',
};

interface Identified {
  rel: string;
  abs: string;
  executable: boolean;
  identity?: Identity;
  link?: { target: string; dangling: boolean };
  malformed?: string;
}

async function identifyAll(root: string): Promise<Identified[]> {
  const out: Identified[] = [];
  for (const { rel, link } of await walk(root)) {
    const abs = path.join(root, rel);
    if (link) {
      const target = await fs.readlink(abs);
      const st = await fs.stat(abs).catch(() => undefined);
      out.push({ rel, abs, executable: false, link: { target, dangling: st === undefined } });
      continue;
    }
    const executable = ((await fs.stat(abs)).mode & 0o111) !== 0;
    try {
      out.push({ rel, abs, executable, identity: await identifyFile(abs, rel) });
    } catch (err) {
      if (!isUserError(err)) throw err;
      out.push({ rel, abs, executable, malformed: err.message });
    }
  }
  return out;
}

async function fileReport(f: Identified, ctx: ResolveContext): Promise<FileReport> {
  if (f.link) {
    return { path: f.rel, kind: 'symlink', format: 'symlink', description: `symbolic link to ${f.link.target}`, platforms: [], executable: false, dependencies: [] };
  }
  if (!f.identity) {
    return { path: f.rel, kind: 'other', format: 'data', description: `malformed: ${f.malformed ?? ''}`, platforms: [], matches: false, executable: f.executable, dependencies: [] };
  }
  const id = f.identity;
  const report: FileReport = { path: f.rel, kind: id.kind, format: id.format, description: id.description, platforms: id.platforms, executable: f.executable, dependencies: [] };
  if (id.code) report.matches = id.platforms.includes(ctx.platform);
  let deps: Dependency[] = [];
  if (id.elf) deps = report.matches ? await resolveElf(f.rel, id.elf, ctx) : uncheckedElf(id.elf);
  else if (id.macho) {
    const slice = sliceFor(id.macho, ctx.platform);
    if (slice) {
      if (slice.minOs) report.minOs = slice.minOs;
      deps = await resolveMachO(f.rel, slice, ctx);
    } else deps = uncheckedMachO(id.macho.slices[0]!);
  } else if (id.shebang) deps = [await resolveShebang(id.shebang.interpreter, f.executable, ctx)];
  report.dependencies = deps;
  return report;
}

function problemsOf(files: FileReport[], identified: Identified[], platform: Platform): Problem[] {
  const problems: Problem[] = [];
  for (const [i, f] of files.entries()) {
    const src = identified[i]!;
    if (src.malformed) problems.push({ file: f.path, severity: 'error', message: src.malformed });
    if (src.link?.dangling) problems.push({ file: f.path, severity: 'warning', message: `${f.path} is a symbolic link to ${src.link.target}, which is not in the artifact` });
    if (f.matches === false && !src.malformed) {
      problems.push({ file: f.path, severity: 'error', message: `${f.path} is ${f.description}, not ${platform} code (${PLATFORM_WORDS[platform]})` });
    }
    for (const d of f.dependencies) {
      if (d.severity) problems.push({ file: f.path, severity: d.severity, message: `${f.path}: ${d.kind} ${d.name}: ${d.detail ?? d.resolution}` });
    }
  }
  return problems;
}

function systemLibraries(files: FileReport[]): SystemLibraryUse[] {
  const uses = new Map<string, SystemLibraryUse>();
  for (const f of files) {
    for (const d of f.dependencies) {
      if (d.resolution !== 'system' || !d.group || d.kind === 'lc-rpath' || d.kind === 'rpath' || d.kind === 'runpath') continue;
      const key = d.path ?? d.name;
      const use = uses.get(key) ?? { name: key, group: d.group, files: [] };
      if (!use.files.includes(f.path)) use.files.push(f.path);
      uses.set(key, use);
    }
  }
  return [...uses.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Mach-O programs of the artifact for the platform: their folders are `@executable_path`, their rpaths are inherited. */
function machOPrograms(identified: Identified[], platform: Platform): { rel: string; slice: MachOSlice }[] {
  const out: { rel: string; slice: MachOSlice }[] = [];
  for (const f of identified) {
    const slice = f.identity?.macho ? sliceFor(f.identity.macho, platform) : undefined;
    if (slice?.filetype === 'executable') out.push({ rel: f.rel, slice });
  }
  return out;
}

/** ELF programs of the artifact for the platform whose DT_RPATH (without DT_RUNPATH) their libraries inherit. */
function elfRpathPrograms(identified: Identified[], platform: Platform): { rel: string; rpath: string[] }[] {
  const out: { rel: string; rpath: string[] }[] = [];
  for (const f of identified) {
    const elf = f.identity?.elf;
    if (!elf || f.identity?.kind !== 'executable' || !f.identity.platforms.includes(platform)) continue;
    if (elf.rpath && !elf.runpath) out.push({ rel: f.rel, rpath: elf.rpath });
  }
  return out;
}

/** Smoke-test one artifact; see the module comment. Never throws for what it finds: that goes in the report. */
export async function smokeTestArtifact(options: SmokeTestOptions): Promise<SmokeReport> {
  const reporter = options.reporter ?? silentReporter;
  const host = 'host' in options ? options.host : hostPlatform();
  const parts = artifactNameParts(options.artifact, options.platform, options.recipe?.name ?? options.name);
  const name = options.recipe?.name ?? options.name ?? parts?.name;
  const version = options.version ?? parts?.version;
  for (const file of [options.artifact, ...(options.dependencies ?? []).map((d) => d.artifact)]) {
    let why: string | undefined;
    try {
      if (!(await fs.stat(file)).isFile()) why = 'it is not a file';
    } catch (err) {
      why = hasCode(err, 'ENOENT') ? 'there is no such file' : errorMessage(err);
    }
    if (why) throw inspectError(InspectErrorCode.ArtifactUnreadable, `cannot smoke-test ${file}: ${why}`, file);
  }
  const sha256 = await sha256File(options.artifact);
  const work = await fs.mkdtemp(path.join(options.workDir ?? os.tmpdir(), 'potions-smoke-'));
  try {
    const root = path.join(work, 'install', name ?? 'artifact');
    reporter.info(`extracting ${path.basename(options.artifact)} into a fresh folder`);
    await install(options.artifact, root);
    const siblings: ResolveContext['siblings'] = [];
    for (const dep of options.dependencies ?? []) {
      const dir = path.join(work, 'install', dep.name);
      await install(dep.artifact, dir);
      siblings.push({ name: dep.name, dir: await fs.realpath(dir) });
    }
    const realRoot = await fs.realpath(root);
    const identified = await identifyAll(realRoot);
    const ctx: ResolveContext = {
      root: realRoot,
      platform: options.platform,
      siblings,
      forbidden: forbiddenPrefixes(options.buildPrefix ?? DEFAULT_BUILD_PREFIX),
      programs: machOPrograms(identified, options.platform),
      elfRpathPrograms: elfRpathPrograms(identified, options.platform),
    };
    const files: FileReport[] = [];
    for (const f of identified) files.push(await fileReport(f, ctx));
    const problems = problemsOf(files, identified, options.platform);

    const { tests, reason: noTests } = await smokeCommands(realRoot, options.recipe, name, version);
    const runner: Runner = noTests
      ? { kind: 'none', reason: noTests }
      : await runnerFor(options.platform, host, { searchPath: options.searchPath ?? process.env.PATH ?? '' });
    let run: RunReport;
    if (runner.kind === 'none') {
      run = { ran: false, reason: `${runner.reason}: the commands were not run, only the static checks were made`, commands: tests.map((t) => ({ argv: [...t.argv], default: t.default === true, expectedExitCode: t.exitCode, ok: false, exitCode: null, timedOut: false, output: '', error: 'not run', ...(t.expect !== undefined ? { expect: t.expect } : {}) })) };
      problems.push({ severity: options.requireRun ? 'error' : 'warning', message: run.reason! });
    } else {
      reporter.info(`running ${tests.length} command(s)${runner.kind === 'native' ? '' : ` through ${runner.kind}`}`);
      run = await runCommands({
        root: realRoot,
        platform: options.platform,
        tests,
        runner,
        exec: options.exec ?? spawnExec,
        scratch: path.join(work, 'scratch'),
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      });
      for (const c of run.commands) if (!c.ok) problems.push({ severity: 'error', message: `${c.argv.join(' ')}: ${c.error ?? 'failed'}` });
    }
    const count = (s: Problem['severity']): number => problems.filter((p) => p.severity === s).length;
    return {
      schemaVersion: 1,
      artifact: options.artifact,
      sha256,
      ...(name ? { name } : {}),
      ...(version ? { version } : {}),
      platform: options.platform,
      ...(host ? { host } : {}),
      ok: count('error') === 0,
      summary: {
        files: files.length,
        code: files.filter((f) => f.matches !== undefined).length,
        executables: files.filter((f) => f.kind === 'executable').length,
        libraries: files.filter((f) => f.kind === 'library' || f.kind === 'static-library').length,
        errors: count('error'),
        warnings: count('warning'),
      },
      systemLibraries: systemLibraries(files),
      files,
      problems,
      run,
    };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}
