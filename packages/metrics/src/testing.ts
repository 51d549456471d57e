/**
 * Test helpers other packages may use: builders of download and health
 * records, a seeded month of realistic records for several mirrors, and a
 * real HTTP collector on 127.0.0.1 that takes JSON lines the way a metrics
 * endpoint would (and fails on request).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mulberry32 } from '@potions/downloader/testing';
import type { HealthRecord, MirrorHealthSample } from './health';
import { METRICS_CONTENT_TYPE } from './http-sink';
import { METRICS_RECORD_VERSION, parseMetricsLines } from './records';
import type { AttemptRecord, DownloadRecord, MetricsRecord, SkippedLine } from './records';

export function downloadRecord(overrides: Partial<DownloadRecord> = {}): DownloadRecord {
  return {
    type: 'download',
    v: METRICS_RECORD_VERSION,
    time: '2026-11-01T12:00:00.000Z',
    id: 'd0',
    artifact: 'jq-1.7.1-linux-amd64.tar.gz',
    kind: 'artifact',
    outcome: 'ok',
    mirror: 'r2',
    bytes: 1_000_000,
    durationMs: 1000,
    attempts: 1,
    retries: 0,
    failovers: 0,
    hedges: 0,
    mirrors: ['r2'],
    ...overrides,
  };
}

export function attemptRecord(overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    type: 'attempt',
    v: METRICS_RECORD_VERSION,
    time: '2026-11-01T12:00:00.000Z',
    id: 'd0',
    artifact: 'jq-1.7.1-linux-amd64.tar.gz',
    kind: 'artifact',
    mirror: 'r2',
    attempt: 1,
    segment: 0,
    bytes: 1_000_000,
    durationMs: 1000,
    outcome: 'ok',
    ...overrides,
  };
}

export function healthSample(overrides: Partial<MirrorHealthSample> & { mirror: string }): MirrorHealthSample {
  return {
    reachable: true,
    latencyMs: 40,
    ttfbMs: 80,
    objects: { checked: 10, missing: [], corrupt: [] },
    ...overrides,
  };
}

export function healthRecord(overrides: Partial<HealthRecord> = {}): HealthRecord {
  return {
    schemaVersion: 1,
    time: '2026-11-01T06:00:00.000Z',
    objects: 10,
    mirrors: [healthSample({ mirror: 'r2' }), healthSample({ mirror: 'wasabi' })],
    ...overrides,
  };
}

export interface SampleMetricsOptions {
  /** The end of the period (default 2026-11-30T12:00:00Z). */
  until?: Date;
  /** Health runs, one every 6 hours back from `until` (default 28: a week). */
  runs?: number;
  /** Downloads spread over the period (default 200). */
  downloads?: number;
  mirrors?: readonly string[];
  artifacts?: readonly string[];
  /** Objects the manifest names (default 40). */
  objects?: number;
  seed?: number;
}

/**
 * A period of realistic records: health runs every 6 hours (the second
 * mirror is down once and loses an object for a while), and downloads that
 * mostly succeed, sometimes retry or fail over, and rarely fail.
 */
export function sampleMetrics(options: SampleMetricsOptions = {}): { records: MetricsRecord[]; health: HealthRecord[] } {
  const rnd = mulberry32(options.seed ?? 7);
  const until = options.until ?? new Date('2026-11-30T12:00:00.000Z');
  const mirrors = options.mirrors ?? ['r2', 'wasabi'];
  const artifacts = options.artifacts ?? ['jq-1.7.1-linux-amd64.tar.gz', 'ripgrep-14.1.1-darwin-arm64.tar.gz', 'hello-2.12-linux-arm64.tar.gz'];
  const runs = options.runs ?? 28;
  const objects = options.objects ?? 40;
  const health: HealthRecord[] = [];
  for (let i = runs - 1; i >= 0; i--) {
    const time = new Date(until.getTime() - i * 6 * 3_600_000).toISOString();
    health.push({
      schemaVersion: 1,
      time,
      objects,
      mirrors: mirrors.map((mirror, m) => {
        const down = m === 1 && i === Math.floor(runs / 2);
        const lost = m === 1 && i < runs / 3 && i > runs / 6 ? ['artifacts/sha256/' + 'a'.repeat(64) + '/' + artifacts[0]] : [];
        if (down) return { mirror, reachable: false, objects: { checked: 0, missing: [], corrupt: [] }, error: 'connect ECONNREFUSED' };
        return {
          mirror,
          reachable: true,
          latencyMs: Math.round(20 + m * 60 + rnd() * 30),
          ttfbMs: Math.round(50 + m * 90 + rnd() * 60),
          objects: { checked: objects, missing: lost, corrupt: [] },
        };
      }),
    });
  }
  const records: MetricsRecord[] = [];
  const count = options.downloads ?? 200;
  const span = runs * 6 * 3_600_000;
  for (let i = 0; i < count; i++) {
    const id = `s${i}`;
    const artifact = artifacts[i % artifacts.length]!;
    const time = new Date(until.getTime() - span + Math.floor((span * (i + 1)) / (count + 1))).toISOString();
    const first = mirrors[0]!;
    const second = mirrors[1] ?? first;
    const roll = rnd();
    const bytes = 2_000_000 + (i % artifacts.length) * 3_000_000;
    const durationMs = Math.round(400 + rnd() * 3000 + (i % artifacts.length) * 800);
    if (roll < 0.01) {
      records.push(
        { type: 'attempt', v: 1, time, id, artifact, kind: 'artifact', mirror: first, attempt: 1, segment: 0, bytes: 0, durationMs: 5000, outcome: 'error', errorClass: 'connect-timeout', next: 'failover' },
        { type: 'attempt', v: 1, time, id, artifact, kind: 'artifact', mirror: second, attempt: 2, segment: 0, bytes: 0, durationMs: 5000, outcome: 'error', errorClass: 'http-retryable', status: 503 },
        { type: 'download', v: 1, time, id, artifact, kind: 'artifact', outcome: 'failed', bytes: 0, durationMs: 10_000, attempts: 2, retries: 0, failovers: 1, hedges: 0, mirrors: [first, second], errorClass: 'http-retryable' },
      );
    } else if (roll < 0.08) {
      records.push(
        { type: 'attempt', v: 1, time, id, artifact, kind: 'artifact', mirror: first, attempt: 1, segment: 0, bytes: 0, durationMs: 300, outcome: 'error', errorClass: 'http-retryable', status: 503, next: 'failover' },
        { type: 'attempt', v: 1, time, id, artifact, kind: 'artifact', mirror: second, attempt: 2, segment: 0, bytes, durationMs, outcome: 'ok' },
        { type: 'download', v: 1, time, id, artifact, kind: 'artifact', outcome: 'ok', mirror: second, bytes, durationMs: durationMs + 300, attempts: 2, retries: 0, failovers: 1, hedges: 0, mirrors: [first, second] },
      );
    } else {
      records.push(
        { type: 'attempt', v: 1, time, id, artifact, kind: 'artifact', mirror: first, attempt: 1, segment: 0, bytes, durationMs, outcome: 'ok' },
        { type: 'download', v: 1, time, id, artifact, kind: 'artifact', outcome: 'ok', mirror: first, bytes, durationMs, attempts: 1, retries: 0, failovers: 0, hedges: 0, mirrors: [first] },
      );
    }
  }
  return { records, health };
}

/** How the collector answers the next requests. */
export type CollectorFault = { kind: 'status'; status: number; retryAfter?: string } | { kind: 'reset' };

export interface JsonLinesCollector {
  /** `http://127.0.0.1:<port>/metrics` */
  url: string;
  /** Every record received, in order. */
  records: MetricsRecord[];
  /** Lines that were not records. */
  skipped: SkippedLine[];
  /** Every request: its method, content type, authorization and how many lines it carried, and the answer. */
  requests: { method: string; contentType: string; authorization?: string; lines: number; status: number | 'reset' }[];
  /** Answer the next requests with these faults, in order (then normally again). */
  failNext(...faults: CollectorFault[]): void;
  close(): Promise<void>;
}

/** A metrics endpoint on 127.0.0.1: POST JSON lines to `/metrics`, answered 204; anything else 4xx. */
export async function startJsonLinesCollector(): Promise<JsonLinesCollector> {
  const faults: CollectorFault[] = [];
  const state: Pick<JsonLinesCollector, 'records' | 'skipped' | 'requests'> = { records: [], skipped: [], requests: [] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const contentType = req.headers['content-type'] ?? '';
      const entry = {
        method: req.method ?? '',
        contentType,
        ...(req.headers.authorization !== undefined ? { authorization: req.headers.authorization } : {}),
        lines: text.split('\n').filter((l) => l.trim() !== '').length,
      };
      const fault = faults.shift();
      if (fault?.kind === 'reset') {
        state.requests.push({ ...entry, status: 'reset' });
        req.socket.destroy();
        return;
      }
      let status = 204;
      if (fault?.kind === 'status') status = fault.status;
      else if (req.method !== 'POST' || req.url !== '/metrics') status = 404;
      else if (contentType !== METRICS_CONTENT_TYPE) status = 415;
      if (status === 204) {
        const parsed = parseMetricsLines(text, 'request');
        state.records.push(...parsed.records);
        state.skipped.push(...parsed.skipped);
      }
      state.requests.push({ ...entry, status });
      res.writeHead(status, fault?.kind === 'status' && fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    get records() {
      return state.records;
    },
    get skipped() {
      return state.skipped;
    },
    get requests() {
      return state.requests;
    },
    failNext: (...f) => {
      faults.push(...f);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
