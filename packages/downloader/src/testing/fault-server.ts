/**
 * A real HTTP file server on 127.0.0.1 that misbehaves on request: for the
 * downloader's tests, and a plain static mirror for other packages' tests.
 *
 *   const server = await startFaultServer({ files: { '/a.tar.gz': bytes } });
 *   server.url('/a.tar.gz');                       // http://127.0.0.1:PORT/a.tar.gz
 *   server.setFaults([{ probability: 0.3, fault: [{ kind: 'status', status: 503 }, { kind: 'reset-mid' }] }]);
 *   server.requests;                               // what clients asked for, with Range / If-Range
 *   await server.close();
 *
 * Faults are chosen per request, by rule order, with a seeded RNG so that a
 * failing run can be replayed.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export type ServerFault =
  /** Answer with this status (and Retry-After when given), no file. */
  | { kind: 'status'; status: number; retryAfter?: string }
  /** Reset the connection (RST) before any response. */
  | { kind: 'reset-before' }
  /** Send the headers and half the body, then reset the connection. */
  | { kind: 'reset-mid' }
  /** Send the headers and half the body, then close the connection cleanly (FIN). */
  | { kind: 'truncate' }
  /** Send the headers and half the body, then nothing, keeping the connection open. */
  | { kind: 'stall' }
  /** Send the whole body with one byte flipped. */
  | { kind: 'corrupt' }
  /** Claim `extra` (default 1000) more bytes in Content-Length than are sent, then close. */
  | { kind: 'lie-length'; extra?: number }
  /** Answer 200 with the whole file even to a Range request. */
  | { kind: 'ignore-range' }
  /** Answer 206 with a different range than the one asked for (honestly labelled in Content-Range). */
  | { kind: 'wrong-range' }
  /** 302 to the same file under another path (served without faults). */
  | { kind: 'redirect' }
  /** 302 into an endless two-step loop. */
  | { kind: 'redirect-loop' }
  /** Accept the request and never answer. */
  | { kind: 'black-hole' }
  /** Serve the body at this rate, in pieces of a tenth of a second's worth (at least a byte: 0.2 is 1 byte every 5 s). */
  | { kind: 'slow'; bytesPerSecond: number };

export type ServerFaultKind = ServerFault['kind'];

export interface FaultRule {
  /** Which request paths (the file path, e.g. `/a.bin`). Default: all. */
  path?: string | RegExp;
  /** Chance that the rule fires for a matching request. Default 1. */
  probability?: number;
  /** Fire at most this many times. Default: no limit. */
  times?: number;
  /** Only requests with a Range header. */
  onlyRanges?: boolean;
  /** The fault, or a list to pick from at random. */
  fault: ServerFault | readonly ServerFault[];
}

export interface FaultServerOptions {
  /** Files by URL path (`/dir/name`). */
  files?: Record<string, string | Uint8Array>;
  /** A directory served below `/` (after `files`). */
  root?: string;
  faults?: FaultRule[];
  /** RNG seed for probabilistic faults. Default 1. */
  seed?: number;
  /** Per-response (so per-connection) rate limit, bytes per second. Default: none. */
  bytesPerSecond?: number;
  /** Answer Range requests. Default true. */
  ranges?: boolean;
  /** Send ETag / Last-Modified. Default true. */
  etag?: boolean;
  lastModified?: boolean;
}

export interface RequestLogEntry {
  method: string;
  /** The request path as sent. */
  path: string;
  /** The file it refers to (redirect prefixes removed). */
  file: string;
  range?: string;
  ifRange?: string;
  /** The Authorization header as received (basic auth from a URL's user info arrives here). */
  authorization?: string;
  status?: number;
  fault?: ServerFaultKind;
  /** When the request arrived, in elapsed ms (`performance.now()`): for ordering, not a date. */
  at: number;
}

export interface FaultServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  url(filePath: string): string;
  readonly requests: RequestLogEntry[];
  /** Requests for one file path. */
  requestsFor(filePath: string): RequestLogEntry[];
  setFile(filePath: string, data: string | Uint8Array): void;
  removeFile(filePath: string): void;
  setFaults(rules: FaultRule[]): void;
  /** Stop misbehaving and log nothing more of the past. */
  reset(): void;
  close(): Promise<void>;
}

/** A small seeded PRNG (mulberry32), for reproducible fault choices. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Served {
  data: Buffer;
  etag: string;
  lastModified: string;
}

const CHUNK = 64 * 1024;

export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const files = new Map<string, Served>();
  const random = mulberry32(options.seed ?? 1);
  let rules: { rule: FaultRule; left: number }[] = [];
  const requests: RequestLogEntry[] = [];
  const ranges = options.ranges ?? true;

  const served = (data: string | Uint8Array, mtime = new Date()): Served => {
    const buf = Buffer.from(data);
    return {
      data: buf,
      etag: `"${createHash('sha256').update(buf).digest('hex').slice(0, 20)}"`,
      lastModified: new Date(Math.floor(mtime.getTime() / 1000) * 1000).toUTCString(),
    };
  };
  const setFaults = (list: FaultRule[]): void => {
    rules = list.map((rule) => ({ rule, left: rule.times ?? Infinity }));
  };
  for (const [p, d] of Object.entries(options.files ?? {})) files.set(p, served(d));
  setFaults(options.faults ?? []);

  const load = async (p: string): Promise<Served | undefined> => {
    const known = files.get(p);
    if (known) return known;
    if (!options.root) return undefined;
    const full = path.resolve(options.root, `.${p}`);
    if (!full.startsWith(path.resolve(options.root) + path.sep)) return undefined;
    try {
      const [data, st] = await Promise.all([fs.readFile(full), fs.stat(full)]);
      return served(data, st.mtime);
    } catch {
      return undefined;
    }
  };

  const choose = (file: string, hasRange: boolean): ServerFault | undefined => {
    for (const r of rules) {
      const { rule } = r;
      if (r.left <= 0) continue;
      if (rule.path !== undefined && (typeof rule.path === 'string' ? rule.path !== file : !rule.path.test(file))) {
        continue;
      }
      if (rule.onlyRanges && !hasRange) continue;
      if ((rule.probability ?? 1) < 1 && random() >= (rule.probability ?? 1)) continue;
      r.left--;
      const list = Array.isArray(rule.fault) ? (rule.fault as readonly ServerFault[]) : [rule.fault as ServerFault];
      return list[Math.floor(random() * list.length)];
    }
    return undefined;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let file = decodeURIComponent(url.pathname);
    const range = req.headers.range;
    const ifRange = typeof req.headers['if-range'] === 'string' ? req.headers['if-range'] : undefined;
    const authorization = req.headers.authorization;
    const entry: RequestLogEntry = { method: req.method ?? 'GET', path: url.pathname, file, range, ifRange, authorization, at: performance.now() };
    const loop = /^\/__loop\/([12])(\/.*)$/.exec(file);
    if (loop) {
      entry.file = loop[2] as string;
      entry.status = 302;
      requests.push(entry);
      res.writeHead(302, { location: `/__loop/${loop[1] === '1' ? 2 : 1}${loop[2]}`, 'content-length': 0 });
      res.end();
      return;
    }
    const redirected = file.startsWith('/__redirect/');
    if (redirected) file = entry.file = file.slice('/__redirect'.length);
    requests.push(entry);
    const fault = redirected ? undefined : choose(file, range !== undefined);
    entry.fault = fault?.kind;
    switch (fault?.kind) {
      case 'black-hole':
        return;
      case 'reset-before':
        req.socket.resetAndDestroy();
        return;
      case 'status': {
        entry.status = fault.status;
        const headers: Record<string, string> = { 'content-type': 'text/plain' };
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        res.writeHead(fault.status, headers);
        res.end(`injected fault: HTTP ${fault.status}\n`);
        return;
      }
      case 'redirect':
      case 'redirect-loop':
        entry.status = 302;
        res.writeHead(302, {
          location: fault.kind === 'redirect' ? `/__redirect${file}` : `/__loop/1${file}`,
          'content-length': 0,
        });
        res.end();
        return;
      default:
    }
    const f = await load(file);
    if (!f) {
      entry.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    const size = f.data.length;
    let start = 0;
    let end = size - 1;
    let partial = false;
    const validatorOk = ifRange === undefined || ifRange === f.etag || ifRange === f.lastModified;
    if (ranges && range !== undefined && fault?.kind !== 'ignore-range' && validatorOk) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (m && (m[1] !== '' || m[2] !== '')) {
        if (m[1] === '') {
          start = Math.max(0, size - Number(m[2]));
        } else {
          start = Number(m[1]);
          if (m[2] !== '') end = Math.min(end, Number(m[2]));
        }
        if (start >= size || start > end) {
          entry.status = 416;
          res.writeHead(416, { 'content-range': `bytes */${size}` });
          res.end();
          return;
        }
        partial = true;
      }
    }
    if (fault?.kind === 'wrong-range' && size >= 2) {
      partial = true;
      start = start + 1 <= end ? start + 1 : Math.max(0, start - 1);
    }
    let body = f.data.subarray(start, end + 1);
    if (fault?.kind === 'corrupt' && body.length > 0) {
      body = Buffer.from(body);
      const i = Math.floor(body.length / 2);
      body[i] = (body[i] as number) ^ 0xff;
    }
    const headers: Record<string, string | number> = {
      'content-type': 'application/octet-stream',
      'content-length': body.length + (fault?.kind === 'lie-length' ? (fault.extra ?? 1000) : 0),
    };
    if (ranges) headers['accept-ranges'] = 'bytes';
    if (options.etag ?? true) headers.etag = f.etag;
    if (options.lastModified ?? true) headers['last-modified'] = f.lastModified;
    if (partial) headers['content-range'] = `bytes ${start}-${end}/${size}`;
    entry.status = partial ? 206 : 200;
    res.writeHead(entry.status, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const half = Math.floor(body.length / 2);
    const rate = fault?.kind === 'slow' ? fault.bytesPerSecond : options.bytesPerSecond;
    switch (fault?.kind) {
      case 'reset-mid':
        await send(res, body.subarray(0, half), rate);
        res.socket?.resetAndDestroy();
        return;
      case 'truncate':
        await send(res, body.subarray(0, half), rate);
        res.socket?.end();
        return;
      case 'stall':
        await send(res, body.subarray(0, half), rate);
        return;
      case 'lie-length':
        await send(res, body, rate);
        res.socket?.end();
        return;
      default:
        await send(res, body, rate);
        res.end();
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    url: (p) => `${origin}${p.startsWith('/') ? '' : '/'}${p}`,
    requests,
    requestsFor: (p) => requests.filter((r) => r.file === p),
    setFile: (p, d) => void files.set(p, served(d)),
    removeFile: (p) => void files.delete(p),
    setFaults,
    reset: () => {
      setFaults([]);
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Write `body`, respecting backpressure and an optional rate; resolves once it is handed to the kernel. */
async function send(res: http.ServerResponse, body: Buffer, bytesPerSecond: number | undefined): Promise<void> {
  const started = performance.now();
  // With a rate, pieces of about a tenth of a second's worth: a slow small file trickles too (1 byte every 5 s at 0.2).
  const pieceSize = bytesPerSecond ? Math.max(1, Math.min(CHUNK, Math.floor(bytesPerSecond / 10))) : CHUNK;
  let sent = 0;
  while (sent < body.length) {
    // Stop only when the client went away. `res.socket` is null while a response waits
    // behind another on a kept-alive connection: its writes are buffered, not lost.
    if (res.destroyed || res.socket?.destroyed === true) return;
    const piece = body.subarray(sent, Math.min(body.length, sent + pieceSize));
    sent += piece.length;
    const last = sent >= body.length;
    await new Promise<void>((resolve) => {
      const ok = res.write(piece, () => {
        if (last) resolve();
      });
      if (!last) {
        if (ok) resolve();
        else {
          const done = (): void => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.once('drain', done);
          res.once('close', done);
        }
      }
      if (last) res.once('close', () => resolve());
    });
    if (bytesPerSecond) {
      const wait = started + (sent / bytesPerSecond) * 1000 - performance.now();
      // unref: a client that went away must not keep the process alive until the next piece is due.
      if (wait > 0) await new Promise((r) => setTimeout(r, wait).unref());
    }
  }
}
