import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type RunOptions } from './main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI, as `node_modules/.bin/potions` runs it. */
export const CLI_BUNDLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'potions.mjs');

/**
 * `POTIONS_CLI_UNDER_TEST=dist`: `runCli` runs the built CLI in a child
 * process instead of the sources in-process, so that the commands' own tests
 * check the bundle (`POTIONS_CLI_UNDER_TEST=dist npx jest packages/cli`).
 */
const underTest = (): 'src' | 'dist' => (process.env.POTIONS_CLI_UNDER_TEST === 'dist' ? 'dist' : 'src');

/**
 * Run `potions ARGS` in-process, as a user would from a shell, and capture what
 * it prints: stdout (JSON with --json) and stderr (human text) separately.
 * `options.register` puts a command with test dependencies in place of the
 * real groups: `runCli(['doctor'], { register: (p) => registerDoctorCommand(p, { env }) })`
 * (always in-process: a child could not get them).
 */
export async function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  if (underTest() === 'dist' && !options.register) return runBundle(args);
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

/** Run the built CLI (`node packages/cli/dist/potions.mjs ARGS`) in this folder and environment. */
export function runBundle(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [CLI_BUNDLE, ...args],
      { cwd: options.cwd ?? process.cwd(), env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}
