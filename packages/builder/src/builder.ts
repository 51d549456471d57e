import os from 'node:os';
import {
  UserError,
  errorMessage,
  hostPlatform,
  silentReporter,
  spawnExec,
  systemNow,
  urlSecrets,
  type Exec,
  type Now,
  type Platform,
  type Reporter,
} from '@potions/core';
import type { BuildMethod, BuildJob } from './build-job';
import { DEFAULT_PREFIX_ROOT } from './build-steps';
import type { BuildCache } from './cache';
import type { ContainerEngineName } from './container';
import type { BuildContext } from './context';
import { ensureWritableDir } from './dirs';
import { BuilderErrorCode, isBuildError } from './errors';
import { isUnreachable, type SourceTransport } from './fetch-source';
import { assertHostTools, requiredHostTools } from './host-tools';
import { resolveIsolation, type BuildIsolation, type SandboxMode } from './isolation';
import { sweepStaleWorkDirs } from './work-dirs';
import { isolatedPath } from './environment';
import { redactMirrorSecrets } from './source-mirrors';
import { downloaderTransport } from './transport';
import { attempt, sourceOrBinary, type BuildResult, type BuiltDependency } from './attempt';

export interface BuildOptions {
  /** Where the artifact files go. */
  outDir: string;
  /** User source mirrors (`BASE/<host>/<path>`), tried after the recipe's own URLs. */
  sourceMirrors?: string[];
  /** Undefined: no cache. */
  cache?: BuildCache;
  /** Dependencies of the job, dependencies first (see `@potions/recipe` `buildOrder`). */
  dependencies?: BuildJob[];
  /** Parallel jobs (`make -jN`), 1 to `MAX_BUILD_JOBS`. Default: the number of CPUs. */
  jobs?: number;
  /**
   * The build sandbox (Linux, bubblewrap): `auto` (default) where this
   * machine can make one, `required` (an error before the build where it
   * cannot), `off`. See docs/build-environments.md.
   */
  sandbox?: SandboxMode;
  /** Run the build steps in this container image instead (podman or docker); takes the place of the sandbox. */
  container?: { image: string; engine?: ContainerEngineName };
  reporter?: Reporter;
  exec?: Exec;
  transport?: SourceTransport;
  /** Where work folders are made (default: the system temporary folder). */
  workRoot?: string;
  /** Keep the work folder (for debugging a recipe). */
  keepWorkDir?: boolean;
  /** Override SOURCE_DATE_EPOCH (otherwise `SOURCE_DATE_EPOCH` in `env`, else taken from the source). */
  sourceDateEpoch?: number;
  /** Root of the fixed install prefixes (default /opt/potions). */
  prefixRoot?: string;
  /** The environment the builder runs in (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** The platform this machine builds for (default: the host's). */
  hostPlatform?: Platform;
  /** The clock (`builtAt` in the metadata, the sanity check of source mtimes). */
  now?: Now;
  /** Read relative key paths from here (default: the recipe file's folder). */
  baseDir?: string;
}

/**
 * Build one recipe for one platform and version, its dependencies first: check
 * that this machine has every program the builds need, fetch and verify the
 * source (or the official binary), unpack it safely, build it under the fixed
 * prefix, stage it with DESTDIR, make it relocatable, and pack a
 * deterministic artifact with its metadata. An official binary that no
 * location has is built from `source_build`.
 */
export async function buildRecipe(job: BuildJob, opts: BuildOptions): Promise<BuildResult> {
  if (opts.jobs !== undefined) assertBuildJobs(opts.jobs);
  const base = contextFrom(opts);
  // The user's paths are checked before any work: a file in the way or a
  // folder without permission is their mistake, never "a bug in Potions".
  await ensureWritableDir(opts.outDir, 'output folder', BuilderErrorCode.OutDir, 'give a folder you can write to');
  await opts.cache?.prepare?.();
  await ensureWritableDir(base.workRoot, 'folder for temporary build folders', BuilderErrorCode.WorkDir, 'set TMPDIR to a writable folder with room for a build, whose path has no spaces', {
    noWhitespace: true,
  });
  const all = [...(opts.dependencies ?? []), job];
  for (const j of all) refuseCrossBuild(base, j);
  // Where the steps run is settled before anything is downloaded: a sandbox
  // that is required and cannot be made stops here.
  const isolation = await resolveIsolation({ sandbox: opts.sandbox, container: opts.container, exec: base.exec, env: base.env, host: base.host, reporter: base.reporter });
  const ctx: BuildContext = { ...base, isolation };
  await sweepStaleWorkDirs(ctx.workRoot, { now: ctx.now, reporter: ctx.reporter });
  await checkHostTools(ctx, all.map((j) => ({ job: j, method: j.method })));
  const deps: BuiltDependency[] = [];
  for (const dep of opts.dependencies ?? []) {
    ctx.reporter.info(`building dependency ${dep.name} ${dep.version}`);
    deps.push({ job: dep, result: await buildOne(ctx, dep, deps) });
  }
  return buildOne(ctx, job, deps);
}

/** The most parallel jobs a build takes: more hangs GNU make (its job-server pipe fills before anyone reads it). */
export const MAX_BUILD_JOBS = 1024;

/** A whole number of parallel jobs from 1 to `MAX_BUILD_JOBS`, or a `UserError` (`E_BUILD_JOBS`) that gives the range. */
export function assertBuildJobs(jobs: number): void {
  if (Number.isSafeInteger(jobs) && jobs >= 1 && jobs <= MAX_BUILD_JOBS) return;
  throw new UserError(BuilderErrorCode.Jobs, `the number of parallel build jobs must be a whole number from 1 to ${MAX_BUILD_JOBS}, got ${String(jobs)}`, {
    hint: `give at most ${MAX_BUILD_JOBS} jobs (the default is the number of CPUs)`,
  });
}

function contextFrom(opts: BuildOptions): Omit<BuildContext, 'isolation'> {
  const mirrors = opts.sourceMirrors ?? [];
  const reporter = opts.reporter ?? silentReporter;
  for (const m of mirrors) for (const secret of urlSecrets(m)) reporter.secret(secret);
  const env = opts.env ?? process.env;
  const fromEnv = env.SOURCE_DATE_EPOCH;
  return {
    outDir: opts.outDir,
    cache: opts.cache,
    reporter,
    exec: opts.exec ?? spawnExec,
    transport: opts.transport ?? downloaderTransport({ reporter: opts.reporter }),
    env,
    now: opts.now ?? systemNow,
    jobs: opts.jobs ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
    mirrors,
    prefixRoot: opts.prefixRoot ?? DEFAULT_PREFIX_ROOT,
    workRoot: opts.workRoot ?? os.tmpdir(),
    keepWorkDir: opts.keepWorkDir ?? false,
    sourceDateEpoch: opts.sourceDateEpoch ?? (fromEnv && /^\d+$/.test(fromEnv) ? Number(fromEnv) : undefined),
    host: opts.hostPlatform ?? hostPlatform(),
    baseDir: opts.baseDir,
    redact: (text) => redactMirrorSecrets(text, mirrors),
  };
}

/** The environment without its unset variables, as a child process gets it. */
function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * Before anything is downloaded: every program these builds need, or one
 * error listing all that are missing. The programs the build steps run are
 * looked for where the steps run (the sandbox, the container image).
 */
async function checkHostTools(ctx: BuildContext, builds: readonly { job: BuildJob; method: BuildMethod }[]): Promise<void> {
  const needs = builds.map(({ job, method }) => ({
    subject: `${job.name} (${method === 'official-binary' ? 'official binary' : `${job.buildType} build`})`,
    tools: requiredHostTools({ job: { ...job, method: sourceOrBinary(method) }, host: ctx.host }),
  }));
  await assertHostTools(needs, { exec: ctx.exec, env: definedEnv(ctx.env), cwd: ctx.workRoot, host: ctx.host, steps: stepProbe(ctx.isolation, ctx.env) });
}

/** How the tools of the build steps are looked for: where the steps run, with the `PATH` they get. */
function stepProbe(isolation: BuildIsolation, env: NodeJS.ProcessEnv): { exec: Exec; env: Record<string, string>; cwd: string; where?: string } {
  const mode = isolation.environment.mode;
  const exec = isolation.execFor({ writable: [], readOnly: [], network: false });
  const probeEnv = { PATH: mode === 'host' ? (env.PATH ?? '/usr/local/bin:/usr/bin:/bin') : isolatedPath(mode, env.PATH), LANG: 'C', LC_ALL: 'C' };
  const where = isolation.environment.mode === 'container' ? `in the build image ${isolation.environment.image}` : mode === 'sandbox' ? 'in the build sandbox' : undefined;
  return { exec, env: probeEnv, cwd: '/', where };
}

function refuseCrossBuild(ctx: Pick<BuildContext, 'host'>, job: BuildJob): void {
  if (job.method !== 'source' || job.platform === ctx.host) return;
  throw new UserError(BuilderErrorCode.CrossPlatform, `cannot build ${job.name} from source for ${job.platform} on this ${ctx.host ?? 'unsupported'} machine`, {
    hint: `run the build on a ${job.platform} runner; only official binaries can be packaged for another platform`,
    location: job.recipeFile ? { file: job.recipeFile } : undefined,
  });
}

async function buildOne(ctx: BuildContext, job: BuildJob, deps: readonly BuiltDependency[]): Promise<BuildResult> {
  if (job.method !== 'official-binary') return attempt(ctx, job, 'source', deps);
  if (job.source.kind === 'http' && job.source.urls.length === 0 && job.fallback) {
    return fallback(ctx, job, job.fallback, deps, `the recipe has no official binary for ${job.platform}`);
  }
  try {
    return await attempt(ctx, job, 'official-binary', deps);
  } catch (err) {
    if (!(isBuildError(err) && err.step === 'download' && isUnreachable(err.cause)) || !job.fallback) throw err;
    return fallback(ctx, job, job.fallback, deps, ctx.redact(errorMessage(err.cause ?? err)));
  }
}

async function fallback(ctx: BuildContext, job: BuildJob, fb: BuildJob, deps: readonly BuiltDependency[], reason: string): Promise<BuildResult> {
  ctx.reporter.warn(`${job.name}: the official binary cannot be had (${reason.split('\n')[0]}); building from source_build instead`, {
    file: job.recipeFile,
    title: 'source fallback',
  });
  if (fb.platform !== ctx.host) {
    throw new UserError(
      BuilderErrorCode.CrossPlatform,
      `the official binary of ${job.name} for ${job.platform} cannot be had, and its source_build cannot run on this ${ctx.host ?? 'unsupported'} machine`,
      { hint: `run the build on a ${job.platform} runner` },
    );
  }
  await checkHostTools(ctx, [{ job: fb, method: 'source-fallback' }]);
  return attempt(ctx, fb, 'source-fallback', deps, reason);
}
