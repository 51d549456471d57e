/**
 * Where the SBOM finds the build metadata of an artifact. The format and its
 * reader are `@potions/core`'s (`ArtifactMetadata`, `readArtifactMetadataFile`):
 * one definition for the builder, the manifest, the SBOM and provenance.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { artifactMetadataPath } from '@potions/core';

/** The metadata file the builder wrote beside `artifact`, or undefined when there is none. */
export async function findArtifactMetadata(artifact: string): Promise<string | undefined> {
  const candidate = artifactMetadataPath(path.resolve(artifact));
  const st = await fs.stat(candidate).catch(() => undefined);
  return st?.isFile() ? candidate : undefined;
}
