import { describeError } from '@potions/core';
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
    const err = await rejection(verifyManifest(await signedRaw({ ...manifest(), schemaVersion: 3 }), { trustedKeys: [signer], now: () => now }));
    expect(err.code).toBe(ManifestErrorCode.UnsupportedSchema);
    expect(err.message).toContain('reads schemaVersion 1 and 2');
  });

  it('reads a schemaVersion 1 document as version 2: every available entry is revision 1', async () => {
    const v2 = manifest();
    const amd = v2.packages.jq!['1.7.1']!['linux-amd64']!;
    if (amd.status !== 'available') throw new Error('expected available');
    const { revision: _r, ...v1Entry } = amd;
    const v1 = { schemaVersion: 1, version: 3, expires: v2.expires, packages: { jq: { '1.7.1': { ...v2.packages.jq!['1.7.1'], 'linux-amd64': v1Entry } } } };
    const verified = await verifyManifest(await signedRaw(v1), { trustedKeys: [signer], now: () => now });
    expect(verified.storedSchemaVersion).toBe(1);
    expect(verified.envelope).toBeUndefined(); // its signatures cover the version 1 body only
    expect(verified.manifest).toEqual(v2);
    // A field version 1 did not know is refused in a version 1 document, as version 1 readers did.
    const extra = { ...v1, packages: { jq: { '1.7.1': { ...v1.packages.jq['1.7.1'], 'linux-amd64': { ...v1Entry, revision: 1 } } } } };
    expect((await rejection(verifyManifest(await signedRaw(extra), { trustedKeys: [signer], now: () => now }))).code).toBe(ManifestErrorCode.Invalid);
  });

  it('never signs a manifest readers could not read, and refuses one that was signed anyway', async () => {
    // What `--expires-days 36500000` once signed.
    const bricked = { ...manifest(), expires: '+101960-01-01T00:00:00.000Z' };
    await expect(signManifest(bricked, signer)).rejects.toMatchObject({ code: ManifestErrorCode.Invalid, message: expect.stringContaining('refusing to sign') });
    const err = await rejection(verifyManifest(await signedRaw(bricked), { trustedKeys: [signer], now: () => now }));
    expect(err.code).toBe(ManifestErrorCode.Invalid);
    expect(err.message).toContain('expires');
  });
});

/** Bytes of an envelope over any body, signed without the schema check signManifest makes. */
async function signedRaw(body: unknown, by: LocalKeySigner = signer): Promise<Uint8Array> {
  const sig = Buffer.from(await by.sign(canonicalBytes(body))).toString('base64');
  return new TextEncoder().encode(JSON.stringify({ signed: body, signatures: [{ keyid: by.keyid, sig }] }));
}
