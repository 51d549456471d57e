import { UserError } from '@potions/core';
import { ScheduleErrorCode } from './errors';
import type { MatrixValue, Schedule } from './schedule';

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
 * matrix is expanded). More matrices than slots is a UserError: raise the
 * slots or select fewer recipes.
 */
export function scheduleOutputs(schedule: Schedule, slots: number): Record<string, string> {
  if (!Number.isInteger(slots) || slots < 1) throw new UserError(ScheduleErrorCode.Option, `slots must be a whole number of at least 1, got ${slots}`);
  if (schedule.matrices.length > slots) {
    throw new UserError(ScheduleErrorCode.TooManyMatrices, `the schedule needs ${schedule.matrices.length} matrices (${schedule.legs} legs in ${schedule.waves.length} waves) but the workflow has ${slots} build jobs`, {
      hint: 'select fewer recipes or platforms per run, or add build jobs to the workflow',
    });
  }
  const out: Record<string, string> = {
    'matrix-count': String(schedule.matrices.length),
    'wave-count': String(schedule.waves.length),
    legs: String(schedule.legs),
  };
  for (let i = 0; i < slots; i++) {
    const value: MatrixValue = schedule.matrices[i]?.matrix ?? { include: [] };
    out[`matrix-${i + 1}`] = JSON.stringify(value);
  }
  return out;
}
