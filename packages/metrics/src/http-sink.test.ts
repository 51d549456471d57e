import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RecordingReporter } from '@potions/core';
import { CircuitBreaker, downloadFile } from '@potions/downloader';
import { startFaultServer } from '@potions/downloader/testing';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HttpMetricsSink, METRICS_CONTENT_TYPE } from './http-sink';
import { MetricsRecorder } from './recorder';
import { metricsRecorderFromSettings } from './settings';
import { downloadRecord, startJsonLinesCollector } from './testing';
import type { JsonLinesCollector } from './testing';

const noWait = async (): Promise<void> => {};
const records = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => downloadRecord({ id: `${prefix}${i}` }));

let collector: JsonLinesCollector;
beforeEach(async () => {
  collector = await startJsonLinesCollector();
});
afterEach(async () => {
  await collector.close();
});

describe('HttpMetricsSink against a local endpoint', () => {
  it('POSTs JSON lines in batches, in order, with its content type and authorization', async () => {
    const sink = new HttpMetricsSink({ url: collector.url, batchSize: 100, headers: { authorization: 'Bearer t0ken' }, sleep: noWait });
    await sink.write(records(120));
    await sink.write(records(130, 's'));
    await sink.close();
    expect(collector.records.map((r) => r.id)).toEqual([...records(120).map((r) => r.id), ...records(130, 's').map((r) => r.id)]);
    expect(collector.requests.map((r) => r.lines)).toEqual([100, 100, 50]);
    expect(collector.requests.every((r) => r.method === 'POST' && r.contentType === METRICS_CONTENT_TYPE && r.authorization === 'Bearer t0ken')).toBe(true);
    expect(collector.skipped).toEqual([]);
    expect(sink.sent).toBe(250);
    expect(sink.dropped).toBe(0);
  });

  it('sends a partial batch after flushAfterMs without waiting for close', async () => {
    const sink = new HttpMetricsSink({ url: collector.url, batchSize: 100, flushAfterMs: 5 });
    await sink.write(records(3));
    for (let i = 0; i < 200 && collector.records.length < 3; i++) await new Promise((r) => setTimeout(r, 5));
    expect(collector.records).toHaveLength(3);
    await sink.close();
    expect(collector.requests).toHaveLength(1);
  });

  it('retries a 503 (honouring Retry-After) and a dropped connection, then delivers', async () => {
    const waits: number[] = [];
    collector.failNext({ kind: 'status', status: 503, retryAfter: '2' }, { kind: 'reset' });
    const sink = new HttpMetricsSink({
      url: collector.url,
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0,
    });
    await sink.write(records(5));
    await sink.close();
    expect(collector.requests.map((r) => r.status)).toEqual([503, 'reset', 204]);
    expect(waits[0]).toBe(2000);
    expect(collector.records).toHaveLength(5);
    expect(sink.requests).toBe(3);
  });

  it('drops a batch the endpoint refuses (400) without retrying, and close says so', async () => {
    collector.failNext({ kind: 'status', status: 400 });
    const sink = new HttpMetricsSink({ url: collector.url, batchSize: 2, sleep: noWait });
    await sink.write(records(3));
    await expect(sink.close()).rejects.toThrow(`2 record(s) not delivered to ${collector.url}: ${collector.url} answered HTTP 400`);
    expect(collector.requests.map((r) => r.status)).toEqual([400, 204]);
    expect(collector.records.map((r) => r.id)).toEqual(['r2']);
  });

  it('gives up on a black-holed endpoint within closeTimeoutMs', async () => {
    const hole = http.createServer(() => {});
    await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(hole.address() as AddressInfo).port}/metrics`;
      const sink = new HttpMetricsSink({ url, closeTimeoutMs: 200, timeoutMs: 60_000, sleep: noWait });
      await sink.write(records(2));
      await expect(sink.close()).rejects.toThrow(/2 record\(s\) not delivered/);
      expect(sink.dropped).toBe(2);
    } finally {
      hole.closeAllConnections();
      await new Promise((r) => hole.close(r));
    }
  });

  it('drops the oldest records beyond maxQueue', async () => {
    const sink = new HttpMetricsSink({ url: collector.url, batchSize: 1000, maxQueue: 10, sleep: noWait });
    await sink.write(records(15));
    await expect(sink.close()).rejects.toThrow(/5 record\(s\) not delivered.*more than 10 records waiting/);
    expect(collector.records.map((r) => r.id)).toEqual(records(15).slice(5).map((r) => r.id));
  });

  it('refuses an endpoint that is not http(s)', () => {
    expect(() => new HttpMetricsSink({ url: 'ftp://example.com/m' })).toThrow(expect.objectContaining({ code: 'E_METRICS_SETTINGS' }));
    expect(() => new HttpMetricsSink({ url: 'not a url' })).toThrow(expect.objectContaining({ code: 'E_METRICS_SETTINGS' }));
  });
});

describe('a download recorded to an endpoint that fails', () => {
  it('downloads, reports once, and never throws; a working endpoint receives the records', async () => {
    const server = await startFaultServer({ files: { '/f.bin': 'hello metrics' } });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-metrics-http-'));
    try {
      collector.failNext({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
      const reporter = new RecordingReporter();
      const recorder = metricsRecorderFromSettings(
        { url: collector.url, token: 's3cret' },
        { reporter, http: { attempts: 2, sleep: noWait } },
      ) as MetricsRecorder;
      const watch = recorder.watch({ artifact: 'f.bin' });
      const got = await downloadFile({ urls: [server.url('/f.bin')], dest: path.join(dir, 'f.bin'), onEvent: watch.onEvent, breaker: new CircuitBreaker() });
      watch.end();
      await recorder.close();
      expect(got.bytes).toBe(13);
      expect(reporter.secrets).toEqual(['s3cret']);
      expect(reporter.lines).toEqual([{ level: 'warn', message: expect.stringMatching(/^download metrics not recorded: 2 record\(s\) not delivered .* HTTP 500$/) }]);
      expect(collector.requests.map((r) => [r.status, r.authorization])).toEqual([
        [500, 'Bearer s3cret'],
        [500, 'Bearer s3cret'],
      ]);

      const again = metricsRecorderFromSettings({ url: collector.url }, { http: { sleep: noWait } }) as MetricsRecorder;
      const w2 = again.watch({ artifact: 'f.bin' });
      await downloadFile({ urls: [server.url('/f.bin')], dest: path.join(dir, 'g.bin'), onEvent: w2.onEvent, breaker: new CircuitBreaker() });
      w2.end();
      await again.close();
      expect(collector.records.map((r) => r.type)).toEqual(['attempt', 'download']);
    } finally {
      await server.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
