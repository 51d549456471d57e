/** Error codes of `@potions/pipeline`. Errors of the packages it composes keep their own codes. */
export const PipelineErrorCode = {
  /** A fetch or release option is malformed (names the option). */
  Options: 'E_PIPELINE_OPTIONS',
  /** No manifest location could be read and verified. */
  Manifest: 'E_PIPELINE_MANIFEST',
  /** The install folder exists and is not empty. */
  OutExists: 'E_PIPELINE_OUT_EXISTS',
  /** The artifact's metadata file is not what the builder writes. */
  Metadata: 'E_PIPELINE_METADATA',
  /** A smoke test of a fetched artifact failed. */
  Smoke: 'E_PIPELINE_SMOKE',
  /** No trusted key was given and none was found. */
  NoTrustedKey: 'E_PIPELINE_NO_TRUSTED_KEY',
  /** A local source folder cannot be served. */
  SourceDir: 'E_PIPELINE_SOURCE_DIR',
} as const;
export type PipelineErrorCode = (typeof PipelineErrorCode)[keyof typeof PipelineErrorCode];
