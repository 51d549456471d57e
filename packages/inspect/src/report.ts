/**
 * The smoke test's report: a typed, JSON-serialisable record of every file of
 * the artifact (what it is, what it needs, how each need resolved), and of
 * the commands run. docs/inspect.md ("The report") documents each field; the
 * CLI prints it as tables (`reportTables`), the action as a job summary.
 */
import type { Platform } from '@potions/core';
import type { SystemGroup } from './allow-list';
import type { FileFormat, FileKind } from './identify';

/** How one dependency, search path or install name resolved. */
export type Resolution =
  /** Found inside the artifact (`path` is artifact-relative). */
  | 'artifact'
  /** Found in a dependency's artifact installed beside this one (`path` is `<name>/<path>`). */
  | 'dependency'
  /** Provided by the operating system (allow-listed; `group` says which). */
  | 'system'
  /** Not found anywhere it may come from. */
  | 'missing'
  /** Points into a build machine's place: the build prefix, Homebrew, /usr/local, a home or temporary folder. */
  | 'forbidden'
  /** An absolute place outside the artifact that users will not have. */
  | 'outside'
  /** A form the loader resolves against the working directory or a variable we cannot check. */
  | 'unsupported'
  /** Not checked: the file is not for the claimed platform. */
  | 'unchecked';

export type DependencyKind =
  | 'interpreter'
  | 'needed'
  | 'rpath'
  | 'runpath'
  | 'dylinker'
  | 'install-name'
  | 'lc-rpath'
  | 'dylib'
  | 'weak-dylib'
  | 'reexport-dylib'
  | 'lazy-dylib'
  | 'upward-dylib'
  | 'shebang';

export interface Dependency {
  kind: DependencyKind;
  /** As the file writes it: `libz.so.1`, `$ORIGIN/../lib`, `@rpath/libfoo.dylib`, `/usr/lib/libSystem.B.dylib`. */
  name: string;
  resolution: Resolution;
  /** Where it resolved: an artifact-relative path, `<dependency>/<path>`, or the system path or name. */
  path?: string;
  /** The search path entry that found it. */
  via?: string;
  /** For `system`: the allow-list group. */
  group?: SystemGroup;
  /** `error` fails the artifact, `warning` is reported only; absent when all is well. */
  severity?: 'error' | 'warning';
  /** Why, for people. */
  detail?: string;
}

export interface FileReport {
  /** Artifact-relative, `/`-separated. */
  path: string;
  kind: FileKind | 'symlink';
  format: FileFormat | 'symlink';
  /** `ELF 64-bit LSB x86_64 PIE executable`, `Mach-O universal (x86_64, arm64) bundle`, `symbolic link to libz.so.1.3`. */
  description: string;
  /** The Potions platforms this code is for. */
  platforms: Platform[];
  /** For machine code: whether it is for the claimed platform. */
  matches?: boolean;
  /** Has an execute permission bit. */
  executable: boolean;
  /** Mach-O: the minimum OS of the slice for the claimed platform. */
  minOs?: { os: string; version: string };
  dependencies: Dependency[];
}

export interface Problem {
  /** Artifact-relative file, when the problem is one file's. */
  file?: string;
  severity: 'error' | 'warning';
  message: string;
}

export type RunnerKind = 'native' | 'qemu' | 'rosetta';

export interface CommandReport {
  argv: string[];
  /** The default check (main binary `--version`), used when the recipe has no smoke_test. */
  default: boolean;
  /** The program that ran: artifact-relative when it is the artifact's, else the host path. */
  program?: string;
  runner?: RunnerKind;
  ok: boolean;
  exitCode: number | null;
  expectedExitCode: number;
  signal?: string;
  timedOut: boolean;
  /** The regular expression the output had to match. */
  expect?: string;
  /** The beginning of stdout and stderr together. */
  output: string;
  error?: string;
}

export interface RunReport {
  /** Whether the commands were run. False is never a pass by silence: `reason` says why. */
  ran: boolean;
  reason?: string;
  runner?: { kind: RunnerKind; command: string[] };
  commands: CommandReport[];
}

export interface SystemLibraryUse {
  name: string;
  group: SystemGroup;
  /** Files that need it. */
  files: string[];
}

export interface SmokeReport {
  schemaVersion: 1;
  /** The artifact file as given. */
  artifact: string;
  sha256: string;
  name?: string;
  version?: string;
  platform: Platform;
  /** The machine that made the report. */
  host?: Platform;
  ok: boolean;
  summary: { files: number; code: number; executables: number; libraries: number; errors: number; warnings: number };
  /** Every system library some file needs (for the SBOM). */
  systemLibraries: SystemLibraryUse[];
  files: FileReport[];
  problems: Problem[];
  run: RunReport;
}

export interface ReportTable {
  title: string;
  headers: string[];
  rows: string[][];
}

const dependencyWhere = (d: Dependency): string =>
  [d.path ?? '', d.via ? `via ${d.via}` : '', d.group ? `(${d.group})` : ''].filter(Boolean).join(' ');

const verdict = (d: Dependency): string => (d.severity ? `${d.severity.toUpperCase()}: ${d.detail ?? d.resolution}` : d.detail ? `ok (${d.detail})` : 'ok');

/**
 * The report as tables for people: the files that are code or scripts, then
 * one table of dependencies per such file, then the commands. Data files are
 * counted, not listed.
 */
export function reportTables(report: SmokeReport): ReportTable[] {
  const shown = report.files.filter((f) => f.format !== 'data' || f.matches !== undefined);
  const tables: ReportTable[] = [
    {
      title: `${report.files.length} file(s), ${shown.length} of them code, scripts or links, checked for ${report.platform}`,
      headers: ['FILE', 'KIND', 'WHAT IT IS', 'PLATFORM'],
      rows: shown.map((f) => [f.path, f.kind, f.description, f.matches === undefined ? '' : f.matches ? 'ok' : `NOT ${report.platform}`]),
    },
  ];
  for (const f of shown) {
    if (f.dependencies.length === 0) continue;
    tables.push({
      title: f.path,
      headers: ['DEPENDENCY', 'KIND', 'RESOLVED', 'WHERE', 'RESULT'],
      rows: f.dependencies.map((d) => [d.name, d.kind, d.resolution, dependencyWhere(d), verdict(d)]),
    });
  }
  tables.push({
    title: report.run.ran
      ? `commands (${report.run.runner?.kind ?? 'native'}${report.run.runner?.kind === 'qemu' ? `: ${report.run.runner.command.join(' ')}` : ''})`
      : `commands NOT RUN: ${report.run.reason ?? 'no reason given'}`,
    headers: ['COMMAND', 'EXIT', 'RESULT', 'OUTPUT'],
    rows: report.run.commands.map((c) => [
      c.argv.join(' '),
      c.timedOut ? 'timeout' : c.signal ? c.signal : String(c.exitCode),
      c.ok ? 'ok' : `FAILED: ${c.error ?? ''}`,
      (c.output.split('\n').find((l) => l.trim() !== '') ?? '').slice(0, 80),
    ]),
  });
  return tables;
}
