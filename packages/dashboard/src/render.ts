/**
 * `renderDashboard`: one static HTML page from the manifest, the mirror
 * health records, the download metrics and the cost estimate. Every package
 * and platform (available, unavailable with the reason, withdrawn), each
 * mirror's availability and latency over time, download success and time,
 * storage, bandwidth and cost per provider.
 *
 * A pure function: the same input gives the same bytes (the time comes from
 * `now`). The page has no script and makes no request: its charts are inline
 * SVG, its style is inline (allowed by hash in its Content-Security-Policy),
 * so it works offline and from any mirror, next to the manifest.
 */
import { createHash } from 'node:crypto';
import { PLATFORMS, UserError, compareVersions, formatBytes, systemNow } from '@potions/core';
import type { Now } from '@potions/core';
import { costsReportTables, formatUsd } from '@potions/costs';
import type { CostsReport } from '@potions/costs';
import { ARTIFACT_KINDS, formatCount, formatDuration, formatPercent, formatSeconds, metVerdict, metricsReport, metricsReportTables, SUCCESS_TARGETS } from '@potions/metrics';
import type { HealthRecord, MetricsRecord, MetricsReport, MirrorHealthStats, ReportTable } from '@potions/metrics';
import { DashboardErrorCode } from './errors';
import { html, trusted } from './html';
import type { Html } from './html';
import { barChart, lineChart, shortTime, stripChart } from './svg';

/** Where the page is kept on a mirror, next to `manifest.json`. */
export const DASHBOARD_FILE = 'dashboard.html';
export const DASHBOARD_CONTENT_TYPE = 'text/html; charset=utf-8';
export const DEFAULT_MAX_POINTS = 120;

/** A platform entry as the dashboard reads it: the manifest's, plus `withdrawn`. */
export type DashboardEntry =
  | {
      status: 'available';
      build?: { builtAt?: string; method?: string };
      artifacts?: readonly { format: string; size: number }[];
    }
  | { status: 'unavailable'; reason: string }
  | { status: 'withdrawn'; reason?: string; withdrawnAt?: string };

/** The signed manifest's body (`Manifest` of `@potions/manifest` fits), with `withdrawn` entries allowed. */
export interface DashboardManifest {
  version?: number;
  expires?: string;
  packages: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, DashboardEntry>>>>>>;
}

export interface DashboardInput {
  manifest: DashboardManifest;
  /** Mirror health records (any order). */
  health?: readonly HealthRecord[];
  /** Download metrics records (any order). */
  records?: readonly MetricsRecord[];
  /** The cost estimate (`costsReport` of `@potions/costs`). */
  costs?: CostsReport;
  /** Default "Potions distribution". */
  title?: string;
  now?: Now;
  /** Days of health and download records shown (default 30). */
  windowDays?: number;
  /** Health runs drawn per mirror, newest kept (default 120: 30 days of runs every 6 hours). */
  maxPoints?: number;
}

const STATUSES = new Set(['available', 'unavailable', 'withdrawn']);
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function checkManifest(m: DashboardManifest): void {
  if (typeof m !== 'object' || m === null || typeof m.packages !== 'object' || m.packages === null) {
    throw new UserError(DashboardErrorCode.Input, 'the manifest has no packages object', { location: { field: 'packages' } });
  }
  for (const [name, versions] of Object.entries(m.packages)) {
    for (const [version, platforms] of Object.entries(versions)) {
      for (const [platform, entry] of Object.entries(platforms)) {
        const status = (entry as { status?: unknown } | null)?.status;
        if (typeof status !== 'string' || !STATUSES.has(status)) {
          throw new UserError(DashboardErrorCode.Input, `${name} ${version} ${platform}: status ${JSON.stringify(status)} is not available, unavailable or withdrawn`, {
            location: { field: `packages.${name}.${version}.${platform}.status` },
          });
        }
      }
    }
  }
}

// --- the page's style: constant, so its hash in the CSP is too ---
const STYLE = `
:root{color-scheme:light;--ok:#1a7f37;--bad:#b42318;--warn:#9a6700;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff}
header,main,footer{max-width:1240px;margin:0 auto;padding:12px 24px}
header{border-bottom:1px solid var(--line)}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.meta,.note{color:var(--muted);margin:4px 0}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:220px;background:var(--bg)}
.card .value{font-size:20px;font-weight:600}
.verdict{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;border:1px solid}
.verdict.met{color:var(--ok)}.verdict.not-met{color:var(--bad)}.verdict.no-data{color:var(--muted)}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
thead th{background:var(--bg)}
.badge{display:inline-block;border-radius:10px;padding:0 7px;font-size:12px;font-weight:600;border:1px solid}
.badge.available{color:var(--ok)}.badge.unavailable{color:var(--bad)}.badge.withdrawn{color:var(--warn);background:#fff8c5}.badge.missing{color:var(--muted)}
.reason{display:block;color:var(--muted);max-width:320px;overflow-wrap:anywhere}
.detail{color:var(--muted)}
.mirror{border:1px solid var(--line);border-radius:6px;padding:4px 14px 10px;margin:12px 0}
dl.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:4px 16px;margin:6px 0}
dl.facts dt{color:var(--muted);font-size:12px}dl.facts dd{margin:0;font-weight:600}
svg.chart{display:block;margin:8px 0;font-size:11px;fill:#1f2328;max-width:100%;height:auto}
.axis line{stroke:#8c959f}.axis line.grid{stroke:#eaeef2}
.line{fill:none;stroke:#0969da;stroke-width:1.5}
.point{fill:#0969da}.down{fill:var(--bad)}
.bar{fill:#0969da}.bar.over{fill:var(--bad)}
.target line{stroke:var(--bad);stroke-dasharray:4 3}
.cell.full{fill:var(--ok)}.cell.most{fill:#d4a72c}.cell.low{fill:var(--bad)}.cell.none{fill:#d0d7de}
.empty{fill:var(--muted)}
details{margin:6px 0}summary{cursor:pointer;color:#0969da}
code{font-size:12px;overflow-wrap:anywhere}
`.trim();

function verdictBadge(met: boolean | null): Html {
  const v = metVerdict(met);
  return html`<span class="verdict ${trusted(v.replace(' ', '-'))}">${v}</span>`;
}

/** A report table (the same model the CLI prints and the job summary shows) as an HTML table. */
function tableHtml(t: ReportTable, id: string): Html {
  return html`<table id="${trusted(id)}"><caption>${t.title}</caption><thead><tr>${t.headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${t.rows.map(
    (r) => html`<tr>${r.map((c, i) => (i === 0 ? html`<th scope="row">${c}</th>` : html`<td>${c}</td>`))}</tr>`,
  )}</tbody></table>${t.notes.map((n) => html`<p class="note">${n}</p>`)}`;
}

function entryCell(platform: string, entry: DashboardEntry | undefined): Html {
  if (!entry) return html`<td class="entry missing" data-platform="${platform}"><span class="badge missing">not listed</span></td>`;
  switch (entry.status) {
    case 'available': {
      const formats = (entry.artifacts ?? []).map((a) => a.format).join(', ');
      const size = entry.artifacts && entry.artifacts.length > 0 ? formatBytes(Math.min(...entry.artifacts.map((a) => a.size))) : '';
      const built = entry.build?.builtAt ? `built ${entry.build.builtAt.slice(0, 10)}${entry.build.method ? ` (${entry.build.method})` : ''}` : '';
      return html`<td class="entry available" data-platform="${platform}"><span class="badge available">available</span> <span class="detail">${[formats, size].filter(Boolean).join(' · ')}</span>${built ? html`<span class="reason">${built}</span>` : ''}</td>`;
    }
    case 'unavailable':
      return html`<td class="entry unavailable" data-platform="${platform}"><span class="badge unavailable">unavailable</span><span class="reason">${entry.reason}</span></td>`;
    case 'withdrawn':
      return html`<td class="entry withdrawn" data-platform="${platform}"><span class="badge withdrawn">withdrawn</span>${entry.withdrawnAt ? html` <span class="detail">${entry.withdrawnAt.slice(0, 10)}</span>` : ''}<span class="reason">${entry.reason ?? 'no reason given'}</span></td>`;
  }
}

function packagesSection(m: DashboardManifest): Html {
  const names = Object.keys(m.packages).sort(byText);
  const platforms = [...PLATFORMS, ...[...new Set(names.flatMap((n) => Object.values(m.packages[n]!).flatMap((p) => Object.keys(p))))].filter((p) => !(PLATFORMS as readonly string[]).includes(p)).sort(byText)];
  const counts = { available: 0, unavailable: 0, withdrawn: 0 };
  let complete = 0;
  const rows: Html[] = [];
  for (const name of names) {
    const versions = Object.keys(m.packages[name]!).sort((a, b) => compareVersions(b, a));
    versions.forEach((version, i) => {
      const entries = m.packages[name]![version]!;
      for (const e of Object.values(entries)) counts[e.status]++;
      if (i === 0 && PLATFORMS.every((p) => entries[p]?.status === 'available')) complete++;
      rows.push(
        html`<tr class="pkg" data-package="${name}" data-version="${version}"><th scope="row">${name}</th><td>${version}${i === 0 ? html` <span class="detail">(newest)</span>` : ''}</td>${platforms.map((p) => entryCell(p, entries[p]))}</tr>`,
      );
    });
  }
  const coverage = names.length > 0 ? complete / names.length : null;
  return html`<section id="packages" aria-labelledby="packages-h"><h2 id="packages-h">Packages and platforms</h2>
<p class="meta">${names.length} packages, ${rows.length} versions; platform builds: ${counts.available} available, ${counts.unavailable} unavailable, ${counts.withdrawn} withdrawn.
Newest versions with binaries for all four platforms: ${complete} of ${names.length} (${formatPercent(coverage)}; target 95%).</p>
<table id="packages-table"><caption>Every package version, newest first, and each platform's build</caption><thead><tr><th scope="col">package</th><th scope="col">version</th>${platforms.map((p) => html`<th scope="col">${p}</th>`)}</tr></thead><tbody>${rows}</tbody></table></section>`;
}

function successCards(report: MetricsReport): Html {
  return html`<div class="cards" id="success-metrics">${report.metrics.map(
    (s) => html`<div class="card" data-metric="${s.id}"><div>${s.title}</div><div class="value">${s.display}</div><div>target ${s.target} ${verdictBadge(s.met)}</div><div class="note">${s.sample} ${s.sampleUnit}</div></div>`,
  )}</div>`;
}

function mirrorSection(name: string, index: number, report: MetricsReport, costs: CostsReport | undefined, maxPoints: number): Html {
  const h: MirrorHealthStats | undefined = report.health.mirrors.find((m) => m.mirror === name);
  const d = report.downloads.mirrors.find((m) => m.mirror === name);
  const c = costs?.estimate.mirrors.find((m) => m.mirror === name);
  const points = (h?.series ?? []).slice(-maxPoints);
  const facts: [string, string][] = [
    ['availability', h ? `${formatPercent(h.availability)} of ${h.runs} runs` : 'no health runs'],
    ['latency p50 / p95', h?.latency ? `${formatDuration(h.latency.p50Ms)} / ${formatDuration(h.latency.p95Ms)}` : 'no data'],
    ['time to first byte p50', formatDuration(h?.ttfb?.p50Ms)],
    ['missing / corrupt (newest run)', h ? `${h.latest.missing.length} / ${h.latest.corrupt.length}` : 'no data'],
    ['download requests, success', d ? `${formatCount(d.requests)}, ${formatPercent(d.successRate)}` : 'none recorded'],
    ['retries / failovers', d ? `${d.retries} / ${d.failovers}` : '-'],
    ['bytes served (recorded)', d ? formatBytes(d.bytes) : '-'],
    ['cost / month', c ? `${formatUsd(c.monthlyUsd)} (${c.providerName ?? c.provider})` : 'not estimated'],
  ];
  const bad = h ? [...h.latest.missing.map((k) => ['missing', k] as const), ...h.latest.corrupt.map((k) => ['corrupt', k] as const)] : [];
  const id = `mirror-${index}`;
  return html`<section class="mirror" data-mirror="${name}" aria-labelledby="${trusted(id)}-h"><h3 id="${trusted(id)}-h">${name}</h3>
<dl class="facts">${facts.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
${
  h
    ? html`${lineChart({
        id: `${id}-latency`,
        title: `Latency of ${name} per health run`,
        description: `${points.filter((p) => p.reachable).length} runs answered, ${points.filter((p) => !p.reachable).length} did not (marked on the axis), from ${points[0] ? shortTime(points[0].time) : 'none'}`,
        unit: 'ms',
        points: points.map((p) => ({
          time: p.time,
          value: p.reachable ? (p.latencyMs ?? null) : null,
          label: p.reachable ? `${shortTime(p.time)}: ${p.latencyMs ?? '?'} ms, first byte ${p.ttfbMs ?? '?'} ms` : `${shortTime(p.time)}: unreachable`,
        })),
      })}${stripChart({
        id: `${id}-daily`,
        title: `Availability of ${name} per day`,
        description: `${h.daily.length} days, one cell each: green when every run answered`,
        cells: h.daily.map((day) => ({ label: `${day.day}: ${day.reachable} of ${day.runs} runs answered`, value: day.availability })),
      })}<details><summary>The ${points.length} health runs as a table</summary><table class="runs"><thead><tr><th scope="col">run</th><th scope="col">reachable</th><th scope="col">latency</th><th scope="col">first byte</th><th scope="col">checked</th><th scope="col">missing</th><th scope="col">corrupt</th></tr></thead><tbody>${points.map(
        (p) =>
          html`<tr><th scope="row">${shortTime(p.time)}</th><td>${p.reachable ? 'yes' : 'no'}</td><td>${p.latencyMs !== undefined ? `${p.latencyMs} ms` : '-'}</td><td>${p.ttfbMs !== undefined ? `${p.ttfbMs} ms` : '-'}</td><td>${p.checked}</td><td>${p.missing}</td><td>${p.corrupt}</td></tr>`,
      )}</tbody></table></details>`
    : html`<p class="note">No health record names this mirror in the window.</p>`
}${
  bad.length > 0
    ? html`<details><summary>${bad.length} object(s) missing or corrupt in the newest run</summary><ul>${bad.map(([what, key]) => html`<li>${what}: <code>${key}</code></li>`)}</ul></details>`
    : ''
}</section>`;
}

function downloadsSection(report: MetricsReport): Html {
  const artifacts = report.downloads.artifacts.filter((a) => ARTIFACT_KINDS.has(a.kind) && a.time !== null);
  const slowest = [...artifacts].sort((a, b) => b.time!.meanMs - a.time!.meanMs || byText(a.artifact, b.artifact)).slice(0, 40);
  const tables = metricsReportTables(report).filter((t) => t.title !== 'Success metrics');
  return html`<section id="downloads" aria-labelledby="downloads-h"><h2 id="downloads-h">Downloads</h2>
<p class="meta">${report.downloads.downloads.total} downloads recorded from ${report.window.since.slice(0, 10)} to ${report.window.until.slice(0, 10)}: ${report.downloads.downloads.ok} succeeded, ${report.downloads.downloads.failed} failed${
    report.downloads.downloads.excluded > 0 ? `, ${report.downloads.downloads.excluded} stopped on the user's side` : ''
  }; ${report.downloads.downloads.retries} retries, ${report.downloads.downloads.failovers} failovers. Recording is opt-in: these are the clients that share their metrics.</p>
${barChart({
  id: 'download-time',
  title: 'Mean download time per artifact',
  description: `${slowest.length} artifacts, slowest first; the dashed line is the ${SUCCESS_TARGETS.downloadMs / 1000} s target`,
  bars: slowest.map((a) => ({ label: a.artifact, value: a.time!.meanMs / 1000, display: formatSeconds(a.time!.meanMs), tone: a.time!.meanMs >= SUCCESS_TARGETS.downloadMs ? 'over' : 'ok' })),
  target: { value: SUCCESS_TARGETS.downloadMs / 1000, label: `${SUCCESS_TARGETS.downloadMs / 1000} s` },
})}${tables.map((t, i) => tableHtml(t, `downloads-table-${i}`))}</section>`;
}

function costsSection(costs: CostsReport | undefined): Html {
  if (!costs) return html`<section id="costs" aria-labelledby="costs-h"><h2 id="costs-h">Storage and cost</h2><p class="note">No cost estimate was given.</p></section>`;
  const providers = costs.estimate.providers;
  return html`<section id="costs" aria-labelledby="costs-h"><h2 id="costs-h">Storage and cost</h2>
<p class="meta">Estimated ${formatUsd(costs.estimate.totalUsd)} a month for ${costs.estimate.mirrors.length} mirror(s), as of ${costs.generatedAt.slice(0, 10)}.</p>
${barChart({
  id: 'storage-per-provider',
  title: 'Storage per provider',
  description: `${providers.length} providers, bytes stored over all their mirrors`,
  bars: providers.map((p) => ({ label: p.name ?? p.provider, value: p.bytes / 2 ** 30, display: formatBytes(p.bytes) })),
})}${barChart({
  id: 'egress-per-provider',
  title: 'Egress per provider a month',
  description: `${providers.length} providers, bytes served a month as estimated`,
  bars: providers.map((p) => ({ label: p.name ?? p.provider, value: p.egressBytes / 2 ** 30, display: formatBytes(p.egressBytes) })),
})}${costsReportTables(costs).map((t, i) => tableHtml(t, `costs-table-${i}`))}</section>`;
}

export function renderDashboard(input: DashboardInput): string {
  checkManifest(input.manifest);
  const maxPoints = input.maxPoints ?? DEFAULT_MAX_POINTS;
  if (!(Number.isInteger(maxPoints) && maxPoints >= 1)) {
    throw new UserError(DashboardErrorCode.Option, `maxPoints must be a whole number from 1, got ${maxPoints}`, { location: { field: 'maxPoints' } });
  }
  const now = input.now ?? systemNow;
  const report = metricsReport({ records: input.records ?? [], health: input.health ?? [], now, ...(input.windowDays !== undefined ? { windowDays: input.windowDays } : {}) });
  const title = input.title ?? 'Potions distribution';
  const mirrors = [
    ...new Set([
      ...report.health.mirrors.map((m) => m.mirror),
      ...report.downloads.mirrors.map((m) => m.mirror),
      ...(input.costs?.estimate.mirrors.map((m) => m.mirror) ?? []),
    ]),
  ].sort(byText);
  const runs = report.health.artifacts.series.slice(-maxPoints);
  const body = html`<header><h1>${title}</h1>
<p class="meta">Generated ${shortTime(report.generatedAt)}${input.manifest.version !== undefined ? html` · manifest version ${input.manifest.version}` : ''}${
    input.manifest.expires ? html` · expires ${shortTime(input.manifest.expires)}` : ''
  } · records of the last ${report.window.days} days</p></header>
<main>
<section id="overview" aria-labelledby="overview-h"><h2 id="overview-h">Reliability targets</h2>${successCards(report)}
${lineChart({
  id: 'availability',
  title: 'Artifact availability per health run',
  description: `${runs.length} runs: the share of the manifest's objects that at least one reachable mirror held intact`,
  unit: '%',
  points: runs.map((r) => ({
    time: r.time,
    value: r.objects > 0 ? Math.round(((r.objects - r.unavailable) / r.objects) * 100_000) / 1000 : null,
    label: `${shortTime(r.time)}: ${r.objects - r.unavailable} of ${r.objects} objects available`,
  })),
})}</section>
${packagesSection(input.manifest)}
<section id="mirrors" aria-labelledby="mirrors-h"><h2 id="mirrors-h">Mirrors</h2>${
    mirrors.length > 0 ? mirrors.map((m, i) => mirrorSection(m, i, report, input.costs, maxPoints)) : html`<p class="note">No health record, download record or cost estimate names a mirror.</p>`
  }</section>
${downloadsSection(report)}
${costsSection(input.costs)}
</main>
<footer><p class="note">A static page made by Potions from the signed manifest, the mirror health records and the download metrics. It runs no script and loads nothing else.</p></footer>`;
  const styleHash = createHash('sha256').update(STYLE).digest('base64');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${styleHash}'; img-src 'none'; base-uri 'none'; form-action 'none'">
<meta name="robots" content="noindex">
<title>${html`${title}`.text}</title>
<style>${STYLE}</style>
</head>
<body>
${body.text}
</body>
</html>
`;
}
