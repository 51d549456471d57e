/**
 * `potions release`: the whole release on one machine, as one composition of
 * the packages. Each stage is a function that returns plain data for the next:
 *
 *   mirrors  the configured ones, or the two embedded local mirrors (reused when
 *            `potions mirrors serve` runs, started for this run otherwise),
 *            opened as targets this function owns and closes at the end
 *   build    every recipe for this machine's platform (builder, local cache);
 *            a failed build makes that platform unavailable, it does not stop
 *            the release, unless nothing built at all: then nothing is synced
 *            or published and the release fails with the builds' reasons
 *   sync     the artifacts and their metadata to every mirror, read back (mirrors)
 *   publish  the signed manifest, merged into what the mirrors hold (manifest)
 *   check    fetch each artifact back through the manifest, as a user would,
 *            and run the recipe's smoke tests on it
 *
 * `summarizeRelease` (release-summary.ts) turns what the stages returned into
 * the summary. Nothing here talks to GitHub; the CLI prints the summary.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PLATFORMS, UserError, errorMessage, hostPlatform, isUserError, silentReporter, systemNow } from '@potions/core';
import type { Now, Platform, Reporter } from '@potions/core';
import { LocalFolderBuildCache, buildFromRecipeRef, findRecipe, isBuildError, loadRecipeOrThrow } from '@potions/builder';
import type { BuildResult } from '@potions/builder';
import { DEFAULT_LOCAL_PORTS } from '@potions/local-mirrors';
import {
  FileTrustStore,
  artifactMetadataFileFromBytes,
  localKeySignerFromEnv,
  manifestStoreFromMirror,
  publishRelease,
} from '@potions/manifest';
import type { BuildFailure, PublishReleaseResult, Signer, Verifier } from '@potions/manifest';
import { closeMirrors, loadMirrorsConfig, localObjectsFromFiles, openS3Mirrors, syncToMirrors } from '@potions/mirrors';
import type { MirrorConfig, MirrorsConfig, OpenMirrors, OpenedMirror, S3MirrorTarget, S3TargetOptions, SyncResult } from '@potions/mirrors';
import { versionDepsFromEnv } from '@potions/recipe';
import type { Recipe } from '@potions/recipe';
import { PipelineErrorCode } from './errors';
import { fetchPackage } from './fetch-package';
import { ensureLocalSigningKey } from './local-key';
import { assertRunningMirrorsAreOurs, openLocalMirrors } from './local-mirrors';
import type { DownloadSettings } from './read-manifest';
import { firstLine, noManifestWritten, summarizeRelease } from './release-summary';
import type { ReleaseBuild, ReleaseCheck, ReleaseStageName, ReleaseSummary, StageTiming } from './release-summary';
import { runSmokeTests } from './smoke';
import { serveSourceDirs } from './source-dir-server';

export interface ReleaseOptions {
  /** Recipe files (`.yml`) or names looked up in `recipesDirs`; `name@version` pins that recipe's version. */
  recipes: readonly string[];
  /** The version of every recipe not given as `name@version`; without it each recipe's version source is asked (network). */
  version?: string;
  /** Where names and dependencies are looked up (default `<workDir>/recipes`). */
  recipesDirs?: readonly string[];
  /** Default: this machine's. */
  platform?: Platform;
  /** A mirrors configuration file (docs/mirrors.md): real mirrors, signed with `POTIONS_MANIFEST_KEY`. */
  config?: string;
  /** Mirrors already loaded (instead of `config`); the signer then comes from `signer` or `POTIONS_MANIFEST_KEY`. */
  mirrors?: MirrorsConfig;
  /** Overrides the signer (local key, or the environment's). */
  signer?: Signer;
  /** Keys the check fetch trusts (default: the signer's public key). */
  trustedKeys?: readonly Verifier[];
  /** Holds `.potions/` (mirror data, keys, cache, build output). Default `process.cwd()`. */
  workDir?: string;
  /** Source mirror bases (`BASE/<host>/<path>`), after the recipes' own URLs. */
  sourceMirrors?: readonly string[];
  /** Folders of upstream files served by file name as a source mirror (offline builds). */
  sourceDirs?: readonly string[];
  /** Ports of the embedded mirrors in local mode (default 4568, 4569; 0 picks a free one). */
  localPorts?: readonly number[];
  /** Use the build cache (default true). */
  cache?: boolean;
  /** Default `<workDir>/.potions/cache`. */
  cacheDir?: string;
  jobs?: number;
  /** Mirrors that must hold every file (default: the configuration's, else 1). */
  minMirrors?: number;
  /** Lifetime of a newly signed manifest (default 90 days). */
  expiresInDays?: number;
  /** Fetch the result back through the manifest (default true). */
  check?: boolean;
  /** Versions of dependencies (otherwise looked up). */
  dependencyVersions?: Readonly<Record<string, string>>;
  reporter?: Reporter;
  /** The clock the manifest is signed by and checked against. Default `systemNow`. */
  now?: Now;
  env?: NodeJS.ProcessEnv;
  /** S3 client settings (retry policy, timeouts) for every mirror. */
  s3?: Omit<S3TargetOptions, 'reporter' | 'env'>;
  /** Opens the mirrors' targets (default `openS3Mirrors`); the release closes every target it opened. */
  openMirrors?: OpenMirrors;
  /** Download settings of the check fetch. */
  download?: DownloadSettings;
}

/** `not built: local release builds only <host>` */
export function localOnlyReason(host: Platform): string {
  return `not built: local release builds only ${host}`;
}

/** `tree@2.1.0` -> name and version; paths (with a slash or .yml) are left whole. */
export function splitRecipeRef(ref: string): { ref: string; version?: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9._+-]*)@([A-Za-z0-9][A-Za-z0-9._+~-]*)$/.exec(ref);
  if (m && !/\.ya?ml$/i.test(m[1]!)) return { ref: m[1]!, version: m[2]! };
  return { ref };
}

/** Everything refused or decided before a mirror starts or a build runs. */
interface ReleaseSetup {
  platform: Platform;
  local: boolean;
  workDir: string;
  potionsDir: string;
  recipesDirs: string[];
  requests: { file: string; recipe: Recipe; version?: string }[];
  configured: MirrorsConfig | undefined;
  signer: Signer;
  trustedKeys: readonly Verifier[];
  trustedKeyFile?: string;
  env: NodeJS.ProcessEnv;
  reporter: Reporter;
  now: Now;
}

/** The mirrors of this release, opened. */
interface ReleaseMirrors {
  configs: MirrorConfig[];
  minMirrors: number;
  opened: OpenedMirror<S3MirrorTarget>[];
  /** Local mode: whether the mirrors were started for this run (false: a running `mirrors serve`). */
  startedForRun?: boolean;
}

/** One recipe built: what the later stages need of it. */
interface Built {
  recipe: Recipe;
  result: BuildResult;
}

/** Records how long each stage ran; a stage that throws is recorded with its error, and the error goes on. */
class Stopwatch {
  readonly timings: StageTiming[] = [];
  async time<T>(name: ReleaseStageName, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      const value = await fn();
      this.timings.push({ name, seconds: secondsSince(start) });
      return value;
    } catch (err) {
      this.timings.push({ name, seconds: secondsSince(start), error: firstLine(errorMessage(err)) });
      throw err;
    }
  }
  skip(name: ReleaseStageName, why: string): void {
    this.timings.push({ name, seconds: 0, skipped: why });
  }
}

function secondsSince(start: number): number {
  return Math.round((performance.now() - start) / 10) / 100;
}

export async function runRelease(options: ReleaseOptions): Promise<ReleaseSummary> {
  const setup = await prepareRelease(options);
  const { reporter } = setup;
  const clock = new Stopwatch();
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    reporter.warn(message);
  };
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const mirrors = await clock.time('mirrors', () => openReleaseMirrors(setup, options, cleanups));
    const outcomes = await clock.time('build', () => buildAll(setup, options, cleanups, warn));
    const built = outcomes.flatMap((o) => (o.built ? [o.built] : []));
    const packages = outcomes.map((o) => o.row);
    const facts = { mode: setup.local ? ('local' as const) : ('config' as const), platform: setup.platform, trustedKeyFile: setup.trustedKeyFile, mirrors };
    if (built.length === 0) {
      // Nothing to sync, publish or check: the mirrors stay exactly as they were.
      for (const name of ['sync', 'publish', 'check'] as const) clock.skip(name, 'nothing was built');
      return summarizeRelease({ ...facts, packages, checks: [], timings: clock.timings, warnings });
    }
    const sync = await clock.time('sync', () => syncBuilt(built, mirrors, reporter));
    for (const m of sync.mirrors) if (!m.ok) warn(`mirror ${m.mirror}: ${m.error ?? `${m.failed} file(s) failed`}`);
    let published: PublishReleaseResult | undefined;
    try {
      published = await clock.time('publish', () => publishBuilt(setup, options, built, unavailablePlatforms(packages, setup), sync, mirrors, warn));
      if (!published.report.ok) warn(`publish: ${noManifestWritten(published.report)}`);
    } catch (err) {
      if (!isUserError(err)) throw err;
      warn(`publish: ${errorMessage(err)}`);
    }
    const manifestUrls = published?.manifestUrls.map((u) => u.url) ?? [];
    let checks: ReleaseCheck[] = [];
    if (options.check === false) clock.skip('check', 'disabled');
    else if (manifestUrls.length === 0) clock.skip('check', 'no manifest was published');
    else checks = await clock.time('check', () => checkBuilt(setup, options, built, manifestUrls, warn));
    return summarizeRelease({ ...facts, packages, sync, ...(published ? { published } : {}), checks, timings: clock.timings, warnings });
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}

/** Check the options, load the recipes, the configuration and the signing key: everything that can be refused up front. */
async function prepareRelease(options: ReleaseOptions): Promise<ReleaseSetup> {
  const reporter = options.reporter ?? silentReporter;
  const env = options.env ?? process.env;
  const workDir = path.resolve(options.workDir ?? process.cwd());
  const platform = options.platform ?? hostPlatform();
  if (!platform) {
    throw new UserError(PipelineErrorCode.Options, `this machine (${process.platform}/${process.arch}) is not one of the platforms Potions builds for`, {
      hint: `choose a platform: one of ${PLATFORMS.join(', ')}`,
    });
  }
  if (options.recipes.length === 0) throw new UserError(PipelineErrorCode.Options, 'no recipe given', { hint: 'name one or more recipes' });
  const local = options.config === undefined && options.mirrors === undefined;
  const recipesDirs = (options.recipesDirs ?? [path.join(workDir, 'recipes')]).map((d) => path.resolve(workDir, d));
  const requests: ReleaseSetup['requests'] = [];
  for (const raw of options.recipes) {
    const { ref, version } = splitRecipeRef(raw);
    const pathLike = ref.includes('/') || /\.ya?ml$/i.test(ref);
    const file = await findRecipe(pathLike ? path.resolve(workDir, ref) : ref, recipesDirs);
    const loaded = await loadRecipeOrThrow(file);
    requests.push({ file, recipe: loaded.recipe, version: version ?? options.version });
  }
  const configured = options.mirrors ?? (options.config !== undefined ? await loadMirrorsConfig(path.resolve(workDir, options.config)) : undefined);
  let signer: Signer;
  let trustedKeyFile: string | undefined;
  if (options.signer) signer = options.signer;
  else if (local) {
    const key = await ensureLocalSigningKey(workDir);
    if (key.created) reporter.info(`made a manifest signing key: ${path.relative(workDir, key.privateKeyFile)} (public: ${path.relative(workDir, key.publicKeyFile)})`);
    trustedKeyFile = key.publicKeyFile;
    signer = key.signer;
  } else signer = localKeySignerFromEnv({ env, reporter });
  const trustedKeys = options.trustedKeys ?? (isVerifier(signer) ? [signer] : []);
  return {
    platform,
    local,
    workDir,
    potionsDir: path.join(workDir, '.potions'),
    recipesDirs,
    requests,
    configured,
    signer,
    trustedKeys,
    ...(trustedKeyFile !== undefined ? { trustedKeyFile } : {}),
    env,
    reporter,
    now: options.now ?? systemNow,
  };
}

/** (a) The configured mirrors, or the local ones (started or reused), opened as targets closed by `cleanups`. */
async function openReleaseMirrors(setup: ReleaseSetup, options: ReleaseOptions, cleanups: (() => Promise<void>)[]): Promise<ReleaseMirrors> {
  const { reporter } = setup;
  let mirrors: Omit<ReleaseMirrors, 'opened'>;
  if (setup.configured) {
    mirrors = { configs: setup.configured.mirrors, minMirrors: options.minMirrors ?? setup.configured.minMirrors };
  } else {
    const local = await openLocalMirrors(path.join(setup.potionsDir, 'mirrors'), options.localPorts ?? DEFAULT_LOCAL_PORTS);
    cleanups.push(() => local.close());
    const endpoints = local.mirrors.map((m) => m.endpoint).join(', ');
    reporter.info(
      local.started
        ? `started ${local.mirrors.length} local mirrors for this run (${endpoints}); \`potions mirrors serve\` keeps them running`
        : `using the running local mirrors (${endpoints})`,
    );
    mirrors = { configs: local.mirrors, minMirrors: options.minMirrors ?? 1, startedForRun: local.started };
  }
  const opened = (options.openMirrors ?? openS3Mirrors)(mirrors.configs, { ...options.s3, env: setup.env, reporter });
  cleanups.push(() => closeMirrors(opened));
  if (mirrors.startedForRun === false) {
    // Reused mirrors may be another work folder's: its manifest is signed by another key, and the publish would be refused.
    await assertRunningMirrorsAreOurs(
      opened.flatMap((m) => (m.target ? [{ endpoint: m.config.endpoint, store: manifestStoreFromMirror(m.target) }] : [])),
      [setup.signer.keyid, ...setup.trustedKeys.map((k) => k.keyid).filter((k) => k !== setup.signer.keyid)],
    );
  }
  return { ...mirrors, opened };
}

/** What building one recipe gave: its summary row, and the build when it succeeded. */
interface BuildOutcome {
  row: ReleaseBuild;
  built?: Built;
}

/** (b) Every recipe for the platform, one after the other; a failure is a row with its reason, not an exception. */
async function buildAll(
  setup: ReleaseSetup,
  options: ReleaseOptions,
  cleanups: (() => Promise<void>)[],
  warn: (message: string) => void,
): Promise<BuildOutcome[]> {
  const { platform, potionsDir, reporter } = setup;
  const sourceMirrors = [...(options.sourceMirrors ?? [])];
  if (options.sourceDirs && options.sourceDirs.length > 0) {
    const server = await serveSourceDirs(options.sourceDirs.map((d) => path.resolve(setup.workDir, d)));
    cleanups.push(() => server.close());
    sourceMirrors.push(server.base);
  }
  const cache = options.cache === false ? undefined : new LocalFolderBuildCache(options.cacheDir ?? path.join(potionsDir, 'cache'));
  const outcomes: BuildOutcome[] = [];
  for (const req of setup.requests) {
    const name = req.recipe.name;
    let version = req.version ?? options.dependencyVersions?.[name];
    try {
      const result = await buildFromRecipeRef({
        ref: req.file,
        recipeDirs: setup.recipesDirs,
        platform,
        version,
        // One set of pins serves every recipe of the release: a pin another recipe needs is not a mistake here.
        dependencyVersions: options.dependencyVersions,
        strictDependencyVersions: false,
        versionDeps: { ...versionDepsFromEnv(setup.env), reporter },
        outDir: (planned) => path.join(potionsDir, 'release', `${planned.name}-${planned.version}-${platform}`),
        onPlanned: (planned) => {
          version = planned.version;
        },
        sourceMirrors,
        cache,
        jobs: options.jobs,
        reporter,
        env: setup.env,
      });
      outcomes.push({ row: builtRow(name, platform, result), built: { recipe: req.recipe, result } });
    } catch (err) {
      const message = firstLine(errorMessage(err));
      const step = isBuildError(err) ? err.step : undefined;
      if (!isUserError(err)) reporter.error(`${name}: ${errorMessage(err)} (a bug in Potions?)`);
      warn(`${name} ${version ?? '(version unknown)'} ${platform}: build failed: ${message}`);
      outcomes.push({ row: { name, version: version ?? 'unknown', platform, status: 'failed', urls: [], ...(step ? { step } : {}), error: message } });
    }
  }
  return outcomes;
}

function builtRow(name: string, platform: Platform, result: BuildResult): ReleaseBuild {
  return {
    name,
    version: result.version,
    platform,
    status: result.status,
    cached: result.cached,
    method: result.method,
    file: path.basename(result.artifact),
    sha256: result.sha256,
    size: result.metadata.artifact.tarGz.size,
    urls: [],
    artifact: result.artifact,
  };
}

/**
 * The platforms the manifest lists as unavailable: each failed build (when its
 * version is known) with its reason, and in local mode every other platform of
 * every released version ("local release builds only <host>"), never left out.
 */
export function unavailablePlatforms(packages: readonly ReleaseBuild[], setup: { platform: Platform; local: boolean }): BuildFailure[] {
  const failures: BuildFailure[] = packages
    .filter((p) => p.status === 'failed' && p.version !== 'unknown')
    .map((p) => ({ name: p.name, version: p.version, platform: p.platform, reason: `build failed${p.step ? ` (${p.step})` : ''}: ${p.error ?? 'unknown error'}` }));
  if (!setup.local) return failures;
  const versions = new Map(packages.filter((p) => p.version !== 'unknown').map((p) => [`${p.name}@${p.version}`, p]));
  for (const p of versions.values()) {
    for (const other of PLATFORMS) if (other !== setup.platform) failures.push({ name: p.name, version: p.version, platform: other, reason: localOnlyReason(setup.platform) });
  }
  return failures;
}

/** (c) The artifacts and their metadata to every mirror, read back. */
async function syncBuilt(built: readonly Built[], mirrors: ReleaseMirrors, reporter: Reporter): Promise<SyncResult> {
  const files = built.flatMap((b) => [b.result.artifact, b.result.artifactZst, b.result.metadataFile]);
  const outcome = await syncToMirrors(await localObjectsFromFiles(files), { mirrors: mirrors.opened, minMirrors: mirrors.minMirrors, reporter });
  return outcome.result!;
}

/** (d) The one publish path, over this release's build metadata and sync. */
async function publishBuilt(
  setup: ReleaseSetup,
  options: ReleaseOptions,
  built: readonly Built[],
  failures: readonly BuildFailure[],
  sync: SyncResult,
  mirrors: ReleaseMirrors,
  warn: (message: string) => void,
): Promise<PublishReleaseResult> {
  const metadata = await Promise.all(
    built.map(async (b) => artifactMetadataFileFromBytes(b.result.metadataFile, new Uint8Array(await fs.readFile(b.result.metadataFile)))),
  );
  const published = await publishRelease({
    metadata,
    sync,
    syncSource: "this release's sync",
    mirrors: mirrors.opened,
    signer: setup.signer,
    ...(setup.trustedKeys.length > 0 ? { trustedKeys: setup.trustedKeys } : {}),
    platforms: [setup.platform],
    failures,
    ...(options.expiresInDays !== undefined ? { expiresInDays: options.expiresInDays } : {}),
    now: setup.now,
    reporter: setup.reporter,
  });
  for (const w of published.warnings) {
    // The embedded mirrors (s3rver) ignore If-Match; one machine's releases do not race, so that is no news there.
    if (setup.local && w.includes('does not support conditional writes')) setup.reporter.debug(w);
    else warn(w);
  }
  for (const m of published.report.mirrors) {
    if (m.status === 'failed') warn(`mirror ${m.name}: the manifest was not written: ${m.error?.message ?? 'unknown error'}`);
  }
  return published;
}

/** (e) Fetch each build back through the manifest as a user would, and run its smoke tests. */
async function checkBuilt(
  setup: ReleaseSetup,
  options: ReleaseOptions,
  built: readonly Built[],
  manifestUrls: readonly string[],
  warn: (message: string) => void,
): Promise<ReleaseCheck[]> {
  const trustStore = new FileTrustStore(path.join(setup.potionsDir, 'state', 'manifest-trust.json'));
  const checkRoot = path.join(setup.potionsDir, 'check');
  const checks: ReleaseCheck[] = [];
  for (const b of built) {
    const dir = path.join(checkRoot, `${b.result.name}-${b.result.version}-${randomBytes(4).toString('hex')}`);
    const check: ReleaseCheck = { name: b.result.name, version: b.result.version, ok: false, smoke: [] };
    try {
      const got = await fetchPackage({
        manifestUrl: manifestUrls,
        name: b.result.name,
        version: b.result.version,
        platform: setup.platform,
        outDir: dir,
        trustedKeys: setup.trustedKeys,
        trustStore,
        reporter: setup.reporter,
        now: setup.now,
        ...(options.download ? { download: options.download } : {}),
      });
      check.mirror = got.mirror;
      check.seconds = got.seconds;
      if (got.sha256 !== b.result.sha256) {
        throw new UserError(PipelineErrorCode.Manifest, `fetched ${got.sha256}, but this release built ${b.result.sha256}`, {
          hint: 'the manifest already listed another build of this version: a published digest never changes; publish a new version',
        });
      }
      check.smoke = b.recipe.smokeTests.length > 0 && setup.platform === hostPlatform() ? await runSmokeTests(got.dir, b.recipe.smokeTests) : [];
      const failed = check.smoke.find((s) => !s.ok);
      if (failed) throw new UserError(PipelineErrorCode.Smoke, `smoke test \`${failed.argv.join(' ')}\`: ${failed.error ?? 'failed'}`);
      check.ok = true;
    } catch (err) {
      if (!isUserError(err)) throw err;
      check.error = firstLine(errorMessage(err));
      warn(`check ${b.result.name} ${b.result.version}: ${check.error}`);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    checks.push(check);
  }
  await fs.rm(checkRoot, { recursive: true, force: true }).catch(() => undefined);
  return checks;
}

function isVerifier(s: Signer): s is Signer & Verifier {
  return typeof (s as Partial<Verifier>).verify === 'function';
}
