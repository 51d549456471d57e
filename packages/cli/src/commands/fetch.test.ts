import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateManifestKey } from '@potions/manifest';
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
});
