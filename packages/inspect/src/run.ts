/**
 * Run the recipe's smoke-test commands in the extracted artifact, as a user
 * would: from its folder, its `bin` first on PATH, stdin /dev/null, an
 * environment with none of the build's variables, a timeout. Natively when
 * the host runs the platform; linux-arm64 on x86-64 (and the reverse) through
 * qemu-user-static, called explicitly; otherwise not at all, and the report
 * says so.
 */
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Exec, Platform } from '@potions/core';
import type { SmokeTest } from '@potions/recipe';
import { isElfMagic, readHead } from './elf';
import type { CommandReport, RunnerKind, RunReport } from './report';

/** How this host runs the platform's programs, or why it cannot. */
export type Runner = { kind: RunnerKind; command: string[] } | { kind: 'none'; reason: string };

export interface RunnerProbe {
  /** Folders to look for qemu in (the host's PATH). */
  searchPath: string;
  /** Whether a path exists (injected for tests). */
  exists?: (p: string) => Promise<boolean>;
}

const QEMU: Partial<Record<Platform, Partial<Record<Platform, { program: string; sysroot: string; loader: string }>>>> = {
  'linux-amd64': { 'linux-arm64': { program: 'qemu-aarch64-static', sysroot: '/usr/aarch64-linux-gnu', loader: 'lib/ld-linux-aarch64.so.1' } },
  'linux-arm64': { 'linux-amd64': { program: 'qemu-x86_64-static', sysroot: '/usr/x86_64-linux-gnu', loader: 'lib/ld-linux-x86-64.so.2' } },
};

const defaultExists = async (p: string): Promise<boolean> => fs.access(p, fsConstants.F_OK).then(() => true, () => false);

async function onPath(program: string, searchPath: string, exists: (p: string) => Promise<boolean>): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, program);
    if (await exists(candidate)) return candidate;
  }
  return undefined;
}

/** Decide how to run `platform`'s programs on `host`. */
export async function runnerFor(platform: Platform, host: Platform | undefined, probe: RunnerProbe): Promise<Runner> {
  const exists = probe.exists ?? defaultExists;
  if (host === platform) return { kind: 'native', command: [] };
  // Apple silicon runs x86-64 programs through Rosetta 2.
  if (host === 'darwin-arm64' && platform === 'darwin-x86_64') return { kind: 'rosetta', command: [] };
  const q = host ? QEMU[host]?.[platform] : undefined;
  if (q) {
    const program = await onPath(q.program, probe.searchPath, exists);
    if (!program) {
      return { kind: 'none', reason: `${platform} programs need ${q.program} on this ${host} machine, and it is not installed (Debian: qemu-user-static)` };
    }
    if (!(await exists(path.join(q.sysroot, q.loader)))) {
      return { kind: 'none', reason: `${q.program} needs the ${platform} C library in ${q.sysroot}, which is not installed (Debian: libc6-${platform === 'linux-arm64' ? 'arm64' : 'amd64'}-cross)` };
    }
    return { kind: 'qemu', command: [program, '-L', q.sysroot] };
  }
  return { kind: 'none', reason: `${platform} programs cannot run on this ${host ?? `${process.platform}/${process.arch}`} machine` };
}

export interface RunCommandsOptions {
  /** The extracted artifact. */
  root: string;
  platform: Platform;
  tests: readonly (SmokeTest & { default?: boolean })[];
  runner: Exclude<Runner, { kind: 'none' }>;
  exec: Exec;
  /** A fresh, empty folder for HOME and TMPDIR. */
  scratch: string;
  timeoutMs: number;
}

/** How much output is kept to match `expect` against, and how much goes in the report. */
const OUTPUT_KEEP = 1024 * 1024;
const OUTPUT_REPORT = 4000;
/** Host folders on the commands' PATH after the artifact's `bin` (no /usr/local: it is a build machine's). */
const HOST_PATH = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];

async function isExecutableFile(p: string): Promise<boolean> {
  try {
    const st = await fs.stat(p);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** The program `argv[0]` names: a path in the artifact, a program in its bin, or one of the host's. */
async function findProgram(cmd: string, root: string): Promise<{ abs: string; inArtifact: boolean } | undefined> {
  if (cmd.includes('/')) {
    const abs = path.isAbsolute(cmd) ? cmd : path.resolve(root, cmd);
    const inArtifact = abs.startsWith(`${root}${path.sep}`);
    return (await isExecutableFile(abs)) ? { abs, inArtifact } : undefined;
  }
  const dirs: [string, boolean][] = [[path.join(root, 'bin'), true], ...HOST_PATH.map((d): [string, boolean] => [d, false])];
  for (const [dir, inArtifact] of dirs) {
    const abs = path.join(dir, cmd);
    if (await isExecutableFile(abs)) return { abs, inArtifact };
  }
  return undefined;
}

/**
 * Every ELF program of the artifact goes through the emulator, whatever it says it is for: the emulated
 * machine is the claimed platform's, so a program built for another one fails there as it would for a
 * user. Scripts and the host's programs run as they are.
 */
async function needsEmulator(abs: string): Promise<boolean> {
  return isElfMagic(await readHead(abs, 4));
}

async function runOne(test: SmokeTest & { default?: boolean }, opts: RunCommandsOptions, env: Record<string, string>): Promise<CommandReport> {
  const base = { argv: [...test.argv], default: test.default === true, expectedExitCode: test.exitCode, ...(test.expect !== undefined ? { expect: test.expect } : {}) };
  const fail = (error: string): CommandReport => ({ ...base, ok: false, exitCode: null, timedOut: false, output: '', error });
  const [cmd, ...args] = test.argv;
  if (!cmd) return fail('the command is empty');
  const program = await findProgram(cmd, opts.root);
  if (!program) return fail(`${cmd} is not an executable file in the artifact${cmd.includes('/') ? '' : `'s bin or in ${HOST_PATH.join(', ')}`}`);
  const emulate = opts.runner.kind === 'qemu' && program.inArtifact && (await needsEmulator(program.abs));
  const argv = emulate ? [...opts.runner.command, program.abs, ...args] : [program.abs, ...args];
  const kept: Buffer[] = [];
  let keptBytes = 0;
  const res = await opts.exec({
    argv,
    cwd: opts.root,
    env,
    timeoutMs: opts.timeoutMs,
    onOutput: (chunk) => {
      if (keptBytes >= OUTPUT_KEEP) return;
      kept.push(chunk);
      keptBytes += chunk.length;
    },
  });
  const output = Buffer.concat(kept).toString('utf8');
  const report: CommandReport = {
    ...base,
    program: program.inArtifact ? path.relative(opts.root, program.abs).split(path.sep).join('/') : program.abs,
    runner: emulate ? 'qemu' : opts.runner.kind === 'rosetta' ? 'rosetta' : 'native',
    ok: false,
    exitCode: res.exitCode,
    timedOut: res.timedOut,
    output: output.length > OUTPUT_REPORT ? `${output.slice(0, OUTPUT_REPORT)}\n[... ${output.length - OUTPUT_REPORT} more characters]` : output,
    ...(res.signal ? { signal: res.signal } : {}),
  };
  if (res.timedOut) return { ...report, error: `timed out after ${opts.timeoutMs / 1000} s` };
  if (res.signal) return { ...report, error: `killed by ${res.signal}` };
  if (res.exitCode !== test.exitCode) return { ...report, error: `exit status ${res.exitCode}, expected ${test.exitCode}` };
  // Matched without the final newline(s), so that `^version 1.2$` matches a one-line answer.
  if (test.expect !== undefined && !new RegExp(test.expect).test(output.replace(/\n+$/, ''))) {
    return { ...report, error: `the output does not match /${test.expect}/` };
  }
  return { ...report, ok: true };
}

/** Run each command in turn; every result is reported, a failure does not stop the rest. */
export async function runCommands(opts: RunCommandsOptions): Promise<RunReport> {
  const home = path.join(opts.scratch, 'home');
  const tmp = path.join(opts.scratch, 'tmp');
  await fs.mkdir(home, { recursive: true });
  await fs.mkdir(tmp, { recursive: true });
  // Nothing from the build or the caller's environment: no CC, PREFIX, LD_LIBRARY_PATH, DYLD_*, PKG_CONFIG_PATH...
  const env = { PATH: [path.join(opts.root, 'bin'), ...HOST_PATH].join(path.delimiter), HOME: home, TMPDIR: tmp, LANG: 'C', LC_ALL: 'C', TERM: 'dumb' };
  const commands: CommandReport[] = [];
  for (const test of opts.tests) {
    try {
      commands.push(await runOne(test, opts, env));
    } catch (err) {
      commands.push({
        argv: [...test.argv],
        default: test.default === true,
        expectedExitCode: test.exitCode,
        ok: false,
        exitCode: null,
        timedOut: false,
        output: '',
        error: `could not start: ${(err as Error).message}`,
      });
    }
  }
  return { ran: true, runner: { kind: opts.runner.kind, command: opts.runner.command }, commands };
}
