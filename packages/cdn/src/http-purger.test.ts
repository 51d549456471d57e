import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RecordingReporter, hasCode } from '@potions/core';
import { MANIFEST_KEY, MANIFEST_POINTER_CACHE_CONTROL } from '@potions/manifest';
import { CACHE_CONTROL_IMMUTABLE, S3MirrorTarget, artifactKey } from '@potions/mirrors';
import { startLocalMirrors, type LocalMirrors } from '@potions/local-mirrors';
import { CdnErrorCode } from './errors';
import { HttpPurger, banExpression } from './http-purger';
import { manifestEntries, purgeTargets } from './targets';
import { startVarnish, type RunningVarnish } from './testing';

const sha = (b: string): string => createHash('sha256').update(b).digest('hex');
const noSleep = { retry: { sleep: async () => undefined, attempts: 3 } };

describe('HttpPurger against a real Varnish in front of a local S3 mirror', () => {
  let root: string;
  let local: LocalMirrors;
  let mirror: S3MirrorTarget;
  let varnish: RunningVarnish;
  let baseUrl: string;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cdn-varnish-'));
    local = await startLocalMirrors({ dir: path.join(root, 'data'), count: 1 });
    mirror = new S3MirrorTarget(local.mirrors[0]!, { reporter: new RecordingReporter() });
    varnish = await startVarnish({ backend: local.mirrors[0]!.endpoint });
    // The CDN serves the bucket's keys: path-style URLs through Varnish.
    baseUrl = `${varnish.url}/${local.mirrors[0]!.bucket}`;
  });

  afterAll(async () => {
    const instance = varnish?.instanceDir;
    await varnish?.stop();
    await mirror?.close();
    await local?.close();
    await fs.rm(root, { recursive: true, force: true });
    // Nothing of this Varnish is left running.
    if (instance) {
      const left: string[] = [];
      for (const pid of await fs.readdir('/proc')) {
        if (!/^\d+$/.test(pid)) continue;
        const cmd = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
        if (cmd.includes(instance)) left.push(pid);
      }
      expect(left).toEqual([]);
    }
  });

  async function get(url: string): Promise<{ body: string; hit: boolean; age: string | null; xVarnish: string }> {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const xVarnish = res.headers.get('x-varnish') ?? '';
    // X-Varnish holds this request's id, plus the id of the request that filled the cache on a hit.
    return { body: await res.text(), hit: xVarnish.trim().split(/\s+/).length === 2, age: res.headers.get('age'), xVarnish };
  }

  /**
   * PUT, then wait until the mirror serves the new bytes: s3rver 3.7.1 answers
   * a PUT before its file is written (it resolves when the request body has
   * been read, and truncates the file in place), so about 1 GET in 250 right
   * after a PUT sees an empty file or the previous bytes. Varnish would cache that.
   */
  async function put(key: string, body: string, cacheControl: string): Promise<void> {
    await mirror.putObject(key, body, { contentType: 'application/json', cacheControl });
    for (let i = 0; i < 50; i++) {
      if ((await (await fetch(mirror.url(key))).text()) === body) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`the mirror never served the new ${key}`);
  }

  test('a cached manifest.json is served stale until PURGE, fresh after', async () => {
    await put(MANIFEST_KEY, '{"version":1}', MANIFEST_POINTER_CACHE_CONTROL);
    const url = `${baseUrl}/${MANIFEST_KEY}`;

    const first = await get(url);
    expect(first).toMatchObject({ body: '{"version":1}', hit: false, age: '0' });

    await put(MANIFEST_KEY, '{"version":2}', MANIFEST_POINTER_CACHE_CONTROL);
    const stale = await get(url);
    expect(stale.body).toBe('{"version":1}');
    expect(stale.hit).toBe(true);
    expect(stale.age).toMatch(/^\d+$/);

    const reporter = new RecordingReporter();
    const result = await new HttpPurger({ reporter, ...noSleep }).purge(purgeTargets({ baseUrl }));
    expect(result).toEqual({ purger: 'http-purge', urls: [url], prefixes: [], requests: 1, retries: 0 });

    const fresh = await get(url);
    expect(fresh).toMatchObject({ body: '{"version":2}', hit: false, age: '0' });
  });

  test('BAN drops everything under a prefix and nothing else', async () => {
    const a = artifactKey(sha('a'), 'tool-1.0+x.tar.gz');
    const b = artifactKey(sha('b'), 'tool-1.0.tar.gz');
    await put(a, 'a-old', CACHE_CONTROL_IMMUTABLE);
    await put(b, 'b-old', CACHE_CONTROL_IMMUTABLE);
    await get(`${baseUrl}/${a.replace('+', '%2B')}`);
    await get(`${baseUrl}/${b}`);
    await put(a, 'a-new', CACHE_CONTROL_IMMUTABLE);
    await put(b, 'b-new', CACHE_CONTROL_IMMUTABLE);
    expect((await get(`${baseUrl}/${b}`)).body).toBe('b-old');

    const prefix = a.slice(0, a.lastIndexOf('/') + 1);
    const targets = purgeTargets({ baseUrl, keyPrefixes: [prefix], manifest: false });
    expect(targets).toEqual({ urls: [], prefixes: [`${baseUrl}/${prefix}`] });
    const result = await new HttpPurger(noSleep).purge(targets);
    expect(result.requests).toBe(1);

    expect(await get(`${baseUrl}/${a.replace('+', '%2B')}`)).toMatchObject({ body: 'a-new', hit: false });
    expect(await get(`${baseUrl}/${b}`)).toMatchObject({ body: 'b-old', hit: true });
  });

  test('withdrawing a release purges its manifest and every file it names', async () => {
    const artifact = artifactKey(sha('jq-art'), 'jq-1.7.1-linux-amd64.tar.gz');
    const metadata = artifactKey(sha('jq-meta'), 'jq-1.7.1-linux-amd64.tar.gz.json');
    await put(MANIFEST_KEY, 'manifest-old', MANIFEST_POINTER_CACHE_CONTROL);
    await put(artifact, 'art-old', CACHE_CONTROL_IMMUTABLE);
    await put(metadata, 'meta-old', CACHE_CONTROL_IMMUTABLE);
    // The cache may hold the manifest from the test before: drop it so this test starts from a known state.
    await new HttpPurger(noSleep).purge({ urls: [`${baseUrl}/${MANIFEST_KEY}`] });
    for (const key of [MANIFEST_KEY, artifact, metadata]) await get(`${baseUrl}/${key}`);
    await put(MANIFEST_KEY, 'manifest-new', MANIFEST_POINTER_CACHE_CONTROL);
    await put(artifact, 'art-new', CACHE_CONTROL_IMMUTABLE);
    await put(metadata, 'meta-new', CACHE_CONTROL_IMMUTABLE);

    const file = (s: string, name: string) => ({ file: name, sha256: sha(s), size: 3, urls: [`https://mirror.example/${name}`] });
    const packages = {
      jq: {
        '1.7.1': {
          'linux-amd64': {
            status: 'available',
            artifacts: [{ format: 'tar.gz', ...file('jq-art', 'jq-1.7.1-linux-amd64.tar.gz') }],
            metadata: file('jq-meta', 'jq-1.7.1-linux-amd64.tar.gz.json'),
          },
          'darwin-arm64': { status: 'unavailable', reason: 'build failed' },
        },
      },
    };
    const targets = purgeTargets({ baseUrl, entries: manifestEntries(packages, { name: 'jq', version: '1.7.1' }) });
    expect(targets.urls).toEqual([`${baseUrl}/${MANIFEST_KEY}`, `${baseUrl}/${artifact}`, `${baseUrl}/${metadata}`]);
    await new HttpPurger(noSleep).purge(targets);

    expect((await get(`${baseUrl}/${MANIFEST_KEY}`)).body).toBe('manifest-new');
    expect((await get(`${baseUrl}/${artifact}`)).body).toBe('art-new');
    expect((await get(`${baseUrl}/${metadata}`)).body).toBe('meta-new');
  });

  test('the shipped VCL refuses PURGE from an address outside its ACL, and the purger says so', async () => {
    const key = 'acl/test.json';
    await put(key, 'cached', MANIFEST_POINTER_CACHE_CONTROL);
    await get(`${baseUrl}/${key}`);
    // 127.0.0.2 is this machine too, but not in the VCL's potions_purgers ACL.
    const status = await new Promise<{ code: number; reason: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: varnish.port, method: 'PURGE', path: `/${local.mirrors[0]!.bucket}/${key}`, localAddress: '127.0.0.2' },
        (res) => {
          res.resume();
          resolve({ code: res.statusCode ?? 0, reason: res.statusMessage ?? '' });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toEqual({ code: 405, reason: 'PURGE not allowed from this address' });
    expect((await get(`${baseUrl}/${key}`)).hit).toBe(true);

    // The same refusal through the purger, from a fetch bound to 127.0.0.2.
    const from2: typeof fetch = (input, init) =>
      new Promise((resolve, reject) => {
        const u = new URL(String(input));
        const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: init?.method, localAddress: '127.0.0.2' }, (res) => {
          res.resume();
          resolve(new Response(null, { status: res.statusCode, statusText: res.statusMessage }));
        });
        req.on('error', reject);
        req.end();
      });
    const err = await new HttpPurger({ fetch: from2, ...noSleep }).purge({ urls: [`${baseUrl}/${key}`] }).catch((e: unknown) => e);
    expect(hasCode(err, CdnErrorCode.PurgeRefused)).toBe(true);
    expect((err as Error).message).toContain('405 PURGE not allowed from this address');
  });

  test('a BAN without the header is refused by the VCL with 400', async () => {
    const res = await fetch(`${baseUrl}/`, { method: 'BAN' });
    expect(res.status).toBe(400);
  });
});

describe('HttpPurger against a plain HTTP server', () => {
  let server: http.Server;
  let base: string;
  const answers: number[] = [];
  const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ method: req.method, url: req.url, headers: req.headers });
      const status = answers.shift() ?? 200;
      res.writeHead(status, status === 503 ? { 'retry-after': '3' } : {});
      res.end(status === 404 ? 'not in cache' : '');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    answers.length = 0;
    seen.length = 0;
  });

  test('404 (nothing cached) counts as purged; 503 is retried after Retry-After; the key header is sent and masked', async () => {
    answers.push(404, 503, 200);
    const delays: number[] = [];
    const reporter = new RecordingReporter();
    const purger = new HttpPurger({
      reporter,
      auth: { header: 'Fastly-Key', value: 'sekrit-key' },
      retry: { sleep: async (ms) => void delays.push(ms) },
    });
    const result = await purger.purge({ urls: [`${base}/a.json`, `${base}/b.json`, `${base}/a.json`] });
    expect(result).toMatchObject({ urls: [`${base}/a.json`, `${base}/b.json`], requests: 2, retries: 1 });
    expect(delays).toEqual([3000]);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['PURGE /a.json', 'PURGE /b.json', 'PURGE /b.json']);
    expect(seen.every((s) => s.headers['fastly-key'] === 'sekrit-key')).toBe(true);
    expect(reporter.secrets).toContain('sekrit-key');
    expect(reporter.text()).not.toContain('sekrit-key');
  });

  test('405 is a refusal with a hint, not retried', async () => {
    answers.push(405);
    const err = await new HttpPurger(noSleep).purge({ urls: [`${base}/x`] }).catch((e: unknown) => e);
    expect(hasCode(err, CdnErrorCode.PurgeRefused)).toBe(true);
    expect(seen).toHaveLength(1);
  });

  test('a cache that keeps failing is reported unreachable after the attempts', async () => {
    answers.push(500, 500, 500);
    const err = await new HttpPurger(noSleep).purge({ urls: [`${base}/x`] }).catch((e: unknown) => e);
    expect(hasCode(err, CdnErrorCode.Unreachable)).toBe(true);
    expect(seen).toHaveLength(3);
  });

  test('bad targets are refused before any request', async () => {
    const err = await new HttpPurger(noSleep).purge({ urls: ['ftp://x/y'] }).catch((e: unknown) => e);
    expect(hasCode(err, CdnErrorCode.BadUrl)).toBe(true);
    const err2 = await new HttpPurger(noSleep).purge({ prefixes: [`${base}/a/?q=1`] }).catch((e: unknown) => e);
    expect(hasCode(err2, CdnErrorCode.BadUrl)).toBe(true);
    expect(seen).toHaveLength(0);
  });
});

test('banExpression anchors the path and escapes every special character', () => {
  expect(banExpression('https://c.example/p/artifacts/sha256/ab/')).toBe('^/p/artifacts/sha256/ab/');
  expect(banExpression('https://c.example/a.b+c(d)[e]$^|*/')).toBe('^/a\\.b\\+c\\(d\\)\\[e\\]\\$\\^\\|\\*/');
});
