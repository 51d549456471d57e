import { createHash, generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { bundleFromJSON } from '@sigstore/bundle';
import { KeyBundleSigner, generateSigningKey, signingKeyId, signingPublicKeyFromPem } from './key-signer';
import { IN_TOTO_STATEMENT_TYPE, SLSA_PROVENANCE_TYPE, type InTotoStatement } from './provenance';
import { verifyArtifact, verifyStatement } from './verify';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('KeyBundleSigner (ECDSA P-256)', () => {
  const key = generateSigningKey();
  const signer = KeyBundleSigner.fromPem(key.privateKeyPem);

  it('names the key by the sha256 of its DER public key, as the manifest names its keys', () => {
    expect(signer.keyId).toBe(key.keyId);
    expect(signer.keyId).toBe(signingKeyId(signingPublicKeyFromPem(key.publicKeyPem)));
    expect(signer.keyId).toMatch(/^[0-9a-f]{64}$/);
    expect(signer.publicKeyPem()).toBe(key.publicKeyPem);
  });

  it('signs into a v0.3 bundle with a public-key hint and no log entry, which verifies with the public key', async () => {
    const bytes = Buffer.from('artifact bytes');
    const signed = await signer.sign(bytes);
    expect(signed).toMatchObject({ kind: 'key', keyId: key.keyId });
    const parsed = bundleFromJSON(signed.bundle);
    expect(parsed.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(parsed.verificationMaterial.content).toEqual({ $case: 'publicKey', publicKey: { hint: key.keyId } });
    expect(parsed.verificationMaterial.tlogEntries).toEqual([]);
    expect(parsed.content.$case === 'messageSignature' && Buffer.from(parsed.content.messageSignature.messageDigest!.digest).toString('hex')).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
    await expect(verifyArtifact(bytes, signed.bundle, { trust: { keys: [{ publicKey: key.publicKeyPem }] } })).resolves.toMatchObject({ kind: 'key', keyId: key.keyId });
  });

  it('signs statements as DSSE with the key id in the signature', async () => {
    const statement: InTotoStatement = { _type: IN_TOTO_STATEMENT_TYPE, subject: [{ name: 'a', digest: { sha256: 'ab'.repeat(32) } }], predicateType: SLSA_PROVENANCE_TYPE, predicate: {} };
    const signed = await signer.signStatement(statement);
    const parsed = bundleFromJSON(signed.bundle);
    expect(parsed.content.$case === 'dsseEnvelope' && parsed.content.dsseEnvelope.signatures[0]!.keyid).toBe(key.keyId);
    await expect(verifyStatement(signed.bundle, { trust: { keys: [{ publicKey: key.publicKeyPem }] } })).resolves.toMatchObject({ statement });
  });

  it('accepts SEC1 "EC PRIVATE KEY" PEM too', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sec1 = privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    expect(KeyBundleSigner.fromPem(sec1).keyId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses other key types, saying what it found, and never quotes the key', () => {
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => KeyBundleSigner.fromPem(ed, 'key file k.pem')).toThrow('key file k.pem holds a ed25519 key, expected an ECDSA P-256 key');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => KeyBundleSigner.fromPem(p384)).toThrow('holds an EC key on secp384r1, expected an ECDSA P-256 key');
    expect(codeOf(() => KeyBundleSigner.fromPem('-----BEGIN PRIVATE KEY-----\nsecret-ish\n-----END PRIVATE KEY-----'))).toBe('E_SIGNING_KEY');
    try {
      KeyBundleSigner.fromPem('-----BEGIN PRIVATE KEY-----\nsecret-ish\n-----END PRIVATE KEY-----');
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('secret-ish');
    }
  });

  it('keeps the private key out of logs and JSON', () => {
    const body = key.privateKeyPem.split('\n')[1]!;
    expect(JSON.stringify(signer)).toBe(JSON.stringify({ kind: 'key', keyId: key.keyId }));
    expect(inspect(signer, { depth: 5 })).not.toContain(body);
  });
});
