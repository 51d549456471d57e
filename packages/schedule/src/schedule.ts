import path from 'node:path';
import { PLATFORMS, UserError, hasCode, isPlatform, type Platform } from '@potions/core';
import { RecipeErrorCode, buildOrder, isSafeVersion, planDownloads, recipeEdges, type LoadedRecipe, type Recipe } from '@potions/recipe';
import { ScheduleErrorCode } from './errors';
import { runnersFor } from './runners';
import { normalizeRepoPath, selectRecipes, type Candidate, type RecipeSelection } from './select';

/** GitHub's limit on the jobs one matrix can make. */
export const GITHUB_MAX_MATRIX_LEGS = 256;

/** A build that exists already: in the build cache, or published in the manifest. */
export interface BuildRef {
  name: string;
  version: string;
  platform: Platform;
}

export interface ScheduleInput {
  /** Every recipe of the repository as loaded (`loadRecipeDir`); those with errors are reported and never built. */
  recipes: readonly LoadedRecipe[];
  /** The repository root: leg files are given relative to it, and changed files are read relative to it. */
  root?: string;
  /** Which recipes the run asks for (default: all). */
  select?: RecipeSelection;
  /** Resolved versions by recipe name. A recipe with neither this nor a `static:` version is built "unresolved". */
  versions?: Readonly<Record<string, string>>;
  /** Platforms to build (default the four). */
  platforms?: readonly string[];
  /** What the cache or the manifest holds already: not built again (a requested one is skipped, a dependency reused). */
  available?: readonly BuildRef[];
  /** Build requested recipes even when `available` has them (dependencies are still reused). */
  rebuild?: boolean;
  /**
   * Minutes a build takes, by recipe name or `name@platform` (the latter
   * wins): the critical path and the estimate are in minutes. Recipes left
   * out count as the median of the given ones. Without it they count builds.
   */
  durations?: Readonly<Record<string, number>>;
  /** How many legs of a matrix run at once (`strategy.max-parallel`); default: no limit. */
  maxParallel?: number;
  /** Legs per matrix, at most GitHub's 256 (the default). */
  maxLegsPerMatrix?: number;
  /** Runner label per platform, over `DEFAULT_RUNNERS`. */
  runners?: Readonly<Record<string, string>>;
}

/** One job of a build matrix: a recipe on a platform. Every field is a string or number a workflow reads as `matrix.<field>`. */
export interface ScheduleLeg {
  /** `<recipe>-<platform>`: unique in a run, safe in artifact and cache names. */
  id: string;
  recipe: string;
  /** The recipe file, relative to the repository root. */
  file: string;
  /** The version to build; null when nothing resolved it (offline plans). */
  version: string | null;
  platform: Platform;
  /** The `runs-on` label. */
  runner: string;
  /** The wave (0-based): every leg it needs is in an earlier one. */
  wave: number;
  /** The recipe's `build.timeout_minutes`. */
  timeout: number;
  /** Ids of the legs of this run it builds on (its dependencies, direct or not, built in earlier waves). */
  needs: string[];
}

/** What `strategy.matrix` takes: `matrix: ${{ fromJSON(needs.plan.outputs.matrix-1) }}`. */
export interface MatrixValue {
  include: ScheduleLeg[];
}

export interface ScheduleMatrix {
  /** 0-based position: matrices run in this order, each after the one before. */
  index: number;
  wave: number;
  matrix: MatrixValue;
  /** Estimated minutes from its first leg to its last, with `maxParallel` (when durations were given). */
  minutes?: number;
}

export interface ScheduleWave {
  index: number;
  legs: number;
  /** Indexes into `matrices`. */
  matrices: number[];
  minutes?: number;
}

/** A requested recipe on a platform that is not built: the cache or the manifest has it. */
export interface SkippedLeg {
  recipe: string;
  version: string;
  platform: Platform;
  reason: string;
}

/** A requested recipe on a platform that cannot be built there, and why. */
export interface ExcludedLeg {
  recipe: string;
  platform: Platform;
  /** `no-platform`: the recipe has no download for it; `dependency`: something it needs cannot be built there. */
  code: 'no-platform' | 'dependency';
  reason: string;
}

/** A recipe file that did not load, or a second recipe with a name already taken. */
export interface InvalidRecipe {
  name?: string;
  file: string;
  code: string;
  message: string;
  line?: number;
  field?: string;
  /** True when the run asked for it (by name, glob, change, or all). */
  selected: boolean;
}

export interface CriticalPath {
  /** Leg ids, first build first. */
  legs: string[];
  /** Minutes along it, when durations were given (a lower bound on the run's build time). */
  minutes?: number;
}

export interface Schedule {
  schemaVersion: 1;
  platforms: Platform[];
  runners: Record<Platform, string>;
  maxParallel: number | null;
  maxLegsPerMatrix: number;
  /** Recipes the run asked for, after globs and changes. */
  selected: string[];
  waves: ScheduleWave[];
  matrices: ScheduleMatrix[];
  /** Legs in all matrices. */
  legs: number;
  skipped: SkippedLeg[];
  /** Dependencies taken from the cache or the manifest instead of being built. */
  reused: BuildRef[];
  excluded: ExcludedLeg[];
  invalid: InvalidRecipe[];
  /** Dependencies without a recipe: the build machine provides them. */
  host: string[];
  /** Recipes built without a resolved version. */
  unresolved: string[];
  /** Changed files that select no recipe. */
  ignoredChanges: string[];
  criticalPath: CriticalPath;
  /** Estimated minutes of all matrices one after another, when durations were given. */
  minutes?: number;
  /** Recipes whose duration was not given and counted as the median (when durations were given). */
  missingDurations?: string[];
}

type State =
  | { kind: 'build'; version: string | null }
  | { kind: 'available'; version: string }
  | { kind: 'excluded'; code: ExcludedLeg['code']; reason: string };

interface Leg extends ScheduleLeg {
  duration: number;
  /** Minutes from its start to the end of the longest chain that needs it. */
  tail: number;
}

/**
 * The release plan of a recipe repository: the recipes to build (what was
 * asked for, and the dependencies it needs that are not available already),
 * ordered into waves by dependency level on each platform, each wave cut into
 * matrices of at most `maxLegsPerMatrix` legs, with what is left out and why
 * and the critical path. Pure: no network, no files, same input same output.
 */
export function planSchedule(input: ScheduleInput): Schedule {
  const platforms = platformsOf(input.platforms);
  const maxLegs = wholeOption('maxLegsPerMatrix', input.maxLegsPerMatrix ?? GITHUB_MAX_MATRIX_LEGS, GITHUB_MAX_MATRIX_LEGS);
  const maxParallel = input.maxParallel === undefined ? null : wholeOption('maxParallel', input.maxParallel);
  const runners = runnersFor(input.runners);
  const fileOf = (file: string): string => normalizeRepoPath(input.root === undefined ? file : path.relative(input.root, path.resolve(input.root, file)));

  const { valid, invalid } = partition(input.recipes, fileOf);
  const candidates: Candidate[] = [
    ...[...valid.values()].map((v) => ({ name: v.recipe.name, file: v.file, recipe: v.recipe })),
    ...invalid.filter((i) => i.name !== undefined && !valid.has(i.name)).map((i) => ({ name: i.name as string, file: i.file })),
  ];
  const selection = selectRecipes(candidates, input.select ?? {}, input.root);
  const selected = new Set(selection.names);
  for (const i of invalid) i.selected = i.name !== undefined && selected.has(i.name) && !valid.has(i.name);
  const invalidNames = new Set(invalid.filter((i) => i.name !== undefined && !valid.has(i.name)).map((i) => i.name as string));

  const versions = versionsOf(input.versions, candidates);
  const durations = durationsOf(input.durations);
  const availableSet = new Set((input.available ?? []).map((b) => refKey(b.name, b.version, b.platform)));
  const recipes = [...valid.values()].map((v) => v.recipe);
  const roots = selection.names.filter((n) => valid.has(n));
  const order = orderOf(recipes, roots, valid);
  const host = order.host.filter((h) => !invalidNames.has(h));

  const legs: Leg[] = [];
  const skipped: SkippedLeg[] = [];
  const reused: BuildRef[] = [];
  const excluded: ExcludedLeg[] = [];
  const unresolved = new Set<string>();
  for (const platform of platforms) {
    const state = new Map<string, State>();
    for (const name of order.order) {
      const recipe = (valid.get(name) as { recipe: Recipe }).recipe;
      state.set(name, stateOf(recipe, platform, state, invalidNames, versions, availableSet, input.rebuild === true && selected.has(name)));
    }
    // Only what a requested build needs: a dependency of a recipe left out here is not built either.
    const needed = new Set<string>();
    const visit = (name: string): void => {
      for (const dep of recipeEdges((valid.get(name) as { recipe: Recipe }).recipe)) {
        if (valid.has(dep) && !needed.has(dep)) {
          needed.add(dep);
          visit(dep);
        }
      }
    };
    for (const name of roots) {
      const s = state.get(name) as State;
      if (s.kind === 'build') visit(name);
      else if (s.kind === 'available') skipped.push({ recipe: name, version: s.version, platform, reason: `${refKey(name, s.version, platform)} is in the cache or the manifest already` });
      else excluded.push({ recipe: name, platform, code: s.code, reason: s.reason });
    }
    const ready = new Map<string, { wave: number; needs: Set<string> }>();
    for (const name of order.order) {
      const s = state.get(name) as State;
      const isRoot = selected.has(name) && s.kind === 'build';
      if (!isRoot && !needed.has(name)) continue;
      const recipe = (valid.get(name) as { file: string; recipe: Recipe }).recipe;
      let wave = 0;
      const needs = new Set<string>();
      for (const dep of recipeEdges(recipe)) {
        const r = ready.get(dep);
        if (!r) continue;
        wave = Math.max(wave, r.wave);
        r.needs.forEach((n) => needs.add(n));
      }
      if (s.kind === 'build') {
        const id = `${name}-${platform}`;
        if (s.version === null) unresolved.add(name);
        legs.push({
          id,
          recipe: name,
          file: (valid.get(name) as { file: string }).file,
          version: s.version,
          platform,
          runner: runners[platform],
          wave,
          timeout: recipe.build.timeoutMinutes,
          needs: [...needs].sort(),
          duration: durations.of(name, platform),
          tail: 0,
        });
        needs.add(id);
        ready.set(name, { wave: wave + 1, needs });
      } else {
        if (s.kind === 'available' && !selected.has(name)) reused.push({ name, version: s.version, platform });
        ready.set(name, { wave, needs });
      }
    }
  }

  computeTails(legs);
  const critical = criticalPathOf(legs, platforms);
  const { waves, matrices } = shard(legs, platforms, maxLegs, maxParallel, durations.given);
  const schedule: Schedule = {
    schemaVersion: 1,
    platforms,
    runners,
    maxParallel,
    maxLegsPerMatrix: maxLegs,
    selected: selection.names,
    waves,
    matrices,
    legs: legs.length,
    skipped,
    reused: reused.sort((a, b) => a.name.localeCompare(b.name) || PLATFORMS.indexOf(a.platform) - PLATFORMS.indexOf(b.platform)),
    excluded: excluded.sort((a, b) => a.recipe.localeCompare(b.recipe) || PLATFORMS.indexOf(a.platform) - PLATFORMS.indexOf(b.platform)),
    invalid: invalid.sort((a, b) => a.file.localeCompare(b.file)),
    host,
    unresolved: [...unresolved].sort(),
    ignoredChanges: selection.ignoredChanges,
    criticalPath: durations.given ? { legs: critical.legs, minutes: critical.minutes } : { legs: critical.legs },
  };
  if (durations.given) {
    schedule.minutes = matrices.reduce((sum, m) => sum + (m.minutes ?? 0), 0);
    schedule.missingDurations = [...new Set(legs.filter((l) => !durations.has(l.recipe, l.platform)).map((l) => l.recipe))].sort();
  }
  return schedule;
}

/** `name@version@platform`: how `available` entries are written on a command line or in a file. */
export function refKey(name: string, version: string, platform: Platform): string {
  return `${name}@${version}@${platform}`;
}

/** Read `name@version@platform` (the version may not hold `@`); a malformed one is a UserError. */
export function parseBuildRef(text: string): BuildRef {
  const parts = text.trim().split('@');
  const [name, version, platform] = parts;
  if (parts.length !== 3 || !name || !version || !platform || !isPlatform(platform) || !isSafeVersion(version)) {
    throw new UserError(ScheduleErrorCode.Version, `"${text}" is not name@version@platform`, {
      hint: `write e.g. zlib@1.3.1@linux-amd64 (platforms: ${PLATFORMS.join(', ')})`,
    });
  }
  return { name, version, platform };
}

function platformsOf(given: readonly string[] | undefined): Platform[] {
  if (given === undefined) return [...PLATFORMS];
  for (const p of given) {
    if (!isPlatform(p)) throw new UserError(ScheduleErrorCode.Option, `unknown platform "${p}"`, { hint: `use some of: ${PLATFORMS.join(', ')}` });
  }
  if (given.length === 0) throw new UserError(ScheduleErrorCode.Option, 'no platform to build for', { hint: `use some of: ${PLATFORMS.join(', ')}` });
  return PLATFORMS.filter((p) => given.includes(p));
}

function wholeOption(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new UserError(ScheduleErrorCode.Option, `${name} must be a whole number from 1 to ${max === Number.MAX_SAFE_INTEGER ? 'any' : max}, got ${value}`, {
      hint: max === GITHUB_MAX_MATRIX_LEGS ? 'GitHub makes at most 256 jobs from one matrix' : undefined,
    });
  }
  return value;
}

/** Valid recipes by name (the first file of a name wins) and every file that cannot be built from. */
function partition(loaded: readonly LoadedRecipe[], fileOf: (f: string) => string): { valid: Map<string, { file: string; recipe: Recipe }>; invalid: InvalidRecipe[] } {
  const valid = new Map<string, { file: string; recipe: Recipe }>();
  const invalid: InvalidRecipe[] = [];
  for (const l of [...loaded].sort((a, b) => fileOf(a.file).localeCompare(fileOf(b.file)))) {
    const file = fileOf(l.file);
    const error = l.issues.find((i) => i.severity === 'error');
    if (!l.recipe || error) {
      invalid.push({ name: l.name, file, code: error?.code ?? 'E_RECIPE', message: error?.message ?? 'the recipe cannot be read', line: error?.line, field: error?.field, selected: false });
    } else if (valid.has(l.recipe.name)) {
      const first = valid.get(l.recipe.name) as { file: string };
      invalid.push({ name: l.recipe.name, file, code: 'E_DUPLICATE_NAME', message: `recipe "${l.recipe.name}" is also defined in ${first.file}; that one is used`, line: l.lineOf?.(['name']), field: 'name', selected: false });
    } else valid.set(l.recipe.name, { file, recipe: l.recipe });
  }
  return { valid, invalid };
}

function versionsOf(given: Readonly<Record<string, string>> | undefined, candidates: readonly Candidate[]): (recipe: Recipe) => string | null {
  const names = new Set(candidates.map((c) => c.name));
  const map = new Map<string, string>();
  for (const [name, version] of Object.entries(given ?? {})) {
    if (!names.has(name)) throw new UserError(ScheduleErrorCode.Version, `a version is given for "${name}", which no recipe is`, { hint: 'check the name against the recipe folder' });
    if (typeof version !== 'string' || !isSafeVersion(version)) {
      throw new UserError(ScheduleErrorCode.Version, `the version of ${name}, ${JSON.stringify(version)}, is not a valid version`, { hint: 'a version is letters, digits, ".", "-", "_" and "+"' });
    }
    map.set(name, version);
  }
  return (recipe) => map.get(recipe.name) ?? (recipe.version.source.kind === 'static' ? recipe.version.source.version : null);
}

interface Durations {
  given: boolean;
  of(name: string, platform: Platform): number;
  has(name: string, platform: Platform): boolean;
}

function durationsOf(given: Readonly<Record<string, number>> | undefined): Durations {
  const entries = Object.entries(given ?? {});
  for (const [key, minutes] of entries) {
    if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 0) {
      throw new UserError(ScheduleErrorCode.Option, `the duration of ${key} must be a number of minutes of at least 0, got ${JSON.stringify(minutes)}`);
    }
  }
  const map = new Map(entries);
  const sorted = entries.map(([, m]) => m).sort((a, b) => a - b);
  const median = sorted.length === 0 ? 1 : ((sorted[Math.floor((sorted.length - 1) / 2)] as number) + (sorted[Math.ceil((sorted.length - 1) / 2)] as number)) / 2;
  const has = (name: string, platform: Platform): boolean => map.has(`${name}@${platform}`) || map.has(name);
  return {
    given: entries.length > 0,
    has,
    of: (name, platform) => map.get(`${name}@${platform}`) ?? map.get(name) ?? median,
  };
}

/** The recipes to look at, dependencies first; a cycle is a UserError that names it. */
function orderOf(recipes: readonly Recipe[], roots: readonly string[], valid: Map<string, { file: string; recipe: Recipe }>): { order: string[]; host: string[] } {
  try {
    return buildOrder(recipes, roots);
  } catch (err) {
    if (!hasCode(err, RecipeErrorCode.Cycle)) throw err;
    const message = (err as Error).message;
    const first = /cycle: ([^ ]+)/.exec(message)?.[1];
    throw new UserError(ScheduleErrorCode.Cycle, message, {
      cause: err,
      location: first && valid.has(first) ? { file: (valid.get(first) as { file: string }).file, field: 'dependencies' } : undefined,
      hint: 'a recipe cannot be built before itself: remove one of these dependencies',
    });
  }
}

function stateOf(
  recipe: Recipe,
  platform: Platform,
  states: ReadonlyMap<string, State>,
  invalidNames: ReadonlySet<string>,
  versionOf: (r: Recipe) => string | null,
  available: ReadonlySet<string>,
  rebuild: boolean,
): State {
  const cannot = downloadProblem(recipe, platform);
  if (cannot) return { kind: 'excluded', code: 'no-platform', reason: cannot };
  for (const dep of recipeEdges(recipe)) {
    if (invalidNames.has(dep)) return { kind: 'excluded', code: 'dependency', reason: `needs ${dep}, whose recipe has errors` };
    const s = states.get(dep);
    if (s?.kind === 'excluded') {
      const why = s.code === 'no-platform' ? `which does not build for ${platform}` : `which cannot be built here: ${s.reason}`;
      return { kind: 'excluded', code: 'dependency', reason: `needs ${dep}, ${why}` };
    }
  }
  const version = versionOf(recipe);
  if (version !== null && !rebuild && available.has(refKey(recipe.name, version, platform))) return { kind: 'available', version };
  return { kind: 'build', version };
}

/**
 * Why the builder would refuse this platform, or undefined when it can build
 * it. Asks `planDownloads`, the function the builder plans its downloads
 * with, so the two never disagree; the version only fills URL templates.
 */
function downloadProblem(recipe: Recipe, platform: Platform): string | undefined {
  try {
    planDownloads(recipe, platform, '0');
    return undefined;
  } catch (err) {
    if (!hasCode(err, RecipeErrorCode.Platform) && !hasCode(err, RecipeErrorCode.NoDownload)) throw err;
    const listed = PLATFORMS.filter((p) => p in recipe.download.platforms);
    return hasCode(err, RecipeErrorCode.NoDownload)
      ? `the recipe lists ${platform} but has nothing to download for it (no download_url, mirror or git_url)`
      : `the recipe lists no ${platform} download (it lists: ${listed.join(', ') || 'none'})`;
  }
}

/** Each leg's tail: its own minutes plus the longest chain of legs that need it. */
function computeTails(legs: Leg[]): void {
  const dependants = new Map<string, Leg[]>();
  for (const l of legs) for (const n of l.needs) dependants.set(n, [...(dependants.get(n) ?? []), l]);
  // Later waves first: a leg's dependants are all in later waves.
  for (const l of [...legs].sort((a, b) => b.wave - a.wave)) {
    l.tail = l.duration + Math.max(0, ...(dependants.get(l.id) ?? []).map((d) => d.tail));
  }
}

const byPriority = (platforms: readonly Platform[]) => (a: Leg, b: Leg): number =>
  b.tail - a.tail || a.recipe.localeCompare(b.recipe) || platforms.indexOf(a.platform) - platforms.indexOf(b.platform);

function criticalPathOf(legs: readonly Leg[], platforms: readonly Platform[]): { legs: string[]; minutes: number } {
  const sorted = [...legs].sort(byPriority(platforms));
  const first = sorted[0];
  if (!first) return { legs: [], minutes: 0 };
  const path: Leg[] = [first];
  // Follow the dependant that carries the rest of the chain; among equals the nearest (earliest wave).
  for (let at: Leg | undefined = first; at !== undefined; ) {
    const from: Leg = at;
    at = sorted
      .filter((l) => l.needs.includes(from.id) && Math.abs(l.tail - (from.tail - from.duration)) < 1e-9)
      .sort((a, b) => a.wave - b.wave)[0];
    if (at) path.push(at);
  }
  return { legs: path.map((l) => l.id), minutes: first.tail };
}

/**
 * Waves in order, each cut into matrices of at most `maxLegs` legs of near
 * equal size, legs ordered by the length of the chain they start (longest
 * first: GitHub starts a matrix's legs in order when max-parallel holds
 * some back, so the critical ones start first).
 */
function shard(
  legs: readonly Leg[],
  platforms: readonly Platform[],
  maxLegs: number,
  maxParallel: number | null,
  timed: boolean,
): { waves: ScheduleWave[]; matrices: ScheduleMatrix[] } {
  const waves: ScheduleWave[] = [];
  const matrices: ScheduleMatrix[] = [];
  const count = legs.reduce((n, l) => Math.max(n, l.wave + 1), 0);
  for (let w = 0; w < count; w++) {
    const inWave = legs.filter((l) => l.wave === w).sort(byPriority(platforms));
    const parts = Math.ceil(inWave.length / maxLegs);
    const wave: ScheduleWave = { index: w, legs: inWave.length, matrices: [] };
    let start = 0;
    for (let p = 0; p < parts; p++) {
      const size = Math.ceil((inWave.length - start) / (parts - p));
      const part = inWave.slice(start, start + size);
      start += size;
      const m: ScheduleMatrix = { index: matrices.length, wave: w, matrix: { include: part.map(publicLeg) } };
      if (timed) m.minutes = makespan(part.map((l) => l.duration), maxParallel);
      wave.matrices.push(m.index);
      matrices.push(m);
    }
    if (timed) wave.minutes = wave.matrices.reduce((sum, i) => sum + ((matrices[i] as ScheduleMatrix).minutes ?? 0), 0);
    waves.push(wave);
  }
  return { waves, matrices };
}

function publicLeg(l: Leg): ScheduleLeg {
  return { id: l.id, recipe: l.recipe, file: l.file, version: l.version, platform: l.platform, runner: l.runner, wave: l.wave, timeout: l.timeout, needs: l.needs };
}

/** Minutes to run `durations` in order on `workers` machines (each leg to the first free one); all at once without a limit. */
function makespan(durations: readonly number[], workers: number | null): number {
  if (workers === null || workers >= durations.length) return Math.max(0, ...durations);
  const free = new Array<number>(workers).fill(0);
  for (const d of durations) {
    let i = 0;
    for (let j = 1; j < free.length; j++) if ((free[j] as number) < (free[i] as number)) i = j;
    free[i] = (free[i] as number) + d;
  }
  return Math.max(...free);
}
