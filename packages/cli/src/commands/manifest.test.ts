import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalMirrors, type LocalMirrors } from '@potions/local-mirrors';
import { Command } from 'commander';
import { silentReporter } from '@potions/core';
import { LocalKeySigner, canonicalBytes } from '@potions/manifest';
import { writeFakeBuild } from '@potions/manifest/testing';
import { S3MirrorTarget } from '@potions/mirrors';
import { recordingOpenMirrors } from '@potions/mirrors/testing';
import { runCli as cli } from '../testing';
import { registerManifestCommand } from './manifest';

const KEY_ENV = 'POTIONS_TEST_CLI_MANIFEST_KEY_ID';
const SECRET_ENV = 'POTIONS_TEST_CLI_MANIFEST_SECRET';

describe('potions manifest', () => {
  let dir: string;
  let local: LocalMirrors;
  let config: string;

  /** A configuration of the same two mirrors, under a prefix of their own (a test that starts empty). */
  async function configUnder(prefix: string): Promise<string> {
    const file = path.join(dir, `mirrors-${prefix}.yaml`);
    const text = (await fs.readFile(config, 'utf8')).replace(/^(\s+)bucket: (.*)$/gm, `$1bucket: $2\n$1prefix: ${prefix}`);
    await fs.writeFile(file, text);
    return file;
  }

  /** keygen, a fake build synced to the mirrors of `cfg`: what a publish needs. */
  async function prepared(cfg: string, name: string, seed: string) {
    const keys = path.join(dir, `keys-${seed}`);
    if ((await cli(['manifest', 'keygen', '--out', keys])).code !== 0) throw new Error('keygen failed');
    const artifacts = path.join(dir, `artifacts-${seed}`);
    await writeFakeBuild(artifacts, { name, version: '1.0.0', platform: 'linux-amd64', seed });
    const synced = await cli(['mirrors', 'sync', artifacts, '--config', cfg, '--json']);
    const syncFile = path.join(dir, `sync-${seed}.json`);
    await fs.writeFile(syncFile, synced.stdout);
    return { key: path.join(keys, 'manifest-key.pem'), pub: path.join(keys, 'manifest-key.pub'), artifacts, syncFile };
  }

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-manifest-'));
    local = await startLocalMirrors({ dir: path.join(dir, 'data'), count: 2 });
    process.env[KEY_ENV] = 'S3RVER';
    process.env[SECRET_ENV] = 'S3RVER';
    config = path.join(dir, 'mirrors.yaml');
    const lines = ['version: 1', 'mirrors:'];
    for (const m of local.mirrors) {
      lines.push(
        `  - name: ${m.name}`,
        '    provider: s3rver',
        `    endpoint: ${m.endpoint}`,
        `    bucket: ${m.bucket}`,
        '    credentials:',
        `      accessKeyIdEnv: ${KEY_ENV}`,
        `      secretAccessKeyEnv: ${SECRET_ENV}`,
      );
    }
    await fs.writeFile(config, `${lines.join('\n')}\n`);
  });

  afterAll(async () => {
    delete process.env[KEY_ENV];
    delete process.env[SECRET_ENV];
    await local.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('keygen, sync, publish and verify round-trip; one changed byte fails verification with a clear message', async () => {
    const keys = path.join(dir, 'keys');
    const gen = await cli(['manifest', 'keygen', '--out', keys, '--json']);
    expect(gen.code).toBe(0);
    const { keyid, privateKey, publicKey } = JSON.parse(gen.stdout) as { keyid: string; privateKey: string; publicKey: string };
    expect(keyid).toMatch(/^[0-9a-f]{64}$/);
    expect((await fs.stat(privateKey)).mode & 0o777).toBe(0o600);
    expect(await fs.readFile(publicKey, 'utf8')).toContain('BEGIN PUBLIC KEY');
    const again = await cli(['manifest', 'keygen', '--out', keys]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');

    const artifacts = path.join(dir, 'artifacts');
    await writeFakeBuild(artifacts, { name: 'jq', version: '1.7.1', platform: 'linux-amd64', seed: 'cli' });
    // `mirrors sync --json` stdout, saved, is the --sync-result.
    const synced = await cli(['mirrors', 'sync', artifacts, '--config', config, '--json']);
    expect(synced.code).toBe(0);
    const syncFile = path.join(dir, 'sync.json');
    await fs.writeFile(syncFile, synced.stdout);

    const failures = path.join(dir, 'failures.json');
    await fs.writeFile(failures, JSON.stringify([{ name: 'jq', version: '1.7.1', platform: 'darwin-arm64', reason: 'configure failed' }]));
    const args = ['manifest', 'publish', '--artifacts', artifacts, '--sync-result', syncFile, '--config', config, '--key', privateKey];
    const published = await cli([...args, '--platforms', 'linux-amd64,darwin-arm64', '--failures', failures, '--json']);
    expect(published.stderr).not.toContain('error');
    expect(published.code).toBe(0);
    const report = JSON.parse(published.stdout) as { ok: boolean; changed: boolean; version: number; manifestUrls: { mirror: string; url: string }[] };
    expect(report).toMatchObject({ ok: true, changed: true, version: 1 });
    expect(report.manifestUrls.map((u) => u.mirror)).toEqual(['local-1', 'local-2']);

    const verified = await cli(['manifest', 'verify', report.manifestUrls[1]!.url, '--trusted-key', publicKey, '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({
      ok: true,
      keyid,
      version: 1,
      packages: [{ name: 'jq', version: '1.7.1', available: ['linux-amd64'], unavailable: expect.arrayContaining([{ platform: 'darwin-arm64', reason: 'configure failed' }]) }],
    });

    // A re-run publishes nothing new.
    const rerun = await cli([...args, '--json']);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ ok: true, changed: false, version: 1 });

    // Tamper one byte of the signed body.
    const text = await (await fetch(report.manifestUrls[0]!.url)).text();
    const at = text.indexOf('configure failed');
    const tampered = path.join(dir, 'tampered.json');
    await fs.writeFile(tampered, `${text.slice(0, at)}C${text.slice(at + 1)}`);
    const bad = await cli(['manifest', 'verify', tampered, '--trusted-key', publicKey]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('does not match its content');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('explains a missing key and a dry-run plan given as the sync result', async () => {
    const dryPlan = path.join(dir, 'dry.json');
    await fs.writeFile(dryPlan, JSON.stringify({ dryRun: true, plan: {} }));
    const saved = process.env.POTIONS_MANIFEST_KEY;
    delete process.env.POTIONS_MANIFEST_KEY;
    try {
      const noKey = await cli(['manifest', 'publish', '--artifacts', dir, '--sync-result', dryPlan, '--config', config]);
      expect(noKey.code).toBe(1);
      expect(noKey.stderr).toContain('POTIONS_MANIFEST_KEY is not set');
    } finally {
      if (saved !== undefined) process.env.POTIONS_MANIFEST_KEY = saved;
    }
    const keys = path.join(dir, 'keys2');
    await cli(['manifest', 'keygen', '--out', keys]);
    const r = await cli(['manifest', 'publish', '--artifacts', dir, '--sync-result', dryPlan, '--config', config, '--key', path.join(keys, 'manifest-key.pem')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is the plan of a dry run');
    // An option value of the wrong form is a wrong command line: exit 2.
    const days = await cli(['manifest', 'publish', '--artifacts', dir, '--sync-result', dryPlan, '--config', config, '--expires-days', 'soon']);
    expect(days.code).toBe(2);
    expect(days.stderr).toContain('--expires-days must be a whole number of days from 1 to 3650, got "soon"');
  });

  it('keygen never leaves an orphan private key; publish warns about a world-readable key and refuses an artifacts folder with no builds', async () => {
    // A dangling symbolic link where the public key goes: stat() says "free", the exclusive create then fails.
    const keys = path.join(dir, 'keys-orphan');
    await fs.mkdir(keys);
    await fs.symlink(path.join(dir, 'nowhere'), path.join(keys, 'manifest-key.pub'));
    const gen = await cli(['manifest', 'keygen', '--out', keys]);
    expect(gen.code).toBe(1);
    expect(gen.stderr).toContain('manifest-key.pub: already exists; not overwriting a key');
    expect(gen.stderr.split('manifest-key.pub')).toHaveLength(2); // the path is said once
    expect((await fs.readdir(keys)).sort()).toEqual(['manifest-key.pub']);

    const good = path.join(dir, 'keys-open');
    expect((await cli(['manifest', 'keygen', '--out', good])).code).toBe(0);
    expect((await fs.readdir(good)).sort()).toEqual(['manifest-key.pem', 'manifest-key.pub']);
    const openKey = path.join(good, 'manifest-key.pem');
    await fs.chmod(openKey, 0o644);

    const empty = path.join(dir, 'no-builds');
    await fs.mkdir(empty);
    const syncFile = path.join(dir, 'sync-empty.json');
    await fs.writeFile(syncFile, JSON.stringify({ version: 1, minMirrors: 1, policyMet: true, mirrors: [], objects: [] }));
    const r = await cli(['manifest', 'publish', '--artifacts', empty, '--sync-result', syncFile, '--config', config, '--key', openKey]);
    expect(r.stderr).toContain(`the private key ${openKey} is readable by group and others (mode 0644): run \`chmod 600 ${openKey}\``);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${empty} holds no build metadata`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('publish closes every client it makes, also when the publish is refused', async () => {
    const keys = path.join(dir, 'keys-close');
    expect((await cli(['manifest', 'keygen', '--out', keys])).code).toBe(0);
    const artifacts = path.join(dir, 'artifacts-close');
    await writeFakeBuild(artifacts, { name: 'fd', version: '10.2.0', platform: 'linux-amd64', seed: 'close' });
    const synced = await cli(['mirrors', 'sync', artifacts, '--config', config, '--json']);
    const syncFile = path.join(dir, 'sync-close.json');
    await fs.writeFile(syncFile, synced.stdout);
    const other = path.join(dir, 'artifacts-other');
    await writeFakeBuild(other, { name: 'fd', version: '10.2.0', platform: 'linux-amd64', seed: 'other' });
    for (const [folder, fails] of [
      [artifacts, false],
      // Another build than the one synced: refused by the publisher, after the clients were made.
      [other, true],
    ] as const) {
      const clients = recordingOpenMirrors();
      const program = new Command().exitOverride();
      registerManifestCommand(program, { openMirrors: clients.open });
      const writes = [process.stdout.write, process.stderr.write];
      process.stdout.write = process.stderr.write = (() => true) as typeof process.stdout.write;
      let error: unknown;
      try {
        await program.parseAsync(['manifest', 'publish', '--artifacts', folder, '--sync-result', syncFile, '--config', config, '--key', path.join(keys, 'manifest-key.pem')], { from: 'user' });
      } catch (err) {
        error = err;
      } finally {
        [process.stdout.write, process.stderr.write] = writes as [typeof process.stdout.write, typeof process.stderr.write];
        process.exitCode = undefined;
      }
      if (fails) expect(error).toMatchObject({ code: 'E_MANIFEST_RELEASE_INVALID', hint: expect.stringContaining('--sync-result') });
      else expect(error).toBeUndefined();
      expect(clients.made.map((t) => t.name)).toEqual(['local-1', 'local-2']);
      expect(clients.unclosed()).toEqual([]);
    }
  });

  it('keygen --out naming a file is a clear mistake (exit 1), not a crash', async () => {
    const file = path.join(dir, 'not-a-folder');
    await fs.writeFile(file, 'x');
    for (const out of [file, path.join(file, 'sub')]) {
      const r = await cli(['manifest', 'keygen', '--out', out, '--json']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'CLI_KEY_WRITE', error: `--out ${out} is not a folder (${file} is a file)` });
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    expect(await fs.readFile(file, 'utf8')).toBe('x');
  });

  it('refuses an expiry no reader could live with before anything is read or written (exit 2, never 70)', async () => {
    const cfg = await configUnder('expiry');
    const { key, artifacts, syncFile } = await prepared(cfg, 'rg', 'expiry');
    for (const days of ['36500000', '100000001', '0', '3651', '1.5']) {
      const r = await cli(['manifest', 'publish', '--artifacts', artifacts, '--sync-result', syncFile, '--config', cfg, '--key', key, '--expires-days', days, '--json']);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'E_USAGE', error: `--expires-days must be a whole number of days from 1 to 3650, got "${days}"` });
    }
    expect(await (await fetch(`${local.mirrors[0]!.endpoint}/potions/expiry/manifest.json`)).status).toBe(404);
  });

  it('a manifest bricked by an impossible expiry: fetch and publish refuse it, `manifest recover` replaces it, and publishing works again', async () => {
    const cfg = await configUnder('brick');
    const { key, pub, artifacts, syncFile } = await prepared(cfg, 'jq', 'brick');
    const publish = (...extra: string[]) => cli(['manifest', 'publish', '--artifacts', artifacts, '--sync-result', syncFile, '--config', cfg, '--key', key, '--json', ...extra]);
    expect((await publish()).code).toBe(0);
    // What an older Potions signed for `--expires-days 36500000`, on both mirrors.
    const signer = LocalKeySigner.fromPem(await fs.readFile(key, 'utf8'));
    const url = (i: number, k = 'manifest.json') => `${local.mirrors[i]!.endpoint}/potions/brick/${k}`;
    const good = (await (await fetch(url(0))).json()) as { signed: Record<string, unknown> };
    const body = { ...good.signed, version: 2, expires: '+101960-01-01T00:00:00.000Z' };
    const bricked = JSON.stringify({ signed: body, signatures: [{ keyid: signer.keyid, sig: Buffer.from(await signer.sign(canonicalBytes(body))).toString('base64') }] });
    for (const m of local.mirrors) {
      const target = new S3MirrorTarget({ ...m, prefix: 'brick' }, { reporter: silentReporter });
      await target.putObject('manifest.json', bricked, { contentType: 'application/json', cacheControl: 'no-cache' });
      await target.close();
    }
    const verify = await cli(['manifest', 'verify', url(0), '--trusted-key', pub, '--json']);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, code: 'E_MANIFEST_INVALID' });
    const stuck = await publish('--platforms', 'linux-amd64,linux-arm64');
    expect(stuck.code).toBe(1);
    expect(JSON.parse(stuck.stdout)).toMatchObject({ ok: false, hint: expect.stringContaining('potions manifest recover') });

    const dry = await cli(['manifest', 'recover', '--config', cfg, '--key', key, '--dry-run', '--json']);
    expect(JSON.parse(dry.stdout)).toMatchObject({ ok: true, dryRun: true, changed: true, version: 3 });
    expect(await (await fetch(url(0))).text()).toBe(bricked);
    const recovered = await cli(['manifest', 'recover', '--config', cfg, '--key', key, '--json']);
    expect(recovered.code).toBe(0);
    const report = JSON.parse(recovered.stdout) as { version: number; reasons: string[]; mirrors: { status: string }[] };
    expect(report.version).toBe(3); // above the bricked version 2: no reader that saw a number refuses it
    expect(report.reasons[0]).toContain('manifest.json cannot be read');
    expect(report.mirrors.map((m) => m.status)).toEqual(['written', 'written']);
    for (const i of [0, 1]) {
      const ok = await cli(['manifest', 'verify', url(i), '--trusted-key', pub, '--json']);
      expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, version: 3, packages: [{ name: 'jq', version: '1.0.0', available: ['linux-amd64'] }] });
    }
    const again = await publish('--platforms', 'linux-amd64,linux-arm64');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, version: 3 });
  });

  it('withdraws a version with its reason, refuses another build of it, and takes it as an explicit new revision', async () => {
    const cfg = await configUnder('withdraw');
    const first = await prepared(cfg, 'yq', 'bad');
    const base = ['--config', cfg, '--key', first.key];
    expect((await cli(['manifest', 'publish', '--artifacts', first.artifacts, '--sync-result', first.syncFile, ...base])).code).toBe(0);

    const usage = await cli(['manifest', 'withdraw', 'yq', '--reason', 'x', ...base, '--json']);
    expect(usage.code).toBe(2);
    const withdrawn = await cli(['manifest', 'withdraw', 'yq@1.0.0', '--reason', 'crashes at start', ...base, '--json']);
    expect(withdrawn.code).toBe(0);
    const report = JSON.parse(withdrawn.stdout) as { version: number; withdrawn: { platform: string; revision: number; files: { file: string; urls: string[] }[] }[] };
    expect(report.version).toBe(2);
    expect(report.withdrawn.map((w) => [w.platform, w.revision, w.files.length])).toEqual([['linux-amd64', 1, 3]]);
    expect(report.withdrawn[0]!.files[0]!.urls).toHaveLength(2); // what a CDN purge needs
    const verified = await cli(['manifest', 'verify', `${local.mirrors[1]!.endpoint}/potions/withdraw/manifest.json`, '--trusted-key', first.pub, '--json']);
    expect(JSON.parse(verified.stdout).packages[0]).toMatchObject({ available: [], withdrawn: [{ platform: 'linux-amd64', revision: 1, reason: 'crashes at start' }] });
    // fetch refuses it before downloading anything.
    const fetched = await cli(['fetch', 'yq@1.0.0', '--platform', 'linux-amd64', '--manifest', `${local.mirrors[0]!.endpoint}/potions/withdraw/manifest.json`, '--trusted-key', first.pub, '--out', path.join(dir, 'yq-out'), '--json']);
    expect(fetched.code).toBe(1);
    expect(JSON.parse(fetched.stdout)).toMatchObject({ ok: false, code: 'E_MANIFEST_WITHDRAWN', error: expect.stringContaining('crashes at start') });

    // The fixed build of the same version: refused by default, published with --new-revision.
    const fixedDir = path.join(dir, 'artifacts-fixed');
    await writeFakeBuild(fixedDir, { name: 'yq', version: '1.0.0', platform: 'linux-amd64', seed: 'fixed' });
    const synced = await cli(['mirrors', 'sync', fixedDir, '--config', cfg, '--json']);
    const syncFile = path.join(dir, 'sync-fixed.json');
    await fs.writeFile(syncFile, synced.stdout);
    const refused = await cli(['manifest', 'publish', '--artifacts', fixedDir, '--sync-result', syncFile, ...base, '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ code: 'E_MANIFEST_DIGEST_CHANGED', hint: expect.stringContaining('--new-revision') });
    const fixed = await cli(['manifest', 'publish', '--artifacts', fixedDir, '--sync-result', syncFile, ...base, '--new-revision', '--json']);
    expect(fixed.code).toBe(0);
    expect((JSON.parse(fixed.stdout) as { rows: { platform: string; status: string; revision?: number }[] }).rows.find((r) => r.platform === 'linux-amd64')).toMatchObject({ status: 'available', revision: 2 });
  });
});
