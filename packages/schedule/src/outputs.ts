import { UserError, platformOs, type Platform } from '@potions/core';
import { ScheduleErrorCode } from './errors';
import { runPlanOf } from './run-plan';
import type { BuildRef, Schedule, ScheduleLeg } from './schedule';

/**
 * Minutes a build job needs besides its build step: the fixed timeouts of its
 * other steps in `.github/workflows/release.yml` (checkout 5, smoke test 15,
 * SBOM and scan 20, the two uploads and the status record 5 together: 45) and
 * 15 for the job's set-up (the runner, pulling the build container), so the
 * build step, whose timeout is the recipe's, always times out before the job
 * does and the status record is still written.
 */
export const LEG_OVERHEAD_MINUTES = 60;

/** GitHub-hosted runners stop a job after 6 hours, whatever its timeout-minutes says. */
export const GITHUB_HOSTED_MAX_JOB_MINUTES = 360;

/** A leg as a build job of the workflow reads it (`matrix.<field>`): the schedule's leg and how its job runs. */
export interface WorkflowLeg extends ScheduleLeg {
  /** The job's container image (pinned by digest) on Linux; '' to run on the runner itself (always on macOS). */
  container: string;
  /** The build step's `timeout-minutes`: the recipe's, within what the job can hold. */
  buildTimeout: number;
  /** The job's `timeout-minutes`: the build's timeout and `LEG_OVERHEAD_MINUTES`, at most `maxJobMinutes`. */
  jobTimeout: number;
}

export interface ScheduleOutputsOptions {
  /** The container image of each platform's jobs (Linux only; macOS runners take no container). */
  containers?: Partial<Readonly<Record<Platform, string>>>;
  /** The run attempt that makes the plan (GITHUB_RUN_ATTEMPT), written into the `plan` output. Default 1. */
  runAttempt?: number;
  /** What the plan was given as published (the `available` of the schedule): kept in the `plan` output for minimums of platforms. */
  available?: readonly BuildRef[];
  /** The longest a job may run (default `GITHUB_HOSTED_MAX_JOB_MINUTES`; self-hosted runners allow more). */
  maxJobMinutes?: number;
}

/**
 * Each leg with the fields its build job reads besides the schedule's. A
 * recipe whose timeout does not fit in the longest job gets a build step cut
 * to fit, so that it times out as a step and its status record is written.
 */
export function workflowLeg(leg: ScheduleLeg, options: ScheduleOutputsOptions = {}): WorkflowLeg {
  const image = options.containers?.[leg.platform] ?? '';
  const jobTimeout = Math.min(leg.timeout + LEG_OVERHEAD_MINUTES, options.maxJobMinutes ?? GITHUB_HOSTED_MAX_JOB_MINUTES);
  return { ...leg, container: platformOs(leg.platform) === 'linux' ? image : '', buildTimeout: jobTimeout - LEG_OVERHEAD_MINUTES, jobTimeout };
}

/**
 * The plan job's outputs for a workflow with `slots` build jobs `build-1` ...
 * `build-<slots>`, each one matrix, each after the one before:
 *
 *   build-2:
 *     needs: [plan, build-1]
 *     if: ${{ !cancelled() && fromJSON(needs.plan.outputs.matrix-count) >= 2 }}
 *     runs-on: ${{ matrix.runner }}
 *     strategy:
 *       fail-fast: false
 *       max-parallel: 20
 *       matrix: ${{ fromJSON(needs.plan.outputs.matrix-2) }}
 *
 * `matrix-count` says how many slots are used; an unused slot holds
 * `{"include":[]}` and its job is skipped by its `if` (evaluated before the
 * matrix is expanded). `plan` is the run plan the collect job checks the legs'
 * status records against; `platforms` the platforms asked for, comma-separated.
 * More matrices than slots is a UserError: raise the slots or select fewer
 * recipes.
 */
export function scheduleOutputs(schedule: Schedule, slots: number, options: ScheduleOutputsOptions = {}): Record<string, string> {
  if (!Number.isInteger(slots) || slots < 1) throw new UserError(ScheduleErrorCode.Option, `slots must be a whole number of at least 1, got ${slots}`);
  const maxJob = options.maxJobMinutes;
  if (maxJob !== undefined && (!Number.isInteger(maxJob) || maxJob <= LEG_OVERHEAD_MINUTES)) {
    throw new UserError(ScheduleErrorCode.Option, `the longest job must be a whole number of minutes above ${LEG_OVERHEAD_MINUTES} (the steps besides the build), got ${maxJob}`);
  }
  if (schedule.matrices.length > slots) {
    throw new UserError(ScheduleErrorCode.TooManyMatrices, `the schedule needs ${schedule.matrices.length} matrices (${schedule.legs} legs in ${schedule.waves.length} waves) but the workflow has ${slots} build jobs`, {
      hint: 'select fewer recipes or platforms per run, or add build jobs to the workflow',
    });
  }
  const out: Record<string, string> = {
    'matrix-count': String(schedule.matrices.length),
    'wave-count': String(schedule.waves.length),
    legs: String(schedule.legs),
    platforms: schedule.platforms.join(','),
    plan: JSON.stringify(runPlanOf(schedule, options.runAttempt ?? 1, options.available)),
  };
  for (let i = 0; i < slots; i++) {
    const legs = schedule.matrices[i]?.matrix.include ?? [];
    out[`matrix-${i + 1}`] = JSON.stringify({ include: legs.map((l) => workflowLeg(l, options)) });
  }
  return out;
}
