import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KeyBundleSigner, generateSigningKey } from './key-signer';
import { GITHUB_ACTIONS_ISSUER } from './identity';
import type { SigningTrust } from './trust';
import { verifyArtifact, verifyArtifactFile } from './verify';

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
  throw new Error('expected a rejection');
}

describe('verifying key bundles against trust settings', () => {
  const key = generateSigningKey();
  const other = generateSigningKey();
  const signer = KeyBundleSigner.fromPem(key.privateKeyPem);
  const bytes = Buffer.from('the artifact');
  let bundle: Record<string, unknown>;
  const trust: SigningTrust = { keys: [{ publicKey: key.publicKeyPem }] };
  const opts = { name: 'a.tar.gz', bundleName: 'a.tar.gz.sigstore.json' };

  beforeAll(async () => {
    bundle = (await signer.sign(bytes)).bundle as unknown as Record<string, unknown>;
  });

  it('accepts the trusted key, and one of several', async () => {
    await expect(verifyArtifact(bytes, bundle, { trust, ...opts })).resolves.toEqual({
      kind: 'key',
      keyId: key.keyId,
      content: 'message-signature',
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    await expect(verifyArtifact(bytes, JSON.stringify(bundle), { trust: { keys: [{ publicKey: other.publicKeyPem }, { publicKey: key.publicKeyPem }] } })).resolves.toMatchObject({
      keyId: key.keyId,
    });
  });

  it('refuses a key that is not trusted, naming it and the trusted ones', async () => {
    expect(await rejection(verifyArtifact(bytes, bundle, { trust: { keys: [{ publicKey: other.publicKeyPem }] }, ...opts }))).toEqual({
      code: 'E_SIGNING_UNKNOWN_KEY',
      message: `a.tar.gz (a.tar.gz.sigstore.json): signed by key ${key.keyId}, which is not trusted (trusted: ${other.keyId.slice(0, 16)})`,
    });
  });

  it('refuses a revoked key even when it is trusted', async () => {
    const r = await rejection(verifyArtifact(bytes, bundle, { trust: { ...trust, revokedKeys: [key.keyId] }, ...opts }));
    expect(r).toEqual({ code: 'E_SIGNING_KEY_REVOKED', message: `a.tar.gz (a.tar.gz.sigstore.json): signed by key ${key.keyId}, which the trust settings revoke` });
  });

  it('refuses a key past its expiry, and accepts it before', async () => {
    const expiring: SigningTrust = { keys: [{ publicKey: key.publicKeyPem, expires: '2026-01-01T00:00:00Z' }] };
    await expect(verifyArtifact(bytes, bundle, { trust: expiring, now: () => new Date('2025-12-31T23:59:59Z') })).resolves.toMatchObject({ kind: 'key' });
    expect(await rejection(verifyArtifact(bytes, bundle, { trust: expiring, now: () => new Date('2026-01-01T00:00:01Z'), ...opts }))).toEqual({
      code: 'E_SIGNING_KEY_EXPIRED',
      message: `a.tar.gz (a.tar.gz.sigstore.json): signed by key ${key.keyId}, whose validity ended 2026-01-01T00:00:00.000Z`,
    });
  });

  it('refuses an altered signature, and a hint changed to name another trusted key', async () => {
    const altered = structuredClone(bundle) as { messageSignature: { signature: string }; verificationMaterial: { publicKey: { hint: string } } };
    const sig = Buffer.from(altered.messageSignature.signature, 'base64');
    sig[10] = sig[10]! ^ 1;
    altered.messageSignature.signature = sig.toString('base64');
    expect((await rejection(verifyArtifact(bytes, altered, { trust }))).code).toBe('E_SIGNING_BAD_SIGNATURE');
    const rehinted = structuredClone(bundle) as typeof altered;
    rehinted.verificationMaterial.publicKey.hint = other.keyId;
    const both: SigningTrust = { keys: [{ publicKey: key.publicKeyPem }, { publicKey: other.publicKeyPem }] };
    expect((await rejection(verifyArtifact(bytes, rehinted, { trust: both }))).code).toBe('E_SIGNING_BAD_SIGNATURE');
  });

  it('refuses a tampered file before checking the signature', async () => {
    expect((await rejection(verifyArtifact(Buffer.from('the artifacT'), bundle, { trust }))).code).toBe('E_SIGNING_DIGEST_MISMATCH');
  });

  it('refuses a key bundle when only keyless identities are trusted, and trust settings that trust nothing', async () => {
    const keyless: SigningTrust = { identities: [{ identity: '.*', issuer: GITHUB_ACTIONS_ISSUER }] };
    expect((await rejection(verifyArtifact(bytes, bundle, { trust: keyless }))).code).toBe('E_SIGNING_WRONG_KIND');
    expect((await rejection(verifyArtifact(bytes, bundle, { trust: {} }))).code).toBe('E_SIGNING_POLICY');
  });

  it('refuses what is not a bundle, naming the file', async () => {
    expect(await rejection(verifyArtifact(bytes, '{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}', { trust, ...opts }))).toMatchObject({
      code: 'E_SIGNING_BUNDLE_MALFORMED',
      message: expect.stringContaining('a.tar.gz.sigstore.json is not a Sigstore bundle'),
    });
    expect((await rejection(verifyArtifact(bytes, 'not json', { trust, ...opts }))).message).toMatch(/^a\.tar\.gz\.sigstore\.json is not JSON/);
  });

  it('verifies files on disk, and says which file cannot be read', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-verify-'));
    try {
      await fs.writeFile(path.join(dir, 'a'), bytes);
      await fs.writeFile(path.join(dir, 'a.sigstore.json'), JSON.stringify(bundle));
      await expect(verifyArtifactFile(path.join(dir, 'a'), path.join(dir, 'a.sigstore.json'), { trust })).resolves.toMatchObject({ kind: 'key' });
      const r = await rejection(verifyArtifactFile(path.join(dir, 'a'), path.join(dir, 'missing.sigstore.json'), { trust }));
      expect(r.code).toBe('E_SIGNING_UNREADABLE');
      expect(r.message).toContain('cannot read the bundle');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
