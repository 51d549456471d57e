/**
 * Test helpers other packages may use (`@potions/builder/testing`): a local
 * source mirror laid out as `<host>/<path of the upstream URL>`, and a fake
 * path cache that stands in for `@actions/cache`.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTar } from '@potions/archive/testing';
import type { PathCacheClient } from './cache';

export interface SourceMirror {
  /** `http://127.0.0.1:PORT`: give it as a source mirror base. */
  base: string;
  /** Every request path, in order. */
  requests: string[];
  /** Serve `body` (a file path or bytes) for the upstream `url`, replacing what was there. */
  put(url: string, body: string | Buffer): void;
  /** Stop serving the upstream `url` (404). */
  remove(url: string): void;
  close(): Promise<void>;
}

/** Where a mirror keeps an upstream URL: `/<host>/<path>`. */
function keyOf(url: string): string {
  const u = new URL(url);
  return `/${u.host}${u.pathname}`;
}

/**
 * A plain HTTP server on 127.0.0.1 (ephemeral port) that serves upstream files
 * the way a mirror of upstream URLs does. Unknown paths are 404.
 */
export async function startSourceMirror(files: Record<string, string | Buffer> = {}): Promise<SourceMirror> {
  const table = new Map<string, string | Buffer>();
  for (const [url, body] of Object.entries(files)) table.set(keyOf(url), body);
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(p);
    const body = table.get(p);
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    void (typeof body === 'string' ? fs.readFile(body) : Promise.resolve(body)).then(
      (data) => {
        res.writeHead(200, { 'content-length': String(data.length), 'content-type': 'application/octet-stream' });
        res.end(req.method === 'HEAD' ? undefined : data);
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    put: (url, body) => table.set(keyOf(url), body),
    remove: (url) => table.delete(keyOf(url)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An in-memory stand-in for `@actions/cache`: folders saved by path, restored to the same path. */
export class FakePathCache implements PathCacheClient {
  readonly saved = new Map<string, Map<string, Buffer>>();
  readonly calls: string[] = [];

  async restoreCache(paths: string[], primaryKey: string): Promise<string | undefined> {
    this.calls.push(`restore ${primaryKey}`);
    const entry = this.saved.get(primaryKey);
    if (!entry) return undefined;
    for (const [file, data] of entry) {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, data);
    }
    void paths;
    return primaryKey;
  }

  async saveCache(paths: string[], key: string): Promise<number> {
    this.calls.push(`save ${key}`);
    const entry = new Map<string, Buffer>();
    for (const dir of paths) {
      for (const name of await fs.readdir(dir)) entry.set(path.join(dir, name), await fs.readFile(path.join(dir, name)));
    }
    this.saved.set(key, entry);
    return entry.size;
  }
}

/**
 * The smallest recipe that builds: a `custom` recipe installing one shell script,
 * `bin/hi`. Its upstream host refuses at once (port 1), so the file comes only
 * from a source mirror serving `TINY_SOURCE_TARBALL()` at `TINY_UPSTREAM`.
 */
export const TINY_UPSTREAM = 'http://127.0.0.1:1/pkg/pkg-1.0.tar.gz';
export const TINY_RECIPE = `name: pkg
version:
  source: "static:1.0"
build_type: custom
download:
  download_url: "http://127.0.0.1:1/pkg/pkg-{version}.tar.gz"
  platforms:
    linux-amd64:
    linux-arm64:
    darwin-x86_64:
    darwin-arm64:
build:
  timeout_minutes: 2
  custom_build: |
    true
  custom_install: |
    mkdir -p "$PREFIX/bin"
    cp hi "$PREFIX/bin/hi"
`;

/** `pkg-1.0/hi` (a script that prints "hi"), as the upstream `.tar.gz`. */
export function tinySourceTarball(): Buffer {
  return gzipSync(
    makeTar([
      { path: 'pkg-1.0/', type: 'Directory' },
      { path: 'pkg-1.0/hi', body: '#!/bin/sh\necho hi\n', mode: 0o755 },
    ]),
  );
}
