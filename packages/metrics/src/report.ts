/**
 * `metricsReport`: the roadmap's reliability targets, measured from real
 * records over a window (default the last 30 days):
 *
 * - availability ≥ 99.9%: of the objects the manifest named at each health
 *   run, the share that at least one reachable mirror held intact (health records);
 * - download failure rate < 1%: failed artifact downloads over all artifact
 *   downloads (download records; the user's own failures, a full disk or a
 *   cancellation, are left out and counted apart);
 * - average download time < 10 s per artifact: the mean time of the
 *   successful artifact downloads.
 *
 * Each says met / not met with its sample size, or "no data" (met: null)
 * when there is nothing to measure: a number is never invented.
 */
import { UserError, formatBytes, systemNow } from '@potions/core';
import type { Now } from '@potions/core';
import { ARTIFACT_KINDS, aggregateDownloads, aggregateHealth } from './aggregate';
import type { DownloadAggregate, HealthAggregate } from './aggregate';
import { MetricsErrorCode } from './errors';
import type { HealthRecord } from './health';
import type { MetricsRecord } from './records';
import { formatCount, formatDuration, formatPercent, formatSeconds, markdownTables } from './tables';
import type { ReportTable } from './tables';

/** The roadmap's success metrics (ROADMAP.md, "Reliability"). */
export const SUCCESS_TARGETS = {
  /** Artifact availability, at least. */
  availability: 0.999,
  /** Download failure rate, below. */
  failureRate: 0.01,
  /** Average download time per artifact, below (ms). */
  downloadMs: 10_000,
} as const;

export const DEFAULT_WINDOW_DAYS = 30;

export type SuccessMetricId = 'availability' | 'download-failure-rate' | 'download-time';

export interface SuccessMetric {
  id: SuccessMetricId;
  title: string;
  /** The target as a person reads it: `≥ 99.9%`, `< 1%`, `< 10 s`. */
  target: string;
  /** A ratio (availability, failure rate) or milliseconds (time); null: no data. */
  value: number | null;
  /** The value as a person reads it, or `no data`. */
  display: string;
  /** Null when there is no data. */
  met: boolean | null;
  /** How many measurements the value is made of. */
  sample: number;
  /** What one measurement is: `object checks in 30 health runs`, `artifact downloads`. */
  sampleUnit: string;
}

export interface MetricsReport {
  generatedAt: string;
  window: { since: string; until: string; days: number };
  metrics: SuccessMetric[];
  downloads: DownloadAggregate;
  health: HealthAggregate;
}

export interface MetricsReportInput {
  /** Download records (any order; those outside the window are left out). */
  records: readonly MetricsRecord[];
  health: readonly HealthRecord[];
  now?: Now;
  /** How many days back from now the report looks (default 30). */
  windowDays?: number;
}

export function metricsReport(input: MetricsReportInput): MetricsReport {
  const days = input.windowDays ?? DEFAULT_WINDOW_DAYS;
  if (!(Number.isFinite(days) && days > 0)) {
    throw new UserError(MetricsErrorCode.Option, `the report window must be a positive number of days, got ${days}`, { location: { field: 'windowDays' } });
  }
  const until = (input.now ?? systemNow)();
  const since = new Date(until.getTime() - days * 86_400_000);
  // The end is inclusive: a record stamped at this very moment counts.
  const window = { since, until: new Date(until.getTime() + 1) };
  const downloads = aggregateDownloads(input.records, window);
  const health = aggregateHealth(input.health, window);
  return {
    generatedAt: until.toISOString(),
    window: { since: since.toISOString(), until: until.toISOString(), days },
    metrics: [availabilityMetric(health), failureRateMetric(downloads), downloadTimeMetric(downloads)],
    downloads,
    health,
  };
}

function availabilityMetric(health: HealthAggregate): SuccessMetric {
  const value = health.artifacts.availability;
  return {
    id: 'availability',
    title: 'Artifact availability',
    target: `≥ ${SUCCESS_TARGETS.availability * 100}%`,
    value,
    display: formatPercent(value),
    met: value === null ? null : value >= SUCCESS_TARGETS.availability,
    sample: health.artifacts.checks,
    sampleUnit: `object checks in ${health.runs} health run${health.runs === 1 ? '' : 's'}`,
  };
}

function failureRateMetric(downloads: DownloadAggregate): SuccessMetric {
  const artifacts = downloads.artifacts.filter((a) => ARTIFACT_KINDS.has(a.kind));
  const failed = artifacts.reduce((n, a) => n + a.failed, 0);
  const counted = artifacts.reduce((n, a) => n + a.ok + a.failed, 0);
  const value = counted > 0 ? failed / counted : null;
  return {
    id: 'download-failure-rate',
    title: 'Download failure rate',
    target: `< ${SUCCESS_TARGETS.failureRate * 100}%`,
    value,
    display: formatPercent(value),
    met: value === null ? null : value < SUCCESS_TARGETS.failureRate,
    sample: counted,
    sampleUnit: 'artifact downloads',
  };
}

function downloadTimeMetric(downloads: DownloadAggregate): SuccessMetric {
  const value = downloads.time?.meanMs ?? null;
  return {
    id: 'download-time',
    title: 'Average download time per artifact',
    target: `< ${SUCCESS_TARGETS.downloadMs / 1000} s`,
    value,
    display: formatSeconds(value),
    met: value === null ? null : value < SUCCESS_TARGETS.downloadMs,
    sample: downloads.time?.count ?? 0,
    sampleUnit: 'successful artifact downloads',
  };
}

export function metVerdict(met: boolean | null): string {
  return met === null ? 'no data' : met ? 'met' : 'not met';
}

/** The report as tables: the success metrics, then per mirror, then per artifact. */
export function metricsReportTables(report: MetricsReport): ReportTable[] {
  const window = `From ${report.window.since} to ${report.window.until} (${report.window.days} days).`;
  const tables: ReportTable[] = [
    {
      title: 'Success metrics',
      headers: ['metric', 'target', 'value', 'verdict', 'sample'],
      rows: report.metrics.map((m) => [m.title, m.target, m.display, metVerdict(m.met), `${m.sample} ${m.sampleUnit}`]),
      notes: [window],
    },
  ];
  const names = [...new Set([...report.health.mirrors.map((m) => m.mirror), ...report.downloads.mirrors.map((m) => m.mirror)])].sort();
  if (names.length > 0) {
    tables.push({
      title: 'Mirrors',
      headers: ['mirror', 'availability', 'latency p50', 'latency p95', 'TTFB p50', 'missing', 'corrupt', 'requests', 'success', 'retries', 'failovers', 'bytes served'],
      rows: names.map((name) => {
        const h = report.health.mirrors.find((m) => m.mirror === name);
        const d = report.downloads.mirrors.find((m) => m.mirror === name);
        return [
          name,
          h ? `${formatPercent(h.availability)} of ${h.runs}` : 'no data',
          formatDuration(h?.latency?.p50Ms),
          formatDuration(h?.latency?.p95Ms),
          formatDuration(h?.ttfb?.p50Ms),
          h ? String(h.latest.missing.length) : '-',
          h ? String(h.latest.corrupt.length) : '-',
          d ? formatCount(d.requests) : '0',
          formatPercent(d?.successRate ?? null),
          d ? String(d.retries) : '0',
          d ? String(d.failovers) : '0',
          d ? formatBytes(d.bytes) : '0 B',
        ];
      }),
      notes: ['Availability, latency and TTFB come from the health runs; missing and corrupt are what the newest run found. Requests and bytes come from the download records.'],
    });
  }
  const artifacts = report.downloads.artifacts.filter((a) => ARTIFACT_KINDS.has(a.kind));
  if (artifacts.length > 0) {
    tables.push({
      title: 'Download time per artifact',
      headers: ['artifact', 'downloads', 'failed', 'mean', 'p50', 'p95', 'p99'],
      rows: artifacts.map((a) => [
        a.artifact,
        String(a.downloads),
        String(a.failed),
        formatSeconds(a.time?.meanMs),
        formatSeconds(a.time?.p50Ms),
        formatSeconds(a.time?.p95Ms),
        formatSeconds(a.time?.p99Ms),
      ]),
      notes: ['Percentiles by the nearest-rank method over successful downloads: always a time that was measured.'],
    });
  }
  return tables;
}

/** The report as a markdown job summary. */
export function metricsReportMarkdown(report: MetricsReport): string {
  return `## Download and mirror metrics\n\n${markdownTables(metricsReportTables(report))}`;
}
