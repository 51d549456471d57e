import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  downloadToBuffer
} from "./chunk-KZ3XLZPR.mjs";
import {
  PREFIX_PLACEHOLDER,
  relocateInstalled
} from "./chunk-XJIVFK5C.mjs";
import {
  downloadFile
} from "./chunk-2WPBWRMN.mjs";
import {
  readAllowList,
  selectScanner
} from "./chunk-GILNPOEJ.mjs";
import {
  extractArchive,
  findRecipe,
  loadRecipeOrThrow
} from "./chunk-FYQXNLY7.mjs";
import {
  isSafeVersion
} from "./chunk-34KJHGJW.mjs";
import {
  LocalKeySigner,
  generateManifestKey,
  localKeySignerFromEnv
} from "./chunk-22PQZATQ.mjs";
import {
  compareVersions
} from "./chunk-55UCJZ7D.mjs";
import {
  DEFAULT_LOCAL_PORTS,
  loadMirrorsConfig
} from "./chunk-XZQUAKJM.mjs";
import {
  ManifestErrorCode,
  PUBLIC_GOOD_SERVICES,
  SigstoreKeylessSigner,
  acceptNewestManifest,
  idTokenProviderFromEnv,
  keyBundleSignerFromFile,
  publicGoodTrustedRoot,
  verifyArtifact,
  verifyManifest
} from "./chunk-N7G7XWGO.mjs";
import {
  PLATFORMS,
  hostPlatform
} from "./chunk-EE5EUXX6.mjs";
import {
  makeDirectory,
  tempPathFor
} from "./chunk-DWDGEZWY.mjs";
import {
  systemNow
} from "./chunk-L5AWN5ZP.mjs";
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
  /** The install folder is `/`, a system folder, the home folder, the current folder or one of its parents. */
  OutProtected: "E_PIPELINE_OUT_PROTECTED",
  /** Replacing was asked for, but the install folder holds something an earlier install did not make. */
  OutNotPotions: "E_PIPELINE_OUT_NOT_POTIONS",
  /** The manifest says its artifacts are signed, and this one has no signature bundle. */
  Unsigned: "E_PIPELINE_UNSIGNED",
  /** No format of the artifact could be had and verified (each format's failure is in the message). */
  NoGoodCopy: "E_PIPELINE_NO_GOOD_COPY",
  /** The folder that would hold the install folder cannot be written. */
  OutNotWritable: "E_PIPELINE_OUT_NOT_WRITABLE",
  /** The running local mirrors hold a manifest signed by another key (another work folder's `mirrors serve`). */
  ForeignMirrors: "E_PIPELINE_FOREIGN_MIRRORS",
  /** The artifact's metadata file is not what the builder writes. */
  Metadata: "E_PIPELINE_METADATA",
  /** No trusted key was given and none was found. */
  NoTrustedKey: "E_PIPELINE_NO_TRUSTED_KEY",
  /** A local source folder cannot be served. */
  SourceDir: "E_PIPELINE_SOURCE_DIR",
  /** The work folder is a file, lies under one, or its `.potions/` cannot be made. */
  WorkDir: "E_PIPELINE_WORK_DIR",
  /** A release version is not a version (a path, a shell word, too long). */
  Version: "E_PIPELINE_VERSION",
  /** The local mirrors' ports: not two, the same port twice, or a fixed port beside a throw-away one. */
  LocalPorts: "E_PIPELINE_LOCAL_PORTS",
  /** Parallel build jobs out of range. */
  Jobs: "E_PIPELINE_JOBS",
  /** More mirrors must hold every file than the release has. */
  MinMirrors: "E_PIPELINE_MIN_MIRRORS"
};

// packages/pipeline/src/release-setup.ts
import { promises as fs2 } from "node:fs";
import os from "node:os";
import path2 from "node:path";

// packages/pipeline/src/source-dir-server.ts
import { createReadStream, promises as fs } from "node:fs";
import http from "node:http";
import path from "node:path";
var PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._+~-]*$/;
async function checkSourceDirs(dirs) {
  const roots = [];
  for (const dir of dirs) {
    const root = path.resolve(dir);
    let why;
    try {
      if (!(await fs.stat(root)).isDirectory()) why = "it is a file, not a folder";
    } catch (err) {
      why = hasCode(err, "ENOENT") ? "there is no such folder" : errorMessage(err);
    }
    if (why) {
      throw new UserError(PipelineErrorCode.SourceDir, `source folder ${dir}: ${why}`, {
        location: { file: dir },
        hint: "give a folder holding upstream files by their file names, such as ../shared/upstream"
      });
    }
    roots.push(root);
  }
  return roots;
}
async function serveSourceDirs(dirs) {
  const roots = await checkSourceDirs(dirs);
  const requests = [];
  const find = async (name) => {
    if (!PLAIN_NAME.test(name)) return void 0;
    for (const root of roots) {
      const file = path.join(root, name);
      const st = await fs.lstat(file).catch(() => void 0);
      if (st?.isFile()) return { file, size: st.size };
    }
    return void 0;
  };
  const server = http.createServer((req, res) => {
    let name;
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

// packages/pipeline/src/release-setup.ts
var BUILD_JOBS_PER_CPU = 4;
var MAX_BUILD_JOBS = 256;
function maxBuildJobs(cpus = os.availableParallelism()) {
  return Math.min(MAX_BUILD_JOBS, BUILD_JOBS_PER_CPU * Math.max(1, cpus));
}
function localPortsOf(ports) {
  if (ports === void 0) return { ports: [...DEFAULT_LOCAL_PORTS], throwaway: false, given: false };
  const hint = `give two ports, such as ${DEFAULT_LOCAL_PORTS.join(",")}, or 0 for two free ports (throw-away mirrors)`;
  const list = ports.length === 1 && ports[0] === 0 ? [0, 0] : [...ports];
  const shown = ports.join(",");
  if (list.length !== 2) throw new UserError(PipelineErrorCode.LocalPorts, `the local mirrors need two ports, got ${ports.length} (${shown})`, { hint });
  const bad = list.find((p) => !Number.isInteger(p) || p < 0 || p > 65535);
  if (bad !== void 0) throw new UserError(PipelineErrorCode.LocalPorts, `port ${bad} is not a port number (0 to 65535)`, { hint });
  const free = list.filter((p) => p === 0).length;
  if (free === 1) {
    throw new UserError(PipelineErrorCode.LocalPorts, `ports ${shown} mix a fixed port with a free one`, {
      hint: "a release on free ports is thrown away at its end, one on fixed ports is kept: use two fixed ports, or 0 for both"
    });
  }
  if (free === 0 && list[0] === list[1]) {
    throw new UserError(PipelineErrorCode.LocalPorts, `both local mirrors would listen on port ${list[0]}`, { hint: "give two different ports" });
  }
  return { ports: list, throwaway: free === 2, given: true };
}
async function checkWorkDir(workDir) {
  for (const dir of [workDir, path2.join(workDir, ".potions")]) {
    let why;
    try {
      if (!(await fs2.stat(dir)).isDirectory()) why = "is a file, not a folder";
    } catch (err) {
      if (hasCode(err, "ENOENT")) return;
      why = hasCode(err, "ENOTDIR") ? "lies under a file" : `cannot be read: ${errorMessage(err)}`;
    }
    if (why) {
      throw new UserError(PipelineErrorCode.WorkDir, `the work folder ${dir} ${why}`, {
        location: { file: dir },
        hint: "the work folder holds .potions/ (local mirrors, keys, cache, build output): give a folder, or one that does not exist yet"
      });
    }
  }
}
function checkVersion(version, where) {
  if (!isSafeVersion(version)) {
    throw new UserError(PipelineErrorCode.Version, `${JSON.stringify(version)} (${where}) is not a version`, {
      hint: "a version is letters, digits and . _ + - only, starting with a letter or digit, at most 128 characters (it becomes part of file names)"
    });
  }
}
function checkJobs(jobs) {
  if (jobs === void 0) return;
  const max = maxBuildJobs();
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > max) {
    throw new UserError(PipelineErrorCode.Jobs, `${jobs} parallel build jobs: expected 1 to ${max} on this machine (${BUILD_JOBS_PER_CPU} per CPU, at most ${MAX_BUILD_JOBS})`, {
      hint: "leave it out for one job per CPU"
    });
  }
}
function checkMinMirrors(minMirrors, count, where) {
  if (!Number.isInteger(minMirrors) || minMirrors < 1) {
    throw new UserError(PipelineErrorCode.MinMirrors, `${minMirrors} mirrors must hold every file: expected a whole number of at least 1`);
  }
  if (minMirrors > count) {
    throw new UserError(PipelineErrorCode.MinMirrors, `${minMirrors} mirrors must hold every file, but the release has ${count} (${where})`, {
      hint: `ask for at most ${count}, or add mirrors to the configuration`
    });
  }
}
function execEnv(env) {
  return Object.fromEntries(Object.entries(env).filter((e) => e[1] !== void 0));
}
async function planScan(options, requests, local, env) {
  const failOn = options.failOn ?? "high";
  const allowList = options.allowList !== void 0 ? await readAllowList(options.allowList) : void 0;
  const plan = { failOn, ...allowList ? { allowList } : {} };
  if (!requests.some((r) => r.recipe.scanVulnerabilities)) return plan;
  const choice = options.scanner ?? "auto";
  try {
    plan.scanner = await selectScanner({ choice, ...options.osvDir !== void 0 ? { osvDir: options.osvDir } : {}, env: execEnv(env) });
  } catch (err) {
    if (!local || choice !== "auto" || options.osvDir !== void 0) throw err;
    plan.missing = "neither grype nor trivy is on the PATH, and no folder of OSV records was given";
  }
  return plan;
}
async function planArtifactSigner(options, env, reporter) {
  if (options.artifactSigner) return { kind: "given", signer: options.artifactSigner, source: "given by the caller" };
  if (options.signingKey !== void 0) return { kind: "given", signer: await keyBundleSignerFromFile(options.signingKey), source: `key file ${options.signingKey}` };
  const oidc = idTokenProviderFromEnv(env, { secret: (v) => reporter.secret(v) });
  if (oidc) {
    const signer = new SigstoreKeylessSigner({ idToken: oidc.provider, services: options.sigstore ?? PUBLIC_GOOD_SERVICES });
    return { kind: "given", signer, source: `OIDC token from ${oidc.source}`, token: oidc.provider };
  }
  return { kind: "local" };
}
async function prepareRelease(options) {
  const reporter = options.reporter ?? silentReporter;
  const env = options.env ?? process.env;
  const workDir = path2.resolve(options.workDir ?? process.cwd());
  const platform = options.platform ?? hostPlatform();
  if (!platform) {
    throw new UserError(PipelineErrorCode.Options, `this machine (${process.platform}/${process.arch}) is not one of the platforms Potions builds for`, {
      hint: `choose a platform: one of ${PLATFORMS.join(", ")}`
    });
  }
  if (options.recipes.length === 0) throw new UserError(PipelineErrorCode.Options, "no recipe given", { hint: "name one or more recipes" });
  await checkWorkDir(workDir);
  if (options.version !== void 0) checkVersion(options.version, "the release version");
  checkJobs(options.jobs);
  const local = options.config === void 0 && options.mirrors === void 0;
  if (!local && options.localPorts !== void 0) {
    throw new UserError(PipelineErrorCode.LocalPorts, "local mirror ports were given, but the release publishes to configured mirrors", {
      hint: "local ports go with a release to the embedded local mirrors, without a mirrors configuration"
    });
  }
  const localPorts = local ? localPortsOf(options.localPorts) : void 0;
  const sourceDirs = await checkSourceDirs((options.sourceDirs ?? []).map((d) => path2.resolve(workDir, d)));
  const recipesDirs = (options.recipesDirs ?? [path2.join(workDir, "recipes")]).map((d) => path2.resolve(workDir, d));
  const requests = [];
  for (const raw of options.recipes) {
    const { ref, version } = splitRecipeRef(raw);
    if (version !== void 0) checkVersion(version, raw);
    const pathLike = ref.includes("/") || /\.ya?ml$/i.test(ref);
    const file = await findRecipe(pathLike ? path2.resolve(workDir, ref) : ref, recipesDirs);
    const loaded = await loadRecipeOrThrow(file);
    requests.push({ file, recipe: loaded.recipe, ...(version ?? options.version) !== void 0 ? { version: version ?? options.version } : {} });
  }
  const configured = options.mirrors ?? (options.config !== void 0 ? await loadMirrorsConfig(path2.resolve(workDir, options.config)) : void 0);
  const mirrorCount = configured ? configured.mirrors.length : localPorts.ports.length;
  const minMirrors = options.minMirrors ?? configured?.minMirrors ?? 1;
  checkMinMirrors(minMirrors, mirrorCount, configured ? "in the mirrors configuration" : "the two local mirrors");
  const manifestSigner = options.signer ?? (local ? void 0 : localKeySignerFromEnv({ env, reporter }));
  const artifactSigner = await planArtifactSigner(options, env, reporter);
  const scan = await planScan(options, requests, local, env);
  return {
    platform,
    local,
    workDir,
    potionsDir: path2.join(workDir, ".potions"),
    recipesDirs,
    requests,
    configured,
    ...localPorts ? { localPorts } : {},
    minMirrors,
    sourceDirs,
    ...manifestSigner ? { manifestSigner } : {},
    artifactSigner,
    scan,
    env,
    reporter,
    now: options.now ?? systemNow
  };
}
function splitRecipeRef(ref) {
  const m = /^([A-Za-z0-9][A-Za-z0-9._+-]*)@([A-Za-z0-9][A-Za-z0-9._+~-]*)$/.exec(ref);
  if (m && !/\.ya?ml$/i.test(m[1])) return { ref: m[1], version: m[2] };
  return { ref };
}

// packages/pipeline/src/fetch-package.ts
import { promises as fs5 } from "node:fs";
import path5 from "node:path";

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
    version = known.find((v) => versions[v][platform]?.status === "available");
    if (version === void 0) {
      const latest = known[0];
      const entry2 = versions[latest][platform];
      const why = entry2?.status === "withdrawn" ? `withdrawn: ${entry2.reason}` : entry2?.status === "unavailable" ? `unavailable: ${entry2.reason}` : "not listed";
      throw new UserError(ManifestErrorCode.PlatformUnavailable, `${name} has no build for ${platform} in any version; the latest, ${latest}, is ${why}`, {
        hint: availableElsewhere(versions[latest], name, latest)
      });
    }
  }
  const platforms = versions[version];
  if (!platforms) {
    throw new UserError(ManifestErrorCode.NotFound, `the manifest has no version ${version} of ${name}`, {
      hint: `published versions: ${known.slice(0, 20).join(", ")}`
    });
  }
  const entry = platforms[platform];
  if (!entry || entry.status === "unavailable") {
    throw new UserError(ManifestErrorCode.PlatformUnavailable, `${name}@${version} is unavailable for ${platform}: ${entry?.reason ?? "not listed"}`, {
      hint: availableElsewhere(platforms, name, version)
    });
  }
  if (entry.status === "withdrawn") {
    const newer = known.find((v) => compareVersions(v, version) > 0 && versions[v][platform]?.status === "available");
    throw new UserError(
      ManifestErrorCode.Withdrawn,
      `${name}@${version} for ${platform} was withdrawn on ${entry.withdrawnAt} (revision ${entry.revision}): ${entry.reason}`,
      { hint: newer ? `${name}@${newer} is available for ${platform}` : "do not install it; ask the publisher for a fixed build (a new revision or version)" }
    );
  }
  const formats = request.formats ?? DEFAULT_FORMAT_PREFERENCE;
  const rank = (a) => {
    const i = formats.indexOf(a.format);
    return i < 0 ? formats.length : i;
  };
  const artifacts = [...entry.artifacts].sort((a, b) => rank(a) - rank(b));
  return {
    name,
    version,
    platform,
    revision: entry.revision,
    artifacts,
    metadata: entry.metadata,
    ...entry.sboms ? { sboms: entry.sboms } : {},
    ...entry.provenance ? { provenance: entry.provenance } : {},
    ...entry.checks ? { checks: entry.checks } : {},
    build: entry.build
  };
}
function availableElsewhere(platforms, name, version) {
  const available = Object.entries(platforms).filter(([, e]) => e.status === "available").map(([p]) => p);
  return available.length > 0 ? `${name}@${version} is available for ${available.join(", ")}` : `${name}@${version} is available for no platform`;
}

// packages/pipeline/src/install.ts
import { randomBytes } from "node:crypto";
import { constants as fsConstants, promises as fs3 } from "node:fs";
import os2 from "node:os";
import path3 from "node:path";
var INSTALL_MARKER_FILE = ".potions-install.json";
var SYSTEM_FOLDERS = /* @__PURE__ */ new Set([
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/home",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/media",
  "/mnt",
  "/opt",
  "/proc",
  "/root",
  "/run",
  "/sbin",
  "/snap",
  "/srv",
  "/sys",
  "/tmp",
  "/usr",
  "/usr/bin",
  "/usr/include",
  "/usr/lib",
  "/usr/lib64",
  "/usr/libexec",
  "/usr/local",
  "/usr/local/bin",
  "/usr/local/lib",
  "/usr/local/share",
  "/usr/sbin",
  "/usr/share",
  "/usr/src",
  "/var",
  "/var/lib",
  "/var/tmp",
  "/nix",
  "/nix/store",
  "/Applications",
  "/Library",
  "/System",
  "/Users",
  "/Volumes",
  "/cores",
  "/private",
  "/private/etc",
  "/private/tmp",
  "/private/var",
  "/opt/homebrew",
  "/opt/local"
]);
async function readInstallMarker(dir) {
  try {
    const file = path3.join(dir, INSTALL_MARKER_FILE);
    if (!(await fs3.lstat(file)).isFile()) return void 0;
    const json = JSON.parse(await fs3.readFile(file, "utf8"));
    return json.potions === 1 && typeof json.name === "string" && typeof json.sha256 === "string" ? json : void 0;
  } catch {
    return void 0;
  }
}
async function realOrSelf(p) {
  try {
    return await fs3.realpath(p);
  } catch {
    return p;
  }
}
var isSameOrInside = (inner, outer) => inner === outer || inner.startsWith(outer.endsWith(path3.sep) ? outer : `${outer}${path3.sep}`);
async function checkInstallTarget(dirIn, options = {}) {
  const dir = path3.resolve(dirIn);
  const real = await realOrSelf(dir);
  const cwd = await realOrSelf(path3.resolve(options.cwd ?? process.cwd()));
  const home = await realOrSelf(path3.resolve(options.home ?? os2.homedir()));
  const why = real === path3.parse(real).root ? "the root folder" : real === home ? "your home folder" : SYSTEM_FOLDERS.has(real) || SYSTEM_FOLDERS.has(dir) ? "a system folder" : isSameOrInside(cwd, real) ? real === cwd ? "the current folder" : "a parent of the current folder" : void 0;
  if (why) {
    throw new UserError(PipelineErrorCode.OutProtected, `the install folder ${dir} is ${why}: Potions installs a package as a whole folder and will not replace it`, {
      location: { file: dir },
      hint: `choose a new folder for the package, such as ${path3.join(cwd, "tools", "<name>")}`
    });
  }
  let stat;
  try {
    stat = await fs3.stat(dir);
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
      occupied = (await fs3.readdir(dir)).length > 0;
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
  if (occupied && !await readInstallMarker(dir)) {
    throw new UserError(
      PipelineErrorCode.OutNotPotions,
      `the install folder ${dir} holds something that Potions did not install (no ${INSTALL_MARKER_FILE}): it will not replace it`,
      { location: { file: dir }, hint: "choose a new folder for the package; only a folder an earlier install made is ever replaced" }
    );
  }
  let parent = path3.dirname(dir);
  for (; ; ) {
    try {
      const s = await fs3.stat(parent);
      if (!s.isDirectory()) {
        throw new UserError(PipelineErrorCode.OutNotFolder, `the install folder ${dir} lies under ${parent}, which is a file, not a folder`, { location: { file: parent } });
      }
      break;
    } catch (err) {
      if (!hasCode(err, "ENOENT") || path3.dirname(parent) === parent) throw err;
      parent = path3.dirname(parent);
    }
  }
  try {
    await fs3.access(parent, fsConstants.W_OK | fsConstants.X_OK);
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
  const parent = path3.dirname(dir);
  await makeDirectory(parent);
  const staging = path3.join(parent, `.${path3.basename(dir)}.${randomBytes(6).toString("hex")}.installing`);
  let old;
  try {
    const extracted = await extractArchive(options.artifact, staging);
    const relocated = await relocateInstalled(staging, options.placeholder ?? PREFIX_PLACEHOLDER, dir, options.relocatedFiles);
    if (options.marker) {
      const marker = { potions: 1, ...options.marker, installedAt: (options.now ?? systemNow)().toISOString() };
      await fs3.rm(path3.join(staging, INSTALL_MARKER_FILE), { recursive: true, force: true });
      await fs3.writeFile(path3.join(staging, INSTALL_MARKER_FILE), `${JSON.stringify(marker, null, 2)}
`, { mode: 420 });
    }
    if ((await checkInstallTarget(dir, options)).occupied) {
      old = `${staging}.old`;
      await fs3.rename(dir, old);
    } else {
      await fs3.rmdir(dir).catch((err) => {
        if (!hasCode(err, "ENOENT")) throw err;
      });
    }
    await fs3.rename(staging, dir);
    return { dir, entries: extracted.entries, bytes: extracted.bytes, relocated };
  } catch (err) {
    if (old) await fs3.rename(old, dir).catch(() => void 0);
    throw err;
  } finally {
    await fs3.rm(staging, { recursive: true, force: true });
    if (old) await fs3.rm(old, { recursive: true, force: true });
  }
}

// packages/pipeline/src/read-manifest.ts
import { promises as fs4 } from "node:fs";
import path4 from "node:path";
var DEFAULT_MANIFEST_GRACE_MS = 3e3;
var isHttp = (s) => /^https?:\/\//i.test(s);
function codeOf(err) {
  const code = err?.code;
  return typeof code === "string" ? code : "E_INTERNAL";
}
async function readVerifiedManifest(options) {
  const sources = [...new Set(options.sources.map((s) => isHttp(s) ? s : path4.resolve(s)))];
  if (sources.length === 0) {
    throw new UserError(PipelineErrorCode.Options, "no manifest location given", {
      location: { field: "manifest" },
      hint: "give the manifest URL of every mirror (https://mirror.example/potions/manifest.json), or a manifest file"
    });
  }
  const graceMs = options.graceMs ?? DEFAULT_MANIFEST_GRACE_MS;
  const copies = sources.map(() => void 0);
  const refused = [];
  const controllers = sources.map(() => new AbortController());
  let attempts = 0;
  let firstError;
  let grace;
  const abandon = () => {
    for (const c of controllers) c.abort();
  };
  await Promise.all(
    sources.map(async (source, i) => {
      let bytes;
      try {
        bytes = isHttp(source) ? await download(source, controllers[i].signal, options, (n) => attempts += n) : await readFile(source);
      } catch (err) {
        if (!isUserError(err)) throw err;
        firstError ??= err;
        const abandoned = controllers[i].signal.aborted;
        refused.push({
          source,
          code: codeOf(err),
          message: abandoned ? `not waited for: no copy within ${graceMs / 1e3} s of an acceptable one from another location` : errorMessage(err)
        });
        return;
      }
      copies[i] = { source, bytes };
      if (grace === void 0 && await acceptable(bytes, options)) grace = setTimeout(abandon, graceMs);
    })
  ).finally(() => clearTimeout(grace));
  const read = copies.filter((c) => c !== void 0);
  if (read.length === 0) {
    if (sources.length === 1) throw firstError;
    throw new UserError(refused.find((r) => r.code.startsWith("E_MANIFEST_"))?.code ?? refused[0].code, `no manifest could be read from ${sources.length} locations:
${refused.map((r) => `  ${r.source}: ${r.message}`).join("\n")}`, {
      location: { file: sources[0] }
    });
  }
  let accepted;
  try {
    accepted = await acceptNewestManifest(read, { trustedKeys: options.trustedKeys, trustStore: options.trustStore, ...options.now ? { now: options.now } : {} });
  } catch (err) {
    if (!isUserError(err) || refused.length === 0) throw err;
    throw new UserError(err.code, `${err.message}
${refused.map((r) => `  ${r.source}: ${r.message}`).join("\n")}`, {
      ...err.location ? { location: err.location } : {},
      cause: err
    });
  }
  const allRefused = [...refused, ...accepted.refused];
  for (const r of allRefused) options.reporter?.warn(`manifest at ${r.source} refused: ${r.message}`);
  for (const o of accepted.older) options.reporter?.info(`manifest at ${o.source} is version ${o.version}, older than version ${accepted.manifest.version} from ${accepted.source}: not used`);
  return {
    manifest: accepted.manifest,
    ...accepted.envelope ? { envelope: accepted.envelope } : {},
    keyid: accepted.keyid,
    source: accepted.source,
    attempts,
    refused: allRefused,
    older: accepted.older
  };
}
async function download(url, signal, options, count) {
  const got = await downloadToBuffer({
    ...options.download,
    urls: [url],
    maxBytes: 64 * 1024 * 1024,
    label: "manifest.json",
    signal: options.download?.signal ? AbortSignal.any([options.download.signal, signal]) : signal,
    ...options.reporter ? { reporter: options.reporter } : {}
  });
  count(got.attempts);
  return new Uint8Array(got.data);
}
async function readFile(file) {
  try {
    return new Uint8Array(await fs4.readFile(file));
  } catch (err) {
    throw new UserError(PipelineErrorCode.Manifest, `cannot read the manifest ${file}: ${errorMessage(err)}`, {
      location: { file },
      hint: "pass a manifest file or an http(s) URL such as https://mirror.example/potions/manifest.json"
    });
  }
}
async function acceptable(bytes, options) {
  try {
    await verifyManifest(bytes, { trustedKeys: options.trustedKeys, ...options.now ? { now: options.now } : {} });
    return true;
  } catch {
    return false;
  }
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
function trustFor(fromCaller, fromManifest) {
  if (!fromCaller) return fromManifest;
  const revoked = [.../* @__PURE__ */ new Set([...fromCaller.revokedKeys ?? [], ...fromManifest?.revokedKeys ?? []])];
  return { ...fromCaller, ...revoked.length > 0 ? { revokedKeys: revoked } : {} };
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
    ...options.download ? { download: options.download } : {},
    ...options.manifestGraceMs !== void 0 ? { graceMs: options.manifestGraceMs } : {}
  });
  reporter.info(`manifest version ${read.manifest.version} from ${read.source} (signed by ${read.keyid.slice(0, 16)})`);
  const pick = selectArtifact(read.manifest, {
    name: options.name,
    ...options.version !== void 0 ? { version: options.version } : {},
    platform,
    ...options.formats ? { formats: options.formats } : {}
  });
  const where = `${pick.name}@${pick.version} ${platform} (revision ${pick.revision})`;
  const trust = trustFor(options.artifactTrust, read.manifest.artifactTrust);
  if (!trust) {
    reporter.warn(`the manifest does not say its artifacts are signed (it has no artifact trust settings): ${where} is checked against the signed manifest's sha256 only`);
  }
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
  const downloadDir = path5.join(path5.dirname(outDir), `.${path5.basename(outDir)}.download`);
  const formatsFailed = [];
  try {
    for (const artifact of pick.artifacts) {
      let good;
      try {
        good = await getVerified(artifact, downloadDir, trust, options, reporter);
      } catch (err) {
        if (!isUserError(err)) throw err;
        formatsFailed.push({ format: artifact.format, code: err.code, message: err.message });
        reporter.warn(`${artifact.file}: ${err.message}${pick.artifacts.length > formatsFailed.length ? "; trying the next format" : ""}`);
        continue;
      }
      const installed = await installArtifactAtomically({
        artifact: good.file,
        dir: outDir,
        ...relocation,
        ...target,
        marker: { name: pick.name, version: pick.version, platform, revision: pick.revision, format: artifact.format, sha256: artifact.sha256 },
        ...options.now ? { now: options.now } : {}
      });
      return {
        name: pick.name,
        version: pick.version,
        platform,
        revision: pick.revision,
        format: artifact.format,
        dir: installed.dir,
        sha256: good.sha256,
        size: good.bytes,
        mirror: good.url,
        urls: artifact.urls,
        formatsFailed,
        signature: good.signature,
        attempts: good.attempts,
        seconds: Math.round((clock() - started) / 10) / 100,
        manifestUrl: read.source,
        manifestVersion: read.manifest.version,
        manifestRefused: read.refused,
        manifestOlder: read.older,
        build: pick.build,
        relocated: installed.relocated
      };
    }
  } finally {
    await fs5.rm(downloadDir, { recursive: true, force: true });
  }
  const signatureFailure = formatsFailed.find((f) => f.code.startsWith("E_SIGNING_") || f.code === PipelineErrorCode.Unsigned);
  throw new UserError(
    signatureFailure?.code ?? formatsFailed[0]?.code ?? PipelineErrorCode.NoGoodCopy,
    `no format of ${where} could be downloaded and verified:
${formatsFailed.map((f) => `  ${f.format}: ${f.message}`).join("\n")}`,
    {
      hint: signatureFailure ? "the signature does not match who the trust settings say signs these artifacts: do not install it; tell the publisher" : "every mirror of every format failed: check the mirrors, or try again later"
    }
  );
}
async function getVerified(artifact, downloadDir, trust, options, reporter) {
  if (trust && !artifact.signatureBundle) {
    throw new UserError(PipelineErrorCode.Unsigned, `${artifact.file} has no signature bundle, but its artifacts must be signed`, {
      hint: "do not install it: the publisher signs its artifacts, and this one is not signed"
    });
  }
  const bundle = trust && artifact.signatureBundle ? await downloadToBuffer({
    ...options.download,
    urls: artifact.signatureBundle.urls,
    sha256: artifact.signatureBundle.sha256,
    size: artifact.signatureBundle.size,
    label: artifact.signatureBundle.file,
    reporter
  }) : void 0;
  const got = await downloadFile({
    ...options.download,
    urls: artifact.urls,
    dest: path5.join(downloadDir, path5.basename(artifact.file)),
    sha256: artifact.sha256,
    size: artifact.size,
    reporter
  });
  const base = { file: got.file, sha256: got.sha256, bytes: got.bytes, url: got.url, attempts: got.attempts };
  if (!trust || !bundle) return { ...base, signature: { verified: false, reason: "the manifest has no artifact trust settings: its artifacts are not signed" } };
  const verified = await verifyArtifact(await fs5.readFile(got.file), bundle.data.toString("utf8"), {
    trust,
    trustedRoot: options.trustedRoot ?? (() => publicGoodTrustedRoot()),
    expectedSha256: artifact.sha256,
    name: artifact.file,
    bundleName: artifact.signatureBundle.file,
    ...options.now ? { now: options.now } : {}
  });
  reporter.info(`${artifact.file}: signature verified (${verified.kind === "key" ? `key ${verified.keyId?.slice(0, 16)}` : `keyless, ${verified.certificateIdentity}`})`);
  return {
    ...base,
    signature: {
      verified: true,
      bundle: artifact.signatureBundle.file,
      kind: verified.kind,
      ...verified.keyId ? { keyId: verified.keyId } : {},
      ...verified.certificateIdentity ? { certificateIdentity: verified.certificateIdentity } : {},
      ...verified.issuer ? { issuer: verified.issuer } : {},
      ...verified.sourceRepository ? { sourceRepository: verified.sourceRepository } : {},
      ...verified.signedAt ? { signedAt: verified.signedAt } : {}
    }
  };
}

// packages/pipeline/src/local-key.ts
import { promises as fs6 } from "node:fs";
import path6 from "node:path";
var LOCAL_KEY_FILE = "manifest-key.pem";
var LOCAL_PUBLIC_KEY_FILE = "manifest-key.pub";
function localKeysDir(workDir) {
  return path6.join(workDir, ".potions", "keys");
}
async function createExclusive(dest, data, mode) {
  const tmp = tempPathFor(dest);
  await fs6.writeFile(tmp, data, { mode });
  try {
    await fs6.link(tmp, dest);
    return true;
  } catch (err) {
    if (hasCode(err, "EEXIST")) return false;
    throw err;
  } finally {
    await fs6.rm(tmp, { force: true });
  }
}
async function ensureLocalSigningKey(workDir) {
  const dir = localKeysDir(workDir);
  const privateKeyFile = path6.join(dir, LOCAL_KEY_FILE);
  const publicKeyFile = path6.join(dir, LOCAL_PUBLIC_KEY_FILE);
  await fs6.mkdir(dir, { recursive: true, mode: 448 });
  let created = false;
  try {
    await fs6.access(privateKeyFile);
  } catch {
    const key = generateManifestKey();
    created = await createExclusive(privateKeyFile, key.privateKeyPem, 384);
  }
  const signer = LocalKeySigner.fromPem(await fs6.readFile(privateKeyFile, "utf8"), `key file ${privateKeyFile}`);
  const publicKeyPem = signer.publicKeyPem();
  const current = await fs6.readFile(publicKeyFile, "utf8").catch(() => void 0);
  if (current !== publicKeyPem) {
    const tmp = tempPathFor(publicKeyFile);
    await fs6.writeFile(tmp, publicKeyPem, { mode: 420 });
    await fs6.rename(tmp, publicKeyFile);
  }
  return { signer, privateKeyFile, publicKeyFile, publicKeyPem, created };
}

export {
  PipelineErrorCode,
  serveSourceDirs,
  maxBuildJobs,
  prepareRelease,
  splitRecipeRef,
  fetchPackage,
  LOCAL_PUBLIC_KEY_FILE,
  localKeysDir,
  ensureLocalSigningKey
};
