/**
 * Wall-clock time, injected one way everywhere: library code takes `now?: Now`
 * (default `systemNow`) and never calls `Date.now()` or `new Date()` itself, so
 * that tests can sign, expire and schedule at any time they choose. Elapsed
 * time (timeouts, durations) is measured with timers, not with this clock.
 */
export type Now = () => Date;

export const systemNow: Now = () => new Date();
