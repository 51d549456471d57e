import { UserError } from '@potions/core';

/** Every error code this package throws; compare errors by `code`. */
export type ArchiveErrorCode =
  /** An entry would land outside the folder, or go through a symbolic link. */
  | 'archive-unsafe-entry'
  /** A device file, FIFO, socket or an entry type we do not extract. */
  | 'archive-unsupported-entry'
  /** Past the total-size, entry-count or compression-ratio limit. */
  | 'archive-limit'
  /** The bytes are damaged or not what the name says. */
  | 'archive-corrupt'
  /** A decompressor program (xz, bzip2, zstd) is not installed. */
  | 'archive-tool-missing'
  /** The destination folder already exists and is not empty. */
  | 'archive-destination-exists'
  /** A tree to pack holds something an artifact cannot carry. */
  | 'archive-unpackable'
  /** A relocation file list names a file it must not touch. */
  | 'archive-relocation';

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
