/**
 * Roles other packages depend on instead of the functions, so that their
 * tests can pass a fake and their composition roots one configured client.
 */
import { downloadToBuffer } from './download-buffer';
import type { BufferOptions, BufferResult } from './download-buffer';
import { downloadFile } from './download-file';
import type { DownloadOptions, DownloadResult } from './download-file';
import type { TransferOptions } from './options';

/** Gets one artifact from its mirrors into a verified file. */
export interface Fetcher {
  download(request: DownloadOptions): Promise<DownloadResult>;
}

/** Gets a small document (JSON, text) from its mirrors into memory. */
export interface DocumentFetcher {
  fetchBytes(request: BufferOptions): Promise<BufferResult>;
}

/** Settings an `HttpFetcher` applies to every request unless the request says otherwise. */
export type FetcherDefaults = Omit<Partial<TransferOptions>, 'urls' | 'sha256' | 'digests' | 'size' | 'label'> &
  Pick<Partial<DownloadOptions>, 'segments' | 'minSegmentBytes' | 'fsync'>;

/** The real client over node:http(s), with shared defaults (reporter, timeouts, breaker, events). */
export class HttpFetcher implements Fetcher, DocumentFetcher {
  constructor(private readonly defaults: FetcherDefaults = {}) {}

  download(request: DownloadOptions): Promise<DownloadResult> {
    return downloadFile({ ...this.defaults, ...request });
  }

  fetchBytes(request: BufferOptions): Promise<BufferResult> {
    return downloadToBuffer({ ...this.defaults, ...request });
  }
}
