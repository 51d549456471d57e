/**
 * `costsReport`: the monthly estimate per mirror and provider, the storage
 * per package, what each proposed change would save, and how old the prices
 * are; as data (`--json`), as tables for the terminal and as a markdown job
 * summary. Pure functions of their input.
 */
import { formatBytes, systemNow } from '@potions/core';
import type { Now } from '@potions/core';
import { formatCount, markdownTables } from '@potions/metrics';
import type { ReportTable } from '@potions/metrics';
import { classOf, estimateCosts, unitsOf } from './estimate';
import type { CostEstimate, CostInput } from './estimate';
import { PRICE_TABLE } from './price-table';
import { MAX_PRICE_AGE_DAYS, priceAges } from './prices';
import type { PriceAge, PriceTable } from './prices';
import { estimateSavings } from './scenarios';
import type { CostScenario, SavingsEstimate } from './scenarios';
import { providerPrices } from './storage-classes';

export interface PackageStorage {
  package: string;
  versions: number;
  objects: number;
  /** Summed over the mirrors. */
  bytes: number;
  /** What storing it costs a month at the list price of each object's class (minimums and free tiers left out). */
  monthlyUsd: number;
}

export interface CostsReport {
  generatedAt: string;
  prices: {
    ages: PriceAge[];
    /** Some provider's prices are older than a year. */
    stale: boolean;
    /** Providers whose prices were not checked against their source page. */
    unverified: string[];
  };
  estimate: CostEstimate;
  packages: PackageStorage[];
  savings: SavingsEstimate[];
}

export interface CostsReportOptions {
  scenarios?: readonly CostScenario[];
  prices?: PriceTable;
  now?: Now;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function packageStorage(input: CostInput, table: PriceTable): PackageStorage[] {
  const out = new Map<string, PackageStorage & { versionSet: Set<string> }>();
  for (const m of input.mirrors) {
    const prices = providerPrices(m.provider, table);
    for (const o of m.objects) {
      if (o.package === undefined) continue;
      const p = out.get(o.package) ?? { package: o.package, versions: 0, objects: 0, bytes: 0, monthlyUsd: 0, versionSet: new Set<string>() };
      p.objects++;
      p.bytes += o.size;
      if (o.version !== undefined) p.versionSet.add(o.version);
      const cls = prices?.classes[classOf(o, m, prices)];
      if (prices && cls) {
        const price = cls.storage[0]!.price;
        p.monthlyUsd += unitsOf(price, Math.max(o.size, cls.minObjectBytes ?? 0), prices.gbBytes) * price.usd;
      }
      out.set(o.package, p);
    }
  }
  return [...out.values()]
    .map(({ versionSet, ...p }) => ({ ...p, versions: versionSet.size }))
    .sort((a, b) => b.bytes - a.bytes || byText(a.package, b.package));
}

export function costsReport(input: CostInput, options: CostsReportOptions = {}): CostsReport {
  const table = options.prices ?? PRICE_TABLE;
  const now = options.now ?? systemNow;
  const ages = priceAges(table, now);
  return {
    generatedAt: now().toISOString(),
    prices: {
      ages,
      stale: ages.some((a) => a.ageDays > MAX_PRICE_AGE_DAYS),
      unverified: ages.filter((a) => !a.verified).map((a) => a.provider),
    },
    estimate: estimateCosts(input, { prices: table }),
    packages: packageStorage(input, table),
    savings: (options.scenarios ?? []).map((s) => estimateSavings(input, s, { prices: table, now })),
  };
}

/** `$12.34`, `< $0.01`, `-$3.00`: cents, the same on every machine. */
export function formatUsd(usd: number | null): string {
  if (usd === null) return 'not priced';
  const abs = Math.abs(usd);
  if (abs > 0 && abs < 0.005) return usd < 0 ? '> -$0.01' : '< $0.01';
  const cents = abs.toFixed(2);
  return `${usd < 0 && cents !== '0.00' ? '-' : ''}$${cents}`;
}

/** How many package rows the tables show (the JSON has them all). */
const PACKAGE_ROWS = 20;

export function costsReportTables(report: CostsReport): ReportTable[] {
  const est = report.estimate;
  const priceNotes = [
    `Prices: ${report.prices.ages.map((a) => `${a.provider} as of ${a.takenAt}`).join(', ')} (list prices, pay as you go).`,
    ...(report.prices.stale ? ['Some prices are more than a year old: check them against their source pages (docs/costs.md).'] : []),
    ...(report.prices.unverified.length > 0
      ? [`Not yet checked against the live pricing pages: ${report.prices.unverified.join(', ')}. Treat the amounts as estimates.`]
      : []),
  ];
  const tables: ReportTable[] = [
    {
      title: 'Monthly cost per mirror',
      headers: ['mirror', 'provider', 'objects', 'stored', 'egress / month', 'reads / month', 'cost / month'],
      rows: [
        ...est.mirrors.map((m) => [
          m.mirror,
          m.providerName ?? m.provider,
          formatCount(m.objects),
          formatBytes(m.bytes),
          formatBytes(m.egressBytes),
          formatCount(m.reads),
          formatUsd(m.monthlyUsd),
        ]),
        ['total', '', String(est.mirrors.reduce((n, m) => n + m.objects, 0)), formatBytes(est.mirrors.reduce((n, m) => n + m.bytes, 0)), formatBytes(est.mirrors.reduce((n, m) => n + m.egressBytes, 0)), '', formatUsd(est.totalUsd)],
      ],
      notes: [...est.mirrors.flatMap((m) => m.notes.map((n) => `${m.mirror}: ${n}.`)), ...priceNotes],
    },
    {
      title: 'Cost lines',
      headers: ['mirror', 'item', 'quantity', 'cost / month'],
      rows: est.mirrors.flatMap((m) =>
        m.lines.map((l) => [m.mirror, l.item, `${l.unit === 'requests' ? formatCount(l.quantity) : l.quantity.toFixed(2)} ${l.unit}`, formatUsd(l.usd)]),
      ),
      notes: [],
    },
    {
      title: 'Storage and bandwidth per provider',
      headers: ['provider', 'mirrors', 'stored', 'egress / month', 'cost / month'],
      rows: est.providers.map((p) => [p.name ?? p.provider, p.mirrors.join(', '), formatBytes(p.bytes), formatBytes(p.egressBytes), formatUsd(p.monthlyUsd)]),
      notes: [],
    },
  ];
  if (report.packages.length > 0) {
    const shown = report.packages.slice(0, PACKAGE_ROWS);
    const rest = report.packages.slice(PACKAGE_ROWS);
    tables.push({
      title: 'Storage per package',
      headers: ['package', 'versions', 'objects', 'stored (all mirrors)', 'storage / month'],
      rows: [
        ...shown.map((p) => [p.package, String(p.versions), String(p.objects), formatBytes(p.bytes), formatUsd(p.monthlyUsd)]),
        ...(rest.length > 0
          ? [[`${rest.length} more`, '', String(rest.reduce((n, p) => n + p.objects, 0)), formatBytes(rest.reduce((n, p) => n + p.bytes, 0)), formatUsd(rest.reduce((n, p) => n + p.monthlyUsd, 0))]]
          : []),
      ],
      notes: ['Storage per package is at the list price of each object\'s class, before free tiers and minimum charges.'],
    });
  }
  if (report.savings.length > 0) {
    tables.push({
      title: 'What a change would save',
      headers: ['change', 'now / month', 'after / month', 'saves / month', 'one-time cost', 'objects', 'inside minimum duration'],
      rows: report.savings.map((s) => [
        s.title,
        formatUsd(s.beforeUsd),
        formatUsd(s.afterUsd),
        formatUsd(s.monthlySavingUsd),
        formatUsd(s.oneTimeUsd),
        `${s.affected.objects} (${formatBytes(s.affected.bytes)})`,
        s.early.objects > 0 ? `${s.early.objects}, ${formatUsd(s.early.usd)}; free from ${s.early.freeFrom!.slice(0, 10)}` : 'none',
      ]),
      notes: [
        'Objects deleted or moved inside their minimum storage duration are billed for the rest of it (in the one-time cost); a lifecycle policy waits until the date shown.',
        ...report.savings.flatMap((s) => s.notes.map((n) => `${s.title}: ${n}.`)),
      ],
    });
  }
  return tables;
}

export function costsReportMarkdown(report: CostsReport): string {
  return `## Storage cost\n\n${markdownTables(costsReportTables(report))}`;
}
