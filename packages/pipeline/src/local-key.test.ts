import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { trustedKeysFromPem } from '@potions/manifest';
import { ensureLocalSigningKey } from './local-key';
import { serveSourceDirs } from './source-dir-server';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-pipeline-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

test('the local signing key is made once (0600) and reused; its .pub is the key readers trust', async () => {
  const first = await ensureLocalSigningKey(dir);
  const second = await ensureLocalSigningKey(dir);
  expect([first.created, second.created]).toEqual([true, false]);
  expect(second.signer.keyid).toBe(first.signer.keyid);
  expect((await fs.stat(first.privateKeyFile)).mode & 0o777).toBe(0o600);
  const [trusted] = trustedKeysFromPem(await fs.readFile(first.publicKeyFile, 'utf8'));
  expect(trusted!.keyid).toBe(first.signer.keyid);
  // Two releases starting at once agree on one key.
  const other = path.join(dir, 'race');
  const keys = await Promise.all([ensureLocalSigningKey(other), ensureLocalSigningKey(other)]);
  expect(keys[0].signer.keyid).toBe(keys[1].signer.keyid);
});

test('a source folder is served by file name only: no other path, no dot-file, no folder', async () => {
  const src = path.join(dir, 'upstream');
  await fs.mkdir(path.join(src, 'sub'), { recursive: true });
  await fs.writeFile(path.join(src, 'tool-1.0.tar.gz'), 'bytes');
  await fs.writeFile(path.join(src, '.secret'), 'hidden');
  await fs.writeFile(path.join(dir, 'outside.txt'), 'outside');
  const server = await serveSourceDirs([src]);
  try {
    const get = async (p: string): Promise<[number, string]> => {
      const res = await fetch(`${server.base}${p}`);
      return [res.status, await res.text()];
    };
    expect(await get('/ftp.example.org/pub/tool/tool-1.0.tar.gz')).toEqual([200, 'bytes']);
    expect((await get('/x/.secret'))[0]).toBe(404);
    expect((await get('/x/..%2Foutside.txt'))[0]).toBe(404);
    expect((await get('/x/sub'))[0]).toBe(404);
    expect((await get('/x/missing.tar.gz'))[0]).toBe(404);
  } finally {
    await server.close();
  }
  await expect(serveSourceDirs([path.join(dir, 'nope')])).rejects.toMatchObject({ code: 'E_PIPELINE_SOURCE_DIR' });
});
