/**
 * The consumer's side: pick the artifact for a name, an optional version and
 * a platform, with every URL to try in priority order and the digest to check.
 */
import { UserError, compareVersions } from '@potions/core';
import type { Platform } from '@potions/core';
import { ManifestErrorCode } from './errors';
import type { ArtifactFormat, BuildFacts, FileRef, Manifest, Sbom } from './schema';


export interface SelectArtifactRequest {
  name: string;
  /** Undefined: the newest version with an available build for the platform. */
  version?: string;
  platform: Platform;
  /** Formats in order of preference. Default ['tar.gz', 'tar.zst']. */
  formats?: readonly ArtifactFormat[];
}

export interface SelectedArtifact {
  name: string;
  version: string;
  platform: Platform;
  format: ArtifactFormat;
  file: string;
  sha256: string;
  size: number;
  /** Every mirror URL that verified the file, in priority order: try them in turn. */
  urls: string[];
  signatureBundle?: FileRef;
  metadata: FileRef;
  sboms?: Sbom[];
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
    version = known.find((v) => versions[v]![platform].status === 'available');
    if (version === undefined) {
      const latest = known[0]!;
      const entry = versions[latest]![platform];
      throw new UserError(
        ManifestErrorCode.PlatformUnavailable,
        `${name} has no build for ${platform} in any version; the latest, ${latest}, is unavailable: ${entry.status === 'unavailable' ? entry.reason : ''}`,
        { hint: availableElsewhere(versions[latest]!, name, latest) },
      );
    }
  }
  const platforms = versions[version];
  if (!platforms) {
    throw new UserError(ManifestErrorCode.NotFound, `the manifest has no version ${version} of ${name}`, {
      hint: `published versions: ${known.slice(0, 20).join(', ')}`,
    });
  }
  const entry = platforms[platform];
  if (entry.status === 'unavailable') {
    throw new UserError(ManifestErrorCode.PlatformUnavailable, `${name}@${version} is unavailable for ${platform}: ${entry.reason}`, {
      hint: availableElsewhere(platforms, name, version),
    });
  }
  const formats = request.formats ?? DEFAULT_FORMAT_PREFERENCE;
  const artifact = formats.map((f) => entry.artifacts.find((a) => a.format === f)).find((a) => a !== undefined);
  if (!artifact) {
    throw new UserError(
      ManifestErrorCode.NotFound,
      `${name}@${version} for ${platform} has no artifact in ${formats.join(' or ')}; it has ${entry.artifacts.map((a) => a.format).join(', ')}`,
    );
  }
  return {
    name,
    version,
    platform,
    format: artifact.format,
    file: artifact.file,
    sha256: artifact.sha256,
    size: artifact.size,
    urls: [...artifact.urls],
    ...(artifact.signatureBundle ? { signatureBundle: artifact.signatureBundle } : {}),
    metadata: entry.metadata,
    ...(entry.sboms ? { sboms: entry.sboms } : {}),
    build: entry.build,
  };
}

function availableElsewhere(platforms: Manifest['packages'][string][string], name: string, version: string): string {
  const available = Object.entries(platforms)
    .filter(([, e]) => e.status === 'available')
    .map(([p]) => p);
  return available.length > 0 ? `${name}@${version} is available for ${available.join(', ')}` : `${name}@${version} is available for no platform`;
}
