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
    expect(json).toMatchObject({ partial: null });
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('never prints the credentials of a URL', async () => {
    const withUser = a.url('/missing').replace('http://', 'http://user:s3cr3tpw@');
    const withToken = `${b.url('/missing')}?token=SECRETTOKEN`;
    const r = await cli(['download', withUser, withToken, '--out', path.join(dir, 'x'), '--json']);
    expect(r.code).toBe(1);
    for (const secret of ['s3cr3tpw', 'SECRETTOKEN']) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
    const json = JSON.parse(r.stdout) as { ok: boolean; mirrors: { url: string }[] };
    expect(json.mirrors.map((m) => m.url)).toEqual([
      a.url('/missing').replace('http://', 'http://***:***@'),
      `${b.url('/missing')}?token=***`,
    ]);
    expect(a.requests[0]?.authorization).toBe(`Basic ${Buffer.from('user:s3cr3tpw').toString('base64')}`);
  });

  it('refuses a folder as --out with its own error code, before any request', async () => {
    const r = await cli(['download', b.url('/x.tgz'), '--out', dir, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'E_DOWNLOAD_DEST_IS_DIR', partial: null, mirrors: [] });
    expect(r.stderr).toContain(`${dir} is a folder`);
    expect(b.requests).toHaveLength(0);
    const file = path.join(dir, 'f');
    await fs.writeFile(file, '');
    const under = await cli(['download', b.url('/x.tgz'), '--out', path.join(file, 'x.tgz')]);
    expect(under.code).toBe(1);
    expect(under.stderr).toContain(`${file} is not a folder`);
    expect(under.stderr).not.toContain('deadline');
  });

  it('says where it kept partial data for a resume, and keeps none with --no-keep-partial', async () => {
    // The first request is cut off halfway, every later one is a 404.
    b.setFaults([{ times: 1, fault: { kind: 'truncate' } }, { fault: { kind: 'status', status: 404 } }]);
    const out = path.join(dir, 'x.tgz');
    const partial = path.join(dir, '.x.tgz.potions-partial');
    const r = await cli(['download', b.url('/x.tgz'), '--out', out, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'E_DOWNLOAD_FAILED', partial });
    expect(r.stderr).toContain(`partial data kept for resume: ${partial}`);
    expect((await fs.readdir(dir)).sort()).toEqual(['.x.tgz.potions-partial', '.x.tgz.potions-partial.json']);

    const again = await cli(['download', b.url('/x.tgz'), '--out', out, '--no-keep-partial', '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: false, partial: null });
    expect(again.stderr).not.toContain('partial data kept');
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it.each([
    ['--segments', '65', '--segments must be from 1 to 64, got "65"'],
    ['--segments', '0', '--segments must be a whole number of at least 1, got "0"'],
    ['--timeout-connect', '3601', '--timeout-connect must be from 0.001 to 3600 seconds, got "3601"'],
    ['--timeout-first-byte', '0.0001', '--timeout-first-byte must be from 0.001 to 3600 seconds, got "0.0001"'],
    // Past 2^31-1 ms a Node timer fires at once: this deadline would have ended every download at its start.
    ['--timeout-idle', '2500000', '--timeout-idle must be from 0.001 to 3600 seconds, got "2500000"'],
    ['--deadline', '100000000', '--deadline must be from 0.001 to 86400 seconds, got "100000000"'],
    ['--hedge-delay', '86400', '--hedge-delay must be from 0.001 to 3600 seconds, got "86400"'],
  ])('refuses %s %s with the allowed range, before anything is written', async (flag, value, message) => {
    const out = path.join(dir, 'sub', 'x.tgz');
    const r = await cli(['download', b.url('/x.tgz'), '--out', out, flag, value, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, code: 'E_USAGE', error: message });
    expect(r.stderr).toContain(message);
    expect(b.requests).toHaveLength(0);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('names the flags that act on a failure in its hint', async () => {
    const slow = await cli(['download', a.url('/x.tgz'), '--out', path.join(dir, 'x'), '--json']);
    expect(slow.code).toBe(1);
    expect(JSON.parse(slow.stdout)).toMatchObject({ code: 'E_DOWNLOAD_FAILED', hint: expect.stringContaining('--deadline, --timeout-connect') });
    const pin = await cli(['download', b.url('/x.tgz'), '--out', path.join(dir, 'x'), '--sha256', 'ab'.repeat(32), '--json']);
    expect(JSON.parse(pin.stdout)).toMatchObject({ code: 'E_DOWNLOAD_FAILED', hint: expect.stringContaining('(--sha256, --sha512, --size)') });
    expect(pin.stderr).toContain('hint: a mirror served different bytes');
    const folder = await cli(['download', b.url('/x.tgz'), '--out', dir]);
    expect(folder.stderr).toMatch(/hint: .*\(--out\)/);
  });

  it('rejects a malformed option with a message and no stack trace', async () => {
    const r = await cli(['download', b.url('/x.tgz'), '--out', path.join(dir, 'x'), '--deadline', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--deadline must be a number of seconds greater than 0, got "soon"');
    expect(r.stderr).not.toContain('    at ');
    const missing = await cli(['download', b.url('/x.tgz')]);
    expect(missing.code).toBe(2);
  });
});
