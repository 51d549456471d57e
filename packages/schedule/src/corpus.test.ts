/**
 * The planner on the real Potions corpus (../shared/potions-recipes, 246
 * recipes; jupyterlab and k3s fail to load on purpose, docs/recipe-corpus.md).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLATFORMS } from '@potions/core';
import { loadRecipeDir, recipeEdges, type LoadedRecipe } from '@potions/recipe';
import { planSchedule, type ScheduleLeg } from './index';
import { scheduleViolations } from './testing';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CORPUS = path.resolve(ROOT, '../shared/potions-recipes');

describe('the Potions corpus', () => {
  let loaded: LoadedRecipe[];
  beforeAll(async () => {
    loaded = await loadRecipeDir(CORPUS);
  });

  it('plans every recipe into valid waves, dependencies first, within 256 legs per matrix', () => {
    const s = planSchedule({ recipes: loaded, root: CORPUS });
    expect(loaded).toHaveLength(246);
    expect(scheduleViolations(s, loaded)).toEqual([]);
    expect(s.invalid.map((i) => [i.file, i.code, i.selected])).toEqual([
      ['jupyterlab.yml', 'E_URL', true],
      ['k3s.yml', 'E_CLEANUP', true],
    ]);
    expect(s.selected).toHaveLength(246);
    const legs: ScheduleLeg[] = s.matrices.flatMap((m) => m.matrix.include);
    expect(s.legs).toBe(legs.length);
    expect(Math.max(...s.matrices.map((m) => m.matrix.include.length))).toBeLessThanOrEqual(256);
    // Walk the graph again: every dependency with a recipe is built on the same platform in an earlier wave.
    const byName = new Map(loaded.filter((l) => l.recipe).map((l) => [l.recipe!.name, l.recipe!]));
    const at = new Map(legs.map((l) => [`${l.recipe}@${l.platform}`, l]));
    let edges = 0;
    for (const l of legs) {
      for (const dep of recipeEdges(byName.get(l.recipe)!)) {
        const d = at.get(`${dep}@${l.platform}`);
        if (!byName.has(dep)) continue;
        edges++;
        expect([l.id, dep, d !== undefined && d.wave < l.wave]).toEqual([l.id, dep, true]);
      }
    }
    expect(edges).toBeGreaterThan(100);
    // Every one of the 244 loaded recipes is built or left out with a reason on each platform.
    for (const name of byName.keys()) {
      for (const p of PLATFORMS) {
        const built = at.has(`${name}@${p}`);
        const excluded = s.excluded.some((e) => e.recipe === name && e.platform === p);
        expect([name, p, built !== excluded]).toEqual([name, p, true]);
      }
    }
    expect(s.waves.length).toBeGreaterThan(2);
    expect(s.criticalPath.legs.length).toBe(s.waves.length);
    expect(s.host).toEqual(expect.arrayContaining(['cmake', 'go', 'ncurses']));
    expect(s.unresolved.length).toBeGreaterThan(200);
  });

  it('shards the corpus under a smaller matrix limit and one platform, still valid', () => {
    const s = planSchedule({ recipes: loaded, root: CORPUS, maxLegsPerMatrix: 40, platforms: ['linux-arm64'] });
    expect(scheduleViolations(s, loaded)).toEqual([]);
    expect(Math.max(...s.matrices.map((m) => m.matrix.include.length))).toBeLessThanOrEqual(40);
    expect(s.matrices.length).toBeGreaterThan(s.waves.length);
  });

  it('plans one recipe with its dependencies, and what depends on a changed library', () => {
    const git = planSchedule({ recipes: loaded, root: CORPUS, select: { patterns: ['git'] }, platforms: ['linux-amd64'] });
    expect(scheduleViolations(git, loaded)).toEqual([]);
    const order = git.matrices.flatMap((m) => m.matrix.include).map((l) => `${l.wave}:${l.recipe}`);
    expect(order).toEqual(expect.arrayContaining(['0:zlib', '0:openssl', '2:git']));
    expect(git.host).toEqual([]);
    const zlib = planSchedule({ recipes: loaded, root: CORPUS, select: { changedFiles: ['zlib.yml'], withDependants: true }, platforms: ['linux-amd64'] });
    expect(zlib.selected).toEqual(expect.arrayContaining(['zlib', 'libpng', 'curl', 'git', 'cairo']));
    expect(scheduleViolations(zlib, loaded)).toEqual([]);
  });
});
