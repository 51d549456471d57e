/**
 * Every error code this package throws. Verification failures are the
 * user's business (a file, a bundle or a trust setting is wrong), so they are
 * `UserError`s with these codes; compare by `code`.
 */
export const SigningErrorCode = {
  /** The bundle is not JSON, not a Sigstore bundle, or a bundle version this reader does not take. */
  BundleMalformed: 'E_SIGNING_BUNDLE_MALFORMED',
  /** The file is not what the bundle signs, and nothing tells whether the file or the bundle is the wrong one. */
  DigestMismatch: 'E_SIGNING_DIGEST_MISMATCH',
  /** The file changed after it was signed: the bundle signs the digest the file was expected to have. */
  ArtifactTampered: 'E_SIGNING_ARTIFACT_TAMPERED',
  /** The bundle signs another file: this file has the digest it was expected to have, the bundle another. */
  WrongBundle: 'E_SIGNING_WRONG_BUNDLE',
  /** The signature does not verify over what the bundle says it signs (the bundle was altered). */
  BadSignature: 'E_SIGNING_BAD_SIGNATURE',
  /** Keyless: the certificate's identity (SAN) does not match the identity pinned. */
  IdentityMismatch: 'E_SIGNING_IDENTITY_MISMATCH',
  /** Keyless: the certificate's OIDC issuer is not the issuer pinned. */
  IssuerMismatch: 'E_SIGNING_ISSUER_MISMATCH',
  /** Keyless: the certificate's source repository is not the one pinned. */
  SourceRepositoryMismatch: 'E_SIGNING_SOURCE_REPOSITORY_MISMATCH',
  /** Keyless: no trusted time inside the certificate's validity (no timestamp, or one outside it). */
  CertificateExpired: 'E_SIGNING_CERTIFICATE_EXPIRED',
  /** Keyless: the certificate does not chain to a trusted Fulcio, or lacks a valid SCT. */
  UntrustedCertificate: 'E_SIGNING_UNTRUSTED_CERTIFICATE',
  /** Keyless: the transparency-log entry is missing or does not verify. */
  TransparencyLog: 'E_SIGNING_TRANSPARENCY_LOG',
  /** Keyless: an RFC 3161 timestamp does not verify against a trusted timestamp authority. */
  Timestamp: 'E_SIGNING_TIMESTAMP',
  /** Key: the bundle names a key that is not trusted. */
  UnknownKey: 'E_SIGNING_UNKNOWN_KEY',
  /** Key: the key's validity ended (trust settings `expires`). */
  KeyExpired: 'E_SIGNING_KEY_EXPIRED',
  /** Key: the key is on the revocation list of the trust settings. */
  KeyRevoked: 'E_SIGNING_KEY_REVOKED',
  /** The bundle is keyless and only keys are trusted, or the reverse. */
  WrongKind: 'E_SIGNING_WRONG_KIND',
  /** A provenance bundle does not name the file among its subjects, or is not SLSA provenance. */
  SubjectMismatch: 'E_SIGNING_SUBJECT_MISMATCH',
  /** The trust settings or identity pattern are unusable (nothing trusted, a bad regular expression). */
  Policy: 'E_SIGNING_POLICY',
  /** The Sigstore trusted root cannot be had or read. */
  TrustedRoot: 'E_SIGNING_TRUSTED_ROOT',
  /** A signing key is missing, unreadable or not ECDSA P-256. */
  Key: 'E_SIGNING_KEY',
  /** Keyless signing without an OIDC token, or the token cannot be had. */
  IdentityToken: 'E_SIGNING_IDENTITY_TOKEN',
  /** Fulcio, Rekor or the timestamp authority refused or could not be reached. */
  Service: 'E_SIGNING_SERVICE',
  /** The build metadata or the files given for provenance are wrong or disagree. */
  ProvenanceInput: 'E_SIGNING_PROVENANCE_INPUT',
  /** Two inputs would write the same bundle file. */
  BundleCollision: 'E_SIGNING_BUNDLE_COLLISION',
  /** A file to sign or verify cannot be read. */
  Unreadable: 'E_SIGNING_UNREADABLE',
} as const;

export type SigningErrorCode = (typeof SigningErrorCode)[keyof typeof SigningErrorCode];
