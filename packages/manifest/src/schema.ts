/**
 * The manifest format, schema version 2: the one source of truth. The JSON
 * Schema in `docs/manifest.schema.json` is generated from these definitions
 * (`npx tsx scripts/gen-manifest-schema.ts`) and a test fails when it is stale.
 * Version 1 documents are still read: `upgrade.ts` turns them into version 2
 * in memory (the publisher writes version 2).
 *
 * Objects are strict: a field this version does not know is an error, so an
 * older publisher can never drop a newer publisher's fields while merging.
 * Any new field means a new `schemaVersion`. The fields the next wave needs
 * (mirror health, deltas) are defined here already, optional, so that adding
 * their writers needs no new version.
 *
 * A platform entry is the platform's *current* state, so that a reader that
 * looks only at `status`, `artifacts` and `reason` does the right thing:
 * - `available`: the newest revision that is not withdrawn, with every other
 *   revision ever published under `otherRevisions`;
 * - `withdrawn`: every revision is withdrawn; the newest one is shown, with
 *   the reason and the time of its withdrawal;
 * - `unavailable`: nothing was ever published, and why.
 */
import { z } from 'zod';
import { PLATFORMS } from '@potions/core';
import { SigningTrustSchema } from '@potions/signing';

export const MANIFEST_SCHEMA_VERSION = 2;
/** Every schema version this reader understands (older ones are upgraded in memory). */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2];

export const ARTIFACT_FORMATS = ['tar.gz', 'tar.zst'] as const;
export const BUILD_METHODS = ['official-binary', 'source', 'source-fallback'] as const;
export const PLATFORM_STATUSES = ['available', 'withdrawn', 'unavailable'] as const;
export const MIRROR_HEALTH_STATUSES = ['up', 'degraded', 'down'] as const;
export const SCAN_SEVERITIES = ['critical', 'high', 'medium', 'low', 'none', 'unknown'] as const;

/** The latest `expires` a manifest may carry: readers and `Date` both break on years past 9999. */
const LATEST_DATE_MS = Date.parse('9999-12-31T23:59:59.999Z');

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

/** A time in UTC (ISO 8601 with a four-digit year): what `Date` and every reader can hold. */
export const TimeSchema = z.iso
  .datetime()
  .refine((s) => Date.parse(s) <= LATEST_DATE_MS, 'a time no later than 9999-12-31')
  .meta({ description: 'UTC, ISO 8601.' });

export const RevisionNumberSchema = z
  .number()
  .int()
  .min(1)
  .max(1_000_000)
  .meta({ description: 'Which build of this version and platform: 1 for the first, one more for each fixed build published later.' });

const FileNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+~-]{0,254}$/, 'a plain file name without a directory')
  .meta({ description: 'The file name, without a directory.' });

const fileRefShape = {
  file: FileNameSchema,
  sha256: Sha256Schema,
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).meta({ description: 'Size in bytes.' }),
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

/** A binary delta from an earlier artifact to this one (the next wave writes them). */
export const DeltaSchema = z
  .strictObject({
    fromVersion: VersionSchema.meta({ description: 'The version of the artifact the delta applies to.' }),
    fromRevision: RevisionNumberSchema.meta({ description: 'The revision of the artifact the delta applies to.' }),
    baseSha256: Sha256Schema.meta({ description: 'sha256 of the artifact (same format) the delta applies to: apply it only to those bytes.' }),
    ...fileRefShape,
  })
  .meta({
    id: 'Delta',
    description:
      'A delta that turns the artifact of fromVersion/fromRevision (sha256 baseSha256, same format) into this artifact; the result must have the artifact\'s own sha256.',
  });

export const ArtifactSchema = z
  .strictObject({
    format: ArtifactFormatSchema,
    ...fileRefShape,
    signatureBundle: FileRefSchema.optional().meta({
      description: 'Sigstore bundle over this artifact (<artifact>.sigstore.json). Required when the manifest has artifactTrust.',
    }),
    deltas: z.array(DeltaSchema).optional().meta({ description: 'Deltas from earlier artifacts to this one (optional; a consumer may always take the whole artifact).' }),
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
    builtAt: TimeSchema.meta({ description: 'When the build finished (UTC, ISO 8601).' }),
    method: z.enum(BUILD_METHODS).meta({
      description:
        'How it was built: repackaged an official upstream binary, built from source, or built from source after the binary download failed.',
    }),
    builder: z.string().min(1).max(512).optional().meta({
      description: 'Who or what built it, e.g. a workflow run URL or "potions 0.1.0 on linux-amd64".',
    }),
  })
  .meta({ id: 'BuildFacts', description: 'How and when the artifact was built.' });

const ReasonSchema = z.string().min(1).max(2000).meta({ description: 'Why, for a person to read.' });

export const SmokeTestCheckSchema = z
  .discriminatedUnion('status', [
    z.strictObject({
      status: z.literal('passed'),
      runner: z.enum(['native', 'qemu', 'rosetta']).meta({ description: 'How the commands ran.' }),
    }),
    z.strictObject({
      status: z.literal('static-only'),
      reason: ReasonSchema.meta({ description: 'Why the commands were not run (the static checks passed).' }),
    }),
    z.strictObject({ status: z.literal('not-run'), reason: ReasonSchema }),
  ])
  .meta({
    id: 'SmokeTestCheck',
    description: 'passed: the static checks and the smoke-test commands passed; static-only: the static checks passed and the commands were not run; not-run: no smoke test.',
  });

export const ScanCheckSchema = z
  .discriminatedUnion('status', [
    z.strictObject({
      status: z.literal('passed'),
      scanner: z.string().min(1).max(200).meta({ description: 'What scanned the SBOM, e.g. "grype 0.86.1" or "osv".' }),
      maxSeverity: z.enum(SCAN_SEVERITIES).meta({ description: 'The highest severity among findings that were not allowed ("none": no finding).' }),
      scannedAt: TimeSchema.meta({ description: 'When the scan that first gave this result ran (a later scan with the same result does not change it).' }),
    }),
    z.strictObject({ status: z.literal('not-run'), reason: ReasonSchema }),
  ])
  .meta({ id: 'ScanCheck', description: 'The vulnerability scan of the SBOM: passed (below the threshold, or allowed), or not run and why.' });

export const ChecksSchema = z
  .strictObject({
    smokeTest: SmokeTestCheckSchema.optional(),
    scan: ScanCheckSchema.optional(),
  })
  .meta({ id: 'Checks', description: 'What was checked before the build was published.' });

/** The fields of one published build: name, version and platform (the keys above it) and `revision` identify it. */
const buildRecordShape = {
  revision: RevisionNumberSchema,
  build: BuildFactsSchema,
  artifacts: z
    .array(ArtifactSchema)
    .min(1)
    .refine((list) => new Set(list.map((a) => a.format)).size === list.length, 'one artifact per format')
    .meta({ description: 'The artifact in each format that was published, at most one per format.' }),
  metadata: FileRefSchema.meta({ description: 'The build-metadata file (<artifact>.json).' }),
  sboms: z.array(SbomSchema).optional().meta({ description: 'SBOMs of the build, one per format.' }),
  provenance: FileRefSchema.optional().meta({
    description: 'The signed SLSA build provenance (<name>-<version>-<platform>.provenance.sigstore.json).',
  }),
  checks: ChecksSchema.optional(),
};

export const WithdrawalSchema = z
  .strictObject({
    reason: ReasonSchema.meta({ description: 'Why it was withdrawn.' }),
    withdrawnAt: TimeSchema.meta({ description: 'When it was withdrawn (UTC, ISO 8601).' }),
  })
  .meta({ id: 'Withdrawal' });

export const RevisionSchema = z
  .strictObject({ ...buildRecordShape, withdrawn: WithdrawalSchema.optional() })
  .meta({
    id: 'Revision',
    description: 'A build published earlier (or withdrawn): its digests are kept so that its name, version, platform and revision never name other bytes.',
  });

const otherRevisions = z
  .array(RevisionSchema)
  .optional()
  .meta({ description: 'Every other revision published for this version and platform, oldest first; never dropped.' });

export const AvailableEntrySchema = z
  .strictObject({ status: z.literal('available'), ...buildRecordShape, otherRevisions })
  .meta({ id: 'AvailableEntry', description: 'The newest revision that is not withdrawn: where to get it and how to check it.' });

export const WithdrawnEntrySchema = z
  .strictObject({
    status: z.literal('withdrawn'),
    ...buildRecordShape,
    reason: ReasonSchema.meta({ description: 'Why the shown (newest) revision was withdrawn.' }),
    withdrawnAt: TimeSchema.meta({ description: 'When it was withdrawn.' }),
    otherRevisions,
  })
  .meta({ id: 'WithdrawnEntry', description: 'Every revision is withdrawn: consumers must not install it. The newest is shown.' });

export const UnavailableEntrySchema = z
  .strictObject({
    status: z.literal('unavailable'),
    reason: ReasonSchema.meta({ description: 'Why there is no artifact, for a person to read.' }),
  })
  .meta({ id: 'UnavailableEntry', description: 'A platform that did not build, with the reason.' });

export const PlatformEntrySchema = z
  .discriminatedUnion('status', [AvailableEntrySchema, WithdrawnEntrySchema, UnavailableEntrySchema])
  .superRefine((entry, ctx) => {
    for (const problem of revisionProblems(entry)) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ id: 'PlatformEntry' });

/** Every platform is present in every version: a platform that did not build says why. */
export const PlatformsSchema = z.record(PlatformSchema, PlatformEntrySchema).meta({
  id: 'Platforms',
  description: 'All four platforms, each available, withdrawn or unavailable with a reason; none is ever left out.',
});

export const PackagesSchema = z
  .record(PackageNameSchema, z.record(VersionSchema, PlatformsSchema))
  .meta({ id: 'Packages', description: 'Package name -> version -> platform -> entry.' });

export const MirrorHealthSchema = z
  .strictObject({
    status: z.enum(MIRROR_HEALTH_STATUSES),
    measuredAt: TimeSchema.meta({ description: 'When the status was measured.' }),
  })
  .meta({ id: 'MirrorHealth' });

export const MirrorInfoSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a mirror name from the configuration'),
    baseUrl: UrlSchema.meta({ description: 'The prefix every URL of this mirror in the manifest starts with.' }),
    health: MirrorHealthSchema.optional(),
  })
  .meta({ id: 'MirrorInfo', description: 'A mirror and, optionally, how it was doing when last measured (readers may try a down mirror last).' });

export const ManifestSchema = z
  .strictObject({
    schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
    version: z
      .number()
      .int()
      .min(1)
      .max(Number.MAX_SAFE_INTEGER)
      .meta({ description: 'Grows by at least one with every publish; readers refuse a version older than one they have seen.' }),
    expires: TimeSchema.meta({ description: 'Readers refuse the manifest after this time (UTC, ISO 8601).' }),
    artifactTrust: SigningTrustSchema.optional().meta({
      description:
        'Who signs the artifacts (keys, keyless identities, revoked keys): every artifact must then have a signatureBundle that verifies against it. Absent: artifacts are not signed.',
    }),
    mirrors: z.array(MirrorInfoSchema).optional().meta({ description: 'The mirrors and their health (optional; written by a health check).' }),
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
export type PlatformStatus = (typeof PLATFORM_STATUSES)[number];
export type FileRef = z.infer<typeof FileRefSchema>;
export type Delta = z.infer<typeof DeltaSchema>;
export type Artifact = z.infer<typeof ArtifactSchema>;
export type Sbom = z.infer<typeof SbomSchema>;
export type BuildFacts = z.infer<typeof BuildFactsSchema>;
export type SmokeTestCheck = z.infer<typeof SmokeTestCheckSchema>;
export type ScanCheck = z.infer<typeof ScanCheckSchema>;
export type Checks = z.infer<typeof ChecksSchema>;
export type Withdrawal = z.infer<typeof WithdrawalSchema>;
export type Revision = z.infer<typeof RevisionSchema>;
export type AvailableEntry = z.infer<typeof AvailableEntrySchema>;
export type WithdrawnEntry = z.infer<typeof WithdrawnEntrySchema>;
export type UnavailableEntry = z.infer<typeof UnavailableEntrySchema>;
export type PlatformEntry = z.infer<typeof PlatformEntrySchema>;
export type PlatformEntries = z.infer<typeof PlatformsSchema>;
export type ManifestPackages = z.infer<typeof PackagesSchema>;
export type MirrorHealth = z.infer<typeof MirrorHealthSchema>;
export type MirrorInfo = z.infer<typeof MirrorInfoSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;
export type Signature = z.infer<typeof SignatureSchema>;
export type SignedManifest = z.infer<typeof SignedManifestSchema>;

/**
 * What the shape alone cannot say about an entry's revisions: each number
 * once; an available entry shows the newest revision that is not withdrawn;
 * a withdrawn entry has no revision left that is not withdrawn, and shows the
 * newest; no two revisions share an artifact's digest.
 */
function revisionProblems(entry: { status: string; revision?: number; otherRevisions?: readonly { revision: number; withdrawn?: unknown; artifacts: readonly { sha256: string }[] }[]; artifacts?: readonly { sha256: string }[] }): string[] {
  if (entry.status === 'unavailable' || entry.revision === undefined) return [];
  const others = entry.otherRevisions ?? [];
  const problems: string[] = [];
  const numbers = [entry.revision, ...others.map((r) => r.revision)];
  if (new Set(numbers).size !== numbers.length) problems.push(`revision numbers must be unique, got ${numbers.join(', ')}`);
  for (let i = 1; i < others.length; i++) {
    if (others[i]!.revision <= others[i - 1]!.revision) problems.push('otherRevisions must be oldest first');
  }
  if (entry.status === 'available') {
    const newer = others.filter((r) => r.revision > entry.revision! && r.withdrawn === undefined).map((r) => r.revision);
    if (newer.length > 0) problems.push(`revision ${entry.revision} is shown, but revision ${newer.join(', ')} is newer and not withdrawn`);
  } else {
    const live = others.filter((r) => r.withdrawn === undefined).map((r) => r.revision);
    if (live.length > 0) problems.push(`withdrawn, but revision ${live.join(', ')} is not`);
    if (others.some((r) => r.revision > entry.revision!)) problems.push(`revision ${entry.revision} is shown, but a newer one exists`);
  }
  const digests = [entry, ...others].flatMap((r) => (r.artifacts ?? []).map((a) => a.sha256));
  if (new Set(digests).size !== digests.length) problems.push('two revisions name the same artifact digest');
  return problems;
}

/** The JSON Schema (draft 2020-12) of a signed manifest, as written to `docs/manifest.schema.json`. */
export function manifestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SignedManifestSchema, { target: 'draft-2020-12', unrepresentable: 'any' });
  return { ...schema, title: `Potions manifest, schemaVersion ${MANIFEST_SCHEMA_VERSION}` };
}

/** "field.path: message" lines for the first few issues, for error messages. */
export function formatIssues(error: z.ZodError, max = 5): string {
  const lines = error.issues.slice(0, max).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  if (error.issues.length > max) lines.push(`... and ${error.issues.length - max} more`);
  return lines.join('; ');
}
