/**
 * Embedded S3-protocol mirrors (s3rver) on 127.0.0.1, with their data in a
 * folder so it persists between runs. `potions release` uses them when no
 * configuration is given; `potions mirrors serve` keeps them running.
 * Anonymous GETs are allowed, so the objects' URLs work in a browser or curl.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { PotionsError, UserError, errorMessage } from '@potions/core';
import type { MirrorConfig } from './config';
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
    await client.send(new HeadBucketCommand({ Bucket: LOCAL_BUCKET }));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

export async function startLocalMirrors(options: LocalMirrorsOptions): Promise<LocalMirrors> {
  const count = options.count ?? 2;
  const servers: S3rver[] = [];
  const mirrors: MirrorConfig[] = [];
  const dataDirs: (string | undefined)[] = [];
  const started: boolean[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = options.ports?.[i] ?? 0;
      const directory = path.join(options.dir, `mirror-${i + 1}`);
      await fs.mkdir(directory, { recursive: true });
      const server = new S3rver({
        address: '127.0.0.1',
        port,
        silent: true,
        directory,
        configureBuckets: [LOCAL_BUCKET, ...(options.extraBuckets ?? [])].map((name) => ({ name, configs: [] })),
      });
      try {
        const address = await server.run();
        servers.push(server);
        mirrors.push(localMirrorConfig(i, address.port));
        dataDirs.push(directory);
        started.push(true);
      } catch (err) {
        await server.close().catch(() => undefined);
        if (port !== 0 && (err as { code?: string }).code === 'EADDRINUSE' && options.reuseRunning !== false) {
          if (await isLocalMirrorRunning(port)) {
            mirrors.push(localMirrorConfig(i, port));
            dataDirs.push(undefined);
            started.push(false);
            continue;
          }
        }
        if ((err as { code?: string }).code === 'EADDRINUSE') {
          throw new UserError('MIRRORS_PORT_IN_USE', `port ${port} on 127.0.0.1 is in use by something other than a Potions mirror`, {
            hint: 'stop that program or choose other ports',
            cause: err,
          });
        }
        throw new PotionsError('MIRRORS_LOCAL_START', `cannot start local mirror ${i + 1} on 127.0.0.1:${port}: ${errorMessage(err)}`, {
          cause: err,
        });
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { mirrors, dataDirs, started, close };
}
