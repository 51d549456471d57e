/**
 * The build metadata the builder writes beside each artifact (`<artifact>.json`,
 * packages/builder `ArtifactMetadata`), as the SBOM reads it: only the fields
 * an SBOM needs are checked, the rest passes through, so that the builder can
 * add fields without breaking inventories.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError, errorMessage } from '@potions/core';
import { z } from 'zod';
import { SbomErrorCode } from './errors';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits');
const FileInfo = z.looseObject({ file: z.string().min(1), sha256: Sha256, size: z.number().int().nonnegative() });

export const ArtifactMetadataSchema = z.looseObject({
  name: z.string().min(1),
  version: z.string().min(1),
  platform: z.string().min(1),
  method: z.string().min(1).optional(),
  status: z.string().min(1).optional(),
  artifact: z.looseObject({ tarGz: FileInfo, tarZst: FileInfo.optional() }),
  recipe: z.looseObject({ digest: z.string().min(1), file: z.string().optional() }).optional(),
  source: z
    .looseObject({
      url: z.string().min(1),
      sha256: Sha256.optional(),
      git: z.looseObject({ ref: z.string().optional(), commit: z.string().min(1) }).optional(),
    })
    .optional(),
  dependencies: z.array(z.looseObject({ name: z.string().min(1), version: z.string().min(1), sha256: Sha256.optional() })).default([]),
  /** `sourceDateEpoch` as an ISO date: the same for two builds of the same inputs. */
  buildDate: z.iso.datetime().optional(),
  builder: z.looseObject({ name: z.string().min(1), version: z.string().min(1) }).optional(),
});

export type ArtifactMetadataView = z.infer<typeof ArtifactMetadataSchema>;

/** Where the builder puts the metadata of `artifact`: `<artifact>.json`, and for `.tar.zst` also the `.tar.gz.json` beside it. */
export function metadataCandidates(artifact: string): string[] {
  const own = `${artifact}.json`;
  return artifact.endsWith('.tar.zst') ? [own, `${artifact.slice(0, -'.tar.zst'.length)}.tar.gz.json`] : [own];
}

/** Read and check `<artifact>.json`; errors name the file and the field. */
export async function readArtifactMetadata(file: string): Promise<ArtifactMetadataView> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(SbomErrorCode.NoMetadata, `cannot read the build metadata ${file}: ${errorMessage(err)}`, {
      location: { file },
      hint: 'give the <artifact>.json file the builder wrote beside the artifact',
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(SbomErrorCode.Metadata, `the build metadata ${file} is not JSON: ${errorMessage(err)}`, { location: { file } });
  }
  const parsed = ArtifactMetadataSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    throw new UserError(SbomErrorCode.Metadata, `the build metadata ${file} is not the builder's: ${field ? `${field}: ` : ''}${issue.message}`, {
      location: { file, field: field || undefined },
      hint: 'give the <artifact>.json file the builder wrote beside the artifact',
    });
  }
  return parsed.data;
}

/** The first of `metadataCandidates(artifact)` that exists, or undefined. */
export async function findArtifactMetadata(artifact: string): Promise<string | undefined> {
  for (const candidate of metadataCandidates(path.resolve(artifact))) {
    const st = await fs.stat(candidate).catch(() => undefined);
    if (st?.isFile()) return candidate;
  }
  return undefined;
}
