/** Input and output names of action.yml, in one place. */
export const Inputs = {
  Recipes: 'recipes',
  ChangedSince: 'changed-since',
  WithDependants: 'with-dependants',
  Versions: 'versions',
  Platforms: 'platforms',
  RecipesDir: 'recipes-dir',
  Runners: 'runners',
  LinuxContainer: 'linux-container',
  Mirrors: 'mirrors',
  ManifestKey: 'manifest-key',
  Rebuild: 'rebuild',
  MaxJobMinutes: 'max-job-minutes',
  Slots: 'slots',
} as const;

export const Outputs = {
  MatrixCount: 'matrix-count',
  WaveCount: 'wave-count',
  Legs: 'legs',
  Platforms: 'platforms',
  Plan: 'plan',
  Versions: 'versions',
} as const;

/** The build jobs action.yml declares outputs for (matrix-1 ... matrix-8). */
export const MAX_SLOTS = 8;
