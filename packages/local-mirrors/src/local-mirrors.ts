/**
 * Embedded S3-protocol mirrors (s3rver) on 127.0.0.1, with their data in a
 * folder so it persists between runs. `potions release` uses them when no
 * configuration is given, `potions mirrors serve` keeps them running, and
 * tests use them as real S3 servers. Anonymous GETs are allowed, so the
 * objects' URLs work in a browser or curl. Never part of an action bundle.
 */
import { promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import S3rver from 's3rver';
import { PotionsError, UserError, errorMessage } from '@potions/core';
import { LocalMirrorsErrorCode } from './errors';
import { LOCAL_BUCKET, isLocalMirrorRunning, localMirrorConfig, type LocalMirrorConfig } from './config';
import { listObjectsV2Pages, type ListContext } from './list-v2';
import { removeServeState, writeServeState } from './serve-state';

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
  /**
   * Write `<dir>/serve.json` (pid, endpoints, ports) so other commands find these
   * mirrors (`runningLocalMirrors`); `close()` removes it. `potions mirrors serve` sets it.
   */
  announce?: boolean;
}

export interface LocalMirrors {
  mirrors: LocalMirrorConfig[];
  /** The data folder of each mirror (index-aligned with `mirrors`; undefined when reused). */
  dataDirs: (string | undefined)[];
  /** Which mirrors this call started (false: an already running server was reused). */
  started: boolean[];
  /** Stop the servers this call started. */
  close(): Promise<void>;
}

export async function startLocalMirrors(options: LocalMirrorsOptions): Promise<LocalMirrors> {
  const count = options.count ?? 2;
  const servers: Server[] = [];
  const mirrors: LocalMirrorConfig[] = [];
  const dataDirs: (string | undefined)[] = [];
  const started: boolean[] = [];
  /** The first folder this call created (mkdir -p reports it), removed again if starting fails. */
  const createdDirs: string[] = [];
  let stateFile: string | undefined;
  const close = async (): Promise<void> => {
    if (stateFile) await removeServeState(stateFile);
    await Promise.all(servers.map(closeServer));
  };
  try {
    // Bind every port first and only then create data folders: a port in use
    // must not leave an empty mirror-<n>/ behind.
    const bound = await bindPorts(options, count, servers);
    for (let i = 0; i < count; i++) {
      const http = bound[i];
      if (!http) {
        mirrors.push(localMirrorConfig(i, options.ports![i]!));
        dataDirs.push(undefined);
        started.push(false);
        continue;
      }
      const directory = path.join(options.dir, `mirror-${i + 1}`);
      const created = await fs.mkdir(directory, { recursive: true });
      if (created) createdDirs.push(created);
      http.on('request', await s3rverHandler(directory, [LOCAL_BUCKET, ...(options.extraBuckets ?? [])]));
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

/**
 * Listen on each port (added to `servers` as bound). A port held by a running
 * local mirror is `undefined` (reused) when `reuseRunning` allows it; any
 * other port in use is a `UserError` naming it.
 */
async function bindPorts(options: LocalMirrorsOptions, count: number, servers: Server[]): Promise<(Server | undefined)[]> {
  const bound: (Server | undefined)[] = [];
  for (let i = 0; i < count; i++) {
    const port = options.ports?.[i] ?? 0;
    try {
      const http = await listenOn(port);
      servers.push(http);
      bound.push(http);
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE') {
        throw new PotionsError(LocalMirrorsErrorCode.Start, `cannot start local mirror ${i + 1} on 127.0.0.1:${port}: ${errorMessage(err)}`, {
          cause: err,
        });
      }
      const ours = await isLocalMirrorRunning(port);
      if (ours && options.reuseRunning !== false) {
        bound.push(undefined);
        continue;
      }
      throw new UserError(
        LocalMirrorsErrorCode.PortInUse,
        ours ? `port ${port} on 127.0.0.1 is in use by other local mirrors` : `port ${port} on 127.0.0.1 is in use by something other than a Potions mirror`,
        { hint: ours ? 'stop those mirrors, or pick free ports (0 picks one)' : 'stop that program, or pick free ports (0 picks one)', cause: err },
      );
    }
  }
  return bound;
}

/** s3rver over `directory` with `buckets`, as a request handler, answering ListObjectsV2 pages through V1 (list-v2.ts). */
async function s3rverHandler(directory: string, buckets: readonly string[]): Promise<ReturnType<S3rver['callback']>> {
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  await s3rver.configureBuckets();
  // s3rver is a Koa application; its middleware list runs in order, so ours goes first.
  const chain = (s3rver as unknown as { middleware?: unknown[] }).middleware;
  if (!Array.isArray(chain)) throw new Error('s3rver is no longer a Koa application: list-v2.ts needs another way in');
  chain.unshift((ctx: ListContext, next: () => Promise<unknown>) => listObjectsV2Pages(ctx, next));
  return s3rver.callback();
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
