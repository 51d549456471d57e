/**
 * `potions release`: the whole release on one machine, as one composition of
 * the packages. Every option is checked first (release-setup.ts), then the
 * release holds its work folder (one release at a time) and runs its stages,
 * each a function that returns plain data for the next:
 *
 *   mirrors  the configured ones, or the two embedded local mirrors (reused when
 *            `potions mirrors serve` runs, started for this run otherwise, or
 *            throw-away ones on free ports), opened as targets this function
 *            owns and closes at the end
 *   build    every recipe for the platform (builder, local cache); a failed
 *            build makes that platform unavailable, it does not stop the release
 *   smoke    each artifact as a user gets it (@potions/inspect)      } a build that
 *   sbom     CycloneDX and SPDX beside it (@potions/sbom)            } fails one is
 *   scan     its SBOMs against the one scanner, at the threshold     } withheld
 *   sign     a Sigstore bundle for each archive and its provenance (@potions/signing);
 *            a failure stops the release here, before anything is uploaded
 *   sync     the artifacts, metadata, SBOMs and bundles to every mirror, read back
 *   publish  the signed manifest, merged into what the mirrors hold; withheld
 *            builds are listed as unavailable with their reason
 *   check    fetch each artifact back through the manifest, as a user would
 *            (`fetchPackage`, which verifies its signature)
 *
 * When nothing is left to publish (nothing built, or every build withheld),
 * nothing is synced or published: the mirrors stay exactly as they were.
 * `summarizeRelease` (release-summary.ts) turns what the stages returned into
 * the summary. Nothing here talks to GitHub; the CLI prints the summary.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PLATFORMS, UserError, errorMessage, isUserError } from '@potions/core';
import type { Platform, Reporter } from '@potions/core';
import { LocalFolderBuildCache, buildFromRecipeRef, isBuildError } from '@potions/builder';
import type { BuildResult } from '@potions/builder';
import { FileTrustStore, artifactMetadataFileFromBytes, manifestStoreFromMirror, publishRelease } from '@potions/manifest';
import type { BuildFailure, Checks, PublishReleaseOptions, PublishReleaseResult, Signer, Verifier } from '@potions/manifest';
import { closeMirrors, localObjectsFromFiles, openS3Mirrors, syncToMirrors } from '@potions/mirrors';
import type { MirrorConfig, OpenedMirror, S3MirrorTarget, SyncResult } from '@potions/mirrors';
import { versionDepsFromEnv } from '@potions/recipe';
import type { SigningTrust } from '@potions/signing';
import { PipelineErrorCode } from './errors';
import { fetchPackage } from './fetch-package';
import type { FetchPackageResult } from './fetch-package';
import { ensureLocalSigningKey } from './local-key';
import { assertRunningMirrorsAreOurs, openLocalMirrors } from './local-mirrors';
import { lockWorkDir } from './release-lock';
import { artifactTrustOf, openArtifactSigner, signStage } from './release-sign';
import type { ReleaseArtifactSigner } from './release-sign';
import { prepareRelease } from './release-setup';
import type { ReleaseOptions, ReleaseSetup } from './release-setup';
import { buildLabel, firstLine, noManifestWritten, summarizeRelease } from './release-summary';
import type { ReleaseBuild, ReleaseCheck, ReleaseFacts, ReleaseStageName, ReleaseSummary, StageTiming } from './release-summary';
import { sbomStage, scanStage, smokeStage } from './release-verify';
import type { ReleaseItem, VerifyContext } from './release-verify';
import { serveSourceDirs } from './source-dir-server';

export type { ReleaseOptions } from './release-setup';

/** `not built: local release builds only <host>` */
export function localOnlyReason(host: Platform): string {
  return `not built: local release builds only ${host}`;
}

/** The mirrors of this release, opened. */
interface ReleaseMirrors {
  configs: MirrorConfig[];
  minMirrors: number;
  opened: OpenedMirror<S3MirrorTarget>[];
  /** Local mode: whether the mirrors were started for this run (false: a running `mirrors serve`). */
  startedForRun?: boolean;
  /** Local mode: throw-away mirrors, whose data goes at the end of the run. */
  throwaway?: boolean;
  /** Throw-away mirrors: a folder of this run, removed with them. */
  scratch?: string;
}

/** The keys of this run: the manifest's signer and the keys readers trust. */
interface ReleaseKeys {
  signer: Signer;
  trustedKeys: readonly Verifier[];
  trustedKeyFile?: string;
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
  skip(names: readonly ReleaseStageName[], why: string): void {
    for (const name of names) this.timings.push({ name, seconds: 0, skipped: why });
  }
}

function secondsSince(start: number): number {
  return Math.round((performance.now() - start) / 10) / 100;
}

export async function runRelease(options: ReleaseOptions): Promise<ReleaseSummary> {
  // Every mistake in the options is refused here, before a folder is made or a mirror starts.
  const setup = await prepareRelease(options);
  const { reporter } = setup;
  const lock = await lockWorkDir(setup.potionsDir, reporter);
  const clock = new Stopwatch();
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    reporter.warn(message);
  };
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const keys = await manifestKeys(setup, options);
    const mirrors = await clock.time('mirrors', () => openReleaseMirrors(setup, options, keys, cleanups, warn));
    const facts: Omit<ReleaseFacts, 'packages' | 'checks' | 'timings' | 'warnings'> = {
      mode: setup.local ? 'local' : 'config',
      platform: setup.platform,
      trustedKeyFile: keys.trustedKeyFile,
      mirrors,
      ...(setup.scan.scanner ? { scanner: setup.scan.scanner.description } : setup.scan.missing ? { scanner: `none (${setup.scan.missing})` } : {}),
    };
    const outcomes = await clock.time('build', () => buildAll(setup, options, cleanups, warn));
    const items = outcomes.flatMap((o) => (o.item ? [o.item] : []));
    const packages = outcomes.map((o) => o.row);
    const done = (extra: Partial<ReleaseFacts> = {}): ReleaseSummary =>
      summarizeRelease({ ...facts, packages, checks: [], timings: clock.timings, warnings, ...extra });
    if (items.length === 0) {
      // Nothing to check, sign, sync, publish or fetch: the mirrors stay exactly as they were.
      clock.skip(['smoke', 'sbom', 'scan', 'sign', 'sync', 'publish', 'check'], 'nothing was built');
      return done();
    }

    const verify: VerifyContext = { platform: setup.platform, workDir: setup.workDir, reporter, now: setup.now, ...(options.smokeTimeoutMs !== undefined ? { smokeTimeoutMs: options.smokeTimeoutMs } : {}) };
    await clock.time('smoke', () => smokeStage(items, verify, warn));
    await clock.time('sbom', () => sbomStage(items, verify, warn));
    await clock.time('scan', () => scanStage(items, setup.scan, verify, warn));
    const passed = items.filter((i) => !i.row.withheld);
    if (passed.length === 0) {
      clock.skip(['sign', 'sync', 'publish', 'check'], 'every build was withheld');
      return done();
    }

    let signing: ReleaseArtifactSigner | undefined;
    let trust: SigningTrust | undefined;
    try {
      trust = await clock.time('sign', async () => {
        signing = await openArtifactSigner(setup.artifactSigner, setup.workDir, reporter);
        const { identity } = await signStage(items, signing, reporter);
        return artifactTrustOf(signing, identity);
      });
    } catch (err) {
      if (!isUserError(err)) throw err;
      // Nothing was uploaded yet, and nothing will be: an unsigned artifact never leaves this machine.
      warn(`signing failed: ${firstLine(errorMessage(err))}; nothing was uploaded`);
      clock.skip(['sync', 'publish', 'check'], 'signing failed');
      return done(signing ? { signer: signing.info } : {});
    }
    const signer = signing!;
    if (!trust) warn('the manifest names no trust settings for the artifacts: the keyless signer\'s identity and issuer are not known here');

    const sync = await clock.time('sync', () => syncPassed(passed, mirrors, reporter));
    for (const m of sync.mirrors) if (!m.ok) warn(`mirror ${m.mirror}: ${m.error ?? `${m.failed} file(s) failed`}`);
    let published: PublishReleaseResult | undefined;
    try {
      published = await clock.time('publish', () => publishPassed(setup, options, keys, passed, unavailablePlatforms(packages, setup), sync, mirrors, trust, warn));
      if (!published.report.ok) warn(`publish: ${noManifestWritten(published.report)}`);
    } catch (err) {
      if (!isUserError(err)) throw err;
      warn(`publish: ${errorMessage(err)}`);
    }
    const manifestUrls = published?.manifestUrls.map((u) => u.url) ?? [];
    let checks: ReleaseCheck[] = [];
    if (options.check === false) clock.skip(['check'], 'disabled');
    else if (manifestUrls.length === 0) clock.skip(['check'], 'no manifest was published');
    else checks = await clock.time('check', () => checkPassed(setup, options, keys, mirrors, passed, manifestUrls, warn));
    return done({ signer: signer.info, sync, ...(published ? { published } : {}), checks });
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await lock.release().catch(() => undefined);
  }
}

/** The manifest signer: the one given, the environment's (configured mirrors), or the work folder's key (made on first use). */
async function manifestKeys(setup: ReleaseSetup, options: ReleaseOptions): Promise<ReleaseKeys> {
  let signer = setup.manifestSigner;
  let trustedKeyFile: string | undefined;
  if (!signer) {
    const key = await ensureLocalSigningKey(setup.workDir);
    if (key.created) setup.reporter.info(`made a manifest signing key: ${path.relative(setup.workDir, key.privateKeyFile)} (public: ${path.relative(setup.workDir, key.publicKeyFile)})`);
    trustedKeyFile = key.publicKeyFile;
    signer = key.signer;
  }
  const trustedKeys = options.trustedKeys ?? (isVerifier(signer) ? [signer] : []);
  return { signer, trustedKeys, ...(trustedKeyFile !== undefined ? { trustedKeyFile } : {}) };
}

/** (mirrors) The configured mirrors, or the local ones (started, reused or throw-away), opened as targets closed by `cleanups`. */
async function openReleaseMirrors(
  setup: ReleaseSetup,
  options: ReleaseOptions,
  keys: ReleaseKeys,
  cleanups: (() => Promise<void>)[],
  warn: (message: string) => void,
): Promise<ReleaseMirrors> {
  const { reporter } = setup;
  let mirrors: Omit<ReleaseMirrors, 'opened'>;
  if (setup.configured) {
    mirrors = { configs: setup.configured.mirrors, minMirrors: setup.minMirrors };
  } else {
    const local = await openLocalMirrors(setup.potionsDir, setup.localPorts!);
    cleanups.push(() => local.close());
    const endpoints = local.mirrors.map((m) => m.endpoint).join(', ');
    if (local.throwaway) {
      warn(
        `the local mirrors run on throw-away ports (${endpoints}) for this run only: the release is published and checked there, and their data goes when the run ends (a manifest naming ports that are gone would be of no use); release on fixed ports to keep it`,
      );
    } else {
      reporter.info(
        local.started
          ? `started ${local.mirrors.length} local mirrors for this run (${endpoints}); \`potions mirrors serve\` keeps them running`
          : `using the running local mirrors (${endpoints})`,
      );
    }
    mirrors = {
      configs: local.mirrors,
      minMirrors: setup.minMirrors,
      startedForRun: local.started,
      ...(local.throwaway ? { throwaway: true } : {}),
      ...(local.scratch ? { scratch: local.scratch } : {}),
    };
  }
  const opened = (options.openMirrors ?? openS3Mirrors)(mirrors.configs, { ...options.s3, env: setup.env, reporter });
  cleanups.push(() => closeMirrors(opened));
  if (mirrors.startedForRun === false) {
    // Reused mirrors may be another work folder's: its manifest is signed by another key, and the publish would be refused.
    await assertRunningMirrorsAreOurs(
      opened.flatMap((m) => (m.target ? [{ endpoint: m.config.endpoint, store: manifestStoreFromMirror(m.target) }] : [])),
      [keys.signer.keyid, ...keys.trustedKeys.map((k) => k.keyid).filter((k) => k !== keys.signer.keyid)],
    );
  }
  return { ...mirrors, opened };
}

/** What building one recipe gave: its summary row, and the build when it succeeded. */
interface BuildOutcome {
  row: ReleaseBuild;
  item?: ReleaseItem;
}

/** (build) Every recipe for the platform, one after the other; a failure is a row with its reason, not an exception. */
async function buildAll(setup: ReleaseSetup, options: ReleaseOptions, cleanups: (() => Promise<void>)[], warn: (message: string) => void): Promise<BuildOutcome[]> {
  const { platform, potionsDir, reporter } = setup;
  const sourceMirrors = [...(options.sourceMirrors ?? [])];
  if (setup.sourceDirs.length > 0) {
    const server = await serveSourceDirs(setup.sourceDirs);
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
      const row = builtRow(name, platform, result);
      outcomes.push({ row, item: { recipe: req.recipe, recipeFile: req.file, result, row } });
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
 * version is known) and each withheld one, with its reason, and in local mode
 * every other platform of every released version ("local release builds only
 * <host>"), never left out.
 */
export function unavailablePlatforms(packages: readonly ReleaseBuild[], setup: { platform: Platform; local: boolean }): BuildFailure[] {
  const failures: BuildFailure[] = packages
    .filter((p) => p.status === 'failed' && p.version !== 'unknown')
    .map((p) => ({ name: p.name, version: p.version, platform: p.platform, reason: `build failed${p.step ? ` (${p.step})` : ''}: ${p.error ?? 'unknown error'}` }));
  for (const p of packages) if (p.status !== 'failed' && p.withheld) failures.push({ name: p.name, version: p.version, platform: p.platform, reason: p.withheld });
  if (!setup.local) return failures;
  const versions = new Map(packages.filter((p) => p.version !== 'unknown').map((p) => [`${p.name}@${p.version}`, p]));
  for (const p of versions.values()) {
    for (const other of PLATFORMS) if (other !== setup.platform) failures.push({ name: p.name, version: p.version, platform: other, reason: localOnlyReason(setup.platform) });
  }
  return failures;
}

/** (sync) Every file of every build that passed, signatures, SBOMs and provenance included, to every mirror, read back. */
async function syncPassed(passed: readonly ReleaseItem[], mirrors: ReleaseMirrors, reporter: Reporter): Promise<SyncResult> {
  const files = passed.flatMap((i) => i.files ?? []);
  const outcome = await syncToMirrors(await localObjectsFromFiles(files), { mirrors: mirrors.opened, minMirrors: mirrors.minMirrors, reporter });
  return outcome.result!;
}

/** (publish) The one publish path, over the passed builds' metadata and their sync. */
async function publishPassed(
  setup: ReleaseSetup,
  options: ReleaseOptions,
  keys: ReleaseKeys,
  passed: readonly ReleaseItem[],
  failures: readonly BuildFailure[],
  sync: SyncResult,
  mirrors: ReleaseMirrors,
  trust: SigningTrust | undefined,
  warn: (message: string) => void,
): Promise<PublishReleaseResult> {
  const metadata = await Promise.all(
    passed.map(async (i) => artifactMetadataFileFromBytes(i.result.metadataFile, new Uint8Array(await fs.readFile(i.result.metadataFile)))),
  );
  const request: PublishReleaseOptions = {
    metadata,
    sync,
    syncSource: "this release's sync",
    mirrors: mirrors.opened,
    signer: keys.signer,
    ...(keys.trustedKeys.length > 0 ? { trustedKeys: keys.trustedKeys } : {}),
    platforms: [setup.platform],
    failures,
    ...(options.expiresInDays !== undefined ? { expiresInDays: options.expiresInDays } : {}),
    now: setup.now,
    reporter: setup.reporter,
    // Who signed the artifacts: the manifest's trust settings, against which fetch verifies each bundle.
    ...(trust ? { artifactTrust: trust } : {}),
    checks: passed.map((i) => ({ name: i.result.name, version: i.result.version, platform: setup.platform, checks: manifestChecks(i.row) })),
  };
  const published = await publishRelease(request);
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

/** What the fetch verified of the artifact's signature (`fetchPackage` checks the bundle before it extracts anything). */
function verifiedSignature(got: FetchPackageResult): ReleaseCheck['signature'] | undefined {
  const s = got.signature;
  if (!s.verified) return undefined;
  return { kind: s.kind, ...(s.keyId !== undefined ? { keyId: s.keyId } : {}), ...(s.certificateIdentity !== undefined ? { identity: s.certificateIdentity } : {}) };
}

/** What the manifest records of a published build's checks: the smoke test and the scan, as this release ran them. */
export function manifestChecks(row: ReleaseBuild): Checks {
  const checks: Checks = {};
  const smoke = row.smoke;
  if (smoke?.status === 'passed') checks.smokeTest = { status: 'passed', runner: smoke.runner ?? 'native' };
  else if (smoke?.status === 'not-run') checks.smokeTest = { status: 'static-only', reason: smoke.reason ?? 'the commands were not run' };
  const scan = row.scan;
  if (scan?.status === 'passed' && scan.scannedAt !== undefined) {
    checks.scan = { status: 'passed', scanner: scan.scanner ?? 'unknown', maxSeverity: scan.maxSeverity, scannedAt: scan.scannedAt };
  }
  else if (scan?.status === 'skipped' || scan?.status === 'not-run') checks.scan = { status: 'not-run', reason: scan.reason ?? 'not scanned' };
  return checks;
}

/** (check) Fetch each build back through the manifest as a user would: the manifest's signature, the artifact's, its digest. */
async function checkPassed(
  setup: ReleaseSetup,
  options: ReleaseOptions,
  keys: ReleaseKeys,
  mirrors: ReleaseMirrors,
  passed: readonly ReleaseItem[],
  manifestUrls: readonly string[],
  warn: (message: string) => void,
): Promise<ReleaseCheck[]> {
  // Throw-away mirrors start at manifest version 1 each run: their rollback memory is the run's own.
  const stateDir = mirrors.scratch ?? path.join(setup.potionsDir, 'state');
  const trustStore = new FileTrustStore(path.join(stateDir, 'manifest-trust.json'));
  const checkRoot = path.join(setup.potionsDir, 'check');
  const checks: ReleaseCheck[] = [];
  for (const { result } of passed) {
    const dir = path.join(checkRoot, `${result.name}-${result.version}-${randomBytes(4).toString('hex')}`);
    const check: ReleaseCheck = { name: result.name, version: result.version, platform: setup.platform, ok: false };
    try {
      const got = await fetchPackage({
        manifestUrl: manifestUrls,
        name: result.name,
        version: result.version,
        platform: setup.platform,
        outDir: dir,
        trustedKeys: keys.trustedKeys,
        trustStore,
        reporter: setup.reporter,
        now: setup.now,
        ...(options.download ? { download: options.download } : {}),
      });
      check.mirror = got.mirror;
      check.seconds = got.seconds;
      const signature = verifiedSignature(got);
      if (signature) check.signature = signature;
      if (got.sha256 !== result.sha256) {
        throw new UserError(PipelineErrorCode.Manifest, `fetched ${got.sha256}, but this release built ${result.sha256}`, {
          hint: 'the manifest already listed another build of this version: a published digest never changes; publish a new version',
        });
      }
      check.ok = true;
    } catch (err) {
      if (!isUserError(err)) throw err;
      check.error = firstLine(errorMessage(err));
      warn(`check ${buildLabel({ name: result.name, version: result.version, platform: setup.platform })}: ${check.error}`);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    checks.push(check);
  }
  // Only when empty: the folder is this work folder's, and nothing else of this run is in it.
  await fs.rmdir(checkRoot).catch(() => undefined);
  return checks;
}

function isVerifier(s: Signer): s is Signer & Verifier {
  return typeof (s as Partial<Verifier>).verify === 'function';
}
