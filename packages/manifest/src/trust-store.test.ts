import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeSignedManifest, signManifest } from './envelope';
import { ManifestErrorCode } from './errors';
import { generateManifestKey, LocalKeySigner } from './keys';
import type { Manifest } from './schema';
import { FileTrustStore, TRUST_STATE_FILE, acceptManifest, defaultStateDir } from './trust-store';

const signer = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
const now = new Date('2025-03-01T00:00:00Z');
const url = 'http://127.0.0.1:9000/potions/manifest.json';

async function manifestBytes(version: number): Promise<Uint8Array> {
  const m: Manifest = { schemaVersion: 1, version, expires: '2025-06-01T00:00:00.000Z', packages: {} };
  return encodeSignedManifest(await signManifest(m, signer));
}

describe('FileTrustStore and acceptManifest', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-trust-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('remembers the newest version per URL on disk and refuses an older one afterwards', async () => {
    const file = path.join(dir, 'state', TRUST_STATE_FILE);
    const store = new FileTrustStore(file);
    await acceptManifest(await manifestBytes(5), { url, trustStore: store, trustedKeys: [signer], now });
    const onDisk = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(onDisk.manifests[url].version).toBe(5);

    // A new process (a new store object) reads the same memory.
    const later = new FileTrustStore(file);
    await expect(acceptManifest(await manifestBytes(4), { url, trustStore: later, trustedKeys: [signer], now })).rejects.toMatchObject({
      code: ManifestErrorCode.Rollback,
    });
    // Another manifest URL has its own memory; the same version again is fine.
    await acceptManifest(await manifestBytes(4), { url: 'http://127.0.0.1:9001/p/manifest.json', trustStore: later, trustedKeys: [signer], now });
    await acceptManifest(await manifestBytes(5), { url, trustStore: later, trustedKeys: [signer], now });
    expect(await later.lastSeenVersion(url)).toBe(5);
    expect((await fs.readdir(path.dirname(file))).sort()).toEqual([TRUST_STATE_FILE]);
  });

  it('does not remember a manifest it rejected', async () => {
    const store = new FileTrustStore(path.join(dir, TRUST_STATE_FILE));
    const stranger = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
    await expect(acceptManifest(await manifestBytes(9), { url, trustStore: store, trustedKeys: [stranger], now })).rejects.toMatchObject({
      code: ManifestErrorCode.UnknownKey,
    });
    expect(await store.lastSeenVersion(url)).toBeUndefined();
  });

  it('names a damaged state file instead of silently forgetting what it saw', async () => {
    const file = path.join(dir, TRUST_STATE_FILE);
    await fs.writeFile(file, '{"not": "state"}');
    await expect(new FileTrustStore(file).lastSeenVersion(url)).rejects.toMatchObject({
      code: ManifestErrorCode.TrustState,
      location: { file },
    });
  });

  it('keeps its state under POTIONS_STATE_DIR, XDG_STATE_HOME or ~/.local/state', () => {
    expect(defaultStateDir({ POTIONS_STATE_DIR: '/s' }, '/home/u')).toBe('/s');
    expect(defaultStateDir({ XDG_STATE_HOME: '/x' }, '/home/u')).toBe(path.join('/x', 'potions'));
    expect(defaultStateDir({}, '/home/u')).toBe(path.join('/home/u', '.local', 'state', 'potions'));
  });
});
