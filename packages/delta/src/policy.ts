import { compareVersions, type Platform } from '@potions/core';
import { DeltaErrorCode, deltaError } from './errors';
import { FORMAT_TOOLS, type DeltaFormat } from './tools';

/** Which release of which package an artifact is. */
export interface ArtifactIdentity {
  name: string;
  version: string;
  platform: Platform;
}

/**
 * Deltas go only from an older to a newer version of one package on one
 * platform: anything else is the caller's mistake, refused before any work.
 */
export function assertDeltaPair(base: ArtifactIdentity, target: ArtifactIdentity): void {
  if (base.name !== target.name || base.platform !== target.platform) {
    throw deltaError(
      DeltaErrorCode.NotSamePackage,
      `a delta goes between versions of one package on one platform, got ${base.name}@${base.version} (${base.platform}) -> ${target.name}@${target.version} (${target.platform})`,
      { hint: 'pair each artifact with the previous version of the same package and platform' },
    );
  }
  if (compareVersions(base.version, target.version) >= 0) {
    throw deltaError(
      DeltaErrorCode.VersionOrder,
      `a delta goes from an older version to a newer one, got ${base.name} ${base.version} -> ${target.version} (${base.platform})`,
      { hint: 'the base is the version published before the target' },
    );
  }
}

/**
 * Publish a delta only when it is at most this share of the full artifact.
 *
 * Why one half: a client that takes a delta and then has to fall back (no
 * patch tool after all, a corrupt download) fetches the delta and the full
 * artifact, so at one half the worst case costs 1.5x the full download while
 * every delta kept saves at least half. Every pair measured in docs/delta.md
 * falls under it with bsdiff (esbuild 13%, rollup 22%, biome 43%); a delta
 * past half is a rebuild that shares little with its base, and saves less
 * than a fallback would cost.
 */
export const DEFAULT_MAX_DELTA_SHARE = 0.5;

/**
 * Whether a delta of `deltaSize` bytes pays against a full artifact of
 * `fullSize` bytes (the smallest format the manifest lists for the target).
 */
export function shouldPublishDelta(deltaSize: number, fullSize: number, maxShare: number = DEFAULT_MAX_DELTA_SHARE): boolean {
  if (!(maxShare > 0 && maxShare <= 1)) throw new RangeError(`maxShare must be in (0, 1], got ${maxShare}`);
  if (!(fullSize > 0) || !(deltaSize >= 0)) return false;
  return deltaSize <= fullSize * maxShare;
}

/**
 * The delta's file name on the mirrors, beside the artifacts
 * (`<name>-<version>-<platform>.tar.zst`):
 * `<name>-<targetVersion>-<platform>.from-<baseVersion>.<bsdiff|zstpatch>`.
 */
export function deltaFileName(base: ArtifactIdentity, target: ArtifactIdentity, format: DeltaFormat): string {
  assertDeltaPair(base, target);
  return `${target.name}-${target.version}-${target.platform}.from-${base.version}.${FORMAT_TOOLS[format].suffix}`;
}

/**
 * The delta `potions fetch` should download: the smallest whose format this
 * machine can apply (`availableDeltaFormats`), among those the caller already
 * matched to the base it holds. Undefined: download the full artifact.
 */
export function pickDelta<T extends { format: string; size: number }>(candidates: readonly T[], applicable: readonly DeltaFormat[]): T | undefined {
  let best: T | undefined;
  for (const c of candidates) {
    if (!(applicable as readonly string[]).includes(c.format)) continue;
    if (best === undefined || c.size < best.size) best = c;
  }
  return best;
}
