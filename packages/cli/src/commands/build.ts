import path from 'node:path';
import { Option, type Command } from 'commander';
import { ConsoleReporter, UserError, assertPlatform, errorMessage, hostPlatform, isUserError, PLATFORMS } from '@potions/core';
import {
  BUILD_DOWNLOAD_HINT,
  BuilderErrorCode,
  CONTAINER_ENGINES,
  DEFAULT_BUILD_IMAGE,
  LocalFolderBuildCache,
  MAX_BUILD_JOBS,
  SANDBOX_MODES,
  buildFromRecipeRef,
  defaultCacheDir,
  isBuildError,
  parseSourceMirrors,
  sourceMirrorsFromEnv,
  SOURCE_MIRRORS_ENV,
  type ContainerEngineName,
  type SandboxMode,
} from '@potions/builder';
import { positiveInt, USAGE_ERROR } from '../options';
import { formatTable, jsonReported, printJson } from '../output';

const DEFAULT_RECIPES_DIR = 'recipes';
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface BuildCommandOptions {
  version?: string;
  platform?: string;
  sourceMirror?: string[];
  out: string;
  cache: boolean;
  cacheDir?: string;
  recipes?: string[];
  dependencyVersion?: string[];
  jobs?: number;
  sandbox: SandboxMode;
  container?: boolean;
  image?: string;
  keepWorkDir?: boolean;
  json?: boolean;
}

/** `--jobs`: 1 to the builder's maximum (more hangs make). */
function jobsOption(value: string): number {
  const n = positiveInt('--jobs')(value);
  if (n > MAX_BUILD_JOBS) throw new UserError(USAGE_ERROR, `--jobs must be from 1 to ${MAX_BUILD_JOBS}, got ${JSON.stringify(value)}`);
  return n;
}

/** The engine named by POTIONS_CONTAINER_ENGINE, if any (else podman, then docker). */
function containerEngine(env: NodeJS.ProcessEnv): ContainerEngineName | undefined {
  const name = env.POTIONS_CONTAINER_ENGINE;
  if (!name) return undefined;
  if ((CONTAINER_ENGINES as readonly string[]).includes(name)) return name as ContainerEngineName;
  throw new UserError(USAGE_ERROR, `POTIONS_CONTAINER_ENGINE must be one of ${CONTAINER_ENGINES.join(', ')}, got ${JSON.stringify(name)}`);
}

/** `NAME=VERSION` pairs; whether NAME is a dependency and VERSION valid is the builder's to check. */
function parseDependencyVersions(values: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values) {
    const m = /^([^=\s]+)=(\S+)$/.exec(v);
    if (!m) throw new UserError(USAGE_ERROR, `--dependency-version "${v}": expected NAME=VERSION`);
    out.set(m[1] as string, m[2] as string);
  }
  return out;
}

/** The options of this command that fix what a builder error names (the builder's own hints name none). */
function cliHint(err: UserError): string | undefined {
  if (err.hint === BUILD_DOWNLOAD_HINT) return "check the recipe's URLs, or give a source mirror that has the file (--source-mirror BASE, or POTIONS_SOURCE_MIRRORS)";
  switch (err.code) {
    case BuilderErrorCode.OutDir:
      return 'give a folder you can write to with --out';
    case BuilderErrorCode.CacheDir:
      return 'give a writable folder with --cache-dir (or POTIONS_CACHE_DIR), or build with --no-cache';
    case BuilderErrorCode.UnknownRecipe:
      return 'give a path to a .yml file, or the folder that holds the recipes with --recipes DIR';
    case BuilderErrorCode.DependencyVersion:
      return err.hint ? `${err.hint} (--dependency-version NAME=VERSION, --recipes DIR)` : undefined;
    case BuilderErrorCode.SandboxUnavailable:
      return `${err.hint ?? 'build in a container'} (--container); --sandbox auto builds without isolation where no sandbox can be made`;
    case BuilderErrorCode.ContainerImage:
      return 'make the build image with build-env/build-image.sh (docs/build-environments.md), or name another with --image NAME';
    default:
      return err.hint;
  }
}

export function registerBuildCommand(program: Command): void {
  program
    .command('build')
    .description('Build a recipe for a platform into a deterministic artifact (.tar.gz, .tar.zst, .json)')
    .argument('<recipe>', 'a recipe file (.yml) or a recipe name looked up in --recipes')
    .option('--version <version>', 'the version to build; without it the latest is looked up on the network')
    .option('--platform <platform>', `one of ${PLATFORMS.join(', ')} (default: this machine's)`)
    .option('--source-mirror <base>', `mirror of upstream files (BASE/<host>/<path>), repeatable; also ${SOURCE_MIRRORS_ENV}`, collect)
    .option('--out <dir>', 'where the artifact files go', 'artifacts')
    .option('--no-cache', 'build even when the build cache has this artifact, and do not store it')
    .option('--cache-dir <dir>', 'the local build cache (default: $POTIONS_CACHE_DIR or .potions/cache)')
    .option('--recipes <dir>', `recipe folder for names and dependencies, repeatable (default: ${DEFAULT_RECIPES_DIR})`, collect)
    .option('--dependency-version <name=version>', 'version of a dependency (otherwise looked up), repeatable', collect)
    .option('--jobs <n>', `parallel jobs, 1 to ${MAX_BUILD_JOBS} (default: the number of CPUs)`, jobsOption)
    .addOption(
      new Option('--sandbox <mode>', 'isolate the build steps (Linux, bubblewrap): required fails where no sandbox can be made; auto builds without one there, and says so')
        .choices([...SANDBOX_MODES])
        .default('auto'),
    )
    .option('--container', `run the build steps in a container image (podman or docker; POTIONS_CONTAINER_ENGINE picks one) instead of the sandbox`)
    .option('--image <name>', `the container image (implies --container; default ${DEFAULT_BUILD_IMAGE}, made by build-env/build-image.sh)`)
    .option('--keep-work-dir', 'keep the work folder (to debug a recipe)')
    .option('--json', 'print { ok, artifact, sha256, metadata, status } on stdout')
    .action(async (ref: string, opts: BuildCommandOptions) => {
      const reporter = new ConsoleReporter();
      // First, so that no later line can show a mirror's credentials.
      const sourceMirrors = [...parseSourceMirrors(opts.sourceMirror ?? [], '--source-mirror', reporter), ...sourceMirrorsFromEnv(process.env, reporter)];
      const platform = opts.platform ? assertPlatform(opts.platform, '--platform') : hostPlatform();
      const container = opts.container || opts.image ? { image: opts.image ?? DEFAULT_BUILD_IMAGE, engine: containerEngine(process.env) } : undefined;
      if (!platform) {
        throw new UserError('E_PLATFORM', `this machine (${process.platform}/${process.arch}) is not one of the platforms Potions builds for`, {
          hint: `pass --platform with one of: ${PLATFORMS.join(', ')}`,
        });
      }
      // Mistakes before the build throw: main prints them (with --json, as { ok: false, code, ... }).
      let result;
      try {
        result = await buildFromRecipeRef({
          ref,
          recipeDirs: opts.recipes ?? [DEFAULT_RECIPES_DIR],
          platform,
          version: opts.version,
          dependencyVersions: parseDependencyVersions(opts.dependencyVersion ?? []),
          sourceMirrors,
          cache: opts.cache ? new LocalFolderBuildCache(opts.cacheDir ? path.resolve(opts.cacheDir) : defaultCacheDir()) : undefined,
          outDir: path.resolve(opts.out),
          jobs: opts.jobs,
          sandbox: opts.sandbox,
          container,
          reporter,
          keepWorkDir: opts.keepWorkDir,
        });
      } catch (err) {
        if (!isUserError(err)) throw err;
        const hint = cliHint(err);
        // A failed build: the richer document with the step it failed in.
        if (opts.json && isBuildError(err)) {
          printJson({
            ok: false,
            status: 'failed',
            artifact: null,
            sha256: null,
            metadata: null,
            step: err.step,
            error: errorMessage(err),
            code: err.code,
            hint,
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
          buildEnvironment: result.metadata.buildEnvironment,
        });
        return;
      }
      process.stderr.write(
        `${formatTable(
          ['RECIPE', 'VERSION', 'PLATFORM', 'STATUS', 'METHOD', 'ARTIFACT', 'SHA256'],
          [[result.name, result.version, result.platform, result.cached ? `${result.status} (cached)` : result.status, result.method, path.relative(process.cwd(), result.artifact), result.sha256]],
        )}\n`,
      );
    });
}
