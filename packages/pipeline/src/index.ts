export { fetchPackage } from './fetch-package';
export type { FetchPackageOptions, FetchPackageResult } from './fetch-package';
export { readVerifiedManifest } from './read-manifest';
export type { ReadManifestOptions, ReadManifestResult, DownloadSettings } from './read-manifest';
export { installArtifactAtomically } from './install';
export type { InstallOptions, InstallResult } from './install';
export { runRelease, localOnlyReason, splitRecipeRef } from './release';
export type {
  ReleaseOptions,
  ReleaseSummary,
  ReleaseStage,
  ReleaseStageName,
  ReleaseMirror,
  ReleasePackage,
  ReleaseCheck,
} from './release';
export { ensureLocalSigningKey, localKeysDir, LOCAL_KEY_FILE, LOCAL_PUBLIC_KEY_FILE } from './local-key';
export type { LocalSigningKey } from './local-key';
export { serveSourceDirs } from './source-dir-server';
export type { SourceDirServer } from './source-dir-server';
export { runSmokeTests } from './smoke';
export type { SmokeResult } from './smoke';
export { PipelineErrorCode } from './errors';
