import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PLATFORMS, hostPlatform, silentReporter } from '@potions/core';
import { startLocalMirrors, type LocalMirrors } from '@potions/local-mirrors';
import { closeMirrors, openS3Mirrors } from '@potions/mirrors';
import { runCli } from '../testing';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const GREET = path.join(ROOT, 'packages', 'pipeline', 'src', 'testdata', 'greet.yml');
const host = hostPlatform();
const describeLinux = host?.startsWith('linux') ? describe : describe.skip;
const exec = promisify(execFile);

const cli = runCli;

/** Every object on each mirror: key, size and ETag. */
async function listing(local: LocalMirrors): Promise<string[][]> {
  const opened = openS3Mirrors(local.mirrors, { reporter: silentReporter });
  try {
    return await Promise.all(opened.map(async (m) => (await m.target!.list('')).map((o) => `${o.key} ${o.size} ${o.etag}`)));
  } finally {
    await closeMirrors(opened);
  }
}

/** greet-1.0.0.tar.gz, as the fixture recipe expects it, in a flat folder. */
async function greetSource(dir: string): Promise<void> {
  const top = path.join(dir, 'src', 'greet-1.0.0');
  await fs.mkdir(top, { recursive: true });
  await fs.writeFile(path.join(top, 'greet.in'), '#!/bin/sh\ncase "$1" in --version) echo "greet @VERSION@"; exit 0 ;; esac\nexec cat "@PREFIX@/share/greet/message.txt"\n');
  await fs.writeFile(path.join(top, 'message.txt'), 'Hello from greet\n');
  await fs.mkdir(path.join(dir, 'upstream'));
  await exec('tar', ['-czf', path.join(dir, 'upstream', 'greet-1.0.0.tar.gz'), '-C', path.join(dir, 'src'), 'greet-1.0.0']);
}

describeLinux('potions release and potions fetch', () => {
  let dir: string;
  const savedState = process.env.POTIONS_STATE_DIR;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-release-'));
    await greetSource(dir);
    process.env.POTIONS_STATE_DIR = path.join(dir, 'state');
  });
  afterAll(async () => {
    if (savedState === undefined) delete process.env.POTIONS_STATE_DIR;
    else process.env.POTIONS_STATE_DIR = savedState;
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('local mode: starts two mirrors for the run, builds offline from --source-dir, publishes, checks; --json is one object with manifestUrl', async () => {
    const work = path.join(dir, 'work-a');
    const r = await cli(['release', GREET, '--work-dir', work, '--local-ports', '0,0', '--source-dir', path.join(dir, 'upstream'), '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ ok: true, mode: 'local', platform: host, mirrorsRunning: false, mirrorsStopped: true, manifestUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/potions\/manifest\.json$/) });
    expect(s.manifestUrls).toHaveLength(2);
    expect(s.stages.map((x: { name: string; ok: boolean }) => `${x.name}:${x.ok}`)).toEqual(['mirrors:true', 'build:true', 'sync:true', 'publish:true', 'check:true']);
    expect(s.packages).toEqual([expect.objectContaining({ name: 'greet', version: '1.0.0', status: 'built', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
    expect(s.packages[0].urls).toHaveLength(2);
    // Local mode builds the host platform and says why the others are missing.
    expect(s.manifest).toEqual(
      PLATFORMS.map((p) =>
        p === host
          ? expect.objectContaining({ platform: p, status: 'available', sha256: s.packages[0].sha256 })
          : expect.objectContaining({ platform: p, status: 'unavailable', reason: `not built: local release builds only ${host}` }),
      ),
    );
    expect(s.checks[0]).toMatchObject({ ok: true, smoke: [expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })] });
    // The signing key was made once, private to its owner; the data of the mirrors stays in the work folder.
    expect((await fs.stat(path.join(work, '.potions', 'keys', 'manifest-key.pem'))).mode & 0o777).toBe(0o600);
    expect(s.trustedKeyFile).toBe(path.join(work, '.potions', 'keys', 'manifest-key.pub'));
    expect(await fs.readdir(path.join(work, '.potions', 'mirrors'))).toEqual(['mirror-1', 'mirror-2']);
    // The mirrors were stopped at the end of the run.
    await expect(fetch(s.manifestUrl)).rejects.toThrow();
    // The check's rollback memory is the work folder's, not the user's.
    expect(JSON.parse(await fs.readFile(path.join(work, '.potions', 'state', 'manifest-trust.json'), 'utf8'))).toMatchObject({ schemaVersion: 2 });
    await expect(fs.stat(path.join(dir, 'state', 'manifest-trust.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('uses mirrors that are already running; `potions fetch` then installs from them', async () => {
    const work = path.join(dir, 'work-b');
    const running = await startLocalMirrors({ dir: path.join(dir, 'served'), ports: [0, 0] });
    try {
      const ports = running.mirrors.map((m) => new URL(m.endpoint).port).join(',');
      const r = await cli(['release', GREET, '--work-dir', work, '--local-ports', ports, '--source-dir', path.join(dir, 'upstream'), '--json']);
      expect(r.code).toBe(0);
      const s = JSON.parse(r.stdout);
      expect(s).toMatchObject({ ok: true, mirrorsRunning: true, mirrorsStopped: false });
      expect(s.manifestUrls.map((u: { url: string }) => new URL(u.url).port).join(',')).toBe(ports);

      const out = path.join(dir, 'installed');
      const args = ['fetch', 'greet@1.0.0', ...s.manifestUrls.flatMap((u: { url: string }) => ['--manifest', u.url]), '--out', out, '--trusted-key', s.trustedKeyFile, '--json'];
      const f = await cli(args);
      expect(f.code).toBe(0);
      const got = JSON.parse(f.stdout);
      expect(got).toMatchObject({ ok: true, name: 'greet', version: '1.0.0', platform: host, dir: out, sha256: s.packages[0].sha256, manifestUrl: s.manifestUrls[0].url });
      expect((await exec(path.join(out, 'bin', 'greet'))).stdout).toBe('Hello from greet\n');
      // The reader remembered the version it accepted (rollback protection), in POTIONS_STATE_DIR.
      const state = JSON.parse(await fs.readFile(path.join(dir, 'state', 'manifest-trust.json'), 'utf8'));
      expect(Object.values(state.keys)).toEqual([expect.objectContaining({ version: s.manifestVersion, source: s.manifestUrls[0].url })]);

      // Installing again over the folder needs --force.
      const again = await cli(args);
      expect(again.code).toBe(1);
      expect(JSON.parse(again.stdout)).toMatchObject({ ok: false, code: 'E_PIPELINE_OUT_EXISTS' });
      expect(again.stderr).toContain('--force');

      // Another work folder on the same running mirrors: its key is not the one that signed their manifest.
      const other = await cli(['release', GREET, '--work-dir', path.join(dir, 'work-d'), '--local-ports', ports, '--source-dir', path.join(dir, 'upstream'), '--json']);
      expect(other.code).toBe(1);
      const refused = JSON.parse(other.stdout);
      expect(refused).toMatchObject({ ok: false, code: 'E_PIPELINE_FOREIGN_MIRRORS' });
      expect(refused.error).toMatch(/^the mirrors on 127\.0\.0\.1:\d+\/\d+ belong to another work dir \(their manifest is signed by key [0-9a-f]{16}, this work dir's key is [0-9a-f]{16}\)$/);
      expect(refused.hint).toMatch(/; stop that `potions mirrors serve`, or use --local-ports \/ --work-dir$/);
      // Refused before anything was built.
      await expect(fs.stat(path.join(dir, 'work-d', '.potions', 'release'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await running.close();
    }
  });

  test('user mistakes: a missing key file and a missing recipe are clear messages with exit 1', async () => {
    const f = await cli(['fetch', 'greet', '--manifest', 'http://127.0.0.1:9/manifest.json', '--out', path.join(dir, 'x'), '--trusted-key', path.join(dir, 'nope.pub')]);
    expect(f.code).toBe(1);
    expect(f.stderr).toContain(`cannot read --trusted-key ${path.join(dir, 'nope.pub')}`);
    expect(f.stderr).not.toMatch(/\n\s+at /);
    const r = await cli(['release', 'no-such-recipe', '--recipes', path.join(dir, 'upstream'), '--work-dir', path.join(dir, 'work-c'), '--local-ports', '0,0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no recipe named "no-such-recipe"');
    // A wrong command line exits 2, before anything starts.
    const ports = await cli(['release', 'no-such-recipe', '--work-dir', path.join(dir, 'work-e'), '--local-ports', '4568,x', '--json']);
    expect(ports.code).toBe(2);
    expect(JSON.parse(ports.stdout)).toMatchObject({ ok: false, code: 'E_USAGE', error: expect.stringContaining('--local-ports must be comma-separated port numbers') });
    const min = await cli(['release', 'no-such-recipe', '--work-dir', path.join(dir, 'work-e'), '--min-mirrors', '0']);
    expect(min.code).toBe(2);
    expect(min.stderr).toContain('--min-mirrors must be a whole number of at least 1, got "0"');
    await expect(fs.stat(path.join(dir, 'work-e'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('a release in which nothing built fails with the build\'s reason (exit 1) and leaves the mirrors as they were', async () => {
    const running = await startLocalMirrors({ dir: path.join(dir, 'served-nothing'), ports: [0, 0] });
    try {
      const ports = running.mirrors.map((m) => new URL(m.endpoint).port).join(',');
      const work = path.join(dir, 'work-f');
      const first = await cli(['release', GREET, '--work-dir', work, '--local-ports', ports, '--source-dir', path.join(dir, 'upstream'), '--no-check']);
      expect(first.code).toBe(0);
      const before = await listing(running);
      expect(before[0]!.some((l) => l.startsWith('manifest.json '))).toBe(true);
      // No greet-9.9.9.tar.gz anywhere: the download fails, so nothing builds.
      const r = await cli(['release', 'greet@9.9.9', '--recipes', path.dirname(GREET), '--work-dir', work, '--local-ports', ports, '--source-dir', path.join(dir, 'upstream')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/release FAILED: nothing was built: greet 9\.9\.9 [a-z0-9-]+: build failed \(download\): .+; nothing was published\n$/);
      expect(r.stderr).toContain('stages: mirrors ');
      expect(r.stderr).toMatch(/build [0-9.]+ s FAILED, sync skipped, publish skipped, check skipped/);
      expect(await listing(running)).toEqual(before);
      const json = JSON.parse((await cli(['release', 'greet@9.9.9', '--recipes', path.dirname(GREET), '--work-dir', work, '--local-ports', ports, '--json'])).stdout);
      expect(json).toMatchObject({ ok: false, manifestUrls: [], packages: [{ name: 'greet', version: '9.9.9', status: 'failed', step: 'download' }] });
      expect(await listing(running)).toEqual(before);
    } finally {
      await running.close();
    }
  });
});
