/** What an archive holds, independent of its format. */
export type EntryType =
  | 'file'
  | 'directory'
  | 'symlink'
  | 'hardlink'
  | 'character-device'
  | 'block-device'
  | 'fifo'
  | 'socket'
  | 'unsupported';

export interface ArchiveEntry {
  /** The path as the archive spells it (not normalised). */
  path: string;
  type: EntryType;
  /** Uncompressed size in bytes as declared by the archive (0 for links and folders). */
  size: number;
  /** Permission bits as stored (`0o7777` range). */
  mode: number;
  mtime?: Date;
  /** Target of a symbolic link, or the earlier entry a hard link points at. */
  linkpath?: string;
  /** Format-specific type name for `unsupported` entries (e.g. tar `GNUDumpDir`). */
  rawType?: string;
}

/**
 * Turns an entry path into a relative path made of plain names, or explains
 * why it cannot be one. `.` and empty components are dropped; `..` and
 * absolute paths are refused, never "fixed" (GNU tar strips a leading `/`,
 * we would rather stop: an archive that tries it is not to be trusted).
 * Returns `''` for the archive root (`./`), which callers skip.
 */
export function normalizeEntryPath(raw: string): { ok: true; parts: string[] } | { ok: false; why: string } {
  if (raw.includes('\0')) return { ok: false, why: 'the path contains a NUL byte' };
  if (raw.startsWith('/')) return { ok: false, why: 'the path is absolute' };
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { ok: false, why: "the path has a '..' component that would leave the folder" };
  return { ok: true, parts };
}
