import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  systemNow
} from "./chunk-L5AWN5ZP.mjs";
import {
  PLATFORMS
} from "./chunk-EE5EUXX6.mjs";
import {
  external_exports
} from "./chunk-XJANFZUV.mjs";
import {
  UserError
} from "./chunk-HUJ2RKNL.mjs";

// packages/manifest/src/errors.ts
var ManifestErrorCode = {
  /** The bytes are not JSON, or not a signed-manifest envelope. */
  Malformed: "E_MANIFEST_MALFORMED",
  /** Signed correctly but the body does not follow the schema. */
  Invalid: "E_MANIFEST_INVALID",
  /** A `schemaVersion` this version of Potions does not know. */
  UnsupportedSchema: "E_MANIFEST_UNSUPPORTED_SCHEMA",
  /** No signature by a key the reader trusts. */
  UnknownKey: "E_MANIFEST_UNKNOWN_KEY",
  /** A signature by a trusted key that does not match the body (tampered or corrupted). */
  BadSignature: "E_MANIFEST_BAD_SIGNATURE",
  /** Older than a version this reader has already seen (rollback or a stale cache). */
  Rollback: "E_MANIFEST_ROLLBACK",
  /** Past its `expires` time (freeze attack, or nobody republished it). */
  Expired: "E_MANIFEST_EXPIRED",
  /** A second publish with another digest for a published name, version, platform and format. */
  DigestChanged: "E_MANIFEST_DIGEST_CHANGED",
  /** The same digest published with another file name or size: the inputs disagree with themselves. */
  Conflict: "E_MANIFEST_CONFLICT",
  /** The release description handed to the publisher is wrong. */
  ReleaseInvalid: "E_MANIFEST_RELEASE_INVALID",
  /** The sync result says some file is on fewer mirrors than the policy asks for. */
  SyncPolicyNotMet: "E_MANIFEST_SYNC_POLICY",
  /** The manifest already on a mirror is not signed by a key the publisher trusts. */
  ExistingUntrusted: "E_MANIFEST_EXISTING_UNTRUSTED",
  /** A conditional write lost to a concurrent writer (stores throw this; the publisher retries). */
  PreconditionFailed: "E_MANIFEST_STORE_PRECONDITION",
  /** Concurrent publishers kept winning until the attempts ran out. */
  ConflictRetriesExhausted: "E_MANIFEST_CONFLICT_RETRIES",
  /** The signing key is missing or unusable. */
  Key: "E_MANIFEST_KEY",
  /** `selectArtifact`: no such package or version. */
  NotFound: "E_MANIFEST_NOT_FOUND",
  /** `selectArtifact`: the platform is listed as unavailable. */
  PlatformUnavailable: "E_MANIFEST_PLATFORM_UNAVAILABLE",
  /** A store key with an empty, "." or ".." segment (a bug in the caller). */
  StoreKey: "E_MANIFEST_STORE_KEY",
  /** A store failed with an error that carries no code of its own (a network error, a bug in an adapter). */
  Store: "E_MANIFEST_STORE",
  /** FileManifestStore: another writer holds the lock (retried, then reported). */
  StoreLocked: "E_MANIFEST_STORE_LOCKED",
  /** A manifest URL or file cannot be read. */
  Unreachable: "E_MANIFEST_UNREACHABLE",
  /** The trust-state file cannot be read. */
  TrustState: "E_MANIFEST_TRUST_STATE"
};

// packages/manifest/src/schema.ts
var MANIFEST_SCHEMA_VERSION = 1;
var ARTIFACT_FORMATS = ["tar.gz", "tar.zst"];
var BUILD_METHODS = ["official-binary", "source", "source-fallback"];
var PackageNameSchema = external_exports.string().regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'a package name: lower-case letters, digits, ".", "_", "-"').meta({ description: 'Package (recipe) name, e.g. "jq".' });
var VersionSchema = external_exports.string().regex(/^[0-9A-Za-z][0-9A-Za-z._+~-]{0,127}$/, "a version such as 1.7.1").meta({ description: 'The upstream version the artifact was built from, e.g. "1.7.1".' });
var PlatformSchema = external_exports.enum(PLATFORMS).meta({ description: "One of the four platforms Potions builds." });
var Sha256Schema = external_exports.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex digits").meta({ description: "SHA-256 of the file, lower-case hex." });
var UrlSchema = external_exports.url({ protocol: /^https?$/ }).meta({ description: "An absolute http(s) URL." });
var FileNameSchema = external_exports.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+~-]{0,254}$/, "a plain file name without a directory").meta({ description: "The file name, without a directory." });
var fileRefShape = {
  file: FileNameSchema,
  sha256: Sha256Schema,
  size: external_exports.number().int().nonnegative().meta({ description: "Size in bytes." }),
  urls: external_exports.array(UrlSchema).min(1).meta({ description: "Every mirror URL that verified this exact file (size and sha256), in priority order." })
};
var FileRefSchema = external_exports.strictObject(fileRefShape).meta({
  id: "FileRef",
  description: "A file held by one or more mirrors, each of which verified its size and sha256."
});
var ArtifactFormatSchema = external_exports.enum(ARTIFACT_FORMATS).meta({ description: "Archive format of the artifact." });
var ArtifactSchema = external_exports.strictObject({
  format: ArtifactFormatSchema,
  ...fileRefShape,
  signatureBundle: FileRefSchema.optional().meta({
    description: "Signature bundle over this artifact (Sigstore). Absent until the release is signed."
  })
}).meta({ id: "Artifact", description: "The packed tool in one archive format." });
var SbomSchema = external_exports.strictObject({
  format: external_exports.string().regex(/^[a-z0-9][a-z0-9.-]*$/).meta({ description: 'SBOM format, e.g. "cyclonedx-json" or "spdx-json".' }),
  ...fileRefShape
}).meta({ id: "Sbom", description: "A software bill of materials for the build." });
var BuildFactsSchema = external_exports.strictObject({
  version: VersionSchema,
  platform: PlatformSchema,
  builtAt: external_exports.iso.datetime().meta({ description: "When the build finished (UTC, ISO 8601)." }),
  method: external_exports.enum(BUILD_METHODS).meta({
    description: "How it was built: repackaged an official upstream binary, built from source, or built from source after the binary download failed."
  }),
  builder: external_exports.string().min(1).max(512).optional().meta({
    description: 'Who or what built it, e.g. a workflow run URL or "potions 0.1.0 on linux-amd64".'
  })
}).meta({ id: "BuildFacts", description: "How and when the artifact was built." });
var AvailableEntrySchema = external_exports.strictObject({
  status: external_exports.literal("available"),
  build: BuildFactsSchema,
  artifacts: external_exports.array(ArtifactSchema).min(1).refine((list) => new Set(list.map((a) => a.format)).size === list.length, "one artifact per format").meta({ description: "The artifact in each format that was published, at most one per format." }),
  metadata: FileRefSchema.meta({ description: "The build-metadata file (<artifact>.json)." }),
  sboms: external_exports.array(SbomSchema).optional().meta({ description: "SBOMs of the build, one per format." })
}).meta({ id: "AvailableEntry", description: "A platform that built: where to get it and how to check it." });
var UnavailableEntrySchema = external_exports.strictObject({
  status: external_exports.literal("unavailable"),
  reason: external_exports.string().min(1).max(2e3).meta({ description: "Why there is no artifact, for a person to read." })
}).meta({ id: "UnavailableEntry", description: "A platform that did not build, with the reason." });
var PlatformEntrySchema = external_exports.discriminatedUnion("status", [AvailableEntrySchema, UnavailableEntrySchema]).meta({ id: "PlatformEntry" });
var PlatformsSchema = external_exports.record(PlatformSchema, PlatformEntrySchema).meta({
  id: "Platforms",
  description: "All four platforms, each available or unavailable with a reason; none is ever left out."
});
var PackagesSchema = external_exports.record(PackageNameSchema, external_exports.record(VersionSchema, PlatformsSchema)).meta({ id: "Packages", description: "Package name -> version -> platform -> entry." });
var ManifestSchema = external_exports.strictObject({
  schemaVersion: external_exports.literal(MANIFEST_SCHEMA_VERSION),
  version: external_exports.number().int().min(1).meta({ description: "Grows by at least one with every publish; readers refuse a version older than one they have seen." }),
  expires: external_exports.iso.datetime().meta({ description: "Readers refuse the manifest after this time (UTC, ISO 8601)." }),
  packages: PackagesSchema
}).meta({ id: "Manifest", description: "The signed body of a Potions manifest." });
var SignatureSchema = external_exports.strictObject({
  keyid: external_exports.string().regex(/^[0-9a-f]{64}$/).meta({ description: "sha256 (hex) of the DER (SPKI) encoding of the public key." }),
  sig: external_exports.string().regex(/^[A-Za-z0-9+/]+={0,2}$/).meta({ description: 'Base64 Ed25519 signature over the canonical JSON (RFC 8785) of "signed".' })
}).meta({ id: "Signature" });
var SignedManifestSchema = external_exports.strictObject({
  signed: ManifestSchema,
  signatures: external_exports.array(SignatureSchema).min(1)
}).meta({
  id: "SignedManifest",
  title: "Potions manifest",
  description: 'A TUF-style signed envelope: "signed" is the manifest, "signatures" sign its canonical JSON (RFC 8785).'
});
function formatIssues(error, max = 5) {
  const lines = error.issues.slice(0, max).map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`);
  if (error.issues.length > max) lines.push(`... and ${error.issues.length - max} more`);
  return lines.join("; ");
}

// node_modules/.pnpm/canonicalize@4.0.0/node_modules/canonicalize/lib/canonicalize.js
function hasLoneSurrogate(value) {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 55296 && code <= 56319) {
      if (i === value.length - 1) {
        return true;
      }
      const next = value.charCodeAt(i + 1);
      if (!(next >= 56320 && next <= 57343)) {
        return true;
      }
      i++;
    } else if (code >= 56320 && code <= 57343) {
      return true;
    }
  }
  return false;
}
function canonicalize(object, seen = /* @__PURE__ */ new Set()) {
  if (typeof object === "number" && isNaN(object)) {
    throw new Error("NaN is not allowed");
  }
  if (typeof object === "number" && !isFinite(object)) {
    throw new Error("Infinity is not allowed");
  }
  if (typeof object === "string" && hasLoneSurrogate(object)) {
    throw new Error("Lone surrogate is not allowed");
  }
  if (object === null || typeof object !== "object") {
    return JSON.stringify(object);
  }
  if (typeof object.toJSON === "function") {
    if (seen.has(object)) {
      throw new Error("Circular reference detected");
    }
    seen.add(object);
    const result2 = canonicalize(object.toJSON(), seen);
    seen.delete(object);
    return result2;
  }
  if (seen.has(object)) {
    throw new Error("Circular reference detected");
  }
  seen.add(object);
  let result;
  if (Array.isArray(object)) {
    const values = object.map((cv) => {
      const value = cv === void 0 || typeof cv === "symbol" ? null : cv;
      return canonicalize(value, seen);
    });
    result = `[${values.join(",")}]`;
  } else {
    const parts = [];
    for (const key of Object.keys(object).sort()) {
      if (object[key] === void 0 || typeof object[key] === "symbol") {
        continue;
      }
      parts.push(`${canonicalize(key)}:${canonicalize(object[key], seen)}`);
    }
    result = `{${parts.join(",")}}`;
  }
  seen.delete(object);
  return result;
}

// packages/manifest/src/canonical.ts
function canonicalJson(value) {
  const text = canonicalize(value);
  if (text === void 0) throw new TypeError("canonicalJson: value has no JSON form");
  return text;
}
function canonicalBytes(value) {
  return new TextEncoder().encode(canonicalJson(value));
}

// packages/manifest/src/envelope.ts
async function signManifest(manifest, signers) {
  const list = Array.isArray(signers) ? signers : [signers];
  if (list.length === 0) throw new UserError(ManifestErrorCode.Key, "no signer given: a manifest must be signed");
  const body = canonicalBytes(manifest);
  const signatures = [];
  for (const signer of list) {
    const sig = await signer.sign(body);
    signatures.push({ keyid: signer.keyid, sig: Buffer.from(sig).toString("base64") });
  }
  return { signed: manifest, signatures };
}
function encodeSignedManifest(signed) {
  return new TextEncoder().encode(`${JSON.stringify(signed, null, 2)}
`);
}
var EnvelopeShape = external_exports.object({
  signed: external_exports.record(external_exports.string(), external_exports.unknown()),
  signatures: external_exports.array(external_exports.object({ keyid: external_exports.string(), sig: external_exports.string() })).min(1)
});
async function verifyManifest(bytes, options) {
  const source = options.source ?? "the manifest";
  const text = typeof bytes === "string" ? bytes : new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  let json;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(ManifestErrorCode.Malformed, `${source} is not JSON: ${err.message}`);
  }
  const envelope = EnvelopeShape.safeParse(json);
  if (!envelope.success) {
    throw new UserError(
      ManifestErrorCode.Malformed,
      `${source} is not a signed Potions manifest (expected {"signed": {...}, "signatures": [...]}): ${formatIssues(envelope.error)}`
    );
  }
  const { signed, signatures } = envelope.data;
  const trusted = new Map(options.trustedKeys.map((k) => [k.keyid, k]));
  const candidates = signatures.filter((s) => trusted.has(s.keyid));
  if (candidates.length === 0) {
    throw new UserError(
      ManifestErrorCode.UnknownKey,
      `${source} is signed by ${signatures.map((s) => s.keyid.slice(0, 16)).join(", ")}, none of which is a trusted key (${[...trusted.keys()].map((k) => k.slice(0, 16)).join(", ") || "none configured"})`,
      { hint: "pass the publisher's public key as a trusted key; if the publisher rotated its key, get the new public key from them" }
    );
  }
  const body = canonicalBytes(signed);
  let acceptedKeyid;
  for (const candidate of candidates) {
    const sig = Buffer.from(candidate.sig, "base64");
    if (await trusted.get(candidate.keyid).verify(body, sig)) {
      acceptedKeyid = candidate.keyid;
      break;
    }
  }
  if (acceptedKeyid === void 0) {
    throw new UserError(
      ManifestErrorCode.BadSignature,
      `${source} has a signature by trusted key ${candidates[0].keyid.slice(0, 16)} that does not match its content: it was altered after signing or corrupted in transit`,
      { hint: "do not use this manifest; fetch it again or from another mirror" }
    );
  }
  if (signed.schemaVersion !== MANIFEST_SCHEMA_VERSION) {
    throw new UserError(
      ManifestErrorCode.UnsupportedSchema,
      `${source} has schemaVersion ${JSON.stringify(signed.schemaVersion)}; this version of Potions reads schemaVersion ${MANIFEST_SCHEMA_VERSION}`,
      { hint: "upgrade Potions" }
    );
  }
  const parsed = ManifestSchema.safeParse(signed);
  if (!parsed.success) {
    throw new UserError(ManifestErrorCode.Invalid, `${source} is signed but does not follow the manifest schema: ${formatIssues(parsed.error)}`, {
      location: { field: parsed.error.issues[0]?.path.map(String).join(".") }
    });
  }
  const manifest = parsed.data;
  if (options.lastSeenVersion !== void 0 && manifest.version < options.lastSeenVersion) {
    throw new UserError(
      ManifestErrorCode.Rollback,
      `${source} is version ${manifest.version}, older than version ${options.lastSeenVersion} already accepted from the same signing key: refusing a rollback`,
      { hint: "a mirror or cache serves an old copy; retry later or use another mirror" }
    );
  }
  const now = (options.now ?? systemNow)();
  if (!options.allowExpired && Date.parse(manifest.expires) <= now.getTime()) {
    throw new UserError(
      ManifestErrorCode.Expired,
      `${source} (version ${manifest.version}) expired at ${manifest.expires} (now ${now.toISOString()})`,
      { hint: "the publisher must republish it (a publish with no new release renews it); until then it cannot be trusted to be current" }
    );
  }
  return { manifest, envelope: { signed: manifest, signatures }, keyid: acceptedKeyid };
}

export {
  canonicalJson,
  ManifestErrorCode,
  MANIFEST_SCHEMA_VERSION,
  ARTIFACT_FORMATS,
  PackageNameSchema,
  VersionSchema,
  PlatformSchema,
  Sha256Schema,
  UrlSchema,
  ArtifactFormatSchema,
  BuildFactsSchema,
  UnavailableEntrySchema,
  formatIssues,
  signManifest,
  encodeSignedManifest,
  verifyManifest
};
