import http from 'node:http';
import { RecordingReporter } from '@potions/core';
import type { AddressInfo } from 'node:net';
import { generateManifestKey, LocalKeySigner, MANIFEST_KEY, publishManifest, trustedKeysFromPem } from '@potions/manifest';
import { availablePlatformInput, MemoryManifestStore } from '@potions/manifest/testing';
import { manifestUrls, readPublishedBuilds } from './index';

const key = generateManifestKey();
const signer = LocalKeySigner.fromPem(key.privateKeyPem);

/** A signed manifest listing jq 1.7.1 on linux-amd64 (available) and darwin-arm64 (unavailable), as a mirror stores it. */
async function manifestBytes(by = signer): Promise<Uint8Array> {
  const store = new MemoryManifestStore();
  await publishManifest({
    mirrors: [{ name: 'a', store }],
    signer: by,
    release: {
      packages: [
        {
          name: 'jq',
          version: '1.7.1',
          platforms: {
            'linux-amd64': availablePlatformInput({ name: 'jq', version: '1.7.1', platform: 'linux-amd64', urls: ['https://a.example/x'] }),
            'darwin-arm64': { status: 'unavailable', reason: 'build failed at the download step' },
          },
        },
      ],
    },
  });
  return (await store.get(MANIFEST_KEY))!.bytes;
}

/** A server on 127.0.0.1 answering each path from the table (404 for the rest). */
async function serve(table: Record<string, Uint8Array>): Promise<{ base: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = table[req.url ?? ''];
    if (body) res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.from(body));
    else res.writeHead(404).end('NoSuchKey');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('readPublishedBuilds', () => {
  it('lists what the newest verified manifest on any mirror has available; a mirror without one is passed over', async () => {
    const srv = await serve({ '/b/potions/manifest.json': await manifestBytes() });
    try {
      const urls = manifestUrls([
        { name: 'a', provider: 'other', endpoint: srv.base, bucket: 'a', prefix: 'potions', region: 'us-east-1', forcePathStyle: true },
        { name: 'b', provider: 'other', endpoint: srv.base, bucket: 'b', prefix: 'potions', region: 'us-east-1', forcePathStyle: true },
      ]);
      expect(urls).toEqual([`${srv.base}/a/potions/manifest.json`, `${srv.base}/b/potions/manifest.json`]);
      const state = await readPublishedBuilds({ urls, trustedKeys: trustedKeysFromPem(key.publicKeyPem) });
      expect(state.builds).toEqual([{ name: 'jq', version: '1.7.1', platform: 'linux-amd64' }]);
      expect(state).toMatchObject({ version: 1, source: urls[1], missing: [urls[0]] });
    } finally {
      await srv.close();
    }
  });

  it('a first release (no manifest anywhere) has nothing published', async () => {
    const srv = await serve({});
    try {
      expect(await readPublishedBuilds({ urls: [`${srv.base}/m/manifest.json`], trustedKeys: [signer] })).toEqual({ builds: [], missing: [`${srv.base}/m/manifest.json`] });
    } finally {
      await srv.close();
    }
  });

  it('refuses a manifest signed by another key instead of planning from it', async () => {
    const other = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
    const srv = await serve({ '/m/manifest.json': await manifestBytes(other) });
    try {
      const reporter = new RecordingReporter();
      await expect(readPublishedBuilds({ urls: [`${srv.base}/m/manifest.json`], trustedKeys: [signer], reporter })).rejects.toMatchObject({
        code: 'E_SCHEDULE_PUBLISHED',
        message: expect.stringContaining('none of which is a trusted key'),
      });
      expect(reporter.text()).toContain('warn: published manifest passed over');
    } finally {
      await srv.close();
    }
  });
});
