import path from 'node:path';
import { UserError, assertPlatform, type Platform } from '@potions/core';
import { BuilderErrorCode } from './errors';
import {
  buildOrder,
  findRecipeFiles,
  isSafeVersion,
  loadRecipeFile,
  planDownloads,
  recipeDigest,
  type LoadedRecipe,
  type PlannedAttempt,
  type Recipe,
} from '@potions/recipe';
import type { BuildJob, SourceRef } from './build-job';

function sourceFrom(attempts: PlannedAttempt[]): SourceRef {
  const first = attempts[0];
  if (first?.kind === 'git') return { kind: 'git', url: first.url, ref: first.ref ?? '' };
  const sig = first?.signature;
  return {
    kind: 'http',
    urls: attempts.map((a) => a.url),
    sha256: first?.sha256?.toLowerCase(),
    signature: sig
      ? {
          // The signature sits beside the file: each URL tried for the file
          // has its own, and the recipe's signature_url comes first.
          urls: [sig.url],
          keys: sig.keysUrl ? [sig.keysUrl] : [],
          fingerprints: sig.fingerprints,
        }
      : undefined,
  };
}

/**
 * The one adapter between `@potions/recipe` and the builder: a recipe, a
 * platform and a version become a `BuildJob` with every template rendered
 * (in the try order of `planDownloads`), every word split, and, for an
 * official binary with `source_build`, the fallback job beside it.
 */
export function buildJobFromRecipe(recipe: Recipe, platformName: string, version: string, file?: string): BuildJob {
  const platform: Platform = assertPlatform(platformName, 'the platform');
  const plan = planDownloads(recipe, platform, version);
  const primary = plan.attempts.filter((a) => !a.fallback);
  const fallbackAttempts = plan.attempts.filter((a) => a.fallback);
  const digest = recipeDigest(recipe);
  const base: BuildJob = {
    name: recipe.name,
    version,
    platform,
    method: recipe.officialBinary ? 'official-binary' : 'source',
    buildType: recipe.buildType,
    source: sourceFrom(primary),
    configure: {
      script: recipe.configure.script,
      prepareScript: recipe.configure.prepareScript,
      flags: recipe.configure.flags,
      cmakeFlags: recipe.configure.cmakeFlags,
      sourceDir: recipe.configure.sourceDir,
    },
    build: {
      outOfTree: recipe.build.outOfTree,
      makeArgs: recipe.build.makeArgs,
      customBuild: recipe.build.customBuild,
      customInstall: recipe.build.customInstall,
      timeoutMinutes: recipe.build.timeoutMinutes,
    },
    dependencies: [...new Set([...recipe.dependencies, ...recipe.buildDependencies])],
    recipeDigest: digest,
    recipeFile: file,
    ...(recipe.officialBinary && recipe.binaryRelpath !== undefined ? { binaryRelpath: recipe.binaryRelpath } : {}),
  };
  const sb = recipe.sourceBuild;
  if (recipe.officialBinary && sb && fallbackAttempts.length > 0) {
    base.fallback = {
      name: recipe.name,
      version,
      platform,
      method: 'source',
      buildType: sb.buildType,
      source: sourceFrom(fallbackAttempts),
      configure: {
        script: sb.configure.script,
        prepareScript: sb.configure.prepareScript,
        flags: sb.configure.flags,
        cmakeFlags: sb.configure.cmakeFlags,
        sourceDir: sb.configure.sourceDir,
      },
      build: {
        outOfTree: sb.build.outOfTree,
        makeArgs: sb.build.makeArgs,
        customBuild: sb.build.customBuild,
        customInstall: sb.build.customInstall,
        timeoutMinutes: sb.build.timeoutMinutes,
      },
      dependencies: [...new Set([...sb.dependencies, ...sb.buildDependencies])],
      recipeDigest: digest,
      recipeFile: file,
    };
  }
  return base;
}

/** Read a recipe file; a recipe with errors is a UserError that lists them with file, line and field. */
export async function loadRecipeOrThrow(file: string): Promise<LoadedRecipe & { recipe: Recipe }> {
  const loaded = await loadRecipeFile(file);
  const errors = loaded.issues.filter((i) => i.severity === 'error');
  if (!loaded.recipe || errors.length > 0) {
    const first = errors[0];
    throw new UserError(
      BuilderErrorCode.Recipe,
      `${errors.length || 1} error(s) in the recipe:\n${errors.map((e) => `  ${e.file}${e.line ? `:${e.line}` : ''} ${e.field ?? ''}: ${e.message}`).join('\n')}`,
      { location: first ? { file: first.file, line: first.line, field: first.field } : { file } },
    );
  }
  return loaded as LoadedRecipe & { recipe: Recipe };
}

/**
 * Find a recipe: a path to a `.yml` file, or a name looked up in the recipe
 * folders (`<dir>/<name>.yml`, or any file whose `name:` matches).
 */
export async function findRecipe(ref: string, dirs: string[]): Promise<string> {
  if (/\.ya?ml$/i.test(ref) || ref.includes('/')) return path.resolve(ref);
  for (const dir of dirs) {
    for (const ext of ['.yml', '.yaml']) {
      const candidate = path.join(dir, `${ref}${ext}`);
      try {
        await loadRecipeFile(candidate);
        return candidate;
      } catch {
        // not there
      }
    }
  }
  for (const dir of dirs) {
    let files: string[];
    try {
      files = await findRecipeFiles(dir);
    } catch {
      continue;
    }
    for (const f of files) {
      const loaded = await loadRecipeFile(f);
      if (loaded.name === ref) return f;
    }
  }
  throw new UserError(BuilderErrorCode.UnknownRecipe, `no recipe named "${ref}" in ${dirs.join(', ')}`, {
    hint: 'give a path to a .yml file, or the folder that holds the recipes',
  });
}

export interface RecipeBuildPlan {
  job: BuildJob;
  /** The dependencies with a recipe, dependencies first. */
  dependencies: BuildJob[];
  /** Dependencies without a recipe: the build machine provides them. */
  host: string[];
}

const VERSION_RULE = 'letters, digits and . _ + - only, starting with a letter or digit, at most 128 characters';

/**
 * Check pinned dependency versions before anything is looked up: each version
 * follows the rule of recipe versions (it becomes part of file names), and,
 * with `names`, each name is one of the dependencies built from a recipe.
 */
export function checkDependencyVersions(
  pinned: ReadonlyMap<string, string>,
  recipe: string,
  names?: { built: readonly string[]; host: readonly string[] },
): void {
  for (const [name, version] of pinned) {
    if (!isSafeVersion(version)) {
      throw new UserError(BuilderErrorCode.DependencyVersion, `the version "${version}" given for the dependency ${name} is not a valid version`, {
        hint: `use ${VERSION_RULE}`,
      });
    }
    if (!names || names.built.includes(name)) continue;
    const known = names.built.length > 0 ? `the dependencies built for it are: ${names.built.join(', ')}` : 'it has no dependency built from a recipe';
    const why = names.host.includes(name) ? `${name} has no recipe here (it is expected on the build machine)` : `${name} is not a dependency of ${recipe}`;
    throw new UserError(BuilderErrorCode.DependencyVersion, `a version was given for ${name}, but ${why}; ${known}`, {
      hint: 'give versions only for the dependencies listed, or add the folder that holds their recipes',
    });
  }
}

/**
 * The build job of a recipe and of the dependencies it needs built first, in
 * topological order (`@potions/recipe` `buildOrder`). A dependency's version
 * is the one in `dependencyVersions`, else `dependencyVersion` looks it up.
 * With `strictDependencyVersions`, a pinned name that is not among the
 * dependencies built is refused before any version is looked up.
 */
export async function planRecipeBuild(opts: {
  file: string;
  platform: string;
  version: string;
  recipeDirs: string[];
  dependencyVersion: (recipe: Recipe) => Promise<string>;
  dependencyVersions?: ReadonlyMap<string, string>;
  strictDependencyVersions?: boolean;
}): Promise<RecipeBuildPlan> {
  const pinned = opts.dependencyVersions ?? new Map<string, string>();
  checkDependencyVersions(pinned, path.basename(opts.file));
  const root = await loadRecipeOrThrow(opts.file);
  const job = buildJobFromRecipe(root.recipe, opts.platform, opts.version, opts.file);
  const needed = [...job.dependencies, ...(job.fallback?.dependencies ?? [])];
  if (needed.length === 0) {
    if (opts.strictDependencyVersions) checkDependencyVersions(pinned, root.recipe.name, { built: [], host: [] });
    return { job, dependencies: [], host: [] };
  }
  const known: { recipe: Recipe; file: string }[] = [{ recipe: root.recipe, file: opts.file }];
  for (const dir of opts.recipeDirs) {
    let files: string[];
    try {
      files = await findRecipeFiles(dir);
    } catch {
      continue;
    }
    for (const f of files) {
      if (path.resolve(f) === path.resolve(opts.file)) continue;
      const loaded = await loadRecipeFile(f);
      if (loaded.recipe && !known.some((k) => k.recipe.name === loaded.recipe?.name)) known.push({ recipe: loaded.recipe, file: f });
    }
  }
  const order = buildOrder(
    known.map((k) => k.recipe),
    [root.recipe.name],
  );
  const built = order.order.filter((name) => name !== root.recipe.name && known.some((x) => x.recipe.name === name));
  if (opts.strictDependencyVersions) checkDependencyVersions(pinned, root.recipe.name, { built, host: order.host });
  const deps: BuildJob[] = [];
  for (const name of built) {
    const k = known.find((x) => x.recipe.name === name) as { recipe: Recipe; file: string };
    deps.push(buildJobFromRecipe(k.recipe, opts.platform, pinned.get(name) ?? (await opts.dependencyVersion(k.recipe)), k.file));
  }
  return { job, dependencies: deps, host: order.host };
}
