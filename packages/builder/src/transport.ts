import type { Reporter } from '@potions/core';
import { downloadFile, downloadToBuffer, type DownloadTimeouts, type DownloadRetryPolicy } from '@potions/downloader';
import type { SourceTransport } from './fetch-source';

export interface TransportOptions {
  reporter?: Reporter;
  /** Shorter timeouts make unreachable upstream hosts fail fast (tests, air-gapped mirrors). */
  timeouts?: Partial<DownloadTimeouts>;
  retry?: Partial<DownloadRetryPolicy>;
  hedgeDelayMs?: number;
}

/** The builder's network: `@potions/downloader` (mirrors in order, retries, failover, digest check, atomic placement). */
export function downloaderTransport(opts: TransportOptions = {}): SourceTransport {
  const common = { reporter: opts.reporter, timeouts: opts.timeouts, retry: opts.retry, hedgeDelayMs: opts.hedgeDelayMs };
  return {
    async downloadFile(req) {
      const res = await downloadFile({ ...common, urls: req.urls, dest: req.dest, sha256: req.sha256, label: req.label });
      return { url: res.url, sha256: res.sha256 };
    },
    async downloadBytes(req) {
      const res = await downloadToBuffer({ ...common, urls: req.urls, label: req.label });
      return { url: res.url, bytes: res.data };
    },
  };
}
