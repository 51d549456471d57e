/**
 * Statistics over records: per mirror (success rate, retries, failovers,
 * bytes served), per artifact (download time percentiles) from download
 * records; per mirror over time (availability, latency, time to first byte,
 * missing and corrupt objects) and artifact availability from health records.
 * Pure functions: the same records give the same numbers, in the same order.
 */
import { UserError } from '@potions/core';
import { MetricsErrorCode } from './errors';
import type { HealthRecord } from './health';
import { summarizeDurations } from './percentile';
import type { DurationSummary } from './percentile';
import type { AttemptRecord, DownloadKind, DownloadRecord, MetricsRecord } from './records';

/** Records with `since <= time < until` count (either bound may be absent). */
export interface TimeWindow {
  since?: Date;
  until?: Date;
}

function inWindow(time: string, window: TimeWindow | undefined): boolean {
  if (!window) return true;
  const t = Date.parse(time);
  if (window.since && t < window.since.getTime()) return false;
  if (window.until && t >= window.until.getTime()) return false;
  return true;
}

function checkWindow(window: TimeWindow | undefined): void {
  if (window?.since && window.until && window.since.getTime() >= window.until.getTime()) {
    throw new UserError(MetricsErrorCode.Option, `the window starts (${window.since.toISOString()}) after it ends (${window.until.toISOString()})`, {
      location: { field: 'window' },
    });
  }
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Failures that are not the distribution's: the user's disk (`local`) or the
 * user cancelling (`aborted`). They are counted apart and left out of the
 * failure rate.
 */
export const NOT_DISTRIBUTION_FAILURES: ReadonlySet<string> = new Set(['local', 'aborted']);

/** Kinds whose time and outcome make the roadmap's download metrics (not manifests or metadata). */
export const ARTIFACT_KINDS: ReadonlySet<DownloadKind> = new Set<DownloadKind>(['artifact', 'file']);

export interface MirrorDownloadStats {
  mirror: string;
  /** HTTP requests sent to the mirror (cancelled hedges included). */
  requests: number;
  ok: number;
  errors: number;
  /** Requests cancelled because another mirror answered first (not a failure). */
  cancelled: number;
  /** ok / (ok + errors); null without a finished request. */
  successRate: number | null;
  /** Failed requests followed by another request to this mirror. */
  retries: number;
  /** Failed requests after which the client moved on to another mirror. */
  failovers: number;
  /** Body bytes the mirror delivered (its egress as the clients saw it). */
  bytes: number;
  /** Downloads this mirror delivered. */
  delivered: number;
  /** Failed requests by class, classes sorted. */
  errorClasses: Record<string, number>;
}

export interface ArtifactDownloadStats {
  artifact: string;
  kind: DownloadKind;
  downloads: number;
  ok: number;
  failed: number;
  /** Failures of the user's side (`local`, `aborted`), not counted in `failed`. */
  excluded: number;
  retries: number;
  failovers: number;
  /** Time of the successful downloads. */
  time: DurationSummary | null;
}

export interface DownloadAggregate {
  /** The first and last record time seen (null without records). */
  from: string | null;
  to: string | null;
  downloads: { total: number; ok: number; failed: number; excluded: number; retries: number; failovers: number; hedges: number };
  /** Time of every successful artifact or file download. */
  time: DurationSummary | null;
  mirrors: MirrorDownloadStats[];
  artifacts: ArtifactDownloadStats[];
}

function emptyMirror(mirror: string): MirrorDownloadStats {
  return { mirror, requests: 0, ok: 0, errors: 0, cancelled: 0, successRate: null, retries: 0, failovers: 0, bytes: 0, delivered: 0, errorClasses: {} };
}

export function aggregateDownloads(records: readonly MetricsRecord[], window?: TimeWindow): DownloadAggregate {
  checkWindow(window);
  const kept = records.filter((r) => inWindow(r.time, window));
  const attempts = kept.filter((r): r is AttemptRecord => r.type === 'attempt');
  const downloads = kept.filter((r): r is DownloadRecord => r.type === 'download');

  const mirrors = new Map<string, MirrorDownloadStats>();
  const mirror = (name: string): MirrorDownloadStats => {
    let m = mirrors.get(name);
    if (!m) mirrors.set(name, (m = emptyMirror(name)));
    return m;
  };
  for (const a of attempts) {
    const m = mirror(a.mirror);
    m.requests++;
    m.bytes += a.bytes;
    if (a.outcome === 'ok') m.ok++;
    else if (a.outcome === 'cancelled') m.cancelled++;
    else {
      m.errors++;
      const cls = a.errorClass ?? 'unknown';
      m.errorClasses[cls] = (m.errorClasses[cls] ?? 0) + 1;
    }
    if (a.next === 'retry') m.retries++;
    if (a.next === 'failover') m.failovers++;
  }
  for (const d of downloads) if (d.outcome === 'ok' && d.mirror !== undefined) mirror(d.mirror).delivered++;
  for (const m of mirrors.values()) {
    m.successRate = m.ok + m.errors > 0 ? m.ok / (m.ok + m.errors) : null;
    m.errorClasses = Object.fromEntries(Object.entries(m.errorClasses).sort(([a], [b]) => byText(a, b)));
  }

  const artifacts = new Map<string, { stats: ArtifactDownloadStats; times: number[] }>();
  const totals = { total: 0, ok: 0, failed: 0, excluded: 0, retries: 0, failovers: 0, hedges: 0 };
  const times: number[] = [];
  for (const d of downloads) {
    const key = `${d.kind}\u0000${d.artifact}`;
    let a = artifacts.get(key);
    if (!a) {
      a = { stats: { artifact: d.artifact, kind: d.kind, downloads: 0, ok: 0, failed: 0, excluded: 0, retries: 0, failovers: 0, time: null }, times: [] };
      artifacts.set(key, a);
    }
    a.stats.downloads++;
    a.stats.retries += d.retries;
    a.stats.failovers += d.failovers;
    totals.total++;
    totals.retries += d.retries;
    totals.failovers += d.failovers;
    totals.hedges += d.hedges;
    if (d.outcome === 'ok') {
      a.stats.ok++;
      totals.ok++;
      a.times.push(d.durationMs);
      if (ARTIFACT_KINDS.has(d.kind)) times.push(d.durationMs);
    } else if (NOT_DISTRIBUTION_FAILURES.has(d.errorClass ?? '')) {
      a.stats.excluded++;
      totals.excluded++;
    } else {
      a.stats.failed++;
      totals.failed++;
    }
  }
  const stamps = kept.map((r) => r.time).sort((a, b) => Date.parse(a) - Date.parse(b));
  return {
    from: stamps[0] ?? null,
    to: stamps[stamps.length - 1] ?? null,
    downloads: totals,
    time: summarizeDurations(times),
    mirrors: [...mirrors.values()].sort((a, b) => byText(a.mirror, b.mirror)),
    artifacts: [...artifacts.values()]
      .map(({ stats, times: t }) => ({ ...stats, time: summarizeDurations(t) }))
      .sort((a, b) => byText(a.artifact, b.artifact) || byText(a.kind, b.kind)),
  };
}

/** One health run of one mirror. */
export interface MirrorHealthPoint {
  time: string;
  reachable: boolean;
  latencyMs?: number;
  ttfbMs?: number;
  checked: number;
  missing: number;
  corrupt: number;
}

/** Runs of one UTC day. */
export interface DailyAvailability {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  runs: number;
  reachable: number;
  availability: number;
}

export interface MirrorHealthStats {
  mirror: string;
  provider?: string;
  /** Runs that checked this mirror. */
  runs: number;
  reachable: number;
  /** reachable / runs. */
  availability: number | null;
  latency: DurationSummary | null;
  ttfb: DurationSummary | null;
  /** Sums over the runs. */
  objects: { checked: number; missing: number; corrupt: number };
  /** 1 − (missing + corrupt) / checked over the runs; null when nothing was checked. */
  intact: number | null;
  /** What the newest run found missing or corrupt on this mirror. */
  latest: { time: string; reachable: boolean; missing: string[]; corrupt: string[] };
  /** One point per run, oldest first. */
  series: MirrorHealthPoint[];
  daily: DailyAvailability[];
}

export interface ArtifactAvailability {
  /** Object checks: the objects the manifest named, summed over the runs. */
  checks: number;
  /** Of those, the ones intact on at least one reachable mirror. */
  available: number;
  availability: number | null;
  /** Per run, oldest first: objects named, and those no reachable mirror had intact. */
  series: { time: string; objects: number; unavailable: number }[];
}

export interface HealthAggregate {
  runs: number;
  from: string | null;
  to: string | null;
  mirrors: MirrorHealthStats[];
  artifacts: ArtifactAvailability;
}

/** The objects no reachable mirror holds intact in one run. */
function unavailableIn(record: HealthRecord): number {
  const reachable = record.mirrors.filter((m) => m.reachable);
  if (reachable.length === 0) return record.objects;
  let common: Set<string> | undefined;
  for (const m of reachable) {
    const bad = new Set([...m.objects.missing, ...m.objects.corrupt]);
    common = common === undefined ? bad : new Set([...common].filter((k) => bad.has(k)));
  }
  return Math.min(record.objects, common?.size ?? 0);
}

export function aggregateHealth(records: readonly HealthRecord[], window?: TimeWindow): HealthAggregate {
  checkWindow(window);
  const runs = records
    .filter((r) => inWindow(r.time, window))
    .map((r, i) => ({ r, i }))
    .sort((a, b) => Date.parse(a.r.time) - Date.parse(b.r.time) || a.i - b.i)
    .map(({ r }) => r);

  const perMirror = new Map<string, { provider?: string; points: MirrorHealthPoint[]; latest?: MirrorHealthStats['latest'] }>();
  const artifacts: ArtifactAvailability = { checks: 0, available: 0, availability: null, series: [] };
  for (const run of runs) {
    const unavailable = unavailableIn(run);
    artifacts.checks += run.objects;
    artifacts.available += run.objects - unavailable;
    artifacts.series.push({ time: run.time, objects: run.objects, unavailable });
    for (const m of run.mirrors) {
      let entry = perMirror.get(m.mirror);
      if (!entry) perMirror.set(m.mirror, (entry = { points: [] }));
      if (m.provider !== undefined) entry.provider = m.provider;
      entry.points.push({
        time: run.time,
        reachable: m.reachable,
        ...(m.latencyMs !== undefined ? { latencyMs: m.latencyMs } : {}),
        ...(m.ttfbMs !== undefined ? { ttfbMs: m.ttfbMs } : {}),
        checked: m.objects.checked,
        missing: m.objects.missing.length,
        corrupt: m.objects.corrupt.length,
      });
      entry.latest = { time: run.time, reachable: m.reachable, missing: [...m.objects.missing].sort(byText), corrupt: [...m.objects.corrupt].sort(byText) };
    }
  }
  artifacts.availability = artifacts.checks > 0 ? artifacts.available / artifacts.checks : null;

  const mirrors: MirrorHealthStats[] = [...perMirror.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([name, { provider, points, latest }]) => {
      const reachable = points.filter((p) => p.reachable).length;
      const objects = points.reduce(
        (o, p) => ({ checked: o.checked + p.checked, missing: o.missing + p.missing, corrupt: o.corrupt + p.corrupt }),
        { checked: 0, missing: 0, corrupt: 0 },
      );
      const days = new Map<string, DailyAvailability>();
      for (const p of points) {
        const day = new Date(p.time).toISOString().slice(0, 10);
        const d = days.get(day) ?? { day, runs: 0, reachable: 0, availability: 0 };
        d.runs++;
        if (p.reachable) d.reachable++;
        d.availability = d.reachable / d.runs;
        days.set(day, d);
      }
      return {
        mirror: name,
        ...(provider !== undefined ? { provider } : {}),
        runs: points.length,
        reachable,
        availability: points.length > 0 ? reachable / points.length : null,
        latency: summarizeDurations(points.flatMap((p) => (p.latencyMs !== undefined ? [p.latencyMs] : []))),
        ttfb: summarizeDurations(points.flatMap((p) => (p.ttfbMs !== undefined ? [p.ttfbMs] : []))),
        objects,
        intact: objects.checked > 0 ? 1 - Math.min(objects.checked, objects.missing + objects.corrupt) / objects.checked : null,
        latest: latest!,
        series: points,
        daily: [...days.values()].sort((a, b) => byText(a.day, b.day)),
      };
    });

  return {
    runs: runs.length,
    from: runs[0]?.time ?? null,
    to: runs[runs.length - 1]?.time ?? null,
    mirrors,
    artifacts,
  };
}
