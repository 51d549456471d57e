import { systemNow } from '@potions/core';
import { PRICE_TABLE } from './price-table';
import { PriceTableSchema, assertPricesFresh, priceAges, priceTableFromValue, pricesOf } from './prices';

describe('the price table Potions ships', () => {
  it('follows the price-table format, and every price has the day it was taken and an https source', () => {
    expect(PriceTableSchema.safeParse(PRICE_TABLE).success).toBe(true);
    for (const p of Object.values(PRICE_TABLE.providers)) {
      const all = pricesOf(p!);
      expect(all.length).toBeGreaterThan(3);
      for (const { price } of all) {
        expect(price.takenAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(price.source).toMatch(/^https:\/\//);
      }
    }
  });

  it('has the published shape of each provider: Wasabi per TB-month with 90 days and free requests, R2 free egress with its free tier, S3 tiered egress', () => {
    const { wasabi, r2, s3 } = PRICE_TABLE.providers;
    expect(wasabi!.classes.STANDARD!.storage[0]!.price.per).toBe('TB-month');
    expect(wasabi!.classes.STANDARD!.minStorageDays).toBe(90);
    expect([wasabi!.classes.STANDARD!.reads.usd, wasabi!.classes.STANDARD!.writes.usd]).toEqual([0, 0]);
    expect(wasabi!.egress.kind).toBe('free-within-stored');
    expect(r2!.egress.kind).toBe('free');
    expect(r2!.freeTier).toMatchObject({ storageGBMonth: 10, writes: 1_000_000, reads: 10_000_000, classes: ['STANDARD'] });
    expect(r2!.classes.STANDARD_IA).toMatchObject({ minStorageDays: 30, retrieval: { per: 'GB' } });
    expect(Object.keys(s3!.classes).sort()).toEqual(['GLACIER_IR', 'STANDARD', 'STANDARD_IA']);
    expect(s3!.egress.kind).toBe('tiered');
  });

  // This test is meant to fail one year after the prices were taken: then check them
  // against their sources (docs/costs.md says how), update them and their takenAt.
  it('is less than a year old', () => {
    expect(() => assertPricesFresh(PRICE_TABLE, { now: systemNow })).not.toThrow();
  });
});

describe('assertPricesFresh', () => {
  it('passes up to a year after the oldest price and then names each stale provider with its date and source', () => {
    const takenAt = priceAges(PRICE_TABLE, () => new Date('2026-12-01T00:00:00Z'))[0]!.takenAt;
    const plusDays = (days: number) => () => new Date(Date.parse(`${takenAt}T00:00:00Z`) + days * 86_400_000);
    expect(() => assertPricesFresh(PRICE_TABLE, { now: plusDays(365) })).not.toThrow();
    let err: unknown;
    try {
      assertPricesFresh(PRICE_TABLE, { now: plusDays(366) });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: 'E_COSTS_PRICES_STALE',
      message: `the prices of wasabi (taken ${takenAt}, 366 days ago), r2 (taken ${takenAt}, 366 days ago), s3 (taken ${takenAt}, 366 days ago) are older than 365 days`,
      hint: expect.stringContaining('https://developers.cloudflare.com/r2/pricing/'),
    });
  });

  it('judges a provider by its oldest price', () => {
    const table = structuredClone(PRICE_TABLE);
    table.providers.r2!.classes.STANDARD!.reads.takenAt = '2020-01-01';
    const ages = priceAges(table, () => new Date('2026-12-01T00:00:00Z'));
    expect(ages.find((a) => a.provider === 'r2')).toMatchObject({ takenAt: '2020-01-01', verified: false });
    expect(() => assertPricesFresh(table, { now: () => new Date('2026-12-01T00:00:00Z') })).toThrow(/r2 \(taken 2020-01-01/);
  });
});

describe('priceTableFromValue', () => {
  it('accepts a table of the same shape and names the field of a defect', () => {
    expect(priceTableFromValue(JSON.parse(JSON.stringify(PRICE_TABLE)), 'prices.json')).toEqual(PRICE_TABLE);
    const bad = JSON.parse(JSON.stringify(PRICE_TABLE));
    bad.providers.s3.classes.STANDARD.storage[0].price.source = 'http://aws.amazon.com/s3/pricing/';
    expect(() => priceTableFromValue(bad, 'prices.json')).toThrow(
      expect.objectContaining({ code: 'E_COSTS_PRICES', location: { file: 'prices.json', field: 'providers.s3.classes.STANDARD.storage.0.price.source' } }),
    );
    const noDefault = JSON.parse(JSON.stringify(PRICE_TABLE));
    noDefault.providers.r2.defaultClass = 'GLACIER';
    expect(() => priceTableFromValue(noDefault, 'p.json')).toThrow(expect.objectContaining({ message: 'p.json is not a price table: providers.r2.defaultClass: GLACIER is not one of its classes' }));
  });
});
