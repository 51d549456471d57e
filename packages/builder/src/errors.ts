import { UserError, hasCode, isUserError } from '@potions/core';

/**
 * Every error code this package throws, in one place; compare errors by
 * `code`. Messages say what was expected, what was found and where; they
 * never name a CLI flag or an action input (the CLI and the action add those
 * hints, see `packages/cli/src/commands/build.ts`).
 */
export const BuilderErrorCode = {
  /** A build that failed in one of its steps (`BuildError`, with `step`). */
  Failed: 'E_BUILD_FAILED',
  /** A source build for another platform than this machine's. */
  CrossPlatform: 'E_BUILD_CROSS_PLATFORM',
  /** The output folder cannot be used. */
  OutDir: 'E_BUILD_OUT_DIR',
  /** No build folder can be made in the work root (TMPDIR). */
  WorkDir: 'E_BUILD_WORK_DIR',
  /** The local build cache folder cannot be used. */
  CacheDir: 'E_BUILD_CACHE_DIR',
  /** The recipe file has errors. */
  Recipe: 'E_BUILD_RECIPE',
  /** No recipe by that name in the recipe folders. */
  UnknownRecipe: 'E_BUILD_UNKNOWN_RECIPE',
  /** A pinned dependency version is invalid, or names no dependency of the recipe. */
  DependencyVersion: 'E_BUILD_DEPENDENCY_VERSION',
  /** A source mirror base is not an http(s) URL. */
  SourceMirror: 'E_BUILD_SOURCE_MIRROR',
  /** The downloaded file does not have the pinned sha256. */
  Sha256Mismatch: 'E_BUILD_SHA256_MISMATCH',
  /** The signing keys cannot be read, or none is named. */
  SignatureKeys: 'E_BUILD_SIGNATURE_KEYS',
  /** Signature verification is on but no fingerprint is pinned. */
  SignatureNoPins: 'E_BUILD_SIGNATURE_NO_PINS',
  /** No key with a pinned fingerprint is among the keys. */
  SignatureUnpinned: 'E_BUILD_SIGNATURE_UNPINNED',
  /** The signature is bad or unreadable. */
  SignatureBad: 'E_BUILD_SIGNATURE_BAD',
  /** A git URL or ref that would be read as an option. */
  GitRef: 'E_BUILD_GIT_REF',
  /** `git clone` failed. */
  GitClone: 'E_BUILD_GIT_CLONE',
  /** The install step put nothing into the prefix. */
  EmptyInstall: 'E_BUILD_EMPTY_INSTALL',
  /** Programs the build needs are not installed on this machine. */
  HostToolsMissing: 'E_BUILD_HOST_TOOLS_MISSING',
  /** `binary_relpath` names nothing usable in the official binary's archive. */
  BinaryRelpath: 'E_BUILD_BINARY_RELPATH',
  /** A program's library search path cannot be set (no room in the file, and no patchelf). */
  Runpath: 'E_BUILD_RUNPATH',
  /** Build steps must run in the sandbox, and no sandbox can be made on this machine. */
  SandboxUnavailable: 'E_BUILD_SANDBOX_UNAVAILABLE',
  /** No container engine, or one that cannot start a container here. */
  ContainerEngine: 'E_BUILD_CONTAINER_ENGINE',
  /** The container image to build in is not in the engine's image store. */
  ContainerImage: 'E_BUILD_CONTAINER_IMAGE',
  /** The number of parallel jobs is out of range. */
  Jobs: 'E_BUILD_JOBS',
  /** A bug: the builder made metadata that does not follow its own schema. */
  MetadataSchema: 'E_BUILD_METADATA_SCHEMA',
} as const;

export type BuilderErrorCode = (typeof BuilderErrorCode)[keyof typeof BuilderErrorCode];

/** The step a build failed in, for annotations, summaries and `--json`. */
export type FailedStep = 'resolve' | 'download' | 'verify' | 'extract' | 'prepare' | 'configure' | 'build' | 'install' | 'package';

/**
 * A build that failed, with the step it failed in. Its `cause` is the original error.
 * Other packages recognise it with `isBuildError` (by code), never with `instanceof`.
 */
export class BuildError extends UserError {
  declare readonly code: typeof BuilderErrorCode.Failed;
  constructor(
    readonly recipe: string,
    readonly step: FailedStep,
    message: string,
    options: { cause?: unknown; hint?: string; file?: string; field?: string },
  ) {
    super(BuilderErrorCode.Failed, `${recipe}: ${step} failed: ${message}`, {
      cause: options.cause,
      hint: options.hint,
      location: options.file || options.field ? { file: options.file, field: options.field } : undefined,
    });
  }
}

/** A failed build (`E_BUILD_FAILED`) and the step it failed in; compared by code, so bundled copies agree. */
export function isBuildError(err: unknown): err is BuildError {
  return isUserError(err) && hasCode(err, BuilderErrorCode.Failed) && typeof (err as { step?: unknown }).step === 'string';
}
