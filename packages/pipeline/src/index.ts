export { fetchPackage } from './fetch-package';
export type { FetchPackageOptions, FetchPackageResult, FetchSignature } from './fetch-package';
export { readVerifiedManifest, DEFAULT_MANIFEST_GRACE_MS } from './read-manifest';
export type { ReadManifestOptions, ReadManifestResult, DownloadSettings } from './read-manifest';
export { installArtifactAtomically, readInstallMarker, INSTALL_MARKER_FILE } from './install';
export type { InstallOptions, InstallResult, InstallMarker } from './install';
export { runRelease, localOnlyReason } from './release';
export { splitRecipeRef, maxBuildJobs } from './release-setup';
export type { ReleaseOptions } from './release-setup';
export { summarizeRelease, RELEASE_STAGES } from './release-summary';
export type {
  ReleaseFacts,
  ReleaseSummary,
  ReleaseStage,
  ReleaseStageName,
  StageTiming,
  ReleaseMirror,
  ReleaseBuild,
  ReleaseCheck,
  ReleaseSmoke,
  ReleaseSbom,
  ReleaseScan,
  ReleaseSignature,
  ReleaseSigner,
  WithheldBy,
} from './release-summary';
export { ensureLocalSigningKey, localKeysDir, LOCAL_KEY_FILE, LOCAL_PUBLIC_KEY_FILE } from './local-key';
export type { LocalSigningKey } from './local-key';
export { serveSourceDirs } from './source-dir-server';
export type { SourceDirServer } from './source-dir-server';
export { PipelineErrorCode } from './errors';
