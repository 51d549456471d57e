/**
 * A folder of upstream files served as a source mirror on 127.0.0.1, so a
 * release can build offline from files already on the machine (such as
 * `../shared/upstream`). The builder asks source mirrors for
 * `BASE/<host>/<path of the upstream URL>`; a flat folder does not have that
 * layout, so files are matched by their name (the last path segment).
 * Hand-written on `node:http` (forty lines): a static-file package would bring
 * directory listings and path handling that this server deliberately lacks.
 */
import { createReadStream, promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { UserError, errorMessage, hasCode } from '@potions/core';
import { PipelineErrorCode } from './errors';

export interface SourceDirServer {
  /** `http://127.0.0.1:PORT`: give it to the builder as a source mirror base. */
  base: string;
  /** Request paths in order, for reports and tests. */
  requests: string[];
  close(): Promise<void>;
}

/** A plain file name: no folder, no dot-file, nothing a path could escape with. */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._+~-]*$/;

/** Each folder, absolute, or a user's mistake naming the first that is missing or not a folder. No side effects. */
export async function checkSourceDirs(dirs: readonly string[]): Promise<string[]> {
  const roots: string[] = [];
  for (const dir of dirs) {
    const root = path.resolve(dir);
    let why: string | undefined;
    try {
      if (!(await fs.stat(root)).isDirectory()) why = 'it is a file, not a folder';
    } catch (err) {
      why = hasCode(err, 'ENOENT') ? 'there is no such folder' : errorMessage(err);
    }
    if (why) {
      throw new UserError(PipelineErrorCode.SourceDir, `source folder ${dir}: ${why}`, {
        location: { file: dir },
        hint: 'give a folder holding upstream files by their file names, such as ../shared/upstream',
      });
    }
    roots.push(root);
  }
  return roots;
}

/** Serve the regular files directly in `dirs` (the first folder that has a name wins). */
export async function serveSourceDirs(dirs: readonly string[]): Promise<SourceDirServer> {
  const roots = await checkSourceDirs(dirs);
  const requests: string[] = [];
  const find = async (name: string): Promise<{ file: string; size: number } | undefined> => {
    if (!PLAIN_NAME.test(name)) return undefined;
    for (const root of roots) {
      const file = path.join(root, name);
      const st = await fs.lstat(file).catch(() => undefined);
      if (st?.isFile()) return { file, size: st.size };
    }
    return undefined;
  };
  const server = http.createServer((req, res) => {
    let name: string;
    try {
      const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      requests.push(p);
      name = p.slice(p.lastIndexOf('/') + 1);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    void find(name).then(
      (found) => {
        if (!found) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
          return;
        }
        res.writeHead(200, { 'content-length': String(found.size), 'content-type': 'application/octet-stream' });
        if (req.method === 'HEAD') res.end();
        else createReadStream(found.file).on('error', () => res.destroy()).pipe(res);
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
