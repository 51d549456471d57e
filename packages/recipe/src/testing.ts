/**
 * A real HTTP server on 127.0.0.1 that answers like the GitHub REST API
 * (releases and tags, 100 per page with `Link: <...>; rel="next"`) and serves
 * HTML directory listings. The GitHub API cannot be reached from the test
 * machines, so this server checks the documented request and response shapes
 * (docs.github.com/rest/releases/releases#list-releases, .../repos#list-repository-tags).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRelease {
  tag_name: string;
  draft?: boolean;
  prerelease?: boolean;
}

export interface FakeVersionServerOptions {
  /** owner/repo -> releases, newest first as GitHub returns them. */
  releases?: Record<string, FakeRelease[]>;
  /** owner/repo -> tag names. */
  tags?: Record<string, string[]>;
  /** path -> HTML or text body. */
  pages?: Record<string, string>;
  /** Items per page (GitHub: per_page, at most 100). Default: the per_page asked for. */
  pageSize?: number;
  /** path (without query) -> statuses to answer first, e.g. [429, 503]; then the real answer. */
  failFirst?: Record<string, { status: number; headers?: Record<string, string> }[]>;
}

export interface RecordedRequest {
  method: string;
  url: string;
  authorization?: string;
  accept?: string;
}

export interface FakeVersionServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeVersionServer(options: FakeVersionServerOptions): Promise<FakeVersionServer> {
  const requests: RecordedRequest[] = [];
  const failures = new Map(Object.entries(options.failFirst ?? {}).map(([k, v]) => [k, [...v]]));
  let base = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    requests.push({ method: req.method ?? 'GET', url: url.pathname + url.search, authorization: req.headers.authorization, accept: req.headers.accept });
    const fail = failures.get(url.pathname)?.shift();
    if (fail) {
      res.writeHead(fail.status, { 'content-type': 'application/json', ...fail.headers });
      res.end(JSON.stringify({ message: 'fake failure' }));
      return;
    }
    const m = url.pathname.match(/^\/repos\/([^/]+\/[^/]+)\/(releases|tags)$/);
    if (m) {
      const repo = m[1] as string;
      const all: unknown[] =
        m[2] === 'releases'
          ? (options.releases?.[repo] ?? []).map((r, i) => ({ id: i + 1, tag_name: r.tag_name, name: r.tag_name, draft: r.draft ?? false, prerelease: r.prerelease ?? false }))
          : (options.tags?.[repo] ?? []).map((t) => ({ name: t, commit: { sha: '0'.repeat(40) } }));
      if (!options.releases?.[repo] && !options.tags?.[repo]) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Not Found' }));
        return;
      }
      const perPage = options.pageSize ?? Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const items = all.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
      if (page * perPage < all.length) {
        const next = new URL(url.toString());
        next.searchParams.set('page', String(page + 1));
        const last = new URL(url.toString());
        last.searchParams.set('page', String(Math.ceil(all.length / perPage)));
        headers.link = `<${next.toString()}>; rel="next", <${last.toString()}>; rel="last"`;
      }
      res.writeHead(200, headers);
      res.end(JSON.stringify(items));
      return;
    }
    const page = options.pages?.[url.pathname];
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** An Apache-style directory listing, as served by ftp mirrors. */
export function directoryListing(names: readonly string[]): string {
  const rows = names.map((n) => `<a href="${n}">${n}</a>                2024-01-01 00:00  1.0M`).join('\n');
  return `<html><head><title>Index of /</title></head><body><h1>Index of /</h1><pre>\n${rows}\n</pre></body></html>\n`;
}
