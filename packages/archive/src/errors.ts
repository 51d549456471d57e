import { UserError } from '@potions/core';

/** Every error code this package throws; compare errors by `code`. */
export const ArchiveErrorCode = {
  /** An entry would land outside the folder, or go through a symbolic link. */
  UnsafeEntry: 'E_ARCHIVE_UNSAFE_ENTRY',
  /** A device file, FIFO, socket or an entry type we do not extract. */
  UnsupportedEntry: 'E_ARCHIVE_UNSUPPORTED_ENTRY',
  /** Past the total-size, entry-count or compression-ratio limit. */
  Limit: 'E_ARCHIVE_LIMIT',
  /** The bytes are damaged or not what the name says. */
  Corrupt: 'E_ARCHIVE_CORRUPT',
  /** A decompressor program (xz, bzip2, zstd) is not installed. */
  ToolMissing: 'E_ARCHIVE_TOOL_MISSING',
  /** The destination folder already exists and is not empty. */
  DestinationExists: 'E_ARCHIVE_DESTINATION_EXISTS',
  /** A tree to pack holds something an artifact cannot carry. */
  Unpackable: 'E_ARCHIVE_UNPACKABLE',
  /** A relocation file list names a file it must not touch. */
  Relocation: 'E_ARCHIVE_RELOCATION',
} as const;

export type ArchiveErrorCode = (typeof ArchiveErrorCode)[keyof typeof ArchiveErrorCode];

export function archiveError(
  code: ArchiveErrorCode,
  message: string,
  options?: { cause?: unknown; hint?: string; file?: string },
): UserError {
  return new UserError(code, message, {
    cause: options?.cause,
    hint: options?.hint,
    location: options?.file ? { file: options.file } : undefined,
  });
}

/** `entry "a/b": why`: every refusal names the entry as the archive spells it. */
export function entryError(code: ArchiveErrorCode, archive: string, entryPath: string, why: string): UserError {
  return archiveError(code, `refusing archive entry ${JSON.stringify(entryPath)}: ${why}`, { file: archive });
}
