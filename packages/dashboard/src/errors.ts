/**
 * Every error code this package throws, in one place, so that callers (the
 * CLI, the mirror-health action) compare by `code`.
 */
export const DashboardErrorCode = {
  /** The manifest handed to the dashboard has an entry it cannot show (an unknown status, no packages object). */
  Input: 'E_DASHBOARD_INPUT',
  /** An option out of range (a window of 0 days, a chart of 0 points). */
  Option: 'E_DASHBOARD_OPTION',
} as const;

export type DashboardErrorCode = (typeof DashboardErrorCode)[keyof typeof DashboardErrorCode];
