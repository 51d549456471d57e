/**
 * Planning a publish: pure, no I/O. From the manifests already on the mirrors
 * (and the per-version copies the publisher read back), the release, the
 * withdrawals and the artifact trust settings, compute the manifest to sign,
 * what changed and why it must be written (or that nothing must: a re-run
 * republishes nothing).
 */
import { UserError, compareVersions } from '@potions/core';
import type { SigningTrust } from '@potions/signing';
import { canonicalJson } from './canonical';
import { ManifestErrorCode } from './errors';
import { mergeArtifactTrust, mergeManifest, mergeMirrorInfo, mergeRelease } from './merge';
import type { ManifestChange } from './merge';
import { releaseEntries } from './release';
import type { ReleaseInput } from './release';
import { MANIFEST_SCHEMA_VERSION } from './schema';
import type { Manifest, ManifestPackages, MirrorInfo } from './schema';
import { withdrawEntries } from './withdraw';
import type { WithdrawRequest, WithdrawResult } from './withdraw';

const DAY_MS = 86_400_000;
export const DEFAULT_EXPIRES_IN_DAYS = 90;
/**
 * The lifetime a manifest may be given, in whole days. Readers refuse an
 * expired manifest, and a date past the year 9999 cannot be read at all: ten
 * years is far beyond any sane renewal schedule and far inside what every
 * reader can hold.
 */
export const EXPIRES_IN_DAYS_RANGE = { min: 1, max: 3650 } as const;

/** `days` as a manifest lifetime: a whole number within `EXPIRES_IN_DAYS_RANGE`, else a UserError naming `field`. */
export function assertExpiresInDays(days: unknown, field = 'expiresInDays'): number {
  const { min, max } = EXPIRES_IN_DAYS_RANGE;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < min || days > max) {
    throw new UserError(ManifestErrorCode.OutOfRange, `${field} must be a whole number of days from ${min} to ${max}, got ${String(days)}`, {
      location: { field },
      hint: 'readers refuse an expired manifest; republish on a schedule rather than signing one for decades',
    });
  }
  return days;
}

export interface ExistingManifest {
  /** Where it was read from, for messages: a mirror's name, or "manifests/manifest-6.json on mirror a". */
  source: string;
  /** Undefined: that mirror holds no manifest yet (it must get one). */
  manifest: Manifest | undefined;
  /** The schema version it is stored in (a version 1 document is rewritten as version 2). Default the current one. */
  storedSchemaVersion?: number;
  /**
   * A per-version copy the publisher read back, not a mirror's current
   * manifest: it only brings entries (those of a publisher that crashed or
   * lost a race, or ones a broken history dropped); it is never "behind".
   */
  record?: boolean;
}

export interface PlanManifestPublishOptions {
  /** The verified manifests of each reachable mirror, and per-version copies read back (an empty list on the first publish). */
  existing: readonly ExistingManifest[];
  /** The release to add; `{ packages: [] }` only renews the expiry when it is due. */
  release: ReleaseInput;
  /** Builds to withdraw (applied to the published state before the release is merged). */
  withdrawals?: readonly WithdrawRequest[];
  /** Artifact trust settings to add (united with the published ones; revocations are never dropped). */
  artifactTrust?: SigningTrust;
  /** Accept release builds whose digests match no published revision as new revisions (see `mergeRelease`). */
  newRevision?: boolean;
  now: Date;
  /** Lifetime of the new manifest, whole days (`EXPIRES_IN_DAYS_RANGE`). Default 90. */
  expiresInDays?: number;
  /** Re-sign an otherwise unchanged manifest when it expires within this many days. Default a third of expiresInDays. */
  renewWithinDays?: number;
  /** The new version is at least this (the publisher raises it past every version copy it saw, and after losing a race). */
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
  /** Entry changes the release and the withdrawals bring. */
  changes: ManifestChange[];
  /** Entries the per-version copies brought back that the mirrors' manifests lacked. */
  restored: ManifestChange[];
  /** What the withdrawals withdrew (with every file, for a CDN purge), and what was withdrawn already. */
  withdrawn: WithdrawResult['withdrawn'];
  alreadyWithdrawn: WithdrawResult['alreadyWithdrawn'];
  warnings: string[];
}

/** The part of a manifest that a publish compares: everything but the version and the expiry. */
function contentOf(m: Pick<Manifest, 'artifactTrust' | 'mirrors' | 'packages'>): string {
  return canonicalJson({ artifactTrust: m.artifactTrust ?? null, mirrors: m.mirrors ?? null, packages: m.packages });
}

export function planManifestPublish(options: PlanManifestPublishOptions): ManifestPublishPlan {
  const expiresInDays = assertExpiresInDays(options.expiresInDays ?? DEFAULT_EXPIRES_IN_DAYS);
  const renewWithinDays = options.renewWithinDays ?? expiresInDays / 3;
  if (!(renewWithinDays >= 0 && renewWithinDays <= expiresInDays)) {
    throw new UserError(ManifestErrorCode.OutOfRange, `renewWithinDays must be from 0 to expiresInDays (${expiresInDays}), got ${renewWithinDays}`, {
      location: { field: 'renewWithinDays' },
    });
  }
  const warnings: string[] = [];

  // The mirrors' manifests are merged into one base first: a mirror that
  // missed a publish (it was down) must not make anything disappear. Then the
  // per-version copies read back: what they add was lost somewhere, and comes back.
  const present = options.existing.filter((e): e is ExistingManifest & { manifest: Manifest } => e.manifest !== undefined);
  const pointers = present.filter((e) => !e.record);
  let base: ManifestPackages | undefined;
  let trust: SigningTrust | undefined;
  let mirrors: MirrorInfo[] | undefined;
  const restored: ManifestChange[] = [];
  for (const { source, manifest, record } of [...pointers, ...present.filter((e) => e.record)]) {
    const merged = mergeManifest(base, manifest.packages, { incomingLabel: record ? source : `the manifest on mirror ${source}` });
    warnings.push(...merged.warnings);
    if (record && base !== undefined) restored.push(...merged.changes);
    base = merged.packages;
    trust = mergeArtifactTrust(trust, manifest.artifactTrust);
    mirrors = mergeMirrorInfo(mirrors, manifest.mirrors);
  }

  const withdrawal = withdrawEntries(base ?? {}, options.withdrawals ?? [], options.now);
  const release = releaseEntries(options.release);
  warnings.push(...release.warnings);
  const merged = mergeRelease(withdrawal.packages, release.packages, {
    ...(options.currentMirrorUrls ? { currentMirrorUrls: options.currentMirrorUrls } : {}),
    ...(options.newRevision ? { newRevision: true } : {}),
  });
  warnings.push(...merged.warnings);
  const artifactTrust = mergeArtifactTrust(trust, options.artifactTrust);
  const changes = [...withdrawal.changes, ...merged.changes];
  const candidate = {
    ...(artifactTrust ? { artifactTrust } : {}),
    ...(mirrors ? { mirrors } : {}),
    packages: sortPackages(merged.packages),
  };

  const reasons: string[] = [];
  if (withdrawal.withdrawn.length > 0) reasons.push(`${withdrawal.withdrawn.length} revision(s) withdrawn`);
  if (merged.changes.length > 0) reasons.push(`${merged.changes.length} entr${merged.changes.length === 1 ? 'y' : 'ies'} changed by the release`);
  if (restored.length > 0) {
    const from = [...new Set(present.filter((e) => e.record).map((e) => e.source))];
    reasons.push(`${restored.length} entr${restored.length === 1 ? 'y' : 'ies'} restored from ${from.join(', ')}`);
  }
  const versions = present.map((e) => e.manifest.version);
  const previousVersion = versions.length > 0 ? Math.max(...versions) : undefined;
  const newestPointerVersion = pointers.length > 0 ? Math.max(...pointers.map((e) => e.manifest.version)) : undefined;
  if (pointers.length === 0) reasons.push('no manifest published yet');
  else {
    for (const e of options.existing) if (!e.record && !e.manifest) reasons.push(`mirror ${e.source} has no manifest yet`);
  }
  const content = contentOf(candidate);
  for (const { source, manifest, storedSchemaVersion } of pointers) {
    if (manifest.version !== newestPointerVersion) reasons.push(`mirror ${source} is behind (version ${manifest.version} of ${newestPointerVersion})`);
    else if ((storedSchemaVersion ?? MANIFEST_SCHEMA_VERSION) !== MANIFEST_SCHEMA_VERSION) {
      reasons.push(`mirror ${source} holds schemaVersion ${storedSchemaVersion}: rewritten as ${MANIFEST_SCHEMA_VERSION}`);
    } else if (contentOf(manifest) !== content && changes.length === 0 && restored.length === 0) {
      reasons.push(`mirror ${source} lacks something another mirror or the release has`);
    }
  }
  const now = options.now.getTime();
  if (pointers.length > 0) {
    const soonest = Math.min(...pointers.map((e) => Date.parse(e.manifest.expires)));
    if (soonest - now < renewWithinDays * DAY_MS) reasons.push(`expires ${new Date(soonest).toISOString()}, within ${renewWithinDays} days: renewed`);
  }

  const changed = reasons.length > 0;
  const result = { reasons, previousVersion, restored, withdrawn: withdrawal.withdrawn, alreadyWithdrawn: withdrawal.alreadyWithdrawn, warnings };
  const newest = pointers.find((e) => e.manifest.version === newestPointerVersion)?.manifest;
  if (!changed && newest) return { ...result, changed, manifest: newest, changes: [] };
  const version = Math.max((previousVersion ?? 0) + 1, options.minVersion ?? 1);
  const manifest: Manifest = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    version,
    expires: new Date(now + expiresInDays * DAY_MS).toISOString(),
    ...candidate,
  };
  return { ...result, changed, manifest, changes };
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
