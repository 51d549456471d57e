export { MirrorsErrorCode } from './errors';
export {
  PROVIDERS,
  STORAGE_CLASSES,
  CONDITIONAL_WRITES,
  VERIFY_MODES,
  DEFAULT_VERIFY,
  credentialEnvNames,
  mirrorsConfigFromObject,
  loadMirrorsConfig,
  mirrorsConfigFromValue,
} from './config';
export type { Provider, VerifyMode, MirrorConfig, MirrorsConfig, StaticCredentials } from './config';
export { resolveCredentials } from './credentials';
export type { CredentialDeps } from './credentials';
export { s3ClientFor, classifyS3Error, describeS3Error } from './client';
export type { ClientOptions, S3Credentials } from './client';
export {
  CACHE_CONTROL_IMMUTABLE,
  CACHE_CONTROL_MUTABLE,
  ARTIFACTS_PREFIX,
  artifactKey,
  parseArtifactKey,
  fullKey,
  publicUrl,
  contentTypeFor,
} from './keys';
export { S3MirrorTarget } from './target';
export { normalizeEtag, multipartEtag, etagMatches } from './etag';
export type { ExpectedEtag } from './etag';
export type {
  MirrorTarget,
  SyncTarget,
  PutObjectOptions,
  ObjectInfo,
  StoredObject,
  ListedObject,
  S3TargetOptions,
  UploadSource,
  UploadReceipt,
  UploadOptions,
} from './target';
export type { FileStamp, HashedBytes } from './hash';
export { planSync } from './plan';
export type { LocalObject, RemoteListing, PlannedObject, PlanAction, MirrorPlan, SyncPlan } from './plan';
export { openS3Mirrors, closeMirrors } from './opened-mirrors';
export type { OpenedMirror, OpenMirrors, MirrorOpenError } from './opened-mirrors';
export { applySync } from './apply';
export type {
  ApplyOptions,
  ObjectStatus,
  MirrorObjectResult,
  ObjectResult,
  MirrorResult,
  SyncResult,
} from './apply';
export { syncToMirrors, localObjectsFromDir, localObjectsFromFiles } from './sync';
export type { SyncOptions, SyncOutcome, LocalFilesOptions } from './sync';
export { checkMirrors, CHECK_REQUEST_TIMEOUT_MS } from './check';
export type { MirrorHealth, ProbeTarget } from './check';
