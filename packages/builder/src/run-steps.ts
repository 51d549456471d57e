import { promises as fs } from 'node:fs';
import { errorMessage, type Exec, type Reporter } from '@potions/core';
import type { BuildJob } from './build-job';
import type { BuildStep } from './build-steps';
import { pathProblem } from './dirs';
import { BuildError } from './errors';

/**
 * The build log of one step, appended in order. Output arrives in a
 * callback that cannot wait; each write is chained after the previous one and
 * `close()` waits for all of them, so a write that fails (a full disk) fails
 * the step instead of becoming an unhandled rejection.
 */
class StepLog {
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  private constructor(private readonly handle: fs.FileHandle) {}

  static async open(file: string): Promise<StepLog> {
    return new StepLog(await fs.open(file, 'a'));
  }

  append(data: string | Buffer): void {
    this.chain = this.chain.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await this.handle.write(typeof data === 'string' ? Buffer.from(data) : data);
      } catch (err) {
        this.failure = err;
      }
    });
  }

  /** Wait for every write, close, and throw the first write error, if any. */
  async close(): Promise<void> {
    await this.chain;
    await this.handle.close().catch((err: unknown) => {
      this.failure ??= err;
    });
    if (this.failure !== undefined) throw this.failure;
  }
}

export interface StepsStageOptions {
  job: BuildJob;
  steps: readonly BuildStep[];
  /** The build environment (each step's own variables are added). */
  env: Record<string, string>;
  /** Every step's output is appended here. */
  logFile: string;
  exec: Exec;
  reporter: Reporter;
}

/**
 * Steps stage: run the planned steps in order, all within the recipe's
 * `build.timeout_minutes` (measured with a timer, not the clock), each one's
 * output appended to the build log. A step that cannot start, fails, runs out
 * of time, or whose log cannot be written is a `BuildError` for its step.
 */
export async function runBuildSteps(opts: StepsStageOptions): Promise<void> {
  const { job } = opts;
  const budgetMs = job.build.timeoutMinutes * 60_000;
  const started = performance.now();
  for (const s of opts.steps) {
    const remaining = budgetMs - (performance.now() - started);
    if (remaining <= 0) {
      throw new BuildError(job.name, s.step, `build.timeout_minutes (${job.build.timeoutMinutes}) ran out before ${s.label}`, { file: job.recipeFile });
    }
    await runStep(opts, s, remaining);
  }
}

async function runStep(opts: StepsStageOptions, s: BuildStep, timeoutMs: number): Promise<void> {
  const { job, reporter } = opts;
  reporter.info(`${job.name}: ${s.step}: ${s.label}`);
  await fs.mkdir(s.cwd, { recursive: true });
  const log = await StepLog.open(opts.logFile);
  const progress = reporter.progress(`${job.name} ${s.label}`, undefined, 'lines');
  let lines = 0;
  let result: Awaited<ReturnType<Exec>> | undefined;
  let startError: unknown;
  log.append(`\n$ ${s.argv.map((a) => (a.includes('\n') ? '<script>' : a)).join(' ')}\n`);
  try {
    result = await opts.exec({
      argv: s.argv,
      cwd: s.cwd,
      env: { ...opts.env, ...s.env },
      timeoutMs,
      onOutput: (chunk) => {
        log.append(chunk);
        lines += chunk.toString('utf8').split('\n').length - 1;
        progress.update(lines);
      },
    });
  } catch (err) {
    startError = err;
  }
  try {
    await log.close();
  } catch (err) {
    const problem = pathProblem(err) ?? errorMessage(err);
    throw new BuildError(job.name, s.step, `cannot write the build log ${opts.logFile}: ${problem}`, {
      cause: err,
      file: job.recipeFile,
      hint: 'check the free space and the permissions of TMPDIR',
    });
  }
  if (startError !== undefined || !result) {
    throw new BuildError(job.name, s.step, `${s.label} could not start: ${errorMessage(startError)}`, {
      cause: startError,
      file: job.recipeFile,
      hint: `is ${s.argv[0]} installed?`,
    });
  }
  if (result.timedOut) {
    throw new BuildError(job.name, s.step, `${s.label} did not finish within build.timeout_minutes (${job.build.timeoutMinutes})`, {
      file: job.recipeFile,
      hint: 'raise build.timeout_minutes in the recipe if the build is just slow',
    });
  }
  if (result.exitCode !== 0) {
    const tail = result.tail.trim().split('\n').slice(-25).join('\n');
    throw new BuildError(job.name, s.step, `${s.label} exited with ${result.exitCode ?? result.signal}\n${tail}`, { file: job.recipeFile });
  }
  progress.done();
}
