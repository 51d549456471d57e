/**
 * Plan, then apply: `planSync` is pure and returns data (JSON-serialisable),
 * so a dry run prints exactly what `applySync` would do.
 */
import type { FileStamp } from './hash';
import { CACHE_CONTROL_IMMUTABLE, artifactKey, contentTypeFor } from './keys';

/** A local file to publish, already hashed. */
export interface LocalObject {
  /** The user-facing file name (the last key segment). */
  name: string;
  /** Where the bytes are on disk. */
  path: string;
  size: number;
  /** Lower-case hex sha256 of the bytes. */
  sha256: string;
  /**
   * The file's identity when it was hashed (taken before the read). With it,
   * an upload checks the file is unchanged by its stat instead of hashing the
   * sha256 again; absent when the file changed too recently to tell (then the
   * upload hashes sha256 again). See docs/mirrors.md, "Verification".
   */
  stamp?: FileStamp;
}

/** One mirror's single listing of the artifact prefix, or why it failed. */
export interface RemoteListing {
  /** Relative key -> size. */
  objects?: Record<string, number>;
  /** Set when the listing failed: the mirror is unreachable for this run. */
  error?: string;
}

export interface PlannedObject extends LocalObject {
  key: string;
  contentType: string;
  cacheControl: string;
}

export type PlanAction =
  /** Not on the mirror (`missing`) or there with another size (`size-differs`, overwritten). */
  | { object: number; action: 'upload'; reason: 'missing' | 'size-differs' }
  /** Same key (which holds the sha256) and same size: already there and identical. */
  | { object: number; action: 'skip'; reason: 'present' };

export interface MirrorPlan {
  mirror: string;
  /** Set when the mirror could not be listed; it has no actions then. */
  error?: string;
  actions: PlanAction[];
  uploadBytes: number;
  /** Objects the mirror's listing showed under the artifact prefix. */
  listed?: number;
}

export interface SyncPlan {
  version: 1;
  minMirrors: number;
  objects: PlannedObject[];
  mirrors: MirrorPlan[];
}

/**
 * What to upload where and what to skip. `listings` maps each mirror name to
 * its one listing of `artifacts/sha256/` (relative keys).
 */
export function planSync(
  localObjects: readonly LocalObject[],
  mirrors: readonly string[],
  listings: Readonly<Record<string, RemoteListing>>,
  options: { minMirrors?: number } = {},
): SyncPlan {
  const byKey = new Map<string, PlannedObject>();
  for (const o of localObjects) {
    const key = artifactKey(o.sha256, o.name);
    if (byKey.has(key)) continue; // the same bytes under the same name, given twice
    byKey.set(key, { ...o, key, contentType: contentTypeFor(o.name), cacheControl: CACHE_CONTROL_IMMUTABLE });
  }
  const objects = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const plans = mirrors.map((mirror): MirrorPlan => {
    const listing = listings[mirror];
    if (!listing || listing.error !== undefined || !listing.objects) {
      return { mirror, error: listing?.error ?? 'not listed', actions: [], uploadBytes: 0 };
    }
    const remote = listing.objects;
    let uploadBytes = 0;
    const actions = objects.map((o, object): PlanAction => {
      const size = remote[o.key];
      if (size === o.size) return { object, action: 'skip', reason: 'present' };
      uploadBytes += o.size;
      return { object, action: 'upload', reason: size === undefined ? 'missing' : 'size-differs' };
    });
    return { mirror, actions, uploadBytes, listed: Object.keys(remote).length };
  });
  return { version: 1, minMirrors: options.minMirrors ?? 1, objects, mirrors: plans };
}
