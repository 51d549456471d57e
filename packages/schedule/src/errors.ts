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
} as const;

export type ScheduleErrorCode = (typeof ScheduleErrorCode)[keyof typeof ScheduleErrorCode];
