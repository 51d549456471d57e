/**
 * Percentiles, computed exactly by the nearest-rank method: the p-th
 * percentile of n values is the value at rank ⌈p/100 × n⌉ (1-based) of the
 * values sorted ascending, i.e. the smallest value such that at least p% of
 * the values are at most it. It is always one of the values observed, never
 * an interpolation, so "p95 = 8.2 s" means a real download took 8.2 s and 95%
 * took no longer. With fewer than 100/(100−p) values the top percentiles are
 * the maximum (p99 of 20 values is the largest one).
 */
import { UserError } from '@potions/core';
import { MetricsErrorCode } from './errors';

/** The nearest-rank percentile `p` (0 < p ≤ 100) of values sorted ascending; undefined for none. */
export function nearestRank(sorted: readonly number[], p: number): number | undefined {
  if (!(p > 0 && p <= 100)) {
    throw new UserError(MetricsErrorCode.Option, `a percentile must be above 0 and at most 100, got ${p}`, { location: { field: 'percentile' } });
  }
  if (sorted.length === 0) return undefined;
  // p × n / 100 in floating point can land a hair above a whole number (99.9 × 1000); round that away.
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100 - 1e-9));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** Count, mean, extremes and the p50/p95/p99 of a set of durations (ms). */
export interface DurationSummary {
  count: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export function summarizeDurations(values: readonly number[]): DurationSummary | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((n, v) => n + v, 0);
  return {
    count: sorted.length,
    meanMs: sum / sorted.length,
    minMs: sorted[0]!,
    maxMs: sorted[sorted.length - 1]!,
    p50Ms: nearestRank(sorted, 50)!,
    p95Ms: nearestRank(sorted, 95)!,
    p99Ms: nearestRank(sorted, 99)!,
  };
}
