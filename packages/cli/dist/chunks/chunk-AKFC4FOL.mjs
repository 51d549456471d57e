import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  FileTrustStore,
  acceptManifest
} from "./chunk-F4HFO3XQ.mjs";
import {
  LocalKeySigner,
  MANIFEST_KEY,
  artifactMetadataFileFromBytes,
  generateManifestKey,
  localKeySignerFromEnv,
  manifestStoreFromMirror,
  publishRelease
} from "./chunk-YGORD7MQ.mjs";
import {
  ManifestErrorCode
} from "./chunk-WZ5ZB2HY.mjs";
import {
  DEFAULT_LOCAL_PORTS,
  closeMirrors,
  isLocalMirrorRunning,
  loadMirrorsConfig,
  localMirrorConfig,
  localObjectsFromFiles,
  openS3Mirrors,
  startLocalMirrors,
  syncToMirrors
} from "./chunk-GMYU5HAG.mjs";
import {
  LocalFolderBuildCache,
  buildFromRecipeRef,
  downloadToBuffer
} from "./chunk-C7ZYM2MT.mjs";
import {
  downloadFile
} from "./chunk-2YVOABRQ.mjs";
import {
  versionDepsFromEnv
} from "./chunk-6NSQX3CC.mjs";
import {
  compareVersions
} from "./chunk-55UCJZ7D.mjs";
import {
  systemNow
} from "./chunk-L5AWN5ZP.mjs";
import {
  PREFIX_PLACEHOLDER,
  relocateInstalled
} from "./chunk-DQAEFJAI.mjs";
import {
  extractArchive,
  findRecipe,
  loadRecipeOrThrow
} from "./chunk-T4C5SH2G.mjs";
import {
  isBuildError
} from "./chunk-OYLNMHQH.mjs";
import {
  PLATFORMS,
  hostPlatform
} from "./chunk-EE5EUXX6.mjs";
import {
  tempPathFor
} from "./chunk-E4RGEVCT.mjs";
import {
  UserError,
  errorMessage,
  hasCode,
  isUserError,
  silentReporter
} from "./chunk-HUJ2RKNL.mjs";

// packages/pipeline/src/errors.ts
var PipelineErrorCode = {
  /** A fetch or release option is malformed (names the option). */
  Options: "E_PIPELINE_OPTIONS",
  /** A manifest file cannot be read, or the check fetched other bytes than the release built. */
  Manifest: "E_PIPELINE_MANIFEST",
  /** The install folder exists and is not empty. */
  OutExists: "E_PIPELINE_OUT_EXISTS",
  /** The install folder is a file (or lies under one). */
  OutNotFolder: "E_PIPELINE_OUT_NOT_FOLDER",
  /** The install folder is `/`, the home folder, the current folder or one of its parents. */
  OutProtected: "E_PIPELINE_OUT_PROTECTED",
  /** The folder that would hold the install folder cannot be written. */
  OutNotWritable: "E_PIPELINE_OUT_NOT_WRITABLE",
  /** The running local mirrors hold a manifest signed by another key (another work folder's `mirrors serve`). */
  ForeignMirrors: "E_PIPELINE_FOREIGN_MIRRORS",
  /** The artifact's metadata file is not what the builder writes. */
  Metadata: "E_PIPELINE_METADATA",
  /** A smoke test of a fetched artifact failed. */
  Smoke: "E_PIPELINE_SMOKE",
  /** No trusted key was given and none was found. */
  NoTrustedKey: "E_PIPELINE_NO_TRUSTED_KEY",
  /** A local source folder cannot be served. */
  SourceDir: "E_PIPELINE_SOURCE_DIR"
};

// packages/pipeline/src/fetch-package.ts
import { promises as fs3 } from "node:fs";
import path3 from "node:path";

// packages/manifest/src/select.ts
var DEFAULT_FORMAT_PREFERENCE = ["tar.gz", "tar.zst"];
function selectArtifact(manifest, request) {
  const { name, platform } = request;
  const versions = manifest.packages[name];
  if (!versions) {
    const names = Object.keys(manifest.packages).sort();
    throw new UserError(ManifestErrorCode.NotFound, `the manifest has no package "${name}"`, {
      hint: names.length > 0 ? `it has ${names.length} packages: ${names.slice(0, 20).join(", ")}${names.length > 20 ? ", ..." : ""}` : "the manifest lists no packages yet"
    });
  }
  const known = Object.keys(versions).sort(compareVersions).reverse();
  let version = request.version;
  if (version === void 0) {
    version = known.find((v) => versions[v][platform].status === "available");
    if (version === void 0) {
      const latest = known[0];
      const entry2 = versions[latest][platform];
      throw new UserError(
        ManifestErrorCode.PlatformUnavailable,
        `${name} has no build for ${platform} in any version; the latest, ${latest}, is unavailable: ${entry2.status === "unavailable" ? entry2.reason : ""}`,
        { hint: availableElsewhere(versions[latest], name, latest) }
      );
    }
  }
  const platforms = versions[version];
  if (!platforms) {
    throw new UserError(ManifestErrorCode.NotFound, `the manifest has no version ${version} of ${name}`, {
      hint: `published versions: ${known.slice(0, 20).join(", ")}`
    });
  }
  const entry = platforms[platform];
  if (entry.status === "unavailable") {
    throw new UserError(ManifestErrorCode.PlatformUnavailable, `${name}@${version} is unavailable for ${platform}: ${entry.reason}`, {
      hint: availableElsewhere(platforms, name, version)
    });
  }
  const formats = request.formats ?? DEFAULT_FORMAT_PREFERENCE;
  const artifact = formats.map((f) => entry.artifacts.find((a) => a.format === f)).find((a) => a !== void 0);
  if (!artifact) {
    throw new UserError(
      ManifestErrorCode.NotFound,
      `${name}@${version} for ${platform} has no artifact in ${formats.join(" or ")}; it has ${entry.artifacts.map((a) => a.format).join(", ")}`
    );
  }
  return {
    name,
    version,
    platform,
    format: artifact.format,
    file: artifact.file,
    sha256: artifact.sha256,
    size: artifact.size,
    urls: [...artifact.urls],
    ...artifact.signatureBundle ? { signatureBundle: artifact.signatureBundle } : {},
    metadata: entry.metadata,
    ...entry.sboms ? { sboms: entry.sboms } : {},
    build: entry.build
  };
}
function availableElsewhere(platforms, name, version) {
  const available = Object.entries(platforms).filter(([, e]) => e.status === "available").map(([p]) => p);
  return available.length > 0 ? `${name}@${version} is available for ${available.join(", ")}` : `${name}@${version} is available for no platform`;
}

// packages/pipeline/src/install.ts
import { randomBytes } from "node:crypto";
import { constants as fsConstants, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
async function realOrSelf(p) {
  try {
    return await fs.realpath(p);
  } catch {
    return p;
  }
}
var isSameOrInside = (inner, outer) => inner === outer || inner.startsWith(outer.endsWith(path.sep) ? outer : `${outer}${path.sep}`);
async function checkInstallTarget(dirIn, options = {}) {
  const dir = path.resolve(dirIn);
  const real = await realOrSelf(dir);
  const cwd = await realOrSelf(path.resolve(options.cwd ?? process.cwd()));
  const home = await realOrSelf(path.resolve(options.home ?? os.homedir()));
  const why = real === path.parse(real).root ? "the root folder" : real === home ? "your home folder" : isSameOrInside(cwd, real) ? real === cwd ? "the current folder" : "a parent of the current folder" : void 0;
  if (why) {
    throw new UserError(PipelineErrorCode.OutProtected, `the install folder ${dir} is ${why}: Potions installs a package as a whole folder and will not replace it`, {
      location: { file: dir },
      hint: `choose a new folder for the package, such as ${path.join(cwd, "tools", "<name>")}`
    });
  }
  let stat;
  try {
    stat = await fs.stat(dir);
  } catch (err) {
    if (hasCode(err, "ENOTDIR")) {
      throw new UserError(PipelineErrorCode.OutNotFolder, `the install folder ${dir} lies under a file, not a folder`, {
        location: { file: dir },
        hint: "choose an install folder whose parents are folders"
      });
    }
    if (!hasCode(err, "ENOENT")) throw err;
  }
  if (stat && !stat.isDirectory()) {
    throw new UserError(PipelineErrorCode.OutNotFolder, `the install folder ${dir} is a file, not a folder`, {
      location: { file: dir },
      hint: "choose a folder (missing or empty) to install into; replacing one replaces folders only"
    });
  }
  let occupied = false;
  if (stat) {
    try {
      occupied = (await fs.readdir(dir)).length > 0;
    } catch (err) {
      throw new UserError(PipelineErrorCode.OutNotWritable, `cannot read the install folder ${dir}: ${err.message}`, { location: { file: dir } });
    }
  }
  if (occupied && !options.replace) {
    throw new UserError(PipelineErrorCode.OutExists, "the install folder exists and is not empty", {
      location: { file: dir },
      hint: "choose another install folder, or replace this one"
    });
  }
  let parent = path.dirname(dir);
  for (; ; ) {
    try {
      const s = await fs.stat(parent);
      if (!s.isDirectory()) {
        throw new UserError(PipelineErrorCode.OutNotFolder, `the install folder ${dir} lies under ${parent}, which is a file, not a folder`, { location: { file: parent } });
      }
      break;
    } catch (err) {
      if (!hasCode(err, "ENOENT") || path.dirname(parent) === parent) throw err;
      parent = path.dirname(parent);
    }
  }
  try {
    await fs.access(parent, fsConstants.W_OK | fsConstants.X_OK);
  } catch (err) {
    throw new UserError(PipelineErrorCode.OutNotWritable, `cannot install into ${dir}: ${parent} is not writable (${hasCode(err, "EACCES") ? "permission denied" : err.message})`, {
      location: { file: parent },
      hint: "choose an install folder in a place you can write to"
    });
  }
  return { dir, occupied };
}
async function installArtifactAtomically(options) {
  const { dir } = await checkInstallTarget(options.dir, options);
  const parent = path.dirname(dir);
  await fs.mkdir(parent, { recursive: true });
  const staging = path.join(parent, `.${path.basename(dir)}.${randomBytes(6).toString("hex")}.installing`);
  let old;
  try {
    const extracted = await extractArchive(options.artifact, staging);
    const relocated = await relocateInstalled(staging, options.placeholder ?? PREFIX_PLACEHOLDER, dir, options.relocatedFiles);
    if ((await checkInstallTarget(dir, options)).occupied) {
      old = `${staging}.old`;
      await fs.rename(dir, old);
    } else {
      await fs.rmdir(dir).catch((err) => {
        if (!hasCode(err, "ENOENT")) throw err;
      });
    }
    await fs.rename(staging, dir);
    return { dir, entries: extracted.entries, bytes: extracted.bytes, relocated };
  } catch (err) {
    if (old) await fs.rename(old, dir).catch(() => void 0);
    throw err;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
    if (old) await fs.rm(old, { recursive: true, force: true });
  }
}

// packages/pipeline/src/read-manifest.ts
import { promises as fs2 } from "node:fs";
import path2 from "node:path";
var isHttp = (s) => /^https?:\/\//i.test(s);
function codeOf(err) {
  const code = err?.code;
  return typeof code === "string" ? code : "E_INTERNAL";
}
async function readVerifiedManifest(options) {
  const sources = [...options.sources];
  if (sources.length === 0) {
    throw new UserError(PipelineErrorCode.Options, "no manifest location given", {
      location: { field: "manifest" },
      hint: "give the manifest URL of every mirror (https://mirror.example/potions/manifest.json), or a manifest file"
    });
  }
  const urls = sources.filter(isHttp);
  if (urls.length !== sources.length) {
    if (sources.length > 1) {
      throw new UserError(PipelineErrorCode.Options, `the manifest locations are several http(s) URLs or one file, got: ${sources.join(", ")}`, {
        location: { field: "manifest" }
      });
    }
    const file = path2.resolve(sources[0]);
    let bytes;
    try {
      bytes = new Uint8Array(await fs2.readFile(file));
    } catch (err) {
      throw new UserError(PipelineErrorCode.Manifest, `cannot read the manifest ${file}: ${errorMessage(err)}`, {
        location: { file },
        hint: "pass a manifest file or an http(s) URL such as https://mirror.example/potions/manifest.json"
      });
    }
    const verified = await acceptManifest(bytes, { url: file, trustedKeys: options.trustedKeys, trustStore: options.trustStore, ...options.now ? { now: options.now } : {} });
    return { ...verified, source: file, attempts: 0, refused: [] };
  }
  const refused = [];
  const firstError = {};
  let attempts = 0;
  let remaining = urls;
  while (remaining.length > 0) {
    let got;
    try {
      got = await downloadToBuffer({
        ...options.download,
        urls: remaining,
        maxBytes: 64 * 1024 * 1024,
        label: "manifest.json",
        ...options.reporter ? { reporter: options.reporter } : {}
      });
    } catch (err) {
      firstError.err ??= err;
      refused.push(...remaining.map((u) => ({ source: u, code: codeOf(err), message: errorMessage(err) })));
      break;
    }
    attempts += got.attempts;
    try {
      const verified = await acceptManifest(got.data, {
        url: got.url,
        trustedKeys: options.trustedKeys,
        trustStore: options.trustStore,
        ...options.now ? { now: options.now } : {}
      });
      for (const r of refused) options.reporter?.warn(`manifest at ${r.source} refused: ${r.message}`);
      return { ...verified, source: got.url, attempts, refused };
    } catch (err) {
      if (!isUserError(err) || hasCode(err, ManifestErrorCode.TrustState)) throw err;
      firstError.err ??= err;
      refused.push({ source: got.url, code: codeOf(err), message: errorMessage(err) });
      remaining = remaining.slice(remaining.indexOf(got.url) + 1);
    }
  }
  const first = firstError.err;
  if (urls.length === 1) throw first;
  const code = refused.find((r) => r.code.startsWith("E_MANIFEST_"))?.code ?? codeOf(first);
  throw new UserError(code, `no acceptable manifest at ${urls.length} locations:
${refused.map((r) => `  ${r.source}: ${r.message}`).join("\n")}`, {
    location: { file: urls[0] },
    cause: first
  });
}

// packages/pipeline/src/fetch-package.ts
function relocationOf(data, file) {
  if (typeof data !== "object" || data === null) {
    throw new UserError(PipelineErrorCode.Metadata, `${file} is not an object`, { location: { file } });
  }
  const { placeholder, relocatedFiles } = data;
  if (placeholder !== void 0 && (typeof placeholder !== "string" || placeholder === "")) {
    throw new UserError(PipelineErrorCode.Metadata, `${file}: placeholder must be a non-empty string`, { location: { file, field: "placeholder" } });
  }
  if (relocatedFiles !== void 0 && !(Array.isArray(relocatedFiles) && relocatedFiles.every((f) => typeof f === "string"))) {
    throw new UserError(PipelineErrorCode.Metadata, `${file}: relocatedFiles must be a list of paths`, { location: { file, field: "relocatedFiles" } });
  }
  return {
    ...placeholder !== void 0 ? { placeholder } : {},
    ...relocatedFiles !== void 0 ? { relocatedFiles } : {}
  };
}
async function fetchPackage(options) {
  const reporter = options.reporter ?? silentReporter;
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const platform = options.platform ?? hostPlatform();
  if (!platform) {
    throw new UserError(PipelineErrorCode.Options, `this machine (${process.platform}/${process.arch}) is not one of the platforms Potions builds for`, {
      hint: `one of: ${PLATFORMS.join(", ")}`
    });
  }
  const target = { ...options.replace ? { replace: true } : {}, ...options.cwd ? { cwd: options.cwd } : {}, ...options.home ? { home: options.home } : {} };
  const outDir = (await checkInstallTarget(options.outDir, target)).dir;
  const sources = typeof options.manifestUrl === "string" ? [options.manifestUrl] : [...options.manifestUrl];
  const read = await readVerifiedManifest({
    sources,
    trustedKeys: options.trustedKeys,
    trustStore: options.trustStore,
    reporter,
    ...options.now ? { now: options.now } : {},
    ...options.download ? { download: options.download } : {}
  });
  reporter.info(`manifest version ${read.manifest.version} from ${read.source} (signed by ${read.keyid.slice(0, 16)})`);
  const pick = selectArtifact(read.manifest, {
    name: options.name,
    ...options.version !== void 0 ? { version: options.version } : {},
    platform,
    ...options.formats ? { formats: options.formats } : {}
  });
  const meta = await downloadToBuffer({
    ...options.download,
    urls: pick.metadata.urls,
    sha256: pick.metadata.sha256,
    size: pick.metadata.size,
    label: pick.metadata.file,
    reporter
  });
  let metaJson;
  try {
    metaJson = JSON.parse(meta.data.toString("utf8"));
  } catch (err) {
    throw new UserError(PipelineErrorCode.Metadata, `${pick.metadata.file} is not JSON: ${errorMessage(err)}`, { location: { file: meta.url } });
  }
  const relocation = relocationOf(metaJson, pick.metadata.file);
  const downloadDir = path3.join(path3.dirname(outDir), `.${path3.basename(outDir)}.download`);
  let got;
  let installed;
  try {
    got = await downloadFile({
      ...options.download,
      urls: pick.urls,
      dest: path3.join(downloadDir, path3.basename(pick.file)),
      sha256: pick.sha256,
      size: pick.size,
      reporter
    });
    installed = await installArtifactAtomically({ artifact: got.file, dir: outDir, ...relocation, ...target });
  } finally {
    await fs3.rm(downloadDir, { recursive: true, force: true });
  }
  return {
    name: pick.name,
    version: pick.version,
    platform,
    format: pick.format,
    dir: installed.dir,
    sha256: got.sha256,
    size: got.bytes,
    mirror: got.url,
    urls: pick.urls,
    attempts: got.attempts,
    seconds: Math.round((clock() - started) / 10) / 100,
    manifestUrl: read.source,
    manifestVersion: read.manifest.version,
    manifestRefused: read.refused,
    build: pick.build,
    relocated: installed.relocated
  };
}

// packages/pipeline/src/local-key.ts
import { promises as fs4 } from "node:fs";
import path4 from "node:path";
var LOCAL_KEY_FILE = "manifest-key.pem";
var LOCAL_PUBLIC_KEY_FILE = "manifest-key.pub";
function localKeysDir(workDir) {
  return path4.join(workDir, ".potions", "keys");
}
async function createExclusive(dest, data, mode) {
  const tmp = tempPathFor(dest);
  await fs4.writeFile(tmp, data, { mode });
  try {
    await fs4.link(tmp, dest);
    return true;
  } catch (err) {
    if (hasCode(err, "EEXIST")) return false;
    throw err;
  } finally {
    await fs4.rm(tmp, { force: true });
  }
}
async function ensureLocalSigningKey(workDir) {
  const dir = localKeysDir(workDir);
  const privateKeyFile = path4.join(dir, LOCAL_KEY_FILE);
  const publicKeyFile = path4.join(dir, LOCAL_PUBLIC_KEY_FILE);
  await fs4.mkdir(dir, { recursive: true, mode: 448 });
  let created = false;
  try {
    await fs4.access(privateKeyFile);
  } catch {
    const key = generateManifestKey();
    created = await createExclusive(privateKeyFile, key.privateKeyPem, 384);
  }
  const signer = LocalKeySigner.fromPem(await fs4.readFile(privateKeyFile, "utf8"), `key file ${privateKeyFile}`);
  const publicKeyPem = signer.publicKeyPem();
  const current = await fs4.readFile(publicKeyFile, "utf8").catch(() => void 0);
  if (current !== publicKeyPem) {
    const tmp = tempPathFor(publicKeyFile);
    await fs4.writeFile(tmp, publicKeyPem, { mode: 420 });
    await fs4.rename(tmp, publicKeyFile);
  }
  return { signer, privateKeyFile, publicKeyFile, publicKeyPem, created };
}

// packages/pipeline/src/release.ts
import { randomBytes as randomBytes2 } from "node:crypto";
import { promises as fs7 } from "node:fs";
import path7 from "node:path";

// packages/pipeline/src/local-mirrors.ts
async function openLocalMirrors(dir, ports) {
  const fixed = ports.filter((p) => p !== 0);
  const running = await Promise.all(fixed.map((p) => isLocalMirrorRunning(p)));
  if (fixed.length === ports.length && running.length > 0 && running.every(Boolean)) {
    return { mirrors: ports.map((p, i) => localMirrorConfig(i, p)), started: false, close: async () => void 0 };
  }
  if (running.some(Boolean)) {
    const up = fixed.filter((_, i) => running[i]);
    throw new UserError(PipelineErrorCode.Options, `a local mirror answers on port ${up.join(", ")} but not on every port of ${ports.join(", ")}`, {
      hint: "restart the running local mirrors, or choose other ports"
    });
  }
  const local = await startLocalMirrors({ dir, ports, count: ports.length, reuseRunning: false });
  return { mirrors: local.mirrors, started: true, close: () => local.close() };
}
function signatureKeyids(bytes) {
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes));
    const ids = (doc.signatures ?? []).map((s) => s.keyid).filter((k) => typeof k === "string");
    return ids.length > 0 ? ids : void 0;
  } catch {
    return void 0;
  }
}
async function assertRunningMirrorsAreOurs(mirrors, ourKeyids) {
  if (ourKeyids.length === 0) return;
  for (const m of mirrors) {
    const stored = await m.store.get(MANIFEST_KEY).catch(() => void 0);
    const theirs = stored ? signatureKeyids(stored.bytes) : void 0;
    if (!theirs || theirs.some((k) => ourKeyids.includes(k))) continue;
    const hostPorts = mirrors.map((x) => new URL(x.endpoint)).map((u, i) => i === 0 ? u.host : u.port).join("/");
    throw new UserError(
      PipelineErrorCode.ForeignMirrors,
      `the mirrors on ${hostPorts} belong to another work dir (their manifest is signed by key ${theirs.map((k) => k.slice(0, 16)).join(", ")}, this work dir's key is ${ourKeyids[0].slice(0, 16)})`,
      { hint: "local mirrors started from another work folder answer on these ports, and their manifest cannot be extended with this folder's signing key: stop them, or use other ports or that work folder" }
    );
  }
}

// packages/pipeline/src/release-summary.ts
var REASON_MAX = 500;
function firstLine(s) {
  const line = s.split("\n").map((l) => l.trim()).filter((l) => l !== "").join(" ");
  return line.length > REASON_MAX ? `${line.slice(0, REASON_MAX - 3)}...` : line;
}
function noManifestWritten(report) {
  const why = report.mirrors.map((m) => `${m.name}: ${m.error?.message ?? m.status}`).join("; ");
  return `the manifest reached no mirror${why ? `: ${why}` : ""}`;
}
function buildError(packages) {
  const failed = packages.filter((p) => p.status === "failed");
  if (failed.length === 0) return void 0;
  if (failed.length < packages.length) return `${failed.length} build(s) failed`;
  const reasons = failed.map((p) => `${p.name} ${p.version} ${p.platform}: build failed${p.step ? ` (${p.step})` : ""}: ${p.error ?? "unknown error"}`);
  return firstLine(`nothing was built: ${reasons.join("; ")}`);
}
function stageOf(t, facts) {
  const base = { name: t.name, seconds: t.seconds };
  if (t.skipped !== void 0) return { ...base, ok: false, skipped: true, error: t.skipped };
  if (t.error !== void 0) return { ...base, ok: false, error: t.error };
  let error;
  if (t.name === "build") error = buildError(facts.packages);
  else if (t.name === "sync" && facts.sync && !facts.sync.policyMet) {
    const short = facts.sync.objects.filter((o) => !o.policyMet).length;
    error = `${short} file(s) on fewer than ${facts.sync.minMirrors} mirror(s)`;
  } else if (t.name === "publish" && facts.published && !facts.published.report.ok) error = noManifestWritten(facts.published.report);
  else if (t.name === "check") {
    const bad = facts.checks.filter((c) => !c.ok).length;
    if (bad > 0) error = `${bad} check(s) failed`;
  }
  return { ...base, ok: error === void 0, ...error !== void 0 ? { error } : {} };
}
function mirrorRow(m, facts) {
  const synced = facts.sync?.mirrors.find((r) => r.mirror === m.name);
  const manifest = facts.published?.report.mirrors.find((r) => r.name === m.name);
  return {
    name: m.name,
    endpoint: m.endpoint,
    ...facts.mirrors.startedForRun !== void 0 ? { startedForRun: facts.mirrors.startedForRun } : {},
    uploaded: synced?.uploaded ?? 0,
    present: synced ? synced.uploaded + synced.skipped : 0,
    failed: synced?.failed ?? 0,
    ok: synced?.ok ?? false,
    ...synced?.error ? { error: synced.error } : {},
    ...manifest ? { manifest: manifest.status, ...manifest.error ? { manifestError: manifest.error.message } : {} } : {}
  };
}
function summarizeRelease(facts) {
  const stages = facts.timings.map((t) => stageOf(t, facts));
  const packages = facts.packages.map((p) => {
    const o = facts.sync?.objects.find((x) => x.name === p.file && x.sha256 === p.sha256);
    return { ...p, urls: o ? o.mirrors.filter((m) => m.present).map((m) => m.url) : [] };
  });
  const report = facts.published?.report;
  const holding = new Set(report?.mirrors.filter((m) => m.status === "written" || m.status === "unchanged").map((m) => m.name));
  const manifestUrls = (facts.published?.manifestUrls ?? []).filter((u) => holding.has(u.mirror)).map((u) => ({ ...u }));
  const local = facts.mode === "local" && facts.mirrors.startedForRun !== void 0;
  return {
    ok: stages.every((s) => s.ok || s.skipped === true && s.error === "disabled"),
    mode: facts.mode,
    platform: facts.platform,
    manifestUrl: manifestUrls[0]?.url,
    manifestUrls,
    manifestVersion: report?.ok ? report.version : void 0,
    manifestChanged: report?.ok ? report.changed : false,
    ...facts.trustedKeyFile !== void 0 ? { trustedKeyFile: facts.trustedKeyFile } : {},
    ...local ? { mirrorsRunning: !facts.mirrors.startedForRun, mirrorsStopped: facts.mirrors.startedForRun === true } : {},
    mirrors: facts.mirrors.configs.map((m) => mirrorRow(m, facts)),
    packages,
    manifest: [...facts.published?.rows ?? []],
    checks: [...facts.checks],
    stages,
    warnings: [...facts.warnings]
  };
}

// packages/pipeline/src/smoke.ts
import { execFile } from "node:child_process";
import { promises as fs5 } from "node:fs";
import path5 from "node:path";
var OUTPUT_MAX = 2e3;
async function runSmokeTests(dir, tests, timeoutMs = 6e4) {
  const bin = path5.join(dir, "bin");
  const cwd = (await fs5.stat(bin).catch(() => void 0))?.isDirectory() ? bin : dir;
  const results = [];
  for (const t of tests) {
    const [cmd, ...args] = t.argv;
    if (!cmd) continue;
    const local = path5.join(bin, cmd);
    const program = !cmd.includes("/") && (await fs5.stat(local).catch(() => void 0))?.isFile() ? local : cmd;
    const r = await new Promise((resolve) => {
      execFile(
        program,
        args,
        {
          cwd,
          timeout: timeoutMs,
          maxBuffer: 4 * 1024 * 1024,
          env: { ...process.env, PATH: `${bin}${path5.delimiter}${process.env.PATH ?? ""}`, LANG: "C", LC_ALL: "C" }
        },
        (error2, stdout, stderr) => {
          const out = `${stdout}${stderr}`;
          if (error2 && typeof error2.code !== "number") resolve({ code: null, out, err: error2.message });
          else resolve({ code: error2 ? error2.code ?? 1 : 0, out });
        }
      );
    });
    let ok = r.err === void 0 && r.code === t.exitCode;
    let error = r.err ?? (r.code !== t.exitCode ? `exit status ${r.code}, expected ${t.exitCode}` : void 0);
    if (ok && t.expect !== void 0 && !new RegExp(t.expect).test(r.out)) {
      ok = false;
      error = `output does not match /${t.expect}/`;
    }
    results.push({ argv: [...t.argv], ok, exitCode: r.code, output: r.out.slice(0, OUTPUT_MAX), ...error ? { error } : {} });
  }
  return results;
}

// packages/pipeline/src/source-dir-server.ts
import { createReadStream, promises as fs6 } from "node:fs";
import http from "node:http";
import path6 from "node:path";
var PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._+~-]*$/;
async function serveSourceDirs(dirs) {
  const roots = [];
  for (const dir of dirs) {
    const root = path6.resolve(dir);
    try {
      if (!(await fs6.stat(root)).isDirectory()) throw new Error("not a folder");
    } catch (err) {
      throw new UserError(PipelineErrorCode.SourceDir, `source folder ${dir}: ${errorMessage(err)}`, {
        location: { file: dir },
        hint: "give a folder holding upstream files by their file names, such as ../shared/upstream"
      });
    }
    roots.push(root);
  }
  const requests = [];
  const find = async (name) => {
    if (!PLAIN_NAME.test(name)) return void 0;
    for (const root of roots) {
      const file = path6.join(root, name);
      const st = await fs6.lstat(file).catch(() => void 0);
      if (st?.isFile()) return { file, size: st.size };
    }
    return void 0;
  };
  const server = http.createServer((req, res) => {
    let name = "";
    try {
      const p = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      requests.push(p);
      name = p.slice(p.lastIndexOf("/") + 1);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405).end();
      return;
    }
    void find(name).then(
      (found) => {
        if (!found) {
          res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
          return;
        }
        res.writeHead(200, { "content-length": String(found.size), "content-type": "application/octet-stream" });
        if (req.method === "HEAD") res.end();
        else createReadStream(found.file).on("error", () => res.destroy()).pipe(res);
      },
      () => res.writeHead(500).end()
    );
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = server.address().port;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })
  };
}

// packages/pipeline/src/release.ts
function localOnlyReason(host) {
  return `not built: local release builds only ${host}`;
}
function splitRecipeRef(ref) {
  const m = /^([A-Za-z0-9][A-Za-z0-9._+-]*)@([A-Za-z0-9][A-Za-z0-9._+~-]*)$/.exec(ref);
  if (m && !/\.ya?ml$/i.test(m[1])) return { ref: m[1], version: m[2] };
  return { ref };
}
var Stopwatch = class {
  timings = [];
  async time(name, fn) {
    const start = performance.now();
    try {
      const value = await fn();
      this.timings.push({ name, seconds: secondsSince(start) });
      return value;
    } catch (err) {
      this.timings.push({ name, seconds: secondsSince(start), error: firstLine(errorMessage(err)) });
      throw err;
    }
  }
  skip(name, why) {
    this.timings.push({ name, seconds: 0, skipped: why });
  }
};
function secondsSince(start) {
  return Math.round((performance.now() - start) / 10) / 100;
}
async function runRelease(options) {
  const setup = await prepareRelease(options);
  const { reporter } = setup;
  const clock = new Stopwatch();
  const warnings = [];
  const warn = (message) => {
    warnings.push(message);
    reporter.warn(message);
  };
  const cleanups = [];
  try {
    const mirrors = await clock.time("mirrors", () => openReleaseMirrors(setup, options, cleanups));
    const outcomes = await clock.time("build", () => buildAll(setup, options, cleanups, warn));
    const built = outcomes.flatMap((o) => o.built ? [o.built] : []);
    const packages = outcomes.map((o) => o.row);
    const facts = { mode: setup.local ? "local" : "config", platform: setup.platform, trustedKeyFile: setup.trustedKeyFile, mirrors };
    if (built.length === 0) {
      for (const name of ["sync", "publish", "check"]) clock.skip(name, "nothing was built");
      return summarizeRelease({ ...facts, packages, checks: [], timings: clock.timings, warnings });
    }
    const sync = await clock.time("sync", () => syncBuilt(built, mirrors, reporter));
    for (const m of sync.mirrors) if (!m.ok) warn(`mirror ${m.mirror}: ${m.error ?? `${m.failed} file(s) failed`}`);
    let published;
    try {
      published = await clock.time("publish", () => publishBuilt(setup, options, built, unavailablePlatforms(packages, setup), sync, mirrors, warn));
      if (!published.report.ok) warn(`publish: ${noManifestWritten(published.report)}`);
    } catch (err) {
      if (!isUserError(err)) throw err;
      warn(`publish: ${errorMessage(err)}`);
    }
    const manifestUrls = published?.manifestUrls.map((u) => u.url) ?? [];
    let checks = [];
    if (options.check === false) clock.skip("check", "disabled");
    else if (manifestUrls.length === 0) clock.skip("check", "no manifest was published");
    else checks = await clock.time("check", () => checkBuilt(setup, options, built, manifestUrls, warn));
    return summarizeRelease({ ...facts, packages, sync, ...published ? { published } : {}, checks, timings: clock.timings, warnings });
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => void 0);
  }
}
async function prepareRelease(options) {
  const reporter = options.reporter ?? silentReporter;
  const env = options.env ?? process.env;
  const workDir = path7.resolve(options.workDir ?? process.cwd());
  const platform = options.platform ?? hostPlatform();
  if (!platform) {
    throw new UserError(PipelineErrorCode.Options, `this machine (${process.platform}/${process.arch}) is not one of the platforms Potions builds for`, {
      hint: `choose a platform: one of ${PLATFORMS.join(", ")}`
    });
  }
  if (options.recipes.length === 0) throw new UserError(PipelineErrorCode.Options, "no recipe given", { hint: "name one or more recipes" });
  const local = options.config === void 0 && options.mirrors === void 0;
  const recipesDirs = (options.recipesDirs ?? [path7.join(workDir, "recipes")]).map((d) => path7.resolve(workDir, d));
  const requests = [];
  for (const raw of options.recipes) {
    const { ref, version } = splitRecipeRef(raw);
    const pathLike = ref.includes("/") || /\.ya?ml$/i.test(ref);
    const file = await findRecipe(pathLike ? path7.resolve(workDir, ref) : ref, recipesDirs);
    const loaded = await loadRecipeOrThrow(file);
    requests.push({ file, recipe: loaded.recipe, version: version ?? options.version });
  }
  const configured = options.mirrors ?? (options.config !== void 0 ? await loadMirrorsConfig(path7.resolve(workDir, options.config)) : void 0);
  let signer;
  let trustedKeyFile;
  if (options.signer) signer = options.signer;
  else if (local) {
    const key = await ensureLocalSigningKey(workDir);
    if (key.created) reporter.info(`made a manifest signing key: ${path7.relative(workDir, key.privateKeyFile)} (public: ${path7.relative(workDir, key.publicKeyFile)})`);
    trustedKeyFile = key.publicKeyFile;
    signer = key.signer;
  } else signer = localKeySignerFromEnv({ env, reporter });
  const trustedKeys = options.trustedKeys ?? (isVerifier(signer) ? [signer] : []);
  return {
    platform,
    local,
    workDir,
    potionsDir: path7.join(workDir, ".potions"),
    recipesDirs,
    requests,
    configured,
    signer,
    trustedKeys,
    ...trustedKeyFile !== void 0 ? { trustedKeyFile } : {},
    env,
    reporter,
    now: options.now ?? systemNow
  };
}
async function openReleaseMirrors(setup, options, cleanups) {
  const { reporter } = setup;
  let mirrors;
  if (setup.configured) {
    mirrors = { configs: setup.configured.mirrors, minMirrors: options.minMirrors ?? setup.configured.minMirrors };
  } else {
    const local = await openLocalMirrors(path7.join(setup.potionsDir, "mirrors"), options.localPorts ?? DEFAULT_LOCAL_PORTS);
    cleanups.push(() => local.close());
    const endpoints = local.mirrors.map((m) => m.endpoint).join(", ");
    reporter.info(
      local.started ? `started ${local.mirrors.length} local mirrors for this run (${endpoints}); \`potions mirrors serve\` keeps them running` : `using the running local mirrors (${endpoints})`
    );
    mirrors = { configs: local.mirrors, minMirrors: options.minMirrors ?? 1, startedForRun: local.started };
  }
  const opened = (options.openMirrors ?? openS3Mirrors)(mirrors.configs, { ...options.s3, env: setup.env, reporter });
  cleanups.push(() => closeMirrors(opened));
  if (mirrors.startedForRun === false) {
    await assertRunningMirrorsAreOurs(
      opened.flatMap((m) => m.target ? [{ endpoint: m.config.endpoint, store: manifestStoreFromMirror(m.target) }] : []),
      [setup.signer.keyid, ...setup.trustedKeys.map((k) => k.keyid).filter((k) => k !== setup.signer.keyid)]
    );
  }
  return { ...mirrors, opened };
}
async function buildAll(setup, options, cleanups, warn) {
  const { platform, potionsDir, reporter } = setup;
  const sourceMirrors = [...options.sourceMirrors ?? []];
  if (options.sourceDirs && options.sourceDirs.length > 0) {
    const server = await serveSourceDirs(options.sourceDirs.map((d) => path7.resolve(setup.workDir, d)));
    cleanups.push(() => server.close());
    sourceMirrors.push(server.base);
  }
  const cache = options.cache === false ? void 0 : new LocalFolderBuildCache(options.cacheDir ?? path7.join(potionsDir, "cache"));
  const outcomes = [];
  for (const req of setup.requests) {
    const name = req.recipe.name;
    let version = req.version ?? options.dependencyVersions?.[name];
    try {
      const result = await buildFromRecipeRef({
        ref: req.file,
        recipeDirs: setup.recipesDirs,
        platform,
        version,
        // One set of pins serves every recipe of the release: a pin another recipe needs is not a mistake here.
        dependencyVersions: options.dependencyVersions,
        strictDependencyVersions: false,
        versionDeps: { ...versionDepsFromEnv(setup.env), reporter },
        outDir: (planned) => path7.join(potionsDir, "release", `${planned.name}-${planned.version}-${platform}`),
        onPlanned: (planned) => {
          version = planned.version;
        },
        sourceMirrors,
        cache,
        jobs: options.jobs,
        reporter,
        env: setup.env
      });
      outcomes.push({ row: builtRow(name, platform, result), built: { recipe: req.recipe, result } });
    } catch (err) {
      const message = firstLine(errorMessage(err));
      const step = isBuildError(err) ? err.step : void 0;
      if (!isUserError(err)) reporter.error(`${name}: ${errorMessage(err)} (a bug in Potions?)`);
      warn(`${name} ${version ?? "(version unknown)"} ${platform}: build failed: ${message}`);
      outcomes.push({ row: { name, version: version ?? "unknown", platform, status: "failed", urls: [], ...step ? { step } : {}, error: message } });
    }
  }
  return outcomes;
}
function builtRow(name, platform, result) {
  return {
    name,
    version: result.version,
    platform,
    status: result.status,
    cached: result.cached,
    method: result.method,
    file: path7.basename(result.artifact),
    sha256: result.sha256,
    size: result.metadata.artifact.tarGz.size,
    urls: [],
    artifact: result.artifact
  };
}
function unavailablePlatforms(packages, setup) {
  const failures = packages.filter((p) => p.status === "failed" && p.version !== "unknown").map((p) => ({ name: p.name, version: p.version, platform: p.platform, reason: `build failed${p.step ? ` (${p.step})` : ""}: ${p.error ?? "unknown error"}` }));
  if (!setup.local) return failures;
  const versions = new Map(packages.filter((p) => p.version !== "unknown").map((p) => [`${p.name}@${p.version}`, p]));
  for (const p of versions.values()) {
    for (const other of PLATFORMS) if (other !== setup.platform) failures.push({ name: p.name, version: p.version, platform: other, reason: localOnlyReason(setup.platform) });
  }
  return failures;
}
async function syncBuilt(built, mirrors, reporter) {
  const files = built.flatMap((b) => [b.result.artifact, b.result.artifactZst, b.result.metadataFile]);
  const outcome = await syncToMirrors(await localObjectsFromFiles(files), { mirrors: mirrors.opened, minMirrors: mirrors.minMirrors, reporter });
  return outcome.result;
}
async function publishBuilt(setup, options, built, failures, sync, mirrors, warn) {
  const metadata = await Promise.all(
    built.map(async (b) => artifactMetadataFileFromBytes(b.result.metadataFile, new Uint8Array(await fs7.readFile(b.result.metadataFile))))
  );
  const published = await publishRelease({
    metadata,
    sync,
    syncSource: "this release's sync",
    mirrors: mirrors.opened,
    signer: setup.signer,
    ...setup.trustedKeys.length > 0 ? { trustedKeys: setup.trustedKeys } : {},
    platforms: [setup.platform],
    failures,
    ...options.expiresInDays !== void 0 ? { expiresInDays: options.expiresInDays } : {},
    now: setup.now,
    reporter: setup.reporter
  });
  for (const w of published.warnings) {
    if (setup.local && w.includes("does not support conditional writes")) setup.reporter.debug(w);
    else warn(w);
  }
  for (const m of published.report.mirrors) {
    if (m.status === "failed") warn(`mirror ${m.name}: the manifest was not written: ${m.error?.message ?? "unknown error"}`);
  }
  return published;
}
async function checkBuilt(setup, options, built, manifestUrls, warn) {
  const trustStore = new FileTrustStore(path7.join(setup.potionsDir, "state", "manifest-trust.json"));
  const checkRoot = path7.join(setup.potionsDir, "check");
  const checks = [];
  for (const b of built) {
    const dir = path7.join(checkRoot, `${b.result.name}-${b.result.version}-${randomBytes2(4).toString("hex")}`);
    const check = { name: b.result.name, version: b.result.version, ok: false, smoke: [] };
    try {
      const got = await fetchPackage({
        manifestUrl: manifestUrls,
        name: b.result.name,
        version: b.result.version,
        platform: setup.platform,
        outDir: dir,
        trustedKeys: setup.trustedKeys,
        trustStore,
        reporter: setup.reporter,
        now: setup.now,
        ...options.download ? { download: options.download } : {}
      });
      check.mirror = got.mirror;
      check.seconds = got.seconds;
      if (got.sha256 !== b.result.sha256) {
        throw new UserError(PipelineErrorCode.Manifest, `fetched ${got.sha256}, but this release built ${b.result.sha256}`, {
          hint: "the manifest already listed another build of this version: a published digest never changes; publish a new version"
        });
      }
      check.smoke = b.recipe.smokeTests.length > 0 && setup.platform === hostPlatform() ? await runSmokeTests(got.dir, b.recipe.smokeTests) : [];
      const failed = check.smoke.find((s) => !s.ok);
      if (failed) throw new UserError(PipelineErrorCode.Smoke, `smoke test \`${failed.argv.join(" ")}\`: ${failed.error ?? "failed"}`);
      check.ok = true;
    } catch (err) {
      if (!isUserError(err)) throw err;
      check.error = firstLine(errorMessage(err));
      warn(`check ${b.result.name} ${b.result.version}: ${check.error}`);
    } finally {
      await fs7.rm(dir, { recursive: true, force: true });
    }
    checks.push(check);
  }
  await fs7.rm(checkRoot, { recursive: true, force: true }).catch(() => void 0);
  return checks;
}
function isVerifier(s) {
  return typeof s.verify === "function";
}

export {
  PipelineErrorCode,
  fetchPackage,
  LOCAL_PUBLIC_KEY_FILE,
  localKeysDir,
  splitRecipeRef,
  runRelease
};
