/**
 * The programs behind each delta format, run through `@potions/core`'s `Exec`
 * (an argument vector, never a shell string). Why programs and not an npm
 * library: bsdiff/bspatch and zstd are the reference implementations, kept by
 * their authors and by Debian (and bspatch ships with macOS); the npm ports are
 * native addons that need a compiler at install time, or unmaintained.
 */
import { hasCode, spawnExec, type Exec, type ExecResult } from '@potions/core';
import { DeltaErrorCode, deltaError } from './errors';

export const DELTA_FORMATS = ['bsdiff', 'zstd'] as const;
/**
 * - `bsdiff`: Colin Percival's bsdiff 4 (`BSDIFF40`, bzip2 inside) over the
 *   uncompressed tars. The smallest deltas on programs (docs/delta.md).
 * - `zstd`: `zstd --patch-from` over the uncompressed tars, window sized to
 *   cover them. Larger deltas, but zstd is on more machines and applies fastest.
 */
export type DeltaFormat = (typeof DELTA_FORMATS)[number];

export function isDeltaFormat(value: unknown): value is DeltaFormat {
  return typeof value === 'string' && (DELTA_FORMATS as readonly string[]).includes(value);
}

export function assertDeltaFormat(value: unknown): DeltaFormat {
  if (!isDeltaFormat(value)) {
    throw deltaError(DeltaErrorCode.UnknownFormat, `unknown delta format ${JSON.stringify(value)}: expected one of ${DELTA_FORMATS.join(', ')}`, {
      hint: 'a newer Potions may know it; download the full artifact',
    });
  }
  return value;
}

/** zstd cannot use a window (and so a base) larger than 2^31 bytes. */
export const ZSTD_MAX_WINDOW_LOG = 31;

/** The smallest `--long` window log whose window covers `bytes` (2^N >= bytes), at least 10. */
export function zstdWindowLog(bytes: number): number {
  let n = 10;
  while (2 ** n < bytes) n++;
  return n;
}

interface FormatTools {
  /** File name suffix of a delta in this format. */
  suffix: string;
  make: string;
  apply: string;
  makeArgv(base: string, target: string, out: string, largest: number): string[];
  applyArgv(base: string, delta: string, out: string): string[];
  /** How to get the programs. */
  hint: string;
}

export const FORMAT_TOOLS: Readonly<Record<DeltaFormat, FormatTools>> = {
  bsdiff: {
    suffix: 'bsdiff',
    make: 'bsdiff',
    apply: 'bspatch',
    makeArgv: (base, target, out) => ['bsdiff', base, target, out],
    applyArgv: (base, delta, out) => ['bspatch', base, out, delta],
    hint: 'install bsdiff (apt install bsdiff, brew install bsdiff; macOS ships bspatch)',
  },
  zstd: {
    suffix: 'zstpatch',
    make: 'zstd',
    apply: 'zstd',
    // --single-thread: the same inputs give the same delta bytes. The window
    // covers the larger tar, so every byte of the base can be referenced.
    makeArgv: (base, target, out, largest) => [
      'zstd', '-q', '-19', '--single-thread', `--long=${zstdWindowLog(largest)}`, `--patch-from=${base}`, target, '-o', out,
    ],
    // --long=31 lifts the decoder's window limit (default 2^27) to zstd's
    // maximum; the memory used is the window the delta declares, no more.
    applyArgv: (base, delta, out) => ['zstd', '-d', '-q', `--long=${ZSTD_MAX_WINDOW_LOG}`, `--patch-from=${base}`, delta, '-o', out],
    hint: 'install zstd (apt install zstd, brew install zstd)',
  },
};

export const ZSTD_DECOMPRESS_HINT = FORMAT_TOOLS.zstd.hint;

/** How tools are run: the `Exec`, the child's whole environment, a folder to run in. */
export interface ToolRunner {
  exec: Exec;
  env: Record<string, string>;
  cwd: string;
}

/** Only PATH and a fixed locale reach the tools (nothing is inherited implicitly). */
export function defaultToolEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C' };
}

/**
 * Runs one program; a program that is not installed is `E_DELTA_TOOL_MISSING`
 * (the caller falls back), any other failure to start is rethrown.
 */
export async function runTool(runner: ToolRunner, argv: string[], hint: string, timeoutMs?: number): Promise<ExecResult> {
  try {
    return await runner.exec({ argv, cwd: runner.cwd, env: runner.env, timeoutMs });
  } catch (err) {
    if (hasCode(err, 'ENOENT')) {
      throw deltaError(DeltaErrorCode.ToolMissing, `${argv[0]} is not installed (looked in PATH=${runner.env.PATH ?? ''})`, { hint, cause: err });
    }
    throw err;
  }
}

/**
 * Whether `program` can be started. bsdiff and bspatch have no `--version`:
 * run bare they print their usage and exit 1, which still proves they are there.
 */
export async function toolExists(runner: ToolRunner, program: string): Promise<boolean> {
  try {
    await runner.exec({ argv: program === 'zstd' ? ['zstd', '--version'] : [program], cwd: runner.cwd, env: runner.env, timeoutMs: 20_000 });
    return true;
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return false;
    throw err;
  }
}

export async function assertTool(runner: ToolRunner, program: string, hint: string): Promise<void> {
  if (!(await toolExists(runner, program))) {
    throw deltaError(DeltaErrorCode.ToolMissing, `${program} is not installed (looked in PATH=${runner.env.PATH ?? ''})`, { hint });
  }
}

/** The last lines of a tool's output, for an error message. */
export function toolFailure(result: ExecResult): string {
  if (result.timedOut) return 'timed out';
  const tail = result.tail.trim().split('\n').slice(-3).join(' / ');
  const status = result.signal ? `killed by ${result.signal}` : `exit status ${result.exitCode}`;
  return tail ? `${status}: ${tail}` : status;
}

/**
 * The formats whose programs this machine has: for `apply` (what `potions
 * fetch` may download) or `make` (what a publisher can produce).
 */
export async function availableDeltaFormats(
  options: { purpose?: 'apply' | 'make'; exec?: Exec; env?: Record<string, string>; cwd?: string } = {},
): Promise<DeltaFormat[]> {
  const runner: ToolRunner = { exec: options.exec ?? spawnExec, env: options.env ?? defaultToolEnv(), cwd: options.cwd ?? process.cwd() };
  const found: DeltaFormat[] = [];
  for (const format of DELTA_FORMATS) {
    const tools = FORMAT_TOOLS[format];
    const needed = options.purpose === 'make' ? [tools.make, tools.apply] : [tools.apply];
    let ok = true;
    for (const program of needed) ok = ok && (await toolExists(runner, program));
    if (ok) found.push(format);
  }
  return found;
}
