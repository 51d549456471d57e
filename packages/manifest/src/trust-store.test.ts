import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeSignedManifest, signManifest } from './envelope';
import { ManifestErrorCode } from './errors';
import { generateManifestKey, LocalKeySigner } from './keys';
import type { Manifest } from './schema';
import { FileTrustStore, TRUST_STATE_FILE, acceptManifest, acceptNewestManifest, defaultStateDir } from './trust-store';

const signer = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
const now = new Date('2025-03-01T00:00:00Z');
const url = 'http://127.0.0.1:9000/potions/manifest.json';

async function manifestBytes(version: number): Promise<Uint8Array> {
  const m: Manifest = { schemaVersion: 2, version, expires: '2025-06-01T00:00:00.000Z', packages: {} };
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

  it('remembers the newest version per signing key on disk and refuses an older one afterwards, from any URL', async () => {
    const file = path.join(dir, 'state', TRUST_STATE_FILE);
    const store = new FileTrustStore(file);
    await acceptManifest(await manifestBytes(5), { url, trustStore: store, trustedKeys: [signer], now: () => now });
    const onDisk = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(onDisk).toMatchObject({ schemaVersion: 2, keys: { [signer.keyid]: { version: 5, source: url } } });

    // A new process (a new store object) reads the same memory.
    const later = new FileTrustStore(file);
    await expect(acceptManifest(await manifestBytes(4), { url, trustStore: later, trustedKeys: [signer], now: () => now })).rejects.toMatchObject({
      code: ManifestErrorCode.Rollback,
    });
    // A mirror never read before serving the older copy is refused too: the memory is the key's.
    const other = 'http://127.0.0.1:9001/p/manifest.json';
    const err = await acceptManifest(await manifestBytes(4), { url: other, trustStore: later, trustedKeys: [signer], now: () => now }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ManifestErrorCode.Rollback });
    expect((err as Error).message).toContain(`older than version 5 already accepted for manifests signed by key ${signer.keyid.slice(0, 16)}`);
    // The same version again is fine, from either URL.
    await acceptManifest(await manifestBytes(5), { url: other, trustStore: later, trustedKeys: [signer], now: () => now });
    await acceptManifest(await manifestBytes(5), { url, trustStore: later, trustedKeys: [signer], now: () => now });
    expect(await later.lastSeenVersion(signer.keyid)).toBe(5);
    expect((await fs.readdir(path.dirname(file))).sort()).toEqual([TRUST_STATE_FILE]);
  });

  it('keeps publishers with different keys apart: two local work folders on the same URL do not refuse each other', async () => {
    const store = new FileTrustStore(path.join(dir, TRUST_STATE_FILE));
    const second = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
    await acceptManifest(await manifestBytes(7), { url, trustStore: store, trustedKeys: [signer, second], now: () => now });
    const v1 = encodeSignedManifest(await signManifest({ schemaVersion: 2, version: 1, expires: '2025-06-01T00:00:00.000Z', packages: {} }, second));
    await expect(acceptManifest(v1, { url, trustStore: store, trustedKeys: [signer, second], now: () => now })).resolves.toMatchObject({ keyid: second.keyid });
    expect(await store.lastSeenVersion(signer.keyid)).toBe(7);
    expect(await store.lastSeenVersion(second.keyid)).toBe(1);
  });

  it('reads a per-URL state file of an earlier Potions: its entry protects that URL until folded into the key', async () => {
    const file = path.join(dir, TRUST_STATE_FILE);
    await fs.writeFile(file, JSON.stringify({ schemaVersion: 1, manifests: { [url]: { version: 5, seenAt: '2025-01-01T00:00:00.000Z' } } }));
    const store = new FileTrustStore(file);
    const err = await acceptManifest(await manifestBytes(4), { url, trustStore: store, trustedKeys: [signer], now: () => now }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ManifestErrorCode.Rollback, location: { file } });
    expect((err as Error).message).toContain('older than version 5 already seen from this URL');
    // The file is untouched by a refusal.
    expect(JSON.parse(await fs.readFile(file, 'utf8')).schemaVersion).toBe(1);

    await acceptManifest(await manifestBytes(6), { url, trustStore: store, trustedKeys: [signer], now: () => now });
    const migrated = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(migrated).toEqual({ schemaVersion: 2, keys: { [signer.keyid]: { version: 6, seenAt: now.toISOString(), source: url } }, urls: {} });
    // Now the key's memory protects every URL.
    await expect(acceptManifest(await manifestBytes(5), { url: 'http://127.0.0.1:9001/p/manifest.json', trustStore: store, trustedKeys: [signer], now: () => now })).rejects.toMatchObject({
      code: ManifestErrorCode.Rollback,
    });
  });

  it('still checks expiry after the version', async () => {
    const store = new FileTrustStore(path.join(dir, TRUST_STATE_FILE));
    await expect(acceptManifest(await manifestBytes(2), { url, trustStore: store, trustedKeys: [signer], now: () => new Date('2025-07-01T00:00:00Z') })).rejects.toMatchObject({
      code: ManifestErrorCode.Expired,
    });
    expect(await store.lastSeenVersion(signer.keyid)).toBeUndefined();
  });

  it('does not remember a manifest it rejected', async () => {
    const store = new FileTrustStore(path.join(dir, TRUST_STATE_FILE));
    const stranger = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
    await expect(acceptManifest(await manifestBytes(9), { url, trustStore: store, trustedKeys: [stranger], now: () => now })).rejects.toMatchObject({
      code: ManifestErrorCode.UnknownKey,
    });
    expect(await store.lastSeenVersion(stranger.keyid)).toBeUndefined();
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('names a damaged state file instead of silently forgetting what it saw', async () => {
    const file = path.join(dir, TRUST_STATE_FILE);
    await fs.writeFile(file, '{"not": "state"}');
    await expect(new FileTrustStore(file).lastSeenVersion(signer.keyid)).rejects.toMatchObject({
      code: ManifestErrorCode.TrustState,
      location: { file },
    });
  });

  it('says plainly, as a user mistake, that the state folder is a file, the state file a folder, or a place nothing can be made', async () => {
    await fs.writeFile(path.join(dir, 'a-file'), 'x');
    const underFile = new FileTrustStore(path.join(dir, 'a-file', TRUST_STATE_FILE));
    for (const call of [underFile.lastSeenVersion(signer.keyid), acceptManifest(await manifestBytes(1), { url, trustStore: underFile, trustedKeys: [signer], now: () => now })]) {
      await expect(call).rejects.toMatchObject({ code: ManifestErrorCode.TrustState, userError: true, message: expect.stringContaining('is a file, not a folder') });
    }
    await fs.mkdir(path.join(dir, 'folder'));
    await expect(new FileTrustStore(path.join(dir, 'folder')).lastSeenVersion(signer.keyid)).rejects.toMatchObject({
      code: ManifestErrorCode.TrustState,
      message: expect.stringContaining('is a folder, not a file'),
    });
    if (process.platform === 'linux') {
      // POTIONS_STATE_DIR=/proc/self/nope once hung `potions fetch` (Node's recursive mkdir loops there).
      const proc = new FileTrustStore(path.join('/proc/self/potions-nope', TRUST_STATE_FILE));
      await expect(acceptManifest(await manifestBytes(1), { url, trustStore: proc, trustedKeys: [signer], now: () => now })).rejects.toMatchObject({
        code: ManifestErrorCode.TrustState,
        message: expect.stringContaining('cannot write the trust-state file /proc/self/potions-nope/manifest-trust.json'),
      });
    }
  });

  it('of several copies, takes the newest that passes every check and remembers it; names the others', async () => {
    const store = new FileTrustStore(path.join(dir, TRUST_STATE_FILE));
    const stranger = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
    const forged = encodeSignedManifest(await signManifest({ schemaVersion: 2, version: 99, expires: '2025-06-01T00:00:00.000Z', packages: {} }, stranger));
    const copies = [
      { source: 'https://b.example/manifest.json', bytes: await manifestBytes(4) }, // stale: an interrupted release did not reach it
      { source: 'https://c.example/manifest.json', bytes: forged },
      { source: 'https://a.example/manifest.json', bytes: await manifestBytes(6) },
      { source: 'https://d.example/manifest.json', bytes: await manifestBytes(6) }, // the same version: nothing to say
    ];
    const accepted = await acceptNewestManifest(copies, { trustStore: store, trustedKeys: [signer], now: () => now });
    expect(accepted).toMatchObject({ source: 'https://a.example/manifest.json', manifest: { version: 6 } });
    expect(accepted.older).toEqual([{ source: 'https://b.example/manifest.json', version: 4 }]);
    expect(accepted.refused).toEqual([{ source: 'https://c.example/manifest.json', code: ManifestErrorCode.UnknownKey, message: expect.stringContaining('none of which is a trusted key') }]);
    expect(await store.lastSeenVersion(signer.keyid)).toBe(6);
    // None acceptable: every refusal is named, with the first manifest code.
    const err = await acceptNewestManifest(copies.slice(0, 2), { trustStore: store, trustedKeys: [signer], now: () => now }).catch((e: unknown) => e);
    expect(accepted.source).toBe('https://a.example/manifest.json'); // the first of equal copies
    expect(err).toMatchObject({ code: ManifestErrorCode.Rollback });
    expect((err as Error).message).toContain('no acceptable manifest at 2 location(s)');
    expect((err as Error).message).toContain('https://c.example/manifest.json: ');
  });

  it('keeps its state under POTIONS_STATE_DIR, XDG_STATE_HOME or ~/.local/state', () => {
    expect(defaultStateDir({ POTIONS_STATE_DIR: '/s' }, '/home/u')).toBe('/s');
    expect(defaultStateDir({ XDG_STATE_HOME: '/x' }, '/home/u')).toBe(path.join('/x', 'potions'));
    expect(defaultStateDir({}, '/home/u')).toBe(path.join('/home/u', '.local', 'state', 'potions'));
  });
});
