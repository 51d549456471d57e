/**
 * Reading `schemaVersion: 1` documents. Version 1 is checked against its own
 * (strict) schema, as published, and then upgraded in memory: the same
 * entries, each available one as revision 1. The signature covers the
 * version 1 body as stored; the upgrade happens after it was verified.
 */
import { z } from 'zod';
import {
  ArtifactFormatSchema,
  BuildFactsSchema,
  FileRefSchema,
  MANIFEST_SCHEMA_VERSION,
  PackageNameSchema,
  PlatformSchema,
  SbomSchema,
  TimeSchema,
  VersionSchema,
} from './schema';
import type { Manifest, ManifestPackages, PlatformEntries } from './schema';

const V1FileRefShape = FileRefSchema.shape;

const V1AvailableEntrySchema = z.strictObject({
  status: z.literal('available'),
  build: BuildFactsSchema,
  artifacts: z
    .array(z.strictObject({ format: ArtifactFormatSchema, ...V1FileRefShape, signatureBundle: FileRefSchema.optional() }))
    .min(1)
    .refine((list) => new Set(list.map((a) => a.format)).size === list.length, 'one artifact per format'),
  metadata: FileRefSchema,
  sboms: z.array(SbomSchema).optional(),
});

const V1UnavailableEntrySchema = z.strictObject({ status: z.literal('unavailable'), reason: z.string().min(1).max(2000) });

/** The version 1 body, exactly as version 1 readers checked it. */
export const ManifestV1Schema = z.strictObject({
  schemaVersion: z.literal(1),
  version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  expires: TimeSchema,
  packages: z.record(
    PackageNameSchema,
    z.record(VersionSchema, z.record(PlatformSchema, z.discriminatedUnion('status', [V1AvailableEntrySchema, V1UnavailableEntrySchema]))),
  ),
});

export type ManifestV1 = z.infer<typeof ManifestV1Schema>;

/** A version 1 body as version 2: every available entry becomes revision 1; nothing else changes. */
export function upgradeManifestV1(v1: ManifestV1): Manifest {
  const packages: ManifestPackages = {};
  for (const [name, versions] of Object.entries(v1.packages)) {
    packages[name] = {};
    for (const [version, platforms] of Object.entries(versions)) {
      const out = {} as PlatformEntries;
      for (const [platform, entry] of Object.entries(platforms) as [keyof PlatformEntries, (typeof platforms)[keyof typeof platforms]][]) {
        out[platform] = entry.status === 'available' ? { status: 'available', revision: 1, ...withoutStatus(entry) } : entry;
      }
      packages[name]![version] = out;
    }
  }
  return { schemaVersion: MANIFEST_SCHEMA_VERSION, version: v1.version, expires: v1.expires, packages };
}

function withoutStatus<T extends { status: string }>(entry: T): Omit<T, 'status'> {
  const { status: _status, ...rest } = entry;
  return rest;
}
