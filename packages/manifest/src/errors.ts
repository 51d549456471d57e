/**
 * Every error code this package throws, in one place, so that callers (the
 * CLI, the actions, the e2e test) can compare by `code` and documentation can
 * list them. Messages are built where the facts are; hints live here.
 */
export const ManifestErrorCode = {
  /** The bytes are not JSON, or not a signed-manifest envelope. */
  Malformed: 'E_MANIFEST_MALFORMED',
  /** Signed correctly but the body does not follow the schema. */
  Invalid: 'E_MANIFEST_INVALID',
  /** A `schemaVersion` this version of Potions does not know. */
  UnsupportedSchema: 'E_MANIFEST_UNSUPPORTED_SCHEMA',
  /** No signature by a key the reader trusts. */
  UnknownKey: 'E_MANIFEST_UNKNOWN_KEY',
  /** A signature by a trusted key that does not match the body (tampered or corrupted). */
  BadSignature: 'E_MANIFEST_BAD_SIGNATURE',
  /** Older than a version this reader has already seen (rollback or a stale cache). */
  Rollback: 'E_MANIFEST_ROLLBACK',
  /** Past its `expires` time (freeze attack, or nobody republished it). */
  Expired: 'E_MANIFEST_EXPIRED',
  /** A second publish with another digest for a published name, version, platform and format. */
  DigestChanged: 'E_MANIFEST_DIGEST_CHANGED',
  /** The same digest published with another file name or size: the inputs disagree with themselves. */
  Conflict: 'E_MANIFEST_CONFLICT',
  /** The release description handed to the publisher is wrong. */
  ReleaseInvalid: 'E_MANIFEST_RELEASE_INVALID',
  /** The sync result says some file is on fewer mirrors than the policy asks for. */
  SyncPolicyNotMet: 'E_MANIFEST_SYNC_POLICY',
  /** The manifest already on a mirror is not signed by a key the publisher trusts. */
  ExistingUntrusted: 'E_MANIFEST_EXISTING_UNTRUSTED',
  /** A conditional write lost to a concurrent writer (stores throw this; the publisher retries). */
  PreconditionFailed: 'E_MANIFEST_STORE_PRECONDITION',
  /** Concurrent publishers kept winning until the attempts ran out. */
  ConflictRetriesExhausted: 'E_MANIFEST_CONFLICT_RETRIES',
  /** The signing key is missing or unusable. */
  Key: 'E_MANIFEST_KEY',
  /** `selectArtifact`: no such package or version. */
  NotFound: 'E_MANIFEST_NOT_FOUND',
  /** `selectArtifact`: the platform is listed as unavailable. */
  PlatformUnavailable: 'E_MANIFEST_PLATFORM_UNAVAILABLE',
  /** `selectArtifact`: the version (or platform of it) was withdrawn; the reason is in the message. */
  Withdrawn: 'E_MANIFEST_WITHDRAWN',
  /** A withdrawal request is malformed (no reason, an unknown platform, a revision that is not a number). */
  WithdrawInvalid: 'E_MANIFEST_WITHDRAW_INVALID',
  /** A number given to the publisher (expiry days, renewal window) is outside its sane range. */
  OutOfRange: 'E_MANIFEST_OUT_OF_RANGE',
  /** Recovery found no manifest it can read and re-sign on any mirror. */
  NothingToRecover: 'E_MANIFEST_NOTHING_TO_RECOVER',
  /** A store key with an empty, "." or ".." segment (a bug in the caller). */
  StoreKey: 'E_MANIFEST_STORE_KEY',
  /** A store failed with an error that carries no code of its own (a network error, a bug in an adapter). */
  Store: 'E_MANIFEST_STORE',
  /** FileManifestStore: another writer holds the lock (retried, then reported). */
  StoreLocked: 'E_MANIFEST_STORE_LOCKED',
  /** A manifest URL or file cannot be read. */
  Unreachable: 'E_MANIFEST_UNREACHABLE',
  /** The trust-state file cannot be read. */
  TrustState: 'E_MANIFEST_TRUST_STATE',
} as const;

export type ManifestErrorCode = (typeof ManifestErrorCode)[keyof typeof ManifestErrorCode];
