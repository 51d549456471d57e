/**
 * Every error code this package throws, in one place: callers (the CLI, the
 * actions, the manifest publisher) compare errors by `code`, never by class.
 */
export const MirrorsErrorCode = {
  /** The mirrors configuration file cannot be read. */
  ConfigUnreadable: 'E_MIRRORS_CONFIG_UNREADABLE',
  /** The mirrors configuration is not valid (names the field). */
  ConfigInvalid: 'E_MIRRORS_CONFIG_INVALID',
  /** A mirror has no usable credentials (names the variables it looked for). */
  NoCredentials: 'E_MIRRORS_NO_CREDENTIALS',
  /** A file name that cannot be the last segment of an artifact key. */
  BadName: 'E_MIRRORS_BAD_NAME',
  /** The folder to sync cannot be read. */
  NoDir: 'E_MIRRORS_NO_DIR',
  /** The folder to sync holds no regular file (the edges throw it, with their own hint). */
  NothingToSync: 'E_MIRRORS_NOTHING_TO_SYNC',
  /** `minMirrors` is not a whole number from 1 to the number of mirrors. */
  PolicyInvalid: 'E_MIRRORS_POLICY_INVALID',
  /** A conditional write (If-Match / If-None-Match) was refused: the object changed. */
  PreconditionFailed: 'E_MIRRORS_PRECONDITION_FAILED',
  /** A conditional write was asked of a mirror that does not honour conditions. */
  ConditionalUnsupported: 'E_MIRRORS_CONDITIONAL_UNSUPPORTED',
  /** A request failed after its retries (names the mirror and the operation). */
  RequestFailed: 'E_MIRRORS_REQUEST_FAILED',
  /** A file changed between hashing and upload. */
  SourceChanged: 'E_MIRRORS_SOURCE_CHANGED',
} as const;

export type MirrorsErrorCode = (typeof MirrorsErrorCode)[keyof typeof MirrorsErrorCode];
