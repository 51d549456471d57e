/**
 * Stand-in for the Actions cache service: the v1 REST protocol `@actions/cache`
 * speaks when `ACTIONS_CACHE_URL` is set (GET `_apis/artifactcache/cache`
 * with keys and version, POST `caches` to reserve, PATCH `caches/<id>` with
 * `Content-Range` chunks, POST `caches/<id>` to commit, then a plain GET of
 * the archive), on 127.0.0.1 with an ephemeral port. Entries are matched as
 * the service matches them: the exact key first, then the restore keys as
 * prefixes, newest first, within the same version (paths and compression).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Entry {
  id: number;
  key: string;
  version: string;
  chunks: { start: number; bytes: Buffer }[];
  size?: number;
  committed: boolean;
  created: number;
}

export interface LocalCacheService {
  /** The value of ACTIONS_CACHE_URL (ends with /). */
  url: string;
  /** Keys committed, in order. */
  saved(): string[];
  /** Keys a restore found (hits), in order. */
  hits(): string[];
  close(): Promise<void>;
}

export async function startLocalCacheService(): Promise<LocalCacheService> {
  const entries: Entry[] = [];
  const hits: string[] = [];
  let nextId = 1;
  let seq = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const json = (status: number, value?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(value === undefined ? undefined : JSON.stringify(value));
      };
      const p = url.pathname;
      if (req.method === 'GET' && p === '/_apis/artifactcache/cache') {
        const keys = (url.searchParams.get('keys') ?? '').split(',').filter(Boolean);
        const version = url.searchParams.get('version') ?? '';
        const done = entries.filter((e) => e.committed && e.version === version).sort((a, b) => b.created - a.created);
        const [primary, ...restore] = keys;
        const found = done.find((e) => e.key === primary) ?? restore.map((k) => done.find((e) => e.key.startsWith(k))).find(Boolean);
        if (!found) return json(204);
        hits.push(found.key);
        return json(200, { cacheKey: found.key, scope: 'refs/heads/main', archiveLocation: `${base}/archive/${found.id}` });
      }
      if (req.method === 'GET' && p.startsWith('/archive/')) {
        const e = entries.find((x) => x.id === Number(p.slice('/archive/'.length)));
        if (!e) return json(404);
        const bytes = Buffer.concat(e.chunks.sort((a, b) => a.start - b.start).map((c) => c.bytes));
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) });
        return res.end(bytes);
      }
      if (req.method === 'POST' && p === '/_apis/artifactcache/caches') {
        const { key, version } = JSON.parse(body.toString('utf8')) as { key: string; version: string };
        if (entries.some((e) => e.key === key && e.version === version)) return json(409, { message: `Cache already exists. Scope: refs/heads/main, Key: ${key}, Version: ${version}` });
        const entry: Entry = { id: nextId++, key, version, chunks: [], committed: false, created: seq++ };
        entries.push(entry);
        return json(201, { cacheId: entry.id });
      }
      const m = /^\/_apis\/artifactcache\/caches\/(\d+)$/.exec(p);
      const e = m ? entries.find((x) => x.id === Number(m[1])) : undefined;
      if (m && !e) return json(404);
      if (req.method === 'PATCH' && e) {
        const range = /^bytes (\d+)-(\d+)\/\*$/.exec(req.headers['content-range'] ?? '');
        if (!range || Number(range[2]) - Number(range[1]) + 1 !== body.length) return json(400, { message: 'bad Content-Range' });
        e.chunks.push({ start: Number(range[1]), bytes: body });
        return json(204);
      }
      if (req.method === 'POST' && e) {
        const { size } = JSON.parse(body.toString('utf8')) as { size: number };
        const have = e.chunks.reduce((n, c) => n + c.bytes.length, 0);
        if (have !== size) return json(400, { message: `size ${size} but ${have} bytes uploaded` });
        e.size = size;
        e.committed = true;
        e.created = seq++;
        return json(204);
      }
      return json(404);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    saved: () => entries.filter((e) => e.committed).map((e) => e.key),
    hits: () => [...hits],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
