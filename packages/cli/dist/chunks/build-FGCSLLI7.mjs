import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  BUILD_DOWNLOAD_HINT,
  CONTAINER_ENGINES,
  DEFAULT_BUILD_IMAGE,
  LocalFolderBuildCache,
  MAX_BUILD_JOBS,
  SANDBOX_MODES,
  SOURCE_MIRRORS_ENV,
  buildFromRecipeRef,
  defaultCacheDir,
  parseSourceMirrors,
  sourceMirrorsFromEnv
} from "./chunk-R2PK7INS.mjs";
import "./chunk-S2GWYNR3.mjs";
import "./chunk-2OL6CIZP.mjs";
import "./chunk-KZ3XLZPR.mjs";
import "./chunk-XJIVFK5C.mjs";
import "./chunk-2WPBWRMN.mjs";
import "./chunk-FYQXNLY7.mjs";
import {
  BuilderErrorCode,
  isBuildError
} from "./chunk-XPDYRYHA.mjs";
import "./chunk-JPVXRUO3.mjs";
import "./chunk-QHOKOGRP.mjs";
import "./chunk-Q5AYDNPM.mjs";
import "./chunk-34KJHGJW.mjs";
import "./chunk-55UCJZ7D.mjs";
import {
  Option
} from "./chunk-XJAPUB6H.mjs";
import "./chunk-L5QZX5WR.mjs";
import "./chunk-EHDWN6R2.mjs";
import "./chunk-MVPDWXOW.mjs";
import {
  PLATFORMS,
  assertPlatform,
  hostPlatform
} from "./chunk-EE5EUXX6.mjs";
import "./chunk-DWDGEZWY.mjs";
import {
  USAGE_ERROR,
  positiveInt
} from "./chunk-AFBQJMGN.mjs";
import "./chunk-L5AWN5ZP.mjs";
import "./chunk-XJANFZUV.mjs";
import "./chunk-FLLDZBEK.mjs";
import {
  ConsoleReporter,
  UserError,
  errorMessage,
  formatTable,
  isUserError,
  jsonReported,
  printJson
} from "./chunk-HUJ2RKNL.mjs";
import "./chunk-B3VT5A5J.mjs";

// packages/cli/src/commands/build.ts
import path from "node:path";
var DEFAULT_RECIPES_DIR = "recipes";
var collect = (value, previous = []) => [...previous, value];
function jobsOption(value) {
  const n = positiveInt("--jobs")(value);
  if (n > MAX_BUILD_JOBS) throw new UserError(USAGE_ERROR, `--jobs must be from 1 to ${MAX_BUILD_JOBS}, got ${JSON.stringify(value)}`);
  return n;
}
function containerEngine(env) {
  const name = env.POTIONS_CONTAINER_ENGINE;
  if (!name) return void 0;
  if (CONTAINER_ENGINES.includes(name)) return name;
  throw new UserError(USAGE_ERROR, `POTIONS_CONTAINER_ENGINE must be one of ${CONTAINER_ENGINES.join(", ")}, got ${JSON.stringify(name)}`);
}
function parseDependencyVersions(values) {
  const out = /* @__PURE__ */ new Map();
  for (const v of values) {
    const m = /^([^=\s]+)=(\S+)$/.exec(v);
    if (!m) throw new UserError(USAGE_ERROR, `--dependency-version "${v}": expected NAME=VERSION`);
    out.set(m[1], m[2]);
  }
  return out;
}
function cliHint(err) {
  if (err.hint === BUILD_DOWNLOAD_HINT) return "check the recipe's URLs, or give a source mirror that has the file (--source-mirror BASE, or POTIONS_SOURCE_MIRRORS)";
  switch (err.code) {
    case BuilderErrorCode.OutDir:
      return "give a folder you can write to with --out";
    case BuilderErrorCode.CacheDir:
      return "give a writable folder with --cache-dir (or POTIONS_CACHE_DIR), or build with --no-cache";
    case BuilderErrorCode.UnknownRecipe:
      return "give a path to a .yml file, or the folder that holds the recipes with --recipes DIR";
    case BuilderErrorCode.DependencyVersion:
      return err.hint ? `${err.hint} (--dependency-version NAME=VERSION, --recipes DIR)` : void 0;
    case BuilderErrorCode.SandboxUnavailable:
      return `${err.hint ?? "build in a container"} (--container); --sandbox auto builds without isolation where no sandbox can be made`;
    case BuilderErrorCode.ContainerImage:
      return "make the build image with build-env/build-image.sh (docs/build-environments.md), or name another with --image NAME";
    default:
      return err.hint;
  }
}
function registerBuildCommand(program) {
  program.command("build").description("Build a recipe for a platform into a deterministic artifact (.tar.gz, .tar.zst, .json)").argument("<recipe>", "a recipe file (.yml) or a recipe name looked up in --recipes").option("--version <version>", "the version to build; without it the latest is looked up on the network").option("--platform <platform>", `one of ${PLATFORMS.join(", ")} (default: this machine's)`).option("--source-mirror <base>", `mirror of upstream files (BASE/<host>/<path>), repeatable; also ${SOURCE_MIRRORS_ENV}`, collect).option("--out <dir>", "where the artifact files go", "artifacts").option("--no-cache", "build even when the build cache has this artifact, and do not store it").option("--cache-dir <dir>", "the local build cache (default: $POTIONS_CACHE_DIR or .potions/cache)").option("--recipes <dir>", `recipe folder for names and dependencies, repeatable (default: ${DEFAULT_RECIPES_DIR})`, collect).option("--dependency-version <name=version>", "version of a dependency (otherwise looked up), repeatable", collect).option("--jobs <n>", `parallel jobs, 1 to ${MAX_BUILD_JOBS} (default: the number of CPUs)`, jobsOption).addOption(
    new Option("--sandbox <mode>", "isolate the build steps (Linux, bubblewrap): required fails where no sandbox can be made; auto builds without one there, and says so").choices([...SANDBOX_MODES]).default("auto")
  ).option("--container", `run the build steps in a container image (podman or docker; POTIONS_CONTAINER_ENGINE picks one) instead of the sandbox`).option("--image <name>", `the container image (implies --container; default ${DEFAULT_BUILD_IMAGE}, made by build-env/build-image.sh)`).option("--keep-work-dir", "keep the work folder (to debug a recipe)").option("--json", "print { ok, artifact, sha256, metadata, status } on stdout").action(async (ref, opts) => {
    const reporter = new ConsoleReporter();
    const sourceMirrors = [...parseSourceMirrors(opts.sourceMirror ?? [], "--source-mirror", reporter), ...sourceMirrorsFromEnv(process.env, reporter)];
    const platform = opts.platform ? assertPlatform(opts.platform, "--platform") : hostPlatform();
    const container = opts.container || opts.image ? { image: opts.image ?? DEFAULT_BUILD_IMAGE, engine: containerEngine(process.env) } : void 0;
    if (!platform) {
      throw new UserError("E_PLATFORM", `this machine (${process.platform}/${process.arch}) is not one of the platforms Potions builds for`, {
        hint: `pass --platform with one of: ${PLATFORMS.join(", ")}`
      });
    }
    let result;
    try {
      result = await buildFromRecipeRef({
        ref,
        recipeDirs: opts.recipes ?? [DEFAULT_RECIPES_DIR],
        platform,
        version: opts.version,
        dependencyVersions: parseDependencyVersions(opts.dependencyVersion ?? []),
        sourceMirrors,
        cache: opts.cache ? new LocalFolderBuildCache(opts.cacheDir ? path.resolve(opts.cacheDir) : defaultCacheDir()) : void 0,
        outDir: path.resolve(opts.out),
        jobs: opts.jobs,
        sandbox: opts.sandbox,
        container,
        reporter,
        keepWorkDir: opts.keepWorkDir
      });
    } catch (err) {
      if (!isUserError(err)) throw err;
      const hint = cliHint(err);
      if (opts.json && isBuildError(err)) {
        printJson({
          ok: false,
          status: "failed",
          artifact: null,
          sha256: null,
          metadata: null,
          step: err.step,
          error: errorMessage(err),
          code: err.code,
          hint
        });
        throw jsonReported(err);
      }
      throw hint === err.hint ? err : new UserError(err.code, err.message, { cause: err, location: err.location, hint });
    }
    if (opts.json) {
      printJson({
        ok: true,
        artifact: result.artifact,
        sha256: result.sha256,
        metadata: result.metadataFile,
        status: result.status,
        cached: result.cached,
        buildEnvironment: result.metadata.buildEnvironment
      });
      return;
    }
    process.stderr.write(
      `${formatTable(
        ["RECIPE", "VERSION", "PLATFORM", "STATUS", "METHOD", "ARTIFACT", "SHA256"],
        [[result.name, result.version, result.platform, result.cached ? `${result.status} (cached)` : result.status, result.method, path.relative(process.cwd(), result.artifact), result.sha256]]
      )}
`
    );
  });
}
export {
  registerBuildCommand
};
