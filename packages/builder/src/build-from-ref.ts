import path from 'node:path';
import { silentReporter, type Platform } from '@potions/core';
import { resolveVersion, versionDepsFromEnv, type Recipe, type VersionDeps } from '@potions/recipe';
import { buildRecipe, type BuildOptions } from './builder';
import type { BuildResult } from './attempt';
import { checkDependencyVersions, findRecipe, loadRecipeOrThrow, planRecipeBuild } from './from-recipe';

/** What a recipe build was resolved to, before anything is downloaded or built. */
export interface PlannedRecipeBuild {
  name: string;
  version: string;
  platform: Platform;
  /** The recipe file. */
  file: string;
  /** Dependencies built first (with a recipe), in build order. */
  dependencies: { name: string; version: string }[];
  /** Dependencies without a recipe: the build machine provides them. */
  host: string[];
}

export interface RecipeBuildRequest extends Omit<BuildOptions, 'dependencies' | 'outDir'> {
  /** A recipe file (`.yml`, or any path with a `/`) or a recipe name looked up in `recipeDirs`. */
  ref: string;
  /** Where names and dependencies are looked up; the recipe's own folder is always added. */
  recipeDirs: readonly string[];
  platform: Platform;
  /** Without it, the recipe's version source is asked (network). */
  version?: string;
  /** Pinned versions of dependencies (otherwise looked up). */
  dependencyVersions?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /**
   * Refuse a pinned dependency that this recipe does not build (default true).
   * Off where one set of pins serves several recipes (`potions release`).
   */
  strictDependencyVersions?: boolean;
  /** Network and token for version lookups (default: `versionDepsFromEnv(env)` with `reporter`). */
  versionDeps?: VersionDeps;
  /** Where the artifact files go; a function gets the resolved name and version. */
  outDir: string | ((planned: PlannedRecipeBuild) => string);
  /** Told what is about to be built (name, version, dependencies) before the build starts. */
  onPlanned?: (planned: PlannedRecipeBuild) => void;
}

/**
 * The one way from a recipe reference to an artifact, shared by `potions
 * build`, the build-recipe action and `potions release`: find the recipe,
 * resolve its version (unless given), plan its dependencies in build order
 * with their versions, and build. Every failure before the build is a
 * `UserError` naming what was wrong; the build's own failures are
 * `E_BUILD_FAILED` with the step (see `isBuildError`).
 */
export async function buildFromRecipeRef(req: RecipeBuildRequest): Promise<BuildResult> {
  const reporter = req.reporter ?? silentReporter;
  const env = req.env ?? process.env;
  const pinned = req.dependencyVersions instanceof Map ? req.dependencyVersions : new Map(Object.entries(req.dependencyVersions ?? {}));
  const file = await findRecipe(req.ref, [...req.recipeDirs]);
  const loaded = await loadRecipeOrThrow(file);
  checkDependencyVersions(pinned, loaded.recipe.name);
  const versionDeps: VersionDeps = req.versionDeps ?? { ...versionDepsFromEnv(env), reporter };
  const versionOf = async (recipe: Recipe): Promise<string> => (await resolveVersion(recipe, versionDeps)).version;
  const version = req.version ?? (await versionOf(loaded.recipe));
  const plan = await planRecipeBuild({
    file,
    platform: req.platform,
    version,
    recipeDirs: [...req.recipeDirs, path.dirname(file)],
    dependencyVersion: versionOf,
    dependencyVersions: pinned,
    strictDependencyVersions: req.strictDependencyVersions ?? true,
  });
  const planned: PlannedRecipeBuild = {
    name: plan.job.name,
    version,
    platform: plan.job.platform,
    file,
    dependencies: plan.dependencies.map((d) => ({ name: d.name, version: d.version })),
    host: plan.host,
  };
  req.onPlanned?.(planned);
  if (plan.host.length > 0) reporter.info(`${planned.name}: expected on this machine (no recipe): ${plan.host.join(', ')}`);
  reporter.info(`building ${planned.name} ${version} for ${planned.platform}`);
  return buildRecipe(plan.job, {
    outDir: typeof req.outDir === 'function' ? req.outDir(planned) : req.outDir,
    dependencies: plan.dependencies,
    sourceMirrors: req.sourceMirrors,
    cache: req.cache,
    jobs: req.jobs,
    sandbox: req.sandbox,
    container: req.container,
    reporter,
    exec: req.exec,
    transport: req.transport,
    workRoot: req.workRoot,
    keepWorkDir: req.keepWorkDir,
    sourceDateEpoch: req.sourceDateEpoch,
    prefixRoot: req.prefixRoot,
    env,
    hostPlatform: req.hostPlatform,
    now: req.now,
    baseDir: req.baseDir,
  });
}
