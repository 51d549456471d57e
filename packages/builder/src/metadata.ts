import path from 'node:path';
import {
  ARTIFACT_METADATA_SCHEMA_VERSION,
  ArtifactMetadataSchema,
  PotionsError,
  redactUrl,
  type ArtifactMetadata,
  type BuildEnvironment,
  type BuildMethod,
} from '@potions/core';
import type { BuildJob } from './build-job';
import type { PackedArtifact } from './artifact';
import type { FetchedSource } from './fetch-source';
import type { Relocation } from './relocate';
import { BuilderErrorCode } from './errors';

export const BUILDER_NAME = '@potions/builder';
export const BUILDER_VERSION = '0.1.0';

export interface MetadataInputs {
  job: BuildJob;
  method: BuildMethod;
  fallbackReason?: string;
  files: { tgz: string; zst: string };
  packed: PackedArtifact;
  fetched: FetchedSource;
  /** The recipe pins the source's digest (or names a git ref). */
  pinned: boolean;
  prefix: string;
  relocation: Relocation;
  dependencies: readonly { name: string; version: string; sha256: string }[];
  toolchain: Record<string, string>;
  sourceDateEpoch: number;
  builtAt: Date;
  durationMs: number;
  cacheKey: string;
  /** Where the build steps ran. */
  buildEnvironment: BuildEnvironment;
}

/**
 * Metadata stage: the `<artifact>.json` document (`@potions/core`
 * `ArtifactMetadataSchema`, schema version 1), checked against the schema
 * before it is written: a document that does not follow it is a bug here.
 */
export function artifactMetadataFor(m: MetadataInputs): ArtifactMetadata {
  const { job, fetched } = m;
  const doc: ArtifactMetadata = {
    schema: ARTIFACT_METADATA_SCHEMA_VERSION,
    name: job.name,
    version: job.version,
    platform: job.platform,
    method: m.method,
    status: m.method === 'source-fallback' ? 'fallback' : 'built',
    ...(m.fallbackReason ? { fallbackReason: m.fallbackReason } : {}),
    artifact: {
      tarGz: { file: path.basename(m.files.tgz), sha256: m.packed.tgz.sha256, size: m.packed.tgz.size },
      tarZst: { file: path.basename(m.files.zst), sha256: m.packed.zst.sha256, size: m.packed.zst.size },
    },
    recipe: { digest: job.recipeDigest, ...(job.recipeFile ? { file: path.basename(job.recipeFile) } : {}) },
    source: sourceOf(job, fetched, m.pinned),
    buildType: job.buildType,
    prefix: m.prefix,
    placeholder: m.relocation.placeholder,
    relocatedFiles: m.relocation.relocatedFiles,
    binaryFilesWithPrefix: m.relocation.binaryFilesWithPrefix,
    runpaths: m.relocation.runpaths,
    leaks: m.relocation.leaks,
    dependencies: [...m.dependencies],
    toolchain: m.toolchain,
    builder: { name: BUILDER_NAME, version: BUILDER_VERSION, node: process.version },
    buildEnvironment: m.buildEnvironment,
    sourceDateEpoch: m.sourceDateEpoch,
    buildDate: new Date(m.sourceDateEpoch * 1000).toISOString(),
    builtAt: m.builtAt.toISOString(),
    durationMs: Math.round(m.durationMs),
    cacheKey: m.cacheKey,
  };
  const checked = ArtifactMetadataSchema.safeParse(doc);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new PotionsError(BuilderErrorCode.MetadataSchema, `the builder made metadata that does not follow its schema: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return doc;
}

function sourceOf(job: BuildJob, fetched: FetchedSource, pinned: boolean): ArtifactMetadata['source'] {
  if (fetched.kind === 'git') {
    return { url: redactUrl(fetched.url), git: { ref: job.source.kind === 'git' ? job.source.ref : '', commit: fetched.sha256.replace(/^git:/, '') } };
  }
  const sig = fetched.signature;
  return {
    // The recipe's URL: what the artifact is made of. A source mirror that
    // answered instead is recorded beside it, without its credentials.
    url: redactUrl(fetched.url),
    ...(fetched.from ? { mirror: redactUrl(fetched.from) } : {}),
    sha256: fetched.sha256,
    pinned,
    ...(sig
      ? { signature: { url: redactUrl(sig.url), ...(sig.from ? { mirror: redactUrl(sig.from) } : {}), fingerprint: sig.fingerprint, signer: sig.userId } }
      : {}),
  };
}
