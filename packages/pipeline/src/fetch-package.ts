/**
 * `potions fetch`: the consumer end of the chain. Read and verify the
 * manifest (the newest acceptable copy of every location), pick the newest
 * revision of the build that is not withdrawn, then for each format the
 * manifest lists, in order of preference, until one works: download it from
 * its mirrors in priority order with its digest and size pinned, verify its
 * Sigstore bundle against the artifact trust settings (the manifest's, or the
 * caller's), and only then extract it safely and relocate it for the folder
 * it lands in, atomically.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError, errorMessage, hostPlatform, isUserError, silentReporter, PLATFORMS } from '@potions/core';
import type { Now, Platform, Reporter } from '@potions/core';
import { downloadFile, downloadToBuffer } from '@potions/downloader';
import { selectArtifact } from '@potions/manifest';
import type { Artifact, ArtifactFormat, BuildFacts, TrustStore, Verifier } from '@potions/manifest';
import { publicGoodTrustedRoot, verifyArtifact } from '@potions/signing';
import type { SigningTrust, TrustedRootSource, VerifiedSignature } from '@potions/signing';
import { PipelineErrorCode } from './errors';
import { checkInstallTarget, installArtifactAtomically } from './install';
import type { InstallResult } from './install';
import { readVerifiedManifest } from './read-manifest';
import type { DownloadSettings } from './read-manifest';

export interface FetchPackageOptions {
  /** Every location of `manifest.json`: one URL per mirror, and/or files. Each is read; the newest acceptable copy is used. */
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
  /**
   * Who may sign the artifacts, given by the user: used instead of the
   * manifest's `artifactTrust` (whose revocations still apply). With it, an
   * artifact without a signature bundle is refused even when the manifest
   * does not say it signs its artifacts.
   */
  artifactTrust?: SigningTrust;
  /** The Sigstore trusted root for keyless bundles, loaded only when one is verified. Default Sigstore's public-good one (TUF). */
  trustedRoot?: TrustedRootSource;
  /** Formats in order of preference (default tar.gz, then tar.zst); every format listed is tried before giving up. */
  formats?: readonly ArtifactFormat[];
  /** Replace a non-empty `outDir` that holds an earlier Potions install. */
  replace?: boolean;
  /** Never replaced, nor its parents (default `process.cwd()`). */
  cwd?: string;
  /** Never replaced (default `os.homedir()`). */
  home?: string;
  reporter?: Reporter;
  /** Timeouts, retry policy, minimum throughput, circuit breaker, events for every download. */
  download?: DownloadSettings;
  /** After the first acceptable manifest copy, wait at most this long for the other locations (default 3 s). */
  manifestGraceMs?: number;
  /** The clock expiry is checked against. Default `systemNow`. */
  now?: Now;
  /** Milliseconds for the reported duration (elapsed time; default the monotonic `performance.now`). */
  clock?: () => number;
}

/** What the signature check said: verified (and by whom), or why there was none. */
export type FetchSignature =
  | ({ verified: true; bundle: string } & Pick<VerifiedSignature, 'kind' | 'keyId' | 'certificateIdentity' | 'issuer' | 'sourceRepository' | 'signedAt'>)
  | { verified: false; reason: string };

export interface FetchPackageResult {
  name: string;
  version: string;
  platform: Platform;
  /** The revision installed: the newest one that is not withdrawn. */
  revision: number;
  format: ArtifactFormat;
  /** The installed folder (absolute). */
  dir: string;
  sha256: string;
  size: number;
  /** The mirror URL the artifact came from. */
  mirror: string;
  /** Every mirror URL the manifest lists for the artifact installed, in priority order. */
  urls: string[];
  /** Formats tried before the one installed, with why each failed. */
  formatsFailed: { format: ArtifactFormat; code: string; message: string }[];
  signature: FetchSignature;
  /** HTTP requests for the artifact (cancelled hedges and failed mirrors included). */
  attempts: number;
  seconds: number;
  /** The manifest copy accepted, and its version. */
  manifestUrl: string;
  manifestVersion: number;
  /** Manifest copies refused on the way (tampered, rolled back, expired, unreachable). */
  manifestRefused: { source: string; code: string; message: string }[];
  /** Manifest copies that were older than the one taken (a mirror a release did not reach). */
  manifestOlder: { source: string; version: number }[];
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

/** The trust to verify with: the caller's (with the manifest's revocations kept), else the manifest's; undefined: artifacts are not signed. */
function trustFor(fromCaller: SigningTrust | undefined, fromManifest: SigningTrust | undefined): SigningTrust | undefined {
  if (!fromCaller) return fromManifest;
  const revoked = [...new Set([...(fromCaller.revokedKeys ?? []), ...(fromManifest?.revokedKeys ?? [])])];
  return { ...fromCaller, ...(revoked.length > 0 ? { revokedKeys: revoked } : {}) };
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
    ...(options.manifestGraceMs !== undefined ? { graceMs: options.manifestGraceMs } : {}),
  });
  reporter.info(`manifest version ${read.manifest.version} from ${read.source} (signed by ${read.keyid.slice(0, 16)})`);
  const pick = selectArtifact(read.manifest, {
    name: options.name,
    ...(options.version !== undefined ? { version: options.version } : {}),
    platform,
    ...(options.formats ? { formats: options.formats } : {}),
  });
  const where = `${pick.name}@${pick.version} ${platform} (revision ${pick.revision})`;
  const trust = trustFor(options.artifactTrust, read.manifest.artifactTrust);
  if (!trust) {
    reporter.warn(`the manifest does not say its artifacts are signed (it has no artifact trust settings): ${where} is checked against the signed manifest's sha256 only`);
  }

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
  const formatsFailed: FetchPackageResult['formatsFailed'] = [];
  try {
    for (const artifact of pick.artifacts) {
      let good: Awaited<ReturnType<typeof getVerified>>;
      try {
        good = await getVerified(artifact, downloadDir, trust, options, reporter);
      } catch (err) {
        // A copy that cannot be had or verified sends us to the next format; anything else is not the copy's fault.
        if (!isUserError(err)) throw err;
        formatsFailed.push({ format: artifact.format, code: err.code, message: err.message });
        reporter.warn(`${artifact.file}: ${err.message}${pick.artifacts.length > formatsFailed.length ? '; trying the next format' : ''}`);
        continue;
      }
      const installed: InstallResult = await installArtifactAtomically({
        artifact: good.file,
        dir: outDir,
        ...relocation,
        ...target,
        marker: { name: pick.name, version: pick.version, platform, revision: pick.revision, format: artifact.format, sha256: artifact.sha256 },
        ...(options.now ? { now: options.now } : {}),
      });
      return {
        name: pick.name,
        version: pick.version,
        platform,
        revision: pick.revision,
        format: artifact.format,
        dir: installed.dir,
        sha256: good.sha256,
        size: good.bytes,
        mirror: good.url,
        urls: artifact.urls,
        formatsFailed,
        signature: good.signature,
        attempts: good.attempts,
        seconds: Math.round((clock() - started) / 10) / 100,
        manifestUrl: read.source,
        manifestVersion: read.manifest.version,
        manifestRefused: read.refused,
        manifestOlder: read.older,
        build: pick.build,
        relocated: installed.relocated,
      };
    }
  } finally {
    await fs.rm(downloadDir, { recursive: true, force: true });
  }
  const signatureFailure = formatsFailed.find((f) => f.code.startsWith('E_SIGNING_') || f.code === PipelineErrorCode.Unsigned);
  throw new UserError(
    signatureFailure?.code ?? formatsFailed[0]?.code ?? PipelineErrorCode.NoGoodCopy,
    `no format of ${where} could be downloaded and verified:\n${formatsFailed.map((f) => `  ${f.format}: ${f.message}`).join('\n')}`,
    {
      hint: signatureFailure
        ? 'the signature does not match who the trust settings say signs these artifacts: do not install it; tell the publisher'
        : 'every mirror of every format failed: check the mirrors, or try again later',
    },
  );
}

/**
 * One format: download it (every mirror, digest and size pinned) and, when
 * artifacts are signed, its bundle, and verify the one against the other.
 * Nothing is extracted before this returns.
 */
async function getVerified(
  artifact: Artifact,
  downloadDir: string,
  trust: SigningTrust | undefined,
  options: FetchPackageOptions,
  reporter: Reporter,
): Promise<{ file: string; sha256: string; bytes: number; url: string; attempts: number; signature: FetchSignature }> {
  if (trust && !artifact.signatureBundle) {
    throw new UserError(PipelineErrorCode.Unsigned, `${artifact.file} has no signature bundle, but its artifacts must be signed`, {
      hint: 'do not install it: the publisher signs its artifacts, and this one is not signed',
    });
  }
  const bundle =
    trust && artifact.signatureBundle
      ? await downloadToBuffer({
          ...options.download,
          urls: artifact.signatureBundle.urls,
          sha256: artifact.signatureBundle.sha256,
          size: artifact.signatureBundle.size,
          label: artifact.signatureBundle.file,
          reporter,
        })
      : undefined;
  const got = await downloadFile({
    ...options.download,
    urls: artifact.urls,
    dest: path.join(downloadDir, path.basename(artifact.file)),
    sha256: artifact.sha256,
    size: artifact.size,
    reporter,
  });
  const base = { file: got.file, sha256: got.sha256, bytes: got.bytes, url: got.url, attempts: got.attempts };
  if (!trust || !bundle) return { ...base, signature: { verified: false, reason: 'the manifest has no artifact trust settings: its artifacts are not signed' } };
  const verified = await verifyArtifact(await fs.readFile(got.file), bundle.data.toString('utf8'), {
    trust,
    trustedRoot: options.trustedRoot ?? (() => publicGoodTrustedRoot()),
    expectedSha256: artifact.sha256,
    name: artifact.file,
    bundleName: artifact.signatureBundle!.file,
    ...(options.now ? { now: options.now } : {}),
  });
  reporter.info(`${artifact.file}: signature verified (${verified.kind === 'key' ? `key ${verified.keyId?.slice(0, 16)}` : `keyless, ${verified.certificateIdentity}`})`);
  return {
    ...base,
    signature: {
      verified: true,
      bundle: artifact.signatureBundle!.file,
      kind: verified.kind,
      ...(verified.keyId ? { keyId: verified.keyId } : {}),
      ...(verified.certificateIdentity ? { certificateIdentity: verified.certificateIdentity } : {}),
      ...(verified.issuer ? { issuer: verified.issuer } : {}),
      ...(verified.sourceRepository ? { sourceRepository: verified.sourceRepository } : {}),
      ...(verified.signedAt ? { signedAt: verified.signedAt } : {}),
    },
  };
}
