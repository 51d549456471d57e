import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PLATFORMS, hostPlatform, silentReporter } from '@potions/core';
import { startLocalMirrors, type LocalMirrors } from '@potions/local-mirrors';
import { closeMirrors, openS3Mirrors } from '@potions/mirrors';
import { githubClaims, mintIdToken } from '@potions/signing/testing';
import { runCli } from '../testing';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const GREET = path.join(ROOT, 'packages', 'pipeline', 'src', 'testdata', 'greet.yml');
const SOUR = path.join(ROOT, 'packages', 'pipeline', 'src', 'testdata', 'sour.yml');
const STAGES = ['mirrors', 'build', 'smoke', 'sbom', 'scan', 'sign', 'sync', 'publish', 'check'];
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

  test('local mode on throw-away ports (--local-ports 0): two mirrors for the run, smoke-tested, inventoried and signed before the upload; --json is one object; nothing of the mirrors is kept', async () => {
    const work = path.join(dir, 'work-a');
    const r = await cli(['release', GREET, '--work-dir', work, '--local-ports', '0', '--source-dir', path.join(dir, 'upstream'), '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({
      ok: true,
      mode: 'local',
      platform: host,
      mirrorsRunning: false,
      mirrorsStopped: true,
      mirrorsThrowaway: true,
      manifestUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/potions\/manifest\.json$/),
    });
    // "0" means two free ports: two mirrors, as the help says.
    expect(s.mirrors).toHaveLength(2);
    expect(new Set(s.mirrors.map((m: { endpoint: string }) => m.endpoint)).size).toBe(2);
    expect(s.manifestUrls).toHaveLength(2);
    expect(s.stages.map((x: { name: string; ok: boolean }) => `${x.name}:${x.ok}`)).toEqual(STAGES.map((n) => `${n}:true`));
    const base = `greet-1.0.0-${host}`;
    expect(s.packages).toEqual([
      expect.objectContaining({
        name: 'greet',
        version: '1.0.0',
        status: 'built',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        smoke: expect.objectContaining({ status: 'passed' }),
        sboms: [expect.objectContaining({ format: 'cyclonedx', file: `${base}.cdx.json` }), expect.objectContaining({ format: 'spdx', file: `${base}.spdx.json` })],
        // No scanner here (no grype, no trivy, no --osv): a local release says so and goes on.
        scan: expect.objectContaining({ status: 'not-run', reason: expect.stringContaining('no vulnerability scanner') }),
        signature: expect.objectContaining({ kind: 'key', bundles: [`${base}.tar.gz.sigstore.json`, `${base}.tar.zst.sigstore.json`, `${base}.provenance.sigstore.json`] }),
        published: 'available',
      }),
    ]);
    expect(s.packages[0].urls).toHaveLength(2);
    expect(s.packages[0].syncedTo).toHaveLength(2);
    expect(s.signer).toMatchObject({ kind: 'key', publicKeyFile: path.join(work, '.potions', 'keys', 'signing-key.pub') });
    // Local mode builds the host platform and says why the others are missing.
    expect(s.manifest).toEqual(
      PLATFORMS.map((p) =>
        p === host
          ? expect.objectContaining({ platform: p, status: 'available', sha256: s.packages[0].sha256 })
          : expect.objectContaining({ platform: p, status: 'unavailable', reason: `not built: local release builds only ${host}` }),
      ),
    );
    expect(s.checks[0]).toMatchObject({ ok: true, name: 'greet', platform: host });
    // The keys were made once, private to their owner.
    for (const key of ['manifest-key.pem', 'signing-key.pem']) expect((await fs.stat(path.join(work, '.potions', 'keys', key))).mode & 0o777).toBe(0o600);
    expect(s.trustedKeyFile).toBe(path.join(work, '.potions', 'keys', 'manifest-key.pub'));
    // Throw-away mirrors: stopped, and their data, manifest and rollback memory gone with them.
    await expect(fetch(s.manifestUrl)).rejects.toThrow();
    const left = await fs.readdir(path.join(work, '.potions'));
    expect(left.filter((n) => n === 'mirrors' || n === 'state' || n.startsWith('throwaway-'))).toEqual([]);
    await expect(fs.stat(path.join(dir, 'state', 'manifest-trust.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    // A fixed-port release after it does not see its manifest: it starts from nothing.
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
      expect(s).not.toHaveProperty('mirrorsThrowaway');
      expect(s.manifestUrls.map((u: { url: string }) => new URL(u.url).port).join(',')).toBe(ports);
      // The check's rollback memory is the work folder's, not the user's.
      expect(JSON.parse(await fs.readFile(path.join(work, '.potions', 'state', 'manifest-trust.json'), 'utf8'))).toMatchObject({ schemaVersion: 2 });

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

  // Issue 9: each was refused only after a key and mirrors were made or a build ran (or, for a file as work folder, with exit 70).
  test.each([
    ['--version ../../../etc', ['--version', '../../../etc'], 'E_PIPELINE_VERSION', '--version'],
    ['--min-mirrors 3 with two mirrors', ['--min-mirrors', '3'], 'E_PIPELINE_MIN_MIRRORS', '--min-mirrors'],
    ['a missing --source-dir', ['--source-dir', '/nonexistent/upstream'], 'E_PIPELINE_SOURCE_DIR', '--source-dir'],
    ['duplicate --local-ports', ['--local-ports', '45681,45681'], 'E_PIPELINE_LOCAL_PORTS', '--local-ports'],
    ['--jobs 100000', ['--jobs', '100000'], 'E_PIPELINE_JOBS', '--jobs'],
  ])('%s: exit 1 with a message naming the option, and the work folder untouched', async (_what, args, code, flag) => {
    const work = path.join(dir, `work-${code}`);
    const r = await cli(['release', GREET, '--work-dir', work, ...args, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: false, code });
    expect(out.hint).toContain(flag);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    await expect(fs.stat(work)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('--work-dir naming a file: exit 1 and a message, not a crash', async () => {
    const file = path.join(dir, 'work-is-a-file');
    await fs.writeFile(file, 'x');
    const r = await cli(['release', GREET, '--work-dir', file, '--local-ports', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the work folder ${file} is a file, not a folder`);
    expect(r.stderr).toContain('--work-dir');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('a signer that fails (keyless, Fulcio unreachable): exit 1, "signing failed" and why, nothing uploaded', async () => {
    const running = await startLocalMirrors({ dir: path.join(dir, 'served-signing'), ports: [0, 0] });
    // A port nothing listens on.
    const dead = await startLocalMirrors({ dir: path.join(dir, 'dead'), ports: [0], count: 1 });
    const deadUrl = dead.mirrors[0]!.endpoint;
    await dead.close();
    const services = path.join(dir, 'sigstore.json');
    await fs.writeFile(services, JSON.stringify({ fulcioUrl: deadUrl, rekorUrl: deadUrl }));
    const saved = process.env.POTIONS_OIDC_TOKEN;
    process.env.POTIONS_OIDC_TOKEN = mintIdToken(githubClaims());
    try {
      const ports = running.mirrors.map((m) => new URL(m.endpoint).port).join(',');
      const before = await listing(running);
      const r = await cli(['release', GREET, '--work-dir', path.join(dir, 'work-g'), '--local-ports', ports, '--source-dir', path.join(dir, 'upstream'), '--sigstore', services]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/\nrelease FAILED: signing failed: .*Fulcio.*; nothing was uploaded\n$/);
      expect(r.stderr).toMatch(/sign [0-9.]+ s FAILED, sync skipped, publish skipped, check skipped/);
      expect(r.stderr).not.toContain(process.env.POTIONS_OIDC_TOKEN);
      expect(await listing(running)).toEqual(before);
    } finally {
      if (saved === undefined) delete process.env.POTIONS_OIDC_TOKEN;
      else process.env.POTIONS_OIDC_TOKEN = saved;
      await running.close();
    }
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
      expect(r.stderr).toMatch(/build [0-9.]+ s FAILED, smoke skipped, sbom skipped, scan skipped, sign skipped, sync skipped, publish skipped, check skipped/);
      expect(await listing(running)).toEqual(before);
      const json = JSON.parse((await cli(['release', 'greet@9.9.9', '--recipes', path.dirname(GREET), '--work-dir', work, '--local-ports', ports, '--json'])).stdout);
      expect(json).toMatchObject({ ok: false, manifestUrls: [], packages: [{ name: 'greet', version: '9.9.9', status: 'failed', step: 'download' }] });
      expect(await listing(running)).toEqual(before);
    } finally {
      await running.close();
    }
  });

  test('a build whose smoke test fails is withheld: the table and the notes say why, the other build goes out, exit 1', async () => {
    const running = await startLocalMirrors({ dir: path.join(dir, 'served-smoke'), ports: [0, 0] });
    try {
      const ports = running.mirrors.map((m) => new URL(m.endpoint).port).join(',');
      const r = await cli(['release', GREET, SOUR, '--version', '1.0.0', '--work-dir', path.join(dir, 'work-h'), '--local-ports', ports, '--source-dir', path.join(dir, 'upstream')]);
      expect(r.code).toBe(1);
      const lines = r.stderr.split('\n');
      const header = lines.find((l) => l.startsWith('PACKAGE'))!;
      const rows = lines.slice(lines.indexOf(header) + 2, lines.indexOf(header) + 4);
      expect(header.split(/\s+/)).toEqual(['PACKAGE', 'VERSION', 'PLATFORM', 'BUILD', 'SMOKE', 'SBOM', 'SCAN', 'SIGNED', 'SYNCED', 'PUBLISHED', 'CHECKED']);
      expect(rows.find((l) => /^greet\s+1\.0\.0\s+/.test(l))).toMatch(/built\s+passed \(2\/2\)\s+cyclonedx, spdx\s+not run\s+key [0-9a-f]{12}\s+2\/2\s+available\s+fetched/);
      expect(rows.find((l) => /^sour\s+1\.0\.0\s+/.test(l))).toMatch(/built\s+FAILED\s+-\s+-\s+-\s+-\s+unavailable\s+-$/);
      expect(r.stderr).toContain(`sour 1.0.0 ${host}: not published: smoke test failed: bin/sour --version: exit status 1, expected 0`);
      expect(r.stderr).toMatch(/vulnerability scanner: none \(neither grype nor trivy is on the PATH/);
      expect(r.stderr).toMatch(/\nrelease INCOMPLETE: see the warnings above\n$/);
    } finally {
      await running.close();
    }
  });
});
