/**
 * `potions release`: the whole release on one machine, as one composition of
 * the packages. Each stage hands plain data to the next:
 *
 *   mirrors  the configured ones, or the two embedded local mirrors (reused when
 *            `potions mirrors serve` runs, started for this run otherwise)
 *   build    every recipe for this machine's platform (builder, local cache);
 *            a failed build makes that platform unavailable, it does not stop the release
 *   sync     the artifacts and their metadata to every mirror, read back (mirrors)
 *   publish  the signed manifest, merged into what the mirrors hold (manifest)
 *   check    fetch each artifact back through the manifest, as a user would,
 *            and run the recipe's smoke tests on it
 *
 * Nothing here talks to GitHub; the CLI prints the summary this returns.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PLATFORMS, UserError, errorMessage, hostPlatform, isUserError, silentReporter } from '@potions/core';
import type { Platform, Reporter } from '@potions/core';
import {
  LocalFolderBuildCache,
  buildFromRecipeRef,
  findRecipe,
  isBuildError,
  loadRecipeOrThrow,
} from '@potions/builder';
import type { BuildResult } from '@potions/builder';
import {
  MANIFEST_KEY,
  FileTrustStore,
  artifactMetadataFileFromBytes,
  localKeySignerFromEnv,
  manifestStoreFromMirror,
  publishManifest,
  releaseFromArtifacts,
  releaseRows,
} from '@potions/manifest';
import type { BuildFailure as ManifestBuildFailure, ManifestPublishReport, ReleaseRow, Signer, Verifier } from '@potions/manifest';
import {
  DEFAULT_LOCAL_PORTS,
  S3MirrorTarget,
  loadMirrorsConfig,
  localObjectsFromFiles,
  syncToMirrors,
} from '@potions/mirrors';
import type { MirrorConfig, MirrorsConfig, S3TargetOptions, SyncResult } from '@potions/mirrors';
import { versionDepsFromEnv } from '@potions/recipe';
import type { Recipe, SmokeTest } from '@potions/recipe';
import { PipelineErrorCode } from './errors';
import { fetchPackage } from './fetch-package';
import { ensureLocalSigningKey } from './local-key';
import { assertRunningMirrorsAreOurs, openLocalMirrors } from './local-mirrors';
import type { DownloadSettings } from './read-manifest';
import { runSmokeTests } from './smoke';
import type { SmokeResult } from './smoke';
import { serveSourceDirs } from './source-dir-server';
import type { SourceDirServer } from './source-dir-server';

export type ReleaseStageName = 'mirrors' | 'build' | 'sync' | 'publish' | 'check';

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
  /** The option that sets `localPorts`, named in "port in use" messages (default `--local-ports`). */
  portsOption?: string;
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
  /** The time the manifest is signed at and checked against. */
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
  /** S3 client settings (retry policy, timeouts) for every mirror. */
  s3?: Omit<S3TargetOptions, 'reporter'>;
  /** Download settings of the check fetch. */
  download?: DownloadSettings;
}

export interface ReleaseStage {
  name: ReleaseStageName;
  ok: boolean;
  seconds: number;
  /** Why it failed or was skipped. */
  error?: string;
  skipped?: boolean;
}

export interface ReleaseMirror {
  name: string;
  endpoint: string;
  /** Local mode: started for this run (and stopped at its end) rather than a running `mirrors serve`. */
  startedForRun?: boolean;
  uploaded: number;
  present: number;
  failed: number;
  ok: boolean;
  error?: string;
  /** The manifest on this mirror after the publish. */
  manifest?: 'written' | 'unchanged' | 'planned' | 'failed';
  manifestError?: string;
}

export interface ReleasePackage {
  name: string;
  version: string;
  platform: Platform;
  /** `built`, `fallback` (source_build used), or `failed`. */
  status: 'built' | 'fallback' | 'failed';
  cached?: boolean;
  method?: string;
  /** The `.tar.gz`: its file name, digest, size and the mirror URLs that verified it. */
  file?: string;
  sha256?: string;
  size?: number;
  urls: string[];
  /** The local build output. */
  artifact?: string;
  step?: string;
  error?: string;
}

export interface ReleaseCheck {
  name: string;
  version: string;
  ok: boolean;
  mirror?: string;
  seconds?: number;
  smoke: SmokeResult[];
  error?: string;
}

export interface ReleaseSummary {
  /** Every requested build succeeded, was published and (unless disabled) checked. */
  ok: boolean;
  mode: 'local' | 'config';
  platform: Platform;
  /** The first mirror's `manifest.json`; `manifestUrls` has every mirror's. */
  manifestUrl: string | undefined;
  manifestUrls: { mirror: string; url: string }[];
  manifestVersion: number | undefined;
  /** A new manifest version was written (false: the mirrors already held this content). */
  manifestChanged: boolean;
  /** Local mode: the public key `potions fetch` trusts. */
  trustedKeyFile?: string;
  /** Local mode: whether the mirrors still serve after this run (a running `mirrors serve`). */
  mirrorsRunning?: boolean;
  /** Local mode: the mirrors were started for this run and are stopped now: the manifest and artifact URLs no longer answer. */
  mirrorsStopped?: boolean;
  mirrors: ReleaseMirror[];
  packages: ReleasePackage[];
  /** Every platform of every released package version, as the manifest now lists it. */
  manifest: ReleaseRow[];
  checks: ReleaseCheck[];
  stages: ReleaseStage[];
  warnings: string[];
}

/** `not built: local release builds only <host>` */
export function localOnlyReason(host: Platform): string {
  return `not built: local release builds only ${host}`;
}

const REASON_MAX = 500;
/** A message on one line (it goes into the manifest and a table), at most REASON_MAX characters. */
const firstLine = (s: string): string => {
  const line = s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
  return line.length > REASON_MAX ? `${line.slice(0, REASON_MAX - 3)}...` : line;
};

/** `tree@2.1.0` -> name and version; paths (with a slash or .yml) are left whole. */
export function splitRecipeRef(ref: string): { ref: string; version?: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9._+-]*)@([A-Za-z0-9][A-Za-z0-9._+~-]*)$/.exec(ref);
  if (m && !/\.ya?ml$/i.test(m[1]!)) return { ref: m[1]!, version: m[2]! };
  return { ref };
}

class Stopwatch {
  readonly stages: ReleaseStage[] = [];
  async run<T>(name: ReleaseStageName, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      const value = await fn();
      this.stages.push({ name, ok: true, seconds: secondsSince(start) });
      return value;
    } catch (err) {
      this.stages.push({ name, ok: false, seconds: secondsSince(start), error: firstLine(errorMessage(err)) });
      throw err;
    }
  }
  mark(name: ReleaseStageName, ok: boolean, start: number, error?: string): void {
    this.stages.push({ name, ok, seconds: secondsSince(start), ...(error ? { error } : {}) });
  }
  skip(name: ReleaseStageName, why: string): void {
    this.stages.push({ name, ok: false, seconds: 0, skipped: true, error: why });
  }
}

function secondsSince(start: number): number {
  return Math.round((performance.now() - start) / 10) / 100;
}

interface Built {
  recipe: Recipe;
  result: BuildResult;
}

export async function runRelease(options: ReleaseOptions): Promise<ReleaseSummary> {
  const reporter = options.reporter ?? silentReporter;
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const workDir = path.resolve(options.workDir ?? process.cwd());
  const potionsDir = path.join(workDir, '.potions');
  const platform = options.platform ?? hostPlatform();
  if (!platform) {
    throw new UserError(PipelineErrorCode.Options, `this machine (${process.platform}/${process.arch}) is not one of the platforms Potions builds for`, {
      hint: `pass --platform with one of: ${PLATFORMS.join(', ')}`,
    });
  }
  if (options.recipes.length === 0) {
    throw new UserError(PipelineErrorCode.Options, 'no recipe given', { hint: 'name one or more recipes: potions release hello --version 2.10' });
  }
  const local = options.config === undefined && options.mirrors === undefined;
  const clock = new Stopwatch();
  const warnings: string[] = [];
  const summary: ReleaseSummary = {
    ok: false,
    mode: local ? 'local' : 'config',
    platform,
    manifestUrl: undefined,
    manifestUrls: [],
    manifestVersion: undefined,
    manifestChanged: false,
    mirrors: [],
    packages: [],
    manifest: [],
    checks: [],
    stages: clock.stages,
    warnings,
  };
  const warn = (message: string): void => {
    warnings.push(message);
    reporter.warn(message);
  };

  // Everything that can be refused up front is, before a mirror starts or a build runs.
  const recipesDirs = (options.recipesDirs ?? [path.join(workDir, 'recipes')]).map((d) => path.resolve(workDir, d));
  const requests: { file: string; recipe: Recipe; version?: string }[] = [];
  for (const raw of options.recipes) {
    const { ref, version } = splitRecipeRef(raw);
    const pathLike = ref.includes('/') || /\.ya?ml$/i.test(ref);
    const file = await findRecipe(pathLike ? path.resolve(workDir, ref) : ref, recipesDirs);
    const loaded = await loadRecipeOrThrow(file);
    requests.push({ file, recipe: loaded.recipe, version: version ?? options.version });
  }
  const configured = options.mirrors ?? (options.config !== undefined ? await loadMirrorsConfig(path.resolve(workDir, options.config)) : undefined);
  let signer: Signer;
  if (options.signer) signer = options.signer;
  else if (local) {
    const key = await ensureLocalSigningKey(workDir);
    if (key.created) reporter.info(`made a manifest signing key: ${path.relative(workDir, key.privateKeyFile)} (public: ${path.relative(workDir, key.publicKeyFile)})`);
    summary.trustedKeyFile = key.publicKeyFile;
    signer = key.signer;
  } else signer = localKeySignerFromEnv({ env, reporter });
  const trustedKeys = options.trustedKeys ?? (isVerifier(signer) ? [signer] : []);

  const cleanups: (() => Promise<void>)[] = [];
  const targets = new Map<string, S3MirrorTarget>();
  try {
    // (a) mirrors
    const mirrorsConfig = await clock.run('mirrors', async (): Promise<MirrorsConfig> => {
      if (configured) return configured;
      const ports = options.localPorts ?? DEFAULT_LOCAL_PORTS;
      const localMirrors = await openLocalMirrors(path.join(potionsDir, 'mirrors'), ports, options.portsOption);
      cleanups.push(() => localMirrors.close());
      summary.mirrorsRunning = !localMirrors.started;
      summary.mirrorsStopped = localMirrors.started;
      const endpoints = localMirrors.mirrors.map((m) => m.endpoint).join(', ');
      reporter.info(
        localMirrors.started
          ? `started ${localMirrors.mirrors.length} local mirrors for this run (${endpoints}); \`potions mirrors serve\` keeps them running`
          : `using the running local mirrors (${endpoints})`,
      );
      summary.mirrors = localMirrors.mirrors.map((m) => ({ ...emptyMirror(m), startedForRun: localMirrors.started }));
      return { minMirrors: 1, mirrors: localMirrors.mirrors };
    });
    if (summary.mirrors.length === 0) summary.mirrors = mirrorsConfig.mirrors.map(emptyMirror);
    const minMirrors = options.minMirrors ?? mirrorsConfig.minMirrors;
    for (const m of mirrorsConfig.mirrors) targets.set(m.name, new S3MirrorTarget(m, { ...options.s3, env, reporter }));
    if (summary.mirrorsRunning === true) {
      // Reused mirrors may be another work folder's: its manifest is signed by another key, and the publish would be refused.
      await assertRunningMirrorsAreOurs(
        mirrorsConfig.mirrors.map((m) => ({ endpoint: m.endpoint, store: manifestStoreFromMirror(targets.get(m.name)!) })),
        [signer.keyid, ...trustedKeys.map((k) => k.keyid).filter((k) => k !== signer.keyid)],
      );
    }

    // (b) build
    const built: Built[] = [];
    const failures: ManifestBuildFailure[] = [];
    const buildStart = performance.now();
    const sourceMirrors = [...(options.sourceMirrors ?? [])];
    let sourceServer: SourceDirServer | undefined;
    if (options.sourceDirs && options.sourceDirs.length > 0) {
      sourceServer = await serveSourceDirs(options.sourceDirs.map((d) => path.resolve(workDir, d)));
      const server = sourceServer;
      cleanups.push(() => server.close());
      sourceMirrors.push(sourceServer.base);
    }
    const cache = options.cache === false ? undefined : new LocalFolderBuildCache(options.cacheDir ?? path.join(potionsDir, 'cache'));
    for (const req of requests) {
      const name = req.recipe.name;
      let version = req.version ?? options.dependencyVersions?.[name];
      try {
        const result = await buildFromRecipeRef({
          ref: req.file,
          recipeDirs: recipesDirs,
          platform,
          version,
          // One set of pins serves every recipe of the release: a pin another recipe needs is not a mistake here.
          dependencyVersions: options.dependencyVersions,
          strictDependencyVersions: false,
          versionDeps: { ...versionDepsFromEnv(env), reporter },
          outDir: (planned) => path.join(potionsDir, 'release', `${planned.name}-${planned.version}-${platform}`),
          onPlanned: (planned) => {
            version = planned.version;
          },
          sourceMirrors,
          cache,
          jobs: options.jobs,
          reporter,
          env,
        });
        built.push({ recipe: req.recipe, result });
        summary.packages.push({
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
        });
      } catch (err) {
        const message = firstLine(errorMessage(err));
        const step = isBuildError(err) ? err.step : undefined;
        if (!isUserError(err)) reporter.error(`${name}: ${errorMessage(err)} (a bug in Potions?)`);
        warn(`${name} ${version ?? '(version unknown)'} ${platform}: build failed: ${message}`);
        summary.packages.push({ name, version: version ?? 'unknown', platform, status: 'failed', urls: [], ...(step ? { step } : {}), error: message });
        if (version !== undefined) failures.push({ name, version, platform, reason: `build failed${step ? ` (${step})` : ''}: ${message}` });
      }
    }
    clock.mark('build', failures.length === 0 && built.length === requests.length, buildStart, failures.length > 0 ? `${failures.length} build(s) failed` : undefined);
    if (local) {
      // Local mode builds one platform; the others are listed with the reason, never left out.
      const versions = new Map<string, string>();
      for (const b of built) versions.set(`${b.result.name}@${b.result.version}`, b.result.name);
      for (const f of failures) versions.set(`${f.name}@${f.version}`, f.name);
      for (const id of versions.keys()) {
        const at = id.lastIndexOf('@');
        for (const p of PLATFORMS) if (p !== platform) failures.push({ name: id.slice(0, at), version: id.slice(at + 1), platform: p, reason: localOnlyReason(platform) });
      }
    }

    // (c) sync
    const files = built.flatMap((b) => [b.result.artifact, b.result.artifactZst, b.result.metadataFile]);
    let sync: SyncResult | undefined;
    if (files.length === 0) {
      clock.skip('sync', 'nothing was built');
      sync = { version: 1, minMirrors, policyMet: true, mirrors: [], objects: [] };
    } else {
      sync = await clock.run('sync', async () => {
        const objects = await localObjectsFromFiles(files);
        const outcome = await syncToMirrors(objects, {
          mirrors: mirrorsConfig.mirrors,
          minMirrors,
          reporter,
          targetFor: (m) => targets.get(m.name)!,
        });
        return outcome.result!;
      });
      for (const m of sync.mirrors) {
        const row = summary.mirrors.find((r) => r.name === m.mirror);
        if (row) Object.assign(row, { uploaded: m.uploaded, present: m.uploaded + m.skipped, failed: m.failed, ok: m.ok, ...(m.error ? { error: m.error } : {}) });
        if (!m.ok) warn(`mirror ${m.mirror}: ${m.error ?? `${m.failed} file(s) failed`}`);
      }
      for (const p of summary.packages) {
        const o = sync.objects.find((x) => x.name === p.file && x.sha256 === p.sha256);
        if (o) p.urls = o.mirrors.filter((m) => m.present).map((m) => m.url);
      }
      if (!sync.policyMet) clock.stages[clock.stages.length - 1]!.ok = false;
    }

    // (d) publish
    let report: ManifestPublishReport | undefined;
    try {
      report = await clock.run('publish', async () => {
        const metadata = await Promise.all(
          built.map(async (b) => artifactMetadataFileFromBytes(b.result.metadataFile, new Uint8Array(await fs.readFile(b.result.metadataFile)))),
        );
        const fromArtifacts = releaseFromArtifacts({ metadata, sync: sync!, syncSource: 'this release\'s sync', platforms: [platform], failures });
        for (const w of fromArtifacts.warnings) warn(w);
        const published = await publishManifest({
          mirrors: mirrorsConfig.mirrors.map((m) => ({ name: m.name, store: manifestStoreFromMirror(targets.get(m.name)!) })),
          release: fromArtifacts.release,
          signer,
          ...(trustedKeys.length > 0 ? { trustedKeys } : {}),
          now: now(),
          ...(options.expiresInDays !== undefined ? { expiresInDays: options.expiresInDays } : {}),
          reporter,
        });
        for (const w of published.warnings) {
          // The embedded mirrors (s3rver) ignore If-Match; one machine's releases do not race, so that is no news there.
          if (local && w.includes('does not support conditional writes')) reporter.debug(w);
          else warn(w);
        }
        summary.manifest = releaseRows(published.plan?.manifest.packages ?? {}, fromArtifacts.release, fromArtifacts.mirrorOfUrl);
        if (!published.ok) throw new UserError(PipelineErrorCode.Manifest, `the manifest reached no mirror: ${published.mirrors.map((m) => `${m.name}: ${m.error?.message ?? m.status}`).join('; ')}`);
        return published;
      });
    } catch (err) {
      if (!isUserError(err)) throw err;
      warn(`publish: ${errorMessage(err)}`);
    }
    if (report) {
      summary.manifestVersion = report.version;
      summary.manifestChanged = report.changed;
      for (const m of report.mirrors) {
        const row = summary.mirrors.find((r) => r.name === m.name);
        if (row) Object.assign(row, { manifest: m.status, ...(m.error ? { manifestError: m.error.message } : {}) });
        if (m.status === 'failed') warn(`mirror ${m.name}: the manifest was not written: ${m.error?.message ?? 'unknown error'}`);
        if (m.status === 'written' || m.status === 'unchanged') summary.manifestUrls.push({ mirror: m.name, url: targets.get(m.name)!.url(MANIFEST_KEY) });
      }
      summary.manifestUrl = summary.manifestUrls[0]?.url;
    }

    // (e) check
    if (options.check === false) clock.skip('check', 'disabled');
    else if (!report || summary.manifestUrls.length === 0) clock.skip('check', 'no manifest was published');
    else if (built.length === 0) clock.skip('check', 'nothing was built');
    else {
      const checkStart = performance.now();
      const trustStore = new FileTrustStore(path.join(potionsDir, 'state', 'manifest-trust.json'));
      const checkRoot = path.join(potionsDir, 'check');
      for (const b of built) {
        const dir = path.join(checkRoot, `${b.result.name}-${b.result.version}-${randomBytes(4).toString('hex')}`);
        const check: ReleaseCheck = { name: b.result.name, version: b.result.version, ok: false, smoke: [] };
        try {
          const got = await fetchPackage({
            manifestUrl: summary.manifestUrls.map((u) => u.url),
            name: b.result.name,
            version: b.result.version,
            platform,
            outDir: dir,
            trustedKeys,
            trustStore,
            reporter,
            now: now(),
            ...(options.download ? { download: options.download } : {}),
          });
          check.mirror = got.mirror;
          check.seconds = got.seconds;
          if (got.sha256 !== b.result.sha256) throw new UserError(PipelineErrorCode.Manifest, `fetched ${got.sha256}, but this release built ${b.result.sha256}`, { hint: 'the manifest already listed another build of this version: a published digest never changes; publish a new version' });
          const smokeTests: SmokeTest[] = b.recipe.smokeTests;
          check.smoke = smokeTests.length > 0 && platform === hostPlatform() ? await runSmokeTests(got.dir, smokeTests) : [];
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
        summary.checks.push(check);
      }
      await fs.rm(checkRoot, { recursive: true, force: true }).catch(() => undefined);
      const bad = summary.checks.filter((c) => !c.ok);
      clock.mark('check', bad.length === 0, checkStart, bad.length > 0 ? `${bad.length} check(s) failed` : undefined);
    }
  } finally {
    for (const t of targets.values()) t.destroy();
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
  summary.ok = clock.stages.every((s) => s.ok || (s.skipped && s.error === 'disabled'));
  return summary;
}

function emptyMirror(m: MirrorConfig): ReleaseMirror {
  return { name: m.name, endpoint: m.endpoint, uploaded: 0, present: 0, failed: 0, ok: false };
}

function isVerifier(s: Signer): s is Signer & Verifier {
  return typeof (s as Partial<Verifier>).verify === 'function';
}
