import { run, type RunOptions } from './main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `potions ARGS` in-process, as a user would from a shell, and capture what
 * it prints: stdout (JSON with --json) and stderr (human text) separately.
 * `options.register` puts a command with test dependencies in place of the
 * real groups: `runCli(['mirrors', 'sync', dir], { register: (p) => registerMirrorsCommand(p, deps) })`.
 */
export async function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await run(args, options);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = undefined;
  }
}
