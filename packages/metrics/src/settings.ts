/**
 * Whether and where download metrics are recorded: opt-in, from the
 * environment (the CLI and the actions read it; flags may override it).
 *
 *   POTIONS_METRICS        off (default) | on | file     on/file: the local file
 *   POTIONS_METRICS_FILE   a file path: record there (implies on)
 *   POTIONS_METRICS_URL    an http(s) endpoint taking JSON lines (implies on)
 *   POTIONS_METRICS_TOKEN  sent as `Authorization: Bearer <token>` to the endpoint
 *
 * With both a file and an endpoint, records go to both.
 */
import path from 'node:path';
import { UserError, redactUrl, urlSecrets } from '@potions/core';
import type { Now, Reporter } from '@potions/core';
import { MetricsErrorCode } from './errors';
import { JsonLinesFileSink } from './file-sink';
import { HttpMetricsSink } from './http-sink';
import type { HttpMetricsSinkOptions } from './http-sink';
import { MetricsRecorder } from './recorder';
import type { MetricsRecorderOptions, MetricsSink } from './recorder';
import type { MetricsRecord } from './records';

/** The default file, relative to the user's state folder. */
export const DEFAULT_METRICS_FILE = path.join('metrics', 'downloads.jsonl');

export const METRICS_ENV = {
  mode: 'POTIONS_METRICS',
  file: 'POTIONS_METRICS_FILE',
  url: 'POTIONS_METRICS_URL',
  token: 'POTIONS_METRICS_TOKEN',
} as const;

export interface MetricsSettings {
  /** Where records are appended (absent: no file). */
  file?: string;
  /** Where records are POSTed (absent: no endpoint). */
  url?: string;
  /** Bearer token for the endpoint. */
  token?: string;
}

const OFF = new Set(['', '0', 'off', 'false', 'no']);
const ON = new Set(['1', 'on', 'true', 'yes', 'file']);

/**
 * The settings the environment asks for, or undefined when metrics are off.
 * `stateDir` is the user's state folder (`defaultStateDir()` of
 * `@potions/manifest`), where the default file goes.
 */
export function metricsSettingsFromEnv(env: NodeJS.ProcessEnv, options: { stateDir: string }): MetricsSettings | undefined {
  const mode = (env[METRICS_ENV.mode] ?? '').trim().toLowerCase();
  if (!OFF.has(mode) && !ON.has(mode)) {
    throw new UserError(MetricsErrorCode.Settings, `${METRICS_ENV.mode} must be "on" or "off", got ${JSON.stringify(env[METRICS_ENV.mode])}`, {
      location: { field: METRICS_ENV.mode },
      hint: `set ${METRICS_ENV.mode}=on to record downloads in ${path.join(options.stateDir, DEFAULT_METRICS_FILE)}, or ${METRICS_ENV.url} to send them to an endpoint`,
    });
  }
  const file = env[METRICS_ENV.file]?.trim() || undefined;
  const url = env[METRICS_ENV.url]?.trim() || undefined;
  const token = env[METRICS_ENV.token]?.trim() || undefined;
  if (url !== undefined && !/^https?:\/\/[^/]/i.test(url)) {
    throw new UserError(MetricsErrorCode.Settings, `${METRICS_ENV.url} must be an http(s) URL, got ${JSON.stringify(redactUrl(url))}`, {
      location: { field: METRICS_ENV.url },
    });
  }
  if (!ON.has(mode) && file === undefined && url === undefined) return undefined;
  return {
    // A file given is relative to the working folder; the default lives in the state folder.
    ...(file !== undefined ? { file: path.resolve(file) } : url === undefined ? { file: path.join(options.stateDir, DEFAULT_METRICS_FILE) } : {}),
    ...(url !== undefined ? { url } : {}),
    ...(token !== undefined ? { token } : {}),
  };
}

/** Every record to each sink; a failing sink does not stop the others. */
class TeeSink implements MetricsSink {
  constructor(private readonly sinks: readonly MetricsSink[]) {}
  async write(records: readonly MetricsRecord[]): Promise<void> {
    const results = await Promise.allSettled(this.sinks.map((s) => s.write(records)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
  async close(): Promise<void> {
    const results = await Promise.allSettled(this.sinks.map((s) => s.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

export interface RecorderDeps extends Omit<MetricsRecorderOptions, 'sink'> {
  fetch?: typeof globalThis.fetch;
  /** File sink size cap and rotation. */
  maxBytes?: number;
  keep?: number;
  /** Endpoint batching, retries and timeouts. */
  http?: Omit<HttpMetricsSinkOptions, 'url' | 'headers' | 'fetch'>;
}

/**
 * The recorder the settings ask for (undefined when metrics are off). The
 * caller owns it: `close()` it before exiting, so that queued records are sent.
 * The token is marked secret with the reporter.
 */
export function metricsRecorderFromSettings(settings: MetricsSettings | undefined, deps: RecorderDeps = {}): MetricsRecorder | undefined {
  if (!settings || (settings.file === undefined && settings.url === undefined)) return undefined;
  const sinks: MetricsSink[] = [];
  const now: Now | undefined = deps.now;
  if (settings.file !== undefined) {
    sinks.push(
      new JsonLinesFileSink({
        file: settings.file,
        ...(deps.maxBytes !== undefined ? { maxBytes: deps.maxBytes } : {}),
        ...(deps.keep !== undefined ? { keep: deps.keep } : {}),
        ...(now ? { now } : {}),
      }),
    );
  }
  if (settings.url !== undefined) {
    const reporter: Reporter | undefined = deps.reporter;
    for (const secret of urlSecrets(settings.url)) reporter?.secret(secret);
    if (settings.token !== undefined) reporter?.secret(settings.token);
    sinks.push(
      new HttpMetricsSink({
        ...deps.http,
        url: settings.url,
        ...(settings.token !== undefined ? { headers: { authorization: `Bearer ${settings.token}` } } : {}),
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      }),
    );
  }
  const { fetch: _fetch, maxBytes: _maxBytes, keep: _keep, http: _http, ...recorder } = deps;
  return new MetricsRecorder({ ...recorder, sink: sinks.length === 1 ? sinks[0]! : new TeeSink(sinks) });
}
