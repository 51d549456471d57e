import { UserError } from '@potions/core';
import { RecipeErrorCode } from './errors';
import type { LoadedRecipe, Recipe, RecipeIssue } from './model';
import { quote } from './quote';

/** Names a recipe needs built before it: dependencies, build_dependencies, and its source_build's. */
export function recipeEdges(recipe: Recipe): string[] {
  const all = [
    ...recipe.dependencies,
    ...recipe.buildDependencies,
    ...(recipe.sourceBuild?.dependencies ?? []),
    ...(recipe.sourceBuild?.buildDependencies ?? []),
  ];
  return [...new Set(all)];
}

/** A close recipe name for a dangling one: `jpeg-turbo` -> `libjpeg-turbo`, `go` -> `golang`, `node` -> `nodejs`. */
export function suggestName(missing: string, names: readonly string[]): string | undefined {
  const forms = [`lib${missing}`, `${missing}lang`, `${missing}js`, missing.replace(/^lib/, ''), `${missing}-cli`];
  const hit = forms.find((f) => f !== missing && names.includes(f));
  if (hit) return hit;
  if (missing.length >= 6) return names.find((n) => levenshtein(n, missing) === 1);
  return undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] as number;
}

/** Every cycle of the graph, each once, as a name path that ends where it starts; deterministic. */
export function findCycles(recipes: readonly Recipe[]): string[][] {
  const byName = new Map(recipes.map((r) => [r.name, r]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of recipeEdges(byName.get(name) as Recipe)) {
      if (!byName.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        const key = [...cycle.slice(0, -1)].sort().join(' ');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (s === undefined) visit(dep);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of [...byName.keys()].sort()) if (!state.has(name)) visit(name);
  return cycles;
}

/**
 * The graph checks over a set of recipes: duplicated names (error), cycles
 * (error, named), dependencies without a recipe in the set (warning: the build
 * host is expected to provide them; a close name is suggested).
 */
export function checkGraph(loaded: readonly LoadedRecipe[], context: readonly LoadedRecipe[] = []): RecipeIssue[] {
  const issues: RecipeIssue[] = [];
  const all = [...loaded, ...context];
  const names = [...new Set(all.map((l) => l.name).filter((n): n is string => n !== undefined))].sort();
  const firstFile = new Map<string, string>();
  for (const l of all) {
    if (!l.name) continue;
    const prev = firstFile.get(l.name);
    if (prev === undefined) firstFile.set(l.name, l.file);
    else if (loaded.includes(l)) {
      issues.push({ severity: 'error', code: 'E_DUPLICATE_NAME', message: `recipe ${quote(l.name)} is also defined in ${prev}`, file: l.file, line: l.lineOf?.(['name']), field: 'name' });
    }
  }
  const recipes = all.map((l) => l.recipe).filter((r): r is Recipe => r !== undefined);
  const known = new Set(names);
  const fileOf = new Map(loaded.map((l) => [l.recipe?.name, l]));
  for (const l of loaded) {
    const r = l.recipe;
    if (!r) continue;
    const lists: [string, string[]][] = [
      ['dependencies', r.dependencies],
      ['build_dependencies', r.buildDependencies],
      ['source_build.dependencies', r.sourceBuild?.dependencies ?? []],
      ['source_build.build_dependencies', r.sourceBuild?.buildDependencies ?? []],
    ];
    for (const [field, list] of lists) {
      list.forEach((dep, i) => {
        if (known.has(dep)) return;
        const hint = suggestName(dep, names);
        issues.push({
          severity: 'warning',
          code: 'W_DANGLING',
          message: `dependency "${dep}" has no recipe here${hint ? ` (did you mean "${hint}"?)` : ''}; the build host must provide it`,
          file: l.file,
          line: l.lineOf?.([...field.split('.'), i]),
          field: `${field}.${i}`,
        });
      });
    }
  }
  for (const cycle of findCycles(recipes)) {
    for (const name of cycle.slice(0, -1)) {
      const l = fileOf.get(name);
      if (!l) continue;
      issues.push({
        severity: 'error',
        code: 'E_CYCLE',
        message: `dependency cycle: ${cycle.join(' -> ')}`,
        file: l.file,
        line: l.lineOf?.(['dependencies']),
        field: 'dependencies',
      });
    }
  }
  return issues;
}

export interface BuildOrder {
  /** Recipes to build, each after everything it depends on; the requested ones included. */
  order: string[];
  /** Dependencies with no recipe: expected on the build host. */
  host: string[];
}

/**
 * Topological build order for `names` and everything they depend on
 * (depth-first, dependencies in the order the recipe lists them), so the
 * same input always gives the same order. A cycle or an unknown requested
 * name is a UserError.
 */
export function buildOrder(recipes: readonly Recipe[], names: readonly string[]): BuildOrder {
  const byName = new Map(recipes.map((r) => [r.name, r]));
  const order: string[] = [];
  const host = new Set<string>();
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') {
      throw new UserError(RecipeErrorCode.Cycle, `dependency cycle: ${[...trail.slice(trail.indexOf(name)), name].join(' -> ')}`);
    }
    const r = byName.get(name);
    if (!r) {
      host.add(name);
      return;
    }
    state.set(name, 'visiting');
    for (const dep of recipeEdges(r)) visit(dep, [...trail, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const n of names) {
    if (!byName.has(n)) {
      const close = suggestName(n, [...byName.keys()]);
      throw new UserError(RecipeErrorCode.Unknown, `no recipe named "${n}"`, {
        hint: close ? `did you mean "${close}"?` : 'check the name, and that its recipe is in the folders read',
      });
    }
    visit(n, []);
  }
  return { order, host: [...host].sort() };
}
