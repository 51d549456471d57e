/**
 * The plain inputs of the estimate, made from what Potions already has: a
 * mirror's listing (key, size, date, class), the manifest (which package and
 * version each content-addressed object belongs to) and the download metrics
 * (egress and reads per mirror and per file, scaled to a month).
 *
 * Client metrics are opt-in, so the traffic they show is a lower bound of
 * what the mirrors serve; where the provider's own counters are at hand,
 * give those instead (`MirrorUsage.egressBytes`, `reads`).
 */
import { UserError } from '@potions/core';
import type { MetricsRecord } from '@potions/metrics';
import { parseArtifactKey } from '@potions/mirrors';
import { CostsErrorCode } from './errors';
import type { CostObject, MirrorUsage } from './estimate';

/** What a listing gives for one object (`ListedObject` of `@potions/mirrors`, with the date and class ListObjectsV2 returns). */
export interface ListingObject {
  key: string;
  size: number;
  lastModified?: string | Date;
  storageClass?: string;
}

/** The part of a manifest this reads: packages → versions → platforms → entries holding file references. */
export interface ManifestPackages {
  packages: Record<string, Record<string, Record<string, unknown>>>;
}

interface Owner {
  package: string;
  version: string;
  platform: string;
}

/** sha256 → the package version and platform whose entry names a file with it (artifacts, signature bundles, metadata, SBOMs). */
function ownersBySha(manifest: ManifestPackages): Map<string, Owner> {
  const owners = new Map<string, Owner>();
  const take = (ref: unknown, owner: Owner): void => {
    const sha = (ref as { sha256?: unknown } | undefined)?.sha256;
    if (typeof sha === 'string' && !owners.has(sha)) owners.set(sha, owner);
  };
  for (const [pkg, versions] of Object.entries(manifest.packages)) {
    for (const [version, platforms] of Object.entries(versions)) {
      for (const [platform, entry] of Object.entries(platforms)) {
        const e = entry as { artifacts?: unknown; metadata?: unknown; sboms?: unknown };
        const owner = { package: pkg, version, platform };
        for (const a of Array.isArray(e.artifacts) ? e.artifacts : []) {
          take(a, owner);
          take((a as { signatureBundle?: unknown }).signatureBundle, owner);
        }
        take(e.metadata, owner);
        for (const s of Array.isArray(e.sboms) ? e.sboms : []) take(s, owner);
      }
    }
  }
  return owners;
}

/** A listing as cost objects, each artifact labelled with the package, version and platform the manifest gives it. */
export function costObjectsFromListing(listing: readonly ListingObject[], manifest?: ManifestPackages): CostObject[] {
  const owners = manifest ? ownersBySha(manifest) : new Map<string, Owner>();
  return listing.map((o) => {
    const sha = parseArtifactKey(o.key)?.sha256;
    const owner = sha === undefined ? undefined : owners.get(sha);
    return {
      key: o.key,
      size: o.size,
      ...(o.lastModified !== undefined ? { lastModified: o.lastModified } : {}),
      ...(o.storageClass !== undefined ? { storageClass: o.storageClass } : {}),
      ...(owner ? { package: owner.package, version: owner.version, platform: owner.platform } : {}),
    };
  });
}

/** A mirror's traffic in a month: in total, and per file name. */
export interface MonthlyTraffic {
  egressBytes: number;
  reads: number;
  byFile: Record<string, { egressBytes: number; reads: number }>;
}

const MONTH_DAYS = 30;

/**
 * Per mirror, the bytes and requests the download records show between
 * `since` and `until`, scaled to a 30-day month. Every request is a read (a
 * GET); its bytes are egress.
 */
export function monthlyTrafficFromRecords(records: readonly MetricsRecord[], window: { since: Date; until: Date }): Record<string, MonthlyTraffic> {
  const days = (window.until.getTime() - window.since.getTime()) / 86_400_000;
  if (!(days > 0)) {
    throw new UserError(CostsErrorCode.Input, `the metrics window must end after it starts (${window.since.toISOString()} to ${window.until.toISOString()})`, {
      location: { field: 'window' },
    });
  }
  const scale = MONTH_DAYS / days;
  const out: Record<string, MonthlyTraffic> = {};
  for (const r of records) {
    if (r.type !== 'attempt') continue;
    const t = Date.parse(r.time);
    if (t < window.since.getTime() || t >= window.until.getTime()) continue;
    const m = (out[r.mirror] ??= { egressBytes: 0, reads: 0, byFile: {} });
    const f = (m.byFile[r.artifact] ??= { egressBytes: 0, reads: 0 });
    m.egressBytes += r.bytes * scale;
    m.reads += scale;
    f.egressBytes += r.bytes * scale;
    f.reads += scale;
  }
  return out;
}

/** The last segment of a key: the file name a download records. */
function fileNameOf(key: string): string {
  return parseArtifactKey(key)?.fileName ?? key.slice(key.lastIndexOf('/') + 1);
}

/**
 * One mirror's usage: its objects (labelled by the manifest), the traffic of
 * each file put on the objects with that file name (shared equally when
 * several hold it), the rest on the mirror.
 */
export function mirrorUsageFrom(options: {
  name: string;
  provider: string;
  storageClass?: string;
  listing: readonly ListingObject[];
  manifest?: ManifestPackages;
  traffic?: MonthlyTraffic;
  /** Writes and listings per month (releases, health checks). */
  writes?: number;
}): MirrorUsage {
  const objects = costObjectsFromListing(options.listing, options.manifest);
  const traffic = options.traffic;
  let attributedBytes = 0;
  let attributedReads = 0;
  if (traffic) {
    const holders = new Map<string, number>();
    for (const o of objects) holders.set(fileNameOf(o.key), (holders.get(fileNameOf(o.key)) ?? 0) + 1);
    for (const o of objects) {
      const name = fileNameOf(o.key);
      const t = traffic.byFile[name];
      if (!t) continue;
      const share = 1 / holders.get(name)!;
      o.egressBytes = t.egressBytes * share;
      o.reads = t.reads * share;
      attributedBytes += o.egressBytes;
      attributedReads += o.reads;
    }
  }
  return {
    name: options.name,
    provider: options.provider,
    ...(options.storageClass !== undefined ? { storageClass: options.storageClass } : {}),
    objects,
    ...(traffic ? { egressBytes: Math.max(0, traffic.egressBytes - attributedBytes), reads: Math.max(0, traffic.reads - attributedReads) } : {}),
    ...(options.writes !== undefined ? { writes: options.writes } : {}),
  };
}
