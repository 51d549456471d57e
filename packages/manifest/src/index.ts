export {
  MANIFEST_SCHEMA_VERSION,
  ARTIFACT_FORMATS,
  BUILD_METHODS,
  SignedManifestSchema,
  ManifestSchema,
  PlatformEntrySchema,
  manifestJsonSchema,
} from './schema';
export type {
  ArtifactFormat,
  BuildMethod,
  FileRef,
  Artifact,
  Sbom,
  BuildFacts,
  AvailableEntry,
  UnavailableEntry,
  PlatformEntry,
  PlatformEntries,
  ManifestPackages,
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
export { ReleaseInputSchema, releaseEntries, NOT_BUILT_REASON, NO_VERIFIED_COPY_REASON } from './release';
export type { ReleaseInput, ReleasePackage, ReleasePlatformInput, ReleaseFile, ReleaseEntries } from './release';
export { mergeManifest, unionUrls } from './merge';
export type { MergeResult, MergeOptions, ManifestChange, ManifestChangeKind } from './merge';
export { planManifestPublish, DEFAULT_EXPIRES_IN_DAYS } from './plan';
export type { PlanManifestPublishOptions, ManifestPublishPlan, ExistingManifest } from './plan';
export {
  MANIFEST_KEY,
  MANIFEST_CONTENT_TYPE,
  MANIFEST_POINTER_CACHE_CONTROL,
  MANIFEST_VERSION_CACHE_CONTROL,
  manifestVersionKey,
  preconditionFailed,
  isPreconditionFailed,
  FileManifestStore,
} from './store';
export type { ManifestStore, ManifestStoreObject, PutOptions } from './store';
export { publishManifest } from './publish';
export type {
  PublishManifestOptions,
  ManifestMirror,
  ManifestPublishReport,
  MirrorPublishResult,
  MirrorPublishStatus,
} from './publish';
export { FileTrustStore, defaultStateDir, acceptManifest, TRUST_STATE_FILE } from './trust-store';
export type { TrustStore, AcceptManifestOptions } from './trust-store';
export { selectArtifact, DEFAULT_FORMAT_PREFERENCE } from './select';
export type { SelectArtifactRequest, SelectedArtifact } from './select';
export { manifestStoreFromMirror } from './mirror-store';
export {
  ARTIFACT_METADATA_FILE,
  BuildFailureSchema,
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
  ReleaseFromArtifactsInput,
  ReleaseFromArtifacts,
} from './from-artifacts';
export { publishRelease, releaseRows } from './publish-release';
export type { PublishReleaseOptions, PublishReleaseResult, ReleaseRow } from './publish-release';
export { readManifestSource, manifestSummary } from './source';
export type { ManifestSourceDeps, ManifestSummary } from './source';
