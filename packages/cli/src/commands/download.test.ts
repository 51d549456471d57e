import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFaultServer } from '@potions/downloader/testing';
import type { FaultServer } from '@potions/downloader/testing';
import { runCli } from '../testing';

const cli = runCli;

describe('potions download', () => {
  const data = randomBytes(200_000);
  const sha = createHash('sha256').update(data).digest('hex');
  let dir: string;
  let a: FaultServer;
  let b: FaultServer;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-dl-'));
    a = await startFaultServer({ files: { '/x.tgz': data }, faults: [{ fault: { kind: 'status', status: 404 } }] });
    b = await startFaultServer({ files: { '/x.tgz': data } });
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('prints one JSON object and exits 0 when the file is in place and verified', async () => {
    const out = path.join(dir, 'x.tgz');
    const r = await cli(['download', a.url('/x.tgz'), b.url('/x.tgz'), '--out', out, '--sha256', sha, '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(['attempts', 'bytes', 'file', 'mirror', 'ok', 'seconds', 'sha256']);
    expect(json).toMatchObject({ ok: true, file: out, sha256: sha, bytes: data.length, mirror: b.url('/x.tgz'), attempts: 2 });
    expect(createHash('sha256').update(await fs.readFile(out)).digest('hex')).toBe(sha);
  });

  it('reports every mirror and exits 1 when the checksum matches none', async () => {
    const out = path.join(dir, 'x.tgz');
    const wrong = 'ab'.repeat(32);
    const r = await cli(['download', a.url('/x.tgz'), b.url('/x.tgz'), '--out', out, '--sha256', wrong, '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { ok: boolean; error: string; mirrors: { url: string; errorClass: string }[] };
    expect(json.ok).toBe(false);
    expect(json.error).toContain('could not download x.tgz');
    expect(json.mirrors.map((m) => [m.url, m.errorClass])).toEqual([
      [a.url('/x.tgz'), 'http-permanent'],
      [b.url('/x.tgz'), 'integrity'],
    ]);
    expect(r.stderr).toContain('sha256 mismatch');
    expect(r.stderr).not.toContain('    at ');
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('rejects a malformed option with a message and no stack trace', async () => {
    const r = await cli(['download', b.url('/x.tgz'), '--out', path.join(dir, 'x'), '--deadline', 'soon']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--deadline must be a positive number of seconds, got "soon"');
    expect(r.stderr).not.toContain('    at ');
    const missing = await cli(['download', b.url('/x.tgz')]);
    expect(missing.code).toBe(2);
  });
});
