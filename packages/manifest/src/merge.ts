/**
 * Merging manifest entries. Two merges share the rules below:
 * `mergeManifest` unites two published states (the mirrors' manifests, the
 * per-version copies a publisher reads back), and `mergeRelease` adds a
 * release's builds to the published state, deciding which revision each is.
 *
 * 1. Nothing published is lost: every name, version, platform, revision,
 *    format and companion file stays, and so does every URL, except under
 *    `currentMirrorUrls` (a publisher merging its release): a file the
 *    release names again lists the release's URLs first, then only the
 *    earlier URLs of mirrors still configured.
 * 2. Name, version, platform and revision identify an artifact whose digest
 *    never changes. A release build whose digests match no published
 *    revision is refused (E_MANIFEST_DIGEST_CHANGED), unless the publish
 *    explicitly allows a new revision (`newRevision`): then it becomes the
 *    next revision, and the earlier ones stay listed with their digests.
 * 3. Re-publishing an identical build is a no-op, except that URLs of mirrors
 *    that newly verified a file (a healed mirror) are added, in the incoming
 *    priority order.
 * 4. An unavailable platform may become available; one with a published
 *    revision never becomes unavailable (the incoming reason is reported, not
 *    stored). A newer reason replaces an older one, except "not built in this
 *    release": a release that did not try a platform says nothing new about
 *    why an earlier one failed.
 * 5. A withdrawal is never undone by a merge: a revision withdrawn on either
 *    side is withdrawn in the result (the first withdrawal's reason and time
 *    are kept). Re-publishing a withdrawn build keeps it withdrawn.
 * 6. For a revision already published, the first build facts, metadata, SBOM,
 *    provenance, signature bundle and smoke-test check stay; ones that were
 *    missing are added; a different one is kept out with a warning. A scan
 *    check is replaced by a later one (a rescan of the same bytes).
 * 7. Two published states that gave the same revision number to different
 *    builds (two publishers of new revisions that raced on a store without
 *    conditional writes) keep both: the incoming one becomes the next free
 *    revision, with a warning.
 */
import { PLATFORMS, UserError } from '@potions/core';
import type { Platform } from '@potions/core';
import { createPublicKey } from 'node:crypto';
import type { SigningTrust } from '@potions/signing';
import { ManifestErrorCode } from './errors';
import { keyidOf } from './keys';
import { NOT_BUILT_REASON } from './release';
import { entryFromRevisions, nextRevision, revisionsOf } from './revisions';
import type { Artifact, Checks, Delta, FileRef, ManifestPackages, MirrorInfo, PlatformEntries, PlatformEntry, Revision, Sbom } from './schema';

export type ManifestChangeKind =
  | 'added'
  | 'became-available'
  | 'revision-added'
  | 'withdrawn'
  | 'reason-updated'
  | 'urls-added'
  | 'urls-updated'
  | 'format-added'
  | 'companion-added'
  | 'checks-updated';

export interface ManifestChange {
  name: string;
  version: string;
  platform: Platform;
  kind: ManifestChangeKind;
  /** One line for a person, e.g. "jq-1.7.1-linux-amd64.tar.gz: +https://b.example/..." */
  detail: string;
}

export interface MergeResult {
  packages: ManifestPackages;
  /** True when the result differs from `existing`. */
  changed: boolean;
  changes: ManifestChange[];
  /** Things the incoming side asked for that were not taken (an available entry kept, a different SBOM ignored). */
  warnings: string[];
}

export interface MergeOptions {
  /** Names the incoming side in messages, e.g. "the release" or "the manifest on mirror wasabi". */
  incomingLabel?: string;
  /**
   * The public base URLs (URL prefixes) of the mirrors in the current
   * configuration. When given (a release merged by its publisher), a file the
   * incoming side names gets the incoming URLs first, then only those earlier
   * URLs that start with one of these prefixes: URLs of mirrors no longer
   * configured (a local mirror on another port, a retired bucket) are dropped.
   * Without it, URL lists are united (`unionUrls`): merging the mirrors'
   * manifests with each other never drops anything.
   */
  currentMirrorUrls?: readonly string[];
}

export interface MergeReleaseOptions extends MergeOptions {
  /**
   * A build whose digests match no published revision of its version and
   * platform becomes the next revision. Default false: such a build is
   * refused (E_MANIFEST_DIGEST_CHANGED), so that a new revision is never
   * published by accident.
   */
  newRevision?: boolean;
}

/**
 * Union of two URL lists. Existing URLs keep their order; a new URL goes just
 * before the first existing URL that follows it in `incoming`, so a healed
 * primary mirror returns to the front. Nothing new means `existing` unchanged.
 */
export function unionUrls(existing: readonly string[], incoming: readonly string[]): { urls: string[]; added: string[] } {
  const urls = [...existing];
  const added: string[] = [];
  incoming.forEach((url, i) => {
    if (urls.includes(url)) return;
    let at = -1;
    for (let j = i + 1; j < incoming.length && at < 0; j++) at = urls.indexOf(incoming[j]!);
    if (at < 0) urls.push(url);
    else urls.splice(at, 0, url);
    added.push(url);
  });
  return { urls, added };
}

/**
 * The URLs of a file the release names again: the release's verified URLs
 * first (its priority order), then the earlier URLs whose mirror is still
 * configured (`current` holds the mirrors' base URLs), in their earlier order.
 * If that would leave no URL at all, the earlier list stays.
 */
export function releaseUrls(
  existing: readonly string[],
  incoming: readonly string[],
  current: readonly string[],
): { urls: string[]; added: string[]; removed: string[] } {
  const urls = [...new Set(incoming)];
  for (const url of existing) {
    if (!urls.includes(url) && current.some((base) => base !== '' && url.startsWith(base))) urls.push(url);
  }
  if (urls.length === 0) return { urls: [...existing], added: [], removed: [] };
  return { urls, added: urls.filter((u) => !existing.includes(u)), removed: existing.filter((u) => !urls.includes(u)) };
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

interface Context {
  name: string;
  version: string;
  platform: Platform;
  label: string;
  changes: ManifestChange[];
  warnings: string[];
  currentMirrorUrls: readonly string[] | undefined;
}

type SlotMerge = (current: PlatformEntry | undefined, incoming: PlatformEntry, ctx: Context) => PlatformEntry;

function mergePackages(existing: ManifestPackages | undefined, incoming: ManifestPackages, options: MergeOptions, slot: SlotMerge): MergeResult {
  const label = options.incomingLabel ?? 'the release';
  const packages: ManifestPackages = clone(existing ?? {});
  const changes: ManifestChange[] = [];
  const warnings: string[] = [];
  for (const [name, versions] of Object.entries(incoming)) {
    const outVersions = (packages[name] ??= {});
    for (const [version, platforms] of Object.entries(versions)) {
      const current = outVersions[version];
      const merged = {} as PlatformEntries;
      for (const platform of PLATFORMS) {
        const ctx: Context = { name, version, platform, label, changes, warnings, currentMirrorUrls: options.currentMirrorUrls };
        const incomingEntry = platforms[platform] ?? { status: 'unavailable', reason: NOT_BUILT_REASON };
        merged[platform] = slot(current?.[platform], incomingEntry, ctx);
      }
      outVersions[version] = merged;
    }
  }
  return { packages, changed: changes.length > 0, changes, warnings };
}

/** Unite two published states (rules 1, 3-7). */
export function mergeManifest(existing: ManifestPackages | undefined, incoming: ManifestPackages, options: MergeOptions = {}): MergeResult {
  return mergePackages(existing, incoming, options, mergePublishedEntry);
}

/** Add a release's entries (from `releaseEntries`) to the published state, each build as an existing or a new revision (rules 1-6). */
export function mergeRelease(existing: ManifestPackages | undefined, release: ManifestPackages, options: MergeReleaseOptions = {}): MergeResult {
  return mergePackages(existing, release, options, (current, incoming, ctx) => mergeReleaseEntry(current, incoming, ctx, options.newRevision === true));
}

function where(ctx: Context): string {
  return `${ctx.name}@${ctx.version} ${ctx.platform}`;
}

function change(ctx: Context, kind: ManifestChangeKind, detail: string): void {
  ctx.changes.push({ name: ctx.name, version: ctx.version, platform: ctx.platform, kind, detail });
}

const files = (r: { artifacts: readonly Artifact[] }): string => r.artifacts.map((a) => a.file).join(', ');

/** The reason a platform without revisions keeps (rule 4). */
function mergeReason(current: PlatformEntry | undefined, incomingReason: string, ctx: Context): string {
  if (current === undefined) {
    change(ctx, 'added', `unavailable: ${incomingReason}`);
    return incomingReason;
  }
  const reason = current.status === 'unavailable' ? current.reason : undefined;
  if (reason !== undefined && incomingReason !== reason && incomingReason !== NOT_BUILT_REASON) {
    change(ctx, 'reason-updated', incomingReason);
    return incomingReason;
  }
  return reason ?? incomingReason;
}

/** A platform with revisions keeps them: the incoming side's unavailable reason is only reported. */
function keptOverUnavailable(current: PlatformEntry, incomingReason: string, ctx: Context): PlatformEntry {
  if (incomingReason !== NOT_BUILT_REASON) {
    ctx.warnings.push(`${where(ctx)}: ${ctx.label} says unavailable (${incomingReason}); the published ${current.status === 'withdrawn' ? 'withdrawn ' : ''}revision is kept`);
  }
  return current;
}

function mergePublishedEntry(current: PlatformEntry | undefined, incoming: PlatformEntry, ctx: Context): PlatformEntry {
  if (incoming.status === 'unavailable') {
    if (current === undefined || current.status === 'unavailable') return entryFromRevisions([], mergeReason(current, incoming.reason, ctx));
    return keptOverUnavailable(current, incoming.reason, ctx);
  }
  const revisions = revisionsOf(current);
  if (revisions.length === 0) {
    change(ctx, current === undefined ? 'added' : 'became-available', files(incoming));
    return clone(incoming);
  }
  for (const theirs of revisionsOf(incoming)) {
    const byDigest = revisions.findIndex((r) => sameBuild(r, theirs));
    if (byDigest >= 0) {
      const mine = revisions[byDigest]!;
      if (mine.revision !== theirs.revision) {
        ctx.warnings.push(`${where(ctx)}: ${ctx.label} numbers revision ${mine.revision} as ${theirs.revision}; revision ${mine.revision} is kept`);
      }
      revisions[byDigest] = mergeRevision(mine, theirs, ctx);
      continue;
    }
    const taken = revisions.some((r) => r.revision === theirs.revision);
    const added = taken ? { ...clone(theirs), revision: nextRevision(revisions) } : clone(theirs);
    if (taken) {
      ctx.warnings.push(
        `${where(ctx)}: ${ctx.label} has another build (${files(theirs)}) as revision ${theirs.revision}; it is kept as revision ${added.revision}`,
      );
    }
    revisions.push(added);
    change(ctx, 'revision-added', `revision ${added.revision}: ${files(added)}`);
  }
  return entryFromRevisions(revisions);
}

function mergeReleaseEntry(current: PlatformEntry | undefined, incoming: PlatformEntry, ctx: Context, newRevision: boolean): PlatformEntry {
  if (incoming.status === 'unavailable') {
    if (current === undefined || current.status === 'unavailable') return entryFromRevisions([], mergeReason(current, incoming.reason, ctx));
    return keptOverUnavailable(current, incoming.reason, ctx);
  }
  const [build] = revisionsOf(incoming);
  const revisions = revisionsOf(current);
  if (revisions.length === 0) {
    change(ctx, current === undefined ? 'added' : 'became-available', files(build!));
    return entryFromRevisions([{ ...clone(build!), revision: 1 }]);
  }
  const index = revisions.findIndex((r) => sameBuild(r, build!));
  if (index >= 0) {
    const published = revisions[index]!;
    if (published.withdrawn) {
      ctx.warnings.push(
        `${where(ctx)}: ${ctx.label} publishes revision ${published.revision} again, which was withdrawn (${published.withdrawn.reason}); it stays withdrawn: publish a fixed build as a new revision`,
      );
    }
    revisions[index] = mergeRevision(published, { ...build!, revision: published.revision }, ctx);
    return entryFromRevisions(revisions);
  }
  const newest = revisions[revisions.length - 1]!;
  if (!newRevision) {
    const theirs = build!.artifacts[0]!;
    const ours = newest.artifacts.find((a) => a.format === theirs.format) ?? newest.artifacts[0]!;
    throw new UserError(
      ManifestErrorCode.DigestChanged,
      `${where(ctx)} ${theirs.format} is already published as revision ${newest.revision} with sha256 ${ours.sha256} (${ours.file}); ${ctx.label} has sha256 ${theirs.sha256} (${theirs.file}). A published artifact's digest never changes`,
      {
        location: { field: `packages.${ctx.name}.${ctx.version}.${ctx.platform}` },
        hint: 'make the build reproducible; if the published build is wrong, withdraw it and publish the fixed build explicitly as a new revision',
      },
    );
  }
  const added: Revision = { ...clone(build!), revision: nextRevision(revisions) };
  revisions.push(added);
  change(ctx, 'revision-added', `revision ${added.revision}: ${files(added)}`);
  return entryFromRevisions(revisions);
}

/** Two records of the same build: some format has the same digest in both (a digest names exactly one build). */
function sameBuild(a: { artifacts: readonly Artifact[] }, b: { artifacts: readonly Artifact[] }): boolean {
  return a.artifacts.some((x) => b.artifacts.some((y) => y.format === x.format && y.sha256 === x.sha256));
}

/** Merge the URL lists of one file and record the change (see MergeOptions.currentMirrorUrls). */
function mergeUrls(file: string, published: readonly string[], incoming: readonly string[], ctx: Context): string[] | undefined {
  if (ctx.currentMirrorUrls === undefined) {
    const { urls, added } = unionUrls(published, incoming);
    if (added.length === 0) return undefined;
    change(ctx, 'urls-added', `${file}: ${added.map((u) => `+${u}`).join(' ')}`);
    return urls;
  }
  const { urls, added, removed } = releaseUrls(published, incoming, ctx.currentMirrorUrls);
  if (urls.length === published.length && urls.every((u, i) => u === published[i])) return undefined;
  const detail = [...added.map((u) => `+${u}`), ...removed.map((u) => `-${u}`)].join(' ') || 'reordered';
  change(ctx, added.length > 0 && removed.length === 0 ? 'urls-added' : 'urls-updated', `${file}: ${detail}`);
  return urls;
}

function mergeRevision(published: Revision, incoming: Revision, ctx: Context): Revision {
  const out = clone(published);
  const what = `revision ${published.revision}`;
  for (const inArtifact of incoming.artifacts) {
    const index = out.artifacts.findIndex((a) => a.format === inArtifact.format);
    if (index < 0) {
      out.artifacts.push(clone(inArtifact));
      change(ctx, 'format-added', inArtifact.file);
      continue;
    }
    const mine = out.artifacts[index]!;
    if (mine.sha256 !== inArtifact.sha256) {
      throw new UserError(
        ManifestErrorCode.DigestChanged,
        `${where(ctx)} ${what} ${inArtifact.format} is published with sha256 ${mine.sha256} (${mine.file}); ${ctx.label} has sha256 ${inArtifact.sha256} (${inArtifact.file}) for the same build. A published artifact's digest never changes`,
        {
          location: { field: `packages.${ctx.name}.${ctx.version}.${ctx.platform}.artifacts.${inArtifact.format}` },
          hint: 'the formats of one build must come from one build: check the release inputs',
        },
      );
    }
    assertSameFile(mine, inArtifact, `${inArtifact.format} artifact`, ctx);
    out.artifacts[index] = mergeArtifact(mine, inArtifact, ctx);
  }
  out.metadata = mergeCompanion(out.metadata, incoming.metadata, 'build metadata', ctx);
  for (const inSbom of incoming.sboms ?? []) {
    const sboms: Sbom[] = (out.sboms ??= []);
    const index = sboms.findIndex((s) => s.format === inSbom.format);
    if (index < 0) {
      sboms.push(clone(inSbom));
      change(ctx, 'companion-added', `SBOM ${inSbom.file}`);
    } else {
      sboms[index] = mergeCompanion(sboms[index]!, inSbom, `${inSbom.format} SBOM`, ctx);
    }
  }
  if (incoming.provenance) {
    if (!out.provenance) {
      out.provenance = clone(incoming.provenance);
      change(ctx, 'companion-added', `provenance ${incoming.provenance.file}`);
    } else {
      out.provenance = mergeCompanion(out.provenance, incoming.provenance, 'provenance', ctx);
    }
  }
  const checks = mergeChecks(out.checks, incoming.checks, ctx);
  if (checks) out.checks = checks;
  if (incoming.withdrawn && !out.withdrawn) {
    out.withdrawn = clone(incoming.withdrawn);
    change(ctx, 'withdrawn', `${what}: ${incoming.withdrawn.reason}`);
  }
  return out;
}

function mergeChecks(published: Checks | undefined, incoming: Checks | undefined, ctx: Context): Checks | undefined {
  if (!incoming) return published;
  const out: Checks = { ...clone(published ?? {}) };
  if (incoming.smokeTest && !out.smokeTest) {
    out.smokeTest = clone(incoming.smokeTest);
    change(ctx, 'checks-updated', `smoke test: ${incoming.smokeTest.status}`);
  }
  const scan = incoming.scan;
  if (scan) {
    const mine = out.scan;
    // A later scan replaces the record only when it says something new (a passed scan after none, another
    // scanner or another highest severity): a re-run with the same result leaves the manifest as it is.
    const news =
      scan.status === 'passed' &&
      (mine === undefined || mine.status !== 'passed' || ((mine.scanner !== scan.scanner || mine.maxSeverity !== scan.maxSeverity) && Date.parse(scan.scannedAt) > Date.parse(mine.scannedAt)));
    if (mine === undefined || news) {
      out.scan = clone(scan);
      change(ctx, 'checks-updated', `scan: ${scan.status === 'passed' ? `${scan.scanner}, highest severity ${scan.maxSeverity}` : scan.reason}`);
    }
  }
  return out;
}

function mergeArtifact(published: Artifact, incoming: Artifact, ctx: Context): Artifact {
  const urls = mergeUrls(published.file, published.urls, incoming.urls, ctx) ?? published.urls;
  const out: Artifact = { ...published, urls };
  if (incoming.signatureBundle) {
    if (!published.signatureBundle) {
      out.signatureBundle = clone(incoming.signatureBundle);
      change(ctx, 'companion-added', `signature bundle ${incoming.signatureBundle.file}`);
    } else {
      out.signatureBundle = mergeCompanion(published.signatureBundle, incoming.signatureBundle, 'signature bundle', ctx);
    }
  }
  for (const delta of incoming.deltas ?? []) {
    const deltas: Delta[] = (out.deltas ??= []);
    const index = deltas.findIndex((d) => d.baseSha256 === delta.baseSha256);
    if (index < 0) {
      deltas.push(clone(delta));
      change(ctx, 'companion-added', `delta ${delta.file} (from ${delta.fromVersion} revision ${delta.fromRevision})`);
    } else {
      deltas[index] = mergeCompanion(deltas[index]!, delta, `delta from ${delta.baseSha256.slice(0, 12)}`, ctx);
    }
  }
  return out;
}

/** Same digest: add new URLs. Another digest: keep the published one and warn. */
function mergeCompanion<T extends FileRef>(published: T, incoming: FileRef, what: string, ctx: Context): T {
  if (published.sha256 !== incoming.sha256) {
    ctx.warnings.push(
      `${where(ctx)}: ${ctx.label} has another ${what} (${incoming.file}, sha256 ${incoming.sha256.slice(0, 12)}) than the published one (${published.file}, sha256 ${published.sha256.slice(0, 12)}); the published one is kept`,
    );
    return published;
  }
  assertSameFile(published, incoming, what, ctx);
  const urls = mergeUrls(published.file, published.urls, incoming.urls, ctx);
  return urls ? { ...published, urls } : published;
}

function assertSameFile(published: FileRef, incoming: FileRef, what: string, ctx: Context): void {
  if (published.size !== incoming.size || published.file !== incoming.file) {
    throw new UserError(
      ManifestErrorCode.Conflict,
      `${where(ctx)} ${what} with sha256 ${published.sha256} is published as ${published.file} (${published.size} bytes); ${ctx.label} names it ${incoming.file} (${incoming.size} bytes)`,
      { hint: 'the same digest must always have the same file name and size: check the release inputs' },
    );
  }
}

/** A key's id (sha256 of its DER SPKI, as signing names keys too), or the PEM text itself when it cannot be read. */
function keyIdOf(pem: string): string {
  try {
    return keyidOf(createPublicKey(pem));
  } catch {
    return pem.replace(/\s+/g, '');
  }
}

/**
 * Artifact trust settings, united: keys and keyless identities of both sides
 * (a key listed on both keeps the incoming side's expiry when it gives one),
 * every revocation of either side. Undefined when neither side has any.
 */
export function mergeArtifactTrust(existing: SigningTrust | undefined, incoming: SigningTrust | undefined): SigningTrust | undefined {
  if (!existing && !incoming) return undefined;
  const keys = new Map<string, NonNullable<SigningTrust['keys']>[number]>();
  for (const key of [...(existing?.keys ?? []), ...(incoming?.keys ?? [])]) {
    const id = keyIdOf(key.publicKey);
    const kept = keys.get(id);
    keys.set(id, kept && key.expires === undefined ? kept : { ...(kept ?? {}), ...key });
  }
  const identities = new Map<string, NonNullable<SigningTrust['identities']>[number]>();
  for (const identity of [...(existing?.identities ?? []), ...(incoming?.identities ?? [])]) {
    identities.set(JSON.stringify([identity.identity, identity.issuer, identity.sourceRepository ?? null]), identity);
  }
  const revokedKeys = [...new Set([...(existing?.revokedKeys ?? []), ...(incoming?.revokedKeys ?? [])])].sort();
  return {
    ...(identities.size > 0 ? { identities: [...identities.values()] } : {}),
    ...(keys.size > 0 ? { keys: [...keys.values()] } : {}),
    ...(revokedKeys.length > 0 ? { revokedKeys } : {}),
  };
}

/** Mirrors by name; for a mirror on both sides the one measured later wins. */
export function mergeMirrorInfo(existing: readonly MirrorInfo[] | undefined, incoming: readonly MirrorInfo[] | undefined): MirrorInfo[] | undefined {
  if (!existing && !incoming) return undefined;
  const byName = new Map<string, MirrorInfo>();
  for (const m of [...(existing ?? []), ...(incoming ?? [])]) {
    const kept = byName.get(m.name);
    const newer = !kept || (m.health !== undefined && (kept.health === undefined || Date.parse(m.health.measuredAt) >= Date.parse(kept.health.measuredAt)));
    if (newer) byName.set(m.name, clone(m));
  }
  return [...byName.values()];
}

/**
 * Whether `container` already holds everything `other` has: uniting them
 * changes no entry, and adds no artifact trust setting or mirror.
 */
export function manifestHolds(
  container: { packages: ManifestPackages; artifactTrust?: SigningTrust; mirrors?: MirrorInfo[] },
  other: { packages: ManifestPackages; artifactTrust?: SigningTrust; mirrors?: MirrorInfo[] },
): boolean {
  if (mergeManifest(container.packages, other.packages).changed) return false;
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  return (
    same(mergeArtifactTrust(container.artifactTrust, other.artifactTrust), container.artifactTrust ? mergeArtifactTrust(container.artifactTrust, undefined) : undefined) &&
    same(mergeMirrorInfo(container.mirrors, other.mirrors), container.mirrors ? mergeMirrorInfo(container.mirrors, undefined) : undefined)
  );
}

