import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  PLATFORMS
} from "./chunk-EE5EUXX6.mjs";
import {
  external_exports
} from "./chunk-XJANFZUV.mjs";
import {
  CoreErrorCode,
  UserError,
  errorMessage
} from "./chunk-HUJ2RKNL.mjs";

// packages/core/src/artifact-metadata.ts
import { promises as fs } from "node:fs";
var ARTIFACT_METADATA_SCHEMA_VERSION = 1;
var BUILD_METHODS = ["official-binary", "source", "source-fallback"];
var Sha256 = external_exports.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex digits");
var NonEmpty = external_exports.string().min(1);
var ArtifactFileInfoSchema = external_exports.looseObject({
  /** The file name, without a folder. */
  file: NonEmpty,
  sha256: Sha256,
  size: external_exports.number().int().nonnegative()
});
var RunpathEntrySchema = external_exports.looseObject({
  /** Path inside the artifact, `/`-separated. */
  file: NonEmpty,
  /** ELF RUNPATH, or the Mach-O rpath that was added. */
  runpath: external_exports.string()
});
var SignatureSchema = external_exports.looseObject({
  /** The recipe's signature URL. */
  url: NonEmpty,
  /** The source mirror URL that answered instead, credentials redacted. */
  mirror: NonEmpty.optional(),
  fingerprint: NonEmpty,
  signer: external_exports.string().optional()
});
var SourceSchema = external_exports.looseObject({
  /** The recipe's URL of the source (upstream), whichever location answered. */
  url: NonEmpty,
  /** The source mirror URL that answered instead, credentials redacted; absent when the recipe's URL did. */
  mirror: NonEmpty.optional(),
  sha256: Sha256.optional(),
  /** True when the recipe pins the digest (otherwise it is what was downloaded). */
  pinned: external_exports.boolean().optional(),
  signature: SignatureSchema.optional(),
  git: external_exports.looseObject({ ref: external_exports.string(), commit: external_exports.string() }).optional()
});
var BuildEnvironmentSchema = external_exports.discriminatedUnion("mode", [
  external_exports.looseObject({
    mode: external_exports.literal("host"),
    /** Why the steps were not isolated (the sandbox was off, or could not be made here). */
    reason: external_exports.string().optional()
  }),
  external_exports.looseObject({
    mode: external_exports.literal("sandbox"),
    /** The sandbox program's version line, e.g. `bubblewrap 0.8.0`. */
    tool: NonEmpty,
    network: external_exports.boolean()
  }),
  external_exports.looseObject({
    mode: external_exports.literal("container"),
    /** The engine's version line, e.g. `podman version 4.3.1`. */
    engine: NonEmpty,
    /** The image as named, e.g. `localhost/potions-build:bookworm`. */
    image: NonEmpty,
    /** The image ID every step ran. */
    digest: external_exports.string().regex(/^sha256:[0-9a-f]{64}$/, "sha256: and 64 lower-case hex digits"),
    network: external_exports.boolean()
  })
]);
var ArtifactMetadataSchema = external_exports.looseObject({
  name: external_exports.string().regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'a package name: lower-case letters, digits, ".", "_", "-"'),
  version: external_exports.string().regex(/^[0-9A-Za-z][0-9A-Za-z._+~-]{0,127}$/, "a version such as 1.7.1"),
  platform: external_exports.enum(PLATFORMS),
  method: external_exports.enum(BUILD_METHODS),
  schema: external_exports.literal(ARTIFACT_METADATA_SCHEMA_VERSION),
  /** `fallback` when the official binary could not be had and source_build was used. */
  status: external_exports.enum(["built", "fallback"]),
  /** Why the official binary was not used (for `fallback`). */
  fallbackReason: external_exports.string().optional(),
  artifact: external_exports.looseObject({ tarGz: ArtifactFileInfoSchema, tarZst: ArtifactFileInfoSchema }),
  recipe: external_exports.looseObject({ digest: NonEmpty, file: NonEmpty.optional() }),
  source: SourceSchema,
  /** The recipe's build type (`gnu_autotools`, `cmake`, …; `custom` for official binaries). */
  buildType: NonEmpty,
  /** The fixed prefix the programs were configured for. */
  prefix: NonEmpty,
  /** What replaced `prefix` in text files; installing writes the real location back. */
  placeholder: NonEmpty,
  /** Text files (artifact paths) that hold the placeholder. */
  relocatedFiles: external_exports.array(external_exports.string()),
  /** Binary files that hold the fixed prefix (compiled-in paths): they work fully only when installed there. */
  binaryFilesWithPrefix: external_exports.array(external_exports.string()),
  /** The library search path of every program and library of the artifact that has one. */
  runpaths: external_exports.array(RunpathEntrySchema),
  /** Files that still name the build folder (should be empty). */
  leaks: external_exports.array(external_exports.string()),
  dependencies: external_exports.array(external_exports.looseObject({ name: NonEmpty, version: NonEmpty, sha256: Sha256 })),
  /** First line of `--version` of each tool of the build type (`missing` for one that is not installed). */
  toolchain: external_exports.record(external_exports.string(), external_exports.string()),
  builder: external_exports.looseObject({ name: NonEmpty, version: NonEmpty, node: NonEmpty }),
  /** Where the build steps ran (absent in metadata written before the build sandbox). */
  buildEnvironment: BuildEnvironmentSchema.optional(),
  /** The timestamp of every archive entry (seconds). */
  sourceDateEpoch: external_exports.number().int().nonnegative(),
  /** `sourceDateEpoch` as an ISO date. */
  buildDate: external_exports.iso.datetime(),
  /** When the build finished (differs between runs). */
  builtAt: external_exports.iso.datetime(),
  durationMs: external_exports.number().nonnegative(),
  cacheKey: NonEmpty
});
var ArtifactMetadataViewSchema = ArtifactMetadataSchema.pick({
  name: true,
  version: true,
  platform: true,
  method: true,
  schema: true,
  artifact: true,
  builder: true,
  builtAt: true
});
function artifactMetadataPath(artifact) {
  return artifact.endsWith(".tar.zst") ? `${artifact.slice(0, -".tar.zst".length)}.tar.gz.json` : `${artifact}.json`;
}
async function readArtifactMetadataFile(file) {
  let text;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (err) {
    throw new UserError(CoreErrorCode.ArtifactMetadata, `cannot read the build metadata ${file}: ${errorMessage(err)}`, {
      location: { file },
      hint: "give the <artifact>.json file the builder wrote beside the artifact"
    });
  }
  let data;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(CoreErrorCode.ArtifactMetadata, `the build metadata ${file} is not JSON: ${errorMessage(err)}`, { location: { file } });
  }
  const parsed = ArtifactMetadataSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join(".");
    throw new UserError(CoreErrorCode.ArtifactMetadata, `the build metadata ${file} is not the builder's: ${field ? `${field}: ` : ""}${issue.message}`, {
      location: { file, ...field ? { field } : {} },
      hint: "give the <artifact>.json file the builder wrote beside the artifact"
    });
  }
  return parsed.data;
}

export {
  ARTIFACT_METADATA_SCHEMA_VERSION,
  ArtifactMetadataSchema,
  ArtifactMetadataViewSchema,
  artifactMetadataPath,
  readArtifactMetadataFile
};
