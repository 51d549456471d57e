/**
 * Planning a publish: pure, no I/O. From the manifests already on the mirrors
 * and the release, compute the manifest to sign, what changed and why it
 * must be written (or that nothing must: a re-run republishes nothing).
 */
import { canonicalJson } from './canonical';
import { mergeManifest } from './merge';
import type { ManifestChange } from './merge';
import { releaseEntries } from './release';
import { compareVersions } from '@potions/core';
import type { ReleaseInput } from './release';
import { MANIFEST_SCHEMA_VERSION } from './schema';
import type { Manifest, ManifestPackages } from './schema';

const DAY_MS = 86_400_000;
export const DEFAULT_EXPIRES_IN_DAYS = 90;

export interface ExistingManifest {
  /** Where it was read from, for messages: a mirror's name. */
  source: string;
  /** Undefined: that mirror holds no manifest yet (it must get one). */
  manifest: Manifest | undefined;
}

export interface PlanManifestPublishOptions {
  /** The verified manifest of each reachable mirror (an empty list, or no manifests, on the first publish). */
  existing: readonly ExistingManifest[];
  /** The release to add; `{ packages: [] }` only renews the expiry when it is due. */
  release: ReleaseInput;
  now: Date;
  /** Lifetime of the new manifest. Default 90 days. */
  expiresInDays?: number;
  /** Re-sign an otherwise unchanged manifest when it expires within this many days. Default a third of expiresInDays. */
  renewWithinDays?: number;
  /** The new version is at least this (the publisher raises it after losing a race). */
  minVersion?: number;
  /** Public base URLs of the configured mirrors: the release's files drop URLs of mirrors no longer configured (see merge.ts). */
  currentMirrorUrls?: readonly string[];
}

export interface ManifestPublishPlan {
  /** False: every mirror already holds this content, nothing is written. */
  changed: boolean;
  /** Why it is written: changes from the release, a mirror that is behind, renewal. */
  reasons: string[];
  /** The manifest to sign (when unchanged: the newest one already published). */
  manifest: Manifest;
  /** The highest version on the mirrors, undefined on the first publish. */
  previousVersion: number | undefined;
  /** Entry changes the release brings. */
  changes: ManifestChange[];
  warnings: string[];
}

export function planManifestPublish(options: PlanManifestPublishOptions): ManifestPublishPlan {
  const expiresInDays = options.expiresInDays ?? DEFAULT_EXPIRES_IN_DAYS;
  if (!(expiresInDays > 0)) throw new RangeError(`expiresInDays must be positive, got ${expiresInDays}`);
  const renewWithinDays = options.renewWithinDays ?? expiresInDays / 3;
  const warnings: string[] = [];

  // The mirrors' manifests are merged into one base first: a mirror that
  // missed a publish (it was down) must not make anything disappear.
  const present = options.existing.filter((e): e is ExistingManifest & { manifest: Manifest } => e.manifest !== undefined);
  let base: ManifestPackages | undefined;
  for (const { source, manifest } of present) {
    const merged = mergeManifest(base, manifest.packages, { incomingLabel: `the manifest on mirror ${source}` });
    warnings.push(...merged.warnings);
    base = merged.packages;
  }

  const release = releaseEntries(options.release);
  warnings.push(...release.warnings);
  const merged = mergeManifest(base, release.packages, options.currentMirrorUrls ? { currentMirrorUrls: options.currentMirrorUrls } : {});
  warnings.push(...merged.warnings);

  const reasons: string[] = [];
  if (merged.changes.length > 0) reasons.push(`${merged.changes.length} entr${merged.changes.length === 1 ? 'y' : 'ies'} changed by the release`);
  const versions = present.map((e) => e.manifest.version);
  const previousVersion = versions.length > 0 ? Math.max(...versions) : undefined;
  if (present.length === 0) reasons.push('no manifest published yet');
  else {
    for (const e of options.existing) if (!e.manifest) reasons.push(`mirror ${e.source} has no manifest yet`);
  }
  const packagesJson = canonicalJson(merged.packages);
  for (const { source, manifest } of present) {
    if (manifest.version !== previousVersion) reasons.push(`mirror ${source} is behind (version ${manifest.version} of ${previousVersion})`);
    else if (canonicalJson(manifest.packages) !== packagesJson && merged.changes.length === 0) {
      reasons.push(`mirror ${source} lacks entries another mirror has`);
    }
  }
  const now = options.now.getTime();
  const soonest = Math.min(...present.map((e) => Date.parse(e.manifest.expires)));
  if (present.length > 0 && soonest - now < renewWithinDays * DAY_MS) {
    reasons.push(`expires ${new Date(soonest).toISOString()}, within ${renewWithinDays} days: renewed`);
  }

  const changed = reasons.length > 0;
  const newest = present.find((e) => e.manifest.version === previousVersion)?.manifest;
  if (!changed && newest) {
    return { changed, reasons, manifest: newest, previousVersion, changes: [], warnings };
  }
  const version = Math.max((previousVersion ?? 0) + 1, options.minVersion ?? 1);
  const manifest: Manifest = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    version,
    expires: new Date(now + expiresInDays * DAY_MS).toISOString(),
    packages: sortPackages(merged.packages),
  };
  return { changed, reasons, manifest, previousVersion, changes: merged.changes, warnings };
}

/** Names and versions in a stable order, so the stored file diffs well between versions. */
function sortPackages(packages: ManifestPackages): ManifestPackages {
  const out: ManifestPackages = {};
  for (const name of Object.keys(packages).sort()) {
    const versions = packages[name]!;
    out[name] = {};
    for (const version of Object.keys(versions).sort(compareVersions)) out[name][version] = versions[version]!;
  }
  return out;
}
