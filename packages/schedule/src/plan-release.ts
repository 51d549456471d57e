/**
 * The plan job of a release run, as one function over injected services: the
 * recipes the run asks for (names, globs, or the files changed since a ref),
 * every version resolved once, what the mirrors publish already, and the
 * schedule of what is left to build.
 */
import { UserError, type Exec } from '@potions/core';
import type { Recipe } from '@potions/recipe';
import { ScheduleErrorCode } from './errors';
import { planSchedule, type BuildRef, type Schedule, type ScheduleInput } from './schedule';

export interface PlanReleaseInput extends Omit<ScheduleInput, 'available'> {
  /** The version of a recipe the run must build and nobody gave (its version source: network). */
  resolveVersion: (recipe: Recipe) => Promise<string>;
  /** What is published already (`readPublishedBuilds`); asked once, after the versions are known. */
  published?: () => Promise<readonly BuildRef[]>;
}

export interface PlannedRelease {
  schedule: Schedule;
  /** The versions the run resolved (given ones and `static:` ones are not listed). */
  resolved: Record<string, string>;
  /** What was taken as published. */
  available: BuildRef[];
}

/**
 * Plan once without versions to learn which recipes the run builds, resolve
 * the version of each that has none (each once, whatever its platforms),
 * then plan again with the versions and the published builds: a requested
 * build already published is skipped, a dependency published is reused.
 */
export async function planRelease(input: PlanReleaseInput): Promise<PlannedRelease> {
  const { resolveVersion, published, ...scheduleInput } = input;
  const first = planSchedule(scheduleInput);
  const byName = new Map(first.matrices.flatMap((m) => m.matrix.include).map((l) => [l.recipe, l]));
  const recipes = new Map(scheduleInput.recipes.filter((r) => r.recipe).map((r) => [(r.recipe as Recipe).name, r.recipe as Recipe]));
  const resolved: Record<string, string> = {};
  for (const name of first.unresolved) {
    const recipe = recipes.get(name);
    if (!recipe || !byName.has(name)) continue;
    resolved[name] = await resolveVersion(recipe);
  }
  const available = published ? [...(await published())] : [];
  const schedule = planSchedule({ ...scheduleInput, versions: { ...resolved, ...(scheduleInput.versions ?? {}) }, available });
  return { schedule, resolved, available };
}

/**
 * The files changed since `ref` (`git diff --name-only ref...HEAD` in `cwd`):
 * what a "changed since" selection reads. A ref git does not know (a shallow
 * checkout, a typo) is a UserError.
 */
export async function changedFilesSince(ref: string, deps: { exec: Exec; cwd: string; env: Record<string, string> }): Promise<string[]> {
  if (!/^[A-Za-z0-9._/@^~{}-]+$/.test(ref) || ref.startsWith('-')) {
    throw new UserError(ScheduleErrorCode.Changes, `"${ref}" is not a git ref`, { hint: 'give a branch, tag or commit, such as origin/main or v1.2.0' });
  }
  const chunks: Buffer[] = [];
  const result = await deps.exec({
    argv: ['git', '-c', 'core.quotePath=false', 'diff', '--name-only', '--no-renames', `${ref}...HEAD`, '--'],
    cwd: deps.cwd,
    env: deps.env,
    timeoutMs: 120_000,
    onOutput: (c) => chunks.push(c),
  });
  if (result.exitCode !== 0) {
    throw new UserError(ScheduleErrorCode.Changes, `cannot list the files changed since ${ref}: ${result.tail.trim().split('\n').slice(-3).join(' ')}`, {
      location: { file: deps.cwd },
      hint: 'the checkout needs the history back to that ref (actions/checkout with fetch-depth: 0), and the ref must exist',
    });
  }
  // stdout and stderr arrive together; git diff --name-only prints nothing else on success.
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
