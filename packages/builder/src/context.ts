import { errorMessage, isUserError, type Exec, type Now, type Platform, type Reporter } from '@potions/core';
import type { BuildCache } from './cache';
import { pathProblem } from './dirs';
import { BuildError, isBuildError, type FailedStep } from './errors';
import type { BuildJob } from './build-job';
import type { BuildIsolation } from './isolation';
import type { SourceTransport } from './fetch-source';

/** What every stage of a build may use: the caller's options, resolved once. */
export interface BuildContext {
  outDir: string;
  cache?: BuildCache;
  reporter: Reporter;
  exec: Exec;
  transport: SourceTransport;
  /** The environment the builder runs in. */
  env: NodeJS.ProcessEnv;
  now: Now;
  jobs: number;
  /** User source mirrors. */
  mirrors: string[];
  prefixRoot: string;
  workRoot: string;
  keepWorkDir: boolean;
  /** The caller's SOURCE_DATE_EPOCH, if any. */
  sourceDateEpoch?: number;
  host: Platform | undefined;
  /** Read relative key paths from here (default: the recipe file's folder). */
  baseDir?: string;
  /** Takes the source mirrors' credentials out of a message. */
  redact: (text: string) => string;
  /** Where the build steps run (host, sandbox, container), chosen before the build. */
  isolation: BuildIsolation;
}

/**
 * Run one stage of a build. A user's mistake (a bad download, a recipe
 * script that fails, an archive that is refused) or a file system problem
 * (no space, no permission) becomes a `BuildError` for `step`, with its hint;
 * a `BuildError` passes through. Anything else is a bug and is thrown as it
 * is, so that it is reported as one and not as a failed build.
 */
export async function inStep<T>(ctx: BuildContext, job: BuildJob, step: FailedStep, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asBuildError(ctx, job, step, err);
  }
}

/** `err` as a `BuildError` for `step`, when it is the user's to fix (see `inStep`); otherwise `err` itself. */
export function asBuildError(ctx: BuildContext, job: BuildJob, step: FailedStep, err: unknown): unknown {
  if (isBuildError(err)) return err;
  const problem = isUserError(err) ? undefined : pathProblem(err);
  if (!isUserError(err) && !problem) return err;
  const message = ctx.redact(errorMessage(err));
  const hint = isUserError(err) ? err.hint : `${problem}: check the output folder, TMPDIR and the free space`;
  const field = isUserError(err) ? err.location?.field : undefined;
  return new BuildError(job.name, step, message, { cause: err, hint, file: job.recipeFile, field });
}
