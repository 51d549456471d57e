import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SIGNING_KEY_FILE, SIGNING_PUBLIC_KEY_FILE, ensureSigningKey, keyBundleSignerFromFile } from './local-signing-key';
import { verifyArtifact } from './verify';

describe('the local signing key', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-signing-key-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('is made on first use (private 0600, public beside it) and reused after', async () => {
    const keys = path.join(dir, 'state', 'keys');
    const first = await ensureSigningKey(keys);
    expect(first.created).toBe(true);
    expect(first.privateKeyFile).toBe(path.join(keys, SIGNING_KEY_FILE));
    expect((await fs.stat(first.privateKeyFile)).mode & 0o777).toBe(0o600);
    expect(await fs.readFile(path.join(keys, SIGNING_PUBLIC_KEY_FILE), 'utf8')).toBe(first.publicKeyPem);
    const again = await ensureSigningKey(keys);
    expect(again.created).toBe(false);
    expect(again.signer.keyId).toBe(first.signer.keyId);
    // What it signs verifies with the public key file.
    const signed = await again.signer.sign(Buffer.from('x'));
    await expect(verifyArtifact(Buffer.from('x'), signed.bundle, { trust: { keys: [{ publicKey: await fs.readFile(first.publicKeyFile, 'utf8') }] } })).resolves.toMatchObject({
      keyId: first.signer.keyId,
    });
  });

  it('agrees on one key when several processes make it at once, and repairs a stale public key', async () => {
    const made = await Promise.all(Array.from({ length: 6 }, () => ensureSigningKey(dir)));
    expect(new Set(made.map((k) => k.signer.keyId)).size).toBe(1);
    expect(made.filter((k) => k.created)).toHaveLength(1);
    expect((await fs.readdir(dir)).sort()).toEqual([SIGNING_KEY_FILE, SIGNING_PUBLIC_KEY_FILE]);
    await fs.writeFile(path.join(dir, SIGNING_PUBLIC_KEY_FILE), 'stale');
    const k = await ensureSigningKey(dir);
    expect(await fs.readFile(path.join(dir, SIGNING_PUBLIC_KEY_FILE), 'utf8')).toBe(k.publicKeyPem);
  });

  it('reads a key file, and says when it cannot', async () => {
    const k = await ensureSigningKey(dir);
    expect((await keyBundleSignerFromFile(k.privateKeyFile)).keyId).toBe(k.signer.keyId);
    await expect(keyBundleSignerFromFile(path.join(dir, 'none.pem'))).rejects.toMatchObject({ code: 'E_SIGNING_KEY', location: { file: path.join(dir, 'none.pem') } });
  });
});
