import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  ArtifactFormatSchema,
  BuildFactsSchema,
  MANIFEST_SCHEMA_VERSION,
  ManifestErrorCode,
  PackageNameSchema,
  PlatformSchema,
  Sha256Schema,
  UnavailableEntrySchema,
  UrlSchema,
  VersionSchema,
  canonicalJson,
  encodeSignedManifest,
  formatIssues,
  signManifest,
  verifyManifest
} from "./chunk-WZ5ZB2HY.mjs";
import {
  MirrorsErrorCode,
  publicUrl
} from "./chunk-HYGGJBIW.mjs";
import {
  ArtifactMetadataViewSchema
} from "./chunk-MVPDWXOW.mjs";
import {
  compareVersions
} from "./chunk-55UCJZ7D.mjs";
import {
  retry
} from "./chunk-L5QZX5WR.mjs";
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
  PotionsError,
  UserError,
  errorMessage,
  hasCode,
  silentReporter
} from "./chunk-HUJ2RKNL.mjs";

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
            sboms: external_exports.array(external_exports.strictObject({ format: external_exports.string().regex(/^[a-z0-9][a-z0-9.-]*$/), ...releaseFileShape })).optional()
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
  const entry = {
    status: "available",
    build: input.build,
    artifacts,
    metadata: { file: input.metadata.file, sha256: input.metadata.sha256, size: input.metadata.size, urls: dedupe(input.metadata.urls) },
    ...sboms.length > 0 ? { sboms } : {}
  };
  return entry;
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
function mergeManifest(existing, incoming, options = {}) {
  const label = options.incomingLabel ?? "the release";
  const packages = clone(existing ?? {});
  const changes = [];
  const warnings = [];
  for (const [name, versions] of Object.entries(incoming)) {
    const outVersions = packages[name] ??= {};
    for (const [version, platforms] of Object.entries(versions)) {
      const current = outVersions[version];
      if (!current) {
        outVersions[version] = clone(platforms);
        for (const platform of PLATFORMS) {
          const entry = platforms[platform];
          changes.push({
            name,
            version,
            platform,
            kind: "added",
            detail: entry.status === "available" ? entry.artifacts.map((a) => a.file).join(", ") : `unavailable: ${entry.reason}`
          });
        }
        continue;
      }
      const merged = {};
      for (const platform of PLATFORMS) {
        const ctx = { name, version, platform, label, changes, warnings, currentMirrorUrls: options.currentMirrorUrls };
        merged[platform] = mergeEntry(current[platform], platforms[platform], ctx);
      }
      outVersions[version] = merged;
    }
  }
  return { packages, changed: changes.length > 0, changes, warnings };
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
function where(ctx) {
  return `${ctx.name}@${ctx.version} ${ctx.platform}`;
}
function change(ctx, kind, detail) {
  ctx.changes.push({ name: ctx.name, version: ctx.version, platform: ctx.platform, kind, detail });
}
function mergeEntry(current, incoming, ctx) {
  if (!current) {
    change(ctx, "added", incoming.status === "available" ? incoming.artifacts.map((a) => a.file).join(", ") : `unavailable: ${incoming.reason}`);
    return clone(incoming);
  }
  if (current.status === "unavailable") {
    if (incoming.status === "available") {
      change(ctx, "became-available", incoming.artifacts.map((a) => a.file).join(", "));
      return clone(incoming);
    }
    if (incoming.reason !== current.reason && incoming.reason !== NOT_BUILT_REASON) {
      change(ctx, "reason-updated", incoming.reason);
      return clone(incoming);
    }
    return current;
  }
  if (incoming.status === "unavailable") {
    ctx.warnings.push(`${where(ctx)}: ${ctx.label} says unavailable (${incoming.reason}); the published artifact is kept`);
    return current;
  }
  return mergeAvailable(current, incoming, ctx);
}
function mergeAvailable(current, incoming, ctx) {
  const out = clone(current);
  for (const inArtifact of incoming.artifacts) {
    const index = out.artifacts.findIndex((a) => a.format === inArtifact.format);
    if (index < 0) {
      out.artifacts.push(clone(inArtifact));
      change(ctx, "format-added", inArtifact.file);
      continue;
    }
    const published = out.artifacts[index];
    if (published.sha256 !== inArtifact.sha256) {
      throw new UserError(
        ManifestErrorCode.DigestChanged,
        `${where(ctx)} ${inArtifact.format} is already published with sha256 ${published.sha256} (${published.file}); ${ctx.label} has sha256 ${inArtifact.sha256} (${inArtifact.file}). A published artifact's digest never changes`,
        {
          location: { field: `packages.${ctx.name}.${ctx.version}.${ctx.platform}.artifacts.${inArtifact.format}` },
          hint: "make the build reproducible, or publish the change as a new version"
        }
      );
    }
    assertSameFile(published, inArtifact, `${inArtifact.format} artifact`, ctx);
    out.artifacts[index] = mergeArtifact(published, inArtifact, ctx);
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

// packages/manifest/src/plan.ts
var DAY_MS = 864e5;
var DEFAULT_EXPIRES_IN_DAYS = 90;
function planManifestPublish(options) {
  const expiresInDays = options.expiresInDays ?? DEFAULT_EXPIRES_IN_DAYS;
  if (!(expiresInDays > 0)) throw new RangeError(`expiresInDays must be positive, got ${expiresInDays}`);
  const renewWithinDays = options.renewWithinDays ?? expiresInDays / 3;
  const warnings = [];
  const present = options.existing.filter((e) => e.manifest !== void 0);
  let base;
  for (const { source, manifest: manifest2 } of present) {
    const merged2 = mergeManifest(base, manifest2.packages, { incomingLabel: `the manifest on mirror ${source}` });
    warnings.push(...merged2.warnings);
    base = merged2.packages;
  }
  const release = releaseEntries(options.release);
  warnings.push(...release.warnings);
  const merged = mergeManifest(base, release.packages, options.currentMirrorUrls ? { currentMirrorUrls: options.currentMirrorUrls } : {});
  warnings.push(...merged.warnings);
  const reasons = [];
  if (merged.changes.length > 0) reasons.push(`${merged.changes.length} entr${merged.changes.length === 1 ? "y" : "ies"} changed by the release`);
  const versions = present.map((e) => e.manifest.version);
  const previousVersion = versions.length > 0 ? Math.max(...versions) : void 0;
  if (present.length === 0) reasons.push("no manifest published yet");
  else {
    for (const e of options.existing) if (!e.manifest) reasons.push(`mirror ${e.source} has no manifest yet`);
  }
  const packagesJson = canonicalJson(merged.packages);
  for (const { source, manifest: manifest2 } of present) {
    if (manifest2.version !== previousVersion) reasons.push(`mirror ${source} is behind (version ${manifest2.version} of ${previousVersion})`);
    else if (canonicalJson(manifest2.packages) !== packagesJson && merged.changes.length === 0) {
      reasons.push(`mirror ${source} lacks entries another mirror has`);
    }
  }
  const now = options.now.getTime();
  const soonest = Math.min(...present.map((e) => Date.parse(e.manifest.expires)));
  if (present.length > 0 && soonest - now < renewWithinDays * DAY_MS) {
    reasons.push(`expires ${new Date(soonest).toISOString()}, within ${renewWithinDays} days: renewed`);
  }
  const changed = reasons.length > 0;
  const newest = present.find((e) => e.manifest.version === previousVersion)?.manifest;
  if (!changed && newest) {
    return { changed, reasons, manifest: newest, previousVersion, changes: [], warnings };
  }
  const version = Math.max((previousVersion ?? 0) + 1, options.minVersion ?? 1);
  const manifest = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    version,
    expires: new Date(now + expiresInDays * DAY_MS).toISOString(),
    packages: sortPackages(merged.packages)
  };
  return { changed, reasons, manifest, previousVersion, changes: merged.changes, warnings };
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

// packages/manifest/src/from-artifacts.ts
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
var ARTIFACT_METADATA_FILE = /\.tar\.(gz|zst)\.json$/;
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
    const builder = m.builder ? `${m.builder.name} ${m.builder.version} on ${m.platform}`.slice(0, 512) : void 0;
    pkg.platforms[m.platform] = {
      status: "available",
      build: { version: m.version, platform: m.platform, builtAt: m.builtAt, method: m.method, ...builder ? { builder } : {} },
      artifacts: verified.length > 0 ? verified : artifacts,
      metadata: metadataRef,
      ...sboms.length > 0 ? { sboms } : {}
    };
  }
  if (input.metadata.length > 0 && !named) {
    const files = input.metadata.map((m) => path.basename(m.file));
    throw invalid(
      `${syncSource} names none of the ${files.length} build(s) in ${artifactsSource} (${files.slice(0, 3).join(", ")}${files.length > 3 ? ", ..." : ""}): the sync result and the artifacts do not belong together`,
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

// packages/manifest/src/store.ts
var MANIFEST_KEY = "manifest.json";
function manifestVersionKey(version) {
  return `manifests/manifest-${version}.json`;
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

// packages/manifest/src/mirror-store.ts
function manifestStoreFromMirror(target) {
  return {
    conditionalWrites: target.conditionalWrites,
    async get(key) {
      const found = await target.getObject(key);
      return found ? { bytes: found.bytes, etag: found.etag } : void 0;
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
var LostRace = class extends Error {
  constructor(version, report) {
    super(`lost a race publishing manifest version ${version}`);
    this.version = version;
    this.report = report;
  }
  version;
  report;
};
function errorInfo(err) {
  const code = typeof err?.code === "string" ? err.code : ManifestErrorCode.Store;
  return { code, message: errorMessage(err) };
}
function conditional(mirror) {
  return mirror.store.conditionalWrites !== false;
}
async function publishManifest(options) {
  const reporter = options.reporter ?? silentReporter;
  const now = (options.now ?? systemNow)();
  const trustedKeys = options.trustedKeys ?? (isVerifier(options.signer) ? [options.signer] : []);
  let minVersion = 1;
  let rounds = 0;
  const readMirror = async (mirror) => {
    let stored;
    try {
      stored = await mirror.store.get(MANIFEST_KEY);
    } catch (err) {
      return { mirror, ok: false, error: errorInfo(err) };
    }
    if (!stored) return { mirror, ok: true };
    try {
      const verified = await verifyManifest(stored.bytes, {
        trustedKeys,
        now: () => now,
        allowExpired: true,
        source: `${MANIFEST_KEY} on mirror ${mirror.name}`
      });
      return { mirror, ok: true, etag: stored.etag, existing: { manifest: verified.manifest, envelope: verified.envelope } };
    } catch (err) {
      return {
        mirror,
        ok: false,
        error: {
          code: ManifestErrorCode.ExistingUntrusted,
          message: `refusing to merge into it: ${errorMessage(err)}`
        }
      };
    }
  };
  const round = async () => {
    rounds++;
    const reads = await Promise.all(options.mirrors.map(readMirror));
    const failed = reads.filter((r) => !r.ok).map((r) => ({ name: r.mirror.name, status: "failed", error: r.error, conditionalWrites: conditional(r.mirror) }));
    const readable = reads.filter((r) => r.ok);
    const warnings = failed.map((f) => `mirror ${f.name}: ${f.error.message}`);
    for (const r of readable) {
      if (!conditional(r.mirror)) {
        warnings.push(
          `mirror ${r.mirror.name} does not support conditional writes: concurrent publishes can lose entries unless the workflow serialises them with a concurrency group`
        );
      }
    }
    const order = (results) => options.mirrors.map((m) => results.find((r) => r.name === m.name));
    if (readable.length === 0) {
      return { ok: false, changed: false, version: void 0, plan: void 0, envelope: void 0, mirrors: order(failed), warnings, rounds };
    }
    const existing = readable.map((r) => ({ source: r.mirror.name, manifest: r.existing?.manifest }));
    const plan = planManifestPublish({
      existing,
      release: options.release,
      now,
      expiresInDays: options.expiresInDays,
      renewWithinDays: options.renewWithinDays,
      minVersion,
      ...options.currentMirrorUrls ? { currentMirrorUrls: options.currentMirrorUrls } : {}
    });
    warnings.push(...plan.warnings);
    const version = plan.manifest.version;
    if (!plan.changed) {
      const envelope2 = readable.find((r) => r.existing?.manifest.version === version)?.existing?.envelope;
      const unchanged = readable.map((r) => ({
        name: r.mirror.name,
        status: "unchanged",
        version,
        conditionalWrites: conditional(r.mirror)
      }));
      return { ok: true, changed: false, version, plan, envelope: envelope2, mirrors: order([...unchanged, ...failed]), warnings, rounds };
    }
    const envelope = await signManifest(plan.manifest, options.signer);
    if (options.dryRun) {
      const planned = readable.map((r) => ({
        name: r.mirror.name,
        status: "planned",
        version,
        conditionalWrites: conditional(r.mirror)
      }));
      return { ok: true, changed: true, version, plan, envelope, mirrors: order([...planned, ...failed]), warnings, rounds };
    }
    const bytes = encodeSignedManifest(envelope);
    let lost = false;
    const written = await Promise.all(
      readable.map(async (r) => {
        const base = { name: r.mirror.name, conditionalWrites: conditional(r.mirror) };
        const versionKey = manifestVersionKey(version);
        const cas = base.conditionalWrites;
        try {
          if (!cas && await r.mirror.store.get(versionKey)) throw preconditionFailed(versionKey, "an object already exists");
          await r.mirror.store.put(versionKey, bytes, {
            ...cas ? { ifNoneMatch: "*" } : {},
            contentType: MANIFEST_CONTENT_TYPE,
            cacheControl: MANIFEST_VERSION_CACHE_CONTROL
          });
          await r.mirror.store.put(MANIFEST_KEY, bytes, {
            ...!cas ? {} : r.etag !== void 0 ? { ifMatch: r.etag } : { ifNoneMatch: "*" },
            contentType: MANIFEST_CONTENT_TYPE,
            cacheControl: MANIFEST_POINTER_CACHE_CONTROL
          });
          reporter.info(`manifest version ${version} written to mirror ${r.mirror.name}`);
          return { ...base, status: "written", version };
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
        reporter.info(`another publish changed the manifest meanwhile; merging again (retry in ${delayMs} ms)`);
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
      if (e.status === "available") {
        const first = e.artifacts[0];
        rows.push({ name: p.name, version: p.version, platform, status: "available", sha256: first.sha256, mirrors: first.urls.map((u) => mirrorOfUrl[u] ?? hostOf(u)) });
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
async function publishRelease(options) {
  const built = releaseFromArtifacts({
    metadata: options.metadata,
    ...options.sync ? { sync: options.sync } : {},
    ...options.syncSource !== void 0 ? { syncSource: options.syncSource } : {},
    ...options.artifactsSource !== void 0 ? { artifactsSource: options.artifactsSource } : {},
    ...options.allowEmpty ? { allowEmpty: true } : {},
    ...options.platforms ? { platforms: options.platforms } : {},
    ...options.failures ? { failures: options.failures } : {}
  });
  const usable = options.mirrors.flatMap((m) => m.target ? [{ name: m.config.name, target: m.target }] : []);
  const published = usable.length > 0 ? await publishManifest({
    mirrors: usable.map(({ name, target }) => ({ name, store: manifestStoreFromMirror(target) })),
    release: built.release,
    signer: options.signer,
    ...options.trustedKeys ? { trustedKeys: options.trustedKeys } : {},
    ...options.now ? { now: options.now } : {},
    ...options.expiresInDays !== void 0 ? { expiresInDays: options.expiresInDays } : {},
    dryRun: options.dryRun ?? false,
    // URLs of mirrors no longer configured (a local mirror that moved to another port) are dropped
    // for the files this release names; publicUrl(m, '') is the base every object URL of m starts with.
    currentMirrorUrls: options.mirrors.map((m) => publicUrl(m.config, "")),
    ...options.reporter ? { reporter: options.reporter } : {}
  }) : { ...NO_MIRROR, mirrors: [], warnings: [] };
  const report = withUnopenedMirrors(published, options.mirrors);
  const packages = report.plan?.manifest.packages ?? releaseEntries(built.release).packages;
  const urlOf = new Map(usable.map(({ name, target }) => [name, target.url(MANIFEST_KEY)]));
  return {
    report,
    release: built.release,
    warnings: [...built.warnings, ...report.warnings],
    rows: releaseRows(packages, built.release, built.mirrorOfUrl),
    manifestUrls: report.mirrors.filter((m) => m.status === "written" || m.status === "unchanged" || m.status === "planned").map((m) => ({ mirror: m.name, url: urlOf.get(m.name) }))
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

export {
  DEFAULT_EXPIRES_IN_DAYS,
  artifactMetadataFileFromBytes,
  readArtifactMetadataDir,
  readSyncResultFile,
  buildFailuresFromJson,
  MANIFEST_KEY,
  manifestStoreFromMirror,
  publishRelease
};
