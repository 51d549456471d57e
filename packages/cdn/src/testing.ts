/**
 * Test servers other packages may use (`@potions/cdn/testing`):
 *
 * - `startFakeCloudflare`: Cloudflare's API v4 for the calls Potions makes
 *   (purge_cache, the cache-settings phase entry point), on 127.0.0.1. It
 *   checks the documented request shapes (method, path, bearer token, JSON
 *   body fields, batch limits) and answers with the documented envelope;
 *   canned failures (429 with Retry-After, 5xx, errors) can be queued.
 *   Cloudflare itself cannot be reached from the test machines.
 * - `startVarnish`: a real `varnishd` on 127.0.0.1 (a free port) in front of
 *   a backend, with the VCL shipped in `src/testdata/potions-purge.vcl`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnExec } from '@potions/core';

// ---------------------------------------------------------------- Cloudflare

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body, or undefined. */
  body: unknown;
}

/** A canned answer for the next matching request. */
export interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  /** Raw body; default the envelope with `errors`. */
  body?: string;
  errors?: { code: number; message: string }[];
}

export interface FakeRule {
  id: string;
  version: string;
  last_updated: string;
  [field: string]: unknown;
}

export interface FakeCloudflare {
  /** The API base to use instead of https://api.cloudflare.com/client/v4. */
  apiBase: string;
  token: string;
  zoneId: string;
  /** Every request, in order. */
  requests: RecordedRequest[];
  /** Accepted purge bodies, in order. */
  purges: { files?: string[]; prefixes?: string[] }[];
  /** The cache-settings entry point, undefined until written. */
  ruleset: { id: string; version: string; rules: FakeRule[] } | undefined;
  /** Successful writes of the entry point. */
  rulesetWrites: number;
  /** Answer the next requests with these, in order, before any check. */
  failNext(...responses: CannedResponse[]): void;
  close(): Promise<void>;
}

export interface FakeCloudflareOptions {
  token?: string;
  zoneId?: string;
  /** URLs or prefixes per purge request. Default 30 (the documented prefix limit). */
  maxPerRequest?: number;
}

const PURGE_KEYS = ['files', 'prefixes', 'hosts', 'tags', 'purge_everything'] as const;
const RULE_FIELDS = new Set(['id', 'ref', 'description', 'expression', 'action', 'action_parameters', 'enabled', 'logging']);
const CACHE_PARAMS = new Set(['cache', 'edge_ttl', 'browser_ttl', 'cache_key', 'serve_stale', 'respect_strong_etags', 'origin_error_page_passthru', 'cache_reserve', 'read_timeout']);
const EDGE_MODES = new Set(['respect_origin', 'bypass_by_default', 'override_origin']);

export async function startFakeCloudflare(options: FakeCloudflareOptions = {}): Promise<FakeCloudflare> {
  const token = options.token ?? `cf-${randomBytes(12).toString('hex')}`;
  const zoneId = options.zoneId ?? randomBytes(16).toString('hex');
  const max = options.maxPerRequest ?? 30;
  const canned: CannedResponse[] = [];
  let nextId = 1;
  const state: Omit<FakeCloudflare, 'apiBase' | 'failNext' | 'close'> = {
    token,
    zoneId,
    requests: [],
    purges: [],
    ruleset: undefined,
    rulesetWrites: 0,
  };

  const envelope = (success: boolean, result: unknown, errors: { code: number; message: string }[] = []): string =>
    JSON.stringify({ success, errors, messages: [], result });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      state.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const send = (status: number, text: string, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(text);
      };
      const fail = (status: number, code: number, message: string): void => send(status, envelope(false, null, [{ code, message }]));

      const next = canned.shift();
      if (next) {
        send(next.status, next.body ?? envelope(false, null, next.errors ?? [{ code: 10000 + next.status, message: `canned ${next.status}` }]), next.headers);
        return;
      }
      if (req.headers.authorization !== `Bearer ${token}`) return fail(403, 10000, 'Authentication error');
      const url = new URL(req.url ?? '/', 'http://x');
      const m = /^\/client\/v4\/zones\/([^/]+)\/(purge_cache|rulesets\/phases\/([a-z_]+)\/entrypoint)$/.exec(url.pathname);
      if (!m) return fail(404, 7003, 'Could not route to the requested path');
      if (m[1] !== zoneId) return fail(404, 7003, 'Could not route to /zones/' + m[1] + ': the zone does not exist');
      const jsonBody = req.method === 'GET' || (req.headers['content-type'] ?? '').startsWith('application/json');
      if (!jsonBody) return fail(400, 6003, 'Invalid request headers: Content-Type must be application/json');
      if (raw && body === undefined) return fail(400, 6007, 'Malformed JSON in request body');

      if (m[2] === 'purge_cache') {
        if (req.method !== 'POST') return fail(405, 10405, 'Method not allowed');
        const doc = (body ?? {}) as Record<string, unknown>;
        const kinds = PURGE_KEYS.filter((k) => k in doc);
        const unknown = Object.keys(doc).filter((k) => !(PURGE_KEYS as readonly string[]).includes(k));
        if (unknown.length || kinds.length !== 1) {
          return fail(400, 1012, 'Request must contain one of "purge_everything", "files", "tags", "hosts" or "prefixes"');
        }
        const kind = kinds[0]!;
        if (kind !== 'files' && kind !== 'prefixes') return fail(400, 1012, `the fake does not implement ${kind}`);
        const list = doc[kind];
        if (!Array.isArray(list) || list.length === 0) return fail(400, 1013, `${kind} must be a non-empty array`);
        if (list.length > max) return fail(400, 1014, `Request exceeds the limit of ${max} ${kind} per request`);
        for (const item of list) {
          const value = typeof item === 'object' && item !== null && kind === 'files' ? (item as { url?: unknown }).url : item;
          if (typeof value !== 'string') return fail(400, 1015, `${kind} entries must be strings`);
          if (kind === 'files' && !/^https?:\/\//.test(value)) return fail(400, 1015, `Invalid url: ${value}`);
          if (kind === 'prefixes' && (/^[a-z]+:\/\//i.test(value) || value.includes('?') || value.includes('#'))) {
            return fail(400, 1016, `Invalid prefix (no scheme, query or fragment): ${value}`);
          }
        }
        state.purges.push({ [kind]: list as string[] });
        return send(200, envelope(true, { id: randomBytes(16).toString('hex') }));
      }

      if (m[3] !== 'http_request_cache_settings') return fail(400, 20101, `the fake only implements http_request_cache_settings, not ${m[3]}`);
      const view = (): unknown => ({ ...state.ruleset, name: 'default', kind: 'zone', phase: 'http_request_cache_settings', last_updated: '2026-01-01T00:00:00Z' });
      if (req.method === 'GET') {
        if (!state.ruleset) return fail(404, 10003, 'could not find entrypoint ruleset in the http_request_cache_settings phase');
        return send(200, envelope(true, view()));
      }
      if (req.method !== 'PUT') return fail(405, 10405, 'Method not allowed');
      const doc = body as { rules?: unknown } | undefined;
      if (!doc || !Array.isArray(doc.rules)) return fail(400, 20021, "'rules' must be an array");
      const previous = new Map((state.ruleset?.rules ?? []).map((r) => [r.id, r]));
      const rules: FakeRule[] = [];
      for (const [i, r] of (doc.rules as Record<string, unknown>[]).entries()) {
        const problem = checkRule(r, previous);
        if (problem) return fail(400, 20021, `rules[${i}]: ${problem}`);
        const id = typeof r.id === 'string' ? r.id : `rule${nextId++}`;
        rules.push({ ...r, ref: (r.ref as string | undefined) ?? id, id, version: '1', last_updated: '2026-01-01T00:00:00Z' });
      }
      const version = String(Number(state.ruleset?.version ?? '0') + 1);
      state.ruleset = { id: state.ruleset?.id ?? randomBytes(16).toString('hex'), version, rules };
      state.rulesetWrites++;
      return send(200, envelope(true, view()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    apiBase: `http://127.0.0.1:${port}/client/v4`,
    failNext: (...responses: CannedResponse[]) => void canned.push(...responses),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** What the Rulesets API refuses in a cache rule; undefined when it is fine. */
function checkRule(r: Record<string, unknown>, previous: Map<string, FakeRule>): string | undefined {
  if (typeof r !== 'object' || r === null) return 'a rule must be an object';
  const extra = Object.keys(r).filter((k) => !RULE_FIELDS.has(k));
  if (extra.length) return `unknown or read-only fields: ${extra.join(', ')}`;
  if (r.id !== undefined && !previous.has(r.id as string)) return `no rule with id ${String(r.id)} in this ruleset`;
  if (typeof r.expression !== 'string' || !r.expression) return "'expression' is required";
  if (r.action !== 'set_cache_settings') return "the http_request_cache_settings phase only takes the action 'set_cache_settings'";
  const p = r.action_parameters as Record<string, unknown> | undefined;
  if (typeof p !== 'object' || p === null) return "'action_parameters' is required";
  const unknownParams = Object.keys(p).filter((k) => !CACHE_PARAMS.has(k));
  if (unknownParams.length) return `unknown action_parameters: ${unknownParams.join(', ')}`;
  if (p.cache !== undefined && typeof p.cache !== 'boolean') return "'cache' must be a boolean";
  for (const name of ['edge_ttl', 'browser_ttl'] as const) {
    const ttl = p[name] as { mode?: unknown; default?: unknown } | undefined;
    if (ttl === undefined) continue;
    if (typeof ttl.mode !== 'string' || !EDGE_MODES.has(ttl.mode)) return `${name}.mode must be one of ${[...EDGE_MODES].join(', ')}`;
    if (ttl.mode === 'override_origin' && !(Number.isInteger(ttl.default) && (ttl.default as number) > 0)) {
      return `${name}.default must be a positive integer with override_origin`;
    }
    if (ttl.mode !== 'override_origin' && ttl.default !== undefined) return `${name}.default is only allowed with override_origin`;
  }
  if (r.enabled !== undefined && typeof r.enabled !== 'boolean') return "'enabled' must be a boolean";
  return undefined;
}

// ---------------------------------------------------------------- Varnish

/** The VCL shipped for `http-purge` caches (PURGE and BAN from localhost). */
export const POTIONS_PURGE_VCL = fileURLToPath(new URL('./testdata/potions-purge.vcl', import.meta.url));

export interface VarnishOptions {
  /** The backend's http URL (scheme, host and port; the path is ignored). */
  backend: string;
  /** The VCL file. Default POTIONS_PURGE_VCL; it may `include "potions-backend.vcl"`, which is written for `backend`. */
  vcl?: string;
  /** Default `/usr/sbin/varnishd`, or `varnishd` on PATH. */
  varnishd?: string;
  /** Give up waiting for Varnish to listen after this long. Default 30 s. */
  startTimeoutMs?: number;
}

export interface RunningVarnish {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** The instance folder (`-n`): every process of this Varnish names it on its command line. */
  instanceDir: string;
  /** The manager's process id. */
  pid: number;
  /** Stop it, wait until every process of this instance is gone, remove its folder. */
  stop(): Promise<void>;
}

/**
 * Start Varnish in the foreground (`-F`) as its own process group, without a
 * jail (`-j none`, so it runs as root or not), with its working directory,
 * listen address and admin port all private to this call (`-a`/`-T` on port 0,
 * the port read back with `varnishadm debug.listen_address`).
 */
export async function startVarnish(options: VarnishOptions): Promise<RunningVarnish> {
  const varnishd = options.varnishd ?? (await firstExisting(['/usr/sbin/varnishd', '/usr/local/sbin/varnishd'])) ?? 'varnishd';
  const varnishadm = path.join(path.dirname(varnishd), '..', 'bin', 'varnishadm');
  const adm = (await firstExisting([varnishadm, '/usr/bin/varnishadm'])) ?? 'varnishadm';
  const vcl = options.vcl ?? POTIONS_PURGE_VCL;
  const backend = new URL(options.backend);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-varnish-'));
  const instanceDir = path.join(root, 'instance');
  await fs.writeFile(
    path.join(root, 'potions-backend.vcl'),
    `backend default {\n    .host = "${backend.hostname}";\n    .port = "${backend.port || (backend.protocol === 'https:' ? '443' : '80')}";\n}\n`,
  );
  // Not `Exec`: that runs a program to its end; this one must keep running until stop().
  const child: ChildProcess = spawn(
    varnishd,
    [
      '-F',
      '-j', 'none',
      '-n', instanceDir,
      '-a', '127.0.0.1:0',
      '-T', '127.0.0.1:0',
      '-p', `vcl_path=${root}:${path.dirname(vcl)}`,
      '-f', vcl,
      '-s', 'malloc,32m',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));

  const stop = async (): Promise<void> => {
    if (!exited && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 10_000);
      await exit;
      clearTimeout(timer);
    }
    const left = await processesNaming(instanceDir);
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await fs.rm(root, { recursive: true, force: true });
    if (left.length) throw new Error(`varnishd processes ${left.join(', ')} outlived stop() and were killed`);
  };

  try {
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    for (;;) {
      if (exited) throw new Error(`varnishd exited at start:\n${output}`);
      const res = await spawnExec({
        argv: [adm, '-n', instanceDir, '-t', '2', 'debug.listen_address'],
        cwd: root,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        timeoutMs: 5000,
      });
      const m = /127\.0\.0\.1 (\d+)/.exec(res.tail);
      if (res.exitCode === 0 && m) {
        const port = Number(m[1]);
        return { url: `http://127.0.0.1:${port}`, port, instanceDir, pid: child.pid!, stop };
      }
      if (Date.now() > deadline) throw new Error(`varnishd did not start listening in time:\n${output}\n${res.tail}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** Process ids whose command line names `dir` (this instance's varnishd manager and child). */
async function processesNaming(dir: string): Promise<number[]> {
  const out: number[] = [];
  for (const name of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await fs.readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').includes(dir)) out.push(Number(name));
  }
  return out;
}

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const p of paths) {
    try {
      await fs.access(p);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}
