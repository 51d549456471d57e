import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  PotionsError,
  UserError,
  errorMessage,
  hasCode,
  hostPlatform,
  isUserError,
  redactUrl,
  urlSecrets,
  platformOs,
  silentReporter,
  writeFileAtomic,
  type Platform,
  type Reporter,
} from '@potions/core';
import { extractArchive, sourceRoot } from '@potions/archive';
import type { BuildMethod, BuildSpec } from './build-spec';
import { planBuildSteps, fixedPrefix, DEFAULT_PREFIX_ROOT, type BuildLayout, type BuildStep } from './build-steps';
import { buildCacheKey, type BuildCache } from './cache';
import { buildEnvironment, type DependencyPrefix } from './environment';
import { spawnExec, type Exec } from '@potions/core';
import { fetchSource, isUnreachable, type FetchedSource, type SourceTransport } from './fetch-source';
import { artifactBaseName, packArtifact, relocateStagedPrefix, installArtifact, findLeaks, type PackedArtifact } from './artifact';
import type { ArtifactMetadata } from './metadata';
import { BUILDER_NAME, BUILDER_VERSION, METADATA_SCHEMA_VERSION } from './metadata';
import { fixRunpaths } from './runpath';
import { toolchainVersions } from './toolchain';
import { downloaderTransport } from './transport';
import { ensureWritableDir, pathProblem } from './dirs';
import { redactMirrorSecrets } from './source-mirrors';

/** `built`: from source or an official binary; `fallback`: the official binary could not be had, built from `source_build`. */
export type BuildStatus = 'built' | 'fallback';

/** The step a build failed in, for annotations and summaries. */
export type FailedStep = 'resolve' | 'download' | 'verify' | 'extract' | 'prepare' | 'configure' | 'build' | 'install' | 'package';

export interface BuildResult {
  status: BuildStatus;
  /** True when the artifact came from the build cache. */
  cached: boolean;
  name: string;
  version: string;
  platform: Platform;
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

/**
 * A build that failed, with the step it failed in. Its `cause` is the original error.
 * Other packages recognise it with `isBuildFailure` (by code), never with `instanceof`.
 */
export class BuildFailure extends UserError {
  constructor(
    readonly recipe: string,
    readonly step: FailedStep,
    message: string,
    options: { cause?: unknown; hint?: string; file?: string },
  ) {
    super('E_BUILD_FAILED', `${recipe}: ${step} failed: ${message}`, {
      cause: options.cause,
      hint: options.hint,
      location: options.file ? { file: options.file } : undefined,
    });
  }
}

export interface BuildOptions {
  /** Where the artifact files go. */
  outDir: string;
  /** User source mirrors (`BASE/<host>/<path>`), tried after the recipe's own URLs. */
  sourceMirrors?: string[];
  /** Undefined: no cache (`--no-cache`). */
  cache?: BuildCache;
  /** Dependencies of `spec`, dependencies first (see `@potions/recipe` `buildOrder`). */
  dependencies?: BuildSpec[];
  /** Parallel jobs (`make -jN`). Default: the number of CPUs. */
  jobs?: number;
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
  now?: () => number;
  /** Read relative key paths from here (default: the recipe file's folder). */
  baseDir?: string;
}

/** A failed build (`E_BUILD_FAILED`) and the step it failed in; compared by code, so bundled copies agree. */
export function isBuildFailure(err: unknown): err is UserError & { code: 'E_BUILD_FAILED'; step: FailedStep; recipe: string } {
  return isUserError(err) && hasCode(err, 'E_BUILD_FAILED') && typeof (err as { step?: unknown }).step === 'string';
}

interface Context {
  opts: BuildOptions;
  reporter: Reporter;
  exec: Exec;
  transport: SourceTransport;
  env: NodeJS.ProcessEnv;
  now: () => number;
  jobs: number;
  mirrors: string[];
  prefixRoot: string;
  /** Takes the source mirrors' credentials out of a message. */
  redact: (text: string) => string;
}

/** Every file the builder writes for one artifact. */
export function artifactFiles(outDir: string, name: string, version: string, platform: Platform): { tgz: string; zst: string; json: string } {
  const base = path.join(outDir, artifactBaseName(name, version, platform));
  return { tgz: `${base}.tar.gz`, zst: `${base}.tar.zst`, json: `${base}.tar.gz.json` };
}

/**
 * Build one recipe for one platform and version, its dependencies first: fetch
 * and verify the source (or the official binary), extract it safely, build it
 * under the fixed prefix, stage it with DESTDIR, fix library search paths,
 * relocate text files, and pack a deterministic artifact with its metadata.
 * An official binary that no location has is built from `source_build`.
 */
export async function buildRecipe(spec: BuildSpec, opts: BuildOptions): Promise<BuildResult> {
  const mirrors = opts.sourceMirrors ?? [];
  const reporter = opts.reporter ?? silentReporter;
  for (const m of mirrors) for (const secret of urlSecrets(m)) reporter.secret(secret);
  const ctx: Context = {
    opts,
    reporter,
    exec: opts.exec ?? spawnExec,
    transport: opts.transport ?? downloaderTransport({ reporter: opts.reporter }),
    env: opts.env ?? process.env,
    now: opts.now ?? Date.now,
    jobs: opts.jobs ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
    mirrors,
    prefixRoot: opts.prefixRoot ?? DEFAULT_PREFIX_ROOT,
    redact: (text) => redactMirrorSecrets(text, mirrors),
  };
  // The user's paths are checked before any work: a file in the way or a
  // folder without permission is their mistake, never "a bug in Potions".
  await ensureWritableDir(opts.outDir, 'output folder', 'E_OUT_DIR', 'give a folder you can write to with --out (the action: output-dir)');
  await opts.cache?.prepare?.();
  const workRoot = opts.workRoot ?? os.tmpdir();
  await ensureWritableDir(workRoot, 'folder for temporary build folders', 'E_WORK_DIR', 'set TMPDIR to a writable folder with room for a build');
  const deps: { spec: BuildSpec; result: BuildResult }[] = [];
  for (const dep of opts.dependencies ?? []) {
    ctx.reporter.info(`building dependency ${dep.name} ${dep.version}`);
    const result = await buildOne(ctx, dep, deps);
    deps.push({ spec: dep, result });
  }
  return buildOne(ctx, spec, deps);
}

async function buildOne(ctx: Context, spec: BuildSpec, deps: { spec: BuildSpec; result: BuildResult }[]): Promise<BuildResult> {
  const host = ctx.opts.hostPlatform ?? hostPlatform();
  if (spec.method === 'source' && spec.platform !== host) {
    throw new UserError('E_CROSS_BUILD', `cannot build ${spec.name} from source for ${spec.platform} on this ${host ?? 'unsupported'} machine`, {
      hint: `run the build on a ${spec.platform} runner; only official binaries can be packaged for another platform`,
      location: spec.recipeFile ? { file: spec.recipeFile } : undefined,
    });
  }
  if (spec.method === 'official-binary') {
    if (spec.source.kind === 'http' && spec.source.urls.length === 0 && spec.fallback) {
      return fallback(ctx, spec, spec.fallback, host, deps, `the recipe has no official binary for ${spec.platform}`);
    }
    try {
      return await attempt(ctx, spec, 'official-binary', deps);
    } catch (err) {
      if (!(isBuildFailure(err) && err.step === 'download' && isUnreachable(err.cause)) || !spec.fallback) throw err;
      return fallback(ctx, spec, spec.fallback, host, deps, ctx.redact(errorMessage(err.cause ?? err)));
    }
  }
  return attempt(ctx, spec, 'source', deps);
}

async function fallback(
  ctx: Context,
  spec: BuildSpec,
  fb: BuildSpec,
  host: Platform | undefined,
  deps: { spec: BuildSpec; result: BuildResult }[],
  reason: string,
): Promise<BuildResult> {
  ctx.reporter.warn(`${spec.name}: the official binary cannot be had (${reason.split('\n')[0]}); building from source_build instead`, {
    file: spec.recipeFile,
    title: 'source fallback',
  });
  if (fb.platform !== host) {
    throw new UserError(
      'E_CROSS_BUILD',
      `the official binary of ${spec.name} for ${spec.platform} cannot be had, and its source_build cannot run on this ${host ?? 'unsupported'} machine`,
      { hint: `run the build on a ${spec.platform} runner` },
    );
  }
  return attempt(ctx, fb, 'source-fallback', deps, reason);
}

async function step<T>(ctx: Context, spec: BuildSpec, name: FailedStep, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isBuildFailure(err)) throw err;
    const problem = isUserError(err) ? undefined : pathProblem(err);
    const message = ctx.redact(errorMessage(err));
    const hint = isUserError(err) ? err.hint : problem ? `${problem}: check the output folder, TMPDIR and the free space` : undefined;
    throw new BuildFailure(spec.name, name, message, { cause: err, hint, file: spec.recipeFile });
  }
}

async function attempt(
  ctx: Context,
  spec: BuildSpec,
  method: BuildMethod,
  deps: { spec: BuildSpec; result: BuildResult }[],
  fallbackReason?: string,
): Promise<BuildResult> {
  const started = ctx.now();
  const { reporter } = ctx;
  const files = artifactFiles(ctx.opts.outDir, spec.name, spec.version, spec.platform);
  const workRoot = ctx.opts.workRoot ?? os.tmpdir();
  let workDir: string;
  try {
    workDir = await fs.mkdtemp(path.join(workRoot, `potions-build-${spec.name}-`));
  } catch (err) {
    const problem = pathProblem(err);
    if (!problem) throw err;
    throw new UserError('E_WORK_DIR', `cannot make a build folder in ${workRoot}: ${problem}`, {
      hint: 'set TMPDIR to a writable folder with room for a build',
      cause: err,
    });
  }
  const prefix = fixedPrefix(spec.name, ctx.prefixRoot);
  const stageDir = path.join(workDir, 'stage');
  const layout: BuildLayout = {
    workDir,
    sourceRoot: path.join(workDir, 'src'),
    sourceDir: path.join(workDir, 'src'),
    buildDir: path.join(workDir, 'src'),
    stageDir,
    prefix,
    stagedPrefix: path.join(stageDir, prefix),
  };
  try {
    await fs.mkdir(path.join(workDir, 'tmp'), { recursive: true });
    const baseEnv = buildEnvironment({ spec, layout, jobs: ctx.jobs, sourceDateEpoch: 0, dependencies: [], inherited: ctx.env });
    const toolchain = await toolchainVersions(spec.buildType, ctx.exec, baseEnv, workDir, method === 'official-binary');
    const depKeys = deps.map((d) => d.result.cacheKey);
    const keyFor = (source: string): string =>
      buildCacheKey({
        name: spec.name,
        version: spec.version,
        platform: spec.platform,
        method,
        recipeDigest: spec.recipeDigest,
        source,
        toolchain,
        dependencies: depKeys,
      });

    // A pinned digest (or a git ref) names the source before any download: a
    // cache hit then costs no network at all.
    const pinned = spec.source.kind === 'git' ? `git:${spec.source.url}#${spec.source.ref}` : spec.source.sha256;
    if (pinned) {
      const hit = await fromCache(ctx, keyFor(pinned), files);
      if (hit) return hit;
    }

    const fetched = await step(ctx, spec, 'download', () =>
      fetchSource({
        source: spec.source,
        mirrors: ctx.mirrors,
        dir: path.join(workDir, 'download'),
        transport: ctx.transport,
        exec: ctx.exec,
        env: baseEnv,
        reporter,
        baseDir: ctx.opts.baseDir ?? (spec.recipeFile ? path.dirname(spec.recipeFile) : undefined),
        subject: spec.name,
      }),
    );
    const cacheKey = keyFor(pinned ?? fetched.sha256);
    if (!pinned) {
      const hit = await fromCache(ctx, cacheKey, files);
      if (hit) return hit;
    }

    // Extract: archives are unpacked (their single top folder becomes the
    // source root); an official binary's zip stays as it is for the recipe's
    // own script, as the recipe format has always done.
    const sourceDateEpoch = await step(ctx, spec, 'extract', async () => {
      await unpack(spec, method, fetched, layout);
      return chooseSourceDateEpoch(ctx, fetched, layout);
    });
    layout.sourceDir = spec.configure.sourceDir ? path.join(layout.sourceRoot, spec.configure.sourceDir) : layout.sourceRoot;
    layout.buildDir = spec.build.outOfTree && spec.buildType !== 'custom' ? path.join(workDir, 'build') : layout.sourceDir;
    if (spec.buildType === 'cmake' || spec.buildType === 'meson') layout.buildDir = path.join(workDir, 'build');
    // Dependencies: extracted into the work folder, their text files relocated there.
    const depPrefixes: DependencyPrefix[] = [];
    await step(ctx, spec, 'extract', async () => {
      await fs.mkdir(layout.buildDir, { recursive: true });
      await fs.mkdir(layout.stagedPrefix, { recursive: true });
      for (const d of deps) {
        const dir = path.join(workDir, 'deps', d.spec.name);
        await installArtifact(d.result.artifact, dir, d.result.metadata.relocatedFiles);
        depPrefixes.push({ name: d.spec.name, prefix: dir });
      }
    });
    const env = buildEnvironment({ spec, layout, jobs: ctx.jobs, sourceDateEpoch, dependencies: depPrefixes, inherited: ctx.env });

    const plan = planBuildSteps(spec, layout, {
      jobs: ctx.jobs,
      hasConfigure: await exists(path.join(layout.sourceDir, 'configure')),
      hasAutogen: await exists(path.join(layout.sourceDir, 'autogen.sh')),
    });
    const logFile = path.join(workDir, 'build.log');
    const deadline = ctx.now() + spec.build.timeoutMinutes * 60_000;
    for (const s of plan) await runStep(ctx, spec, s, env, logFile, deadline);

    const relocation = await step(ctx, spec, 'package', async () => {
      await repairDoubleStaging(layout);
      const entries = await fs.readdir(layout.stagedPrefix);
      if (entries.length === 0) {
        throw new PotionsError('E_EMPTY_INSTALL', `the install step put nothing into ${layout.prefix}`);
      }
      const runpaths = await fixRunpaths({
        root: layout.stagedPrefix,
        dependencies: depPrefixes,
        forbidden: [workDir, layout.prefix, ...depPrefixes.map((d) => d.prefix)],
        exec: ctx.exec,
        env,
        platformOs: platformOs(spec.platform),
      });
      const relocated = await relocateStagedPrefix(layout.stagedPrefix, [layout.stagedPrefix, layout.prefix]);
      const leaks = await findLeaks(layout.stagedPrefix, workDir);
      for (const leak of leaks) reporter.warn(`${spec.name}: ${leak} still names the build folder`, { file: spec.recipeFile, title: 'build folder leak' });
      return { runpaths, relocated, leaks };
    });

    const packed: PackedArtifact = await step(ctx, spec, 'package', () =>
      packArtifact(layout.stagedPrefix, files, sourceDateEpoch),
    );
    const finished = ctx.now();
    const metadata: ArtifactMetadata = {
      schema: METADATA_SCHEMA_VERSION,
      name: spec.name,
      version: spec.version,
      platform: spec.platform,
      method,
      status: method === 'source-fallback' ? 'fallback' : 'built',
      ...(fallbackReason ? { fallbackReason } : {}),
      artifact: {
        tarGz: { file: path.basename(files.tgz), sha256: packed.tgz.sha256, size: packed.tgz.size },
        tarZst: { file: path.basename(files.zst), sha256: packed.zst.sha256, size: packed.zst.size },
      },
      recipe: { digest: spec.recipeDigest, ...(spec.recipeFile ? { file: path.basename(spec.recipeFile) } : {}) },
      source:
        fetched.kind === 'git'
          ? { url: redactUrl(fetched.url), git: { ref: spec.source.kind === 'git' ? spec.source.ref : '', commit: fetched.sha256.replace(/^git:/, '') } }
          : {
              // The recipe's URL: what the artifact is made of. A source mirror that
              // answered instead is recorded beside it, without its credentials.
              url: redactUrl(fetched.url),
              ...(fetched.from ? { mirror: redactUrl(fetched.from) } : {}),
              sha256: fetched.sha256,
              pinned: Boolean(pinned),
              ...(fetched.signature
                ? {
                    signature: {
                      url: redactUrl(fetched.signature.url),
                      ...(fetched.signature.from ? { mirror: redactUrl(fetched.signature.from) } : {}),
                      fingerprint: fetched.signature.fingerprint,
                      signer: fetched.signature.userId,
                    },
                  }
                : {}),
            },
      buildType: spec.buildType,
      prefix: layout.prefix,
      placeholder: relocation.relocated.placeholder,
      relocatedFiles: relocation.relocated.files,
      binaryFilesWithPrefix: relocation.relocated.binaryFiles,
      runpaths: relocation.runpaths,
      leaks: relocation.leaks,
      dependencies: deps.map((d) => ({ name: d.spec.name, version: d.spec.version, sha256: d.result.sha256 })),
      toolchain,
      builder: { name: BUILDER_NAME, version: BUILDER_VERSION, node: process.version },
      sourceDateEpoch,
      buildDate: new Date(sourceDateEpoch * 1000).toISOString(),
      builtAt: new Date(finished).toISOString(),
      durationMs: finished - started,
      cacheKey,
    };
    await step(ctx, spec, 'package', () => writeFileAtomic(files.json, `${JSON.stringify(metadata, null, 2)}\n`));
    if (ctx.opts.cache) {
      try {
        await ctx.opts.cache.save(cacheKey, [files.tgz, files.zst, files.json]);
      } catch (err) {
        reporter.warn(`${spec.name}: could not save the build cache: ${errorMessage(err)}`);
      }
    }
    reporter.info(`${spec.name} ${spec.version} (${spec.platform}): ${path.basename(files.tgz)} sha256 ${packed.tgz.sha256}`);
    return {
      status: metadata.status,
      cached: false,
      name: spec.name,
      version: spec.version,
      platform: spec.platform,
      method,
      artifact: files.tgz,
      artifactZst: files.zst,
      sha256: packed.tgz.sha256,
      metadataFile: files.json,
      metadata,
      cacheKey,
    };
  } finally {
    if (!ctx.opts.keepWorkDir) await fs.rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    else reporter.info(`kept the work folder ${workDir}`);
  }
}

async function fromCache(ctx: Context, key: string, files: { tgz: string; zst: string; json: string }): Promise<BuildResult | undefined> {
  if (!ctx.opts.cache) return undefined;
  let restored: string[] | undefined;
  try {
    restored = await ctx.opts.cache.restore(key, path.dirname(files.tgz));
  } catch (err) {
    ctx.reporter.warn(`could not read the build cache: ${errorMessage(err)}`);
    return undefined;
  }
  if (!restored) return undefined;
  const need = [files.tgz, files.zst, files.json];
  if (!need.every((f) => restored.includes(f))) return undefined;
  let metadata: ArtifactMetadata;
  try {
    metadata = JSON.parse(await fs.readFile(files.json, 'utf8')) as ArtifactMetadata;
  } catch (err) {
    ctx.reporter.warn(`the build cache entry ${key} is unreadable, building instead: ${errorMessage(err)}`);
    return undefined;
  }
  ctx.reporter.info(`${metadata.name} ${metadata.version} (${metadata.platform}): taken from the build cache (${key})`);
  return {
    status: metadata.status,
    cached: true,
    name: metadata.name,
    version: metadata.version,
    platform: metadata.platform,
    method: metadata.method,
    artifact: files.tgz,
    artifactZst: files.zst,
    sha256: metadata.artifact.tarGz.sha256,
    metadataFile: files.json,
    metadata,
    cacheKey: key,
  };
}

async function unpack(spec: BuildSpec, method: BuildMethod, fetched: FetchedSource, layout: BuildLayout): Promise<void> {
  if (fetched.kind === 'git') {
    await fs.rename(fetched.path, layout.sourceRoot);
    return;
  }
  const isZip = (await fs.readFile(fetched.path).then((b) => b.subarray(0, 4).toString('hex'))) === '504b0304';
  if (method === 'official-binary' && isZip) {
    await fs.mkdir(layout.sourceRoot, { recursive: true });
    await fs.copyFile(fetched.path, path.join(layout.sourceRoot, path.basename(fetched.path)));
    return;
  }
  const out = path.join(layout.workDir, 'extract');
  await extractArchive(fetched.path, out, { plainFileName: path.basename(fetched.path) });
  // The single top folder of a source archive becomes the source root.
  const root = await sourceRoot(out);
  await fs.rename(root, layout.sourceRoot);
  void spec;
}

/**
 * SOURCE_DATE_EPOCH: the caller's, else the environment's, else the newest
 * mtime in the source archive (or the commit time of a clone), else 1980-01-01:
 * the same source always gives the same artifact timestamps.
 */
async function chooseSourceDateEpoch(ctx: Context, fetched: FetchedSource, layout: BuildLayout): Promise<number> {
  if (ctx.opts.sourceDateEpoch !== undefined) return ctx.opts.sourceDateEpoch;
  const fromEnv = ctx.env.SOURCE_DATE_EPOCH;
  if (fromEnv && /^\d+$/.test(fromEnv)) return Number(fromEnv);
  if (fetched.commitTime !== undefined) return fetched.commitTime;
  const newest = await newestMtime(layout.sourceRoot);
  const now = Math.floor(ctx.now() / 1000);
  return newest !== undefined && newest <= now && fetched.kind === 'file' && newest > 315532800 ? newest : 315532800;
}

async function newestMtime(dir: string): Promise<number | undefined> {
  let newest: number | undefined;
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const t = Math.floor((await fs.stat(p)).mtimeMs / 1000);
        if (newest === undefined || t > newest) newest = t;
      }
    }
  };
  await walk(dir);
  return newest;
}

async function runStep(ctx: Context, spec: BuildSpec, s: BuildStep, env: Record<string, string>, logFile: string, deadline: number): Promise<void> {
  const remaining = deadline - ctx.now();
  const timeoutMinutes = spec.build.timeoutMinutes;
  if (remaining <= 0) {
    throw new BuildFailure(spec.name, s.step, `build.timeout_minutes (${timeoutMinutes}) ran out before ${s.label}`, { file: spec.recipeFile });
  }
  ctx.reporter.info(`${spec.name}: ${s.step}: ${s.label}`);
  await fs.mkdir(s.cwd, { recursive: true });
  const log = await fs.open(logFile, 'a');
  const progress = ctx.reporter.progress(`${spec.name} ${s.label}`, undefined, 'lines');
  let lines = 0;
  try {
    await log.write(`\n$ ${s.argv.map((a) => (a.includes('\n') ? '<script>' : a)).join(' ')}\n`);
    let res;
    try {
      res = await ctx.exec({
        argv: s.argv,
        cwd: s.cwd,
        env: { ...env, ...s.env },
        timeoutMs: remaining,
        onOutput: (chunk) => {
          void log.write(chunk);
          lines += chunk.toString('utf8').split('\n').length - 1;
          progress.update(lines);
        },
      });
    } catch (err) {
      throw new BuildFailure(spec.name, s.step, `${s.label} could not start: ${errorMessage(err)}`, {
        cause: err,
        file: spec.recipeFile,
        hint: `is ${s.argv[0]} installed?`,
      });
    }
    if (res.timedOut) {
      throw new BuildFailure(spec.name, s.step, `${s.label} did not finish within build.timeout_minutes (${timeoutMinutes})`, {
        file: spec.recipeFile,
        hint: 'raise build.timeout_minutes in the recipe if the build is just slow',
      });
    }
    if (res.exitCode !== 0) {
      const tail = res.tail.trim().split('\n').slice(-25).join('\n');
      throw new BuildFailure(spec.name, s.step, `${s.label} exited with ${res.exitCode ?? res.signal}\n${tail}`, { file: spec.recipeFile });
    }
    progress.done();
  } finally {
    await log.close();
  }
}

/**
 * An install script that used both the staged `PREFIX` and `DESTDIR` puts its
 * files at `<stage>/<stage>/<prefix>`: move them where they belong.
 */
async function repairDoubleStaging(layout: BuildLayout): Promise<void> {
  const doubled = path.join(layout.stageDir, layout.stagedPrefix);
  if (!(await exists(doubled))) return;
  await mergeInto(doubled, layout.stagedPrefix);
  const first = layout.stageDir.split(path.sep).filter(Boolean)[0];
  const prefixFirst = layout.prefix.split('/').filter(Boolean)[0];
  if (first && first !== prefixFirst) await fs.rm(path.join(layout.stageDir, first), { recursive: true, force: true });
}

async function mergeInto(from: string, to: string): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  for (const e of await fs.readdir(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dest = path.join(to, e.name);
    if (e.isDirectory() && (await exists(dest))) await mergeInto(src, dest);
    else await fs.rename(src, dest);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}
