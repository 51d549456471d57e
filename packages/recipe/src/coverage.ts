import { PLATFORMS, type Platform } from '@potions/core';
import type { Recipe } from './model';

/** The roadmap's success metrics over a set of recipes. */
export interface Coverage {
  total: number;
  /** Recipes listing all four platforms. */
  allPlatforms: number;
  /** Recipes that can be built from source: source recipes, and official binaries with a source_build. */
  sourceFallback: number;
  missingPlatforms: { recipe: string; missing: Platform[] }[];
  withoutFallback: string[];
}

export function coverage(recipes: readonly Recipe[]): Coverage {
  const missingPlatforms: Coverage['missingPlatforms'] = [];
  const withoutFallback: string[] = [];
  for (const r of [...recipes].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const missing = PLATFORMS.filter((p) => !(p in r.download.platforms));
    if (missing.length > 0) missingPlatforms.push({ recipe: r.name, missing });
    if (r.officialBinary && !r.sourceBuild) withoutFallback.push(r.name);
  }
  return {
    total: recipes.length,
    allPlatforms: recipes.length - missingPlatforms.length,
    sourceFallback: recipes.length - withoutFallback.length,
    missingPlatforms,
    withoutFallback,
  };
}

export function percent(n: number, total: number): string {
  return total === 0 ? '0.0%' : `${((100 * n) / total).toFixed(1)}%`;
}

/** The two coverage lines `potions recipes check` prints (one line when no recipe is valid). */
export function formatCoverage(c: Coverage): string[] {
  if (c.total === 0) return ['coverage: no valid recipes (every recipe checked has errors)'];
  return [
    `all 4 platforms: ${c.allPlatforms}/${c.total} recipes (${percent(c.allPlatforms, c.total)})`,
    `source fallback: ${c.sourceFallback}/${c.total} recipes (${percent(c.sourceFallback, c.total)})`,
  ];
}
