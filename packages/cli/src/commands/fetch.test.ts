import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalKeySigner, encodeSignedManifest, generateManifestKey, planManifestPublish, signManifest } from '@potions/manifest';
import { runCli } from '../testing';

/**
 * `potions fetch` refuses a bad --out before it touches the network: the
 * manifest URL here answers nothing (port 9), so any refusal other than the
 * --out one would show up as a manifest error.
 */
describe('potions fetch --out', () => {
  let dir: string;
  let key: string;
  const manifest = 'http://127.0.0.1:9/potions/manifest.json';
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-fetch-'));
    key = path.join(dir, 'manifest-key.pub');
    await fs.writeFile(key, generateManifestKey().publicKeyPem);
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
  const fetchTo = (out: string, ...extra: string[]) => runCli(['fetch', 'hello', '--manifest', manifest, '--trusted-key', key, '--out', out, ...extra]);

  test.each([
    ['without --force', []],
    ['with --force', ['--force']],
  ])('a file is refused as a user mistake (exit 1), not a crash, %s', async (_label, extra: string[]) => {
    const file = path.join(dir, 'afile');
    await fs.writeFile(file, 'mine');
    const r = await fetchTo(file, ...extra);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the install folder ${file} is a file, not a folder`);
    expect(r.stderr).toContain('--out names the folder to install into');
    expect(r.stderr).not.toMatch(/internal error|ENOTDIR|\n\s+at /);
    expect(await fs.readFile(file, 'utf8')).toBe('mine');
    expect((await fs.readdir(dir)).sort()).toEqual(['afile', 'manifest-key.pub']);
  });

  test('--json: the refusal is one JSON document with its code', async () => {
    const file = path.join(dir, 'afile');
    await fs.writeFile(file, 'mine');
    const r = await fetchTo(file, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'E_PIPELINE_OUT_NOT_FOLDER' });
  });

  test('a non-empty folder without --force is refused before the manifest is asked for', async () => {
    const busy = path.join(dir, 'nonempty');
    await fs.mkdir(busy, { recursive: true });
    await fs.writeFile(path.join(busy, 'keep.txt'), 'mine');
    const r = await fetchTo(busy, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'E_PIPELINE_OUT_EXISTS', where: busy });
    expect(r.stderr).toContain(`${busy}: the install folder exists and is not empty`);
    expect(r.stderr.split(busy)).toHaveLength(2); // the path is said once
    expect(r.stderr).toContain('choose another --out folder, or pass --force to replace it');
    expect((await fs.readdir(dir)).filter((f) => f.startsWith('.nonempty'))).toEqual([]);
  });

  test.each([
    ['the current folder', () => process.cwd()],
    ['a parent of the current folder', () => path.dirname(process.cwd())],
    ['your home folder', () => os.homedir()],
    ['the root folder', () => path.parse(process.cwd()).root],
  ])('--force never replaces %s', async (why, out) => {
    const r = await fetchTo(out(), '--force', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'E_PIPELINE_OUT_PROTECTED', error: expect.stringContaining(`is ${why}`) });
  });

  test('--force replaces only an earlier install: a checkout is refused, and a system folder always', async () => {
    const checkout = path.join(dir, 'checkout');
    await fs.mkdir(path.join(checkout, '.git'), { recursive: true });
    await fs.writeFile(path.join(checkout, 'main.c'), 'int main() {}');
    const r = await fetchTo(checkout, '--force', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'E_PIPELINE_OUT_NOT_POTIONS', hint: expect.stringContaining('--force replaces only a folder an earlier `potions fetch` installed') });
    expect((await fs.readdir(checkout)).sort()).toEqual(['.git', 'main.c']);
    const system = await fetchTo('/usr', '--force', '--json');
    expect(JSON.parse(system.stdout)).toMatchObject({ ok: false, code: 'E_PIPELINE_OUT_PROTECTED', error: expect.stringContaining('is a system folder') });
  });

  test('keyless options come as a pair: a wrong command line (exit 2)', async () => {
    const r = await fetchTo(path.join(dir, 'new'), '--certificate-identity-regexp', '.*', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'E_USAGE', error: expect.stringContaining('--certificate-oidc-issuer') });
  });

  describe('a state folder that cannot be used is a clear mistake (exit 1), never a crash or a hang', () => {
    let manifestFile: string;
    let pub: string;
    const saved = process.env.POTIONS_STATE_DIR;
    beforeAll(async () => {
      const k = generateManifestKey();
      pub = path.join(dir, 'state-key.pub');
      await fs.writeFile(pub, k.publicKeyPem);
      const plan = planManifestPublish({ existing: [], release: { packages: [] }, now: new Date() });
      manifestFile = path.join(dir, 'manifest.json');
      await fs.writeFile(manifestFile, encodeSignedManifest(await signManifest(plan.manifest, LocalKeySigner.fromPem(k.privateKeyPem))));
    });
    afterEach(() => {
      if (saved === undefined) delete process.env.POTIONS_STATE_DIR;
      else process.env.POTIONS_STATE_DIR = saved;
    });
    const stateFile = path.join(os.tmpdir(), 'potions-cli-fetch-state-file');
    test.each([
      ['a file', () => stateFile, 'is a file, not a folder'],
      ['a place nothing can be made (/proc/self/nope)', () => '/proc/self/nope', 'cannot write the trust-state file /proc/self/nope/manifest-trust.json'],
    ])('POTIONS_STATE_DIR is %s', async (_label, state, message) => {
      await fs.writeFile(stateFile, 'x');
      process.env.POTIONS_STATE_DIR = state();
      const r = await runCli(['fetch', 'hello', '--manifest', manifestFile, '--trusted-key', pub, '--out', path.join(dir, 'state-out'), '--json']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'E_MANIFEST_TRUST_STATE', error: expect.stringContaining(message), hint: expect.stringContaining('POTIONS_STATE_DIR') });
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      await fs.rm(stateFile, { force: true });
    });
  });
});
