/**
 * Every error code this package throws, in one place, so that callers (the
 * CLI, the plan job of the release workflow) compare by `code`.
 */
export const ScheduleErrorCode = {
  /** A recipe name asked for that no recipe has. */
  UnknownRecipe: 'E_SCHEDULE_UNKNOWN_RECIPE',
  /** A glob asked for that matches no recipe. */
  NoMatch: 'E_SCHEDULE_NO_MATCH',
  /** The recipes to build depend on each other in a circle. */
  Cycle: 'E_SCHEDULE_CYCLE',
  /** An option out of range: a platform that is not one of the four, a matrix limit over GitHub's 256, a duration below 0. */
  Option: 'E_SCHEDULE_OPTION',
  /** A version or a "name@version@platform" that cannot be used. */
  Version: 'E_SCHEDULE_VERSION',
  /** The schedule needs more matrices than the workflow has build jobs for. */
  TooManyMatrices: 'E_SCHEDULE_TOO_MANY_MATRICES',
  /** A run plan (the plan job's output) that is not JSON or not of this version's shape. */
  RunPlan: 'E_SCHEDULE_RUN_PLAN',
  /** A leg's status record that cannot be read, or a value it is made from that does not fit. */
  LegRecord: 'E_SCHEDULE_LEG_RECORD',
  /** The changed files since a ref could not be listed (the ref is unknown, or the history too shallow). */
  Changes: 'E_SCHEDULE_CHANGES',
  /** The published manifest could not be read from any mirror, or is not signed by a trusted key. */
  Published: 'E_SCHEDULE_PUBLISHED',
} as const;

export type ScheduleErrorCode = (typeof ScheduleErrorCode)[keyof typeof ScheduleErrorCode];
