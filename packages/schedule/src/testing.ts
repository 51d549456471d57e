/**
 * Recipes made from a few words, random dependency graphs and a checker of
 * schedules, for this package's tests and for workflow tests that plan.
 */
import { PLATFORMS, type Platform } from '@potions/core';
import { parseRecipe, recipeEdges, type LoadedRecipe } from '@potions/recipe';
import type { Schedule, ScheduleLeg } from './schedule';

export interface TinyRecipe {
  name: string;
  dependencies?: string[];
  buildDependencies?: string[];
  /** Default: the four. */
  platforms?: readonly Platform[];
  /** A `static:` version; default a `github-release:` source (resolved by the caller). */
  version?: string;
  timeoutMinutes?: number;
}

/** The YAML of a tiny recipe (a name alone gives a valid recipe for the four platforms). */
export function tinyRecipeText(t: TinyRecipe | string): string {
  if (typeof t === 'string') t = { name: t };
  const platforms = (t.platforms ?? PLATFORMS).map((p) => `    ${p}:`).join('\n');
  return [
    `name: ${t.name}`,
    t.version === undefined ? `version: {source: "github-release:example/${t.name}"}` : `version: {source: "static:${t.version}"}`,
    'build_type: make',
    'download:',
    `  download_url: "https://example.com/${t.name}-{version}.tar.gz"`,
    '  platforms:',
    platforms,
    `dependencies: [${(t.dependencies ?? []).join(', ')}]`,
    `build_dependencies: [${(t.buildDependencies ?? []).join(', ')}]`,
    ...(t.timeoutMinutes === undefined ? [] : ['build:', `  timeout_minutes: ${t.timeoutMinutes}`]),
    '',
  ].join('\n');
}

/** A recipe read by the real loader from YAML written for it; a defect in the description throws. */
export function tinyRecipe(t: TinyRecipe, dir = 'recipes'): LoadedRecipe {
  const loaded = parseRecipe(tinyRecipeText(t), `${dir}/${t.name}.yml`);
  if (!loaded.recipe) throw new Error(`tinyRecipe ${t.name}: ${JSON.stringify(loaded.issues)}`);
  return loaded;
}

/** A small seeded generator (mulberry32): the same seed gives the same graph on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random dependency graph of `size` recipes: edges only from a later recipe
 * to an earlier one (so no cycle), some platforms dropped, some dependencies
 * without a recipe. Names are shuffled so that order on the page says nothing.
 */
export function randomDag(seed: number, size: number): TinyRecipe[] {
  const rnd = seededRandom(seed);
  const names = Array.from({ length: size }, (_, i) => `r${i}`);
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [names[i], names[j]] = [names[j] as string, names[i] as string];
  }
  return names.map((name, i) => {
    const deps = new Set<string>();
    const count = i === 0 ? 0 : Math.floor(rnd() * Math.min(4, i + 1));
    for (let k = 0; k < count; k++) deps.add(names[Math.floor(rnd() * i)] as string);
    if (rnd() < 0.05) deps.add(`host-tool-${i}`);
    const platforms = rnd() < 0.15 ? PLATFORMS.filter(() => rnd() < 0.6) : [...PLATFORMS];
    return { name, dependencies: [...deps], platforms: platforms.length > 0 ? platforms : ['linux-amd64'] };
  });
}

/**
 * Everything wrong with a schedule, as sentences (empty when it is sound):
 * a leg before a dependency it needs, a dependency neither built, reused nor
 * from the host, a matrix over the limit, a leg twice, waves out of order.
 * Walks the recipes' own dependency lists, not what the schedule says.
 */
export function scheduleViolations(schedule: Schedule, recipes: readonly LoadedRecipe[]): string[] {
  const wrong: string[] = [];
  const byName = new Map(recipes.filter((l) => l.recipe).map((l) => [l.recipe!.name, l.recipe!]));
  const legs: ScheduleLeg[] = schedule.matrices.flatMap((m) => m.matrix.include);
  const at = new Map<string, ScheduleLeg>();
  for (const l of legs) {
    const key = `${l.recipe}@${l.platform}`;
    if (at.has(key)) wrong.push(`${key} is built twice`);
    at.set(key, l);
  }
  schedule.matrices.forEach((m, i) => {
    if (m.matrix.include.length > schedule.maxLegsPerMatrix) wrong.push(`matrix ${i} has ${m.matrix.include.length} legs, over ${schedule.maxLegsPerMatrix}`);
    if (m.matrix.include.length === 0) wrong.push(`matrix ${i} is empty`);
    if (i > 0 && m.wave < (schedule.matrices[i - 1]?.wave ?? 0)) wrong.push(`matrix ${i} (wave ${m.wave}) comes after a later wave`);
    for (const l of m.matrix.include) if (l.wave !== m.wave) wrong.push(`${l.id} says wave ${l.wave} but is in a matrix of wave ${m.wave}`);
  });
  const reused = new Set(schedule.reused.map((r) => `${r.name}@${r.platform}`));
  const skipped = new Set(schedule.skipped.map((r) => `${r.recipe}@${r.platform}`));
  const check = (leg: ScheduleLeg, name: string, seen: Set<string>): void => {
    for (const dep of recipeEdges(byName.get(name)!)) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      if (!byName.has(dep)) {
        if (!schedule.host.includes(dep)) wrong.push(`${leg.id} needs ${dep}, which has no recipe and is not listed as from the host`);
        continue;
      }
      const key = `${dep}@${leg.platform}`;
      const built = at.get(key);
      if (built) {
        if (built.wave >= leg.wave) wrong.push(`${leg.id} (wave ${leg.wave}) needs ${built.id}, built in wave ${built.wave}`);
        if (!leg.needs.includes(built.id)) wrong.push(`${leg.id} does not list ${built.id} in needs`);
      } else if (!reused.has(key) && !skipped.has(key)) wrong.push(`${leg.id} needs ${key}, which is neither built nor available`);
      check(leg, dep, seen);
    }
  };
  for (const l of legs) {
    if (!byName.has(l.recipe)) wrong.push(`${l.id}: no such recipe`);
    else check(l, l.recipe, new Set());
  }
  return wrong;
}
