import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { publicGoodTrustedRoot, trustedRootFromFile, trustedRootFromJson } from './trusted-root';
import { startSigstoreTestServices } from './testing';

describe('trusted roots', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-trusted-root-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads a trusted_root.json file, and refuses one that is not', async () => {
    const svc = await startSigstoreTestServices();
    try {
      const file = path.join(dir, 'trusted_root.json');
      await fs.writeFile(file, JSON.stringify(svc.trustedRoot));
      const json = await trustedRootFromFile(file);
      expect(trustedRootFromJson(json).tlogs[0]!.baseUrl).toBe(svc.url);
    } finally {
      await svc.close();
    }
    const bad = path.join(dir, 'bad.json');
    await fs.writeFile(bad, '{"mediaType": "x"}');
    await expect(trustedRootFromFile(bad)).rejects.toMatchObject({ code: 'E_SIGNING_TRUSTED_ROOT', message: expect.stringContaining('is not a Sigstore trusted root') });
    await expect(trustedRootFromFile(path.join(dir, 'none.json'))).rejects.toMatchObject({ code: 'E_SIGNING_TRUSTED_ROOT' });
  });

  it('says so when TUF cannot refresh the public-good root', async () => {
    // A TUF mirror that has nothing: what a user behind a firewall gets, in effect.
    const server = http.createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const mirrorUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await expect(publicGoodTrustedRoot({ mirrorUrl, cachePath: path.join(dir, 'tuf'), timeoutMs: 2000 })).rejects.toMatchObject({
        code: 'E_SIGNING_TRUSTED_ROOT',
        message: expect.stringContaining(`cannot update Sigstore's trusted root through TUF (${mirrorUrl})`),
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
