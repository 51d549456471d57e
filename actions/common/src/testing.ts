/**
 * For the actions' tests (not part of the adapter): run an action's `main()`
 * in-process as a GitHub runner would for one step, and put `process.env` back.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** A copy of `process.env` to give to `restoreEnv` (take it when the test file loads). */
export function saveEnv(): NodeJS.ProcessEnv {
  return { ...process.env };
}

/** Make `process.env` exactly `saved` again: variables added since are removed, changed ones reset. */
export function restoreEnv(saved: NodeJS.ProcessEnv): void {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
}

/** The `name=value` pairs @actions/core wrote to GITHUB_OUTPUT (heredoc format). */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^(.+?)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm)) out[m[1]!] = m[3]!;
  return out;
}

export interface ActionStepOptions {
  /** The workspace (GITHUB_WORKSPACE); each step gets a fresh `step-*` folder inside it (RUNNER_TEMP). */
  dir: string;
  /** The step's `with:` values, by input name (set as INPUT_<NAME>; earlier steps' inputs are cleared). */
  inputs: Record<string, string>;
  /** More environment for the step (secrets, settings), or a function of the step folder that returns it. */
  env?: Record<string, string> | ((step: string) => Record<string, string>);
}

export interface ActionStep {
  /** What the step set with setOutput, by name. */
  outputs: Record<string, string>;
  /** The GITHUB_OUTPUT file as written. */
  outputText: string;
  /** The GITHUB_STEP_SUMMARY file as written. */
  summary: string;
  /** Everything written to stdout (log lines and workflow commands such as `::add-mask::`). */
  stdout: string;
  /** `process.exitCode` as main() left it (reset afterwards). */
  exitCode: typeof process.exitCode;
}

/**
 * Run `main` as the runner would run the action with these inputs. A rejection
 * from `main` is passed on. Restore the environment afterwards with `restoreEnv`.
 */
export async function runActionStep(main: () => Promise<void>, options: ActionStepOptions): Promise<ActionStep> {
  const { dir, inputs, env = {} } = options;
  const step = await fs.mkdtemp(path.join(dir, 'step-'));
  const outputFile = path.join(step, 'output');
  // @actions/core's summary remembers the first file it wrote to (one step per process on a runner): reuse one.
  const summaryFile = path.join(dir, 'summary.md');
  await fs.writeFile(outputFile, '');
  await fs.writeFile(summaryFile, '');
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  Object.assign(
    process.env,
    { GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_WORKSPACE: dir, RUNNER_TEMP: step },
    typeof env === 'function' ? env(step) : env,
  );
  for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v;
  let stdout = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  try {
    await main();
  } finally {
    process.stdout.write = write;
  }
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  const outputText = await fs.readFile(outputFile, 'utf8');
  return { outputs: parseOutputs(outputText), outputText, summary: await fs.readFile(summaryFile, 'utf8'), stdout, exitCode };
}
