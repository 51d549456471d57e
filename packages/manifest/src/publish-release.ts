/**
 * Publishing a release: the one function the CLI (`potions manifest
 * publish`), the manifest-publish action and `potions release` all call.
 * From values (the build metadata, the sync result, the failures) and the
 * mirrors the caller opened, to the merged, signed manifest on every mirror,
 * described in rows a table can show. Reading files is the callers' part
 * (`readArtifactMetadataDir`, `readSyncResultFile`); so is opening and closing
 * the mirrors.
 */
import { PLATFORMS } from '@potions/core';
import type { Now, Platform, Reporter } from '@potions/core';
import { publicUrl } from '@potions/mirrors';
import type { MirrorTarget, OpenedMirror, SyncResult } from '@potions/mirrors';
import { releaseFromArtifacts } from './from-artifacts';
import type { ArtifactMetadataFile, BuildFailure } from './from-artifacts';
import type { Signer, Verifier } from './keys';
import { manifestStoreFromMirror } from './mirror-store';
import { publishManifest } from './publish';
import type { ManifestPublishReport, MirrorPublishResult } from './publish';
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
  status: 'available' | 'unavailable';
  /** sha256 of the first artifact (tar.gz), when available. */
  sha256?: string;
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
      if (e.status === 'available') {
        const first = e.artifacts[0]!;
        rows.push({ name: p.name, version: p.version, platform, status: 'available', sha256: first.sha256, mirrors: first.urls.map((u) => mirrorOfUrl[u] ?? hostOf(u)) });
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
  });
  const usable = options.mirrors.flatMap((m) => (m.target ? [{ name: m.config.name, target: m.target }] : []));
  const published: ManifestPublishReport =
    usable.length > 0
      ? await publishManifest({
          mirrors: usable.map(({ name, target }) => ({ name, store: manifestStoreFromMirror(target) })),
          release: built.release,
          signer: options.signer,
          ...(options.trustedKeys ? { trustedKeys: options.trustedKeys } : {}),
          ...(options.now ? { now: options.now } : {}),
          ...(options.expiresInDays !== undefined ? { expiresInDays: options.expiresInDays } : {}),
          dryRun: options.dryRun ?? false,
          // URLs of mirrors no longer configured (a local mirror that moved to another port) are dropped
          // for the files this release names; publicUrl(m, '') is the base every object URL of m starts with.
          currentMirrorUrls: options.mirrors.map((m) => publicUrl(m.config, '')),
          ...(options.reporter ? { reporter: options.reporter } : {}),
        })
      : { ...NO_MIRROR, mirrors: [], warnings: [] };
  const report = withUnopenedMirrors(published, options.mirrors);
  const packages = report.plan?.manifest.packages ?? releaseEntries(built.release).packages;
  const urlOf = new Map(usable.map(({ name, target }) => [name, target.url(MANIFEST_KEY)]));
  return {
    report,
    release: built.release,
    warnings: [...built.warnings, ...report.warnings],
    rows: releaseRows(packages, built.release, built.mirrorOfUrl),
    manifestUrls: report.mirrors
      .filter((m) => m.status === 'written' || m.status === 'unchanged' || m.status === 'planned')
      .map((m) => ({ mirror: m.name, url: urlOf.get(m.name)! })),
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
