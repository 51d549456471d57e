/**
 * Every error code this package throws, in one place, so that callers (the
 * CLI, the lifecycle executor, the actions) compare by `code`.
 */
export const CostsErrorCode = {
  /** A storage class the mirror's provider does not support (a lifecycle policy, a scenario). */
  StorageClass: 'E_COSTS_STORAGE_CLASS',
  /** The price table is older than allowed: its prices must be checked against their sources. */
  PricesStale: 'E_COSTS_PRICES_STALE',
  /** A price table (given as a file) that does not follow the format. */
  Prices: 'E_COSTS_PRICES',
  /** An input that cannot be costed: a negative size, an unknown mirror in a scenario, two mirrors with one name. */
  Input: 'E_COSTS_INPUT',
} as const;

export type CostsErrorCode = (typeof CostsErrorCode)[keyof typeof CostsErrorCode];
