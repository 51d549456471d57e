/**
 * The consumer's side: pick the build for a name, an optional version and a
 * platform, with every format to try in order, each with every URL to try in
 * priority order and the digest to check. The build is the newest revision
 * that is not withdrawn; a withdrawn version is refused with its reason.
 */
import { UserError, compareVersions } from '@potions/core';
import type { Platform } from '@potions/core';
import { ManifestErrorCode } from './errors';
import type { Artifact, ArtifactFormat, BuildFacts, Checks, FileRef, Manifest, PlatformEntries, Sbom } from './schema';

export interface SelectArtifactRequest {
  name: string;
  /** Undefined: the newest version with an available build for the platform. */
  version?: string;
  platform: Platform;
  /** Formats in order of preference. Default ['tar.gz', 'tar.zst']; formats not named come after them. */
  formats?: readonly ArtifactFormat[];
}

export interface SelectedArtifact {
  name: string;
  version: string;
  platform: Platform;
  /** The revision picked: the newest one that is not withdrawn. */
  revision: number;
  /** Every format the manifest lists for it, preferred first: try them in turn (each with all its URLs). */
  artifacts: Artifact[];
  metadata: FileRef;
  sboms?: Sbom[];
  provenance?: FileRef;
  checks?: Checks;
  build: BuildFacts;
}

export const DEFAULT_FORMAT_PREFERENCE: readonly ArtifactFormat[] = ['tar.gz', 'tar.zst'];

export function selectArtifact(manifest: Manifest, request: SelectArtifactRequest): SelectedArtifact {
  const { name, platform } = request;
  const versions = manifest.packages[name];
  if (!versions) {
    const names = Object.keys(manifest.packages).sort();
    throw new UserError(ManifestErrorCode.NotFound, `the manifest has no package "${name}"`, {
      hint: names.length > 0 ? `it has ${names.length} packages: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''}` : 'the manifest lists no packages yet',
    });
  }
  const known = Object.keys(versions).sort(compareVersions).reverse();
  let version = request.version;
  if (version === undefined) {
    version = known.find((v) => versions[v]![platform]?.status === 'available');
    if (version === undefined) {
      const latest = known[0]!;
      const entry = versions[latest]![platform];
      const why = entry?.status === 'withdrawn' ? `withdrawn: ${entry.reason}` : entry?.status === 'unavailable' ? `unavailable: ${entry.reason}` : 'not listed';
      throw new UserError(ManifestErrorCode.PlatformUnavailable, `${name} has no build for ${platform} in any version; the latest, ${latest}, is ${why}`, {
        hint: availableElsewhere(versions[latest]!, name, latest),
      });
    }
  }
  const platforms = versions[version];
  if (!platforms) {
    throw new UserError(ManifestErrorCode.NotFound, `the manifest has no version ${version} of ${name}`, {
      hint: `published versions: ${known.slice(0, 20).join(', ')}`,
    });
  }
  const entry = platforms[platform];
  if (!entry || entry.status === 'unavailable') {
    throw new UserError(ManifestErrorCode.PlatformUnavailable, `${name}@${version} is unavailable for ${platform}: ${entry?.reason ?? 'not listed'}`, {
      hint: availableElsewhere(platforms, name, version),
    });
  }
  if (entry.status === 'withdrawn') {
    const newer = known.find((v) => compareVersions(v, version!) > 0 && versions[v]![platform]?.status === 'available');
    throw new UserError(
      ManifestErrorCode.Withdrawn,
      `${name}@${version} for ${platform} was withdrawn on ${entry.withdrawnAt} (revision ${entry.revision}): ${entry.reason}`,
      { hint: newer ? `${name}@${newer} is available for ${platform}` : 'do not install it; ask the publisher for a fixed build (a new revision or version)' },
    );
  }
  const formats = request.formats ?? DEFAULT_FORMAT_PREFERENCE;
  const rank = (a: Artifact): number => {
    const i = formats.indexOf(a.format);
    return i < 0 ? formats.length : i;
  };
  const artifacts = [...entry.artifacts].sort((a, b) => rank(a) - rank(b));
  return {
    name,
    version,
    platform,
    revision: entry.revision,
    artifacts,
    metadata: entry.metadata,
    ...(entry.sboms ? { sboms: entry.sboms } : {}),
    ...(entry.provenance ? { provenance: entry.provenance } : {}),
    ...(entry.checks ? { checks: entry.checks } : {}),
    build: entry.build,
  };
}

function availableElsewhere(platforms: PlatformEntries, name: string, version: string): string {
  const available = Object.entries(platforms)
    .filter(([, e]) => e.status === 'available')
    .map(([p]) => p);
  return available.length > 0 ? `${name}@${version} is available for ${available.join(', ')}` : `${name}@${version} is available for no platform`;
}
