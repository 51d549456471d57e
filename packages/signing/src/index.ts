export { SigningErrorCode } from './errors';
export { BUNDLE_SUFFIX, BUNDLE_MEDIA_TYPE, bundlePathFor, parseBundle, bundleFacts } from './bundle';
export type { Bundle, SerializedBundle, BundleFacts } from './bundle';
export { IN_TOTO_PAYLOAD_TYPE } from './signer';
export type { ArtifactSigner, SignedBundle, SigningKind } from './signer';
export { SigstoreKeylessSigner, PUBLIC_GOOD_SERVICES, SigstoreServicesSchema, sigstoreServicesFromJson } from './keyless-signer';
export type { SigstoreServices, SigstoreKeylessSignerOptions } from './keyless-signer';
export { KeyBundleSigner, generateSigningKey, signingKeyId, signingPublicKeyFromPem } from './key-signer';
export type { GeneratedSigningKey } from './key-signer';
export { ensureSigningKey, keyBundleSignerFromFile, SIGNING_KEY_FILE, SIGNING_PUBLIC_KEY_FILE } from './local-signing-key';
export type { LocalSigningKey } from './local-signing-key';
export {
  GITHUB_ACTIONS_ISSUER,
  SIGSTORE_AUDIENCE,
  OIDC_TOKEN_ENV,
  githubWorkflowIdentity,
  claimsOfIdToken,
  idTokenProviderFromEnv,
} from './identity';
export type { IdTokenProvider } from './identity';
export { trustedRootFromJson, trustedRootFromFile, publicGoodTrustedRoot } from './trusted-root';
export type { TrustedRootJson, TrustedRootSource, PublicGoodTrustedRootOptions } from './trusted-root';
export { SigningTrustSchema, KeylessIdentitySchema, TrustedKeySchema, signingTrustFromJson } from './trust';
export type { SigningTrust, KeylessIdentity, TrustedKey } from './trust';
export { verifyArtifact, verifyArtifactFile, verifyStatement, SigstoreBundleVerifier, KeyBundleVerifier } from './verify';
export type { VerifyOptions, VerifiedSignature, BundleVerifier } from './verify';
export {
  IN_TOTO_STATEMENT_TYPE,
  SLSA_PROVENANCE_TYPE,
  RECIPE_BUILD_TYPE,
  LOCAL_BUILDER_ID,
  subjectsOfBuild,
  provenanceStatement,
  buildContextFromGitHub,
  localBuildContext,
  provenanceBundleName,
} from './provenance';
export type { InTotoStatement, InTotoSubject, ResourceDescriptor, SlsaProvenance, BuildContext } from './provenance';
export { signFiles, signProvenance } from './sign-files';
export type { SignedFile, SignedProvenance, WrittenBundle, SignFilesOptions, SignProvenanceOptions } from './sign-files';
