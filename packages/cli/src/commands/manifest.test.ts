import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalMirrors, type LocalMirrors } from '@potions/local-mirrors';
import { Command } from 'commander';
import { writeFakeBuild } from '@potions/manifest/testing';
import { recordingOpenMirrors } from '@potions/mirrors/testing';
import { runCli as cli } from '../testing';
import { registerManifestCommand } from './manifest';

const KEY_ENV = 'POTIONS_TEST_CLI_MANIFEST_KEY_ID';
const SECRET_ENV = 'POTIONS_TEST_CLI_MANIFEST_SECRET';

describe('potions manifest', () => {
  let dir: string;
  let local: LocalMirrors;
  let config: string;

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
    expect(days.stderr).toContain('--expires-days must be a number greater than 0, got "soon"');
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
});
