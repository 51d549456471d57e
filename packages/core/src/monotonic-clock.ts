/**
 * Elapsed time, for timeouts, deadlines, rates and durations: milliseconds
 * from an arbitrary start that never go back when the wall clock is set.
 * It is not a date (that is `Now`, see clock.ts). Library code takes
 * `clock?: MonotonicClock` (default `monotonicClock`) where a test needs to
 * move time on without waiting.
 */
export type MonotonicClock = () => number;

export const monotonicClock: MonotonicClock = () => performance.now();
