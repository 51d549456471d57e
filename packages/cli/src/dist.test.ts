/**
 * The built CLI (packages/cli/dist, as `node_modules/.bin/potions` runs it),
 * in child processes: every group's help, and real commands whose
 * dependencies are the hard ones to bundle (s3rver and the AWS SDK, openpgp,
 * cyclonedx's schemas, the Sigstore libraries). The commands' own tests run
 * against the bundle too with `POTIONS_CLI_UNDER_TEST=dist`.
 */
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hostPlatform } from '@potions/core';
import { makeFixtureArtifact } from '@potions/sbom/testing';
import { generateSigningKey } from '@potions/signing';
import { COMMAND_GROUPS } from './commands/index';
import { CLI_BUNDLE, runBundle } from './testing';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const GREET = path.join(ROOT, 'packages', 'pipeline', 'src', 'testdata', 'greet.yml');
const exec = promisify(execFile);
const describeLinux = hostPlatform()?.startsWith('linux') ? describe : describe.skip;

describe('the built CLI', () => {
  let dir: string;
  /** No ambient signing identity or state from the machine running the tests. */
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-dist-'));
    env = { ...process.env, POTIONS_STATE_DIR: path.join(dir, 'state') };
    for (const k of ['POTIONS_OIDC_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'GITHUB_ACTIONS', 'NODE_OPTIONS']) delete env[k];
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
  const potions = (args: string[], cwd = dir) => runBundle(args, { cwd, env });

  it('is the bin of @potions/cli, an ES module with a shebang', async () => {
    const pkg = JSON.parse(await fs.readFile(path.join(ROOT, 'packages', 'cli', 'package.json'), 'utf8'));
    expect(path.resolve(ROOT, 'packages', 'cli', pkg.bin.potions)).toBe(CLI_BUNDLE);
    expect((await fs.readFile(CLI_BUNDLE, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('lists every group', async () => {
    const r = await potions(['--help']);
    expect(r.code).toBe(0);
    for (const g of COMMAND_GROUPS) expect(r.stdout).toContain(`\n  ${g.name} `);
  });

  it.each(COMMAND_GROUPS.map((g) => g.name))('%s --help loads the group and prints its usage', async (name) => {
    const r = await potions([name, '--help']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toContain(`Usage: potions ${name} `);
  });

  it('a usage error with --json: exit 2 and one JSON document', async () => {
    const r = await potions(['recipes', 'check', '.', '--json', '--bogus']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, code: 'E_USAGE', error: "unknown option '--bogus'" });
  });

  it('recipes check reads the project recipes', async () => {
    const r = await potions(['recipes', 'check', path.join(ROOT, 'recipes'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ recipe: 'hello', errors: [] }), expect.objectContaining({ recipe: 'ripgrep', errors: [] })]);
  });

  it('doctor reports this machine', async () => {
    const r = await potions(['doctor', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, host: { platform: hostPlatform() ?? null, node: process.version } });
  });

  it('mirrors serve: two S3 mirrors (s3rver) on free ports, stopped by SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI_BUNDLE, 'mirrors', 'serve', '--dir', path.join(dir, 'mirrors'), '--ports', '0,0', '--json'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += String(c)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const listed = await new Promise<{ mirrors: { url: string }[] }>((resolve, reject) => {
        child.stdout.on('data', () => {
          try {
            resolve(JSON.parse(stdout));
          } catch {
            // not the whole document yet
          }
        });
        void exited.then((code) => reject(new Error(`mirrors serve exited with ${code} before listing its mirrors`)));
      });
      expect(listed.mirrors).toHaveLength(2);
      for (const m of listed.mirrors) expect((await fetch(m.url)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  describeLinux('release', () => {
    it('builds, syncs to two local mirrors, publishes and fetches back', async () => {
      const src = path.join(dir, 'greet-src', 'greet-1.0.0');
      await fs.mkdir(src, { recursive: true });
      await fs.writeFile(path.join(src, 'greet.in'), '#!/bin/sh\ncase "$1" in --version) echo "greet @VERSION@"; exit 0 ;; esac\nexec cat "@PREFIX@/share/greet/message.txt"\n');
      await fs.writeFile(path.join(src, 'message.txt'), 'Hello from greet\n');
      await fs.mkdir(path.join(dir, 'upstream'));
      await exec('tar', ['-czf', path.join(dir, 'upstream', 'greet-1.0.0.tar.gz'), '-C', path.dirname(src), 'greet-1.0.0']);
      const r = await potions(['release', GREET, '--work-dir', path.join(dir, 'work'), '--local-ports', '0,0', '--source-dir', path.join(dir, 'upstream'), '--json']);
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary).toMatchObject({ ok: true, mode: 'local', manifestUrls: [{ mirror: 'local-1' }, { mirror: 'local-2' }] });
      // Every stage, the fetch back through the signed manifest ("check") included.
      expect(summary.stages.map((s: { name: string; ok: boolean }) => [s.name, s.ok])).toEqual([['mirrors', true], ['build', true], ['smoke', true], ['sbom', true], ['scan', true], ['sign', true], ['sync', true], ['publish', true], ['check', true]]);
    });
  });

  it('sbom writes a CycloneDX SBOM that validates (the schemas the bundle carries)', async () => {
    const artifact = await makeFixtureArtifact(dir, { name: 'zlib', version: '1.2.13', files: { 'lib/libz.so.1.2.13': 'ELF', 'include/zlib.h': '/* zlib.h */\n' } });
    const r = await potions(['sbom', artifact.artifact, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, sbom: { format: 'cyclonedx' }, files: 2 });
  });

  it('sign and verify with a local key', async () => {
    const key = generateSigningKey();
    await fs.writeFile(path.join(dir, 'k.pem'), key.privateKeyPem);
    await fs.writeFile(path.join(dir, 'k.pub'), key.publicKeyPem);
    const file = path.join(dir, 'signed.txt');
    await fs.writeFile(file, 'contents');
    const s = await potions(['sign', file, '--key', path.join(dir, 'k.pem'), '--json']);
    expect(s.code).toBe(0);
    const v = await potions(['verify', file, '--key', path.join(dir, 'k.pub'), '--json']);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true });
  });
});
