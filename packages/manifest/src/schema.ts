/**
 * The manifest format, schema version 1: the one source of truth. The JSON
 * Schema in `docs/manifest.schema.json` is generated from these definitions
 * (`npx tsx scripts/gen-manifest-schema.ts`) and a test fails when it is stale.
 *
 * Objects are strict: a field this version does not know is an error, so an
 * older publisher can never drop a newer publisher's fields while merging.
 * Any new field means `schemaVersion: 2`.
 */
import { z } from 'zod';
import { PLATFORMS } from '@potions/core';

export const MANIFEST_SCHEMA_VERSION = 1;

export const ARTIFACT_FORMATS = ['tar.gz', 'tar.zst'] as const;
export const BUILD_METHODS = ['official-binary', 'source', 'source-fallback'] as const;

export const PackageNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'a package name: lower-case letters, digits, ".", "_", "-"')
  .meta({ description: 'Package (recipe) name, e.g. "jq".' });

export const VersionSchema = z
  .string()
  .regex(/^[0-9A-Za-z][0-9A-Za-z._+~-]{0,127}$/, 'a version such as 1.7.1')
  .meta({ description: 'The upstream version the artifact was built from, e.g. "1.7.1".' });

export const PlatformSchema = z.enum(PLATFORMS).meta({ description: 'One of the four platforms Potions builds.' });

export const Sha256Schema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits')
  .meta({ description: 'SHA-256 of the file, lower-case hex.' });

export const UrlSchema = z.url({ protocol: /^https?$/ }).meta({ description: 'An absolute http(s) URL.' });

const FileNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+~-]{0,254}$/, 'a plain file name without a directory')
  .meta({ description: 'The file name, without a directory.' });

const fileRefShape = {
  file: FileNameSchema,
  sha256: Sha256Schema,
  size: z.number().int().nonnegative().meta({ description: 'Size in bytes.' }),
  urls: z
    .array(UrlSchema)
    .min(1)
    .meta({ description: 'Every mirror URL that verified this exact file (size and sha256), in priority order.' }),
};

/** A file on the mirrors: its name, digest, size and every URL that verified it. */
export const FileRefSchema = z.strictObject(fileRefShape).meta({
  id: 'FileRef',
  description: 'A file held by one or more mirrors, each of which verified its size and sha256.',
});

export const ArtifactFormatSchema = z.enum(ARTIFACT_FORMATS).meta({ description: 'Archive format of the artifact.' });

export const ArtifactSchema = z
  .strictObject({
    format: ArtifactFormatSchema,
    ...fileRefShape,
    signatureBundle: FileRefSchema.optional().meta({
      description: 'Signature bundle over this artifact (Sigstore). Absent until the release is signed.',
    }),
  })
  .meta({ id: 'Artifact', description: 'The packed tool in one archive format.' });

export const SbomSchema = z
  .strictObject({
    format: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/)
      .meta({ description: 'SBOM format, e.g. "cyclonedx-json" or "spdx-json".' }),
    ...fileRefShape,
  })
  .meta({ id: 'Sbom', description: 'A software bill of materials for the build.' });

export const BuildFactsSchema = z
  .strictObject({
    version: VersionSchema,
    platform: PlatformSchema,
    builtAt: z.iso.datetime().meta({ description: 'When the build finished (UTC, ISO 8601).' }),
    method: z.enum(BUILD_METHODS).meta({
      description:
        'How it was built: repackaged an official upstream binary, built from source, or built from source after the binary download failed.',
    }),
    builder: z.string().min(1).max(512).optional().meta({
      description: 'Who or what built it, e.g. a workflow run URL or "potions 0.1.0 on linux-amd64".',
    }),
  })
  .meta({ id: 'BuildFacts', description: 'How and when the artifact was built.' });

export const AvailableEntrySchema = z
  .strictObject({
    status: z.literal('available'),
    build: BuildFactsSchema,
    artifacts: z
      .array(ArtifactSchema)
      .min(1)
      .refine((list) => new Set(list.map((a) => a.format)).size === list.length, 'one artifact per format')
      .meta({ description: 'The artifact in each format that was published, at most one per format.' }),
    metadata: FileRefSchema.meta({ description: 'The build-metadata file (<artifact>.json).' }),
    sboms: z.array(SbomSchema).optional().meta({ description: 'SBOMs of the build, one per format.' }),
  })
  .meta({ id: 'AvailableEntry', description: 'A platform that built: where to get it and how to check it.' });

export const UnavailableEntrySchema = z
  .strictObject({
    status: z.literal('unavailable'),
    reason: z.string().min(1).max(2000).meta({ description: 'Why there is no artifact, for a person to read.' }),
  })
  .meta({ id: 'UnavailableEntry', description: 'A platform that did not build, with the reason.' });

export const PlatformEntrySchema = z
  .discriminatedUnion('status', [AvailableEntrySchema, UnavailableEntrySchema])
  .meta({ id: 'PlatformEntry' });

/** Every platform is present in every version: a platform that did not build says why. */
export const PlatformsSchema = z.record(PlatformSchema, PlatformEntrySchema).meta({
  id: 'Platforms',
  description: 'All four platforms, each available or unavailable with a reason; none is ever left out.',
});

export const PackagesSchema = z
  .record(PackageNameSchema, z.record(VersionSchema, PlatformsSchema))
  .meta({ id: 'Packages', description: 'Package name -> version -> platform -> entry.' });

export const ManifestSchema = z
  .strictObject({
    schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
    version: z
      .number()
      .int()
      .min(1)
      .meta({ description: 'Grows by at least one with every publish; readers refuse a version older than one they have seen.' }),
    expires: z.iso.datetime().meta({ description: 'Readers refuse the manifest after this time (UTC, ISO 8601).' }),
    packages: PackagesSchema,
  })
  .meta({ id: 'Manifest', description: 'The signed body of a Potions manifest.' });

export const SignatureSchema = z
  .strictObject({
    keyid: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .meta({ description: 'sha256 (hex) of the DER (SPKI) encoding of the public key.' }),
    sig: z
      .string()
      .regex(/^[A-Za-z0-9+/]+={0,2}$/)
      .meta({ description: 'Base64 Ed25519 signature over the canonical JSON (RFC 8785) of "signed".' }),
  })
  .meta({ id: 'Signature' });

export const SignedManifestSchema = z
  .strictObject({
    signed: ManifestSchema,
    signatures: z.array(SignatureSchema).min(1),
  })
  .meta({
    id: 'SignedManifest',
    title: 'Potions manifest',
    description:
      'A TUF-style signed envelope: "signed" is the manifest, "signatures" sign its canonical JSON (RFC 8785).',
  });

export type ArtifactFormat = (typeof ARTIFACT_FORMATS)[number];
export type BuildMethod = (typeof BUILD_METHODS)[number];
export type FileRef = z.infer<typeof FileRefSchema>;
export type Artifact = z.infer<typeof ArtifactSchema>;
export type Sbom = z.infer<typeof SbomSchema>;
export type BuildFacts = z.infer<typeof BuildFactsSchema>;
export type AvailableEntry = z.infer<typeof AvailableEntrySchema>;
export type UnavailableEntry = z.infer<typeof UnavailableEntrySchema>;
export type PlatformEntry = z.infer<typeof PlatformEntrySchema>;
export type PlatformEntries = z.infer<typeof PlatformsSchema>;
export type ManifestPackages = z.infer<typeof PackagesSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;
export type Signature = z.infer<typeof SignatureSchema>;
export type SignedManifest = z.infer<typeof SignedManifestSchema>;

/** The JSON Schema (draft 2020-12) of a signed manifest, as written to `docs/manifest.schema.json`. */
export function manifestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SignedManifestSchema, { target: 'draft-2020-12', unrepresentable: 'any' });
  return { ...schema, title: 'Potions manifest, schemaVersion 1' };
}

/** "field.path: message" lines for the first few issues, for error messages. */
export function formatIssues(error: z.ZodError, max = 5): string {
  const lines = error.issues.slice(0, max).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  if (error.issues.length > max) lines.push(`... and ${error.issues.length - max} more`);
  return lines.join('; ');
}
