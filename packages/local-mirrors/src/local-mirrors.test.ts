import { promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findRunningLocalMirrors, runningLocalMirrors, startLocalMirrors, SERVE_STATE_FILE } from './index';

async function occupy(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-local-mirrors-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

test('ports in use are a clear UserError, and no data folder is left behind', async () => {
  const first = await startLocalMirrors({ dir: path.join(root, 'first'), count: 1 });
  const other = await occupy();
  try {
    const port = Number(new URL(first.mirrors[0]!.endpoint).port);
    const dir = path.join(root, 'second');
    // The first port is a running Potions mirror, the second something else.
    await expect(startLocalMirrors({ dir, ports: [port, other.port], count: 2, reuseRunning: false })).rejects.toMatchObject({
      code: 'E_LOCAL_MIRRORS_PORT_IN_USE',
      userError: true,
      message: `port ${port} on 127.0.0.1 is in use by other local mirrors`,
      hint: 'stop those mirrors, or pick free ports (0 picks one)',
    });
    await expect(startLocalMirrors({ dir, ports: [0, other.port], count: 2 })).rejects.toMatchObject({
      code: 'E_LOCAL_MIRRORS_PORT_IN_USE',
      message: `port ${other.port} on 127.0.0.1 is in use by something other than a Potions mirror`,
    });
    // Nothing was created: not mirror-1/ of the first (free) port either.
    await expect(fs.stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  } finally {
    other.server.close();
    await first.close();
  }
});

test('a serve announces its ports in serve.json while running; other commands find it there', async () => {
  const dir = path.join(root, 'announced');
  const local = await startLocalMirrors({ dir, count: 2, announce: true });
  const ports = local.mirrors.map((m) => Number(new URL(m.endpoint).port));
  try {
    const state = JSON.parse(await fs.readFile(path.join(dir, SERVE_STATE_FILE), 'utf8')) as { pid: number; ports: number[]; endpoints: string[] };
    expect(state).toEqual({ pid: process.pid, ports, endpoints: local.mirrors.map((m) => m.endpoint) });
    expect((await runningLocalMirrors(dir))?.map((m) => m.endpoint)).toEqual(local.mirrors.map((m) => m.endpoint));
    const found = await findRunningLocalMirrors(dir);
    expect(found?.map((m) => [m.name, m.endpoint])).toEqual(local.mirrors.map((m) => [m.name, m.endpoint]));
  } finally {
    await local.close();
  }
  await expect(fs.stat(path.join(dir, SERVE_STATE_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  expect(await runningLocalMirrors(dir)).toBeUndefined();
  // A stale file (the serve was killed) is ignored: its process is gone.
  await fs.writeFile(path.join(dir, SERVE_STATE_FILE), JSON.stringify({ pid: 2 ** 22 + 1, ports, endpoints: [] }));
  expect(await runningLocalMirrors(dir)).toBeUndefined();
});
