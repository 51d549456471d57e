export {
  MANIFEST_SCHEMA_VERSION,
  READABLE_SCHEMA_VERSIONS,
  ARTIFACT_FORMATS,
  BUILD_METHODS,
  PLATFORM_STATUSES,
  MIRROR_HEALTH_STATUSES,
  SignedManifestSchema,
  ManifestSchema,
  PlatformEntrySchema,
  RevisionSchema,
  ChecksSchema,
  manifestJsonSchema,
} from './schema';
export type {
  ArtifactFormat,
  BuildMethod,
  PlatformStatus,
  FileRef,
  Delta,
  Artifact,
  Sbom,
  BuildFacts,
  SmokeTestCheck,
  ScanCheck,
  Checks,
  Withdrawal,
  Revision,
  AvailableEntry,
  WithdrawnEntry,
  UnavailableEntry,
  PlatformEntry,
  PlatformEntries,
  ManifestPackages,
  MirrorHealth,
  MirrorInfo,
  Manifest,
  Signature,
  SignedManifest,
} from './schema';
export { ManifestErrorCode } from './errors';
export { canonicalJson, canonicalBytes } from './canonical';
export {
  MANIFEST_KEY_ENV,
  keyidOf,
  Ed25519Verifier,
  LocalKeySigner,
  localKeySignerFromFile,
  localKeySignerFromEnv,
  generateManifestKey,
  trustedKeysFromPem,
} from './keys';
export type { Signer, Verifier, GeneratedManifestKey } from './keys';
export { signManifest, encodeSignedManifest, verifyManifest } from './envelope';
export type { VerifyManifestOptions, VerifiedManifest } from './envelope';
export { revisionsOf, entryFromRevisions, newestLiveRevision } from './revisions';
export { ReleaseInputSchema, releaseEntries, NOT_BUILT_REASON, NO_VERIFIED_COPY_REASON } from './release';
export type { ReleaseInput, ReleasePackage, ReleasePlatformInput, ReleaseFile, ReleaseEntries } from './release';
export { mergeManifest, mergeRelease, mergeArtifactTrust, mergeMirrorInfo, unionUrls } from './merge';
export type { MergeResult, MergeOptions, MergeReleaseOptions, ManifestChange, ManifestChangeKind } from './merge';
export { WithdrawRequestSchema, assertWithdrawRequests, withdrawEntries } from './withdraw';
export type { WithdrawRequest, WithdrawnBuild, WithdrawResult } from './withdraw';
export { planManifestPublish, assertExpiresInDays, DEFAULT_EXPIRES_IN_DAYS, EXPIRES_IN_DAYS_RANGE } from './plan';
export type { PlanManifestPublishOptions, ManifestPublishPlan, ExistingManifest } from './plan';
export {
  MANIFEST_KEY,
  MANIFEST_VERSIONS_PREFIX,
  MANIFEST_CONTENT_TYPE,
  MANIFEST_POINTER_CACHE_CONTROL,
  MANIFEST_VERSION_CACHE_CONTROL,
  manifestVersionKey,
  parseManifestVersionKey,
  manifestBundleKey,
  preconditionFailed,
  isPreconditionFailed,
  FileManifestStore,
} from './store';
export type { ManifestStore, ManifestStoreObject, ManifestStoreListing, PutOptions } from './store';
export { publishManifest } from './publish';
export type {
  PublishManifestOptions,
  ManifestMirror,
  ManifestBundleSigner,
  ManifestPublishReport,
  MirrorPublishResult,
  MirrorPublishStatus,
} from './publish';
export { FileTrustStore, defaultStateDir, acceptManifest, acceptNewestManifest, TRUST_STATE_FILE } from './trust-store';
export type { TrustStore, AcceptManifestOptions, ManifestCopy, RefusedManifest, AcceptedManifest } from './trust-store';
export { selectArtifact, DEFAULT_FORMAT_PREFERENCE } from './select';
export type { SelectArtifactRequest, SelectedArtifact } from './select';
export { manifestStoreFromMirror } from './mirror-store';
export {
  ARTIFACT_METADATA_FILE,
  BuildFailureSchema,
  BuildChecksSchema,
  SyncResultViewSchema,
  assertSyncResult,
  releaseFromArtifacts,
  artifactMetadataFileFromBytes,
  readArtifactMetadataDir,
  readSyncResultFile,
  buildFailuresFromJson,
} from './from-artifacts';
export type {
  ArtifactMetadataView,
  ArtifactMetadataFile,
  BuildFailure,
  BuildChecks,
  ReleaseFromArtifactsInput,
  ReleaseFromArtifacts,
} from './from-artifacts';
export { publishRelease, releaseRows, withdrawRelease, recoverManifest } from './publish-release';
export type {
  PublishReleaseOptions,
  PublishReleaseResult,
  ReleaseRow,
  WithdrawReleaseOptions,
  WithdrawReleaseResult,
  RecoverManifestOptions,
  RecoverManifestResult,
} from './publish-release';
export { readManifestSource, manifestSummary } from './source';
export type { ManifestSourceDeps, ManifestSummary } from './source';
