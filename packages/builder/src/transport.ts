import { hasCode, redactUrl, type Reporter } from '@potions/core';
import {
  DownloadError,
  downloadFile,
  downloadToBuffer,
  type DownloadTimeouts,
  type DownloadRetryPolicy,
  type MirrorReport,
} from '@potions/downloader';
import type { SourceTransport } from './fetch-source';

export interface TransportOptions {
  reporter?: Reporter;
  /** Shorter timeouts make unreachable upstream hosts fail fast (tests, air-gapped mirrors). */
  timeouts?: Partial<DownloadTimeouts>;
  retry?: Partial<DownloadRetryPolicy>;
  hedgeDelayMs?: number;
}

/**
 * What to do about a download that no location answered, in the words of a
 * build (not of `potions download`). The CLI and the action recognise this
 * hint and name their own way to give a source mirror.
 */
export const BUILD_DOWNLOAD_HINT = "check the recipe's URLs, or give a source mirror that has the file (POTIONS_SOURCE_MIRRORS)";

/**
 * A download failure as a build reports it: every URL redacted (a source
 * mirror may carry credentials), and, unless a location served wrong bytes,
 * a hint that names what a build can change. The downloader's own hint talks
 * about `potions download` options a build does not have.
 */
export function buildDownloadError(err: unknown, urls: readonly string[]): unknown {
  if (!hasCode(err, 'E_DOWNLOAD_FAILED')) return err;
  const e = err as DownloadError;
  const redact = (text: string): string => urls.reduce((t, u) => (u === redactUrl(u) ? t : t.split(u).join(redactUrl(u))), text);
  const mirrors: MirrorReport[] = (e.mirrors ?? []).map((m) => ({ ...m, url: redactUrl(m.url), ...(m.error ? { error: redact(m.error) } : {}) }));
  const integrity = mirrors.some((m) => m.errorClass === 'integrity');
  const out = new DownloadError(redact(e.message), {
    mirrors,
    attempts: e.attempts,
    elapsedMs: e.elapsedMs,
    hint: integrity ? e.hint : BUILD_DOWNLOAD_HINT,
    cause: e.cause,
  });
  // Any other field of the downloader's report stays as it was.
  for (const key of Object.keys(e)) {
    if (!Object.prototype.hasOwnProperty.call(out, key)) (out as unknown as Record<string, unknown>)[key] = (e as unknown as Record<string, unknown>)[key];
  }
  return out;
}

/** The builder's network: `@potions/downloader` (mirrors in order, retries, failover, digest check, atomic placement). */
export function downloaderTransport(opts: TransportOptions = {}): SourceTransport {
  const common = { reporter: opts.reporter, timeouts: opts.timeouts, retry: opts.retry, hedgeDelayMs: opts.hedgeDelayMs };
  return {
    async downloadFile(req) {
      try {
        const res = await downloadFile({ ...common, urls: req.urls, dest: req.dest, sha256: req.sha256, label: req.label });
        return { url: res.url, sha256: res.sha256 };
      } catch (err) {
        throw buildDownloadError(err, req.urls);
      }
    },
    async downloadBytes(req) {
      try {
        const res = await downloadToBuffer({ ...common, urls: req.urls, label: req.label });
        return { url: res.url, bytes: res.data };
      } catch (err) {
        throw buildDownloadError(err, req.urls);
      }
    },
  };
}
