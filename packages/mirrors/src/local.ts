/**
 * Embedded S3-protocol mirrors (s3rver) on 127.0.0.1, with their data in a
 * folder so it persists between runs. `potions release` uses them when no
 * configuration is given; `potions mirrors serve` keeps them running.
 * Anonymous GETs are allowed, so the objects' URLs work in a browser or curl.
 */
import { promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { PotionsError, UserError, errorMessage, writeFileAtomic } from '@potions/core';
import { loadMirrorsConfig, type MirrorConfig, type MirrorsConfig } from './config';
import { s3ClientFor } from './client';

/** s3rver's fixed credentials. Not secret: they only open a local test server. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_BUCKET = 'potions';
/** The ports `potions mirrors serve` uses. */
export const DEFAULT_LOCAL_PORTS = [4568, 4569] as const;

export interface LocalMirrorsOptions {
  /** Data folder; each mirror keeps its buckets in `<dir>/mirror-<n>`. */
  dir: string;
  /** One port per mirror; 0 (the default) picks a free port. */
  ports?: readonly number[];
  /** Default 2. */
  count?: number;
  /**
   * When a fixed port is taken by a running S3 server that has our bucket
   * (another `potions mirrors serve`), use it instead of failing. Default true.
   */
  reuseRunning?: boolean;
  /** Buckets to create besides `potions` (benchmarks, tests). */
  extraBuckets?: readonly string[];
  /** The option that sets the ports, named in the "port in use" message. Default `--ports`. */
  portsOption?: string;
  /**
   * Write `<dir>/serve.json` (pid, endpoints, ports) so other commands find these
   * mirrors (`runningLocalMirrors`); `close()` removes it. `potions mirrors serve` sets it.
   */
  announce?: boolean;
}

export interface LocalMirrors {
  mirrors: MirrorConfig[];
  /** The data folder of each mirror (index-aligned with `mirrors`; undefined when reused). */
  dataDirs: (string | undefined)[];
  /** Which mirrors this call started (false: an already running server was reused). */
  started: boolean[];
  /** Stop the servers this call started. */
  close(): Promise<void>;
}

export function localMirrorConfig(index: number, port: number): MirrorConfig {
  return {
    name: `local-${index + 1}`,
    provider: 's3rver',
    endpoint: `http://127.0.0.1:${port}`,
    bucket: LOCAL_BUCKET,
    prefix: '',
    region: 'us-east-1',
    forcePathStyle: true,
    staticCredentials: { ...LOCAL_CREDENTIALS },
  };
}

/** Whether an S3 server with our bucket answers on this port. */
export async function isLocalMirrorRunning(port: number): Promise<boolean> {
  const client = s3ClientFor(localMirrorConfig(0, port), LOCAL_CREDENTIALS, { requestTimeoutMs: 2000 });
  try {
    // requestTimeout alone only logs a warning: a port held by a program that never answers would hang here.
    await client.send(new HeadBucketCommand({ Bucket: LOCAL_BUCKET }), { abortSignal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

export async function startLocalMirrors(options: LocalMirrorsOptions): Promise<LocalMirrors> {
  const count = options.count ?? 2;
  const portsOption = options.portsOption ?? '--ports';
  const servers: { http: Server }[] = [];
  const mirrors: MirrorConfig[] = [];
  const dataDirs: (string | undefined)[] = [];
  const started: boolean[] = [];
  /** The first folder this call created (mkdir -p reports it), removed again if starting fails. */
  const createdDirs: string[] = [];
  let stateFile: string | undefined;
  const close = async (): Promise<void> => {
    if (stateFile) await removeServeState(stateFile);
    await Promise.all(servers.map((s) => closeServer(s.http)));
  };
  try {
    // Bind every port first and only then create data folders: a port in use
    // must not leave an empty mirror-<n>/ behind.
    const bound: (Server | undefined)[] = [];
    for (let i = 0; i < count; i++) {
      const port = options.ports?.[i] ?? 0;
      try {
        const http = await listenOn(port);
        servers.push({ http });
        bound.push(http);
      } catch (err) {
        if ((err as { code?: string }).code !== 'EADDRINUSE') {
          throw new PotionsError('MIRRORS_LOCAL_START', `cannot start local mirror ${i + 1} on 127.0.0.1:${port}: ${errorMessage(err)}`, {
            cause: err,
          });
        }
        const ours = await isLocalMirrorRunning(port);
        if (ours && options.reuseRunning !== false) {
          bound.push(undefined);
          continue;
        }
        throw new UserError(
          'MIRRORS_PORT_IN_USE',
          ours
            ? `port ${port} is in use (another \`potions mirrors serve\`?); choose others with ${portsOption}`
            : `port ${port} on 127.0.0.1 is in use by something other than a Potions mirror; choose others with ${portsOption}`,
          { hint: ours ? 'stop the other `potions mirrors serve` (Ctrl-C), or pick free ports' : 'stop that program or pick free ports', cause: err },
        );
      }
    }
    for (let i = 0; i < count; i++) {
      const http = bound[i];
      if (!http) {
        const port = options.ports![i]!;
        mirrors.push(localMirrorConfig(i, port));
        dataDirs.push(undefined);
        started.push(false);
        continue;
      }
      const directory = path.join(options.dir, `mirror-${i + 1}`);
      const created = await fs.mkdir(directory, { recursive: true });
      if (created) createdDirs.push(created);
      const s3rver = new S3rver({
        address: '127.0.0.1',
        port: 0,
        silent: true,
        directory,
        configureBuckets: [LOCAL_BUCKET, ...(options.extraBuckets ?? [])].map((name) => ({ name, configs: [] })),
      });
      await s3rver.configureBuckets();
      http.on('request', s3rver.callback());
      mirrors.push(localMirrorConfig(i, (http.address() as AddressInfo).port));
      dataDirs.push(directory);
      started.push(true);
    }
    if (options.announce) stateFile = await writeServeState(options.dir, mirrors);
  } catch (err) {
    await close();
    for (const d of createdDirs) await fs.rm(d, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
  return { mirrors, dataDirs, started, close };
}

/** Listen on 127.0.0.1:port, resolving once bound; a bind error rejects (never an unhandled 'error' event). */
function listenOn(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}

async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** `<dir>/serve.json`: where a running `potions mirrors serve` listens, so other commands find non-default ports. */
export const SERVE_STATE_FILE = 'serve.json';

export interface ServeState {
  pid: number;
  endpoints: string[];
  ports: number[];
}

async function writeServeState(dir: string, mirrors: readonly MirrorConfig[]): Promise<string> {
  const file = path.join(dir, SERVE_STATE_FILE);
  const state: ServeState = {
    pid: process.pid,
    endpoints: mirrors.map((m) => m.endpoint),
    ports: mirrors.map((m) => Number(new URL(m.endpoint).port)),
  };
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
  return file;
}

/** Remove the state file if it is still this process's (a later serve may have replaced it). */
async function removeServeState(file: string): Promise<void> {
  try {
    const state = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<ServeState>;
    if (state.pid === process.pid) await fs.rm(file, { force: true });
  } catch {
    // Already gone or unreadable: nothing of ours to remove.
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/**
 * The mirrors of a `potions mirrors serve` running on `dir` (from its
 * `serve.json`), or undefined when none is: no file, a stale file whose
 * process is gone, or a port that no longer answers as a Potions mirror.
 */
export async function runningLocalMirrors(dir: string): Promise<MirrorConfig[] | undefined> {
  let state: Partial<ServeState>;
  try {
    state = JSON.parse(await fs.readFile(path.join(dir, SERVE_STATE_FILE), 'utf8')) as Partial<ServeState>;
  } catch {
    return undefined;
  }
  const ports = state.ports;
  if (typeof state.pid !== 'number' || !Array.isArray(ports) || ports.length === 0 || !ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536)) {
    return undefined;
  }
  if (!processAlive(state.pid)) return undefined;
  const up = await Promise.all(ports.map((p) => isLocalMirrorRunning(p)));
  return up.every(Boolean) ? ports.map((p, i) => localMirrorConfig(i, p)) : undefined;
}

/**
 * The mirrors a command without its own configuration uses: the file when
 * given, else a `potions mirrors serve` running on `dir` (its serve.json),
 * else one on the default ports; otherwise a UserError saying how to get one.
 */
export async function mirrorsConfigOrRunningLocal(configFile: string | undefined, dir: string): Promise<MirrorsConfig> {
  if (configFile) return loadMirrorsConfig(configFile);
  const running = await runningLocalMirrors(dir);
  if (running) return { minMirrors: 1, mirrors: running };
  const up = await Promise.all(DEFAULT_LOCAL_PORTS.map((p) => isLocalMirrorRunning(p)));
  if (up.every(Boolean)) return { minMirrors: 1, mirrors: DEFAULT_LOCAL_PORTS.map((p, i) => localMirrorConfig(i, p)) };
  throw new UserError('MIRRORS_NO_CONFIG', `no --config given and no \`potions mirrors serve\` is running (looked for ${path.join(dir, SERVE_STATE_FILE)} and ports ${DEFAULT_LOCAL_PORTS.join(', ')})`, {
    hint: 'pass --config mirrors.yaml (see docs/mirrors.md), or start local mirrors with `pnpm potions mirrors serve`',
  });
}
