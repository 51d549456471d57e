import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  systemNow
} from "./chunk-L5AWN5ZP.mjs";
import {
  monotonicClock
} from "./chunk-HUJ2RKNL.mjs";

// packages/core/src/retry.ts
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
function backoffDelay(retryIndex, opts = {}) {
  const base = opts.baseMs ?? 250;
  const max = opts.maxMs ?? 1e4;
  const cap = Math.min(max, base * 2 ** retryIndex);
  return Math.floor((opts.random ?? Math.random)() * cap);
}
function parseRetryAfter(value, now = systemNow) {
  if (!value) return void 0;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1e3;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return void 0;
  return Math.max(0, date - now().getTime());
}
async function retry(fn, options = {}) {
  const attempts = options.attempts ?? 4;
  const clock = options.clock ?? monotonicClock;
  const doSleep = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (options.signal?.aborted || attempt >= attempts) throw err;
      const raw = options.shouldRetry ? options.shouldRetry(err, attempt) : true;
      const decision = typeof raw === "boolean" ? { retry: raw } : raw;
      if (!decision.retry) throw err;
      const jittered = backoffDelay(attempt - 1, options);
      const delayMs = decision.afterMs ?? jittered;
      if (options.deadline !== void 0 && clock() + delayMs >= options.deadline) throw err;
      options.onRetry?.({ err, attempt, delayMs });
      await doSleep(delayMs, options.signal);
    }
  }
}

export {
  sleep,
  backoffDelay,
  parseRetryAfter,
  retry
};
