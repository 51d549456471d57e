import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  keyidOf
} from "./chunk-22PQZATQ.mjs";
import {
  compareVersions
} from "./chunk-55UCJZ7D.mjs";
import {
  MirrorsErrorCode,
  publicUrl
} from "./chunk-XZQUAKJM.mjs";
import {
  retry
} from "./chunk-L5QZX5WR.mjs";
import {
  ArtifactFormatSchema,
  BuildFactsSchema,
  ChecksSchema,
  MANIFEST_SCHEMA_VERSION,
  ManifestErrorCode,
  ManifestV1Schema,
  MirrorInfoSchema,
  PackageNameSchema,
  PackagesSchema,
  PlatformSchema,
  RevisionNumberSchema,
  Sha256Schema,
  SigningTrustSchema,
  UnavailableEntrySchema,
  UrlSchema,
  VersionSchema,
  canonicalJson,
  encodeSignedManifest,
  formatIssues,
  manifestFromSignedBody,
  signManifest,
  upgradeManifestV1,
  verifyManifest,
  verifyManifestSignature
} from "./chunk-N7G7XWGO.mjs";
import {
  ArtifactMetadataViewSchema
} from "./chunk-MVPDWXOW.mjs";
import {
  PLATFORMS
} from "./chunk-EE5EUXX6.mjs";
import {
  systemNow
} from "./chunk-L5AWN5ZP.mjs";
import {
  external_exports
} from "./chunk-XJANFZUV.mjs";
import {
  PotionsError,
  UserError,
  errorMessage,
  hasCode,
  silentReporter
} from "./chunk-HUJ2RKNL.mjs";

// packages/manifest/src/from-artifacts.ts
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

// packages/manifest/src/release.ts
var NOT_BUILT_REASON = "not built in this release";
var NO_VERIFIED_COPY_REASON = "no mirror holds a verified copy";
var releaseFileShape = {
  file: external_exports.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+~-]{0,254}$/, "a plain file name without a directory"),
  sha256: Sha256Schema,
  size: external_exports.number().int().nonnegative(),
  /** URLs of the mirrors that verified this file, in mirror priority order; may be empty. */
  urls: external_exports.array(UrlSchema)
};
var ReleaseFileSchema = external_exports.strictObject(releaseFileShape);
var ReleaseInputSchema = external_exports.strictObject({
  packages: external_exports.array(
    external_exports.strictObject({
      name: PackageNameSchema,
      version: VersionSchema,
      platforms: external_exports.partialRecord(
        PlatformSchema,
        external_exports.discriminatedUnion("status", [
          external_exports.strictObject({
            status: external_exports.literal("available"),
            build: BuildFactsSchema,
            artifacts: external_exports.array(external_exports.strictObject({ format: ArtifactFormatSchema, ...releaseFileShape, signatureBundle: ReleaseFileSchema.optional() })).min(1),
            metadata: ReleaseFileSchema,
            sboms: external_exports.array(external_exports.strictObject({ format: external_exports.string().regex(/^[a-z0-9][a-z0-9.-]*$/), ...releaseFileShape })).optional(),
            /** The signed build provenance (`<name>-<version>-<platform>.provenance.sigstore.json`). */
            provenance: ReleaseFileSchema.optional(),
            checks: ChecksSchema.optional()
          }),
          UnavailableEntrySchema
        ])
      )
    })
  )
});
function dedupe(urls) {
  return [...new Set(urls)];
}
function releaseEntries(release, source = "the release") {
  const parsed = ReleaseInputSchema.safeParse(release);
  if (!parsed.success) {
    throw new UserError(ManifestErrorCode.ReleaseInvalid, `${source} is not a valid release description: ${formatIssues(parsed.error)}`, {
      location: { field: parsed.error.issues[0]?.path.map(String).join(".") }
    });
  }
  const packages = {};
  const warnings = [];
  for (const [index, pkg] of parsed.data.packages.entries()) {
    const where2 = `${pkg.name}@${pkg.version}`;
    const versions = packages[pkg.name] ??= {};
    if (versions[pkg.version]) {
      throw new UserError(ManifestErrorCode.ReleaseInvalid, `${source} lists ${where2} twice`, {
        location: { field: `packages.${index}` }
      });
    }
    const entries = {};
    for (const platform of PLATFORMS) {
      const input = pkg.platforms[platform];
      const ctx = { source, where: where2, field: `packages.${index}.platforms.${platform}`, version: pkg.version, platform, warnings };
      entries[platform] = input === void 0 ? { status: "unavailable", reason: NOT_BUILT_REASON } : toEntry(input, ctx);
    }
    versions[pkg.version] = entries;
  }
  return { packages, warnings };
}
function toEntry(input, ctx) {
  if (input.status === "unavailable") return input;
  const { source, where: where2, field, platform, warnings } = ctx;
  if (input.build.platform !== platform || input.build.version !== ctx.version) {
    throw new UserError(
      ManifestErrorCode.ReleaseInvalid,
      `${source}: ${where2} ${platform} has build facts for ${input.build.version} ${input.build.platform}`,
      { location: { field: `${field}.build` }, hint: "the build facts must describe the same version and platform" }
    );
  }
  const formats = input.artifacts.map((a) => a.format);
  if (new Set(formats).size !== formats.length) {
    throw new UserError(ManifestErrorCode.ReleaseInvalid, `${source}: ${where2} ${platform} lists a format twice (${formats.join(", ")})`, {
      location: { field: `${field}.artifacts` }
    });
  }
  const unverified = [...input.artifacts, input.metadata].filter((f) => f.urls.length === 0).map((f) => f.file);
  if (unverified.length > 0) {
    warnings.push(`${where2} ${platform}: ${NO_VERIFIED_COPY_REASON} of ${unverified.join(", ")}; listed as unavailable`);
    return { status: "unavailable", reason: `${NO_VERIFIED_COPY_REASON} of ${unverified.join(", ")}` };
  }
  const optional = (file, what) => {
    if (!file) return void 0;
    if (file.urls.length === 0) {
      warnings.push(`${where2} ${platform}: ${NO_VERIFIED_COPY_REASON} of ${what} ${file.file}; left out`);
      return void 0;
    }
    return { file: file.file, sha256: file.sha256, size: file.size, urls: dedupe(file.urls) };
  };
  const artifacts = input.artifacts.map((a) => {
    const signatureBundle = optional(a.signatureBundle, "the signature bundle");
    return { format: a.format, file: a.file, sha256: a.sha256, size: a.size, urls: dedupe(a.urls), ...signatureBundle ? { signatureBundle } : {} };
  });
  const sboms = [];
  for (const s of input.sboms ?? []) {
    const ref = optional(s, "the SBOM");
    if (ref) sboms.push({ format: s.format, ...ref });
  }
  const provenance = optional(input.provenance, "the provenance");
  const entry = {
    status: "available",
    revision: 1,
    build: input.build,
    artifacts,
    metadata: { file: input.metadata.file, sha256: input.metadata.sha256, size: input.metadata.size, urls: dedupe(input.metadata.urls) },
    ...sboms.length > 0 ? { sboms } : {},
    ...provenance ? { provenance } : {},
    ...input.checks ? { checks: input.checks } : {}
  };
  return entry;
}

// packages/manifest/src/from-artifacts.ts
var ARTIFACT_METADATA_FILE = /\.tar\.(gz|zst)\.json$/;
var BuildChecksSchema = external_exports.strictObject({
  name: PackageNameSchema,
  version: VersionSchema,
  platform: PlatformSchema,
  checks: ChecksSchema
});
var BuildFailureSchema = external_exports.strictObject({
  name: PackageNameSchema,
  version: VersionSchema,
  platform: PlatformSchema,
  reason: external_exports.string().min(1)
});
var SyncObjectSchema = external_exports.looseObject({
  name: external_exports.string().min(1),
  size: external_exports.number().int().nonnegative(),
  sha256: Sha256Schema,
  mirrors: external_exports.array(
    external_exports.looseObject({
      mirror: external_exports.string().min(1),
      present: external_exports.boolean(),
      url: external_exports.string()
    })
  )
});
var SyncResultViewSchema = external_exports.looseObject({
  version: external_exports.literal(1),
  minMirrors: external_exports.number().int().min(1),
  policyMet: external_exports.boolean(),
  mirrors: external_exports.array(external_exports.looseObject({ mirror: external_exports.string().min(1) })),
  objects: external_exports.array(SyncObjectSchema)
});
var FORMATS = [
  { key: "tarGz", format: "tar.gz" },
  { key: "tarZst", format: "tar.zst" }
];
var SBOM_SUFFIXES = [
  { suffix: ".cdx.json", format: "cyclonedx-json" },
  { suffix: ".spdx.json", format: "spdx-json" }
];
var SIGNATURE_BUNDLE_SUFFIX = ".sigstore.json";
var PROVENANCE_SUFFIX = ".provenance.sigstore.json";
var REASON_MAX = 2e3;
var NOTHING_SYNCED = { version: 1, minMirrors: 1, policyMet: true, mirrors: [], objects: [] };
function invalid(message, file, field, hint) {
  return new UserError(ManifestErrorCode.ReleaseInvalid, message, { location: { file, field }, ...hint ? { hint } : {} });
}
function assertSyncResult(value, source = "the sync result") {
  if (typeof value === "object" && value !== null && value.dryRun === true) {
    throw invalid(`${source} is the plan of a dry run, not the result of a sync`, source, void 0, "sync the artifacts for real (not as a dry run) first");
  }
  const parsed = SyncResultViewSchema.safeParse(value);
  if (!parsed.success) {
    throw invalid(
      `${source} is not a mirror-sync result: ${formatIssues(parsed.error)}`,
      source,
      parsed.error.issues[0]?.path.map(String).join("."),
      "pass the result mirror-sync wrote for the artifacts folder"
    );
  }
  return value;
}
function releaseFromArtifacts(input) {
  const syncSource = input.syncSource ?? "the sync result";
  const sync = input.sync === void 0 ? NOTHING_SYNCED : assertSyncResult(input.sync, syncSource);
  const warnings = [];
  if (!sync.policyMet && input.requirePolicy !== false) {
    const short = sync.objects.filter((o) => o.presentOn.length < sync.minMirrors).map((o) => o.name);
    throw new UserError(
      ManifestErrorCode.SyncPolicyNotMet,
      `${syncSource}: the mirror policy was not met (${short.length} file(s) on fewer than ${sync.minMirrors} mirror(s): ${short.slice(0, 5).join(", ")}${short.length > 5 ? ", ..." : ""})`,
      { location: { file: syncSource, field: "policyMet" }, hint: "run mirror-sync again once the mirrors are reachable; it uploads only what is missing" }
    );
  }
  const artifactsSource = input.artifactsSource ?? "the artifacts";
  if (input.metadata.length === 0 && (input.failures ?? []).length === 0 && input.allowEmpty !== true) {
    throw invalid(
      `${artifactsSource} holds no build metadata (<artifact>.tar.gz.json) and no failures were given: there is nothing to publish`,
      void 0,
      void 0,
      "pass the folder the builder wrote its artifacts and their .json files to (the folder that was synced); a release whose every build failed passes the failures"
    );
  }
  const mirrorOrder = new Map(sync.mirrors.map((m, i) => [m.mirror, i]));
  const mirrorOfUrl = {};
  const objects = /* @__PURE__ */ new Map();
  for (const o of sync.objects) {
    const list = objects.get(o.name) ?? [];
    list.push(o);
    objects.set(o.name, list);
  }
  let named = false;
  const releaseFile = (file, sha256, size, where2) => {
    const candidates = objects.get(file) ?? [];
    if (candidates.length > 0 && sha256 !== void 0) named = true;
    const o = sha256 === void 0 ? candidates[0] : candidates.find((c) => c.sha256 === sha256);
    if (!o) {
      if (sha256 !== void 0 && candidates.length > 0) {
        throw invalid(
          `${where2}: ${file} has sha256 ${sha256}, but ${syncSource} synced a ${file} with sha256 ${candidates[0].sha256}`,
          where2,
          void 0,
          "the artifacts folder and the sync result come from different builds: sync the folder you publish"
        );
      }
      return void 0;
    }
    if (size !== void 0 && o.size !== size) {
      throw invalid(`${where2}: ${file} has ${size} bytes, but ${syncSource} synced ${o.size} bytes with the same sha256`, where2);
    }
    const urls = o.mirrors.filter((m) => m.present && /^https?:\/\//.test(m.url)).sort((a, b) => (mirrorOrder.get(a.mirror) ?? Infinity) - (mirrorOrder.get(b.mirror) ?? Infinity)).map((m) => {
      mirrorOfUrl[m.url] = m.mirror;
      return m.url;
    });
    return { file, sha256: o.sha256, size: o.size, urls };
  };
  const packages = /* @__PURE__ */ new Map();
  const pkgOf = (name, version) => {
    const id = `${name}@${version}`;
    let p = packages.get(id);
    if (!p) {
      p = { name, version, platforms: {}, files: {} };
      packages.set(id, p);
    }
    return p;
  };
  const requested = input.platforms ? new Set(input.platforms) : void 0;
  const checksByBuild = /* @__PURE__ */ new Map();
  for (const [i, c] of (input.checks ?? []).entries()) {
    const parsed = BuildChecksSchema.safeParse(c);
    if (!parsed.success) throw invalid(`checks ${i + 1} is not {name, version, platform, checks}: ${formatIssues(parsed.error)}`, void 0, `checks.${i}`);
    checksByBuild.set(`${parsed.data.name}@${parsed.data.version} ${parsed.data.platform}`, parsed.data.checks);
  }
  const checksOf = (name, version, platform) => checksByBuild.get(`${name}@${version} ${platform}`);
  for (const meta of input.metadata) {
    const parsed = ArtifactMetadataViewSchema.safeParse(meta.data);
    if (!parsed.success) {
      throw invalid(
        `${meta.file} is not build metadata: ${formatIssues(parsed.error)}`,
        meta.file,
        parsed.error.issues[0]?.path.map(String).join("."),
        "expected the <artifact>.json written by the builder next to its .tar.gz"
      );
    }
    const m = parsed.data;
    const pkg = pkgOf(m.name, m.version);
    const where2 = `${m.name}@${m.version} ${m.platform}`;
    const previous = pkg.files[m.platform];
    if (previous !== void 0) {
      throw invalid(`${meta.file} and ${previous} both describe ${where2}`, meta.file, void 0, "keep one build per package, version and platform");
    }
    pkg.files[m.platform] = meta.file;
    if (requested && !requested.has(m.platform)) warnings.push(`${where2}: built, though the release did not ask for ${m.platform}; listed anyway`);
    const artifacts = [];
    for (const { key, format } of FORMATS) {
      const info = m.artifact[key];
      if (!info) continue;
      const ref = releaseFile(path.basename(info.file), info.sha256, info.size, meta.file) ?? {
        file: path.basename(info.file),
        sha256: info.sha256,
        size: info.size,
        urls: []
      };
      const bundle = releaseFile(`${ref.file}${SIGNATURE_BUNDLE_SUFFIX}`, void 0, void 0, meta.file);
      const artifact = { format, ...ref, ...bundle ? { signatureBundle: bundle } : {} };
      artifacts.push(artifact);
    }
    const verified = artifacts.filter((a) => a.urls.length > 0);
    if (verified.length > 0 && verified.length < artifacts.length) {
      for (const a of artifacts.filter((x) => x.urls.length === 0)) {
        warnings.push(`${where2}: no mirror holds a verified copy of ${a.file}; the ${a.format} format is left out`);
      }
    }
    const metadataName = path.basename(meta.file);
    const metadataRef = releaseFile(metadataName, meta.sha256, meta.size, meta.file) ?? {
      file: metadataName,
      sha256: meta.sha256,
      size: meta.size,
      urls: []
    };
    const base = path.basename(m.artifact.tarGz.file).replace(/\.tar\.gz$/, "");
    const sboms = SBOM_SUFFIXES.flatMap(({ suffix, format }) => {
      const ref = releaseFile(`${base}${suffix}`, void 0, void 0, meta.file);
      return ref ? [{ format, ...ref }] : [];
    });
    const provenance = releaseFile(`${base}${PROVENANCE_SUFFIX}`, void 0, void 0, meta.file);
    const checks = checksOf(m.name, m.version, m.platform);
    const builder = m.builder ? `${m.builder.name} ${m.builder.version} on ${m.platform}`.slice(0, 512) : void 0;
    pkg.platforms[m.platform] = {
      status: "available",
      build: { version: m.version, platform: m.platform, builtAt: m.builtAt, method: m.method, ...builder ? { builder } : {} },
      artifacts: verified.length > 0 ? verified : artifacts,
      metadata: metadataRef,
      ...sboms.length > 0 ? { sboms } : {},
      ...provenance ? { provenance } : {},
      ...checks ? { checks } : {}
    };
  }
  if (input.metadata.length > 0 && !named) {
    const files2 = input.metadata.map((m) => path.basename(m.file));
    throw invalid(
      `${syncSource} names none of the ${files2.length} build(s) in ${artifactsSource} (${files2.slice(0, 3).join(", ")}${files2.length > 3 ? ", ..." : ""}): the sync result and the artifacts do not belong together`,
      void 0,
      void 0,
      "sync the folder you publish and pass the result of that sync"
    );
  }
  for (const [i, failure] of (input.failures ?? []).entries()) {
    const parsed = BuildFailureSchema.safeParse(failure);
    if (!parsed.success) throw invalid(`failure ${i + 1} is not {name, version, platform, reason}: ${formatIssues(parsed.error)}`, void 0, `failures.${i}`);
    const f = parsed.data;
    const pkg = pkgOf(f.name, f.version);
    const current = pkg.platforms[f.platform];
    if (current?.status === "available") {
      warnings.push(`${f.name}@${f.version} ${f.platform}: reported as failed, but ${pkg.files[f.platform]} describes a build; listing the build`);
      continue;
    }
    const reason = current?.status === "unavailable" ? `${current.reason}; ${f.reason}` : f.reason;
    pkg.platforms[f.platform] = { status: "unavailable", reason: reason.length > REASON_MAX ? `${reason.slice(0, REASON_MAX - 3)}...` : reason };
  }
  if (requested) {
    for (const pkg of packages.values()) {
      for (const platform of PLATFORMS) {
        if (requested.has(platform) && pkg.platforms[platform] === void 0) {
          pkg.platforms[platform] = { status: "unavailable", reason: NOT_BUILT_REASON };
        }
      }
    }
  }
  const release = {
    packages: [...packages.values()].sort((a, b) => a.name === b.name ? a.version < b.version ? -1 : 1 : a.name < b.name ? -1 : 1).map((p) => ({ name: p.name, version: p.version, platforms: p.platforms }))
  };
  return { release, warnings, mirrorOfUrl };
}
function artifactMetadataFileFromBytes(file, bytes) {
  let data;
  try {
    data = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw invalid(`${file} is not valid JSON: ${errorMessage(err)}`, file);
  }
  return { file, sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.byteLength, data };
}
async function readArtifactMetadataDir(dir) {
  let names;
  try {
    names = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && ARTIFACT_METADATA_FILE.test(e.name)).map((e) => e.name);
  } catch (err) {
    throw invalid(`cannot read the artifacts folder: ${errorMessage(err)}`, dir);
  }
  return Promise.all(names.sort().map(async (n) => artifactMetadataFileFromBytes(path.join(dir, n), new Uint8Array(await fs.readFile(path.join(dir, n))))));
}
async function readSyncResultFile(file) {
  let text;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (err) {
    throw invalid(`cannot read the sync result: ${errorMessage(err)}`, file);
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid(`${file} is not valid JSON: ${errorMessage(err)}`, file, void 0, "save only the JSON document of the sync (its messages are not part of it)");
  }
  return assertSyncResult(value, file);
}
function buildFailuresFromJson(text, source = "the failures") {
  if (text === void 0 || text.trim() === "") return [];
  let value;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid(`${source} is not valid JSON: ${errorMessage(err)}`, void 0, source, 'a JSON list such as [{"name":"jq","version":"1.7.1","platform":"darwin-arm64","reason":"configure failed"}]');
  }
  const parsed = external_exports.array(BuildFailureSchema).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${source}: ${formatIssues(parsed.error)}`, void 0, [source, ...issue?.path.map(String) ?? []].join("."), 'each item is {"name", "version", "platform", "reason"}');
  }
  return parsed.data;
}

// packages/manifest/src/merge.ts
import { createPublicKey } from "node:crypto";

// packages/manifest/src/revisions.ts
function revisionsOf(entry) {
  if (!entry || entry.status === "unavailable") return [];
  const { status: _status, otherRevisions, ...shown } = entry;
  const current = entry.status === "withdrawn" ? (() => {
    const { reason, withdrawnAt, ...rest } = shown;
    return { ...rest, withdrawn: { reason, withdrawnAt } };
  })() : shown;
  return [...otherRevisions ?? [], current].sort((a, b) => a.revision - b.revision);
}
function newestLiveRevision(revisions) {
  return [...revisions].sort((a, b) => b.revision - a.revision).find((r) => r.withdrawn === void 0);
}
function entryFromRevisions(revisions, reason) {
  const sorted = [...revisions].sort((a, b) => a.revision - b.revision);
  if (sorted.length === 0) {
    if (reason === void 0) throw new Error("entryFromRevisions: an entry without revisions needs a reason");
    return { status: "unavailable", reason };
  }
  const live = newestLiveRevision(sorted);
  const shown = live ?? sorted[sorted.length - 1];
  const others = sorted.filter((r) => r !== shown);
  const otherRevisions = others.length > 0 ? { otherRevisions: others } : {};
  const { withdrawn, ...build } = shown;
  if (withdrawn === void 0) return { status: "available", ...build, ...otherRevisions };
  return { status: "withdrawn", ...build, reason: withdrawn.reason, withdrawnAt: withdrawn.withdrawnAt, ...otherRevisions };
}
function nextRevision(revisions) {
  return revisions.reduce((max, r) => Math.max(max, r.revision), 0) + 1;
}

// packages/manifest/src/merge.ts
function unionUrls(existing, incoming) {
  const urls = [...existing];
  const added = [];
  incoming.forEach((url, i) => {
    if (urls.includes(url)) return;
    let at = -1;
    for (let j = i + 1; j < incoming.length && at < 0; j++) at = urls.indexOf(incoming[j]);
    if (at < 0) urls.push(url);
    else urls.splice(at, 0, url);
    added.push(url);
  });
  return { urls, added };
}
function releaseUrls(existing, incoming, current) {
  const urls = [...new Set(incoming)];
  for (const url of existing) {
    if (!urls.includes(url) && current.some((base) => base !== "" && url.startsWith(base))) urls.push(url);
  }
  if (urls.length === 0) return { urls: [...existing], added: [], removed: [] };
  return { urls, added: urls.filter((u) => !existing.includes(u)), removed: existing.filter((u) => !urls.includes(u)) };
}
function clone(value) {
  return structuredClone(value);
}
function mergePackages(existing, incoming, options, slot) {
  const label = options.incomingLabel ?? "the release";
  const packages = clone(existing ?? {});
  const changes = [];
  const warnings = [];
  for (const [name, versions] of Object.entries(incoming)) {
    const outVersions = packages[name] ??= {};
    for (const [version, platforms] of Object.entries(versions)) {
      const current = outVersions[version];
      const merged = {};
      for (const platform of PLATFORMS) {
        const ctx = { name, version, platform, label, changes, warnings, currentMirrorUrls: options.currentMirrorUrls };
        const incomingEntry = platforms[platform] ?? { status: "unavailable", reason: NOT_BUILT_REASON };
        merged[platform] = slot(current?.[platform], incomingEntry, ctx);
      }
      outVersions[version] = merged;
    }
  }
  return { packages, changed: changes.length > 0, changes, warnings };
}
function mergeManifest(existing, incoming, options = {}) {
  return mergePackages(existing, incoming, options, mergePublishedEntry);
}
function mergeRelease(existing, release, options = {}) {
  return mergePackages(existing, release, options, (current, incoming, ctx) => mergeReleaseEntry(current, incoming, ctx, options.newRevision === true));
}
function where(ctx) {
  return `${ctx.name}@${ctx.version} ${ctx.platform}`;
}
function change(ctx, kind, detail) {
  ctx.changes.push({ name: ctx.name, version: ctx.version, platform: ctx.platform, kind, detail });
}
var files = (r) => r.artifacts.map((a) => a.file).join(", ");
function mergeReason(current, incomingReason, ctx) {
  if (current === void 0) {
    change(ctx, "added", `unavailable: ${incomingReason}`);
    return incomingReason;
  }
  const reason = current.status === "unavailable" ? current.reason : void 0;
  if (reason !== void 0 && incomingReason !== reason && incomingReason !== NOT_BUILT_REASON) {
    change(ctx, "reason-updated", incomingReason);
    return incomingReason;
  }
  return reason ?? incomingReason;
}
function keptOverUnavailable(current, incomingReason, ctx) {
  if (incomingReason !== NOT_BUILT_REASON) {
    ctx.warnings.push(`${where(ctx)}: ${ctx.label} says unavailable (${incomingReason}); the published ${current.status === "withdrawn" ? "withdrawn " : ""}revision is kept`);
  }
  return current;
}
function mergePublishedEntry(current, incoming, ctx) {
  if (incoming.status === "unavailable") {
    if (current === void 0 || current.status === "unavailable") return entryFromRevisions([], mergeReason(current, incoming.reason, ctx));
    return keptOverUnavailable(current, incoming.reason, ctx);
  }
  const revisions = revisionsOf(current);
  if (revisions.length === 0) {
    change(ctx, current === void 0 ? "added" : "became-available", files(incoming));
    return clone(incoming);
  }
  for (const theirs of revisionsOf(incoming)) {
    const byDigest = revisions.findIndex((r) => sameBuild(r, theirs));
    if (byDigest >= 0) {
      const mine = revisions[byDigest];
      if (mine.revision !== theirs.revision) {
        ctx.warnings.push(`${where(ctx)}: ${ctx.label} numbers revision ${mine.revision} as ${theirs.revision}; revision ${mine.revision} is kept`);
      }
      revisions[byDigest] = mergeRevision(mine, theirs, ctx);
      continue;
    }
    const taken = revisions.some((r) => r.revision === theirs.revision);
    const added = taken ? { ...clone(theirs), revision: nextRevision(revisions) } : clone(theirs);
    if (taken) {
      ctx.warnings.push(
        `${where(ctx)}: ${ctx.label} has another build (${files(theirs)}) as revision ${theirs.revision}; it is kept as revision ${added.revision}`
      );
    }
    revisions.push(added);
    change(ctx, "revision-added", `revision ${added.revision}: ${files(added)}`);
  }
  return entryFromRevisions(revisions);
}
function mergeReleaseEntry(current, incoming, ctx, newRevision) {
  if (incoming.status === "unavailable") {
    if (current === void 0 || current.status === "unavailable") return entryFromRevisions([], mergeReason(current, incoming.reason, ctx));
    return keptOverUnavailable(current, incoming.reason, ctx);
  }
  const [build] = revisionsOf(incoming);
  const revisions = revisionsOf(current);
  if (revisions.length === 0) {
    change(ctx, current === void 0 ? "added" : "became-available", files(build));
    return entryFromRevisions([{ ...clone(build), revision: 1 }]);
  }
  const index = revisions.findIndex((r) => sameBuild(r, build));
  if (index >= 0) {
    const published = revisions[index];
    if (published.withdrawn) {
      ctx.warnings.push(
        `${where(ctx)}: ${ctx.label} publishes revision ${published.revision} again, which was withdrawn (${published.withdrawn.reason}); it stays withdrawn: publish a fixed build as a new revision`
      );
    }
    revisions[index] = mergeRevision(published, { ...build, revision: published.revision }, ctx);
    return entryFromRevisions(revisions);
  }
  const newest = revisions[revisions.length - 1];
  if (!newRevision) {
    const theirs = build.artifacts[0];
    const ours = newest.artifacts.find((a) => a.format === theirs.format) ?? newest.artifacts[0];
    throw new UserError(
      ManifestErrorCode.DigestChanged,
      `${where(ctx)} ${theirs.format} is already published as revision ${newest.revision} with sha256 ${ours.sha256} (${ours.file}); ${ctx.label} has sha256 ${theirs.sha256} (${theirs.file}). A published artifact's digest never changes`,
      {
        location: { field: `packages.${ctx.name}.${ctx.version}.${ctx.platform}` },
        hint: "make the build reproducible; if the published build is wrong, withdraw it and publish the fixed build explicitly as a new revision"
      }
    );
  }
  const added = { ...clone(build), revision: nextRevision(revisions) };
  revisions.push(added);
  change(ctx, "revision-added", `revision ${added.revision}: ${files(added)}`);
  return entryFromRevisions(revisions);
}
function sameBuild(a, b) {
  return a.artifacts.some((x) => b.artifacts.some((y) => y.format === x.format && y.sha256 === x.sha256));
}
function mergeUrls(file, published, incoming, ctx) {
  if (ctx.currentMirrorUrls === void 0) {
    const { urls: urls2, added: added2 } = unionUrls(published, incoming);
    if (added2.length === 0) return void 0;
    change(ctx, "urls-added", `${file}: ${added2.map((u) => `+${u}`).join(" ")}`);
    return urls2;
  }
  const { urls, added, removed } = releaseUrls(published, incoming, ctx.currentMirrorUrls);
  if (urls.length === published.length && urls.every((u, i) => u === published[i])) return void 0;
  const detail = [...added.map((u) => `+${u}`), ...removed.map((u) => `-${u}`)].join(" ") || "reordered";
  change(ctx, added.length > 0 && removed.length === 0 ? "urls-added" : "urls-updated", `${file}: ${detail}`);
  return urls;
}
function mergeRevision(published, incoming, ctx) {
  const out = clone(published);
  const what = `revision ${published.revision}`;
  for (const inArtifact of incoming.artifacts) {
    const index = out.artifacts.findIndex((a) => a.format === inArtifact.format);
    if (index < 0) {
      out.artifacts.push(clone(inArtifact));
      change(ctx, "format-added", inArtifact.file);
      continue;
    }
    const mine = out.artifacts[index];
    if (mine.sha256 !== inArtifact.sha256) {
      throw new UserError(
        ManifestErrorCode.DigestChanged,
        `${where(ctx)} ${what} ${inArtifact.format} is published with sha256 ${mine.sha256} (${mine.file}); ${ctx.label} has sha256 ${inArtifact.sha256} (${inArtifact.file}) for the same build. A published artifact's digest never changes`,
        {
          location: { field: `packages.${ctx.name}.${ctx.version}.${ctx.platform}.artifacts.${inArtifact.format}` },
          hint: "the formats of one build must come from one build: check the release inputs"
        }
      );
    }
    assertSameFile(mine, inArtifact, `${inArtifact.format} artifact`, ctx);
    out.artifacts[index] = mergeArtifact(mine, inArtifact, ctx);
  }
  out.metadata = mergeCompanion(out.metadata, incoming.metadata, "build metadata", ctx);
  for (const inSbom of incoming.sboms ?? []) {
    const sboms = out.sboms ??= [];
    const index = sboms.findIndex((s) => s.format === inSbom.format);
    if (index < 0) {
      sboms.push(clone(inSbom));
      change(ctx, "companion-added", `SBOM ${inSbom.file}`);
    } else {
      sboms[index] = mergeCompanion(sboms[index], inSbom, `${inSbom.format} SBOM`, ctx);
    }
  }
  if (incoming.provenance) {
    if (!out.provenance) {
      out.provenance = clone(incoming.provenance);
      change(ctx, "companion-added", `provenance ${incoming.provenance.file}`);
    } else {
      out.provenance = mergeCompanion(out.provenance, incoming.provenance, "provenance", ctx);
    }
  }
  const checks = mergeChecks(out.checks, incoming.checks, ctx);
  if (checks) out.checks = checks;
  if (incoming.withdrawn && !out.withdrawn) {
    out.withdrawn = clone(incoming.withdrawn);
    change(ctx, "withdrawn", `${what}: ${incoming.withdrawn.reason}`);
  }
  return out;
}
function mergeChecks(published, incoming, ctx) {
  if (!incoming) return published;
  const out = { ...clone(published ?? {}) };
  if (incoming.smokeTest && !out.smokeTest) {
    out.smokeTest = clone(incoming.smokeTest);
    change(ctx, "checks-updated", `smoke test: ${incoming.smokeTest.status}`);
  }
  const scan = incoming.scan;
  if (scan) {
    const mine = out.scan;
    const news = scan.status === "passed" && (mine === void 0 || mine.status !== "passed" || (mine.scanner !== scan.scanner || mine.maxSeverity !== scan.maxSeverity) && Date.parse(scan.scannedAt) > Date.parse(mine.scannedAt));
    if (mine === void 0 || news) {
      out.scan = clone(scan);
      change(ctx, "checks-updated", `scan: ${scan.status === "passed" ? `${scan.scanner}, highest severity ${scan.maxSeverity}` : scan.reason}`);
    }
  }
  return out;
}
function mergeArtifact(published, incoming, ctx) {
  const urls = mergeUrls(published.file, published.urls, incoming.urls, ctx) ?? published.urls;
  const out = { ...published, urls };
  if (incoming.signatureBundle) {
    if (!published.signatureBundle) {
      out.signatureBundle = clone(incoming.signatureBundle);
      change(ctx, "companion-added", `signature bundle ${incoming.signatureBundle.file}`);
    } else {
      out.signatureBundle = mergeCompanion(published.signatureBundle, incoming.signatureBundle, "signature bundle", ctx);
    }
  }
  for (const delta of incoming.deltas ?? []) {
    const deltas = out.deltas ??= [];
    const index = deltas.findIndex((d) => d.baseSha256 === delta.baseSha256);
    if (index < 0) {
      deltas.push(clone(delta));
      change(ctx, "companion-added", `delta ${delta.file} (from ${delta.fromVersion} revision ${delta.fromRevision})`);
    } else {
      deltas[index] = mergeCompanion(deltas[index], delta, `delta from ${delta.baseSha256.slice(0, 12)}`, ctx);
    }
  }
  return out;
}
function mergeCompanion(published, incoming, what, ctx) {
  if (published.sha256 !== incoming.sha256) {
    ctx.warnings.push(
      `${where(ctx)}: ${ctx.label} has another ${what} (${incoming.file}, sha256 ${incoming.sha256.slice(0, 12)}) than the published one (${published.file}, sha256 ${published.sha256.slice(0, 12)}); the published one is kept`
    );
    return published;
  }
  assertSameFile(published, incoming, what, ctx);
  const urls = mergeUrls(published.file, published.urls, incoming.urls, ctx);
  return urls ? { ...published, urls } : published;
}
function assertSameFile(published, incoming, what, ctx) {
  if (published.size !== incoming.size || published.file !== incoming.file) {
    throw new UserError(
      ManifestErrorCode.Conflict,
      `${where(ctx)} ${what} with sha256 ${published.sha256} is published as ${published.file} (${published.size} bytes); ${ctx.label} names it ${incoming.file} (${incoming.size} bytes)`,
      { hint: "the same digest must always have the same file name and size: check the release inputs" }
    );
  }
}
function keyIdOf(pem) {
  try {
    return keyidOf(createPublicKey(pem));
  } catch {
    return pem.replace(/\s+/g, "");
  }
}
function mergeArtifactTrust(existing, incoming) {
  if (!existing && !incoming) return void 0;
  const keys = /* @__PURE__ */ new Map();
  for (const key of [...existing?.keys ?? [], ...incoming?.keys ?? []]) {
    const id = keyIdOf(key.publicKey);
    const kept = keys.get(id);
    keys.set(id, kept && key.expires === void 0 ? kept : { ...kept ?? {}, ...key });
  }
  const identities = /* @__PURE__ */ new Map();
  for (const identity of [...existing?.identities ?? [], ...incoming?.identities ?? []]) {
    identities.set(JSON.stringify([identity.identity, identity.issuer, identity.sourceRepository ?? null]), identity);
  }
  const revokedKeys = [.../* @__PURE__ */ new Set([...existing?.revokedKeys ?? [], ...incoming?.revokedKeys ?? []])].sort();
  return {
    ...identities.size > 0 ? { identities: [...identities.values()] } : {},
    ...keys.size > 0 ? { keys: [...keys.values()] } : {},
    ...revokedKeys.length > 0 ? { revokedKeys } : {}
  };
}
function mergeMirrorInfo(existing, incoming) {
  if (!existing && !incoming) return void 0;
  const byName = /* @__PURE__ */ new Map();
  for (const m of [...existing ?? [], ...incoming ?? []]) {
    const kept = byName.get(m.name);
    const newer = !kept || m.health !== void 0 && (kept.health === void 0 || Date.parse(m.health.measuredAt) >= Date.parse(kept.health.measuredAt));
    if (newer) byName.set(m.name, clone(m));
  }
  return [...byName.values()];
}
function manifestHolds(container, other) {
  if (mergeManifest(container.packages, other.packages).changed) return false;
  const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  return same(mergeArtifactTrust(container.artifactTrust, other.artifactTrust), container.artifactTrust ? mergeArtifactTrust(container.artifactTrust, void 0) : void 0) && same(mergeMirrorInfo(container.mirrors, other.mirrors), container.mirrors ? mergeMirrorInfo(container.mirrors, void 0) : void 0);
}

// packages/manifest/src/withdraw.ts
var WithdrawRequestSchema = external_exports.strictObject({
  name: PackageNameSchema,
  version: VersionSchema,
  /** Absent: every platform of the version that has a build. */
  platform: PlatformSchema.optional(),
  /** Absent: every revision of the platform(s). */
  revision: RevisionNumberSchema.optional(),
  reason: external_exports.string().trim().min(1, "a reason for people to read").max(2e3)
});
function assertWithdrawRequests(value, source = "the withdrawal") {
  const parsed = external_exports.array(WithdrawRequestSchema).safeParse(value);
  if (!parsed.success) {
    throw new UserError(ManifestErrorCode.WithdrawInvalid, `${source}: ${formatIssues(parsed.error)}`, {
      location: { field: parsed.error.issues[0]?.path.map(String).join(".") },
      hint: 'each withdrawal is {"name", "version", "platform" (optional), "revision" (optional), "reason"}'
    });
  }
  return parsed.data;
}
function filesOf(r) {
  return [
    ...r.artifacts.flatMap((a) => [{ file: a.file, sha256: a.sha256, size: a.size, urls: a.urls }, ...a.signatureBundle ? [a.signatureBundle] : []]),
    r.metadata,
    ...(r.sboms ?? []).map((s) => ({ file: s.file, sha256: s.sha256, size: s.size, urls: s.urls })),
    ...r.provenance ? [r.provenance] : []
  ];
}
function withdrawEntries(packages, requests, now) {
  const out = structuredClone(packages);
  const changes = [];
  const withdrawn = [];
  const alreadyWithdrawn = [];
  for (const request of assertWithdrawRequests(requests)) {
    const { name, version } = request;
    const versions = out[name];
    if (!versions) {
      throw new UserError(ManifestErrorCode.NotFound, `the manifest has no package "${name}" to withdraw`, {
        hint: `it has: ${Object.keys(out).sort().slice(0, 20).join(", ") || "no packages"}`
      });
    }
    const platforms = versions[version];
    if (!platforms) {
      throw new UserError(ManifestErrorCode.NotFound, `the manifest has no version ${version} of ${name} to withdraw`, {
        hint: `published versions: ${Object.keys(versions).slice(0, 20).join(", ")}`
      });
    }
    const targets = request.platform ? [request.platform] : PLATFORMS.filter((p) => revisionsOf(platforms[p]).length > 0);
    if (targets.length === 0) {
      throw new UserError(ManifestErrorCode.NotFound, `${name}@${version} has no build on any platform: there is nothing to withdraw`);
    }
    for (const platform of targets) {
      const revisions = revisionsOf(platforms[platform]);
      const where2 = `${name}@${version} ${platform}`;
      if (revisions.length === 0) {
        const entry = platforms[platform];
        throw new UserError(ManifestErrorCode.NotFound, `${where2} has no build to withdraw (${entry?.status === "unavailable" ? `unavailable: ${entry.reason}` : "not listed"})`);
      }
      const chosen = request.revision === void 0 ? revisions : revisions.filter((r) => r.revision === request.revision);
      if (chosen.length === 0) {
        throw new UserError(ManifestErrorCode.NotFound, `${where2} has no revision ${request.revision} (it has ${revisions.map((r) => r.revision).join(", ")})`);
      }
      for (const r of chosen) {
        if (r.withdrawn) {
          alreadyWithdrawn.push({ name, version, platform, revision: r.revision });
          continue;
        }
        r.withdrawn = { reason: request.reason.trim(), withdrawnAt: now.toISOString() };
        withdrawn.push({ name, version, platform, revision: r.revision, reason: r.withdrawn.reason, files: filesOf(r) });
        changes.push({ name, version, platform, kind: "withdrawn", detail: `revision ${r.revision}: ${r.withdrawn.reason}` });
      }
      platforms[platform] = entryFromRevisions(revisions);
    }
  }
  return { packages: out, changes, withdrawn, alreadyWithdrawn };
}

// packages/manifest/src/plan.ts
var DAY_MS = 864e5;
var DEFAULT_EXPIRES_IN_DAYS = 90;
var EXPIRES_IN_DAYS_RANGE = { min: 1, max: 3650 };
function assertExpiresInDays(days, field = "expiresInDays") {
  const { min, max } = EXPIRES_IN_DAYS_RANGE;
  if (typeof days !== "number" || !Number.isInteger(days) || days < min || days > max) {
    throw new UserError(ManifestErrorCode.OutOfRange, `${field} must be a whole number of days from ${min} to ${max}, got ${String(days)}`, {
      location: { field },
      hint: "readers refuse an expired manifest; republish on a schedule rather than signing one for decades"
    });
  }
  return days;
}
function contentOf(m) {
  return canonicalJson({ artifactTrust: m.artifactTrust ?? null, mirrors: m.mirrors ?? null, packages: m.packages });
}
function planManifestPublish(options) {
  const expiresInDays = assertExpiresInDays(options.expiresInDays ?? DEFAULT_EXPIRES_IN_DAYS);
  const renewWithinDays = options.renewWithinDays ?? expiresInDays / 3;
  if (!(renewWithinDays >= 0 && renewWithinDays <= expiresInDays)) {
    throw new UserError(ManifestErrorCode.OutOfRange, `renewWithinDays must be from 0 to expiresInDays (${expiresInDays}), got ${renewWithinDays}`, {
      location: { field: "renewWithinDays" }
    });
  }
  const warnings = [];
  const present = options.existing.filter((e) => e.manifest !== void 0);
  const pointers = present.filter((e) => !e.record);
  let base;
  let trust;
  let mirrors;
  const restored = [];
  for (const { source, manifest: manifest2, record } of [...pointers, ...present.filter((e) => e.record)]) {
    const merged2 = mergeManifest(base, manifest2.packages, { incomingLabel: record ? source : `the manifest on mirror ${source}` });
    warnings.push(...merged2.warnings);
    if (record && base !== void 0) restored.push(...merged2.changes);
    base = merged2.packages;
    trust = mergeArtifactTrust(trust, manifest2.artifactTrust);
    mirrors = mergeMirrorInfo(mirrors, manifest2.mirrors);
  }
  const withdrawal = withdrawEntries(base ?? {}, options.withdrawals ?? [], options.now);
  const release = releaseEntries(options.release);
  warnings.push(...release.warnings);
  const merged = mergeRelease(withdrawal.packages, release.packages, {
    ...options.currentMirrorUrls ? { currentMirrorUrls: options.currentMirrorUrls } : {},
    ...options.newRevision ? { newRevision: true } : {}
  });
  warnings.push(...merged.warnings);
  const artifactTrust = mergeArtifactTrust(trust, options.artifactTrust);
  const changes = [...withdrawal.changes, ...merged.changes];
  const candidate = {
    ...artifactTrust ? { artifactTrust } : {},
    ...mirrors ? { mirrors } : {},
    packages: sortPackages(merged.packages)
  };
  const reasons = [];
  if (withdrawal.withdrawn.length > 0) reasons.push(`${withdrawal.withdrawn.length} revision(s) withdrawn`);
  if (merged.changes.length > 0) reasons.push(`${merged.changes.length} entr${merged.changes.length === 1 ? "y" : "ies"} changed by the release`);
  if (restored.length > 0) {
    const from = [...new Set(present.filter((e) => e.record).map((e) => e.source))];
    reasons.push(`${restored.length} entr${restored.length === 1 ? "y" : "ies"} restored from ${from.join(", ")}`);
  }
  const versions = present.map((e) => e.manifest.version);
  const previousVersion = versions.length > 0 ? Math.max(...versions) : void 0;
  const newestPointerVersion = pointers.length > 0 ? Math.max(...pointers.map((e) => e.manifest.version)) : void 0;
  if (pointers.length === 0) reasons.push("no manifest published yet");
  else {
    for (const e of options.existing) if (!e.record && !e.manifest) reasons.push(`mirror ${e.source} has no manifest yet`);
  }
  const content = contentOf(candidate);
  for (const { source, manifest: manifest2, storedSchemaVersion } of pointers) {
    if (manifest2.version !== newestPointerVersion) reasons.push(`mirror ${source} is behind (version ${manifest2.version} of ${newestPointerVersion})`);
    else if ((storedSchemaVersion ?? MANIFEST_SCHEMA_VERSION) !== MANIFEST_SCHEMA_VERSION) {
      reasons.push(`mirror ${source} holds schemaVersion ${storedSchemaVersion}: rewritten as ${MANIFEST_SCHEMA_VERSION}`);
    } else if (contentOf(manifest2) !== content && changes.length === 0 && restored.length === 0) {
      reasons.push(`mirror ${source} lacks something another mirror or the release has`);
    }
  }
  const now = options.now.getTime();
  if (pointers.length > 0) {
    const soonest = Math.min(...pointers.map((e) => Date.parse(e.manifest.expires)));
    if (soonest - now < renewWithinDays * DAY_MS) reasons.push(`expires ${new Date(soonest).toISOString()}, within ${renewWithinDays} days: renewed`);
  }
  const changed = reasons.length > 0;
  const result = { reasons, previousVersion, restored, withdrawn: withdrawal.withdrawn, alreadyWithdrawn: withdrawal.alreadyWithdrawn, warnings };
  const newest = pointers.find((e) => e.manifest.version === newestPointerVersion)?.manifest;
  if (!changed && newest) return { ...result, changed, manifest: newest, changes: [] };
  const version = Math.max((previousVersion ?? 0) + 1, options.minVersion ?? 1);
  const manifest = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    version,
    expires: new Date(now + expiresInDays * DAY_MS).toISOString(),
    ...candidate
  };
  return { ...result, changed, manifest, changes };
}
function sortPackages(packages) {
  const out = {};
  for (const name of Object.keys(packages).sort()) {
    const versions = packages[name];
    out[name] = {};
    for (const version of Object.keys(versions).sort(compareVersions)) out[name][version] = versions[version];
  }
  return out;
}

// packages/manifest/src/store.ts
import { createHash as createHash2 } from "node:crypto";
var MANIFEST_KEY = "manifest.json";
var MANIFEST_VERSIONS_PREFIX = "manifests/";
function manifestVersionKey(version, id) {
  return `${MANIFEST_VERSIONS_PREFIX}manifest-${version}${id === void 0 ? "" : `.${id}`}.json`;
}
var VERSION_KEY = /^manifests\/manifest-([1-9][0-9]{0,15})(?:\.([0-9a-f]{8,64}))?\.json$/;
function parseManifestVersionKey(key) {
  const m = VERSION_KEY.exec(key);
  if (!m) return void 0;
  const version = Number(m[1]);
  if (!Number.isSafeInteger(version)) return void 0;
  return m[2] === void 0 ? { version } : { version, id: m[2] };
}
function manifestBundleKey(key) {
  return `${key}.sigstore.json`;
}
var MANIFEST_CONTENT_TYPE = "application/json";
var MANIFEST_POINTER_CACHE_CONTROL = "public, max-age=60";
var MANIFEST_VERSION_CACHE_CONTROL = "public, max-age=31536000, immutable";
function preconditionFailed(key, detail) {
  return new PotionsError(ManifestErrorCode.PreconditionFailed, `conditional write of ${key} refused: ${detail}`);
}
function isPreconditionFailed(err) {
  return hasCode(err, ManifestErrorCode.PreconditionFailed) || hasCode(err, MirrorsErrorCode.PreconditionFailed);
}
function sha256Hex(bytes) {
  return createHash2("sha256").update(bytes).digest("hex");
}

// packages/manifest/src/mirror-store.ts
function manifestStoreFromMirror(target) {
  return {
    conditionalWrites: target.conditionalWrites,
    async get(key) {
      const found = await target.getObject(key);
      return found ? { bytes: found.bytes, etag: found.etag } : void 0;
    },
    async list(prefix) {
      return (await target.list(prefix)).map((o) => ({ key: o.key, ...o.etag !== void 0 ? { etag: o.etag } : {} }));
    },
    async put(key, bytes, options) {
      try {
        return await target.putObject(key, bytes, {
          contentType: options.contentType,
          cacheControl: options.cacheControl,
          ...options.ifMatch !== void 0 ? { ifMatch: options.ifMatch } : {},
          ...options.ifNoneMatch !== void 0 ? { ifNoneMatch: options.ifNoneMatch } : {}
        });
      } catch (err) {
        if (hasCode(err, MirrorsErrorCode.PreconditionFailed)) {
          throw Object.assign(preconditionFailed(`${target.name}:${key}`, err.message), { cause: err });
        }
        throw err;
      }
    }
  };
}

// packages/manifest/src/publish.ts
import { randomBytes } from "node:crypto";

// packages/manifest/src/salvage.ts
var SALVAGED_EXPIRES = "1970-01-01T00:00:00.000Z";
async function salvageManifest(bytes, trustedKeys) {
  let body;
  try {
    body = (await verifyManifestSignature(bytes, { trustedKeys })).body;
  } catch {
    return void 0;
  }
  try {
    return manifestFromSignedBody(body);
  } catch {
  }
  const version = typeof body.version === "number" && Number.isSafeInteger(body.version) && body.version >= 1 ? body.version : 1;
  let packages = {};
  if (body.schemaVersion === 1) {
    const v1 = ManifestV1Schema.shape.packages.safeParse(body.packages);
    if (v1.success) packages = upgradeManifestV1({ schemaVersion: 1, version, expires: SALVAGED_EXPIRES, packages: v1.data }).packages;
  } else if (body.schemaVersion === MANIFEST_SCHEMA_VERSION) {
    const v2 = PackagesSchema.safeParse(body.packages);
    if (v2.success) packages = v2.data;
  }
  const trust = SigningTrustSchema.safeParse(body.artifactTrust);
  const mirrors = external_exports.array(MirrorInfoSchema).safeParse(body.mirrors);
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    version,
    expires: SALVAGED_EXPIRES,
    ...trust.success && body.artifactTrust !== void 0 ? { artifactTrust: trust.data } : {},
    ...mirrors.success && body.mirrors !== void 0 ? { mirrors: mirrors.data } : {},
    packages
  };
}

// packages/manifest/src/publish.ts
var LostRace = class extends Error {
  constructor(version, report) {
    super(`lost a race publishing manifest version ${version}`);
    this.version = version;
    this.report = report;
  }
  version;
  report;
};
var MAX_COPIES_READ = 16;
function errorInfo(err) {
  const code = typeof err?.code === "string" ? err.code : ManifestErrorCode.Store;
  return { code, message: errorMessage(err) };
}
function conditional(mirror) {
  return mirror.store.conditionalWrites !== false;
}
var lostRace = (detail) => Object.assign(new Error(detail), { code: ManifestErrorCode.PreconditionFailed });
async function publishManifest(options) {
  const reporter = options.reporter ?? silentReporter;
  const now = (options.now ?? systemNow)();
  const trustedKeys = options.trustedKeys ?? (isVerifier(options.signer) ? [options.signer] : []);
  const randomId = options.randomId ?? (() => randomBytes(6).toString("hex"));
  let minVersion = 1;
  let rounds = 0;
  const firstListing = /* @__PURE__ */ new Map();
  const ownCopies = /* @__PURE__ */ new Map();
  const planFor = (existing, min) => planManifestPublish({
    existing,
    release: options.release,
    ...options.withdrawals ? { withdrawals: options.withdrawals } : {},
    ...options.artifactTrust ? { artifactTrust: options.artifactTrust } : {},
    ...options.newRevision ? { newRevision: true } : {},
    now,
    ...options.expiresInDays !== void 0 ? { expiresInDays: options.expiresInDays } : {},
    ...options.renewWithinDays !== void 0 ? { renewWithinDays: options.renewWithinDays } : {},
    minVersion: min,
    ...options.currentMirrorUrls ? { currentMirrorUrls: options.currentMirrorUrls } : {}
  });
  const verify = (bytes, source) => verifyManifest(bytes, { trustedKeys, now: () => now, allowExpired: true, source });
  const readMirror = async (mirror) => {
    let stored;
    let listing;
    try {
      [stored, listing] = await Promise.all([mirror.store.get(MANIFEST_KEY), mirror.store.list(MANIFEST_VERSIONS_PREFIX)]);
    } catch (err) {
      return { mirror, ok: false, error: errorInfo(err) };
    }
    let pointer;
    let unreadablePointer;
    const merged = [];
    if (stored) {
      try {
        const v = await verify(stored.bytes, `${MANIFEST_KEY} on mirror ${mirror.name}`);
        pointer = { manifest: v.manifest, storedSchemaVersion: v.storedSchemaVersion, ...v.envelope ? { envelope: v.envelope } : {} };
      } catch (err) {
        if (!options.recover) {
          return { mirror, ok: false, error: { code: ManifestErrorCode.ExistingUntrusted, message: `refusing to merge into it: ${errorMessage(err)}` } };
        }
        const salvaged = await salvageManifest(stored.bytes, trustedKeys);
        unreadablePointer = { message: errorMessage(err), ...salvaged ? { version: salvaged.version } : {} };
        if (salvaged) merged.push({ key: MANIFEST_KEY, manifest: salvaged });
      }
    }
    const copies = listing.flatMap((l) => {
      const parsed = parseManifestVersionKey(l.key);
      return parsed ? [{ ...l, version: parsed.version }] : [];
    });
    const first = firstListing.get(mirror.name) ?? new Set(copies.map((c) => c.key));
    firstListing.set(mirror.name, first);
    const own = ownCopies.get(mirror.name) ?? /* @__PURE__ */ new Set();
    const wanted = options.recover?.allVersions ? [...copies].sort((a, b) => b.version - a.version) : copiesToMerge(copies, pointer?.manifest.version, stored?.etag, first, own);
    const unreadable = [];
    for (const copy of wanted) {
      try {
        const got = await mirror.store.get(copy.key);
        if (!got) continue;
        merged.push({ key: copy.key, manifest: (await verify(got.bytes, `${copy.key} on mirror ${mirror.name}`)).manifest });
        if (!pointer && !options.recover?.allVersions) break;
      } catch (err) {
        unreadable.push({ key: copy.key, message: errorMessage(err) });
        if (!options.recover) continue;
        const got = await mirror.store.get(copy.key).catch(() => void 0);
        const salvaged = got ? await salvageManifest(got.bytes, trustedKeys) : void 0;
        if (salvaged) merged.push({ key: copy.key, manifest: salvaged });
      }
    }
    return {
      mirror,
      ok: true,
      ...stored ? { etag: stored.etag } : {},
      ...pointer ? { pointer } : {},
      ...unreadablePointer ? { unreadablePointer } : {},
      copies,
      merged,
      unreadable
    };
  };
  const round = async () => {
    rounds++;
    const reads = await Promise.all(options.mirrors.map(readMirror));
    const failed = reads.filter((r) => !r.ok).map((r) => ({ name: r.mirror.name, status: "failed", error: r.error, conditionalWrites: conditional(r.mirror) }));
    const readable = reads.filter((r) => r.ok);
    const warnings = failed.map((f) => `mirror ${f.name}: ${f.error.message}`);
    for (const r of readable) {
      for (const u of r.unreadable) warnings.push(`mirror ${r.mirror.name}: the version copy ${u.key} cannot be used (${u.message}); its version number stays taken`);
      if (!conditional(r.mirror)) {
        warnings.push(
          `mirror ${r.mirror.name} does not support conditional writes: its version copies get names of their own and every publish checks its write afterwards, but serialise publishes with a workflow concurrency group to keep retries rare`
        );
      }
    }
    const order = (results) => options.mirrors.map((m) => results.find((r) => r.name === m.name));
    if (readable.length === 0) {
      return { ok: false, changed: false, version: void 0, plan: void 0, envelope: void 0, mirrors: order(failed), warnings, rounds };
    }
    const existing = readable.flatMap((r) => [
      { source: r.mirror.name, manifest: r.pointer?.manifest, ...r.pointer ? { storedSchemaVersion: r.pointer.storedSchemaVersion } : {} },
      ...r.merged.map((m) => ({ source: `${m.key} on mirror ${r.mirror.name}`, manifest: m.manifest, record: true }))
    ]);
    const taken = Math.max(0, ...readable.flatMap((r) => [...r.copies.map((c) => c.version), r.unreadablePointer?.version ?? 0]));
    if (options.recover && !readable.some((r) => r.pointer || r.merged.length > 0)) {
      throw new UserError(ManifestErrorCode.NothingToRecover, "no mirror holds a manifest or a version copy that a trusted key signed: there is nothing to recover from", {
        hint: "check the trusted keys (the old key, if the key was rotated) and the mirrors configuration"
      });
    }
    const plan = planFor(existing, Math.max(minVersion, taken + 1));
    warnings.push(...plan.warnings);
    plan.reasons.unshift(
      ...readable.flatMap((r) => r.unreadablePointer ? [`mirror ${r.mirror.name}: ${MANIFEST_KEY} cannot be read (${r.unreadablePointer.message}); replaced`] : [])
    );
    const version = plan.manifest.version;
    if (!plan.changed) {
      const envelope2 = readable.find((r) => r.pointer?.manifest.version === version)?.pointer?.envelope;
      const unchanged = readable.map((r) => ({ name: r.mirror.name, status: "unchanged", version, conditionalWrites: conditional(r.mirror) }));
      return { ok: true, changed: false, version, plan, envelope: envelope2, mirrors: order([...unchanged, ...failed]), warnings, rounds };
    }
    const envelope = await signManifest(plan.manifest, options.signer);
    if (options.dryRun) {
      const planned = readable.map((r) => ({ name: r.mirror.name, status: "planned", version, conditionalWrites: conditional(r.mirror) }));
      return { ok: true, changed: true, version, plan, envelope, mirrors: order([...planned, ...failed]), warnings, rounds };
    }
    const bytes = encodeSignedManifest(envelope);
    const bundle = options.manifestBundle ? await options.manifestBundle(bytes) : void 0;
    let lost = false;
    const written = await Promise.all(
      readable.map(async (r) => {
        const cas = conditional(r.mirror);
        const base = { name: r.mirror.name, conditionalWrites: cas };
        const versionKey = cas ? manifestVersionKey(version) : manifestVersionKey(version, randomId());
        try {
          if (cas) await writeWithCas(r, versionKey, bytes);
          else await writeWithoutCas(r, versionKey, bytes, plan.manifest);
          if (bundle !== void 0) {
            const problem = await writeBundles(r.mirror, [versionKey, MANIFEST_KEY], bundle);
            if (problem) warnings.push(`mirror ${r.mirror.name}: the manifest's Sigstore bundle was not written (${problem}); the manifest itself was`);
          }
          reporter.info(`manifest version ${version} written to mirror ${r.mirror.name}`);
          return { ...base, status: "written", version, versionKey };
        } catch (err) {
          if (isPreconditionFailed(err)) lost = true;
          return { ...base, status: "failed", error: errorInfo(err) };
        }
      })
    );
    const report = {
      ok: written.some((w) => w.status === "written"),
      changed: true,
      version,
      plan,
      envelope,
      mirrors: order([...written, ...failed]),
      warnings,
      rounds
    };
    if (lost) throw new LostRace(version, report);
    return report;
  };
  const writeWithCas = async (r, versionKey, bytes) => {
    const { store } = r.mirror;
    await store.put(versionKey, bytes, { ifNoneMatch: "*", contentType: MANIFEST_CONTENT_TYPE, cacheControl: MANIFEST_VERSION_CACHE_CONTROL });
    ownOf(r).add(versionKey);
    await store.put(MANIFEST_KEY, bytes, {
      ...r.etag !== void 0 ? { ifMatch: r.etag } : { ifNoneMatch: "*" },
      contentType: MANIFEST_CONTENT_TYPE,
      cacheControl: MANIFEST_POINTER_CACHE_CONTROL
    });
  };
  const writeWithoutCas = async (r, versionKey, bytes, written) => {
    const { store, name } = r.mirror;
    await store.put(versionKey, bytes, { contentType: MANIFEST_CONTENT_TYPE, cacheControl: MANIFEST_VERSION_CACHE_CONTROL });
    ownOf(r).add(versionKey);
    const before = await store.get(MANIFEST_KEY);
    if (before?.etag !== r.etag) throw lostRace(`${name}: ${MANIFEST_KEY} changed since it was read`);
    await store.put(MANIFEST_KEY, bytes, { contentType: MANIFEST_CONTENT_TYPE, cacheControl: MANIFEST_POINTER_CACHE_CONTROL });
    const seen = /* @__PURE__ */ new Set([...firstListing.get(name) ?? [], ...r.copies.map((c) => c.key), ...ownOf(r)]);
    const strangers = (await store.list(MANIFEST_VERSIONS_PREFIX)).filter((l) => parseManifestVersionKey(l.key) && !seen.has(l.key));
    for (const stranger of strangers) {
      const got = await store.get(stranger.key);
      const theirs = got ? await verify(got.bytes, `${stranger.key} on mirror ${name}`).then((v) => v.manifest, () => void 0) : void 0;
      if (theirs && !manifestHolds(written, theirs)) throw lostRace(`${name}: another publisher wrote ${stranger.key} meanwhile, with entries ${MANIFEST_KEY} lacks`);
    }
    const after = await store.get(MANIFEST_KEY);
    if (after && sha256Hex(after.bytes) !== sha256Hex(bytes)) {
      let holdsOurs;
      try {
        const theirs = (await verify(after.bytes, `${MANIFEST_KEY} on mirror ${name}`)).manifest;
        holdsOurs = !planFor([{ source: name, manifest: theirs }], 1).changed;
      } catch {
        holdsOurs = false;
      }
      if (!holdsOurs) throw lostRace(`${name}: ${MANIFEST_KEY} was replaced meanwhile by one that does not hold this publish`);
    }
  };
  const ownOf = (r) => {
    const set = ownCopies.get(r.mirror.name) ?? /* @__PURE__ */ new Set();
    ownCopies.set(r.mirror.name, set);
    return set;
  };
  try {
    return await retry(round, {
      attempts: options.attempts ?? 6,
      baseMs: 50,
      maxMs: 2e3,
      sleep: options.sleep,
      shouldRetry: (err) => err instanceof LostRace,
      onRetry: ({ err, delayMs }) => {
        const race = err;
        minVersion = race.version + 1;
        reporter.info(`another publish changed the manifest meanwhile; reading it again and merging from the newest state (retry in ${delayMs} ms)`);
      }
    });
  } catch (err) {
    if (!(err instanceof LostRace)) throw err;
    const report = err.report;
    for (const m of report.mirrors) {
      if (m.status === "failed" && m.error?.code === ManifestErrorCode.PreconditionFailed) {
        m.error = {
          code: ManifestErrorCode.ConflictRetriesExhausted,
          message: `other publishes kept changing the manifest; gave up after ${report.rounds} rounds (${m.error.message})`
        };
      }
    }
    report.ok = report.mirrors.some((m) => m.status === "written");
    return report;
  }
}
function copiesToMerge(copies, pointerVersion, pointerEtag, first, own) {
  const newestFirst = [...copies].filter((c) => !own.has(c.key)).sort((a, b) => b.version - a.version || (a.key < b.key ? -1 : 1));
  const wanted = pointerVersion === void 0 ? newestFirst : newestFirst.filter(
    (c) => !first.has(c.key) || c.version >= pointerVersion - 1 && !(c.etag !== void 0 && pointerEtag !== void 0 && c.etag === pointerEtag)
  );
  return wanted.slice(0, MAX_COPIES_READ);
}
async function writeBundles(mirror, keys, bundle) {
  try {
    for (const key of keys) {
      await mirror.store.put(manifestBundleKey(key), new TextEncoder().encode(bundle), {
        contentType: "application/json",
        cacheControl: key === MANIFEST_KEY ? MANIFEST_POINTER_CACHE_CONTROL : MANIFEST_VERSION_CACHE_CONTROL
      });
    }
    return void 0;
  } catch (err) {
    return errorMessage(err);
  }
}
function isVerifier(value) {
  return typeof value.verify === "function" && typeof value.keyid === "string";
}

// packages/manifest/src/publish-release.ts
function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
function releaseRows(packages, release, mirrorOfUrl = {}) {
  const rows = [];
  for (const p of release.packages) {
    const entries = packages[p.name]?.[p.version];
    if (!entries) continue;
    for (const platform of PLATFORMS) {
      const e = entries[platform];
      if (!e) continue;
      if (e.status !== "unavailable") {
        const first = e.artifacts[0];
        rows.push({
          name: p.name,
          version: p.version,
          platform,
          status: e.status,
          revision: e.revision,
          sha256: first.sha256,
          ...e.status === "withdrawn" ? { reason: e.reason } : {},
          mirrors: first.urls.map((u) => mirrorOfUrl[u] ?? hostOf(u))
        });
      } else {
        rows.push({ name: p.name, version: p.version, platform, status: "unavailable", reason: e.reason, mirrors: [] });
      }
    }
  }
  return rows;
}
var NO_MIRROR = {
  ok: false,
  changed: false,
  version: void 0,
  plan: void 0,
  envelope: void 0,
  rounds: 0
};
async function publishToOpenedMirrors(mirrors, options) {
  const usable = mirrors.flatMap((m) => m.target ? [{ name: m.config.name, target: m.target }] : []);
  const published = usable.length > 0 ? await publishManifest({
    ...options,
    release: options.release ?? { packages: [] },
    mirrors: usable.map(({ name, target }) => ({ name, store: manifestStoreFromMirror(target) })),
    // URLs of mirrors no longer configured (a local mirror that moved to another port) are dropped
    // for the files this release names; publicUrl(m, '') is the base every object URL of m starts with.
    currentMirrorUrls: mirrors.map((m) => publicUrl(m.config, ""))
  }) : { ...NO_MIRROR, mirrors: [], warnings: [] };
  const report = withUnopenedMirrors(published, mirrors);
  const urlOf = new Map(usable.map(({ name, target }) => [name, target.url(MANIFEST_KEY)]));
  return {
    report,
    manifestUrls: report.mirrors.filter((m) => m.status === "written" || m.status === "unchanged" || m.status === "planned").map((m) => ({ mirror: m.name, url: urlOf.get(m.name) }))
  };
}
function commonOptions(o) {
  return {
    signer: o.signer,
    ...o.trustedKeys ? { trustedKeys: o.trustedKeys } : {},
    ...o.now ? { now: o.now } : {},
    ...o.expiresInDays !== void 0 ? { expiresInDays: o.expiresInDays } : {},
    ...o.manifestBundle ? { manifestBundle: o.manifestBundle } : {},
    dryRun: o.dryRun ?? false,
    ...o.reporter ? { reporter: o.reporter } : {}
  };
}
async function publishRelease(options) {
  const built = releaseFromArtifacts({
    metadata: options.metadata,
    ...options.sync ? { sync: options.sync } : {},
    ...options.syncSource !== void 0 ? { syncSource: options.syncSource } : {},
    ...options.artifactsSource !== void 0 ? { artifactsSource: options.artifactsSource } : {},
    ...options.allowEmpty ? { allowEmpty: true } : {},
    ...options.platforms ? { platforms: options.platforms } : {},
    ...options.failures ? { failures: options.failures } : {},
    ...options.checks ? { checks: options.checks } : {}
  });
  if (options.expiresInDays !== void 0) assertExpiresInDays(options.expiresInDays);
  const { report, manifestUrls } = await publishToOpenedMirrors(options.mirrors, {
    ...commonOptions(options),
    release: built.release,
    ...options.artifactTrust ? { artifactTrust: options.artifactTrust } : {},
    ...options.newRevision ? { newRevision: true } : {}
  });
  const packages = report.plan?.manifest.packages ?? releaseEntries(built.release).packages;
  return {
    report,
    release: built.release,
    warnings: [...built.warnings, ...report.warnings],
    rows: releaseRows(packages, built.release, built.mirrorOfUrl),
    manifestUrls
  };
}
async function withdrawRelease(options) {
  const withdrawals = assertWithdrawRequests(options.withdrawals);
  if (withdrawals.length === 0) throw new UserError(ManifestErrorCode.WithdrawInvalid, "nothing to withdraw: give at least one package version");
  if (options.expiresInDays !== void 0) assertExpiresInDays(options.expiresInDays);
  const { report, manifestUrls } = await publishToOpenedMirrors(options.mirrors, { ...commonOptions(options), withdrawals });
  return {
    report,
    withdrawn: report.plan?.withdrawn ?? [],
    alreadyWithdrawn: report.plan?.alreadyWithdrawn ?? [],
    warnings: report.warnings,
    manifestUrls
  };
}
function withUnopenedMirrors(report, mirrors) {
  const unopened = mirrors.flatMap((m) => m.error ? [{ name: m.config.name, error: m.error }] : []);
  if (unopened.length === 0) return report;
  const all = [
    ...report.mirrors,
    ...unopened.map((u) => ({ name: u.name, status: "failed", error: u.error, conditionalWrites: false }))
  ];
  return {
    ...report,
    mirrors: mirrors.map((m) => all.find((r) => r.name === m.config.name)).filter((r) => r !== void 0),
    warnings: [...report.warnings, ...unopened.map((u) => `mirror ${u.name}: ${u.error.message}`)]
  };
}
async function recoverManifest(options) {
  if (options.expiresInDays !== void 0) assertExpiresInDays(options.expiresInDays);
  const { report, manifestUrls } = await publishToOpenedMirrors(options.mirrors, {
    ...commonOptions(options),
    recover: { ...options.allVersions ? { allVersions: true } : {} }
  });
  return { report, warnings: report.warnings, manifestUrls };
}

export {
  BuildChecksSchema,
  artifactMetadataFileFromBytes,
  readArtifactMetadataDir,
  readSyncResultFile,
  buildFailuresFromJson,
  DEFAULT_EXPIRES_IN_DAYS,
  EXPIRES_IN_DAYS_RANGE,
  MANIFEST_KEY,
  manifestStoreFromMirror,
  publishRelease,
  withdrawRelease,
  recoverManifest
};
