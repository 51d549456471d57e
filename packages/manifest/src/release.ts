/**
 * What a release hands the publisher: for each package version and platform,
 * either the files it built with the URLs of every mirror that verified each
 * one (size and sha256 read back), or the reason it did not build.
 *
 * `releaseEntries` turns that into manifest entries. A file no mirror
 * verified is never listed: an artifact or metadata file with zero verified
 * URLs makes the platform unavailable ("no mirror holds a verified copy ..."),
 * a signature bundle, SBOM or provenance with none is left out with a
 * warning. A platform the release does not mention is listed as unavailable,
 * never left out. Each build is listed as revision 1: which revision it is
 * (an existing one, or a new one when the publish allows it) is decided when
 * it is merged into the published manifest (`mergeRelease`).
 */
import { PLATFORMS, UserError } from '@potions/core';
import type { Platform } from '@potions/core';
import { z } from 'zod';
import { ManifestErrorCode } from './errors';
import {
  ArtifactFormatSchema,
  BuildFactsSchema,
  ChecksSchema,
  PackageNameSchema,
  PlatformSchema,
  Sha256Schema,
  UnavailableEntrySchema,
  UrlSchema,
  VersionSchema,
  formatIssues,
} from './schema';
import type { Artifact, AvailableEntry, FileRef, ManifestPackages, PlatformEntries, PlatformEntry, Sbom } from './schema';

/** The reason given for a platform the release did not mention. */
export const NOT_BUILT_REASON = 'not built in this release';
/** The reason given when a file was built but no mirror verified a copy. */
export const NO_VERIFIED_COPY_REASON = 'no mirror holds a verified copy';

const releaseFileShape = {
  file: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+~-]{0,254}$/, 'a plain file name without a directory'),
  sha256: Sha256Schema,
  size: z.number().int().nonnegative(),
  /** URLs of the mirrors that verified this file, in mirror priority order; may be empty. */
  urls: z.array(UrlSchema),
};
const ReleaseFileSchema = z.strictObject(releaseFileShape);

export const ReleaseInputSchema = z.strictObject({
  packages: z.array(
    z.strictObject({
      name: PackageNameSchema,
      version: VersionSchema,
      platforms: z.partialRecord(
        PlatformSchema,
        z.discriminatedUnion('status', [
          z.strictObject({
            status: z.literal('available'),
            build: BuildFactsSchema,
            artifacts: z
              .array(z.strictObject({ format: ArtifactFormatSchema, ...releaseFileShape, signatureBundle: ReleaseFileSchema.optional() }))
              .min(1),
            metadata: ReleaseFileSchema,
            sboms: z.array(z.strictObject({ format: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/), ...releaseFileShape })).optional(),
            /** The signed build provenance (`<name>-<version>-<platform>.provenance.sigstore.json`). */
            provenance: ReleaseFileSchema.optional(),
            checks: ChecksSchema.optional(),
          }),
          UnavailableEntrySchema,
        ]),
      ),
    }),
  ),
});

export type ReleaseInput = z.input<typeof ReleaseInputSchema>;
export type ReleasePackage = ReleaseInput['packages'][number];
export type ReleasePlatformInput = NonNullable<ReleasePackage['platforms'][Platform]>;
export type ReleaseFile = z.infer<typeof ReleaseFileSchema>;

export interface ReleaseEntries {
  packages: ManifestPackages;
  warnings: string[];
}

function dedupe(urls: readonly string[]): string[] {
  return [...new Set(urls)];
}

export function releaseEntries(release: ReleaseInput, source = 'the release'): ReleaseEntries {
  const parsed = ReleaseInputSchema.safeParse(release);
  if (!parsed.success) {
    throw new UserError(ManifestErrorCode.ReleaseInvalid, `${source} is not a valid release description: ${formatIssues(parsed.error)}`, {
      location: { field: parsed.error.issues[0]?.path.map(String).join('.') },
    });
  }
  const packages: ManifestPackages = {};
  const warnings: string[] = [];
  for (const [index, pkg] of parsed.data.packages.entries()) {
    const where = `${pkg.name}@${pkg.version}`;
    const versions = (packages[pkg.name] ??= {});
    if (versions[pkg.version]) {
      throw new UserError(ManifestErrorCode.ReleaseInvalid, `${source} lists ${where} twice`, {
        location: { field: `packages.${index}` },
      });
    }
    const entries = {} as PlatformEntries;
    for (const platform of PLATFORMS) {
      const input = pkg.platforms[platform];
      const ctx: EntryContext = { source, where, field: `packages.${index}.platforms.${platform}`, version: pkg.version, platform, warnings };
      entries[platform] = input === undefined ? { status: 'unavailable', reason: NOT_BUILT_REASON } : toEntry(input, ctx);
    }
    versions[pkg.version] = entries;
  }
  return { packages, warnings };
}

interface EntryContext {
  source: string;
  /** "name@version", for messages. */
  where: string;
  field: string;
  version: string;
  platform: Platform;
  warnings: string[];
}

type ParsedPlatformInput = NonNullable<z.infer<typeof ReleaseInputSchema>['packages'][number]['platforms'][Platform]>;

function toEntry(input: ParsedPlatformInput, ctx: EntryContext): PlatformEntry {
  if (input.status === 'unavailable') return input;
  const { source, where, field, platform, warnings } = ctx;
  if (input.build.platform !== platform || input.build.version !== ctx.version) {
    throw new UserError(
      ManifestErrorCode.ReleaseInvalid,
      `${source}: ${where} ${platform} has build facts for ${input.build.version} ${input.build.platform}`,
      { location: { field: `${field}.build` }, hint: 'the build facts must describe the same version and platform' },
    );
  }
  const formats = input.artifacts.map((a) => a.format);
  if (new Set(formats).size !== formats.length) {
    throw new UserError(ManifestErrorCode.ReleaseInvalid, `${source}: ${where} ${platform} lists a format twice (${formats.join(', ')})`, {
      location: { field: `${field}.artifacts` },
    });
  }
  const unverified = [...input.artifacts, input.metadata].filter((f) => f.urls.length === 0).map((f) => f.file);
  if (unverified.length > 0) {
    warnings.push(`${where} ${platform}: ${NO_VERIFIED_COPY_REASON} of ${unverified.join(', ')}; listed as unavailable`);
    return { status: 'unavailable', reason: `${NO_VERIFIED_COPY_REASON} of ${unverified.join(', ')}` };
  }
  const optional = (file: ReleaseFile | undefined, what: string): FileRef | undefined => {
    if (!file) return undefined;
    if (file.urls.length === 0) {
      warnings.push(`${where} ${platform}: ${NO_VERIFIED_COPY_REASON} of ${what} ${file.file}; left out`);
      return undefined;
    }
    return { file: file.file, sha256: file.sha256, size: file.size, urls: dedupe(file.urls) };
  };
  const artifacts: Artifact[] = input.artifacts.map((a) => {
    const signatureBundle = optional(a.signatureBundle, 'the signature bundle');
    return { format: a.format, file: a.file, sha256: a.sha256, size: a.size, urls: dedupe(a.urls), ...(signatureBundle ? { signatureBundle } : {}) };
  });
  const sboms: Sbom[] = [];
  for (const s of input.sboms ?? []) {
    const ref = optional(s, 'the SBOM');
    if (ref) sboms.push({ format: s.format, ...ref });
  }
  const provenance = optional(input.provenance, 'the provenance');
  const entry: AvailableEntry = {
    status: 'available',
    revision: 1,
    build: input.build,
    artifacts,
    metadata: { file: input.metadata.file, sha256: input.metadata.sha256, size: input.metadata.size, urls: dedupe(input.metadata.urls) },
    ...(sboms.length > 0 ? { sboms } : {}),
    ...(provenance ? { provenance } : {}),
    ...(input.checks ? { checks: input.checks } : {}),
  };
  return entry;
}
