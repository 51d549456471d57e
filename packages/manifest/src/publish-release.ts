/**
 * Publishing a release: the one function the CLI (`potions manifest
 * publish`), the manifest-publish action and `potions release` all call.
 * From values (the build metadata, the sync result, the failures) and the
 * mirrors the caller opened, to the merged, signed manifest on every mirror,
 * described in rows a table can show. Reading files is the callers' part
 * (`readArtifactMetadataDir`, `readSyncResultFile`); so is opening and closing
 * the mirrors. `withdrawRelease` (`potions manifest withdraw`, the
 * manifest-withdraw action) and `recoverManifest` (`potions manifest recover`)
 * write through the same path over the same opened mirrors.
 */
import { PLATFORMS, UserError } from '@potions/core';
import type { Now, Platform, Reporter } from '@potions/core';
import { publicUrl } from '@potions/mirrors';
import type { MirrorTarget, OpenedMirror, SyncResult } from '@potions/mirrors';
import type { SigningTrust } from '@potions/signing';
import { releaseFromArtifacts } from './from-artifacts';
import type { ArtifactMetadataFile, BuildChecks, BuildFailure } from './from-artifacts';
import type { Signer, Verifier } from './keys';
import { manifestStoreFromMirror } from './mirror-store';
import { ManifestErrorCode } from './errors';
import { assertExpiresInDays } from './plan';
import type { ManifestPublishPlan } from './plan';
import { publishManifest } from './publish';
import type { ManifestBundleSigner, ManifestPublishReport, MirrorPublishResult, PublishManifestOptions } from './publish';
import { assertWithdrawRequests } from './withdraw';
import type { WithdrawRequest, WithdrawnBuild } from './withdraw';
import { releaseEntries } from './release';
import type { ReleaseInput } from './release';
import type { ManifestPackages, PlatformEntry } from './schema';
import { MANIFEST_KEY } from './store';

export interface PublishReleaseOptions {
  /** Every `<artifact>.json` of the release, read (`readArtifactMetadataDir`, `artifactMetadataFileFromBytes`). */
  metadata: readonly ArtifactMetadataFile[];
  /** What mirror-sync did with the artifacts. Absent when nothing was synced (no build succeeded): only failures are published. */
  sync?: SyncResult;
  /** The mirrors to publish the manifest to, in priority order, opened by the caller (who closes them). */
  mirrors: readonly OpenedMirror<MirrorTarget>[];
  signer: Signer;
  /** Keys a manifest already on a mirror must be signed by (default: the signer's). */
  trustedKeys?: readonly Verifier[];
  /** The platforms the release asked for: each one without an artifact is listed as unavailable. */
  platforms?: readonly Platform[];
  /** Platforms that failed to build, with the reason to list. */
  failures?: readonly BuildFailure[];
  /** What was checked before each build was published (smoke test, scan), listed as its `checks`. */
  checks?: readonly BuildChecks[];
  /**
   * Who signs the artifacts: becomes the manifest's `artifactTrust`, united
   * with the published settings (keys and identities added, revocations kept).
   * Once a manifest has it, `fetch` verifies every artifact's signature bundle.
   */
  artifactTrust?: SigningTrust;
  /** Accept a build whose digests match no published revision of its version and platform as the next revision. Default false. */
  newRevision?: boolean;
  /** Also sign the manifest with Sigstore (the bundle goes next to it as `manifest.json.sigstore.json`). */
  manifestBundle?: ManifestBundleSigner;
  expiresInDays?: number;
  /** Read, merge and sign, but write nothing. */
  dryRun?: boolean;
  /** Accept a release with no build metadata and no failures (it only renews the manifest). */
  allowEmpty?: boolean;
  reporter?: Reporter;
  now?: Now;
  /** Where `metadata` and `sync` came from (a folder, a file, "this release's sync"), for messages. */
  artifactsSource?: string;
  syncSource?: string;
}

/** One line of the publish summary: a package version on one platform, as the manifest now lists it. */
export interface ReleaseRow {
  name: string;
  version: string;
  platform: Platform;
  /** `withdrawn`: the release published a build that was withdrawn before (it stays withdrawn). */
  status: 'available' | 'unavailable' | 'withdrawn';
  /** The revision shown (available or withdrawn). */
  revision?: number;
  /** sha256 of the first artifact (tar.gz), when available or withdrawn. */
  sha256?: string;
  /** Why it is unavailable or withdrawn. */
  reason?: string;
  /** The mirrors (names, or URL hosts for URLs from earlier releases) that hold the first artifact. */
  mirrors: string[];
}

export interface PublishReleaseResult {
  report: ManifestPublishReport;
  release: ReleaseInput;
  /** Everything worth telling the user, in order: from reading the release, then from publishing. Not yet reported. */
  warnings: string[];
  rows: ReleaseRow[];
  /** The public URL of `manifest.json` on each mirror that now holds the manifest, in priority order. */
  manifestUrls: { mirror: string; url: string }[];
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The rows for the package versions a release names, from the manifest after the merge. */
export function releaseRows(packages: ManifestPackages, release: ReleaseInput, mirrorOfUrl: Record<string, string> = {}): ReleaseRow[] {
  const rows: ReleaseRow[] = [];
  for (const p of release.packages) {
    const entries = packages[p.name]?.[p.version];
    if (!entries) continue;
    for (const platform of PLATFORMS) {
      const e: PlatformEntry | undefined = entries[platform];
      if (!e) continue;
      if (e.status !== 'unavailable') {
        const first = e.artifacts[0]!;
        rows.push({
          name: p.name,
          version: p.version,
          platform,
          status: e.status,
          revision: e.revision,
          sha256: first.sha256,
          ...(e.status === 'withdrawn' ? { reason: e.reason } : {}),
          mirrors: first.urls.map((u) => mirrorOfUrl[u] ?? hostOf(u)),
        });
      } else {
        rows.push({ name: p.name, version: p.version, platform, status: 'unavailable', reason: e.reason, mirrors: [] });
      }
    }
  }
  return rows;
}

/** The report of a publish that reached no mirror at all (none could be opened). */
const NO_MIRROR: Omit<ManifestPublishReport, 'mirrors' | 'warnings'> = {
  ok: false,
  changed: false,
  version: undefined,
  plan: undefined,
  envelope: undefined,
  rounds: 0,
};

/** What every publish to opened mirrors shares: the mirrors, the key, and how to write. */
type OpenedPublishOptions = Omit<PublishManifestOptions, 'mirrors' | 'currentMirrorUrls' | 'release'> & { release?: ReleaseInput };

/**
 * `publishManifest` over the mirrors a caller opened: the ones that could not
 * be opened are reported failed, in configuration order with the rest, and
 * every configured mirror's public base URL counts as current.
 */
async function publishToOpenedMirrors(
  mirrors: readonly OpenedMirror<MirrorTarget>[],
  options: OpenedPublishOptions,
): Promise<{ report: ManifestPublishReport; manifestUrls: { mirror: string; url: string }[] }> {
  const usable = mirrors.flatMap((m) => (m.target ? [{ name: m.config.name, target: m.target }] : []));
  const published: ManifestPublishReport =
    usable.length > 0
      ? await publishManifest({
          ...options,
          release: options.release ?? { packages: [] },
          mirrors: usable.map(({ name, target }) => ({ name, store: manifestStoreFromMirror(target) })),
          // URLs of mirrors no longer configured (a local mirror that moved to another port) are dropped
          // for the files this release names; publicUrl(m, '') is the base every object URL of m starts with.
          currentMirrorUrls: mirrors.map((m) => publicUrl(m.config, '')),
        })
      : { ...NO_MIRROR, mirrors: [], warnings: [] };
  const report = withUnopenedMirrors(published, mirrors);
  const urlOf = new Map(usable.map(({ name, target }) => [name, target.url(MANIFEST_KEY)]));
  return {
    report,
    manifestUrls: report.mirrors
      .filter((m) => m.status === 'written' || m.status === 'unchanged' || m.status === 'planned')
      .map((m) => ({ mirror: m.name, url: urlOf.get(m.name)! })),
  };
}

/** The options of a publish that only a caller gives, without `undefined` values. */
function commonOptions(o: {
  signer: Signer;
  trustedKeys?: readonly Verifier[];
  now?: Now;
  expiresInDays?: number;
  dryRun?: boolean;
  reporter?: Reporter;
  manifestBundle?: ManifestBundleSigner;
}): OpenedPublishOptions {
  return {
    signer: o.signer,
    ...(o.trustedKeys ? { trustedKeys: o.trustedKeys } : {}),
    ...(o.now ? { now: o.now } : {}),
    ...(o.expiresInDays !== undefined ? { expiresInDays: o.expiresInDays } : {}),
    ...(o.manifestBundle ? { manifestBundle: o.manifestBundle } : {}),
    dryRun: o.dryRun ?? false,
    ...(o.reporter ? { reporter: o.reporter } : {}),
  };
}

/**
 * Publish a release. Its warnings are returned, not reported: each caller
 * shows them its own way (a terminal, annotations, a release summary).
 */
export async function publishRelease(options: PublishReleaseOptions): Promise<PublishReleaseResult> {
  const built = releaseFromArtifacts({
    metadata: options.metadata,
    ...(options.sync ? { sync: options.sync } : {}),
    ...(options.syncSource !== undefined ? { syncSource: options.syncSource } : {}),
    ...(options.artifactsSource !== undefined ? { artifactsSource: options.artifactsSource } : {}),
    ...(options.allowEmpty ? { allowEmpty: true } : {}),
    ...(options.platforms ? { platforms: options.platforms } : {}),
    ...(options.failures ? { failures: options.failures } : {}),
    ...(options.checks ? { checks: options.checks } : {}),
  });
  // A number no reader could live with is refused before any mirror is touched.
  if (options.expiresInDays !== undefined) assertExpiresInDays(options.expiresInDays);
  const { report, manifestUrls } = await publishToOpenedMirrors(options.mirrors, {
    ...commonOptions(options),
    release: built.release,
    ...(options.artifactTrust ? { artifactTrust: options.artifactTrust } : {}),
    ...(options.newRevision ? { newRevision: true } : {}),
  });
  const packages = report.plan?.manifest.packages ?? releaseEntries(built.release).packages;
  return {
    report,
    release: built.release,
    warnings: [...built.warnings, ...report.warnings],
    rows: releaseRows(packages, built.release, built.mirrorOfUrl),
    manifestUrls,
  };
}

export interface WithdrawReleaseOptions {
  /** What to withdraw, each with a reason (`assertWithdrawRequests` checks them). */
  withdrawals: readonly WithdrawRequest[];
  /** The mirrors holding the manifest, opened by the caller (who closes them). */
  mirrors: readonly OpenedMirror<MirrorTarget>[];
  signer: Signer;
  trustedKeys?: readonly Verifier[];
  expiresInDays?: number;
  /** Read, withdraw and sign, but write nothing. */
  dryRun?: boolean;
  reporter?: Reporter;
  now?: Now;
  manifestBundle?: ManifestBundleSigner;
}

export interface WithdrawReleaseResult {
  report: ManifestPublishReport;
  /** The revisions withdrawn now, with every file they name (for a CDN purge). */
  withdrawn: WithdrawnBuild[];
  /** Revisions asked for that were withdrawn already. */
  alreadyWithdrawn: ManifestPublishPlan['alreadyWithdrawn'];
  warnings: string[];
  manifestUrls: { mirror: string; url: string }[];
}

/**
 * Withdraw builds: one signed write of the manifest on every mirror, through
 * the same read, merge and conditional-write path as a publish, so a
 * withdrawal racing a release loses neither.
 */
export async function withdrawRelease(options: WithdrawReleaseOptions): Promise<WithdrawReleaseResult> {
  const withdrawals = assertWithdrawRequests(options.withdrawals);
  if (withdrawals.length === 0) throw new UserError(ManifestErrorCode.WithdrawInvalid, 'nothing to withdraw: give at least one package version');
  if (options.expiresInDays !== undefined) assertExpiresInDays(options.expiresInDays);
  const { report, manifestUrls } = await publishToOpenedMirrors(options.mirrors, { ...commonOptions(options), withdrawals });
  return {
    report,
    withdrawn: report.plan?.withdrawn ?? [],
    alreadyWithdrawn: report.plan?.alreadyWithdrawn ?? [],
    warnings: report.warnings,
    manifestUrls,
  };
}

/** The report with the mirrors that could not even be opened, failed, in configuration order with the rest. */
function withUnopenedMirrors(report: ManifestPublishReport, mirrors: readonly OpenedMirror[]): ManifestPublishReport {
  const unopened = mirrors.flatMap((m) => (m.error ? [{ name: m.config.name, error: m.error }] : []));
  if (unopened.length === 0) return report;
  const all: MirrorPublishResult[] = [
    ...report.mirrors,
    ...unopened.map((u) => ({ name: u.name, status: 'failed' as const, error: u.error, conditionalWrites: false })),
  ];
  return {
    ...report,
    mirrors: mirrors.map((m) => all.find((r) => r.name === m.config.name)).filter((r) => r !== undefined),
    warnings: [...report.warnings, ...unopened.map((u) => `mirror ${u.name}: ${u.error.message}`)],
  };
}

export interface RecoverManifestOptions {
  /** The mirrors holding the manifest, opened by the caller (who closes them). */
  mirrors: readonly OpenedMirror<MirrorTarget>[];
  /** The signing key: recovery is for the key's owner. */
  signer: Signer;
  /** Keys the version copies may be signed by (default the signer's; add the old key after a rotation). */
  trustedKeys?: readonly Verifier[];
  expiresInDays?: number;
  /** Merge every version copy that can be read, not only the newest (a history that dropped entries). */
  allVersions?: boolean;
  dryRun?: boolean;
  reporter?: Reporter;
  now?: Now;
  manifestBundle?: ManifestBundleSigner;
}

export interface RecoverManifestResult {
  report: ManifestPublishReport;
  warnings: string[];
  manifestUrls: { mirror: string; url: string }[];
}

/**
 * Replace a manifest readers can no longer read (signed with an impossible
 * expiry, or otherwise broken): re-sign, as a new version above every version
 * number ever used, from the newest version copy that can be read on each
 * mirror (every one with `allVersions`), keeping the entries a trusted
 * signature still vouches for in the unreadable ones. Through the same
 * conditional writes as a publish.
 */
export async function recoverManifest(options: RecoverManifestOptions): Promise<RecoverManifestResult> {
  if (options.expiresInDays !== undefined) assertExpiresInDays(options.expiresInDays);
  const { report, manifestUrls } = await publishToOpenedMirrors(options.mirrors, {
    ...commonOptions(options),
    recover: { ...(options.allVersions ? { allVersions: true } : {}) },
  });
  return { report, warnings: report.warnings, manifestUrls };
}
