import { promises as fs } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { startLocalMirrors, type LocalMirrors } from '@potions/local-mirrors';
import { recordingOpenMirrors, type RecordingOpenMirrors } from '@potions/mirrors/testing';
import { runCli as cli } from '../testing';
import { registerMirrorsCommand } from './mirrors';

/** Run `potions mirrors ARGS` with a recording `openMirrors`; its output is kept, not printed. */
async function mirrorsWith(clients: RecordingOpenMirrors, args: string[]): Promise<{ error?: unknown; exitCode: typeof process.exitCode }> {
  const program = new Command().exitOverride();
  registerMirrorsCommand(program, { openMirrors: clients.open });
  const writes = [process.stdout.write, process.stderr.write];
  process.stdout.write = process.stderr.write = (() => true) as typeof process.stdout.write;
  try {
    await program.parseAsync(['mirrors', ...args], { from: 'user' });
    return { exitCode: process.exitCode };
  } catch (error) {
    return { error, exitCode: process.exitCode };
  } finally {
    [process.stdout.write, process.stderr.write] = writes as [typeof process.stdout.write, typeof process.stderr.write];
    process.exitCode = undefined;
  }
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('potions mirrors', () => {
  let dir: string;
  let local: LocalMirrors;
  let serveDir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-mirrors-'));
    serveDir = path.join(dir, 'serve');
    // What `potions mirrors serve --ports 0,0` runs: ephemeral ports, announced in serve.json.
    local = await startLocalMirrors({ dir: serveDir, count: 2, announce: true });
  });

  afterAll(async () => {
    await local.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('serve on ports in use: a clear message, no stack, and no data folder created', async () => {
    const ports = local.mirrors.map((m) => new URL(m.endpoint).port);
    const data = path.join(dir, 'second');
    const r = await cli(['mirrors', 'serve', '--dir', data, '--ports', ports.join(',')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`port ${ports[0]} on 127.0.0.1 is in use by other local mirrors`);
    expect(r.stderr).toContain('another `potions mirrors serve`? choose other ports with --ports (0 picks a free one)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    await expect(fs.stat(path.join(data, 'mirror-1'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('bad --ports is a usage error (exit 2)', async () => {
    const r = await cli(['mirrors', 'serve', '--dir', path.join(dir, 'x'), '--ports', '4568,http', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'E_USAGE', error: expect.stringContaining('--ports must be comma-separated port numbers') });
  });

  it('check and sync find a serve on non-default ports through its serve.json; sync says which symlinks it skipped', async () => {
    const check = await cli(['mirrors', 'check', '--local-dir', serveDir, '--json']);
    expect(check.code).toBe(0);
    expect((JSON.parse(check.stdout) as { mirrors: { mirror: string; ok: boolean }[] }).mirrors).toEqual([
      expect.objectContaining({ mirror: 'local-1', ok: true }),
      expect.objectContaining({ mirror: 'local-2', ok: true }),
    ]);
    const files = path.join(dir, 'files');
    await fs.mkdir(files);
    await fs.writeFile(path.join(files, 'a.txt'), 'hello');
    await fs.symlink('/etc/hostname', path.join(files, 'link.txt'));
    const sync = await cli(['mirrors', 'sync', files, '--local-dir', serveDir]);
    expect(sync.code).toBe(0);
    expect(sync.stderr).toContain(`skipped 1 symbolic link(s) in ${files} (only regular files are synced): link.txt`);
    expect(sync.stderr).toContain('policy met');
  });

  it('--dry-run fails when no mirror can be listed; missing credentials name the variables once', async () => {
    const port = await closedPort();
    const config = path.join(dir, 'down.yaml');
    await fs.writeFile(
      config,
      ['version: 1', 'mirrors:', '  - name: a', '    provider: s3rver', `    endpoint: http://127.0.0.1:${port}`, '    bucket: potions', ''].join('\n'),
    );
    const files = path.join(dir, 'files-2');
    await fs.mkdir(files);
    await fs.writeFile(path.join(files, 'b.txt'), 'bytes');
    // No credentials at all for mirror a: unreachable in the plan.
    const saved = { ...process.env };
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'POTIONS_MIRROR_A_ACCESS_KEY_ID', 'POTIONS_MIRROR_A_SECRET_ACCESS_KEY']) delete process.env[k];
    try {
      const r = await cli(['mirrors', 'sync', files, '--config', config, '--dry-run']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('dry run FAILED: none of the 1 mirror(s) could be listed');
      expect(r.stderr).toContain('no credentials in the environment: set POTIONS_MIRROR_A_ACCESS_KEY_ID and POTIONS_MIRROR_A_SECRET_ACCESS_KEY');
      expect(r.stderr).not.toContain('mirror a: mirror a:');
    } finally {
      process.env = saved;
    }
  });

  it('closes every client it makes: after a sync, a check, a failed dry run and a refused policy', async () => {
    const files = path.join(dir, 'files-3');
    await fs.mkdir(files);
    await fs.writeFile(path.join(files, 'c.txt'), 'closing');
    const runs: [string[], (r: Awaited<ReturnType<typeof mirrorsWith>>) => void][] = [
      [['sync', files, '--local-dir', serveDir], (r) => expect(r).toEqual({ exitCode: undefined })],
      [['check', '--local-dir', serveDir], (r) => expect(r).toEqual({ exitCode: undefined })],
      // More mirrors asked for than there are: the sync refuses, after the clients were made.
      [['sync', files, '--local-dir', serveDir, '--min-mirrors', '3'], (r) => expect(r.error).toMatchObject({ code: 'E_MIRRORS_POLICY_INVALID', hint: expect.stringContaining('--min-mirrors') })],
    ];
    for (const [args, expectation] of runs) {
      const clients = recordingOpenMirrors();
      expectation(await mirrorsWith(clients, args));
      expect(clients.made.map((t) => t.name)).toEqual(['local-1', 'local-2']);
      expect(clients.unclosed()).toEqual([]);
    }
  });
});
