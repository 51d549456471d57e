import { nearestRank, summarizeDurations } from './percentile';

describe('nearestRank', () => {
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  it.each([
    [50, 5],
    [90, 9],
    [95, 10],
    [99, 10],
    [100, 10],
    [10, 1],
    [1, 1],
    [11, 2],
  ])('p%d of 1..10 is %d', (p, want) => {
    expect(nearestRank(ten, p)).toBe(want);
  });

  it('is always a value that was observed, with no floating-point drift at whole ranks', () => {
    const thousand = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(nearestRank(thousand, 99.9)).toBe(999);
    expect(nearestRank(thousand, 29)).toBe(290);
    expect(nearestRank([0.5, 7.25], 50)).toBe(0.5);
    expect(nearestRank([0.5, 7.25], 51)).toBe(7.25);
  });

  it('has nothing to say about no values, and refuses a percentile out of range', () => {
    expect(nearestRank([], 50)).toBeUndefined();
    expect(() => nearestRank([1], 0)).toThrow(expect.objectContaining({ code: 'E_METRICS_OPTION' }));
    expect(() => nearestRank([1], 101)).toThrow(expect.objectContaining({ code: 'E_METRICS_OPTION' }));
  });
});

describe('summarizeDurations', () => {
  it('sorts, and gives the mean and nearest-rank percentiles', () => {
    const values = Array.from({ length: 20 }, (_, i) => (20 - i) * 100);
    expect(summarizeDurations(values)).toEqual({ count: 20, meanMs: 1050, minMs: 100, maxMs: 2000, p50Ms: 1000, p95Ms: 1900, p99Ms: 2000 });
    expect(summarizeDurations([])).toBeNull();
  });
});
