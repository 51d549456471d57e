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
  /** An entry's name (or link target) is longer than the file system takes. */
  NameTooLong: 'E_ARCHIVE_NAME_TOO_LONG',
  /** A folder to install into cannot be written into the files that name it (a control character, or a character the file format cannot hold). */
  InstallPath: 'E_ARCHIVE_INSTALL_PATH',
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

/** Longer entry names are shown shortened, with their length: a message stays readable. */
const SHOWN_NAME_CHARS = 120;

/** An entry name as a message shows it: quoted, shortened past 120 characters. */
export function shownEntryName(entryPath: string): string {
  if (entryPath.length <= SHOWN_NAME_CHARS) return JSON.stringify(entryPath);
  return `${JSON.stringify(`${entryPath.slice(0, 60)}…${entryPath.slice(-20)}`)} (${entryPath.length} characters)`;
}

/** `entry "a/b": why`: every refusal names the entry as the archive spells it (shortened when very long). */
export function entryError(code: ArchiveErrorCode, archive: string, entryPath: string, why: string): UserError {
  return archiveError(code, `refusing archive entry ${shownEntryName(entryPath)}: ${why}`, { file: archive });
}
