import { estimateCosts } from './estimate';
import type { MirrorUsage } from './estimate';
import { costObject } from './testing';

const GiB = 2 ** 30;
const TiB = 2 ** 40;

const one = (usage: Omit<MirrorUsage, 'name'> & { name?: string }) => estimateCosts({ mirrors: [{ name: 'm', ...usage }] }).mirrors[0]!;
const line = (m: ReturnType<typeof one>, item: string) => m.lines.find((l) => l.item === item);

describe('estimateCosts', () => {
  it('prices R2 with its free tier, rounded up to whole billing units, and free egress', () => {
    const m = one({ provider: 'r2', objects: [costObject({ size: 100 * GiB })], reads: 2_000_000, writes: 2_000_000, egressBytes: TiB });
    // Storage: 100 GB-month − 10 free = 90 × $0.015. Writes: 2M − 1M free = 1M × $4.50. Reads: under the 10M free.
    expect(line(m, 'storage STANDARD')!.usd).toBeCloseTo(1.35, 10);
    expect(line(m, 'writes STANDARD')!.usd).toBeCloseTo(4.5, 10);
    expect(line(m, 'reads STANDARD')!.usd).toBe(0);
    expect(line(m, 'egress')).toEqual({ item: 'egress', quantity: 1024, unit: 'GB', usd: 0 });
    expect(m.monthlyUsd).toBeCloseTo(5.85, 10);
    // 10.5 GB-month: 0.5 over the free tier is billed as a whole GB-month.
    expect(one({ provider: 'r2', objects: [costObject({ size: 10.5 * GiB })] }).monthlyUsd).toBeCloseTo(0.015, 10);
    // 1M + 1 writes over the free tier are billed as 2M.
    expect(line(one({ provider: 'r2', objects: [], writes: 2_000_001 }), 'writes STANDARD')!.usd).toBeCloseTo(9, 10);
  });

  it('bills Wasabi at least 1 TB, per TB of 1024 GB, with free requests and egress within the stored volume', () => {
    const small = one({ provider: 'wasabi', objects: [costObject({ size: 500 * GiB })], egressBytes: 100 * GiB, reads: 10_000_000 });
    expect(line(small, 'storage STANDARD')!.usd).toBeCloseTo((500 / 1024) * 6.99, 10);
    expect(line(small, 'minimum storage')!.usd).toBeCloseTo((524 / 1024) * 6.99, 10);
    expect(small.monthlyUsd).toBeCloseTo(6.99, 10);
    expect(small.notes).toEqual(['stores less than the 1024 GB minimum: billed as if it stored 1024 GB']);

    const big = one({ provider: 'wasabi', objects: [costObject({ size: 2 * TiB })], egressBytes: 3 * TiB });
    expect(big.monthlyUsd).toBeCloseTo(13.98, 10);
    expect(big.notes).toEqual(["egress (3072.0 GB a month) exceeds the volume stored (2048.0 GB): outside Wasabi (pay as you go)'s free egress policy, the account may be limited"]);
  });

  it('prices S3 with storage tiers, the minimum object size of Standard-IA, request prices and tiered egress after the free 100 GB', () => {
    const m = one({
      provider: 's3',
      objects: [
        costObject({ key: 'a', size: 60 * TiB }),
        ...Array.from({ length: 1000 }, (_, i) => costObject({ key: `ia${i}`, size: 1024, storageClass: 'STANDARD_IA', reads: 1, egressBytes: 1024 })),
      ],
      reads: 1_000_000,
      writes: 10_000,
      egressBytes: 1024 * GiB,
    });
    // 50 TB at $0.023, the next 10 TB at $0.022.
    expect(line(m, 'storage STANDARD')!.usd).toBeCloseTo(51_200 * 0.023 + 10_240 * 0.022, 8);
    // 1000 objects of 1 KiB are billed as 128 KiB each.
    expect(m.classes.find((c) => c.storageClass === 'STANDARD_IA')).toEqual({ storageClass: 'STANDARD_IA', objects: 1000, bytes: 1_024_000, billableBytes: 1000 * 128 * 1024 });
    expect(line(m, 'storage STANDARD_IA')!.usd).toBeCloseTo(((1000 * 128) / (1024 * 1024)) * 0.0125, 12);
    expect(line(m, 'reads STANDARD')!.usd).toBeCloseTo(1000 * 0.0004, 10);
    expect(line(m, 'reads STANDARD_IA')!.usd).toBeCloseTo(1 * 0.001, 10);
    expect(line(m, 'writes STANDARD')!.usd).toBeCloseTo(10 * 0.005, 10);
    expect(line(m, 'retrieval STANDARD_IA')!.usd).toBeCloseTo(((1000 * 1024) / GiB) * 0.01, 12);
    const egressGB = 1024 + (1000 * 1024) / GiB;
    expect(line(m, 'egress')!.usd).toBeCloseTo((egressGB - 100) * 0.09, 8);
  });

  it('leaves a provider without prices out of the total, saying so, and groups mirrors per provider', () => {
    const est = estimateCosts({
      mirrors: [
        { name: 'r2', provider: 'r2', objects: [costObject({ size: 20 * GiB })] },
        { name: 'lab', provider: 'minio', objects: [costObject({ size: 5 * GiB })] },
        { name: 'r2-eu', provider: 'r2', objects: [costObject({ size: 30 * GiB })] },
      ],
    });
    expect(est.mirrors.map((m) => m.mirror)).toEqual(['lab', 'r2', 'r2-eu']);
    expect(est.unpriced).toEqual(['lab']);
    expect(est.mirrors[0]).toMatchObject({ monthlyUsd: null, notes: ['no prices for provider minio: not costed'], bytes: 5 * GiB });
    expect(est.providers).toEqual([
      { provider: 'minio', mirrors: ['lab'], bytes: 5 * GiB, egressBytes: 0, monthlyUsd: null },
      { provider: 'r2', name: 'Cloudflare R2', mirrors: ['r2', 'r2-eu'], bytes: 50 * GiB, egressBytes: 0, monthlyUsd: expect.closeTo(10 * 0.015 + 20 * 0.015, 10) },
    ]);
    expect(est.totalUsd).toBeCloseTo(0.45, 10);
  });

  it('says which objects sit in a class without a price', () => {
    const m = one({ provider: 's3', objects: [costObject({ size: GiB, storageClass: 'DEEP_ARCHIVE' })] });
    expect(m.notes).toEqual(['1 object(s) in DEEP_ARCHIVE, a class without a price: not costed']);
  });

  it('refuses sizes and traffic that are not counts, and two mirrors with one name', () => {
    expect(() => one({ provider: 'r2', objects: [costObject({ size: -1 })] })).toThrow(expect.objectContaining({ code: 'E_COSTS_INPUT' }));
    expect(() => one({ provider: 'r2', objects: [], egressBytes: Number.NaN })).toThrow(expect.objectContaining({ code: 'E_COSTS_INPUT' }));
    expect(() => estimateCosts({ mirrors: [{ name: 'a', provider: 'r2', objects: [] }, { name: 'a', provider: 's3', objects: [] }] })).toThrow(
      expect.objectContaining({ code: 'E_COSTS_INPUT', message: 'two mirrors are named "a"' }),
    );
  });
});
