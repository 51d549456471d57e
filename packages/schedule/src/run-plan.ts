/**
 * The part of a schedule the later jobs of a release run need: every leg the
 * build jobs run, and every requested build that was not built (already
 * available, or impossible on that platform) with the reason. The plan job
 * writes it as one output; the collect job reads it back and checks it.
 */
import { PLATFORMS, UserError, type Platform } from '@potions/core';
import { z } from 'zod';
import { ScheduleErrorCode } from './errors';
import type { BuildRef, ExcludedLeg, Schedule, SkippedLeg } from './schedule';

/** One leg as the collect job knows it. */
export interface RunPlanLeg {
  id: string;
  recipe: string;
  version: string | null;
  platform: Platform;
  /** Ids of the legs of this run it builds on. */
  needs: string[];
}

export interface RunPlan {
  schemaVersion: 1;
  /** The run attempt that made this plan: a leg's status record from an older attempt is stale. */
  runAttempt: number;
  platforms: Platform[];
  /** The recipes the run asked for. */
  selected: string[];
  legs: RunPlanLeg[];
  skipped: SkippedLeg[];
  excluded: ExcludedLeg[];
  /** The platforms the manifest already holds for the versions this run builds (they count towards a minimum of platforms). */
  published: { recipe: string; version: string; platforms: Platform[] }[];
}

const PlatformSchema = z.enum(PLATFORMS);

export const RunPlanSchema = z.strictObject({
  schemaVersion: z.literal(1),
  runAttempt: z.number().int().min(1),
  platforms: z.array(PlatformSchema).min(1),
  selected: z.array(z.string()),
  legs: z.array(
    z.strictObject({
      id: z.string().min(1),
      recipe: z.string().min(1),
      version: z.string().min(1).nullable(),
      platform: PlatformSchema,
      needs: z.array(z.string()),
    }),
  ),
  skipped: z.array(z.strictObject({ recipe: z.string(), version: z.string(), platform: PlatformSchema, reason: z.string() })),
  excluded: z.array(z.strictObject({ recipe: z.string(), platform: PlatformSchema, code: z.enum(['no-platform', 'dependency']), reason: z.string() })),
  published: z.array(z.strictObject({ recipe: z.string(), version: z.string(), platforms: z.array(PlatformSchema) })),
});

/**
 * The run plan of a schedule made in run attempt `runAttempt`
 * (GITHUB_RUN_ATTEMPT); `available` is what the plan was given as published,
 * kept for the versions this run builds.
 */
export function runPlanOf(schedule: Schedule, runAttempt: number, available: readonly BuildRef[] = []): RunPlan {
  if (!Number.isInteger(runAttempt) || runAttempt < 1) {
    throw new UserError(ScheduleErrorCode.Option, `the run attempt must be a whole number of at least 1, got ${runAttempt}`);
  }
  const legs = schedule.matrices.flatMap((m) => m.matrix.include.map((l) => ({ id: l.id, recipe: l.recipe, version: l.version, platform: l.platform, needs: [...l.needs] })));
  return {
    schemaVersion: 1,
    runAttempt,
    platforms: [...schedule.platforms],
    selected: [...schedule.selected],
    legs,
    skipped: schedule.skipped.map((s) => ({ ...s })),
    excluded: schedule.excluded.map((e) => ({ ...e })),
    published: publishedOf(legs, available),
  };
}

/** For each recipe version with a leg in this run, the platforms `available` has of it. */
function publishedOf(legs: readonly RunPlanLeg[], available: readonly BuildRef[]): RunPlan['published'] {
  const out = new Map<string, RunPlan['published'][number]>();
  for (const leg of legs) {
    if (leg.version === null) continue;
    const key = `${leg.recipe}@${leg.version}`;
    if (out.has(key)) continue;
    const platforms = PLATFORMS.filter((p) => available.some((a) => a.name === leg.recipe && a.version === leg.version && a.platform === p));
    if (platforms.length > 0) out.set(key, { recipe: leg.recipe, version: leg.version, platforms });
  }
  return [...out.values()];
}

/** A run plan from its JSON text (the plan job's output); `source` names it in messages. */
export function parseRunPlan(text: string, source = 'the run plan'): RunPlan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError(ScheduleErrorCode.RunPlan, `${source} is not JSON: ${(err as Error).message}`, {
      hint: 'pass the plan job\'s output "plan" unchanged',
    });
  }
  const parsed = RunPlanSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(ScheduleErrorCode.RunPlan, `${source} is not a run plan: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`, {
      location: { field: issue?.path.join('.') },
      hint: 'pass the plan job\'s output "plan" unchanged',
    });
  }
  return parsed.data;
}
