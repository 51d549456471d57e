import { aggregateDownloads, aggregateHealth } from './aggregate';
import { metricsReport, metricsReportMarkdown, metricsReportTables } from './report';
import { attemptRecord, downloadRecord, healthRecord, healthSample, sampleMetrics } from './testing';

const now = () => new Date('2026-11-30T12:00:00.000Z');
const key = (n: number) => `artifacts/sha256/${String(n).padStart(64, '0')}/a${n}.tar.gz`;

describe('aggregateDownloads', () => {
  const records = [
    attemptRecord({ id: '1', mirror: 'r2', outcome: 'error', errorClass: 'http-retryable', status: 503, bytes: 0, next: 'retry' }),
    attemptRecord({ id: '1', mirror: 'r2', outcome: 'error', errorClass: 'connect-timeout', bytes: 0, next: 'failover' }),
    attemptRecord({ id: '1', mirror: 'wasabi', outcome: 'ok', bytes: 3000 }),
    downloadRecord({ id: '1', mirror: 'wasabi', durationMs: 3000, retries: 1, failovers: 1, attempts: 3, mirrors: ['r2', 'wasabi'] }),
    attemptRecord({ id: '2', mirror: 'r2', outcome: 'ok', bytes: 1000 }),
    attemptRecord({ id: '2', mirror: 'wasabi', outcome: 'cancelled', errorClass: 'aborted', bytes: 10 }),
    downloadRecord({ id: '2', mirror: 'r2', durationMs: 1000, hedges: 1 }),
    downloadRecord({ id: '3', outcome: 'failed', mirror: undefined, errorClass: 'integrity', durationMs: 500 }),
    downloadRecord({ id: '4', outcome: 'failed', mirror: undefined, errorClass: 'local', durationMs: 10 }),
    downloadRecord({ id: '5', artifact: 'manifest.json', kind: 'manifest', durationMs: 50 }),
  ];

  it('gives per-mirror success, retries, failovers and bytes, and per-artifact times', () => {
    const agg = aggregateDownloads(records);
    expect(agg.downloads).toEqual({ total: 5, ok: 3, failed: 1, excluded: 1, retries: 1, failovers: 1, hedges: 1 });
    expect(agg.mirrors).toEqual([
      {
        mirror: 'r2',
        requests: 3,
        ok: 1,
        errors: 2,
        cancelled: 0,
        successRate: 1 / 3,
        retries: 1,
        failovers: 1,
        bytes: 1000,
        // Download 2 and the manifest.
        delivered: 2,
        errorClasses: { 'connect-timeout': 1, 'http-retryable': 1 },
      },
      { mirror: 'wasabi', requests: 2, ok: 1, errors: 0, cancelled: 1, successRate: 1, retries: 0, failovers: 0, bytes: 3010, delivered: 1, errorClasses: {} },
    ]);
    const jq = agg.artifacts.find((a) => a.kind === 'artifact')!;
    expect(jq).toMatchObject({ downloads: 4, ok: 2, failed: 1, excluded: 1, retries: 1, failovers: 1 });
    expect(jq.time).toMatchObject({ count: 2, meanMs: 2000, p50Ms: 1000, p95Ms: 3000, p99Ms: 3000 });
    // Manifests are in the per-artifact list but not in the artifact download time.
    expect(agg.time).toMatchObject({ count: 2, meanMs: 2000 });
    expect(agg.artifacts.map((a) => a.artifact)).toEqual(['jq-1.7.1-linux-amd64.tar.gz', 'manifest.json']);
  });

  it('keeps only the records inside the window, and refuses a window that ends before it starts', () => {
    const agg = aggregateDownloads(
      [downloadRecord({ id: 'old', time: '2026-10-01T00:00:00Z' }), downloadRecord({ id: 'new', time: '2026-11-20T00:00:00Z' })],
      { since: new Date('2026-11-01T00:00:00Z') },
    );
    expect(agg.downloads.total).toBe(1);
    expect(agg.from).toBe('2026-11-20T00:00:00Z');
    expect(() => aggregateDownloads([], { since: new Date('2026-11-02'), until: new Date('2026-11-01') })).toThrow(
      expect.objectContaining({ code: 'E_METRICS_OPTION' }),
    );
  });
});

describe('aggregateHealth', () => {
  const runs = [
    healthRecord({
      time: '2026-11-29T06:00:00.000Z',
      objects: 4,
      mirrors: [
        healthSample({ mirror: 'r2', latencyMs: 30, ttfbMs: 60, objects: { checked: 4, missing: [key(1)], corrupt: [] } }),
        healthSample({ mirror: 'wasabi', latencyMs: 90, ttfbMs: 150, objects: { checked: 4, missing: [key(1)], corrupt: [key(2)] } }),
      ],
    }),
    healthRecord({
      time: '2026-11-29T18:00:00.000Z',
      objects: 4,
      mirrors: [
        healthSample({ mirror: 'r2', latencyMs: 50, ttfbMs: 70, objects: { checked: 4, missing: [], corrupt: [key(3)] } }),
        healthSample({ mirror: 'wasabi', reachable: false, latencyMs: undefined, ttfbMs: undefined, objects: { checked: 0, missing: [], corrupt: [] } }),
      ],
    }),
    healthRecord({
      time: '2026-11-30T06:00:00.000Z',
      objects: 4,
      mirrors: [
        healthSample({ mirror: 'r2', reachable: false, latencyMs: undefined, ttfbMs: undefined, objects: { checked: 0, missing: [], corrupt: [] } }),
        healthSample({ mirror: 'wasabi', reachable: false, latencyMs: undefined, ttfbMs: undefined, objects: { checked: 0, missing: [], corrupt: [] } }),
      ],
    }),
  ];

  it('counts an object unavailable only when no reachable mirror holds it intact', () => {
    const agg = aggregateHealth(runs);
    // Run 1: key 1 is missing on both; key 2 is corrupt on wasabi only (r2 has it). Run 2: only r2 answers, key 3 corrupt.
    // Run 3: nothing answers: all 4 unavailable.
    expect(agg.artifacts.series).toEqual([
      { time: '2026-11-29T06:00:00.000Z', objects: 4, unavailable: 1 },
      { time: '2026-11-29T18:00:00.000Z', objects: 4, unavailable: 1 },
      { time: '2026-11-30T06:00:00.000Z', objects: 4, unavailable: 4 },
    ]);
    expect(agg.artifacts).toMatchObject({ checks: 12, available: 6, availability: 0.5 });
  });

  it('gives each mirror its availability, latency, objects found bad and a point per run', () => {
    const agg = aggregateHealth(runs);
    const r2 = agg.mirrors.find((m) => m.mirror === 'r2')!;
    expect(r2).toMatchObject({ runs: 3, reachable: 2, availability: 2 / 3, objects: { checked: 8, missing: 1, corrupt: 1 }, intact: 0.75 });
    expect(r2.latency).toMatchObject({ count: 2, p50Ms: 30, p95Ms: 50, meanMs: 40 });
    expect(r2.series.map((p) => p.latencyMs ?? null)).toEqual([30, 50, null]);
    expect(r2.daily).toEqual([
      { day: '2026-11-29', runs: 2, reachable: 2, availability: 1 },
      { day: '2026-11-30', runs: 1, reachable: 0, availability: 0 },
    ]);
    expect(r2.latest).toEqual({ time: '2026-11-30T06:00:00.000Z', reachable: false, missing: [], corrupt: [] });
    expect(agg.mirrors.map((m) => m.mirror)).toEqual(['r2', 'wasabi']);
    expect(agg.runs).toBe(3);
  });
});

describe('metricsReport', () => {
  it('says "no data" for every metric when there are no records, never a number', () => {
    const report = metricsReport({ records: [], health: [], now });
    expect(report.metrics.map((m) => [m.id, m.value, m.display, m.met, m.sample])).toEqual([
      ['availability', null, 'no data', null, 0],
      ['download-failure-rate', null, 'no data', null, 0],
      ['download-time', null, 'no data', null, 0],
    ]);
    expect(report.window).toEqual({ since: '2026-10-31T12:00:00.000Z', until: '2026-11-30T12:00:00.000Z', days: 30 });
  });

  it('measures the three targets from records and judges them with their sample sizes', () => {
    const downloads = [
      ...Array.from({ length: 198 }, (_, i) => downloadRecord({ id: `ok${i}`, time: '2026-11-20T00:00:00Z', durationMs: 2000 + (i % 3) * 1000 })),
      downloadRecord({ id: 'bad1', time: '2026-11-20T00:00:00Z', outcome: 'failed', errorClass: 'http-retryable' }),
      downloadRecord({ id: 'bad2', time: '2026-11-20T00:00:00Z', outcome: 'failed', errorClass: 'integrity' }),
      // Not the distribution's fault: left out.
      downloadRecord({ id: 'disk', time: '2026-11-20T00:00:00Z', outcome: 'failed', errorClass: 'local' }),
      // Outside the 30-day window: left out.
      downloadRecord({ id: 'old', time: '2026-09-01T00:00:00Z', outcome: 'failed', errorClass: 'dns' }),
    ];
    const health = Array.from({ length: 10 }, (_, i) =>
      healthRecord({
        time: `2026-11-2${i}T00:00:00.000Z`,
        objects: 100,
        mirrors: [healthSample({ mirror: 'r2', objects: { checked: 100, missing: i === 0 ? [key(1)] : [], corrupt: [] } })],
      }),
    );
    const report = metricsReport({ records: downloads, health, now });
    const [availability, failures, time] = report.metrics;
    expect(availability).toMatchObject({ value: 0.999, display: '99.900%', met: true, sample: 1000, sampleUnit: 'object checks in 10 health runs' });
    expect(failures).toMatchObject({ value: 0.01, display: '1.000%', met: false, sample: 200, sampleUnit: 'artifact downloads' });
    expect(time).toMatchObject({ display: '3.00 s', met: true, sample: 198 });
    expect(time!.value).toBeCloseTo(3000, 6);
  });

  it('prints tables and a markdown summary a person can read', () => {
    const { records, health } = sampleMetrics();
    const report = metricsReport({ records, health, now, windowDays: 7 });
    const tables = metricsReportTables(report);
    expect(tables.map((t) => t.title)).toEqual(['Success metrics', 'Mirrors', 'Download time per artifact']);
    expect(tables[0]!.rows.map((r) => r[0])).toEqual(['Artifact availability', 'Download failure rate', 'Average download time per artifact']);
    expect(tables[1]!.rows.map((r) => r[0])).toEqual(['r2', 'wasabi']);
    const md = metricsReportMarkdown(report);
    expect(md).toContain('| metric | target | value | verdict | sample |');
    expect(md).toContain('| Artifact availability | ≥ 99.9% |');
    expect(md).toMatch(/\| wasabi \| 96\.429% of 28 \|/);
    expect(metricsReportMarkdown(metricsReport({ records, health, now, windowDays: 7 }))).toBe(md);
  });

  it('refuses a window that is not a positive number of days', () => {
    expect(() => metricsReport({ records: [], health: [], now, windowDays: 0 })).toThrow(expect.objectContaining({ code: 'E_METRICS_OPTION' }));
  });
});
