/**
 * Test helpers other packages may use: a proxy in front of a real S3 server
 * that counts requests, can corrupt object reads or play dead, an in-memory
 * `MirrorTarget` that honours conditional writes (s3rver ignores them), an
 * `OpenMirrors` that records whether every target it made was closed, and a
 * sync that opens and closes its targets as a composition root does.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PotionsError, silentReporter } from '@potions/core';
import type { MirrorConfig } from './config';
import { closeMirrors, openS3Mirrors, type OpenMirrors } from './opened-mirrors';
import type { LocalObject } from './plan';
import { syncToMirrors, type SyncOptions, type SyncOutcome } from './sync';
import type { ListedObject, MirrorTarget, ObjectInfo, PutObjectOptions, S3MirrorTarget, S3TargetOptions, StoredObject } from './target';
import { MirrorsErrorCode } from './errors';

export interface RequestCounts {
  put: number;
  get: number;
  head: number;
  list: number;
  post: number;
  delete: number;
}

export interface S3Proxy {
  /** `http://127.0.0.1:<port>`: use as the mirror endpoint. */
  url: string;
  port: number;
  counts: RequestCounts;
  resetCounts(): void;
  /** Flip a byte in every object GET body. */
  corruptGets: boolean;
  /** Flip a byte in every single-part object PUT body on its way to the server (Content-MD5 is dropped too, as a store that ignores it would). */
  corruptPuts: boolean;
  /** Drop `x-amz-meta-*` headers from object PUTs (the store "forgets" user metadata). */
  stripPutMetadata: boolean;
  /** Replace every ETag in listings with this value (quotes added). */
  listEtag: string | undefined;
  /** Extra headers on successful object PUT responses (e.g. `x-amz-server-side-encryption: aws:kms`). */
  putResponseHeaders: Record<string, string>;
  /** Drop every connection, as a dead server would. */
  down: boolean;
  /**
   * Answer object PUTs that carry `If-Match` / `If-None-Match: *` as S3 and R2
   * do (412 Precondition Failed when the condition does not hold), which
   * s3rver behind the proxy ignores. The check and the write are one step per
   * key (writes to a key wait for each other), as on S3.
   */
  enforceConditionalWrites: boolean;
  /**
   * Runs before each object PUT is looked at (before its condition is
   * checked): await in it to delay a write, as a slow network would. `key` is
   * the object's key within its bucket.
   */
  beforeObjectPut: ((key: string) => Promise<void> | void) | undefined;
  /** Object PUTs answered 412 by `enforceConditionalWrites`, by key. */
  readonly preconditionFailures: string[];
  close(): Promise<void>;
}

const zero = (): RequestCounts => ({ put: 0, get: 0, head: 0, list: 0, post: 0, delete: 0 });

/** Start a proxy on 127.0.0.1 (ephemeral port) that forwards to `target` (an http URL). */
export async function startS3Proxy(target: string): Promise<S3Proxy> {
  const upstream = new URL(target);
  const sockets = new Set<import('node:net').Socket>();
  const state = {
    counts: zero(),
    corruptGets: false,
    corruptPuts: false,
    stripPutMetadata: false,
    listEtag: undefined as string | undefined,
    putResponseHeaders: {} as Record<string, string>,
    down: false,
    enforceConditionalWrites: false,
    beforeObjectPut: undefined as ((key: string) => Promise<void> | void) | undefined,
    preconditionFailures: [] as string[],
  };
  /** Per object path: the end of the last conditional write, so that check-and-write is one step. */
  const keyLocks = new Map<string, Promise<void>>();
  const server = http.createServer((req, res) => {
    if (state.down) {
      req.socket.destroy();
      return;
    }
    const objectPath = new URL(req.url ?? '/', 'http://x').pathname;
    const parts = objectPath.split('/').filter(Boolean);
    if (req.method === 'PUT' && parts.length >= 2 && !req.url?.includes('uploadId=') && (state.beforeObjectPut || state.enforceConditionalWrites)) {
      // Hold the request (its body stays unread in the socket) until the hook and the condition are through.
      req.pause();
      const key = decodeURIComponent(parts.slice(1).join('/'));
      void (async () => {
        await state.beforeObjectPut?.(key);
        const ifMatch = req.headers['if-match'];
        const ifNoneMatch = req.headers['if-none-match'];
        if (!state.enforceConditionalWrites || (ifMatch === undefined && ifNoneMatch === undefined)) {
          forward(req, res);
          return;
        }
        const previous = keyLocks.get(objectPath) ?? Promise.resolve();
        let unlock!: () => void;
        const mine = new Promise<void>((r) => (unlock = r));
        keyLocks.set(objectPath, previous.then(() => mine));
        await previous;
        try {
          let current: string | undefined;
          try {
            current = await headEtag(upstream, objectPath);
          } catch (err) {
            req.resume();
            res.writeHead(502);
            res.end(String(err));
            return;
          }
          const failed = (ifNoneMatch === '*' && current !== undefined) || (ifMatch !== undefined && unquote(ifMatch) !== (current === undefined ? undefined : unquote(current)));
          if (failed) {
            state.preconditionFailures.push(key);
            req.resume();
            res.writeHead(412, { 'content-type': 'application/xml' });
            res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>');
            return;
          }
          await new Promise<void>((resolve) => {
            res.once('finish', resolve);
            res.once('close', resolve);
            forward(req, res);
          });
        } finally {
          unlock();
        }
      })();
      return;
    }
    forward(req, res);
  });
  const forward = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const pathParts = url.pathname.split('/').filter(Boolean);
    // A GET on the bucket itself is a listing (V2 has list-type=2, V1 not).
    const isList = method === 'GET' && pathParts.length === 1;
    // GetObject carries `?x-id=GetObject`; multipart and list requests have their own parameters.
    const isObject = pathParts.length >= 2 && !isList && !url.searchParams.has('uploadId') && !url.searchParams.has('uploads');
    if (isList) state.counts.list++;
    else if (method === 'PUT') state.counts.put++;
    else if (method === 'GET') state.counts.get++;
    else if (method === 'HEAD') state.counts.head++;
    else if (method === 'POST') state.counts.post++;
    else if (method === 'DELETE') state.counts.delete++;
    const isObjectPut = method === 'PUT' && isObject;
    const headers = { ...req.headers };
    if (isObjectPut && state.stripPutMetadata) for (const h of Object.keys(headers)) if (h.startsWith('x-amz-meta-')) delete headers[h];
    if (isObjectPut && state.corruptPuts) delete headers['content-md5'];
    const fwd = http.request({ host: upstream.hostname, port: upstream.port, method, path: req.url, headers }, (up) => {
      const ok = (up.statusCode ?? 0) < 300;
      if (isList && ok && state.listEtag !== undefined) {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.from(
            Buffer.concat(chunks)
              .toString('utf8')
              .replace(/<ETag>[^<]*<\/ETag>/g, `<ETag>&quot;${state.listEtag}&quot;</ETag>`),
          );
          res.writeHead(up.statusCode ?? 502, { ...up.headers, 'content-length': String(body.length) });
          res.end(body);
        });
        return;
      }
      res.writeHead(up.statusCode ?? 502, isObjectPut && ok ? { ...up.headers, ...state.putResponseHeaders } : up.headers);
      if (state.corruptGets && method === 'GET' && isObject && ok) {
        let first = true;
        up.on('data', (chunk: Buffer) => {
          if (first && chunk.length > 0) {
            chunk = Buffer.from(chunk);
            chunk[0] = chunk[0]! ^ 0xff;
            first = false;
          }
          res.write(chunk);
        });
        up.on('end', () => res.end());
      } else {
        up.pipe(res);
      }
    });
    fwd.on('error', () => res.destroy());
    if (isObjectPut && state.corruptPuts) {
      let first = true;
      req.on('data', (chunk: Buffer) => {
        if (first && chunk.length > 0) {
          chunk = Buffer.from(chunk);
          chunk[0] = chunk[0]! ^ 0xff;
          first = false;
        }
        fwd.write(chunk);
      });
      req.on('end', () => fwd.end());
    } else {
      req.pipe(fwd);
    }
  };
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get counts() {
      return state.counts;
    },
    resetCounts() {
      state.counts = zero();
    },
    get corruptGets() {
      return state.corruptGets;
    },
    set corruptGets(v: boolean) {
      state.corruptGets = v;
    },
    get corruptPuts() {
      return state.corruptPuts;
    },
    set corruptPuts(v: boolean) {
      state.corruptPuts = v;
    },
    get stripPutMetadata() {
      return state.stripPutMetadata;
    },
    set stripPutMetadata(v: boolean) {
      state.stripPutMetadata = v;
    },
    get listEtag() {
      return state.listEtag;
    },
    set listEtag(v: string | undefined) {
      state.listEtag = v;
    },
    get putResponseHeaders() {
      return state.putResponseHeaders;
    },
    set putResponseHeaders(v: Record<string, string>) {
      state.putResponseHeaders = v;
    },
    get down() {
      return state.down;
    },
    set down(v: boolean) {
      state.down = v;
      if (v) for (const s of sockets) s.destroy();
    },
    get enforceConditionalWrites() {
      return state.enforceConditionalWrites;
    },
    set enforceConditionalWrites(v: boolean) {
      state.enforceConditionalWrites = v;
    },
    get beforeObjectPut() {
      return state.beforeObjectPut;
    },
    set beforeObjectPut(v: ((key: string) => Promise<void> | void) | undefined) {
      state.beforeObjectPut = v;
    },
    get preconditionFailures() {
      return state.preconditionFailures;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const unquote = (etag: string): string => etag.replace(/^W\//, '').replace(/^"|"$/g, '');

/** The ETag of an object on the server behind the proxy (an anonymous HEAD: the local mirrors allow reads), undefined when missing. */
function headEtag(upstream: URL, objectPath: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const head = http.request(
      { host: upstream.hostname, port: upstream.port, method: 'HEAD', path: objectPath },
      (r) => {
        r.resume();
        if (r.statusCode === 404) resolve(undefined);
        else if ((r.statusCode ?? 500) < 300) resolve(String(r.headers.etag ?? ''));
        else reject(new Error(`HEAD ${objectPath}: HTTP ${r.statusCode}`));
      },
    );
    head.on('error', reject);
    head.end();
  });
}

const etagOf = (bytes: Uint8Array): string => `"${createHash('md5').update(bytes).digest('hex')}"`;

/** A `MirrorTarget` in memory, with working If-Match / If-None-Match. */
export class MemoryMirrorTarget implements MirrorTarget {
  readonly objects = new Map<string, StoredObject>();
  readonly conditionalWrites: boolean;
  /** True once `close()` was called. */
  closed = false;
  constructor(
    readonly name = 'memory',
    options: { conditionalWrites?: boolean; baseUrl?: string } = {},
  ) {
    this.conditionalWrites = options.conditionalWrites ?? true;
    this.baseUrl = options.baseUrl ?? `https://${name}.example.invalid`;
  }
  private readonly baseUrl: string;

  async putObject(key: string, body: Uint8Array | string, options: PutObjectOptions): Promise<{ etag: string }> {
    const current = this.objects.get(key);
    if (options.ifMatch !== undefined || options.ifNoneMatch !== undefined) {
      if (!this.conditionalWrites) throw new PotionsError(MirrorsErrorCode.ConditionalUnsupported, `${this.name}: no conditional writes`);
      if (options.ifNoneMatch === '*' && current) throw new PotionsError(MirrorsErrorCode.PreconditionFailed, `${this.name}: ${key} exists`);
      if (options.ifMatch !== undefined && current?.etag !== options.ifMatch) {
        throw new PotionsError(MirrorsErrorCode.PreconditionFailed, `${this.name}: ${key} changed`);
      }
    }
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
    const etag = etagOf(bytes);
    this.objects.set(key, {
      bytes,
      size: bytes.byteLength,
      etag,
      contentType: options.contentType,
      cacheControl: options.cacheControl,
      metadata: { ...options.metadata },
    });
    return { etag };
  }

  async getObject(key: string): Promise<StoredObject | undefined> {
    const o = this.objects.get(key);
    return o ? { ...o, bytes: new Uint8Array(o.bytes) } : undefined;
  }

  async headObject(key: string): Promise<ObjectInfo | undefined> {
    const o = this.objects.get(key);
    if (!o) return undefined;
    const { bytes: _bytes, ...info } = o;
    return info;
  }

  async list(prefix: string): Promise<ListedObject[]> {
    return [...this.objects]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, o]) => ({ key, size: o.size, etag: o.etag }));
  }

  url(key: string): string {
    return `${this.baseUrl}/${key}`;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** An `OpenMirrors` over `openS3Mirrors` that keeps every target it made, to check they were all closed. */
export interface RecordingOpenMirrors {
  open: OpenMirrors;
  /** Every target made, in order. */
  made: S3MirrorTarget[];
  /** The names of the targets made but not closed (empty when the caller closed them all). */
  unclosed(): string[];
}

export function recordingOpenMirrors(): RecordingOpenMirrors {
  const made: S3MirrorTarget[] = [];
  const closed = new Set<S3MirrorTarget>();
  const open: OpenMirrors = (mirrors, options) => {
    const opened = openS3Mirrors(mirrors, options);
    for (const { target } of opened) {
      if (!target) continue;
      made.push(target);
      const close = target.close.bind(target);
      target.close = async () => {
        closed.add(target);
        await close();
      };
    }
    return opened;
  };
  return { open, made, unclosed: () => made.filter((t) => !closed.has(t)).map((t) => t.name) };
}

/**
 * For tests: what a composition root does around a sync. Open `mirrors` as S3
 * targets (with the client settings in `options`), sync, and close them.
 */
export async function syncConfigured(
  objects: readonly LocalObject[],
  options: Omit<SyncOptions, 'mirrors'> & Partial<S3TargetOptions> & { mirrors: readonly MirrorConfig[] },
): Promise<SyncOutcome> {
  const { mirrors, minMirrors, dryRun, concurrency, verify, reporter = silentReporter, ...s3 } = options;
  const opened = openS3Mirrors(mirrors, { ...s3, reporter });
  try {
    return await syncToMirrors(objects, {
      mirrors: opened,
      reporter,
      ...(minMirrors !== undefined ? { minMirrors } : {}),
      ...(dryRun !== undefined ? { dryRun } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(verify !== undefined ? { verify } : {}),
    });
  } finally {
    await closeMirrors(opened);
  }
}
