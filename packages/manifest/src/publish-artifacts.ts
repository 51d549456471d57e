/**
 * The publishing step as the CLI and the manifest-publish action run it:
 * read the artifacts folder and the sync result, build the release, open the
 * configured mirrors as manifest stores, publish, and describe the outcome in
 * rows a table can show. Both front ends call this and only print.
 */
import { PLATFORMS, errorMessage, silentReporter } from '@potions/core';
import type { Platform, Reporter } from '@potions/core';
import { S3MirrorTarget, publicUrl } from '@potions/mirrors';
import type { MirrorConfig, MirrorTarget, S3TargetOptions } from '@potions/mirrors';
import { readArtifactMetadataDir, readSyncResultFile, releaseFromArtifacts } from './from-artifacts';
import type { BuildFailure } from './from-artifacts';
import type { Signer, Verifier } from './keys';
import { manifestStoreFromMirror } from './mirror-store';
import { publishManifest } from './publish';
import type { ManifestMirror, ManifestPublishReport } from './publish';
import { releaseEntries } from './release';
import type { ReleaseInput } from './release';
import type { ManifestPackages, PlatformEntry } from './schema';
import { MANIFEST_KEY } from './store';

export interface PublishArtifactsOptions {
  /** The folder with the `<artifact>.json` files (the folder mirror-sync uploaded). */
  artifactsDir: string;
  /** The sync result file (mirror-sync action output `result`, or `potions mirrors sync --json` saved). */
  syncResultFile: string;
  /** The mirrors to publish the manifest to, in priority order. */
  mirrors: readonly MirrorConfig[];
  signer: Signer;
  trustedKeys?: readonly Verifier[];
  platforms?: readonly Platform[];
  failures?: readonly BuildFailure[];
  expiresInDays?: number;
  dryRun?: boolean;
  reporter?: Reporter;
  now?: Date;
  /** Credentials and client settings for the S3 targets (env, OIDC token). */
  s3?: Omit<S3TargetOptions, 'reporter'>;
  /** Build the target of a mirror (default: S3MirrorTarget). */
  targetFor?: (mirror: MirrorConfig) => MirrorTarget;
  /** Accept an artifacts folder with no build metadata and no failures (only renews the manifest). */
  allowEmpty?: boolean;
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

export interface PublishArtifactsResult {
  report: ManifestPublishReport;
  release: ReleaseInput;
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

export async function publishArtifacts(options: PublishArtifactsOptions): Promise<PublishArtifactsResult> {
  const reporter = options.reporter ?? silentReporter;
  const [metadata, sync] = await Promise.all([readArtifactMetadataDir(options.artifactsDir), readSyncResultFile(options.syncResultFile)]);
  const built = releaseFromArtifacts({
    metadata,
    sync,
    syncSource: options.syncResultFile,
    artifactsSource: options.artifactsDir,
    ...(options.allowEmpty ? { allowEmpty: true } : {}),
    ...(options.platforms ? { platforms: options.platforms } : {}),
    ...(options.failures ? { failures: options.failures } : {}),
  });
  for (const w of built.warnings) reporter.warn(w);

  const owned: S3MirrorTarget[] = [];
  const targets = new Map<string, MirrorTarget>();
  const unusable: { name: string; error: { code: string; message: string } }[] = [];
  for (const m of options.mirrors) {
    try {
      const t = options.targetFor ? options.targetFor(m) : new S3MirrorTarget(m, { ...options.s3, reporter });
      if (t instanceof S3MirrorTarget) owned.push(t);
      targets.set(m.name, t);
    } catch (err) {
      // Missing credentials for one mirror must not stop the others.
      const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'E_MANIFEST_STORE';
      unusable.push({ name: m.name, error: { code, message: errorMessage(err) } });
      reporter.warn(`mirror ${m.name}: ${errorMessage(err)}`);
    }
  }
  try {
    const mirrors: ManifestMirror[] = [...targets].map(([name, t]) => ({ name, store: manifestStoreFromMirror(t) }));
    const report: ManifestPublishReport =
      mirrors.length > 0
        ? await publishManifest({
            mirrors,
            release: built.release,
            signer: options.signer,
            ...(options.trustedKeys ? { trustedKeys: options.trustedKeys } : {}),
            ...(options.now ? { now: options.now } : {}),
            ...(options.expiresInDays !== undefined ? { expiresInDays: options.expiresInDays } : {}),
            dryRun: options.dryRun ?? false,
            // URLs of mirrors no longer configured (a local mirror that moved to another port) are dropped
            // for the files this release names; publicUrl(m, '') is the base every object URL of m starts with.
            currentMirrorUrls: options.mirrors.map((m) => publicUrl(m, '')),
            reporter,
          })
        : { ok: false, changed: false, version: undefined, plan: undefined, envelope: undefined, mirrors: [], warnings: [], rounds: 0 };
    // Mirrors that could not even be opened are reported in configuration order with the rest.
    if (unusable.length > 0) {
      const all = [...report.mirrors, ...unusable.map((u) => ({ name: u.name, status: 'failed' as const, error: u.error, conditionalWrites: false }))];
      report.mirrors = options.mirrors.map((m) => all.find((r) => r.name === m.name)).filter((r) => r !== undefined);
      report.warnings.push(...unusable.map((u) => `mirror ${u.name}: ${u.error.message}`));
    }
    for (const w of report.warnings) reporter.warn(w);
    const packages = report.plan?.manifest.packages ?? releaseEntries(built.release).packages;
    const manifestUrls = report.mirrors
      .filter((m) => m.status === 'written' || m.status === 'unchanged' || m.status === 'planned')
      .map((m) => ({ mirror: m.name, url: targets.get(m.name)!.url(MANIFEST_KEY) }));
    return {
      report,
      release: built.release,
      warnings: [...built.warnings, ...report.warnings],
      rows: releaseRows(packages, built.release, built.mirrorOfUrl),
      manifestUrls,
    };
  } finally {
    for (const t of owned) t.destroy();
  }
}
