import { monotonicClock, type MonotonicClock } from '@potions/core';

/**
 * A circuit breaker per mirror origin, shared by the downloads of one
 * process: a mirror that failed `failureThreshold` times in a row is tried
 * last until `cooldownMs` has passed. It only reorders; it never removes a
 * mirror, so a download with one mirror still tries it.
 */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long an open circuit demotes the mirror, in ms. Default 60 000. */
  cooldownMs?: number;
  /** Elapsed time, for the cooldown; default `monotonicClock`. */
  clock?: MonotonicClock;
}

interface OriginState {
  failures: number;
  openUntil: number;
}

export class CircuitBreaker {
  private readonly threshold: number;
  private readonly cooldownMs: number;
  private readonly clock: MonotonicClock;
  private readonly origins = new Map<string, OriginState>();

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 60_000;
    this.clock = options.clock ?? monotonicClock;
  }

  private state(url: string): OriginState {
    const origin = originOf(url);
    let s = this.origins.get(origin);
    if (!s) {
      s = { failures: 0, openUntil: 0 };
      this.origins.set(origin, s);
    }
    return s;
  }

  success(url: string): void {
    const s = this.state(url);
    s.failures = 0;
    s.openUntil = 0;
  }

  failure(url: string): void {
    const s = this.state(url);
    s.failures++;
    if (s.failures >= this.threshold) s.openUntil = this.clock() + this.cooldownMs;
  }

  /** True while the mirror is cooling off. */
  isOpen(url: string): boolean {
    const s = this.origins.get(originOf(url));
    return s !== undefined && s.openUntil > this.clock();
  }

  /** The URLs in priority order, cooling-off mirrors moved last (each group keeps its order). */
  order<T extends string>(urls: readonly T[]): T[] {
    return [...urls.filter((u) => !this.isOpen(u)), ...urls.filter((u) => this.isOpen(u))];
  }
}

/** The breaker downloads share unless they are given their own. */
export const defaultBreaker = new CircuitBreaker();

export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
