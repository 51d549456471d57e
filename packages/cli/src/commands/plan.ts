import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import { PLATFORMS, UserError } from '@potions/core';
import { loadRecipeDir, type LoadedRecipe } from '@potions/recipe';
import { GITHUB_MAX_MATRIX_LEGS, parseBuildRef, planSchedule, type BuildRef, type Schedule, type ScheduleLeg } from '@potions/schedule';
import { positiveInt, USAGE_ERROR } from '../options';
import { ExitCode, formatTable, printJson } from '../output';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
/** Comma- or space-separated words, repeatable. */
const words = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(/[\s,]+/).filter(Boolean)];

interface PlanCommandOptions {
  corpus: string;
  recipes?: string[];
  changedFiles?: string;
  withDependants?: boolean;
  platforms?: string[];
  version?: string[];
  available?: string;
  rebuild?: boolean;
  durations?: string;
  maxParallel?: number;
  maxLegs?: number;
  runner?: string[];
  root?: string;
  legs?: boolean;
  json?: boolean;
}

function err(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function readText(file: string, what: string, flag: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new UserError('E_PLAN_INPUT', `cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { hint: `${flag} takes a file` });
  }
}

/** Lines of a file, without blanks and `#` comments (as `git diff --name-only` writes, or a list by hand). */
async function readLines(file: string, what: string, flag: string): Promise<string[]> {
  return (await readText(file, what, flag))
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

/** `NAME=VALUE` pairs of a repeatable option. */
function pairs(values: readonly string[], flag: string, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const m = /^([^=\s]+)=(\S+)$/.exec(v.trim());
    if (!m) throw new UserError(USAGE_ERROR, `${flag} "${v}": expected ${what}`);
    out[m[1] as string] = m[2] as string;
  }
  return out;
}

async function readDurations(file: string): Promise<Record<string, number>> {
  const text = await readText(file, 'the durations file', '--durations');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UserError('E_PLAN_INPUT', `${file} is not JSON: ${(e as Error).message}`, { hint: 'write {"recipe": minutes, "recipe@platform": minutes}' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError('E_PLAN_INPUT', `${file} must hold one JSON object of minutes by recipe`, { hint: 'write {"recipe": minutes, "recipe@platform": minutes}' });
  }
  return value as Record<string, number>;
}

async function loadCorpus(dir: string): Promise<LoadedRecipe[]> {
  try {
    const loaded = await loadRecipeDir(dir);
    if (loaded.length === 0) throw new UserError('E_RECIPE_PATH', `${dir} holds no *.yml or *.yaml recipe`, { hint: 'pass the recipe folder with --corpus DIR' });
    return loaded;
  } catch (e) {
    if ((e as { code?: unknown }).code === 'E_RECIPE_PATH') throw e;
    throw new UserError('E_RECIPE_PATH', `cannot read the recipe folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: 'pass the recipe folder with --corpus DIR (e.g. --corpus ../shared/potions-recipes)',
    });
  }
}

/** A few names and how many more, for one table cell. */
function some(names: readonly string[], max = 6): string {
  const unique = [...new Set(names)];
  return unique.length <= max ? unique.join(', ') : `${unique.slice(0, max).join(', ')} and ${unique.length - max} more`;
}

/** The human report of `potions plan`: waves and matrices, the critical path, and everything left out. */
export function formatSchedule(s: Schedule, opts: { legs?: boolean } = {}): string {
  const out: string[] = [];
  const legs = (i: number): ScheduleLeg[] => s.matrices[i]?.matrix.include ?? [];
  const timed = s.minutes !== undefined;
  const rows = s.matrices.map((m) => [
    String(m.wave + 1),
    String(m.index + 1),
    String(m.matrix.include.length),
    ...(timed ? [String(Math.round(m.minutes ?? 0))] : []),
    PLATFORMS.filter((p) => s.platforms.includes(p))
      .map((p) => `${p} ${m.matrix.include.filter((l) => l.platform === p).length}`)
      .join(', '),
    some(m.matrix.include.map((l) => l.recipe)),
  ]);
  if (rows.length > 0) {
    out.push(formatTable(['WAVE', 'MATRIX', 'LEGS', ...(timed ? ['MINUTES'] : []), 'PER PLATFORM', 'RECIPES'], rows));
  }
  out.push(
    `${s.legs} legs in ${s.waves.length} waves, ${s.matrices.length} matrices (at most ${s.maxLegsPerMatrix} legs each${s.maxParallel === null ? '' : `, ${s.maxParallel} at a time`}); ${s.selected.length} recipes selected`,
  );
  if (timed) out.push(`estimate: ${Math.round(s.minutes ?? 0)} minutes, the matrices one after another`);
  if (s.criticalPath.legs.length > 0) {
    const minutes = s.criticalPath.minutes === undefined ? '' : `, ${Math.round(s.criticalPath.minutes)} minutes`;
    out.push(`critical path (${s.criticalPath.legs.length} builds${minutes}): ${s.criticalPath.legs.join(' -> ')}`);
  }
  if (opts.legs) {
    const all = s.matrices.flatMap((m) => legs(m.index));
    if (all.length > 0) {
      out.push(
        formatTable(
          ['WAVE', 'LEG', 'VERSION', 'RUNNER', 'NEEDS'],
          all.map((l) => [String(l.wave + 1), l.id, l.version ?? 'unresolved', l.runner, l.needs.join(' ')]),
        ),
      );
    }
  }
  if (s.excluded.length > 0) {
    out.push(`left out (${s.excluded.length}):`);
    out.push(formatTable(['RECIPE', 'PLATFORM', 'WHY'], s.excluded.map((e) => [e.recipe, e.platform, e.reason])));
  }
  if (s.skipped.length > 0) out.push(`already available, not rebuilt: ${some(s.skipped.map((k) => `${k.recipe}@${k.version}@${k.platform}`), 10)}`);
  if (s.reused.length > 0) out.push(`dependencies taken from the cache or manifest: ${some(s.reused.map((r) => `${r.name}@${r.version}@${r.platform}`), 10)}`);
  if (s.invalid.length > 0) {
    out.push(`recipes with errors, not built (${s.invalid.length}):`);
    for (const i of s.invalid) out.push(`  ${i.file}${i.line === undefined ? '' : `:${i.line}`}${i.field ? ` ${i.field}` : ''}: ${i.message}`);
  }
  if (s.host.length > 0) out.push(`from the build machine (no recipe): ${s.host.join(', ')}`);
  if (s.unresolved.length > 0) out.push(`unresolved versions (${s.unresolved.length}; give them with --version NAME=V): ${some(s.unresolved, 10)}`);
  if (s.ignoredChanges.length > 0) out.push(`changed files that are no recipe: ${some(s.ignoredChanges, 10)}`);
  return out.join('\n');
}

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('Plan a release of a recipe folder: waves by dependency level, matrices of legs, the critical path (offline)')
    .requiredOption('--corpus <dir>', 'the recipe folder (searched recursively)')
    .option('--recipes <names>', 'recipe names or globs over names, comma-separated, repeatable (default: all)', words)
    .option('--changed-files <file>', 'a file of changed paths, one per line (git diff --name-only REF...HEAD): the recipes whose files changed')
    .option('--with-dependants', 'also plan every recipe that depends on a selected one')
    .option('--platforms <list>', `platforms, comma-separated (default: ${PLATFORMS.join(',')})`, words)
    .option('--version <name=version>', 'the version of a recipe, repeatable (default: its static version, else unresolved)', collect)
    .option('--available <file>', 'builds the cache or the manifest holds, one name@version@platform per line: not built again')
    .option('--rebuild', 'build selected recipes even when --available lists them')
    .option('--durations <file>', 'JSON {"recipe": minutes, "recipe@platform": minutes}: the critical path and estimates in minutes')
    .option('--max-parallel <n>', 'legs of a matrix that run at once (strategy.max-parallel)', positiveInt('--max-parallel'))
    .option('--max-legs <n>', 'legs per matrix, at most 256 (GitHub\'s limit, the default)', positiveInt('--max-legs'))
    .option('--runner <platform=label>', 'the runs-on label of a platform, repeatable', collect)
    .option('--root <dir>', 'the repository root that file paths are relative to (default: the current folder)')
    .option('--legs', 'list every leg in the table')
    .option('--json', 'print the schedule as JSON: matrices[].matrix is what strategy.matrix takes')
    .action(async (opts: PlanCommandOptions) => {
      if (opts.maxLegs !== undefined && opts.maxLegs > GITHUB_MAX_MATRIX_LEGS) {
        throw new UserError(USAGE_ERROR, `--max-legs must be at most ${GITHUB_MAX_MATRIX_LEGS} (GitHub makes at most that many jobs from one matrix), got ${opts.maxLegs}`);
      }
      const recipes = await loadCorpus(opts.corpus);
      const changedFiles = opts.changedFiles === undefined ? undefined : await readLines(opts.changedFiles, 'the changed-files list', '--changed-files');
      const available: BuildRef[] =
        opts.available === undefined ? [] : (await readLines(opts.available, 'the available-builds list', '--available')).map((l) => parseBuildRef(l));
      const schedule = planSchedule({
        recipes,
        root: opts.root ?? process.cwd(),
        select: { patterns: opts.recipes, changedFiles, withDependants: opts.withDependants },
        platforms: opts.platforms,
        versions: pairs(opts.version ?? [], '--version', 'NAME=VERSION'),
        available,
        rebuild: opts.rebuild,
        durations: opts.durations === undefined ? undefined : await readDurations(opts.durations),
        maxParallel: opts.maxParallel,
        maxLegsPerMatrix: opts.maxLegs,
        runners: pairs(opts.runner ?? [], '--runner', 'PLATFORM=LABEL'),
      });
      // A recipe asked for by its exact name that has errors is the user's to fix; one caught by a glob or "all" is only reported.
      const named = new Set(opts.recipes ?? []);
      const broken = schedule.invalid.filter((i) => i.name !== undefined && named.has(i.name) && i.selected);
      if (opts.json) printJson({ ok: broken.length === 0, ...schedule });
      else err(formatSchedule(schedule, { legs: opts.legs }));
      for (const b of broken) err(`error: ${b.file}${b.line === undefined ? '' : `:${b.line}`}: recipe "${b.name}" has errors (${b.message}); run: potions recipes check ${b.file}`);
      process.exitCode = broken.length > 0 ? ExitCode.Failure : ExitCode.Ok;
    });
}
