/**
 * Keyless signing in a release, offline: Fulcio, Rekor and a timestamp
 * authority of `@sigstore/mock` served on 127.0.0.1 by `@potions/signing/testing`,
 * a GitHub-shaped OIDC token in POTIONS_OIDC_TOKEN, two real S3 servers.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RecordingReporter, hostPlatform } from '@potions/core';
import { LocalKeySigner, generateManifestKey } from '@potions/manifest';
import { GITHUB_ACTIONS_ISSUER, verifyArtifactFile, verifyStatement } from '@potions/signing';
import { githubClaims, startSigstoreTestServices } from '@potions/signing/testing';
import type { SigstoreTestServices } from '@potions/signing/testing';
import { runRelease } from './release';
import { artifactTrustOf } from './release-sign';
import { describeOnLinuxHost, greetReleaseOptions, useGreetMirrors } from './test-support';

const host = hostPlatform();

describeOnLinuxHost('a release signs keyless when an OIDC token is at hand', () => {
  const world = useGreetMirrors('potions-release-keyless-', ['1.0.0']);
  const signer = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
  let svc: SigstoreTestServices;
  beforeAll(async () => {
    svc = await startSigstoreTestServices();
  });
  afterAll(async () => {
    await svc?.close();
  });

  test('each archive and the provenance get a keyless bundle that the trust settings given to the manifest admit', async () => {
    const token = svc.idToken();
    const reporter = new RecordingReporter();
    const summary = await runRelease({
      ...greetReleaseOptions(world, '1.0.0', 1, signer),
      env: { ...process.env, POTIONS_OIDC_TOKEN: token },
      // The offline Rekor takes DSSE entries as intoto.
      sigstore: { ...svc.services, rekorDsseEntryType: 'intoto' },
      // The check's fetch verifies keyless bundles against the public-good trusted root, which these services are not.
      check: false,
      reporter,
    });
    expect(summary.stages.filter((s) => !s.ok && s.error !== 'disabled')).toEqual([]);
    const claims = githubClaims();
    const identity = `https://github.com/${claims.job_workflow_ref}`;
    expect(summary.signer).toMatchObject({ kind: 'keyless', description: expect.stringContaining('OIDC token from POTIONS_OIDC_TOKEN') });
    const [p] = summary.packages;
    expect(p!.signature).toMatchObject({ kind: 'keyless', identity, reused: 0 });
    expect(p!.published).toBe('available');
    // The token was handed to the reporter to mask, and is nowhere in the summary.
    expect(reporter.secrets).toContain(token);
    expect(JSON.stringify(summary)).not.toContain(token);

    // What the manifest is told to trust: exactly this identity, from GitHub's issuer, for the calling repository.
    const trust = await artifactTrustOf({ signer: { kind: 'keyless', description: 'keyless', sign: async () => undefined as never, signStatement: async () => undefined as never }, info: summary.signer!, token: async () => token }, identity);
    expect(trust).toEqual({
      identities: [{ identity: `^${identity.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, issuer: GITHUB_ACTIONS_ISSUER, sourceRepository: `https://github.com/${claims.repository}` }],
    });
    const dir = path.dirname(p!.artifact!);
    const base = `greet-1.0.0-${host}`;
    for (const f of [`${base}.tar.gz`, `${base}.tar.zst`]) {
      await expect(verifyArtifactFile(path.join(dir, f), path.join(dir, `${f}.sigstore.json`), { trust: trust!, trustedRoot: svc.trustedRoot })).resolves.toMatchObject({
        kind: 'keyless',
        certificateIdentity: identity,
        issuer: GITHUB_ACTIONS_ISSUER,
      });
    }
    const provenance = JSON.parse(await fs.readFile(path.join(dir, `${base}.provenance.sigstore.json`), 'utf8'));
    await expect(verifyStatement(provenance, { trust: trust!, trustedRoot: svc.trustedRoot, subjects: [{ name: `${base}.tar.gz`, sha256: p!.sha256! }] })).resolves.toMatchObject({ kind: 'keyless' });
    // Another repository's release of the same reusable workflow is not admitted.
    const other = { identities: [{ ...trust!.identities![0]!, sourceRepository: 'https://github.com/evil/tools' }] };
    await expect(verifyArtifactFile(path.join(dir, `${base}.tar.gz`), path.join(dir, `${base}.tar.gz.sigstore.json`), { trust: other, trustedRoot: svc.trustedRoot })).rejects.toMatchObject({
      code: 'E_SIGNING_SOURCE_REPOSITORY_MISMATCH',
    });
  });
});
