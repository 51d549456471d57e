import path from 'node:path';
import type { Command } from 'commander';
import { ConsoleReporter, UserError, assertPlatform, describeError, errorMessage, hostPlatform, isUserError, PLATFORMS } from '@potions/core';
import { resolveVersion, versionDepsFromEnv, type Recipe } from '@potions/recipe';
import {
  BuildFailure,
  LocalFolderBuildCache,
  buildRecipe,
  defaultCacheDir,
  findRecipe,
  loadRecipeOrThrow,
  parseSourceMirrors,
  planRecipeBuild,
  sourceMirrorsFromEnv,
  SOURCE_MIRRORS_ENV,
} from '@potions/builder';
import { ExitCode, formatTable, printJson } from '../output';

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
  jobs?: string;
  keepWorkDir?: boolean;
  json?: boolean;
}

function parseDependencyVersions(values: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values) {
    const m = /^([^=\s]+)=(\S+)$/.exec(v);
    if (!m) throw new UserError('E_USAGE', `--dependency-version "${v}": expected NAME=VERSION`);
    out.set(m[1] as string, m[2] as string);
  }
  return out;
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
    .option('--jobs <n>', 'parallel jobs (default: the number of CPUs)')
    .option('--keep-work-dir', 'keep the work folder (to debug a recipe)')
    .option('--json', 'print { ok, artifact, sha256, metadata, status } on stdout')
    .action(async (ref: string, opts: BuildCommandOptions) => {
      const reporter = new ConsoleReporter();
      const dirs = opts.recipes ?? [DEFAULT_RECIPES_DIR];
      const host = hostPlatform();
      const platform = opts.platform ? assertPlatform(opts.platform, '--platform') : host;
      if (!platform) {
        throw new UserError('E_PLATFORM', `this machine (${process.platform}/${process.arch}) is not one of the platforms Potions builds for`, {
          hint: `pass --platform with one of: ${PLATFORMS.join(', ')}`,
        });
      }
      const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
      if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) {
        throw new UserError('E_USAGE', `--jobs must be a whole number of at least 1, got "${opts.jobs}"`);
      }
      const mirrors = [...parseSourceMirrors(opts.sourceMirror ?? []), ...sourceMirrorsFromEnv()];
      const depVersions = parseDependencyVersions(opts.dependencyVersion ?? []);
      const versionOf = async (recipe: Recipe): Promise<string> =>
        depVersions.get(recipe.name) ?? (await resolveVersion(recipe, { ...versionDepsFromEnv(), reporter })).version;

      const file = await findRecipe(ref, dirs);
      const loaded = await loadRecipeOrThrow(file);
      const version = opts.version ?? (await versionOf(loaded.recipe));
      const plan = await planRecipeBuild({
        file,
        platform,
        version,
        recipeDirs: [...dirs, path.dirname(file)],
        dependencyVersion: versionOf,
      });
      if (plan.host.length > 0) reporter.info(`expected on this machine (no recipe): ${plan.host.join(', ')}`);
      const cache = opts.cache ? new LocalFolderBuildCache(opts.cacheDir ? path.resolve(opts.cacheDir) : defaultCacheDir()) : undefined;
      try {
        const result = await buildRecipe(plan.spec, {
          outDir: path.resolve(opts.out),
          sourceMirrors: mirrors,
          cache,
          dependencies: plan.dependencies,
          jobs,
          reporter,
          keepWorkDir: opts.keepWorkDir,
        });
        if (opts.json) {
          printJson({ ok: true, artifact: result.artifact, sha256: result.sha256, metadata: result.metadataFile, status: result.status, cached: result.cached });
          return;
        }
        process.stderr.write(
          `${formatTable(
            ['RECIPE', 'VERSION', 'PLATFORM', 'STATUS', 'METHOD', 'ARTIFACT', 'SHA256'],
            [[result.name, result.version, result.platform, result.cached ? `${result.status} (cached)` : result.status, result.method, path.relative(process.cwd(), result.artifact), result.sha256]],
          )}\n`,
        );
      } catch (err) {
        if (opts.json) {
          printJson({
            ok: false,
            status: 'failed',
            artifact: null,
            sha256: null,
            metadata: null,
            step: err instanceof BuildFailure ? err.step : undefined,
            error: errorMessage(err),
          });
          process.stderr.write(`error: ${describeError(err)}\n`);
          process.exitCode = isUserError(err) ? ExitCode.Failure : ExitCode.Internal;
          return;
        }
        throw err;
      }
    });
}
