/**
 * One HTTP request with the timeouts a download needs, on node:http(s).
 *
 * Hand-written over node:http rather than fetch/undici: connect and idle
 * timeouts need the socket, and undici 8 needs Node 22.
 */
import http from 'node:http';
import https from 'node:https';
import { redactUrl } from '@potions/core';
import { DownloadErrorCode, DownloadFault, classifyError, isDestinationError } from './errors';

/** Keep-alive agents shared by every download in the process. */
const agents = {
  http: new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  https: new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

export interface OpenRequest {
  url: string;
  headers: Record<string, string>;
  connectMs: number;
  /** From sending the request to the response headers (covers a black-holed server). */
  firstByteMs: number;
  maxRedirects: number;
  signal: AbortSignal;
}

export interface OpenResponse {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Send a GET, follow redirects (bounded, loops detected) and resolve with the response headers. */
export async function openUrl(req: OpenRequest): Promise<OpenResponse> {
  const seen = new Set<string>();
  let url = req.url;
  const headers = { ...req.headers };
  for (let hops = 0; ; hops++) {
    seen.add(url);
    const res = await requestOnce(url, headers, req);
    const status = res.statusCode ?? 0;
    if (!REDIRECTS.has(status)) {
      return { url, status, statusText: res.statusMessage ?? '', headers: res.headers, body: res };
    }
    res.resume();
    const location = res.headers.location;
    if (!location) throw new DownloadFault('redirect', `HTTP ${status} redirect without a Location header`);
    let next: string;
    try {
      next = new URL(location, url).toString();
    } catch {
      throw new DownloadFault('redirect', `HTTP ${status} redirect to an invalid Location: ${redactUrl(location)}`);
    }
    if (seen.has(next)) throw new DownloadFault('redirect', `redirect loop: ${redactUrl(next)} was already visited`);
    if (hops + 1 > req.maxRedirects) {
      throw new DownloadFault('redirect', `more than ${req.maxRedirects} redirects (last to ${redactUrl(next)})`);
    }
    // Credentials stay with the origin they were meant for.
    if (new URL(next).origin !== new URL(url).origin) delete headers.authorization;
    url = next;
  }
}

function requestOnce(url: string, headers: Record<string, string>, opts: OpenRequest): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : undefined;
    if (!mod) {
      reject(new DownloadFault('unsupported', `unsupported URL scheme ${u.protocol} (only http and https)`));
      return;
    }
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    const request = mod.request(u, {
      method: 'GET',
      headers: { 'user-agent': 'potions-downloader', ...headers },
      agent: u.protocol === 'https:' ? agents.https : agents.http,
      signal: opts.signal,
    });
    const done = (): void => {
      settled = true;
      clearTimeout(firstByteTimer);
      clearTimeout(connectTimer);
    };
    const fail = (err: unknown): void => {
      if (settled) return;
      done();
      request.destroy();
      reject(classifyError(opts.signal.aborted && !isFaultLike(err) ? (opts.signal.reason ?? err) : err));
    };
    const firstByteTimer = setTimeout(
      () => fail(new DownloadFault('first-byte-timeout', `no response within ${opts.firstByteMs / 1000} s`)),
      opts.firstByteMs,
    );
    request.on('socket', (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(
        () => fail(new DownloadFault('connect-timeout', `could not connect within ${opts.connectMs / 1000} s`)),
        opts.connectMs,
      );
      socket.once('connect', () => clearTimeout(connectTimer));
    });
    request.on('response', (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      done();
      resolve(res);
    });
    request.on('error', fail);
    request.end();
  });
}

function isFaultLike(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === DownloadErrorCode.Fault;
}

/**
 * Read a response body chunk by chunk. `onChunk` returns true to stop early
 * (the socket is then closed). Throws an `idle-timeout` fault when no byte
 * arrives for `idleMs`, and a `too-slow` fault when, over any period of
 * `lowSpeed.periodMs`, fewer than `lowSpeed.bytesPerSecond` per second arrive.
 */
export async function readBody(
  body: http.IncomingMessage,
  idleMs: number,
  signal: AbortSignal,
  onChunk: (chunk: Buffer) => Promise<boolean> | boolean,
  lowSpeed?: { bytesPerSecond: number; periodMs: number },
): Promise<void> {
  const idle = setTimeout(
    () => body.destroy(new DownloadFault('idle-timeout', `no data for ${idleMs / 1000} s mid-body`)),
    idleMs,
  );
  // Written here rather than taken from a library: the rule needs the socket's body stream and our fault classes.
  let inPeriod = 0;
  const floor = lowSpeed && lowSpeed.bytesPerSecond > 0 ? (lowSpeed.bytesPerSecond * lowSpeed.periodMs) / 1000 : undefined;
  const slow =
    floor === undefined
      ? undefined
      : setInterval(() => {
          if (inPeriod < floor) {
            const seconds = lowSpeed!.periodMs / 1000;
            body.destroy(
              new DownloadFault('too-slow', `slower than ${lowSpeed!.bytesPerSecond} bytes/s: ${inPeriod} bytes in the last ${seconds} s`),
            );
          }
          inPeriod = 0;
        }, lowSpeed!.periodMs);
  const onAbort = (): void => {
    body.destroy(isFaultLike(signal.reason) ? signal.reason : new DownloadFault('aborted', 'cancelled'));
  };
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of body) {
      idle.refresh();
      inPeriod += (chunk as Buffer).length;
      if (await onChunk(chunk as Buffer)) {
        body.destroy();
        return;
      }
      idle.refresh();
    }
    // A close-delimited body that was cut short ends without an error; the caller checks the length.
  } catch (err) {
    // A failed write of the caller's is not a network fault.
    throw isDestinationError(err) ? err : classifyError(err);
  } finally {
    clearTimeout(idle);
    clearInterval(slow);
    signal.removeEventListener('abort', onAbort);
  }
}

/** Discard a response we will not read. */
export function discard(res: OpenResponse | undefined): void {
  res?.body.destroy();
}
