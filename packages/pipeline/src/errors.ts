/** Error codes of `@potions/pipeline`. Errors of the packages it composes keep their own codes. */
export const PipelineErrorCode = {
  /** A fetch or release option is malformed (names the option). */
  Options: 'E_PIPELINE_OPTIONS',
  /** A manifest file cannot be read, or the check fetched other bytes than the release built. */
  Manifest: 'E_PIPELINE_MANIFEST',
  /** The install folder exists and is not empty. */
  OutExists: 'E_PIPELINE_OUT_EXISTS',
  /** The install folder is a file (or lies under one). */
  OutNotFolder: 'E_PIPELINE_OUT_NOT_FOLDER',
  /** The install folder is `/`, a system folder, the home folder, the current folder or one of its parents. */
  OutProtected: 'E_PIPELINE_OUT_PROTECTED',
  /** Replacing was asked for, but the install folder holds something an earlier install did not make. */
  OutNotPotions: 'E_PIPELINE_OUT_NOT_POTIONS',
  /** The manifest says its artifacts are signed, and this one has no signature bundle. */
  Unsigned: 'E_PIPELINE_UNSIGNED',
  /** No format of the artifact could be had and verified (each format's failure is in the message). */
  NoGoodCopy: 'E_PIPELINE_NO_GOOD_COPY',
  /** The folder that would hold the install folder cannot be written. */
  OutNotWritable: 'E_PIPELINE_OUT_NOT_WRITABLE',
  /** The running local mirrors hold a manifest signed by another key (another work folder's `mirrors serve`). */
  ForeignMirrors: 'E_PIPELINE_FOREIGN_MIRRORS',
  /** The artifact's metadata file is not what the builder writes. */
  Metadata: 'E_PIPELINE_METADATA',
  /** No trusted key was given and none was found. */
  NoTrustedKey: 'E_PIPELINE_NO_TRUSTED_KEY',
  /** A local source folder cannot be served. */
  SourceDir: 'E_PIPELINE_SOURCE_DIR',
  /** The work folder is a file, lies under one, or its `.potions/` cannot be made. */
  WorkDir: 'E_PIPELINE_WORK_DIR',
  /** A release version is not a version (a path, a shell word, too long). */
  Version: 'E_PIPELINE_VERSION',
  /** The local mirrors' ports: not two, the same port twice, or a fixed port beside a throw-away one. */
  LocalPorts: 'E_PIPELINE_LOCAL_PORTS',
  /** Parallel build jobs out of range. */
  Jobs: 'E_PIPELINE_JOBS',
  /** More mirrors must hold every file than the release has. */
  MinMirrors: 'E_PIPELINE_MIN_MIRRORS',
} as const;
export type PipelineErrorCode = (typeof PipelineErrorCode)[keyof typeof PipelineErrorCode];
