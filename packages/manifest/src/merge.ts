/**
 * Merging manifest entries. The rules, in order of importance:
 *
 * 1. Nothing published is lost: every name, version, platform, format and
 *    companion file of `existing` is in the result, and every URL, except
 *    under `currentMirrorUrls` (a publisher merging its release): a file the
 *    release names again lists the release's URLs first, then only the earlier
 *    URLs of mirrors still configured.
 * 2. A published artifact's digest never changes: the same name, version,
 *    platform and format with another sha256 is refused (E_MANIFEST_DIGEST_CHANGED).
 * 3. Re-publishing an identical artifact is a no-op, except that URLs of
 *    mirrors that newly verified it (a healed mirror) are added, in the
 *    incoming priority order.
 * 4. An unavailable platform may become available; an available one is never
 *    replaced by unavailable (the incoming reason is reported, not stored).
 *    A newer reason replaces an older one, except "not built in this
 *    release": a release that did not try a platform says nothing new about
 *    why an earlier one failed.
 * 5. For an artifact already published, the first build facts, metadata,
 *    SBOM and signature bundle stay; ones that were missing are added; a
 *    different companion is kept out with a warning.
 */
import { PLATFORMS, UserError } from '@potions/core';
import type { Platform } from '@potions/core';
import { ManifestErrorCode } from './errors';
import { NOT_BUILT_REASON } from './release';
import type { Artifact, AvailableEntry, FileRef, ManifestPackages, PlatformEntries, PlatformEntry, Sbom } from './schema';

export type ManifestChangeKind =
  | 'added'
  | 'became-available'
  | 'reason-updated'
  | 'urls-added'
  | 'urls-updated'
  | 'format-added'
  | 'companion-added';

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

export function mergeManifest(
  existing: ManifestPackages | undefined,
  incoming: ManifestPackages,
  options: MergeOptions = {},
): MergeResult {
  const label = options.incomingLabel ?? 'the release';
  const packages: ManifestPackages = clone(existing ?? {});
  const changes: ManifestChange[] = [];
  const warnings: string[] = [];

  for (const [name, versions] of Object.entries(incoming)) {
    const outVersions = (packages[name] ??= {});
    for (const [version, platforms] of Object.entries(versions)) {
      const current = outVersions[version];
      if (!current) {
        outVersions[version] = clone(platforms);
        for (const platform of PLATFORMS) {
          const entry = platforms[platform];
          changes.push({
            name,
            version,
            platform,
            kind: 'added',
            detail: entry.status === 'available' ? entry.artifacts.map((a) => a.file).join(', ') : `unavailable: ${entry.reason}`,
          });
        }
        continue;
      }
      const merged = {} as PlatformEntries;
      for (const platform of PLATFORMS) {
        const ctx: Context = { name, version, platform, label, changes, warnings, currentMirrorUrls: options.currentMirrorUrls };
        merged[platform] = mergeEntry(current[platform], platforms[platform], ctx);
      }
      outVersions[version] = merged;
    }
  }
  return { packages, changed: changes.length > 0, changes, warnings };
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

function where(ctx: Context): string {
  return `${ctx.name}@${ctx.version} ${ctx.platform}`;
}

function change(ctx: Context, kind: ManifestChangeKind, detail: string): void {
  ctx.changes.push({ name: ctx.name, version: ctx.version, platform: ctx.platform, kind, detail });
}

function mergeEntry(current: PlatformEntry | undefined, incoming: PlatformEntry, ctx: Context): PlatformEntry {
  if (!current) {
    change(ctx, 'added', incoming.status === 'available' ? incoming.artifacts.map((a) => a.file).join(', ') : `unavailable: ${incoming.reason}`);
    return clone(incoming);
  }
  if (current.status === 'unavailable') {
    if (incoming.status === 'available') {
      change(ctx, 'became-available', incoming.artifacts.map((a) => a.file).join(', '));
      return clone(incoming);
    }
    if (incoming.reason !== current.reason && incoming.reason !== NOT_BUILT_REASON) {
      change(ctx, 'reason-updated', incoming.reason);
      return clone(incoming);
    }
    return current;
  }
  if (incoming.status === 'unavailable') {
    ctx.warnings.push(`${where(ctx)}: ${ctx.label} says unavailable (${incoming.reason}); the published artifact is kept`);
    return current;
  }
  return mergeAvailable(current, incoming, ctx);
}

function mergeAvailable(current: AvailableEntry, incoming: AvailableEntry, ctx: Context): AvailableEntry {
  const out = clone(current);
  for (const inArtifact of incoming.artifacts) {
    const index = out.artifacts.findIndex((a) => a.format === inArtifact.format);
    if (index < 0) {
      out.artifacts.push(clone(inArtifact));
      change(ctx, 'format-added', inArtifact.file);
      continue;
    }
    const published = out.artifacts[index]!;
    if (published.sha256 !== inArtifact.sha256) {
      throw new UserError(
        ManifestErrorCode.DigestChanged,
        `${where(ctx)} ${inArtifact.format} is already published with sha256 ${published.sha256} (${published.file}); ${ctx.label} has sha256 ${inArtifact.sha256} (${inArtifact.file}). A published artifact's digest never changes`,
        {
          location: { field: `packages.${ctx.name}.${ctx.version}.${ctx.platform}.artifacts.${inArtifact.format}` },
          hint: 'make the build reproducible, or publish the change as a new version',
        },
      );
    }
    assertSameFile(published, inArtifact, `${inArtifact.format} artifact`, ctx);
    out.artifacts[index] = mergeArtifact(published, inArtifact, ctx);
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
