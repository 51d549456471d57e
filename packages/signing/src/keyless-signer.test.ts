import { createHash } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { GITHUB_ACTIONS_ISSUER, githubWorkflowIdentity } from './identity';
import { PUBLIC_GOOD_SERVICES, SigstoreKeylessSigner, sigstoreServicesFromJson } from './keyless-signer';
import { IN_TOTO_STATEMENT_TYPE, SLSA_PROVENANCE_TYPE, type InTotoStatement } from './provenance';
import { githubClaims, startSigstoreTestServices, type SigstoreTestServices } from './testing';
import type { SigningTrust } from './trust';
import { verifyArtifact, verifyStatement } from './verify';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The release workflow of this repository, called from acme/tools (what `githubClaims()` describes). */
const release = {
  identity: githubWorkflowIdentity({ repository: 'potions/actions', workflowPath: '.github/workflows/release.yml' }),
  issuer: GITHUB_ACTIONS_ISSUER,
  sourceRepository: 'https://github.com/acme/tools',
};

async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
  throw new Error('expected a rejection');
}

describe('keyless signing against offline Fulcio, Rekor and a timestamp authority', () => {
  let svc: SigstoreTestServices;
  let other: SigstoreTestServices;
  let signer: SigstoreKeylessSigner;
  const bytes = Buffer.from('hello-2.10-linux-amd64.tar.gz bytes');
  let bundle: Record<string, unknown>;
  const trust: SigningTrust = { identities: [release] };

  beforeAll(async () => {
    [svc, other] = await Promise.all([startSigstoreTestServices(), startSigstoreTestServices()]);
    signer = new SigstoreKeylessSigner({ idToken: async () => svc.idToken(), services: svc.services });
    bundle = (await signer.sign(bytes)).bundle as unknown as Record<string, unknown>;
  });
  afterAll(async () => {
    await Promise.all([svc.close(), other.close()]);
  });

  const verify = (b: unknown, extra: Partial<Parameters<typeof verifyArtifact>[2]> = {}, data: Uint8Array = bytes) =>
    verifyArtifact(data, b, { trust, trustedRoot: svc.trustedRoot, name: 'hello.tar.gz', bundleName: 'hello.tar.gz.sigstore.json', ...extra });

  it('writes a v0.3 bundle: the leaf certificate, a hashedrekord Rekor entry with inclusion proof, an RFC 3161 timestamp', async () => {
    const parsed = bundleFromJSON(bundle);
    expect(parsed.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(parsed.verificationMaterial.content.$case).toBe('certificate');
    expect(parsed.verificationMaterial.tlogEntries).toHaveLength(1);
    expect(parsed.verificationMaterial.tlogEntries[0]!.kindVersion?.kind).toBe('hashedrekord');
    expect(parsed.verificationMaterial.tlogEntries[0]!.inclusionProof?.checkpoint?.envelope).toContain(new URL(svc.url).host);
    expect(parsed.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(1);
    // Each service was asked once: Fulcio for the certificate, Rekor, the TSA.
    expect(svc.requests.map((r) => r.path).sort()).toEqual(['/api/v1/log/entries', '/api/v1/timestamp', '/api/v2/signingCert']);
  });

  it('verifies with the pinned workflow identity, issuer and source repository, and says who signed when', async () => {
    const v = await verify(bundle);
    expect(v).toMatchObject({
      kind: 'keyless',
      content: 'message-signature',
      sha256: sha256(bytes),
      certificateIdentity: 'https://github.com/potions/actions/.github/workflows/release.yml@refs/tags/v1',
      issuer: GITHUB_ACTIONS_ISSUER,
      sourceRepository: 'https://github.com/acme/tools',
      signedAt: svc.signingTime.toISOString(),
    });
    expect(v.logIndex).toMatch(/^\d+$/);
    // Still verifies long after the ten-minute certificate expired: the timestamps prove when it was used.
    await expect(verify(bundle, { now: () => new Date(svc.signingTime.getTime() + 365 * 86400_000) })).resolves.toMatchObject({ kind: 'keyless' });
  });

  it('refuses a tampered file, and tells a changed file from a bundle of another file when the expected digest is known', async () => {
    const changed = Buffer.from(bytes);
    changed[0] = changed[0]! ^ 1;
    expect(await rejection(verify(bundle, {}, changed))).toEqual({
      code: 'E_SIGNING_DIGEST_MISMATCH',
      message: `hello.tar.gz is not the file hello.tar.gz.sigstore.json signs: the file has sha256 ${sha256(changed)}, the bundle signs ${sha256(bytes)}`,
    });
    expect((await rejection(verify(bundle, { expectedSha256: sha256(bytes) }, changed))).code).toBe('E_SIGNING_ARTIFACT_TAMPERED');
    const another = Buffer.from('another artifact');
    const r = await rejection(verify(bundle, { expectedSha256: sha256(another) }, another));
    expect(r.code).toBe('E_SIGNING_WRONG_BUNDLE');
    expect(r.message).toContain('is the bundle of another file');
  });

  it('refuses an altered signature', async () => {
    type Shape = { messageSignature: { signature: string }; verificationMaterial: { timestampVerificationData: { rfc3161Timestamps: unknown[] } } };
    const altered = structuredClone(bundle) as Shape;
    const sig = Buffer.from(altered.messageSignature.signature, 'base64');
    sig[sig.length - 1] = sig[sig.length - 1]! ^ 1;
    altered.messageSignature.signature = sig.toString('base64');
    // The RFC 3161 timestamp was made over the original signature: it is the first check to object...
    expect(await rejection(verify(altered))).toEqual({
      code: 'E_SIGNING_TIMESTAMP',
      message: 'hello.tar.gz (hello.tar.gz.sigstore.json): a timestamp does not verify (timestamp could not be verified)',
    });
    // ...and without it, the Rekor entry, which recorded the original signature.
    altered.verificationMaterial.timestampVerificationData.rfc3161Timestamps = [];
    expect((await rejection(verify(altered))).code).toBe('E_SIGNING_TRANSPARENCY_LOG');
  });

  it('refuses a wrong identity, a wrong issuer and a wrong source repository, each by name', async () => {
    const wrongWorkflow = await rejection(
      verify(bundle, { trust: { identities: [{ ...release, identity: githubWorkflowIdentity({ repository: 'potions/actions', workflowPath: '.github/workflows/other.yml' }) }] } }),
    );
    expect(wrongWorkflow.code).toBe('E_SIGNING_IDENTITY_MISMATCH');
    expect(wrongWorkflow.message).toContain('signed by https://github.com/potions/actions/.github/workflows/release.yml@refs/tags/v1, which does not match');
    // Anchored at both ends: a pattern for a prefix of the identity does not match.
    const prefix = await rejection(verify(bundle, { trust: { identities: [{ ...release, identity: 'https://github\\.com/potions/actions/' }] } }));
    expect(prefix.code).toBe('E_SIGNING_IDENTITY_MISMATCH');
    const issuer = await rejection(verify(bundle, { trust: { identities: [{ ...release, issuer: 'https://accounts.google.com' }] } }));
    expect(issuer).toEqual({
      code: 'E_SIGNING_ISSUER_MISMATCH',
      message: `hello.tar.gz (hello.tar.gz.sigstore.json): the certificate was issued for OIDC issuer ${GITHUB_ACTIONS_ISSUER}, expected https://accounts.google.com`,
    });
    const repo = await rejection(verify(bundle, { trust: { identities: [{ ...release, sourceRepository: 'https://github.com/mallory/tools' }] } }));
    expect(repo.code).toBe('E_SIGNING_SOURCE_REPOSITORY_MISMATCH');
    // A pattern that is not a regular expression is the trust settings' fault, and says so.
    const bad = await rejection(verify(bundle, { trust: { identities: [{ ...release, identity: '(unclosed' }] } }));
    expect(bad.code).toBe('E_SIGNING_POLICY');
    expect(bad.message).toContain('the identity pattern "(unclosed" is not a regular expression');
    // Any one of several identities will do.
    await expect(verify(bundle, { trust: { identities: [{ ...release, issuer: 'https://accounts.google.com' }, release] } })).resolves.toMatchObject({ kind: 'keyless' });
  });

  it('refuses a certificate outside its validity when the bundle has no timestamp', async () => {
    const bare = structuredClone(bundle) as { verificationMaterial: { tlogEntries: unknown[]; timestampVerificationData: { rfc3161Timestamps: unknown[] } } };
    bare.verificationMaterial.tlogEntries = [];
    bare.verificationMaterial.timestampVerificationData.rfc3161Timestamps = [];
    const later = () => new Date(svc.signingTime.getTime() + 11 * 60_000);
    const r = await rejection(verify(bare, { now: later }));
    expect(r.code).toBe('E_SIGNING_CERTIFICATE_EXPIRED');
    expect(r.message).toContain(`was valid from ${svc.signingTime.toISOString()} to ${new Date(svc.signingTime.getTime() + 600_000).toISOString()} and the bundle has no timestamp`);
    // Inside the ten minutes it is still refused: a keyless signature needs its log entry.
    expect((await rejection(verify(bare, { now: () => svc.signingTime }))).code).toBe('E_SIGNING_TIMESTAMP');
  });

  it('refuses a bundle of another Sigstore instance', async () => {
    expect((await rejection(verify(bundle, { trustedRoot: other.trustedRoot }))).code).toBe('E_SIGNING_TIMESTAMP');
    const noTsa = structuredClone(bundle) as { verificationMaterial: { timestampVerificationData: { rfc3161Timestamps: unknown[] } } };
    noTsa.verificationMaterial.timestampVerificationData.rfc3161Timestamps = [];
    expect((await rejection(verify(noTsa, { trustedRoot: other.trustedRoot }))).code).toBe('E_SIGNING_UNTRUSTED_CERTIFICATE');
  });

  it('refuses a keyless bundle when only keys are trusted, and needs a trusted root', async () => {
    const { generateSigningKey } = await import('./key-signer');
    expect((await rejection(verify(bundle, { trust: { keys: [{ publicKey: generateSigningKey().publicKeyPem }] } }))).code).toBe('E_SIGNING_WRONG_KIND');
    expect((await rejection(verifyArtifact(bytes, bundle, { trust }))).code).toBe('E_SIGNING_TRUSTED_ROOT');
  });

  it('signs an in-toto statement as DSSE (Rekor intoto entry) and verifies its subjects', async () => {
    const dsseSigner = new SigstoreKeylessSigner({ idToken: async () => svc.idToken(), services: { ...svc.services, rekorDsseEntryType: 'intoto' } });
    const statement: InTotoStatement = {
      _type: IN_TOTO_STATEMENT_TYPE,
      subject: [{ name: 'hello.tar.gz', digest: { sha256: sha256(bytes) } }],
      predicateType: SLSA_PROVENANCE_TYPE,
      predicate: { buildDefinition: { buildType: 'x', externalParameters: {} }, runDetails: { builder: { id: 'y' } } },
    };
    const signed = await dsseSigner.signStatement(statement);
    const parsed = bundleFromJSON(signed.bundle);
    expect(parsed.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(parsed.content.$case).toBe('dsseEnvelope');
    expect(parsed.verificationMaterial.tlogEntries[0]!.kindVersion?.kind).toBe('intoto');
    const v = await verifyStatement(signed.bundle, { trust, trustedRoot: svc.trustedRoot, predicateType: SLSA_PROVENANCE_TYPE, subjects: [{ name: 'hello.tar.gz', sha256: sha256(bytes) }] });
    expect(v.statement).toEqual(statement);
    // The artifact verifies against the provenance bundle too (as `gh attestation verify FILE --bundle` does)...
    await expect(verify(signed.bundle)).resolves.toMatchObject({ content: 'dsse', sha256: sha256(bytes) });
    // ...and another file does not.
    const r = await rejection(verify(signed.bundle, {}, Buffer.from('other')));
    expect(r.code).toBe('E_SIGNING_SUBJECT_MISMATCH');
    expect(r.message).toContain('its subjects are hello.tar.gz');
  });

  it('says which service failed, and never quotes the identity token', async () => {
    const token = svc.idToken(githubClaims());
    const down = new SigstoreKeylessSigner({ idToken: async () => token, services: { ...svc.services, rekorUrl: 'http://127.0.0.1:1' }, retries: 0, timeoutMs: 2000 });
    const r = await rejection(down.sign(bytes));
    expect(r.code).toBe('E_SIGNING_SERVICE');
    expect(r.message).toMatch(/^Rekor refused or could not be reached/);
    const garbage = new SigstoreKeylessSigner({ idToken: async () => 'not-a-jwt-secret', services: svc.services });
    const g = await rejection(garbage.sign(bytes));
    expect(g.code).toBe('E_SIGNING_IDENTITY_TOKEN');
    expect(g.message).not.toContain('not-a-jwt-secret');
  });

  it('reads a private instance\'s services, and refuses what is not one', () => {
    expect(sigstoreServicesFromJson(JSON.parse(JSON.stringify(PUBLIC_GOOD_SERVICES)))).toEqual(PUBLIC_GOOD_SERVICES);
    expect(() => sigstoreServicesFromJson({ fulcioUrl: 'https://f', rekorUrl: 'ftp://r' }, 'sigstore.json')).toThrow(/^sigstore\.json is not a Sigstore services description: rekorUrl:/);
    expect(() => sigstoreServicesFromJson({ fulcioUrl: 'https://f', rekorUrl: 'https://r', rekorDsseEntryType: 'v2' })).toThrow('rekorDsseEntryType');
  });
});
