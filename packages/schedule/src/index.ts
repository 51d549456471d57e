export { planSchedule, parseBuildRef, refKey, GITHUB_MAX_MATRIX_LEGS } from './schedule';
export type {
  Schedule,
  ScheduleInput,
  ScheduleLeg,
  ScheduleMatrix,
  ScheduleWave,
  MatrixValue,
  BuildRef,
  SkippedLeg,
  ExcludedLeg,
  InvalidRecipe,
  CriticalPath,
} from './schedule';
export { selectRecipes, normalizeRepoPath } from './select';
export type { RecipeSelection, Selected, Candidate } from './select';
export { DEFAULT_RUNNERS, runnersFor } from './runners';
export { scheduleOutputs } from './outputs';
export { ScheduleErrorCode } from './errors';
export { LEG_OVERHEAD_MINUTES, GITHUB_HOSTED_MAX_JOB_MINUTES, workflowLeg } from './outputs';
export type { WorkflowLeg, ScheduleOutputsOptions } from './outputs';
export { RunPlanSchema, runPlanOf, parseRunPlan } from './run-plan';
export type { RunPlan, RunPlanLeg } from './run-plan';
export {
  LEG_STEP_IDS,
  LegRecordSchema,
  legFromMatrixJson,
  stepsFromJson,
  assertJobStatus,
  legRecordFromSteps,
  legRecordFileName,
  writeLegRecord,
  readLegRecords,
  describeLegEnvironment,
} from './leg-record';
export type { LegRecord, LegStatus, LegEnvironment, LegOfMatrix, StepResult, LegRecordInput, ReadLegRecords, LegEnvironmentDeps } from './leg-record';
export { collectRun } from './collect';
export type { CollectedRun, CollectRunInput, CollectedFailure, RecipeResult, PlatformResult, PlatformStatus, LegOutcome } from './collect';
export { planRelease, changedFilesSince } from './plan-release';
export type { PlanReleaseInput, PlannedRelease } from './plan-release';
export { manifestUrls, publishedBuilds, readPublishedBuilds } from './published';
export type { ReadPublishedOptions, PublishedState } from './published';
