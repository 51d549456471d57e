/**
 * Everything a release can refuse before it changes anything: the options
 * (versions, ports, jobs, mirror counts, folders), the recipes, the mirrors
 * configuration, the manifest key from the environment, the artifact signer,
 * the vulnerability scanner and its allow-list. Nothing here creates a file,
 * starts a server or builds: a mistake found here leaves the work folder as
 * it was (issue 9: a bad `--version`, `--min-mirrors`, `--source-dir` or
 * `--local-ports` used to be refused only after a key and mirrors were made).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PLATFORMS, UserError, errorMessage, hasCode, hostPlatform, silentReporter, systemNow } from '@potions/core';
import type { Now, Platform, Reporter } from '@potions/core';
import { findRecipe, loadRecipeOrThrow } from '@potions/builder';
import { DEFAULT_LOCAL_PORTS } from '@potions/local-mirrors';
import { localKeySignerFromEnv } from '@potions/manifest';
import type { Signer, Verifier } from '@potions/manifest';
import { loadMirrorsConfig } from '@potions/mirrors';
import type { MirrorsConfig, OpenMirrors, S3TargetOptions } from '@potions/mirrors';
import { isSafeVersion } from '@potions/recipe';
import type { Recipe } from '@potions/recipe';
import { readAllowList, selectScanner } from '@potions/sbom';
import type { AllowEntry, FailOn, Scanner, ScannerChoice } from '@potions/sbom';
import { PUBLIC_GOOD_SERVICES, SigstoreKeylessSigner, idTokenProviderFromEnv, keyBundleSignerFromFile } from '@potions/signing';
import type { ArtifactSigner, IdTokenProvider, SigstoreServices } from '@potions/signing';
import { PipelineErrorCode } from './errors';
import type { DownloadSettings } from './read-manifest';
import { checkSourceDirs } from './source-dir-server';

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
  /** Overrides the manifest signer (local key, or the environment's). */
  signer?: Signer;
  /** Keys the check fetch trusts (default: the signer's public key). */
  trustedKeys?: readonly Verifier[];
  /** Signs the artifacts and their provenance (default: keyless with an OIDC token, else `signingKey`, else the work folder's key). */
  artifactSigner?: ArtifactSigner;
  /** An ECDSA P-256 private key (PEM file) to sign the artifacts with instead of keyless or the work folder's key. */
  signingKey?: string;
  /** The Sigstore services of keyless signing (default: the public-good instance). */
  sigstore?: SigstoreServices;
  /** Holds `.potions/` (mirror data, keys, cache, build output). Default `process.cwd()`. */
  workDir?: string;
  /** Source mirror bases (`BASE/<host>/<path>`), after the recipes' own URLs. */
  sourceMirrors?: readonly string[];
  /** Folders of upstream files served by file name as a source mirror (offline builds). */
  sourceDirs?: readonly string[];
  /**
   * Ports of the two embedded mirrors in local mode (default 4568, 4569, or
   * those of a `mirrors serve` announced in the work folder). `[0, 0]` (or
   * `[0]`) starts throw-away mirrors on free ports, with their data removed
   * at the end of the run.
   */
  localPorts?: readonly number[];
  /** Use the build cache (default true). */
  cache?: boolean;
  /** Default `<workDir>/.potions/cache`. */
  cacheDir?: string;
  /** Parallel build jobs, 1 to `maxBuildJobs()` (default: the number of CPUs). */
  jobs?: number;
  /** Mirrors that must hold every file (default: the configuration's, else 1); at most the number of mirrors. */
  minMirrors?: number;
  /** Lifetime of a newly signed manifest (default 90 days). */
  expiresInDays?: number;
  /** Fetch the result back through the manifest (default true). */
  check?: boolean;
  /** Versions of dependencies (otherwise looked up). */
  dependencyVersions?: Readonly<Record<string, string>>;
  /** Per smoke-test command (default 60 s). */
  smokeTimeoutMs?: number;
  /** Which vulnerability scanner (default `auto`: grype, else trivy, else the OSV folder). */
  scanner?: ScannerChoice;
  /** A folder of OSV records to scan against offline. */
  osvDir?: string;
  /** The lowest severity that withholds a build (default `high`; `none` reports only). */
  failOn?: FailOn;
  /** An allow-list file (YAML: id, reason, expires). */
  allowList?: string;
  reporter?: Reporter;
  /** The clock the manifest is signed by and checked against, and scans are dated by. Default `systemNow`. */
  now?: Now;
  env?: NodeJS.ProcessEnv;
  /** S3 client settings (retry policy, timeouts) for every mirror. */
  s3?: Omit<S3TargetOptions, 'reporter' | 'env'>;
  /** Opens the mirrors' targets (default `openS3Mirrors`); the release closes every target it opened. */
  openMirrors?: OpenMirrors;
  /** Download settings of the check fetch. */
  download?: DownloadSettings;
}

/** Jobs above this many per CPU only slow a build down (and `make -j100000` hung): refused. */
export const BUILD_JOBS_PER_CPU = 4;
/** And never more than this, however many CPUs. */
export const MAX_BUILD_JOBS = 256;

/** The most parallel build jobs a release accepts on a machine with `cpus` CPUs. */
export function maxBuildJobs(cpus: number = os.availableParallelism()): number {
  return Math.min(MAX_BUILD_JOBS, BUILD_JOBS_PER_CPU * Math.max(1, cpus));
}

/** The local mirrors of a release: two, on fixed ports (kept), or on free ports (throw-away). */
export interface LocalPorts {
  ports: number[];
  /** Free ports, picked for this run: the mirrors and their data do not outlive it. */
  throwaway: boolean;
  /** The caller chose the ports (false: the defaults, or a `mirrors serve` announced in the work folder may be used). */
  given: boolean;
}

/**
 * The two ports of the local mirrors: two fixed ports (kept between runs),
 * or `0,0` (also written `0`) for two free ones. A fixed port beside a free
 * one is refused: the manifest would name a port that is gone after the run
 * next to one that is kept.
 */
export function localPortsOf(ports: readonly number[] | undefined): LocalPorts {
  if (ports === undefined) return { ports: [...DEFAULT_LOCAL_PORTS], throwaway: false, given: false };
  const hint = `give two ports, such as ${DEFAULT_LOCAL_PORTS.join(',')}, or 0 for two free ports (throw-away mirrors)`;
  const list = ports.length === 1 && ports[0] === 0 ? [0, 0] : [...ports];
  const shown = ports.join(',');
  if (list.length !== 2) throw new UserError(PipelineErrorCode.LocalPorts, `the local mirrors need two ports, got ${ports.length} (${shown})`, { hint });
  const bad = list.find((p) => !Number.isInteger(p) || p < 0 || p > 65535);
  if (bad !== undefined) throw new UserError(PipelineErrorCode.LocalPorts, `port ${bad} is not a port number (0 to 65535)`, { hint });
  const free = list.filter((p) => p === 0).length;
  if (free === 1) {
    throw new UserError(PipelineErrorCode.LocalPorts, `ports ${shown} mix a fixed port with a free one`, {
      hint: 'a release on free ports is thrown away at its end, one on fixed ports is kept: use two fixed ports, or 0 for both',
    });
  }
  if (free === 0 && list[0] === list[1]) {
    throw new UserError(PipelineErrorCode.LocalPorts, `both local mirrors would listen on port ${list[0]}`, { hint: 'give two different ports' });
  }
  return { ports: list, throwaway: free === 2, given: true };
}

/** How the artifacts are signed: a signer ready now, or the work folder's key (made once the release holds the folder). */
export type ArtifactSignerPlan = { kind: 'given'; signer: ArtifactSigner; source: string; token?: IdTokenProvider } | { kind: 'local' };

/** The scan of every build: the one scanner, or why there is none (local mode). */
export interface ScanPlan {
  scanner?: Scanner;
  /** Why no scanner runs (local mode without one). */
  missing?: string;
  failOn: FailOn;
  allowList?: AllowEntry[];
}

/** Everything decided before a folder is made, a mirror starts or a build runs. */
export interface ReleaseSetup {
  platform: Platform;
  local: boolean;
  workDir: string;
  potionsDir: string;
  recipesDirs: string[];
  requests: { file: string; recipe: Recipe; version?: string }[];
  configured: MirrorsConfig | undefined;
  /** Local mode: the mirrors' ports. */
  localPorts?: LocalPorts;
  minMirrors: number;
  sourceDirs: string[];
  /** The manifest signer; undefined: the work folder's key (local mode, made later). */
  manifestSigner?: Signer;
  artifactSigner: ArtifactSignerPlan;
  scan: ScanPlan;
  env: NodeJS.ProcessEnv;
  reporter: Reporter;
  now: Now;
}

async function checkWorkDir(workDir: string): Promise<void> {
  for (const dir of [workDir, path.join(workDir, '.potions')]) {
    let why: string | undefined;
    try {
      if (!(await fs.stat(dir)).isDirectory()) why = 'is a file, not a folder';
    } catch (err) {
      if (hasCode(err, 'ENOENT')) return; // made when the release starts
      why = hasCode(err, 'ENOTDIR') ? 'lies under a file' : `cannot be read: ${errorMessage(err)}`;
    }
    if (why) {
      throw new UserError(PipelineErrorCode.WorkDir, `the work folder ${dir} ${why}`, {
        location: { file: dir },
        hint: 'the work folder holds .potions/ (local mirrors, keys, cache, build output): give a folder, or one that does not exist yet',
      });
    }
  }
}

function checkVersion(version: string, where: string): void {
  if (!isSafeVersion(version)) {
    throw new UserError(PipelineErrorCode.Version, `${JSON.stringify(version)} (${where}) is not a version`, {
      hint: 'a version is letters, digits and . _ + - only, starting with a letter or digit, at most 128 characters (it becomes part of file names)',
    });
  }
}

function checkJobs(jobs: number | undefined): void {
  if (jobs === undefined) return;
  const max = maxBuildJobs();
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > max) {
    throw new UserError(PipelineErrorCode.Jobs, `${jobs} parallel build jobs: expected 1 to ${max} on this machine (${BUILD_JOBS_PER_CPU} per CPU, at most ${MAX_BUILD_JOBS})`, {
      hint: 'leave it out for one job per CPU',
    });
  }
}

function checkMinMirrors(minMirrors: number, count: number, where: string): void {
  if (!Number.isInteger(minMirrors) || minMirrors < 1) {
    throw new UserError(PipelineErrorCode.MinMirrors, `${minMirrors} mirrors must hold every file: expected a whole number of at least 1`);
  }
  if (minMirrors > count) {
    throw new UserError(PipelineErrorCode.MinMirrors, `${minMirrors} mirrors must hold every file, but the release has ${count} (${where})`, {
      hint: `ask for at most ${count}, or add mirrors to the configuration`,
    });
  }
}

/** The environment as programs take it (no undefined values). */
function execEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * The scanner of the whole release, chosen once. A release to configured
 * mirrors must scan (a missing scanner is refused here, before anything
 * runs); a local release without grype, trivy or OSV records goes on and
 * says, for each build, that the scan did not run.
 */
async function planScan(options: ReleaseOptions, requests: ReleaseSetup['requests'], local: boolean, env: NodeJS.ProcessEnv): Promise<ScanPlan> {
  const failOn = options.failOn ?? 'high';
  const allowList = options.allowList !== undefined ? await readAllowList(options.allowList) : undefined;
  const plan: ScanPlan = { failOn, ...(allowList ? { allowList } : {}) };
  if (!requests.some((r) => r.recipe.scanVulnerabilities)) return plan;
  const choice = options.scanner ?? 'auto';
  try {
    plan.scanner = await selectScanner({ choice, ...(options.osvDir !== undefined ? { osvDir: options.osvDir } : {}), env: execEnv(env) });
  } catch (err) {
    // Only a local release may go without a scanner, and only when none was asked for by name.
    if (!local || choice !== 'auto' || options.osvDir !== undefined) throw err;
    plan.missing = 'neither grype nor trivy is on the PATH, and no folder of OSV records was given';
  }
  return plan;
}

/**
 * The artifact signer, when it can be had without making anything: the one
 * given, a key file, or keyless when an OIDC token is at hand
 * (`POTIONS_OIDC_TOKEN`, or GitHub's token endpoint in a job with
 * `id-token: write`). Otherwise the work folder's key, made later.
 */
async function planArtifactSigner(options: ReleaseOptions, env: NodeJS.ProcessEnv, reporter: Reporter): Promise<ArtifactSignerPlan> {
  if (options.artifactSigner) return { kind: 'given', signer: options.artifactSigner, source: 'given by the caller' };
  if (options.signingKey !== undefined) return { kind: 'given', signer: await keyBundleSignerFromFile(options.signingKey), source: `key file ${options.signingKey}` };
  const oidc = idTokenProviderFromEnv(env, { secret: (v) => reporter.secret(v) });
  if (oidc) {
    const signer = new SigstoreKeylessSigner({ idToken: oidc.provider, services: options.sigstore ?? PUBLIC_GOOD_SERVICES });
    return { kind: 'given', signer, source: `OIDC token from ${oidc.source}`, token: oidc.provider };
  }
  return { kind: 'local' };
}

/** Check the options, load the recipes, the configuration, the keys that exist and the scanner: everything that can be refused up front. */
export async function prepareRelease(options: ReleaseOptions): Promise<ReleaseSetup> {
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
  await checkWorkDir(workDir);
  if (options.version !== undefined) checkVersion(options.version, 'the release version');
  checkJobs(options.jobs);
  const local = options.config === undefined && options.mirrors === undefined;
  if (!local && options.localPorts !== undefined) {
    throw new UserError(PipelineErrorCode.LocalPorts, 'local mirror ports were given, but the release publishes to configured mirrors', {
      hint: 'local ports go with a release to the embedded local mirrors, without a mirrors configuration',
    });
  }
  const localPorts = local ? localPortsOf(options.localPorts) : undefined;
  const sourceDirs = await checkSourceDirs((options.sourceDirs ?? []).map((d) => path.resolve(workDir, d)));

  const recipesDirs = (options.recipesDirs ?? [path.join(workDir, 'recipes')]).map((d) => path.resolve(workDir, d));
  const requests: ReleaseSetup['requests'] = [];
  for (const raw of options.recipes) {
    const { ref, version } = splitRecipeRef(raw);
    if (version !== undefined) checkVersion(version, raw);
    const pathLike = ref.includes('/') || /\.ya?ml$/i.test(ref);
    const file = await findRecipe(pathLike ? path.resolve(workDir, ref) : ref, recipesDirs);
    const loaded = await loadRecipeOrThrow(file);
    requests.push({ file, recipe: loaded.recipe, ...((version ?? options.version) !== undefined ? { version: (version ?? options.version)! } : {}) });
  }
  const configured = options.mirrors ?? (options.config !== undefined ? await loadMirrorsConfig(path.resolve(workDir, options.config)) : undefined);
  const mirrorCount = configured ? configured.mirrors.length : localPorts!.ports.length;
  const minMirrors = options.minMirrors ?? configured?.minMirrors ?? 1;
  checkMinMirrors(minMirrors, mirrorCount, configured ? 'in the mirrors configuration' : 'the two local mirrors');

  const manifestSigner = options.signer ?? (local ? undefined : localKeySignerFromEnv({ env, reporter }));
  const artifactSigner = await planArtifactSigner(options, env, reporter);
  const scan = await planScan(options, requests, local, env);
  return {
    platform,
    local,
    workDir,
    potionsDir: path.join(workDir, '.potions'),
    recipesDirs,
    requests,
    configured,
    ...(localPorts ? { localPorts } : {}),
    minMirrors,
    sourceDirs,
    ...(manifestSigner ? { manifestSigner } : {}),
    artifactSigner,
    scan,
    env,
    reporter,
    now: options.now ?? systemNow,
  };
}

/** `tree@2.1.0` -> name and version; paths (with a slash or .yml) are left whole. */
export function splitRecipeRef(ref: string): { ref: string; version?: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9._+-]*)@([A-Za-z0-9][A-Za-z0-9._+~-]*)$/.exec(ref);
  if (m && !/\.ya?ml$/i.test(m[1]!)) return { ref: m[1]!, version: m[2]! };
  return { ref };
}
