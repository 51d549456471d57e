export {
  PROVIDERS,
  STORAGE_CLASSES,
  CONDITIONAL_WRITES,
  DEFAULT_VERIFY,
  credentialEnvNames,
  mirrorsConfigFromObject,
  loadMirrorsConfig,
  mirrorsConfigFromValue,
} from './config';
export type { Provider, MirrorConfig, MirrorsConfig, StaticCredentials } from './config';
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
export { S3MirrorTarget, s3TargetFromConfig } from './target';
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
export { applySync, VERIFY_MODES } from './apply';
export type {
  ApplyOptions,
  VerifyMode,
  ObjectStatus,
  MirrorObjectResult,
  ObjectResult,
  MirrorResult,
  SyncResult,
} from './apply';
export { syncToMirrors, localObjectsFromDir, localObjectsFromFiles, sha256File } from './sync';
export type { SyncOptions, SyncOutcome, LocalFilesOptions } from './sync';
export {
  startLocalMirrors,
  localMirrorConfig,
  isLocalMirrorRunning,
  runningLocalMirrors,
  mirrorsConfigOrRunningLocal,
  SERVE_STATE_FILE,
  LOCAL_CREDENTIALS,
  LOCAL_BUCKET,
  DEFAULT_LOCAL_PORTS,
} from './local';
export type { LocalMirrorsOptions, LocalMirrors, ServeState } from './local';
export { checkMirrors } from './check';
export type { MirrorHealth } from './check';
