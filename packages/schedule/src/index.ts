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
