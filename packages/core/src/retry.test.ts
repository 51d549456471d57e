import { retry, parseRetryAfter, backoffDelay } from './retry';

describe('retry', () => {
  it('retries until success and reports each retry', async () => {
    const delays: number[] = [];
    let calls = 0;
    const value = await retry(
      async () => {
        calls++;
        if (calls < 3) throw new Error(`fail ${calls}`);
        return 'ok';
      },
      { attempts: 5, sleep: async (ms) => void delays.push(ms), random: () => 1, baseMs: 100 },
    );
    expect(value).toBe('ok');
    expect(calls).toBe(3);
    expect(delays).toEqual([100, 200]);
  });

  it('stops at once when the caller says the error is not retryable', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error('404');
        },
        { shouldRetry: () => false, sleep: async () => {} },
      ),
    ).rejects.toThrow('404');
    expect(calls).toBe(1);
  });

  it('honours Retry-After over its own backoff', async () => {
    const delays: number[] = [];
    let calls = 0;
    await retry(
      async () => {
        if (++calls === 1) throw new Error('429');
      },
      { shouldRetry: () => ({ retry: true, afterMs: 7000 }), sleep: async (ms) => void delays.push(ms) },
    );
    expect(delays).toEqual([7000]);
  });

  it('gives up instead of sleeping past the deadline', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error('busy');
        },
        { attempts: 10, deadline: 1000, clock: () => 900, random: () => 1, baseMs: 500, sleep: async () => {} },
      ),
    ).rejects.toThrow('busy');
    expect(calls).toBe(1);
  });

  it('parses both forms of Retry-After', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), () => new Date(4000))).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('keeps jittered delays within the exponential cap', () => {
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(3, { baseMs: 100, maxMs: 500 });
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(500);
    }
  });
});
