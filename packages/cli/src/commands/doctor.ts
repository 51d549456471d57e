/**
 * `potions doctor`: what this machine has and lacks for each build type and
 * platform, with the command that installs each missing program.
 *
 * The programs, who needs them and how to install them come from the
 * builder's one table (`hostToolReport`, `HOST_TOOLS`); how this machine runs
 * another platform's programs from `@potions/inspect` (`runnerFor`). This file
 * only groups them for reading and adds what the CLI knows besides: whether
 * bubblewrap can really create namespaces here, the host and Node's version.
 */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { PLATFORMS, UserError, hostPlatform, spawnExec, type Exec, type Platform } from '@potions/core';
import { HOST_TOOLS, hostToolReport, type HostToolName, type HostToolReportRow, type ToolUse } from '@potions/builder';
import { runnerFor } from '@potions/inspect';
import { BUILD_TYPES } from '@potions/recipe';
import { CliErrorCode } from '../errors';
import { jsonReported, printHuman, printJson } from '../output';

type BuildType = (typeof BUILD_TYPES)[number];

/** What `doctor` reads from the machine; tests pass a PATH of their own. */
export interface DoctorDeps {
  exec?: Exec;
  env?: NodeJS.ProcessEnv;
  /** Default: this machine's. */
  host?: Platform;
}

export interface BuildTypeReadiness {
  buildType: BuildType;
  /** Every program it cannot do without is here. */
  ready: boolean;
  required: HostToolName[];
  missing: HostToolName[];
  /** Used when present (recorded in the toolchain, or for some sources only). */
  optional: HostToolName[];
}

export interface PlatformReadiness {
  platform: Platform;
  /** Source builds run on the machine of the platform only (the builder refuses the others). */
  sourceBuilds: boolean;
  /** How the smoke tests run this platform's programs here: natively, through qemu or Rosetta, or not at all (with why). */
  smokeTests: { runner: 'native' | 'qemu' | 'rosetta'; command?: string[] } | { runner: 'none'; reason: string };
}

export interface SandboxReadiness {
  bubblewrap: boolean;
  /** `bwrap --unshare-all` ran a program here: PID, mount and network namespaces can be made. */
  namespaces: boolean;
  /** Why it could not, in bwrap's words. */
  reason?: string;
}

export interface DoctorReport {
  host: { platform: Platform | null; os: string; arch: string; node: string };
  tools: HostToolReportRow[];
  buildTypes: BuildTypeReadiness[];
  platforms: PlatformReadiness[];
  sandbox: SandboxReadiness;
}

const uses = new Map<HostToolName, readonly ToolUse[]>(HOST_TOOLS.map((t) => [t.tool, t.uses]));
const usesOf = (tool: HostToolName): readonly ToolUse[] => uses.get(tool) ?? [];

/** Required: the build type runs it, or every artifact needs it. Optional: recorded when present, or for sources without `configure`. */
function readiness(buildType: BuildType, tools: readonly HostToolReportRow[]): BuildTypeReadiness {
  const required: HostToolName[] = [];
  const optional: HostToolName[] = [];
  for (const row of tools) {
    const u = usesOf(row.tool);
    if (u.some((x) => (x.by === 'build-type' && x.buildTypes.includes(buildType)) || x.by === 'pack')) required.push(row.tool);
    else if (u.some((x) => (x.by === 'recorded' && x.buildTypes.includes(buildType)) || (x.by === 'no-configure' && buildType === 'gnu_autotools'))) optional.push(row.tool);
  }
  const found = new Set(tools.filter((r) => r.found).map((r) => r.tool));
  const missing = required.filter((t) => !found.has(t));
  return { buildType, ready: missing.length === 0, required, missing, optional };
}

/** The sandbox the builder's table names, tried for real: installed is not enough where user namespaces are off. */
async function probeSandbox(exec: Exec, env: Record<string, string>, installed: boolean): Promise<SandboxReadiness> {
  if (!installed) return { bubblewrap: false, namespaces: false, reason: 'bubblewrap is not installed' };
  const argv = ['bwrap', '--unshare-all', '--die-with-parent', '--ro-bind', '/', '/', 'true'];
  try {
    const r = await exec({ argv, env, cwd: '/', timeoutMs: 20_000 });
    if (r.exitCode === 0) return { bubblewrap: true, namespaces: true };
    const why = r.timedOut ? 'timed out' : r.tail.trim().split('\n').pop() || `exit status ${r.exitCode ?? r.signal}`;
    return { bubblewrap: true, namespaces: false, reason: `${argv.join(' ')}: ${why}` };
  } catch (err) {
    return { bubblewrap: true, namespaces: false, reason: `${argv.join(' ')}: ${(err as Error).message}` };
  }
}

/** Probe this machine (every program runs through `exec`, found on the PATH of `env`). */
export async function doctorReport(deps: DoctorDeps = {}): Promise<DoctorReport> {
  const exec = deps.exec ?? spawnExec;
  const env = deps.env ?? process.env;
  const host = deps.host ?? hostPlatform();
  const stringEnv = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const tools = await hostToolReport({ exec, env, host });
  const platforms: PlatformReadiness[] = [];
  for (const platform of PLATFORMS) {
    const runner = await runnerFor(platform, host, { searchPath: stringEnv.PATH ?? '' });
    platforms.push({
      platform,
      sourceBuilds: platform === host,
      smokeTests: runner.kind === 'none' ? { runner: 'none', reason: runner.reason } : { runner: runner.kind, ...(runner.command.length > 0 ? { command: runner.command } : {}) },
    });
  }
  const bwrapInstalled = tools.some((t) => t.tool === 'bubblewrap' && t.found);
  return {
    host: { platform: host ?? null, os: process.platform, arch: process.arch, node: process.version },
    tools,
    buildTypes: BUILD_TYPES.map((b) => readiness(b, tools)),
    platforms,
    sandbox: await probeSandbox(exec, stringEnv, bwrapInstalled),
  };
}

const mark = (ok: boolean): string => (ok ? '✓' : '✗');

/** `✓ cc  cc (Debian 12.2.0-14) 12.2.0`, `✗ cmake  missing: apt-get install cmake`, `- install_name_tool  not on this kind of machine`. */
function toolLine(row: HostToolReportRow, width: number, note?: string): string {
  const applies = row.found || row.install !== undefined;
  const state = row.found ? (row.version ?? 'found') : applies ? `${row.optional ? 'not installed (optional)' : 'missing'}: ${row.install}` : 'not on this kind of machine';
  return `    ${applies ? mark(row.found) : '-'} ${row.tool.padEnd(width)}  ${state}${note ? `  (${note})` : ''}`;
}

/** Why a build type uses a tool it does not require. */
function optionalNote(tool: HostToolName, buildType: BuildType): string {
  if (usesOf(tool).some((u) => u.by === 'no-configure') && buildType === 'gnu_autotools') return 'only for sources without a configure script';
  return 'optional: recorded in the toolchain when present';
}

function buildTypeSection(b: BuildTypeReadiness, rows: ReadonlyMap<HostToolName, HostToolReportRow>, width: number): string[] {
  const head = b.ready ? 'ready' : `not ready: ${b.missing.join(', ')} missing`;
  const lines = [`  ${mark(b.ready)} ${b.buildType} builds: ${head}`];
  for (const t of b.required) lines.push(toolLine(rows.get(t)!, width));
  for (const t of b.optional) lines.push(toolLine(rows.get(t)!, width, optionalNote(t, b.buildType)));
  return lines;
}

/** `✓ linux-arm64  official binaries; smoke tests through qemu-aarch64-static`: ✓ where its programs can run here. */
function platformLine(p: PlatformReadiness): string {
  const builds = p.sourceBuilds ? 'source builds and official binaries' : 'official binaries';
  const s = p.smokeTests;
  const smoke =
    s.runner === 'none' ? `smoke tests cannot run here (${s.reason})` : s.runner === 'native' ? 'smoke tests natively' : `smoke tests through ${s.runner === 'qemu' ? path.basename(s.command?.[0] ?? 'qemu') : 'Rosetta 2'}`;
  return `  ${mark(s.runner !== 'none')} ${p.platform.padEnd(13)}  ${builds}; ${smoke}`;
}

/** `apt-get install a` and `apt-get install b c` as one `apt-get install a b c`; other commands as they are. */
export function mergeInstallCommands(commands: readonly string[]): string[] {
  const merged = new Map<string, string[]>();
  const others: string[] = [];
  for (const c of commands) {
    const m = /^(apt-get install|brew install) (.+)$/.exec(c);
    if (!m) {
      if (!others.includes(c)) others.push(c);
      continue;
    }
    const words = merged.get(m[1]!) ?? [];
    for (const w of m[2]!.split(/\s+/)) if (!words.includes(w)) words.push(w);
    merged.set(m[1]!, words);
  }
  return [...[...merged].map(([cmd, words]) => `${cmd} ${words.join(' ')}`), ...others];
}

/** The human report: one section per build type, then sources, platforms, the sandbox and the rest. */
export function formatDoctor(r: DoctorReport): string {
  const rows = new Map(r.tools.map((t) => [t.tool, t]));
  const width = Math.max(...r.tools.map((t) => t.tool.length));
  const inBuildTypes = new Set(r.buildTypes.flatMap((b) => [...b.required, ...b.optional]));
  const byUse = (...kinds: ToolUse['by'][]): HostToolReportRow[] => r.tools.filter((t) => !inBuildTypes.has(t.tool) && usesOf(t.tool).some((u) => kinds.includes(u.by)));
  const described = (row: HostToolReportRow): string => toolLine(row, width, row.neededBy.join('; '));
  const host = r.host.platform ?? `${r.host.os}-${r.host.arch} (Potions builds for none of its platforms here)`;
  const lines = [`This machine: ${host}, Node ${r.host.node}`, '', 'Build types (source builds):'];
  for (const b of r.buildTypes) lines.push(...buildTypeSection(b, rows, width));
  lines.push('', 'Sources and binaries (as the recipe needs):', ...byUse('source-compression', 'git-source').map(described));
  lines.push('', 'Platforms (a source build runs on a machine of its platform; official binaries are packaged for any):');
  lines.push(...r.platforms.map(platformLine), ...byUse('foreign-arch-smoke-test', 'macho-relocation').map(described));
  const sb = r.sandbox;
  lines.push('', 'Build sandbox:', ...byUse('sandbox').map(described));
  if (sb.bubblewrap) lines.push(`    ${mark(sb.namespaces)} ${'namespaces'.padEnd(width)}  ${sb.namespaces ? 'bwrap --unshare-all works here' : `cannot be made here: ${sb.reason}`}`);
  lines.push('', 'Relocation:', ...byUse('runpath-without-room').map(described));
  const missing = r.tools.filter((t) => !t.found && !t.optional && t.install);
  const installs = mergeInstallCommands(missing.map((t) => t.install!));
  lines.push('', installs.length === 0 ? 'Nothing required is missing.' : `To install what is missing: ${installs.join('; ')}`);
  return lines.join('\n');
}

interface DoctorOptions {
  json?: boolean;
  require?: BuildType[];
}

/** The build types of `--require` that cannot build here, as one error naming what each lacks. */
function requirementError(report: DoctorReport, required: readonly BuildType[]): UserError | undefined {
  const short = report.buildTypes.filter((b) => required.includes(b.buildType) && !b.ready);
  if (short.length === 0) return undefined;
  const rows = new Map(report.tools.map((t) => [t.tool, t]));
  const installs = mergeInstallCommands(short.flatMap((b) => b.missing.map((t) => rows.get(t)?.install).filter((c): c is string => c !== undefined)));
  return new UserError(CliErrorCode.HostToolsMissing, `this machine cannot do ${short.map((b) => `${b.buildType} builds (missing ${b.missing.join(', ')})`).join(', ')}`, {
    hint: installs.length > 0 ? `install them: ${installs.join('; ')}` : 'these programs are not available for this kind of machine',
  });
}

export function registerDoctorCommand(program: Command, deps: DoctorDeps = {}): void {
  program
    .command('doctor')
    .description('What this machine has and lacks for each build type and platform, with the command that installs each')
    .addOption(new Option('--require <build-types...>', 'exit 1 when a program one of these build types needs is missing').choices([...BUILD_TYPES]))
    .option('--json', 'print the report as one JSON document on stdout')
    .action(async (opts: DoctorOptions) => {
      const report = await doctorReport(deps);
      const failure = requirementError(report, opts.require ?? []);
      if (opts.json) {
        printJson(failure ? { ok: false, error: failure.message, code: failure.code, hint: failure.hint, ...report } : { ok: true, ...report });
      } else {
        printHuman(formatDoctor(report));
      }
      // Exit 1 (the report is printed already; with --json, it carried the error).
      if (failure) throw jsonReported(failure);
    });
}
