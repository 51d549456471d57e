/**
 * Small documents (JSON, checksum lists, version pages) in memory, with the
 * same mirrors, retries, timeouts, hedging and verification as `downloadFile`.
 */
import { createHash } from 'node:crypto';
import { parseRetryAfter } from '@potions/core';
import { DownloadFault, statusFault } from './errors';
import { openUrl, readBody } from './http';
import type { OpenResponse } from './http';
import type { DigestAlgorithm, TransferOptions } from './options';
import { Transfer } from './transfer';
import type { Attempt } from './transfer';

export interface BufferOptions extends TransferOptions {
  /** Refuse bodies larger than this. Default 64 MiB. */
  maxBytes?: number;
}

export interface BufferResult {
  data: Buffer;
  /** The mirror that delivered it (credentials redacted). */
  url: string;
  sha256: string;
  digests: Partial<Record<DigestAlgorithm, string>>;
  contentType?: string;
  attempts: number;
  durationMs: number;
}

export const DEFAULT_MAX_BUFFER_BYTES = 64 * 1024 * 1024;

export async function downloadToBuffer(options: BufferOptions): Promise<BufferResult> {
  const t = new Transfer(options, options.label ?? labelFor(options.urls[0]));
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BUFFER_BYTES;
  try {
    const result = await t.retryLoop(
      () => t.pick(),
      async (m) => {
        const o = await t.hedge(
          m,
          (mm) => t.begin(mm, 0, 0),
          (a) => open(t, a),
        );
        return read(t, o, maxBytes);
      },
    );
    t.close();
    return result;
  } catch (err) {
    t.close();
    throw t.toError(err);
  }
}

/** `downloadToBuffer` decoded as UTF-8. */
export async function fetchText(options: BufferOptions): Promise<string> {
  return (await downloadToBuffer(options)).data.toString('utf8');
}

interface Opened {
  attempt: Attempt;
  res: OpenResponse;
  discard(): void;
}

async function open(t: Transfer, a: Attempt): Promise<Opened> {
  try {
    const res = await openUrl({
      url: a.mirror.url,
      headers: t.headers,
      connectMs: t.timeouts.connectMs,
      firstByteMs: t.timeouts.firstByteMs,
      maxRedirects: t.maxRedirects,
      signal: a.signal,
    });
    a.status = res.status;
    if (res.status !== 200) {
      res.body.destroy();
      throw statusFault(res.status, res.statusText, parseRetryAfter(res.headers['retry-after'], t.now));
    }
    return { attempt: a, res, discard: () => res.body.destroy() };
  } catch (err) {
    throw t.fail(a, err);
  }
}

async function read(t: Transfer, o: Opened, maxBytes: number): Promise<BufferResult> {
  const { attempt: a, res } = o;
  const chunks: Buffer[] = [];
  const limit = t.size ?? maxBytes;
  try {
    const cl = res.headers['content-length'];
    if (cl !== undefined && /^\d+$/.test(cl) && Number(cl) > limit) {
      throw new DownloadFault('integrity', `the mirror announces ${cl} bytes, more than the ${limit} expected`);
    }
    await readBody(
      res.body,
      t.timeouts.idleMs,
      a.signal,
      (chunk) => {
        a.bytes += chunk.length;
        if (a.bytes > limit) throw new DownloadFault('integrity', `the body is larger than the ${limit} bytes expected`);
        chunks.push(chunk);
        t.progressed(chunk.length);
        return false;
      },
      t.lowSpeed,
    );
    const data = Buffer.concat(chunks);
    if (t.size !== undefined && data.length !== t.size) {
      throw new DownloadFault('integrity', `got ${data.length} bytes, the pinned size is ${t.size}`);
    }
    const digests: Partial<Record<DigestAlgorithm, string>> = {};
    for (const alg of new Set<DigestAlgorithm>(['sha256', ...t.digests.keys()])) {
      digests[alg] = createHash(alg).update(data).digest('hex');
    }
    for (const [alg, want] of t.digests) {
      if (digests[alg] !== want) {
        throw new DownloadFault('integrity', `${alg} mismatch: expected ${want}, got ${digests[alg]}`);
      }
    }
    t.succeed(a);
    return {
      data,
      url: a.mirror.display,
      sha256: digests.sha256 as string,
      digests,
      contentType: res.headers['content-type'],
      attempts: t.attempts,
      durationMs: t.clock() - t.started,
    };
  } catch (err) {
    t.unprogressed(a.bytes);
    throw t.fail(a, err);
  }
}

function labelFor(url: string | undefined): string {
  if (!url) return 'download';
  try {
    return new URL(url).pathname.split('/').filter(Boolean).pop() ?? url;
  } catch {
    return url;
  }
}
