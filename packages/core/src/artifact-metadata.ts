/**
 * `<artifact>.tar.gz.json`: how an artifact was made, schema version 1. The one
 * definition of the format: the builder writes it (and checks what it writes
 * against this schema), the manifest package reads it with the view below.
 *
 * Objects are loose: a field this version does not name passes through, so
 * later stages can add theirs (an SBOM, a signature, provenance, a smoke-test
 * result) as optional fields without a new schema version, and an older
 * reader keeps working. A field that changes meaning needs `schema: 2`.
 */
import { promises as fs } from 'node:fs';
import { z } from 'zod';
import { CoreErrorCode, UserError, errorMessage } from './errors';
import { PLATFORMS } from './platform';

export const ARTIFACT_METADATA_SCHEMA_VERSION = 1;

/** How an artifact was obtained. */
export const BUILD_METHODS = ['official-binary', 'source', 'source-fallback'] as const;
export type BuildMethod = (typeof BUILD_METHODS)[number];

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits');
const NonEmpty = z.string().min(1);

export const ArtifactFileInfoSchema = z.looseObject({
  /** The file name, without a folder. */
  file: NonEmpty,
  sha256: Sha256,
  size: z.number().int().nonnegative(),
});
export type ArtifactFileInfo = z.infer<typeof ArtifactFileInfoSchema>;

/** One program or library of the artifact and the library search path it holds. */
export const RunpathEntrySchema = z.looseObject({
  /** Path inside the artifact, `/`-separated. */
  file: NonEmpty,
  /** ELF RUNPATH, or the Mach-O rpath that was added. */
  runpath: z.string(),
});
export type RunpathEntry = z.infer<typeof RunpathEntrySchema>;

const SignatureSchema = z.looseObject({
  /** The recipe's signature URL. */
  url: NonEmpty,
  /** The source mirror URL that answered instead, credentials redacted. */
  mirror: NonEmpty.optional(),
  fingerprint: NonEmpty,
  signer: z.string().optional(),
});

const SourceSchema = z.looseObject({
  /** The recipe's URL of the source (upstream), whichever location answered. */
  url: NonEmpty,
  /** The source mirror URL that answered instead, credentials redacted; absent when the recipe's URL did. */
  mirror: NonEmpty.optional(),
  sha256: Sha256.optional(),
  /** True when the recipe pins the digest (otherwise it is what was downloaded). */
  pinned: z.boolean().optional(),
  signature: SignatureSchema.optional(),
  git: z.looseObject({ ref: z.string(), commit: z.string() }).optional(),
});

/** Where the build steps ran: on the host, in the build sandbox, or in a container. */
export const BUILD_ENVIRONMENT_MODES = ['host', 'sandbox', 'container'] as const;

/**
 * Where the build steps ran, and so what they could reach (see
 * docs/build-environments.md): `host` (no isolation: they could read what
 * this user can), `sandbox` (bubblewrap namespaces: only the build's folders,
 * no other process, no network), `container` (an image pinned by its ID).
 */
export const BuildEnvironmentSchema = z.discriminatedUnion('mode', [
  z.looseObject({
    mode: z.literal('host'),
    /** Why the steps were not isolated (the sandbox was off, or could not be made here). */
    reason: z.string().optional(),
  }),
  z.looseObject({
    mode: z.literal('sandbox'),
    /** The sandbox program's version line, e.g. `bubblewrap 0.8.0`. */
    tool: NonEmpty,
    network: z.boolean(),
  }),
  z.looseObject({
    mode: z.literal('container'),
    /** The engine's version line, e.g. `podman version 4.3.1`. */
    engine: NonEmpty,
    /** The image as named, e.g. `localhost/potions-build:bookworm`. */
    image: NonEmpty,
    /** The image ID every step ran. */
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'sha256: and 64 lower-case hex digits'),
    network: z.boolean(),
  }),
]);
export type BuildEnvironment = z.infer<typeof BuildEnvironmentSchema>;

/** Everything in it but `builtAt` and `durationMs` is the same for two builds of the same inputs. */
export const ArtifactMetadataSchema = z.looseObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'a package name: lower-case letters, digits, ".", "_", "-"'),
  version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._+~-]{0,127}$/, 'a version such as 1.7.1'),
  platform: z.enum(PLATFORMS),
  method: z.enum(BUILD_METHODS),
  schema: z.literal(ARTIFACT_METADATA_SCHEMA_VERSION),
  /** `fallback` when the official binary could not be had and source_build was used. */
  status: z.enum(['built', 'fallback']),
  /** Why the official binary was not used (for `fallback`). */
  fallbackReason: z.string().optional(),
  artifact: z.looseObject({ tarGz: ArtifactFileInfoSchema, tarZst: ArtifactFileInfoSchema }),
  recipe: z.looseObject({ digest: NonEmpty, file: NonEmpty.optional() }),
  source: SourceSchema,
  /** The recipe's build type (`gnu_autotools`, `cmake`, …; `custom` for official binaries). */
  buildType: NonEmpty,
  /** The fixed prefix the programs were configured for. */
  prefix: NonEmpty,
  /** What replaced `prefix` in text files; installing writes the real location back. */
  placeholder: NonEmpty,
  /** Text files (artifact paths) that hold the placeholder. */
  relocatedFiles: z.array(z.string()),
  /** Binary files that hold the fixed prefix (compiled-in paths): they work fully only when installed there. */
  binaryFilesWithPrefix: z.array(z.string()),
  /** The library search path of every program and library of the artifact that has one. */
  runpaths: z.array(RunpathEntrySchema),
  /** Files that still name the build folder (should be empty). */
  leaks: z.array(z.string()),
  dependencies: z.array(z.looseObject({ name: NonEmpty, version: NonEmpty, sha256: Sha256 })),
  /** First line of `--version` of each tool of the build type (`missing` for one that is not installed). */
  toolchain: z.record(z.string(), z.string()),
  builder: z.looseObject({ name: NonEmpty, version: NonEmpty, node: NonEmpty }),
  /** Where the build steps ran (absent in metadata written before the build sandbox). */
  buildEnvironment: BuildEnvironmentSchema.optional(),
  /** The timestamp of every archive entry (seconds). */
  sourceDateEpoch: z.number().int().nonnegative(),
  /** `sourceDateEpoch` as an ISO date. */
  buildDate: z.iso.datetime(),
  /** When the build finished (differs between runs). */
  builtAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  cacheKey: NonEmpty,
});
export type ArtifactMetadata = z.infer<typeof ArtifactMetadataSchema>;

/**
 * The part of the metadata a reader of published artifacts needs (the
 * manifest): which package, version and platform, how and when it was made,
 * and its files. The same definitions, picked from the schema above; the rest
 * of the document passes through unchecked.
 */
export const ArtifactMetadataViewSchema = ArtifactMetadataSchema.pick({
  name: true,
  version: true,
  platform: true,
  method: true,
  schema: true,
  artifact: true,
  builder: true,
  builtAt: true,
});
export type ArtifactMetadataView = z.infer<typeof ArtifactMetadataViewSchema>;

/** The metadata file the builder writes beside `artifact` (`<name>.tar.gz` → `<name>.tar.gz.json`; a `.tar.zst` shares it). */
export function artifactMetadataPath(artifact: string): string {
  return artifact.endsWith('.tar.zst') ? `${artifact.slice(0, -'.tar.zst'.length)}.tar.gz.json` : `${artifact}.json`;
}

/**
 * Read and check one `<artifact>.json` against the full schema: the one reader
 * for the stages after the build (smoke test, SBOM, provenance). Errors name
 * the file and the field.
 */
export async function readArtifactMetadataFile(file: string): Promise<ArtifactMetadata> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(CoreErrorCode.ArtifactMetadata, `cannot read the build metadata ${file}: ${errorMessage(err)}`, {
      location: { file },
      hint: 'give the <artifact>.json file the builder wrote beside the artifact',
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(CoreErrorCode.ArtifactMetadata, `the build metadata ${file} is not JSON: ${errorMessage(err)}`, { location: { file } });
  }
  const parsed = ArtifactMetadataSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    throw new UserError(CoreErrorCode.ArtifactMetadata, `the build metadata ${file} is not the builder's: ${field ? `${field}: ` : ''}${issue.message}`, {
      location: { file, ...(field ? { field } : {}) },
      hint: 'give the <artifact>.json file the builder wrote beside the artifact',
    });
  }
  return parsed.data;
}
