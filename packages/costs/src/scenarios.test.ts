import { estimateSavings } from './scenarios';
import type { CostInput } from './estimate';
import { costObject } from './testing';

const GiB = 2 ** 30;
const TiB = 2 ** 40;
const NOW = new Date('2026-11-30T00:00:00.000Z');
const now = () => NOW;
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();

describe('estimateSavings: archive older objects to a cheaper class', () => {
  const input = (reads: number): CostInput => ({
    mirrors: [
      {
        name: 'r2',
        provider: 'r2',
        objects: [
          costObject({ key: 'old', size: 100 * GiB, lastModified: daysAgo(200), reads, egressBytes: reads > 0 ? 10 * GiB : 0 }),
          costObject({ key: 'new', size: 50 * GiB, lastModified: daysAgo(10) }),
        ],
      },
    ],
  });

  it('saves the storage difference when the archived objects are not read', () => {
    const s = estimateSavings(input(0), { kind: 'archive', olderThanDays: 90, storageClass: 'STANDARD_IA' }, { now });
    expect(s.title).toBe('Move objects older than 90 days to STANDARD_IA');
    // Before: (150 − 10 free) × $0.015. After: (50 − 10) × $0.015 + 100 × $0.01.
    expect(s.beforeUsd).toBeCloseTo(2.1, 10);
    expect(s.afterUsd).toBeCloseTo(1.6, 10);
    expect(s.monthlySavingUsd).toBeCloseTo(0.5, 10);
    // One transition request at $9 per million.
    expect(s.oneTimeUsd).toBeCloseTo(9 / 1e6, 12);
    expect(s.affected).toEqual({ objects: 1, bytes: 100 * GiB });
    expect(s.early).toEqual({ objects: 0, bytes: 0, usd: 0, freeFrom: null });
  });

  it('shows a loss when reads and retrieval of the archived objects cost more than the storage saved', () => {
    const s = estimateSavings(input(1000), { kind: 'archive', olderThanDays: 90, storageClass: 'STANDARD_IA' }, { now });
    // After adds 1M IA Class B operations (1000 rounded up: $0.90) and 10 GB retrieval ($0.10).
    expect(s.afterUsd).toBeCloseTo(2.6, 10);
    expect(s.monthlySavingUsd).toBeCloseTo(-0.5, 10);
  });

  it('refuses a class the mirror does not support, naming the mirror', () => {
    expect(() =>
      estimateSavings({ mirrors: [{ name: 'wasabi-eu', provider: 'wasabi', objects: [] }] }, { kind: 'archive', olderThanDays: 30, storageClass: 'STANDARD_IA' }, { now }),
    ).toThrow(expect.objectContaining({ code: 'E_COSTS_STORAGE_CLASS', message: expect.stringContaining('mirror "wasabi-eu" (provider wasabi)') }));
  });
});

describe('estimateSavings: keep the newest versions', () => {
  const input: CostInput = {
    mirrors: [
      {
        name: 'wasabi',
        provider: 'wasabi',
        objects: [
          costObject({ key: 'a', version: '1.9.0', size: TiB, lastModified: daysAgo(200) }),
          costObject({ key: 'b', version: '1.10.0', size: TiB, lastModified: daysAgo(60) }),
          costObject({ key: 'c', version: '1.11.0', size: TiB, lastModified: daysAgo(5) }),
          { key: 'manifest.json', size: 1000, lastModified: daysAgo(1) },
        ],
      },
    ],
  };

  it('deletes the older versions (in version order, not text order) and bills the rest of the 90 days of the young one', () => {
    const s = estimateSavings(input, { kind: 'keep-last', versions: 1 }, { now });
    expect(s.title).toBe('Delete all but the newest 1 version of each package');
    expect(s.affected).toEqual({ objects: 2, bytes: 2 * TiB });
    expect(s.monthlySavingUsd).toBeCloseTo(2 * 6.99, 6);
    // 1.10.0 is 60 days old: 30 more days of 1 TB at $6.99 a month.
    expect(s.early).toEqual({ objects: 1, bytes: TiB, usd: expect.closeTo(6.99, 6), freeFrom: '2026-12-30T00:00:00.000Z' });
    expect(s.oneTimeUsd).toBeCloseTo(6.99, 6);
    expect(s.notes).toEqual(['wasabi: 1 object(s) that belong to no package version (manifests, records) are kept']);
  });

  it('saves nothing while the account stays under Wasabi\'s 1 TB minimum', () => {
    const small: CostInput = { mirrors: [{ ...input.mirrors[0]!, objects: input.mirrors[0]!.objects.map((o) => ({ ...o, size: Math.min(o.size, 100 * GiB) })) }] };
    expect(estimateSavings(small, { kind: 'keep-last', versions: 1 }, { now }).monthlySavingUsd).toBeCloseTo(0, 10);
  });

  it('refuses a count below one and an unknown mirror', () => {
    expect(() => estimateSavings(input, { kind: 'keep-last', versions: 0 }, { now })).toThrow(expect.objectContaining({ code: 'E_COSTS_INPUT' }));
    expect(() => estimateSavings(input, { kind: 'keep-last', versions: 2, mirrors: ['nope'] }, { now })).toThrow(
      expect.objectContaining({ code: 'E_COSTS_INPUT', message: 'no mirror is named "nope"', hint: 'the mirrors are wasabi' }),
    );
  });
});

describe('estimateSavings: move a mirror to another provider', () => {
  it('counts what leaving Wasabi early costs, and the new monthly price', () => {
    const input: CostInput = { mirrors: [{ name: 'w', provider: 'wasabi', objects: [costObject({ size: TiB, lastModified: daysAgo(30) })] }] };
    const s = estimateSavings(input, { kind: 'move', mirror: 'w', provider: 'r2' }, { now });
    expect(s.title).toBe('Move mirror w to r2');
    expect(s.beforeUsd).toBeCloseTo(6.99, 10);
    expect(s.afterUsd).toBeCloseTo((1024 - 10) * 0.015, 10);
    expect(s.monthlySavingUsd).toBeCloseTo(6.99 - 15.21, 10);
    // 60 days left of the 90-day minimum, plus one Class A write on R2.
    expect(s.oneTimeUsd).toBeCloseTo(2 * 6.99 + 4.5 / 1e6, 8);
    expect(s.early.freeFrom).toBe('2027-01-29T00:00:00.000Z');
  });

  it('counts S3 egress for copying everything out', () => {
    const input: CostInput = { mirrors: [{ name: 'aws', provider: 's3', objects: [costObject({ size: TiB, lastModified: daysAgo(400) })] }] };
    const s = estimateSavings(input, { kind: 'move', mirror: 'aws', provider: 'r2' }, { now });
    expect(s.beforeUsd).toBeCloseTo(1024 * 0.023, 10);
    expect(s.monthlySavingUsd).toBeCloseTo(1024 * 0.023 - 1014 * 0.015, 10);
    expect(s.oneTimeUsd).toBeCloseTo((1024 - 100) * 0.09 + 4.5 / 1e6, 8);
    expect(s.early.objects).toBe(0);
  });

  it('refuses a provider without prices and a class the new provider does not have', () => {
    const input: CostInput = { mirrors: [{ name: 'w', provider: 'wasabi', objects: [] }] };
    expect(() => estimateSavings(input, { kind: 'move', mirror: 'w', provider: 'b2' }, { now })).toThrow(
      expect.objectContaining({ code: 'E_COSTS_INPUT', message: 'Potions has no prices for provider "b2"' }),
    );
    expect(() => estimateSavings(input, { kind: 'move', mirror: 'w', provider: 'r2', storageClass: 'GLACIER_IR' }, { now })).toThrow(
      expect.objectContaining({ code: 'E_COSTS_STORAGE_CLASS' }),
    );
  });
});
