import type { Command } from 'commander';
import { ConsoleReporter, UserError, assertPlatform, hasCode, isUserError, withHint, PLATFORMS } from '@potions/core';
import {
  checkRecipes,
  formatCoverage,
  loadRecipeDir,
  planBuild,
  RecipeErrorCode,
  resolveVersion,
  versionDepsFromEnv,
  type CheckEntry,
  type LoadedRecipe,
  type Recipe,
} from '@potions/recipe';
import { USAGE_ERROR } from '../options';
import { ExitCode, formatTable, printJson } from '../output';

const DEFAULT_RECIPES_DIR = 'recipes';

function err(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The human table of `recipes check`: one row per issue, errors first within a recipe. */
export function formatCheckTable(entries: readonly CheckEntry[], showWarnings: boolean): string {
  const rows: string[][] = [];
  for (const e of entries) {
    const issues = [
      ...e.errors.map((i) => ({ ...i, level: 'error' })),
      ...(showWarnings ? e.warnings.map((i) => ({ ...i, level: 'warning' })) : []),
    ];
    for (const i of issues) {
      rows.push([e.recipe, i.level, `${e.file}${i.line !== undefined ? `:${i.line}` : ''}`, i.field ?? '', i.message]);
    }
  }
  return rows.length === 0 ? '' : formatTable(['RECIPE', 'LEVEL', 'WHERE', 'FIELD', 'MESSAGE'], rows);
}

/** Read every recipe of the --recipes folders; the first folder that has a name wins. */
async function loadLibrary(dirs: readonly string[]): Promise<Map<string, LoadedRecipe>> {
  const byName = new Map<string, LoadedRecipe>();
  for (const dir of dirs) {
    let loaded: LoadedRecipe[];
    try {
      loaded = await loadRecipeDir(dir);
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new UserError(RecipeErrorCode.Path, `cannot read the recipe folder ${dir}: ${why}`, { hint: 'pass --recipes DIR (e.g. --recipes ../shared/potions-recipes)' });
    }
    for (const l of loaded) if (l.name && !byName.has(l.name)) byName.set(l.name, l);
  }
  return byName;
}

function requireRecipes(library: Map<string, LoadedRecipe>, names: readonly string[], dirs: readonly string[]): Recipe[] {
  for (const n of names) {
    const l = library.get(n);
    if (!l) throw new UserError(RecipeErrorCode.Unknown, `no recipe named "${n}" in ${dirs.join(', ')}`, { hint: 'pass --recipes DIR' });
    const first = l.issues.find((i) => i.severity === 'error');
    if (!l.recipe || first) {
      throw new UserError(RecipeErrorCode.Invalid, `recipe "${n}" has errors; first: ${first?.message ?? 'unreadable'}`, {
        location: { file: l.file, line: first?.line, field: first?.field },
        hint: `run: potions recipes check ${l.file}`,
      });
    }
  }
  return [...library.values()].map((l) => l.recipe).filter((r): r is Recipe => r !== undefined && !library.get(r.name)?.issues.some((i) => i.severity === 'error'));
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export interface PlanTarget {
  name: string;
  version: string;
}

/**
 * The recipes and versions `recipes plan` works on: `NAME@VERSION` each, or one
 * `NAME` with `--version`. Plan is offline, so every recipe needs a version.
 */
export function planTargets(args: readonly string[], version: string | undefined): PlanTarget[] {
  const parsed = args.map((a) => {
    const at = a.indexOf('@');
    if (at < 0) return { name: a, version: undefined as string | undefined };
    if (at === 0 || at === a.length - 1) {
      throw new UserError(USAGE_ERROR, `"${a}" is not NAME@VERSION`, { hint: 'write e.g. zlib@1.3.1' });
    }
    return { name: a.slice(0, at), version: a.slice(at + 1) };
  });
  if (version !== undefined) {
    const only = parsed[0];
    if (parsed.length !== 1 || only === undefined || only.version !== undefined) {
      throw new UserError(USAGE_ERROR, `--version ${version} is ambiguous with ${args.join(' ')}: it applies only to one recipe named without @VERSION`, {
        hint: `give each recipe its own version: ${parsed.map((p) => `${p.name}@${p.version ?? 'VERSION'}`).join(' ')}`,
      });
    }
    return [{ name: only.name, version }];
  }
  const missing = parsed.filter((p) => p.version === undefined).map((p) => p.name);
  if (missing.length > 0) {
    throw new UserError(USAGE_ERROR, `no version given for ${missing.map((m) => `"${m}"`).join(', ')}; plan works offline and needs every version`, {
      hint: `write NAME@VERSION (${missing.map((m) => `${m}@VERSION`).join(' ')}), or --version V for a single recipe; \`potions recipes versions ${missing.join(' ')}\` looks up the latest`,
    });
  }
  return parsed as PlanTarget[];
}

/** What `recipes versions` can do about a failed lookup (the library suggests giving the version, which this command cannot take). */
function versionsHint(err: unknown): unknown {
  if (!isUserError(err)) return err;
  if (hasCode(err, RecipeErrorCode.NoVersion)) return withHint(err, 'check version.extract_pattern, version.exclude_patterns and version.cleanup against what the source lists');
  if (hasCode(err, RecipeErrorCode.VersionFetch)) return withHint(err, 'set GITHUB_TOKEN if GitHub rate-limits you; POTIONS_GITHUB_API_URL points at another GitHub API');
  return err;
}

export function registerRecipesCommand(program: Command): void {
  const recipes = program.command('recipes').description('Read, check and plan recipes');

  recipes
    .command('check')
    .description('Validate recipes (files or folders, searched recursively for *.yml/*.yaml) and their dependency graph')
    .argument('<paths...>', 'recipe files or folders')
    .option('--json', 'print [{recipe, file, errors, warnings}] on stdout')
    .option('--errors-only', 'leave warnings out of the table')
    .option('--verbose', 'print debug lines (e.g. files skipped while resolving dependencies)')
    .action(async (paths: string[], opts: { json?: boolean; errorsOnly?: boolean; verbose?: boolean }) => {
      const report = await checkRecipes(paths, { reporter: new ConsoleReporter({ verbose: opts.verbose ?? false }) });
      const failed = report.entries.filter((e) => e.errors.length > 0);
      if (opts.json) {
        printJson(report.entries);
      } else {
        const table = formatCheckTable(report.entries, !opts.errorsOnly);
        if (table) err(table);
        const errors = report.entries.reduce((n, e) => n + e.errors.length, 0);
        const warnings = report.entries.reduce((n, e) => n + e.warnings.length, 0);
        err(`${report.entries.length} recipes: ${failed.length} with errors (${errors} errors), ${warnings} warnings`);
        for (const line of formatCoverage(report.coverage)) err(line);
      }
      process.exitCode = failed.length > 0 ? ExitCode.Failure : ExitCode.Ok;
    });

  recipes
    .command('plan')
    .description('Show the download URLs in try order and the build order (offline: give each version)')
    .argument('<names...>', 'recipes as NAME@VERSION (or one NAME with --version)')
    .requiredOption('--platform <platform>', `one of ${PLATFORMS.join(', ')}`)
    .option('--version <version>', 'the version, when exactly one NAME is given without @VERSION')
    .option('--recipes <dir>', `recipe folder, repeatable (default: ${DEFAULT_RECIPES_DIR})`, collect)
    .option('--json', 'print the plan as JSON on stdout')
    .action(async (names: string[], opts: { platform: string; version?: string; recipes?: string[]; json?: boolean }) => {
      assertPlatform(opts.platform, '--platform');
      const targets = planTargets(names, opts.version);
      const dirs = opts.recipes ?? [DEFAULT_RECIPES_DIR];
      const library = await loadLibrary(dirs);
      const all = requireRecipes(
        library,
        targets.map((t) => t.name),
        dirs,
      );
      const plans = targets.map((t) => planBuild(all, [t.name], opts.platform, t.version));
      if (opts.json) {
        printJson(plans.length === 1 ? plans[0] : plans);
        return;
      }
      for (const plan of plans) {
        for (const d of plan.downloads) {
          err(`${d.recipe} ${d.version} for ${d.platform}${d.officialBinary ? ' (official binary)' : ' (built from source)'}`);
          d.attempts.forEach((a, i) => {
            const tags = [a.fallback ? 'fallback: source build' : a.artifact, a.field, a.ref ? `tag ${a.ref}` : ''].filter(Boolean).join(', ');
            err(`  ${i + 1}. ${a.url}  [${tags}]`);
            if (a.sha256) err(`     sha256 ${a.sha256}`);
            if (a.signature) err(`     signature ${a.signature.url}${a.signature.fingerprints.length ? ` (keys ${a.signature.fingerprints.join(', ')})` : ''}`);
          });
        }
        err(`build order: ${plan.buildOrder.join(' -> ')}`);
        if (plan.host.length > 0) err(`from the build host: ${plan.host.join(', ')}`);
      }
    });

  recipes
    .command('versions')
    .description('Look up the latest version of recipes on the network (GitHub API, web pages)')
    .argument('<names...>', 'recipe names')
    .option('--recipes <dir>', `recipe folder, repeatable (default: ${DEFAULT_RECIPES_DIR})`, collect)
    .option('--json', 'print [{recipe, version, candidates}] on stdout')
    .action(async (names: string[], opts: { recipes?: string[]; json?: boolean }) => {
      const dirs = opts.recipes ?? [DEFAULT_RECIPES_DIR];
      const all = requireRecipes(await loadLibrary(dirs), names, dirs);
      const reporter = new ConsoleReporter();
      const out = [];
      for (const name of names) {
        const recipe = all.find((r) => r.name === name) as Recipe;
        const resolved = await resolveVersion(recipe, { ...versionDepsFromEnv(), reporter }).catch((e: unknown) => {
          throw versionsHint(e);
        });
        out.push({ recipe: name, version: resolved.version, candidates: resolved.candidates.slice(0, 10) });
        if (!opts.json) err(`${name} ${resolved.version}`);
      }
      if (opts.json) printJson(out);
    });
}

