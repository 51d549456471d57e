import { UserError } from '@potions/core';

/**
 * Every error code this package throws, in one place. A caller that applies a
 * delta treats any of them as "download the full artifact instead"
 * (`isDeltaError`); compare by `code`, never with `instanceof`.
 */
export const DeltaErrorCode = {
  /** Base and target are not two versions of one package on one platform. */
  NotSamePackage: 'E_DELTA_NOT_SAME_PACKAGE',
  /** The target version is not newer than the base version. */
  VersionOrder: 'E_DELTA_VERSION_ORDER',
  /** A delta format this version of Potions does not know. */
  UnknownFormat: 'E_DELTA_UNKNOWN_FORMAT',
  /** The program a format needs (bsdiff, bspatch, zstd) is not installed. */
  ToolMissing: 'E_DELTA_TOOL_MISSING',
  /** A file given as an artifact is not a .tar, .tar.gz or .tar.zst, or cannot be decompressed. */
  BadArtifact: 'E_DELTA_BAD_ARTIFACT',
  /** Making a delta: an input is larger than the limit (the diff would need too much memory or time). */
  TooLarge: 'E_DELTA_TOO_LARGE',
  /** Making a delta: the diff program failed, or its delta did not reproduce the target. */
  MakeFailed: 'E_DELTA_MAKE_FAILED',
  /** Applying: the base held here is not the one the delta was made from. */
  WrongBase: 'E_DELTA_WRONG_BASE',
  /** Applying: the delta's digest is not the expected one, or the patch program refused it. */
  Corrupt: 'E_DELTA_CORRUPT',
  /** Applying: the patched result's sha256 is not the expected one. */
  DigestMismatch: 'E_DELTA_DIGEST_MISMATCH',
} as const;

export type DeltaErrorCode = (typeof DeltaErrorCode)[keyof typeof DeltaErrorCode];

const CODES: ReadonlySet<string> = new Set(Object.values(DeltaErrorCode));

export function deltaError(code: DeltaErrorCode, message: string, options?: { cause?: unknown; hint?: string; file?: string }): UserError {
  return new UserError(code, message, {
    cause: options?.cause,
    hint: options?.hint,
    location: options?.file ? { file: options.file } : undefined,
  });
}

/** True for every error this package throws: the caller falls back to the full download. */
export function isDeltaError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && CODES.has((err as { code?: unknown }).code as string);
}
