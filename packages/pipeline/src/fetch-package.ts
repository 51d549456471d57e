/**
 * `potions fetch`: the consumer end of the chain. Read and verify the
 * manifest, pick the artifact for the platform, download it from its mirrors
 * in priority order with its digest and size pinned, then extract it safely
 * and relocate it for the folder it lands in, atomically.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError, errorMessage, hostPlatform, silentReporter, PLATFORMS } from '@potions/core';
import type { Now, Platform, Reporter } from '@potions/core';
import { downloadFile, downloadToBuffer } from '@potions/downloader';
import { selectArtifact } from '@potions/manifest';
import type { ArtifactFormat, BuildFacts, TrustStore, Verifier } from '@potions/manifest';
import { PipelineErrorCode } from './errors';
import { checkInstallTarget, installArtifactAtomically } from './install';
import { readVerifiedManifest } from './read-manifest';
import type { DownloadSettings } from './read-manifest';

export interface FetchPackageOptions {
  /** http(s) URLs of `manifest.json`, one per mirror, tried in order; or one manifest file. */
  manifestUrl: string | readonly string[];
  name: string;
  /** Undefined: the newest version available for the platform. */
  version?: string;
  /** Default: this machine's. */
  platform?: Platform;
  /** The folder to install into (created; must be missing or empty unless `replace`). */
  outDir: string;
  /** Keys whose signature on the manifest is accepted. */
  trustedKeys: readonly Verifier[];
  /** The memory of manifest versions seen (rollback protection). */
  trustStore: TrustStore;
  /** Formats in order of preference (default tar.gz, then tar.zst). */
  formats?: readonly ArtifactFormat[];
  replace?: boolean;
  /** Never replaced, nor its parents (default `process.cwd()`). */
  cwd?: string;
  /** Never replaced (default `os.homedir()`). */
  home?: string;
  reporter?: Reporter;
  /** Timeouts, retry policy, circuit breaker, events for every download. */
  download?: DownloadSettings;
  /** The clock expiry is checked against. Default `systemNow`. */
  now?: Now;
  /** Milliseconds for the reported duration (elapsed time; default the monotonic `performance.now`). */
  clock?: () => number;
}

export interface FetchPackageResult {
  name: string;
  version: string;
  platform: Platform;
  format: ArtifactFormat;
  /** The installed folder (absolute). */
  dir: string;
  sha256: string;
  size: number;
  /** The mirror URL the artifact came from. */
  mirror: string;
  /** Every mirror URL the manifest lists for the artifact, in priority order. */
  urls: string[];
  /** HTTP requests for the artifact (cancelled hedges and failed mirrors included). */
  attempts: number;
  seconds: number;
  /** The manifest copy accepted, and its version. */
  manifestUrl: string;
  manifestVersion: number;
  /** Manifest copies refused on the way (tampered, rolled back, expired). */
  manifestRefused: { source: string; code: string; message: string }[];
  build: BuildFacts;
  /** Text files where the prefix placeholder was replaced by `dir`. */
  relocated: string[];
}

/** The fields of `<artifact>.json` the installer needs; the file's digest is pinned by the manifest. */
function relocationOf(data: unknown, file: string): { placeholder?: string; relocatedFiles?: string[] } {
  if (typeof data !== 'object' || data === null) {
    throw new UserError(PipelineErrorCode.Metadata, `${file} is not an object`, { location: { file } });
  }
  const { placeholder, relocatedFiles } = data as { placeholder?: unknown; relocatedFiles?: unknown };
  if (placeholder !== undefined && (typeof placeholder !== 'string' || placeholder === '')) {
    throw new UserError(PipelineErrorCode.Metadata, `${file}: placeholder must be a non-empty string`, { location: { file, field: 'placeholder' } });
  }
  if (relocatedFiles !== undefined && !(Array.isArray(relocatedFiles) && relocatedFiles.every((f) => typeof f === 'string'))) {
    throw new UserError(PipelineErrorCode.Metadata, `${file}: relocatedFiles must be a list of paths`, { location: { file, field: 'relocatedFiles' } });
  }
  return {
    ...(placeholder !== undefined ? { placeholder } : {}),
    ...(relocatedFiles !== undefined ? { relocatedFiles: relocatedFiles as string[] } : {}),
  };
}

export async function fetchPackage(options: FetchPackageOptions): Promise<FetchPackageResult> {
  const reporter = options.reporter ?? silentReporter;
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const platform = options.platform ?? hostPlatform();
  if (!platform) {
    throw new UserError(PipelineErrorCode.Options, `this machine (${process.platform}/${process.arch}) is not one of the platforms Potions builds for`, {
      hint: `one of: ${PLATFORMS.join(', ')}`,
    });
  }
  // A bad --out is refused before anything is downloaded.
  const target = { ...(options.replace ? { replace: true } : {}), ...(options.cwd ? { cwd: options.cwd } : {}), ...(options.home ? { home: options.home } : {}) };
  const outDir = (await checkInstallTarget(options.outDir, target)).dir;
  const sources = typeof options.manifestUrl === 'string' ? [options.manifestUrl] : [...options.manifestUrl];
  const read = await readVerifiedManifest({
    sources,
    trustedKeys: options.trustedKeys,
    trustStore: options.trustStore,
    reporter,
    ...(options.now ? { now: options.now } : {}),
    ...(options.download ? { download: options.download } : {}),
  });
  reporter.info(`manifest version ${read.manifest.version} from ${read.source} (signed by ${read.keyid.slice(0, 16)})`);
  const pick = selectArtifact(read.manifest, {
    name: options.name,
    ...(options.version !== undefined ? { version: options.version } : {}),
    platform,
    ...(options.formats ? { formats: options.formats } : {}),
  });

  // The build metadata names the files that hold the prefix placeholder; its digest is in the signed manifest.
  const meta = await downloadToBuffer({
    ...options.download,
    urls: pick.metadata.urls,
    sha256: pick.metadata.sha256,
    size: pick.metadata.size,
    label: pick.metadata.file,
    reporter,
  });
  let metaJson: unknown;
  try {
    metaJson = JSON.parse(meta.data.toString('utf8'));
  } catch (err) {
    throw new UserError(PipelineErrorCode.Metadata, `${pick.metadata.file} is not JSON: ${errorMessage(err)}`, { location: { file: meta.url } });
  }
  const relocation = relocationOf(metaJson, pick.metadata.file);

  // Beside the destination (same file system). Removed when the fetch ends, whatever the outcome: only a
  // process that is killed leaves it, and the next run resumes from what it holds.
  const downloadDir = path.join(path.dirname(outDir), `.${path.basename(outDir)}.download`);
  const artifact = pick.artifacts[0]!;
  let got;
  let installed;
  try {
    got = await downloadFile({
      ...options.download,
      urls: artifact.urls,
      dest: path.join(downloadDir, path.basename(artifact.file)),
      sha256: artifact.sha256,
      size: artifact.size,
      reporter,
    });
    installed = await installArtifactAtomically({ artifact: got.file, dir: outDir, ...relocation, ...target });
  } finally {
    await fs.rm(downloadDir, { recursive: true, force: true });
  }
  return {
    name: pick.name,
    version: pick.version,
    platform,
    format: artifact.format,
    dir: installed.dir,
    sha256: got.sha256,
    size: got.bytes,
    mirror: got.url,
    urls: artifact.urls,
    attempts: got.attempts,
    seconds: Math.round((clock() - started) / 10) / 100,
    manifestUrl: read.source,
    manifestVersion: read.manifest.version,
    manifestRefused: read.refused,
    build: pick.build,
    relocated: installed.relocated,
  };
}
