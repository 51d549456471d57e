/**
 * The shape of a price table: per provider, per storage class, what storage,
 * requests, retrieval and egress cost, each price with the date it was taken
 * and the page it was taken from. The table Potions ships is in
 * `price-table.ts`; a user may give their own (their region, their contract)
 * as JSON of the same shape, checked by `priceTableFromValue`.
 */
import { z } from 'zod';
import { UserError } from '@potions/core';
import type { Now } from '@potions/core';
import { systemNow } from '@potions/core';
import { CostsErrorCode } from './errors';

export const PRICED_PROVIDERS = ['wasabi', 'r2', 's3'] as const;
export type PricedProvider = (typeof PRICED_PROVIDERS)[number];

/** What a price is per. Storage in the provider's GB or TB (TB = 1024 GB) per month; requests per thousand or million. */
export const PRICE_UNITS = ['GB-month', 'TB-month', 'GB', 'thousand-requests', 'million-requests', 'request'] as const;
export type PriceUnit = (typeof PRICE_UNITS)[number];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const PriceSchema = z.object({
  usd: z.number().nonnegative(),
  per: z.enum(PRICE_UNITS),
  /** The day the price was taken from its source (YYYY-MM-DD). */
  takenAt: z.string().regex(DAY, 'a date as YYYY-MM-DD'),
  source: z.url({ protocol: /^https$/ }),
  note: z.string().optional(),
});

const TieredSchema = z
  .array(
    z.object({
      /** The tier ends after this many units of `price.per` in the month (null: no end). */
      upTo: z.number().positive().nullable(),
      price: PriceSchema,
    }),
  )
  .min(1)
  .refine((tiers) => tiers[tiers.length - 1]!.upTo === null, 'the last tier has no end (upTo: null)')
  .refine((tiers) => tiers.every((t, i) => i === 0 || t.upTo === null || t.upTo > tiers[i - 1]!.upTo!), 'tiers in increasing order');

const ClassSchema = z.object({
  storage: TieredSchema,
  /** Class A: writes and listings (PUT, COPY, POST, LIST). */
  writes: PriceSchema,
  /** Class B: reads (GET, HEAD). */
  reads: PriceSchema,
  /** Per GB read from this class (Infrequent Access, Glacier Instant Retrieval). */
  retrieval: PriceSchema.optional(),
  /** Per object moved into this class by a lifecycle rule. */
  transition: PriceSchema.optional(),
  /** An object deleted, moved or replaced sooner is billed for the rest of these days. */
  minStorageDays: z.number().int().nonnegative(),
  /** Smaller objects are billed as this size. */
  minObjectBytes: z.number().int().positive().optional(),
});

const EgressSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('free'), price: PriceSchema }),
  /** Free while the month's egress is at most the volume stored (Wasabi); beyond, the provider may limit the account. */
  z.object({ kind: z.literal('free-within-stored'), price: PriceSchema }),
  /** The first `freeGB` each month are free, then tiers per GB. */
  z.object({ kind: z.literal('tiered'), freeGB: z.number().nonnegative(), tiers: TieredSchema }),
]);

const ProviderSchema = z.object({
  name: z.string().min(1),
  /** The region the prices are for, where they differ by region. */
  region: z.string().optional(),
  /** The page the prices come from. */
  source: z.url({ protocol: /^https$/ }),
  /** False while the prices were transcribed without reading the live page: they must be checked. */
  verified: z.boolean(),
  /** Bytes in the provider's GB. */
  gbBytes: z.number().int().positive(),
  defaultClass: z.string().min(1),
  classes: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), ClassSchema),
  egress: EgressSchema,
  /** Usage free each month (R2: Standard class only). */
  freeTier: z
    .object({ storageGBMonth: z.number().nonnegative(), writes: z.number().nonnegative(), reads: z.number().nonnegative(), classes: z.array(z.string()), price: PriceSchema })
    .optional(),
  /** Storage billed at least this many GB each month (Wasabi: 1 TB). */
  minimumStorageGB: z.object({ gb: z.number().positive(), price: PriceSchema }).optional(),
  /** Usage rounded up to the next whole billing unit (R2: GB-month, million requests). */
  roundUp: z.boolean(),
  notes: z.array(z.string()),
});

export const PriceTableSchema = z
  .object({
    currency: z.literal('USD'),
    providers: z.object({ wasabi: ProviderSchema, r2: ProviderSchema, s3: ProviderSchema }).partial(),
  })
  .superRefine((table, ctx) => {
    for (const [id, p] of Object.entries(table.providers)) {
      if (p && !(p.defaultClass in p.classes)) {
        ctx.addIssue({ code: 'custom', path: ['providers', id, 'defaultClass'], message: `${p.defaultClass} is not one of its classes` });
      }
    }
  });

export type Price = z.infer<typeof PriceSchema>;
export type TieredPrice = z.infer<typeof TieredSchema>;
export type ClassPrices = z.infer<typeof ClassSchema>;
export type EgressPrices = z.infer<typeof EgressSchema>;
export type ProviderPrices = z.infer<typeof ProviderSchema>;
export type PriceTable = z.infer<typeof PriceTableSchema>;

/** Check a price table given as data (a user's JSON file); a defect names the field. */
export function priceTableFromValue(value: unknown, source: string): PriceTable {
  const parsed = PriceTableSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.') || '(table)';
  throw new UserError(CostsErrorCode.Prices, `${source} is not a price table: ${field}: ${issue.message}`, {
    location: { file: source, field },
    hint: 'see docs/costs.md for the format, or start from the table Potions ships (PRICE_TABLE)',
  });
}

/** Every price in a provider's entry, with where in the table it is. */
export function pricesOf(p: ProviderPrices): { field: string; price: Price }[] {
  const out: { field: string; price: Price }[] = [];
  for (const [cls, c] of Object.entries(p.classes)) {
    c.storage.forEach((t, i) => out.push({ field: `classes.${cls}.storage.${i}`, price: t.price }));
    out.push({ field: `classes.${cls}.writes`, price: c.writes }, { field: `classes.${cls}.reads`, price: c.reads });
    if (c.retrieval) out.push({ field: `classes.${cls}.retrieval`, price: c.retrieval });
    if (c.transition) out.push({ field: `classes.${cls}.transition`, price: c.transition });
  }
  if (p.egress.kind === 'tiered') p.egress.tiers.forEach((t, i) => out.push({ field: `egress.tiers.${i}`, price: t.price }));
  else out.push({ field: 'egress', price: p.egress.price });
  if (p.freeTier) out.push({ field: 'freeTier', price: p.freeTier.price });
  if (p.minimumStorageGB) out.push({ field: 'minimumStorageGB', price: p.minimumStorageGB.price });
  return out;
}

export interface PriceAge {
  provider: PricedProvider;
  /** The oldest `takenAt` of the provider's prices. */
  takenAt: string;
  ageDays: number;
  verified: boolean;
  source: string;
}

/** How old each provider's prices are at `now`. */
export function priceAges(table: PriceTable, now: Now = systemNow): PriceAge[] {
  const at = now().getTime();
  return PRICED_PROVIDERS.flatMap((id) => {
    const p = table.providers[id];
    if (!p) return [];
    const takenAt = pricesOf(p)
      .map((x) => x.price.takenAt)
      .sort()[0]!;
    return [{ provider: id, takenAt, ageDays: Math.floor((at - Date.parse(`${takenAt}T00:00:00Z`)) / 86_400_000), verified: p.verified, source: p.source }];
  });
}

export const MAX_PRICE_AGE_DAYS = 365;

/** Throws `E_COSTS_PRICES_STALE` naming every provider whose prices are older than `maxAgeDays` (default a year). */
export function assertPricesFresh(table: PriceTable, options: { now?: Now; maxAgeDays?: number } = {}): void {
  const max = options.maxAgeDays ?? MAX_PRICE_AGE_DAYS;
  const stale = priceAges(table, options.now).filter((a) => a.ageDays > max);
  if (stale.length === 0) return;
  throw new UserError(
    CostsErrorCode.PricesStale,
    `the prices of ${stale.map((s) => `${s.provider} (taken ${s.takenAt}, ${s.ageDays} days ago)`).join(', ')} are older than ${max} days`,
    {
      hint: `check them against ${stale.map((s) => s.source).join(', ')} and update packages/costs/src/price-table.ts (prices and takenAt)`,
    },
  );
}
