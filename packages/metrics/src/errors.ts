/**
 * Every error code this package throws, in one place, so that callers (the
 * CLI, the mirror-health action, the dashboard) compare by `code`.
 */
export const MetricsErrorCode = {
  /** A metrics setting (an environment variable or option) that cannot be used: an endpoint that is not http(s), a size below the minimum. */
  Settings: 'E_METRICS_SETTINGS',
  /** A health record that does not follow the health-record format (names the source and the field). */
  HealthRecord: 'E_METRICS_HEALTH_RECORD',
  /** A metrics file or folder that cannot be read. */
  Read: 'E_METRICS_READ',
  /** An option of an aggregation or report out of range (a window of 0 days, a percentile over 100). */
  Option: 'E_METRICS_OPTION',
} as const;

export type MetricsErrorCode = (typeof MetricsErrorCode)[keyof typeof MetricsErrorCode];
