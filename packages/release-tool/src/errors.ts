/**
 * Every error code `@potions/release-tool` throws or refuses with, in one
 * place, so that the command line, the workflow and the tests compare by
 * `code`. All are `UserError`s (a version, a commit, the repository's state,
 * the remote, CI); a bug throws a plain error.
 */
export const ReleaseErrorCode = {
  /** The version is not `X.Y.Z` (an optional leading `v`, no pre-release or build part). */
  Version: 'E_RELEASE_VERSION',
  /** A tag `vX.Y.Z` of that version already exists (on the remote or only here). */
  VersionExists: 'E_RELEASE_VERSION_EXISTS',
  /** The version is not greater than every release that exists. */
  VersionNotNewer: 'E_RELEASE_VERSION_NOT_NEWER',
  /** Tracked files have changes that are not committed. */
  DirtyTree: 'E_RELEASE_DIRTY_TREE',
  /** The commit to release from does not exist here. */
  UnknownCommit: 'E_RELEASE_UNKNOWN_COMMIT',
  /** The commit does not contain the previous release's source: the release would lose its changes. */
  BehindPrevious: 'E_RELEASE_BEHIND_PREVIOUS',
  /** CI has not passed on the commit (failed, still running, or never ran). */
  NotGreen: 'E_RELEASE_NOT_GREEN',
  /** GitHub's status API could not be asked (token, repository, network). */
  CiUnavailable: 'E_RELEASE_CI_UNAVAILABLE',
  /** A workflow's `uses:` of this repository cannot be pinned to the release (not found there, or a workflow calling one of ours). */
  Workflow: 'E_RELEASE_WORKFLOW',
  /** The major tag is not `vX`. */
  Major: 'E_RELEASE_MAJOR',
  /** The rollback target is of another major, does not exist, or is where the major already points. */
  RollbackTarget: 'E_RELEASE_ROLLBACK_TARGET',
  /** git failed: not a repository, an unreachable remote. */
  Git: 'E_RELEASE_GIT',
  /** The remote refused the push; no ref was changed there. */
  PushRejected: 'E_RELEASE_PUSH_REJECTED',
  /** An option is malformed or missing (a repository that is not owner/name, an empty reason). */
  Options: 'E_RELEASE_OPTIONS',
} as const;

export type ReleaseErrorCode = (typeof ReleaseErrorCode)[keyof typeof ReleaseErrorCode];
