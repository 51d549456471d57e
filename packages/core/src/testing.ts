/**
 * Test fixtures other packages' tests share: a build's metadata document as
 * the builder writes it, so that no test hand-writes a partial one that the
 * one schema would refuse.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ArtifactMetadataSchema, type ArtifactMetadata } from './artifact-metadata';
import type { Platform } from './platform';

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

export interface SampleBuildOptions {
  name?: string;
  version?: string;
  platform?: Platform;
  /** Fields of the document to replace (checked against the schema afterwards). */
  overrides?: Partial<ArtifactMetadata>;
}

/** A complete, valid metadata document for artifacts with these bytes. */
export function sampleArtifactMetadata(tarGz: Uint8Array, tarZst: Uint8Array, options: SampleBuildOptions = {}): ArtifactMetadata {
  const name = options.name ?? 'hello';
  const version = options.version ?? '2.10';
  const platform = options.platform ?? 'linux-amd64';
  const base = `${name}-${version}-${platform}`;
  return ArtifactMetadataSchema.parse({
    schema: 1,
    name,
    version,
    platform,
    method: 'source',
    status: 'built',
    artifact: {
      tarGz: { file: `${base}.tar.gz`, sha256: sha256(tarGz), size: tarGz.length },
      tarZst: { file: `${base}.tar.zst`, sha256: sha256(tarZst), size: tarZst.length },
    },
    recipe: { digest: 'f'.repeat(64) },
    source: { url: `https://ftp.gnu.org/gnu/${name}/${name}-${version}.tar.gz`, sha256: 'e'.repeat(64), pinned: true },
    buildType: 'gnu_autotools',
    prefix: `/opt/potions/${name}`,
    placeholder: '@@POTIONS_PREFIX@@',
    relocatedFiles: [],
    binaryFilesWithPrefix: [],
    runpaths: [],
    leaks: [],
    dependencies: [],
    toolchain: { cc: 'cc (Debian 12.2.0-14) 12.2.0', make: 'GNU Make 4.3' },
    builder: { name: '@potions/builder', version: '0.1.0', node: 'v20.20.2' },
    sourceDateEpoch: 1400000000,
    buildDate: '2014-05-13T16:53:20.000Z',
    builtAt: '2026-11-30T08:00:00.000Z',
    durationMs: 1000,
    cacheKey: '5'.repeat(64),
    ...options.overrides,
  });
}

/**
 * Write `<name>-<version>-<platform>.tar.gz`, `.tar.zst` (these bytes, default
 * small placeholders) and their `.tar.gz.json` into `dir`, as the builder
 * leaves them. Returns the three paths and the document.
 */
export async function writeSampleBuild(
  dir: string,
  options: SampleBuildOptions & { tarGz?: Uint8Array; tarZst?: Uint8Array } = {},
): Promise<{ gz: string; zst: string; metadataFile: string; metadata: ArtifactMetadata }> {
  const gzBytes = options.tarGz ?? Buffer.from(`${options.name ?? 'hello'} gz`);
  const zstBytes = options.tarZst ?? Buffer.from(`${options.name ?? 'hello'} zst`);
  const metadata = sampleArtifactMetadata(gzBytes, zstBytes, options);
  await fs.mkdir(dir, { recursive: true });
  const gz = path.join(dir, metadata.artifact.tarGz.file);
  const zst = path.join(dir, metadata.artifact.tarZst.file);
  const metadataFile = `${gz}.json`;
  await fs.writeFile(gz, gzBytes);
  await fs.writeFile(zst, zstBytes);
  await fs.writeFile(metadataFile, `${JSON.stringify(metadata, null, 2)}\n`);
  return { gz, zst, metadataFile, metadata };
}
