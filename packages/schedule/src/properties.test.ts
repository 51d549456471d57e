/**
 * Properties of the planner over generated dependency graphs: whatever the
 * graph, selection, platforms, cache and matrix limit, the schedule is sound
 * (every dependency built or available before what needs it, no matrix over
 * the limit, each requested build accounted for once), and a cycle is always
 * found and named. Seeds are fixed: a failure names the seed that shows it.
 */
import { PLATFORMS, type Platform } from '@potions/core';
import { recipeEdges } from '@potions/recipe';
import { planSchedule, type BuildRef } from './index';
import { randomDag, scheduleViolations, seededRandom, tinyRecipe, type TinyRecipe } from './testing';

const SEEDS = Array.from({ length: 120 }, (_, i) => i + 1);

function pick<T>(rnd: () => number, items: readonly T[], p: number): T[] {
  return items.filter(() => rnd() < p);
}

describe('planSchedule on random dependency graphs', () => {
  it.each(SEEDS)('seed %i: the schedule is sound', (seed) => {
    const rnd = seededRandom(seed * 7919);
    const dag = randomDag(seed, 1 + Math.floor(rnd() * 70));
    const loaded = dag.map((r) => tinyRecipe(r));
    const names = dag.map((r) => r.name);
    const platforms = pick(rnd, PLATFORMS, 0.7);
    const chosen = platforms.length > 0 ? platforms : (['linux-arm64'] as Platform[]);
    const versions = Object.fromEntries(pick(rnd, names, 0.8).map((n) => [n, `1.${Math.floor(rnd() * 5)}`]));
    const available: BuildRef[] = Object.entries(versions)
      .flatMap(([name, version]) => PLATFORMS.map((platform) => ({ name, version, platform })))
      .filter(() => rnd() < 0.2);
    const patterns = rnd() < 0.3 ? undefined : pick(rnd, names, 0.2);
    const maxLegsPerMatrix = 1 + Math.floor(rnd() * 12);
    const s = planSchedule({
      recipes: loaded,
      platforms: chosen,
      versions,
      available,
      select: patterns === undefined || patterns.length === 0 ? {} : { patterns },
      maxLegsPerMatrix,
    });
    expect(scheduleViolations(s, loaded)).toEqual([]);
    // Each requested build is built, skipped or left out with a reason: once, never twice, never lost.
    const legs = s.matrices.flatMap((m) => m.matrix.include);
    for (const name of s.selected) {
      for (const platform of chosen) {
        const ways = [
          legs.some((l) => l.recipe === name && l.platform === platform),
          s.skipped.some((k) => k.recipe === name && k.platform === platform),
          s.excluded.some((e) => e.recipe === name && e.platform === platform),
        ].filter(Boolean).length;
        expect([name, platform, ways]).toEqual([name, platform, 1]);
      }
    }
    // A leg is in the earliest wave its dependencies allow.
    for (const l of legs) {
      const deps = legs.filter((d) => l.needs.includes(d.id));
      expect(l.wave).toBe(deps.length === 0 ? 0 : Math.max(...deps.map((d) => d.wave)) + 1);
    }
    // The critical path is a chain: each leg needs the one before it.
    const path = s.criticalPath.legs.map((id) => legs.find((l) => l.id === id)!);
    path.slice(1).forEach((l, i) => expect(l.needs).toContain(path[i]!.id));
    // Counted in builds, the longest chain is as long as there are waves (each wave holds a leg that needs one of the wave before).
    expect(path.length).toBe(s.waves.length);
  });

  it.each(SEEDS)('seed %i: a cycle is found and named', (seed) => {
    const rnd = seededRandom(seed * 104729);
    const dag = randomDag(seed, 2 + Math.floor(rnd() * 60));
    const byName = new Map(dag.map((r) => [r.name, r]));
    // Close a loop: some recipe that depends on others gets a dependant of its own as a dependency.
    const withDeps = dag.filter((r) => (r.dependencies ?? []).some((d) => byName.has(d)));
    if (withDeps.length === 0) {
      // A recipe naming itself is a load error; the smallest cycle the planner can meet has two.
      dag[0]!.dependencies = [dag[1]!.name];
      dag[1]!.dependencies = [dag[0]!.name];
    } else {
      const top = withDeps[Math.floor(rnd() * withDeps.length)]!;
      let below: TinyRecipe = top;
      for (let inner = (below.dependencies ?? []).filter((d) => byName.has(d)); inner.length > 0; inner = (below.dependencies ?? []).filter((d) => byName.has(d))) {
        below = byName.get(inner[Math.floor(rnd() * inner.length)]!)!;
        if (rnd() < 0.3) break;
      }
      below.dependencies = [...(below.dependencies ?? []), top.name];
    }
    const loaded = dag.map((r) => tinyRecipe(r));
    let caught: { code?: string; message?: string } | undefined;
    try {
      planSchedule({ recipes: loaded });
    } catch (err) {
      caught = err as { code?: string; message?: string };
    }
    expect(caught?.code).toBe('E_SCHEDULE_CYCLE');
    const cycle = /^dependency cycle: (.+)$/.exec(caught?.message ?? '')![1]!.split(' -> ');
    expect(cycle[0]).toBe(cycle[cycle.length - 1]);
    const recipes = new Map(loaded.map((l) => [l.recipe!.name, l.recipe!]));
    cycle.slice(1).forEach((to, i) => expect(recipeEdges(recipes.get(cycle[i]!)!)).toContain(to));
  });
});
