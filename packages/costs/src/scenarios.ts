/**
 * What a change would save: the monthly cost before and after, and what the
 * change itself costs once. Three changes:
 *
 * - `archive`: move objects older than D days to a cheaper class;
 * - `keep-last`: delete the versions of each package beyond the newest N;
 * - `move`: move a mirror to another provider.
 *
 * Minimum storage durations are respected the way providers bill them: an
 * object deleted, moved or replaced before its class's minimum (Wasabi 90
 * days, R2 Infrequent Access 30, S3 Standard-IA 30, Glacier IR 90) is billed
 * for the rest of it. That charge is in `oneTimeUsd`, and `early` says how
 * many objects it concerns and from when acting on them would be free (a
 * lifecycle executor waits until then).
 */
import { UserError, compareVersions, systemNow } from '@potions/core';
import type { Now } from '@potions/core';
import { CostsErrorCode } from './errors';
import { checkUsage, classOf, egressUsd, mirrorCost, unitsOf } from './estimate';
import type { CostInput, CostObject, MirrorUsage } from './estimate';
import { PRICE_TABLE } from './price-table';
import type { PriceTable, ProviderPrices } from './prices';
import { assertStorageClass, providerPrices } from './storage-classes';

export type CostScenario =
  | { kind: 'archive'; olderThanDays: number; storageClass: string; mirrors?: readonly string[] }
  | { kind: 'keep-last'; versions: number; mirrors?: readonly string[] }
  | { kind: 'move'; mirror: string; provider: string; storageClass?: string };

export interface SavingsEstimate {
  scenario: CostScenario;
  /** The change in words: `Move objects older than 90 days to STANDARD_IA on r2`. */
  title: string;
  beforeUsd: number;
  afterUsd: number;
  /** beforeUsd − afterUsd (negative: the change costs more each month). */
  monthlySavingUsd: number;
  /** Paid once: the rest of minimum durations, transition or copy requests, migration egress. */
  oneTimeUsd: number;
  /** Objects and bytes the change moves or deletes. */
  affected: { objects: number; bytes: number };
  /** Of those, the ones still inside their class's minimum storage duration. */
  early: { objects: number; bytes: number; usd: number; freeFrom: string | null };
  perMirror: { mirror: string; beforeUsd: number; afterUsd: number }[];
  notes: string[];
}

const DAY_MS = 86_400_000;

function ageDays(o: CostObject, now: Date): number | undefined {
  if (o.lastModified === undefined) return undefined;
  const t = o.lastModified instanceof Date ? o.lastModified.getTime() : Date.parse(o.lastModified);
  return Number.isNaN(t) ? undefined : (now.getTime() - t) / DAY_MS;
}

/** What leaving `object`'s class now costs (the rest of its minimum), and from when it would be free. */
function earlyCharge(o: CostObject, usage: MirrorUsage, prices: ProviderPrices, now: Date): { usd: number; freeFrom?: number } {
  const cls = prices.classes[classOf(o, usage, prices)];
  const age = ageDays(o, now);
  if (!cls || cls.minStorageDays === 0 || age === undefined || age >= cls.minStorageDays) return { usd: 0 };
  const rest = cls.minStorageDays - age;
  const price = cls.storage[0]!.price;
  const perMonth = unitsOf(price, Math.max(o.size, cls.minObjectBytes ?? 0), prices.gbBytes) * price.usd;
  return { usd: (perMonth * rest) / 30, freeFrom: now.getTime() + rest * DAY_MS };
}

function selected(input: CostInput, names: readonly string[] | undefined): MirrorUsage[] {
  if (!names) return [...input.mirrors];
  const known = new Set(input.mirrors.map((m) => m.name));
  const unknown = names.find((n) => !known.has(n));
  if (unknown !== undefined) {
    throw new UserError(CostsErrorCode.Input, `no mirror is named ${JSON.stringify(unknown)}`, {
      location: { field: 'mirrors' },
      hint: `the mirrors are ${[...known].sort().join(', ')}`,
    });
  }
  return input.mirrors.filter((m) => names.includes(m.name));
}

/** The versions of each package beyond the newest `keep` (by the one version order). */
function versionsBeyond(objects: readonly CostObject[], keep: number): Set<string> {
  const byPackage = new Map<string, Set<string>>();
  for (const o of objects) {
    if (o.package === undefined || o.version === undefined) continue;
    const set = byPackage.get(o.package) ?? new Set<string>();
    set.add(o.version);
    byPackage.set(o.package, set);
  }
  const drop = new Set<string>();
  for (const [pkg, versions] of byPackage) {
    const newestFirst = [...versions].sort((a, b) => compareVersions(b, a));
    for (const v of newestFirst.slice(keep)) drop.add(`${pkg}\u0000${v}`);
  }
  return drop;
}

interface Change {
  after: MirrorUsage | undefined;
  /** Objects moved or deleted, with what leaving their class early costs. */
  touched: { object: CostObject; early: { usd: number; freeFrom?: number } }[];
  extraUsd: number;
  afterPrices?: ProviderPrices;
  notes: string[];
}

function describe(s: CostScenario): string {
  switch (s.kind) {
    case 'archive':
      return `Move objects older than ${s.olderThanDays} days to ${s.storageClass}${s.mirrors ? ` on ${s.mirrors.join(', ')}` : ''}`;
    case 'keep-last':
      return `Delete all but the newest ${s.versions} version${s.versions === 1 ? '' : 's'} of each package${s.mirrors ? ` on ${s.mirrors.join(', ')}` : ''}`;
    case 'move':
      return `Move mirror ${s.mirror} to ${s.provider}${s.storageClass ? ` (${s.storageClass})` : ''}`;
  }
}

function checkScenario(s: CostScenario): void {
  const bad = (field: string, message: string): never => {
    throw new UserError(CostsErrorCode.Input, message, { location: { field } });
  };
  if (s.kind === 'archive' && !(Number.isFinite(s.olderThanDays) && s.olderThanDays >= 0)) bad('olderThanDays', `the age must be a number of days from 0, got ${s.olderThanDays}`);
  if (s.kind === 'keep-last' && !(Number.isInteger(s.versions) && s.versions >= 1)) bad('versions', `the number of versions to keep must be a whole number from 1, got ${s.versions}`);
}

export function estimateSavings(
  input: CostInput,
  scenario: CostScenario,
  options: { prices?: PriceTable; now?: Now } = {},
): SavingsEstimate {
  checkUsage(input);
  checkScenario(scenario);
  const table = options.prices ?? PRICE_TABLE;
  const now = (options.now ?? systemNow)();
  const targets = scenario.kind === 'move' ? selected(input, [scenario.mirror]) : selected(input, scenario.mirrors);
  const notes: string[] = [];
  const perMirror: SavingsEstimate['perMirror'] = [];
  const touchedAll: Change['touched'] = [];
  let oneTime = 0;

  for (const usage of targets) {
    const prices = providerPrices(usage.provider, table);
    if (!prices) {
      notes.push(`${usage.name}: no prices for provider ${usage.provider}, left out`);
      continue;
    }
    const change = applyScenario(scenario, usage, prices, table, now);
    const before = mirrorCost(usage, prices).monthlyUsd ?? 0;
    const after = change.after ? (mirrorCost(change.after, change.afterPrices ?? prices).monthlyUsd ?? 0) : 0;
    perMirror.push({ mirror: usage.name, beforeUsd: before, afterUsd: after });
    touchedAll.push(...change.touched);
    oneTime += change.extraUsd + change.touched.reduce((n, t) => n + t.early.usd, 0);
    notes.push(...change.notes.map((n) => `${usage.name}: ${n}`));
  }
  const beforeUsd = perMirror.reduce((n, m) => n + m.beforeUsd, 0);
  const afterUsd = perMirror.reduce((n, m) => n + m.afterUsd, 0);
  const early = touchedAll.filter((t) => t.early.usd > 0);
  const freeFrom = early.reduce<number | undefined>((max, t) => (max === undefined || (t.early.freeFrom ?? 0) > max ? t.early.freeFrom : max), undefined);
  return {
    scenario,
    title: describe(scenario),
    beforeUsd,
    afterUsd,
    monthlySavingUsd: beforeUsd - afterUsd,
    oneTimeUsd: oneTime,
    affected: { objects: touchedAll.length, bytes: touchedAll.reduce((n, t) => n + t.object.size, 0) },
    early: {
      objects: early.length,
      bytes: early.reduce((n, t) => n + t.object.size, 0),
      usd: early.reduce((n, t) => n + t.early.usd, 0),
      freeFrom: freeFrom === undefined ? null : new Date(freeFrom).toISOString(),
    },
    perMirror,
    notes,
  };
}

function applyScenario(scenario: CostScenario, usage: MirrorUsage, prices: ProviderPrices, table: PriceTable, now: Date): Change {
  switch (scenario.kind) {
    case 'archive': {
      assertStorageClass({ name: usage.name, provider: usage.provider }, scenario.storageClass, { field: 'storageClass' }, table);
      const target = prices.classes[scenario.storageClass]!;
      const touched: Change['touched'] = [];
      let unknownAge = 0;
      const objects = usage.objects.map((o) => {
        const age = ageDays(o, now);
        if (age === undefined) unknownAge++;
        if (age === undefined || age < scenario.olderThanDays || classOf(o, usage, prices) === scenario.storageClass) return o;
        touched.push({ object: o, early: earlyCharge(o, usage, prices, now) });
        return { ...o, storageClass: scenario.storageClass };
      });
      const perRequest = target.transition ?? target.writes;
      const notes = unknownAge > 0 ? [`${unknownAge} object(s) without a date were left where they are`] : [];
      return {
        after: { ...usage, objects },
        touched,
        extraUsd: unitsOf(perRequest, touched.length, prices.gbBytes) * perRequest.usd,
        notes,
      };
    }
    case 'keep-last': {
      const drop = versionsBeyond(usage.objects, scenario.versions);
      const touched: Change['touched'] = [];
      const objects = usage.objects.filter((o) => {
        if (o.package === undefined || o.version === undefined || !drop.has(`${o.package}\u0000${o.version}`)) return true;
        touched.push({ object: o, early: earlyCharge(o, usage, prices, now) });
        return false;
      });
      const unlabelled = usage.objects.filter((o) => o.package === undefined || o.version === undefined).length;
      const notes = unlabelled > 0 ? [`${unlabelled} object(s) that belong to no package version (manifests, records) are kept`] : [];
      return { after: { ...usage, objects }, touched, extraUsd: 0, notes };
    }
    case 'move': {
      const targetPrices = providerPrices(scenario.provider, table);
      if (!targetPrices) {
        throw new UserError(CostsErrorCode.Input, `Potions has no prices for provider ${JSON.stringify(scenario.provider)}`, {
          location: { field: 'provider' },
          hint: `price one of ${Object.keys(table.providers).sort().join(', ')}`,
        });
      }
      if (scenario.storageClass !== undefined) {
        assertStorageClass({ name: `${usage.name} on ${scenario.provider}`, provider: scenario.provider }, scenario.storageClass, { field: 'storageClass' }, table);
      }
      const cls = scenario.storageClass ?? targetPrices.defaultClass;
      const objects = usage.objects.map((o) => ({ ...o, storageClass: cls }));
      const bytes = usage.objects.reduce((n, o) => n + o.size, 0);
      const monthlyEgress = usage.objects.reduce((n, o) => n + (o.egressBytes ?? 0), usage.egressBytes ?? 0);
      // Copying everything out once is egress on top of the month's.
      const migrationEgress = egressUsd(prices, monthlyEgress + bytes) - egressUsd(prices, monthlyEgress);
      const writes = targetPrices.classes[cls]!.writes;
      const copyIn = unitsOf(writes, usage.objects.length, targetPrices.gbBytes) * writes.usd;
      const notes: string[] = [];
      if (prices.egress.kind === 'free-within-stored' && monthlyEgress > 0) {
        notes.push(`copying everything out in one month takes egress past the stored volume: ask ${prices.name} first or spread the move`);
      }
      return {
        after: { ...usage, provider: scenario.provider, storageClass: cls, objects },
        afterPrices: targetPrices,
        touched: usage.objects.map((o) => ({ object: o, early: earlyCharge(o, usage, prices, now) })),
        extraUsd: migrationEgress + copyIn,
        notes,
      };
    }
  }
}
