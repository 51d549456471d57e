/**
 * The monthly cost of each mirror from plain inputs: the objects it holds
 * (from a listing: key, size, age, storage class, and the package and
 * version they belong to) and its traffic per month (egress bytes, reads and
 * writes, from the metrics or the provider's own counters), priced with the
 * price table. A steady month is assumed: every object listed is stored for
 * the whole month. Pure: the same input gives the same numbers.
 */
import { UserError } from '@potions/core';
import { CostsErrorCode } from './errors';
import { PRICE_TABLE } from './price-table';
import type { ClassPrices, Price, PriceTable, ProviderPrices, TieredPrice } from './prices';
import { providerPrices } from './storage-classes';

/** One object on a mirror. `size` and `key` are what a listing gives (`ListedObject` of `@potions/mirrors`). */
export interface CostObject {
  key: string;
  size: number;
  /** When it was stored (a listing's LastModified): its age decides minimum-duration charges. */
  lastModified?: string | Date;
  /** As listed; default the mirror's upload class, else the provider's default. */
  storageClass?: string;
  package?: string;
  version?: string;
  platform?: string;
  /** Bytes of this object downloaded per month. */
  egressBytes?: number;
  /** GETs and HEADs of this object per month. */
  reads?: number;
}

export interface MirrorUsage {
  /** The mirror's name in the mirrors configuration. */
  name: string;
  /** `s3`, `r2`, `wasabi` (priced); any other is listed as unpriced. */
  provider: string;
  /** The class uploads get (the mirror's `storageClass`); default the provider's default class. */
  storageClass?: string;
  objects: readonly CostObject[];
  /** Egress per month not attributed to an object. */
  egressBytes?: number;
  /** Reads (GET, HEAD) per month not attributed to an object. */
  reads?: number;
  /** Writes and listings (PUT, COPY, LIST) per month: releases, health checks. */
  writes?: number;
}

export interface CostInput {
  mirrors: readonly MirrorUsage[];
}

export interface CostLine {
  /** `storage STANDARD`, `reads STANDARD_IA`, `retrieval STANDARD_IA`, `egress`, `minimum storage`. */
  item: string;
  quantity: number;
  /** `GB-month`, `requests`, `GB`. */
  unit: string;
  usd: number;
}

export interface ClassUsage {
  storageClass: string;
  objects: number;
  bytes: number;
  /** Bytes billed: small objects count as the class's minimum object size. */
  billableBytes: number;
}

export interface MirrorCost {
  mirror: string;
  provider: string;
  /** The provider's name in the price table (absent when unpriced). */
  providerName?: string;
  objects: number;
  bytes: number;
  classes: ClassUsage[];
  egressBytes: number;
  reads: number;
  writes: number;
  lines: CostLine[];
  /** Null when Potions has no prices for the provider. */
  monthlyUsd: number | null;
  /** Things a reader must know: traffic outside a free policy, objects in a class without a price. */
  notes: string[];
}

export interface ProviderCost {
  provider: string;
  name?: string;
  mirrors: string[];
  bytes: number;
  egressBytes: number;
  monthlyUsd: number | null;
}

export interface CostEstimate {
  mirrors: MirrorCost[];
  providers: ProviderCost[];
  /** The sum over priced mirrors. */
  totalUsd: number;
  /** Mirrors whose provider has no prices. */
  unpriced: string[];
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** How many of `price.per` a quantity is: bytes for storage and transfer, a count for requests. */
export function unitsOf(price: Price, amount: number, gbBytes: number): number {
  switch (price.per) {
    case 'GB-month':
    case 'GB':
      return amount / gbBytes;
    case 'TB-month':
      return amount / (gbBytes * 1024);
    case 'thousand-requests':
      return amount / 1000;
    case 'million-requests':
      return amount / 1_000_000;
    case 'request':
      return amount;
  }
}

/** The cost of `units` (of the tiers' unit) through cumulative tiers. */
export function tieredUsd(units: number, tiers: TieredPrice): number {
  let left = units;
  let from = 0;
  let usd = 0;
  for (const t of tiers) {
    if (left <= 0) break;
    const width = t.upTo === null ? left : Math.max(0, t.upTo - from);
    const take = Math.min(left, width);
    usd += take * t.price.usd;
    left -= take;
    if (t.upTo !== null) from = t.upTo;
  }
  return usd;
}

/** The class an object is billed in. */
export function classOf(object: CostObject, mirror: Pick<MirrorUsage, 'storageClass'>, prices: ProviderPrices | undefined): string {
  return object.storageClass ?? mirror.storageClass ?? prices?.defaultClass ?? 'STANDARD';
}

function billable(size: number, cls: ClassPrices | undefined): number {
  return Math.max(size, cls?.minObjectBytes ?? 0);
}

/** Refuse what cannot be costed: two mirrors with one name, negative sizes or traffic. */
export function checkUsage(input: CostInput): void {
  const seen = new Set<string>();
  for (const m of input.mirrors) {
    if (seen.has(m.name)) throw new UserError(CostsErrorCode.Input, `two mirrors are named ${JSON.stringify(m.name)}`, { location: { field: 'mirrors' } });
    seen.add(m.name);
    for (const [field, v] of [
      ['egressBytes', m.egressBytes],
      ['reads', m.reads],
      ['writes', m.writes],
    ] as const) {
      if (v !== undefined && !(Number.isFinite(v) && v >= 0)) {
        throw new UserError(CostsErrorCode.Input, `mirror ${JSON.stringify(m.name)}: ${field} must be a number from 0, got ${v}`, { location: { field: `mirrors.${m.name}.${field}` } });
      }
    }
    for (const o of m.objects) {
      if (!(Number.isSafeInteger(o.size) && o.size >= 0)) {
        throw new UserError(CostsErrorCode.Input, `mirror ${JSON.stringify(m.name)}: object ${JSON.stringify(o.key)} has size ${o.size}, expected a whole number of bytes`, {
          location: { field: `mirrors.${m.name}.objects` },
        });
      }
    }
  }
}

/** The monthly cost of one mirror with the given provider prices (undefined: unpriced). */
export function mirrorCost(usage: MirrorUsage, prices: ProviderPrices | undefined): MirrorCost {
  const uploadClass = usage.storageClass ?? prices?.defaultClass ?? 'STANDARD';
  const perClass = new Map<string, ClassUsage & { reads: number; retrievedBytes: number; writes: number }>();
  const slot = (name: string) => {
    let c = perClass.get(name);
    if (!c) perClass.set(name, (c = { storageClass: name, objects: 0, bytes: 0, billableBytes: 0, reads: 0, retrievedBytes: 0, writes: 0 }));
    return c;
  };
  let egressBytes = usage.egressBytes ?? 0;
  for (const o of usage.objects) {
    const name = classOf(o, usage, prices);
    const c = slot(name);
    c.objects++;
    c.bytes += o.size;
    c.billableBytes += billable(o.size, prices?.classes[name]);
    c.reads += o.reads ?? 0;
    c.retrievedBytes += o.egressBytes ?? 0;
    egressBytes += o.egressBytes ?? 0;
  }
  // Traffic nobody attributed to an object is billed in the class uploads go to.
  const upload = slot(uploadClass);
  upload.reads += usage.reads ?? 0;
  upload.retrievedBytes += usage.egressBytes ?? 0;
  upload.writes += usage.writes ?? 0;

  const classes = [...perClass.values()].sort((a, b) => byText(a.storageClass, b.storageClass));
  const bytes = classes.reduce((n, c) => n + c.bytes, 0);
  const objects = classes.reduce((n, c) => n + c.objects, 0);
  const reads = classes.reduce((n, c) => n + c.reads, 0);
  const writes = classes.reduce((n, c) => n + c.writes, 0);
  const base = {
    mirror: usage.name,
    provider: usage.provider,
    objects,
    bytes,
    classes: classes.filter((c) => c.objects > 0).map(({ storageClass, objects: n, bytes: b, billableBytes }) => ({ storageClass, objects: n, bytes: b, billableBytes })),
    egressBytes,
    reads,
    writes,
  };
  if (!prices) {
    return { ...base, lines: [], monthlyUsd: null, notes: [`no prices for provider ${usage.provider}: not costed`] };
  }

  const gb = prices.gbBytes;
  const round = (units: number): number => (prices.roundUp ? Math.max(0, Math.ceil(units - 1e-9)) : units);
  const lines: CostLine[] = [];
  const notes: string[] = [];
  const free = prices.freeTier;
  for (const c of classes) {
    const cls = prices.classes[c.storageClass];
    if (!cls) {
      if (c.objects > 0) notes.push(`${c.objects} object(s) in ${c.storageClass}, a class without a price: not costed`);
      continue;
    }
    const freeHere = free?.classes.includes(c.storageClass) ? free : undefined;
    if (c.objects > 0) {
      const gbMonths = c.billableBytes / gb;
      const billed = round(Math.max(0, gbMonths - (freeHere?.storageGBMonth ?? 0)));
      const units = cls.storage[0]!.price.per === 'TB-month' ? billed / 1024 : billed;
      lines.push({ item: `storage ${c.storageClass}`, quantity: gbMonths, unit: 'GB-month', usd: tieredUsd(units, cls.storage) });
    }
    for (const [item, count, price, freeCount] of [
      ['writes', c.writes, cls.writes, freeHere?.writes ?? 0],
      ['reads', c.reads, cls.reads, freeHere?.reads ?? 0],
    ] as const) {
      if (count <= 0) continue;
      const units = round(unitsOf(price, Math.max(0, count - freeCount), gb));
      lines.push({ item: `${item} ${c.storageClass}`, quantity: count, unit: 'requests', usd: units * price.usd });
    }
    if (cls.retrieval && c.retrievedBytes > 0) {
      lines.push({ item: `retrieval ${c.storageClass}`, quantity: c.retrievedBytes / gb, unit: 'GB', usd: round(unitsOf(cls.retrieval, c.retrievedBytes, gb)) * cls.retrieval.usd });
    }
  }
  if (prices.minimumStorageGB) {
    const storedGB = classes.reduce((n, c) => n + (prices.classes[c.storageClass] ? c.billableBytes : 0), 0) / gb;
    const shortGB = prices.minimumStorageGB.gb - storedGB;
    if (shortGB > 0) {
      const p = prices.minimumStorageGB.price;
      lines.push({ item: 'minimum storage', quantity: shortGB, unit: 'GB-month', usd: (p.per === 'TB-month' ? shortGB / 1024 : shortGB) * p.usd });
      notes.push(`stores less than the ${prices.minimumStorageGB.gb} GB minimum: billed as if it stored ${prices.minimumStorageGB.gb} GB`);
    }
  }
  lines.push({ item: 'egress', quantity: egressBytes / gb, unit: 'GB', usd: egressUsd(prices, egressBytes) });
  if (prices.egress.kind === 'free-within-stored' && egressBytes > bytes) {
    notes.push(`egress (${(egressBytes / gb).toFixed(1)} GB a month) exceeds the volume stored (${(bytes / gb).toFixed(1)} GB): outside ${prices.name}'s free egress policy, the account may be limited`);
  }
  return { ...base, lines, monthlyUsd: lines.reduce((n, l) => n + l.usd, 0), notes };
}

/** The egress charge of a month. */
export function egressUsd(prices: ProviderPrices, egressBytes: number): number {
  const e = prices.egress;
  if (e.kind !== 'tiered') return 0;
  const billed = Math.max(0, egressBytes / prices.gbBytes - e.freeGB);
  return tieredUsd(prices.roundUp ? Math.ceil(billed) : billed, e.tiers);
}

export function estimateCosts(input: CostInput, options: { prices?: PriceTable } = {}): CostEstimate {
  checkUsage(input);
  const table = options.prices ?? PRICE_TABLE;
  const mirrors = [...input.mirrors].sort((a, b) => byText(a.name, b.name)).map((m) => mirrorCost(m, providerPrices(m.provider, table)));
  const providers = new Map<string, ProviderCost>();
  for (const m of mirrors) {
    const p = providers.get(m.provider) ?? {
      provider: m.provider,
      ...(providerPrices(m.provider, table) ? { name: providerPrices(m.provider, table)!.name } : {}),
      mirrors: [],
      bytes: 0,
      egressBytes: 0,
      monthlyUsd: 0,
    };
    p.mirrors.push(m.mirror);
    p.bytes += m.bytes;
    p.egressBytes += m.egressBytes;
    p.monthlyUsd = m.monthlyUsd === null || p.monthlyUsd === null ? null : p.monthlyUsd + m.monthlyUsd;
    providers.set(m.provider, p);
  }
  for (const m of mirrors) if (m.monthlyUsd !== null) m.providerName = providerPrices(m.provider, table)!.name;
  return {
    mirrors,
    providers: [...providers.values()].sort((a, b) => byText(a.provider, b.provider)),
    totalUsd: mirrors.reduce((n, m) => n + (m.monthlyUsd ?? 0), 0),
    unpriced: mirrors.filter((m) => m.monthlyUsd === null).map((m) => m.mirror),
  };
}

