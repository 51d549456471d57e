/**
 * One attempt at a build, as a row of stages that each take and return data:
 * source (cache, download, verify), unpack, dependencies, steps, relocate,
 * pack, metadata. `attempt` only composes them.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ArtifactMetadataSchema, UserError, errorMessage, platformOs, writeFileAtomic, type ArtifactMetadata, type BuildMethod, type Exec } from '@potions/core';
import type { BuildJob } from './build-job';
import { planBuildSteps, fixedPrefix, type BuildLayout } from './build-steps';
import { buildCacheKey } from './cache';
import { inStep, type BuildContext } from './context';
import { buildEnvironment, type DependencyPrefix } from './environment';
import { BuilderErrorCode } from './errors';
import { fetchSource, type FetchedSource } from './fetch-source';
import { artifactBaseName, installArtifact, packArtifact } from './artifact';
import { installBinaryRelpath } from './binary-relpath';
import { pathProblem } from './dirs';
import { requiredHostTools, assertHostTools, toolchainVersions } from './host-tools';
import { artifactMetadataFor } from './metadata';
import { exists, relocateStage } from './relocate';
import { runBuildSteps } from './run-steps';
import { linkTimeRunpath } from './runpath';
import { unpackSource } from './unpack';
import type { IsolationSpec } from './sandbox';
import { makeWorkDir, removeOnInterrupt } from './work-dirs';

/** A dependency already built for this build. */
export interface BuiltDependency {
  job: BuildJob;
  result: BuildResult;
}

/** `built`: from source or an official binary; `fallback`: the official binary could not be had, built from `source_build`. */
export type BuildStatus = 'built' | 'fallback';

export interface BuildResult {
  status: BuildStatus;
  /** True when the artifact came from the build cache. */
  cached: boolean;
  name: string;
  version: string;
  platform: BuildJob['platform'];
  method: BuildMethod;
  /** `<out>/<name>-<version>-<platform>.tar.gz` */
  artifact: string;
  /** SHA-256 of the `.tar.gz`. */
  sha256: string;
  /** `<out>/<name>-<version>-<platform>.tar.zst` */
  artifactZst: string;
  /** `<artifact>.json` */
  metadataFile: string;
  metadata: ArtifactMetadata;
  cacheKey: string;
}

export interface ArtifactFiles {
  tgz: string;
  zst: string;
  json: string;
}

/** Every file the builder writes for one artifact. */
export function artifactFiles(outDir: string, name: string, version: string, platform: BuildJob['platform']): ArtifactFiles {
  const base = path.join(outDir, artifactBaseName(name, version, platform));
  return { tgz: `${base}.tar.gz`, zst: `${base}.tar.zst`, json: `${base}.tar.gz.json` };
}

/** Build `job` once (see the stages below); the work folder is removed afterwards unless kept. */
export async function attempt(ctx: BuildContext, job: BuildJob, method: BuildMethod, deps: readonly BuiltDependency[], fallbackReason?: string): Promise<BuildResult> {
  const started = performance.now();
  const files = artifactFiles(ctx.outDir, job.name, job.version, job.platform);
  const workLayout = await makeLayout(ctx, job);
  // Ctrl-C or a TERM removes the folder too (kill -9 cannot: the next build sweeps it).
  const unwatch = ctx.keepWorkDir ? () => undefined : removeOnInterrupt(workLayout.workDir);
  let layout = workLayout;
  const isolated = ctx.isolation.environment.mode === 'host' ? undefined : ctx.isolation.environment.mode;
  try {
    const baseEnv = buildEnvironment({ spec: job, layout, jobs: ctx.jobs, sourceDateEpoch: 0, dependencies: [], inherited: ctx.env, isolated });
    // The toolchain as the steps see it (in the sandbox, in the container image).
    const toolchain = await toolchainVersions(
      { buildType: job.buildType, method: sourceOrBinary(method) },
      { exec: stepsExec(ctx, layout), env: baseEnv, cwd: layout.workDir, host: ctx.host },
    );
    const keyFor = (source: string): string =>
      buildCacheKey({
        name: job.name,
        version: job.version,
        platform: job.platform,
        method,
        recipeDigest: job.recipeDigest,
        source,
        toolchain,
        dependencies: deps.map((d) => d.result.cacheKey),
        environment: ctx.isolation.cacheTag,
      });

    // Source stage. A pinned digest (or a git ref) names the source before any
    // download: a cache hit then costs no network at all.
    const pinned = job.source.kind === 'git' ? `git:${job.source.url}#${job.source.ref}` : job.source.sha256;
    const early = pinned ? await fromCache(ctx, keyFor(pinned), files) : undefined;
    if (early) return early;
    const fetched = await inStep(ctx, job, 'download', () => fetchStage(ctx, job, layout, baseEnv));
    const cacheKey = keyFor(pinned ?? fetched.sha256);
    const late = pinned ? undefined : await fromCache(ctx, cacheKey, files);
    if (late) return late;

    const unpacked = await inStep(ctx, job, 'extract', () =>
      unpackSource({ job, method, fetched, layout, sourceDateEpoch: ctx.sourceDateEpoch, nowSeconds: Math.floor(ctx.now().getTime() / 1000) }),
    );
    layout = settleBuildDirs(job, layout);
    const depPrefixes = await inStep(ctx, job, 'extract', () => dependenciesStage(layout, deps));
    const env = buildEnvironment({ spec: job, layout, jobs: ctx.jobs, sourceDateEpoch: unpacked.sourceDateEpoch, dependencies: depPrefixes, inherited: ctx.env, isolated });

    await inStep(ctx, job, 'build', () => stepsStage(ctx, job, method, layout, env, fetched, depPrefixes));
    const relocation = await inStep(ctx, job, 'package', () =>
      relocateStage({ job, layout, dependencies: depPrefixes, exec: ctx.exec, env, host: ctx.host, reporter: ctx.reporter }),
    );
    const packed = await inStep(ctx, job, 'package', () => packArtifact(layout.stagedPrefix, files, unpacked.sourceDateEpoch));
    const metadata = artifactMetadataFor({
      job,
      method,
      fallbackReason,
      files,
      packed,
      fetched,
      pinned: Boolean(pinned),
      prefix: layout.prefix,
      relocation,
      dependencies: deps.map((d) => ({ name: d.job.name, version: d.job.version, sha256: d.result.sha256 })),
      toolchain,
      sourceDateEpoch: unpacked.sourceDateEpoch,
      builtAt: ctx.now(),
      durationMs: performance.now() - started,
      cacheKey,
      buildEnvironment: ctx.isolation.environment,
    });
    await inStep(ctx, job, 'package', () => writeFileAtomic(files.json, `${JSON.stringify(metadata, null, 2)}\n`));
    await saveToCache(ctx, job, cacheKey, files);
    ctx.reporter.info(`${job.name} ${job.version} (${job.platform}): ${path.basename(files.tgz)} sha256 ${packed.tgz.sha256}`);
    return resultOf(metadata, files, false);
  } finally {
    if (!ctx.keepWorkDir) await fs.rm(workLayout.workDir, { recursive: true, force: true }).catch(() => undefined);
    else ctx.reporter.info(`kept the work folder ${workLayout.workDir}`);
    unwatch();
  }
}

/**
 * What the build steps may see: the work folder (source, build, stage, its
 * own temporary folder), with the dependencies and the download read-only;
 * no network. In host mode, everything (see docs/build-environments.md).
 */
export function stepsSpec(layout: Pick<BuildLayout, 'workDir'>): IsolationSpec {
  return { writable: [layout.workDir], readOnly: [path.join(layout.workDir, 'deps'), path.join(layout.workDir, 'download')], network: false };
}

/** The `Exec` of this build's steps: through the sandbox or the container when there is one. */
function stepsExec(ctx: BuildContext, layout: BuildLayout): Exec {
  return ctx.isolation.execFor(stepsSpec(layout));
}

/** An official binary compiles nothing; a source build and its fallback do. */
export const sourceOrBinary = (method: BuildMethod): BuildJob['method'] => (method === 'official-binary' ? 'official-binary' : 'source');

async function makeLayout(ctx: BuildContext, job: BuildJob): Promise<BuildLayout> {
  let workDir: string;
  try {
    workDir = await makeWorkDir(ctx.workRoot, job.name, ctx.now);
    await fs.mkdir(path.join(workDir, 'tmp'), { recursive: true });
  } catch (err) {
    const problem = pathProblem(err);
    if (!problem) throw err;
    throw new UserError(BuilderErrorCode.WorkDir, `cannot make a build folder in ${ctx.workRoot}: ${problem}`, {
      hint: 'set TMPDIR to a writable folder with room for a build',
      cause: err,
    });
  }
  const prefix = fixedPrefix(job.name, ctx.prefixRoot);
  const stageDir = path.join(workDir, 'stage');
  const src = path.join(workDir, 'src');
  return { workDir, sourceRoot: src, sourceDir: src, buildDir: src, stageDir, prefix, stagedPrefix: path.join(stageDir, prefix) };
}

/** Where the top-level build file is, and where configure and make run (cmake and meson always out of tree). */
function settleBuildDirs(job: BuildJob, layout: BuildLayout): BuildLayout {
  const sourceDir = job.configure.sourceDir ? path.join(layout.sourceRoot, job.configure.sourceDir) : layout.sourceRoot;
  const outOfTree = (job.build.outOfTree && job.buildType !== 'custom') || job.buildType === 'cmake' || job.buildType === 'meson';
  return { ...layout, sourceDir, buildDir: outOfTree ? path.join(layout.workDir, 'build') : sourceDir };
}

function fetchStage(ctx: BuildContext, job: BuildJob, layout: BuildLayout, env: Record<string, string>): Promise<FetchedSource> {
  return fetchSource({
    source: job.source,
    mirrors: ctx.mirrors,
    dir: path.join(layout.workDir, 'download'),
    transport: ctx.transport,
    exec: ctx.exec,
    env,
    reporter: ctx.reporter,
    baseDir: ctx.baseDir ?? (job.recipeFile ? path.dirname(job.recipeFile) : undefined),
    subject: job.name,
  });
}

/** Dependencies stage: each dependency's artifact extracted into the work folder, its text files relocated there. */
async function dependenciesStage(layout: BuildLayout, deps: readonly BuiltDependency[]): Promise<DependencyPrefix[]> {
  await fs.mkdir(layout.buildDir, { recursive: true });
  await fs.mkdir(layout.stagedPrefix, { recursive: true });
  const out: DependencyPrefix[] = [];
  for (const d of deps) {
    const dir = path.join(layout.workDir, 'deps', d.job.name);
    await installArtifact(d.result.artifact, dir, d.result.metadata.relocatedFiles);
    out.push({ name: d.job.name, prefix: dir });
  }
  return out;
}

/**
 * Steps stage: the tools a source without `configure` needs are checked
 * before anything runs, then the planned steps run; an official binary's
 * `binary_relpath` is installed before the recipe's own install script.
 */
async function stepsStage(
  ctx: BuildContext,
  job: BuildJob,
  method: BuildMethod,
  layout: BuildLayout,
  env: Record<string, string>,
  fetched: FetchedSource,
  deps: readonly DependencyPrefix[],
): Promise<void> {
  const hasConfigure = await exists(path.join(layout.sourceDir, 'configure'));
  const exec = stepsExec(ctx, layout);
  const late = requiredHostTools({ job: { ...job, method: sourceOrBinary(method) }, host: ctx.host, hasConfigure }).filter((t) => t.uses.some((u) => u.by === 'no-configure'));
  if (late.length > 0) {
    await assertHostTools([{ subject: `${job.name} (its source has no configure script)`, tools: late }], { exec, env, cwd: layout.workDir, host: ctx.host });
  }
  const steps = planBuildSteps(job, layout, {
    jobs: ctx.jobs,
    hasConfigure,
    hasAutogen: await exists(path.join(layout.sourceDir, 'autogen.sh')),
    runpath: platformOs(job.platform) === 'linux' ? linkTimeRunpath(deps) : [],
  });
  const run = (list: typeof steps): Promise<void> =>
    runBuildSteps({ job, steps: list, env, logFile: path.join(layout.workDir, 'build.log'), exec, reporter: ctx.reporter });
  if (method !== 'official-binary' || job.binaryRelpath === undefined) return run(steps);
  await run(steps.filter((s) => s.step !== 'install'));
  await inStep(ctx, job, 'install', () => installBinaryRelpath(job, layout, path.basename(fetched.path)));
  await run(steps.filter((s) => s.step === 'install'));
}

async function saveToCache(ctx: BuildContext, job: BuildJob, key: string, files: ArtifactFiles): Promise<void> {
  if (!ctx.cache) return;
  try {
    await ctx.cache.save(key, [files.tgz, files.zst, files.json]);
  } catch (err) {
    ctx.reporter.warn(`${job.name}: could not save the build cache: ${errorMessage(err)}`);
  }
}

/** A cache hit: the three files restored into the output folder, and their metadata (checked against the schema). */
async function fromCache(ctx: BuildContext, key: string, files: ArtifactFiles): Promise<BuildResult | undefined> {
  if (!ctx.cache) return undefined;
  let restored: string[] | undefined;
  try {
    restored = await ctx.cache.restore(key, path.dirname(files.tgz));
  } catch (err) {
    ctx.reporter.warn(`could not read the build cache: ${errorMessage(err)}`);
    return undefined;
  }
  if (!restored || ![files.tgz, files.zst, files.json].every((f) => restored.includes(f))) return undefined;
  let metadata: ArtifactMetadata;
  try {
    metadata = ArtifactMetadataSchema.parse(JSON.parse(await fs.readFile(files.json, 'utf8')));
  } catch (err) {
    ctx.reporter.warn(`the build cache entry ${key} is unreadable, building instead: ${errorMessage(err).split('\n')[0]}`);
    return undefined;
  }
  ctx.reporter.info(`${metadata.name} ${metadata.version} (${metadata.platform}): taken from the build cache (${key})`);
  return resultOf(metadata, files, true);
}

function resultOf(metadata: ArtifactMetadata, files: ArtifactFiles, cached: boolean): BuildResult {
  return {
    status: metadata.status,
    cached,
    name: metadata.name,
    version: metadata.version,
    platform: metadata.platform,
    method: metadata.method,
    artifact: files.tgz,
    artifactZst: files.zst,
    sha256: metadata.artifact.tarGz.sha256,
    metadataFile: files.json,
    metadata,
    cacheKey: metadata.cacheKey,
  };
}
