import { describeError, hasCode } from '@potions/core';
import { canonicalBytes } from './canonical';
import { encodeSignedManifest, signManifest, verifyManifest } from './envelope';
import { ManifestErrorCode } from './errors';
import { generateManifestKey, LocalKeySigner } from './keys';
import { planManifestPublish } from './plan';
import type { Manifest } from './schema';
import { availablePlatformInput } from './testing';

const now = new Date('2025-03-01T00:00:00Z');
const signer = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
const stranger = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);

function manifest(version = 3): Manifest {
  const plan = planManifestPublish({
    existing: [],
    now,
    expiresInDays: 30,
    minVersion: version,
    release: {
      packages: [
        {
          name: 'jq',
          version: '1.7.1',
          platforms: { 'linux-amd64': availablePlatformInput({ name: 'jq', version: '1.7.1', platform: 'linux-amd64', urls: ['https://a.example'] }) },
        },
      ],
    },
  });
  return plan.manifest;
}

async function bytesOf(m: Manifest, by: LocalKeySigner = signer): Promise<Uint8Array> {
  return encodeSignedManifest(await signManifest(m, by));
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('verifyManifest', () => {
  it('accepts a manifest signed by a trusted key and returns its content', async () => {
    const m = manifest();
    const verified = await verifyManifest(await bytesOf(m), { trustedKeys: [signer], now: () => now, lastSeenVersion: 3 });
    expect(verified.manifest).toEqual(m);
    expect(verified.keyid).toBe(signer.keyid);
  });

  it('signs the canonical JSON, so the stored layout does not matter', async () => {
    const signed = await signManifest(manifest(), signer);
    const compact = JSON.stringify({ signatures: signed.signatures, signed: signed.signed });
    await expect(verifyManifest(compact, { trustedKeys: [signer], now: () => now })).resolves.toBeDefined();
    expect(new TextDecoder().decode(canonicalBytes({ b: 1, a: [2, { d: 1, c: 'x' }] }))).toBe('{"a":[2,{"c":"x","d":1}],"b":1}');
  });

  it('rejects a body with one byte changed (bad signature)', async () => {
    const bytes = await bytesOf(manifest());
    const text = new TextDecoder().decode(bytes);
    const at = text.indexOf('"sha256": "') + '"sha256": "'.length;
    const tampered = new Uint8Array(bytes);
    tampered[at] = tampered[at] === 0x61 ? 0x62 : 0x61; // one hex digit of a digest
    const err = await rejection(verifyManifest(tampered, { trustedKeys: [signer], now: () => now }));
    expect(err.code).toBe(ManifestErrorCode.BadSignature);
    expect(describeError(err)).toContain('does not match its content');
  });

  it('rejects a signature that claims a trusted keyid but was made by another key', async () => {
    const signed = await signManifest(manifest(), stranger);
    signed.signatures[0]!.keyid = signer.keyid;
    const err = await rejection(verifyManifest(encodeSignedManifest(signed), { trustedKeys: [signer], now: () => now }));
    expect(err.code).toBe(ManifestErrorCode.BadSignature);
  });

  it('rejects a manifest signed only by a key it does not trust', async () => {
    const err = await rejection(verifyManifest(await bytesOf(manifest(), stranger), { trustedKeys: [signer], now: () => now }));
    expect(err.code).toBe(ManifestErrorCode.UnknownKey);
    expect(err.message).toContain(stranger.keyid.slice(0, 16));
    expect(err.message).toContain(signer.keyid.slice(0, 16));
  });

  it('rejects a version older than one already seen (rollback)', async () => {
    const err = await rejection(verifyManifest(await bytesOf(manifest(3)), { trustedKeys: [signer], now: () => now, lastSeenVersion: 4 }));
    expect(err.code).toBe(ManifestErrorCode.Rollback);
    expect(err.message).toContain('version 3, older than version 4');
  });

  it('rejects an expired manifest', async () => {
    const later = new Date(now.getTime() + 31 * 86_400_000);
    const err = await rejection(verifyManifest(await bytesOf(manifest()), { trustedKeys: [signer], now: () => later }));
    expect(err.code).toBe(ManifestErrorCode.Expired);
    expect(err.message).toContain('expired at 2025-03-31T00:00:00.000Z');
  });

  it('rejects what is not JSON, and a signed body of a schema version it does not know', async () => {
    expect((await rejection(verifyManifest('<html>', { trustedKeys: [signer], now: () => now }))).code).toBe(ManifestErrorCode.Malformed);
    const future = { ...manifest(), schemaVersion: 2 } as unknown as Manifest;
    const err = await rejection(verifyManifest(await bytesOf(future), { trustedKeys: [signer], now: () => now }));
    expect(err.code).toBe(ManifestErrorCode.UnsupportedSchema);
    expect(hasCode(err, ManifestErrorCode.UnsupportedSchema)).toBe(true);
  });
});
