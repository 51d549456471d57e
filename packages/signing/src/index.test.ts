import * as api from './index';

describe('@potions/signing public surface', () => {
  it('exports exactly these values (and no test server)', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'BUNDLE_MEDIA_TYPE',
        'BUNDLE_SUFFIX',
        'GITHUB_ACTIONS_ISSUER',
        'IN_TOTO_PAYLOAD_TYPE',
        'IN_TOTO_STATEMENT_TYPE',
        'KeyBundleSigner',
        'KeyBundleVerifier',
        'KeylessIdentitySchema',
        'LOCAL_BUILDER_ID',
        'OIDC_TOKEN_ENV',
        'PUBLIC_GOOD_SERVICES',
        'RECIPE_BUILD_TYPE',
        'SIGNING_KEY_FILE',
        'SIGNING_PUBLIC_KEY_FILE',
        'SIGSTORE_AUDIENCE',
        'SLSA_PROVENANCE_TYPE',
        'SigningErrorCode',
        'SigningTrustSchema',
        'SigstoreBundleVerifier',
        'SigstoreKeylessSigner',
        'SigstoreServicesSchema',
        'TrustedKeySchema',
        'buildContextFromGitHub',
        'bundleFacts',
        'bundlePathFor',
        'claimsOfIdToken',
        'ensureSigningKey',
        'generateSigningKey',
        'githubWorkflowIdentity',
        'idTokenProviderFromEnv',
        'keyBundleSignerFromFile',
        'localBuildContext',
        'parseBundle',
        'provenanceBundleName',
        'provenanceStatement',
        'publicGoodTrustedRoot',
        'signFiles',
        'signProvenance',
        'signingKeyId',
        'signingPublicKeyFromPem',
        'signingTrustFromJson',
        'sigstoreServicesFromJson',
        'subjectsOfBuild',
        'trustedRootFromFile',
        'trustedRootFromJson',
        'verifyArtifact',
        'verifyArtifactFile',
        'verifyStatement',
      ].sort(),
    );
  });

  it('has every error code in the E_SIGNING_ namespace, each once', () => {
    const codes = Object.values(api.SigningErrorCode);
    expect(codes.every((c) => /^E_SIGNING_[A-Z_]+$/.test(c))).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
