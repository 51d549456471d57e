import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { normalizeEntryPath, type ArchiveEntry } from './entry';
import { ArchiveErrorCode, archiveError, entryError } from './errors';
import { isExecutableContent } from './file-kind';
import type { EntrySource } from './reader';
import { symlinkEscape } from './symlink-check';

export interface ExtractLimits {
  /** Total uncompressed bytes of all files. */
  maxBytes: number;
  maxEntries: number;
}

type Kind = 'dir' | 'file' | 'symlink';

const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** The longest name of one file or folder (NAME_MAX: Linux, macOS), in bytes. */
export const MAX_NAME_BYTES = 255;
/** The longest whole path the system takes (PATH_MAX with its NUL: 4096 on Linux, 1024 on macOS), in bytes. */
export const MAX_PATH_BYTES = process.platform === 'darwin' ? 1024 : 4096;

/**
 * Why `rel` (below `root`) cannot exist on this file system, if it cannot:
 * checked before anything is created, so that a hostile or broken name is a
 * refusal that names the entry, never a raw ENAMETOOLONG.
 */
export function nameTooLong(root: string, parts: readonly string[]): string | undefined {
  const longest = parts.reduce((a, p) => Math.max(a, Buffer.byteLength(p)), 0);
  if (longest > MAX_NAME_BYTES) return `name too long: a name in it has ${longest} bytes; the limit is ${MAX_NAME_BYTES} bytes per name`;
  const total = Buffer.byteLength(path.join(root, ...parts));
  if (total >= MAX_PATH_BYTES) return `path too long: it would be ${total} bytes with the folder it is extracted into; the limit is ${MAX_PATH_BYTES} bytes for a whole path here`;
  return undefined;
}

/**
 * Modes as extracted: the permission bits only (setuid, setgid and sticky
 * dropped), never writable by group or others (as umask 022 gives), and the
 * owner can always read and write (and enter folders). What is already
 * private stays so: 0600 stays 0600.
 */
export function normalizedMode(mode: number, kind: 'file' | 'dir'): number {
  return (mode & 0o755) | (kind === 'dir' ? 0o700 : 0o600);
}

/**
 * Writes entries into a fresh, empty folder that only it writes to, so that it
 * knows everything on disk below `root`:
 * - every path is a list of plain names (no `..`, not absolute);
 * - no symbolic link exists on disk until `finish()`: links are recorded and
 *   created last, after every link's final target has been checked against
 *   all the others, so nothing is ever written through a link (an entry
 *   `a -> /etc` then `a/passwd` is refused; so is `a -> sub` then `a/x`);
 * - files are created with O_CREAT|O_EXCL|O_NOFOLLOW;
 * - hard links may only point at a regular file written earlier;
 * - devices, FIFOs and sockets are refused;
 * - modes are normalised (`normalizedMode`): no setuid/setgid/sticky bit, no
 *   group or world write, the owner can always read and write files and enter
 *   folders; folder modes and times are applied last;
 * - a name or path longer than the file system takes is refused up front.
 */
export class SafeTreeWriter {
  private readonly kinds = new Map<string, Kind>();
  private readonly links = new Map<string, { target: string; raw: string; mtime?: Date }>();
  private readonly dirs = new Map<string, { mode: number; mtime?: Date }>();
  entries = 0;
  bytes = 0;

  constructor(
    private readonly root: string,
    private readonly archive: string,
    private readonly limits: ExtractLimits,
    private readonly stripComponents = 0,
  ) {}

  async add(source: EntrySource): Promise<void> {
    const e = source.entry;
    this.entries++;
    if (this.entries > this.limits.maxEntries) {
      throw this.refuse(ArchiveErrorCode.Limit, e, `the archive has more than ${this.limits.maxEntries} entries (the limit)`);
    }
    if (e.type !== 'file' && e.type !== 'directory' && e.type !== 'symlink' && e.type !== 'hardlink') {
      const what = e.type === 'unsupported' ? `entry type ${e.rawType ?? 'unknown'} is not supported` : `it is a ${e.type}, which is never extracted`;
      throw this.refuse(ArchiveErrorCode.UnsupportedEntry, e, what);
    }
    const rel = this.relative(e, e.path);
    if (rel === undefined) return;
    switch (e.type) {
      case 'directory':
        return this.addDir(e, rel);
      case 'file':
        return this.addFile(e, rel, source);
      case 'hardlink':
        return this.addHardLink(e, rel);
      case 'symlink':
        return this.addSymlink(e, rel);
    }
  }

  /** A single file (a plain download, or one compressed file): mode 0755 when it is a program. */
  async addPlainFile(name: string, chunks: AsyncIterable<Buffer>, head: Uint8Array): Promise<void> {
    if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
      throw archiveError(ArchiveErrorCode.UnsafeEntry, `cannot store a plain file as ${JSON.stringify(name)}: expected a single file name`);
    }
    const entry: ArchiveEntry = { path: name, type: 'file', size: -1, mode: isExecutableContent(head) ? 0o755 : 0o644 };
    this.entries++;
    await this.addFile(entry, name, { entry, body: async () => chunks });
  }

  /** Creates the recorded symbolic links, then applies folder modes and times (deepest first). */
  async finish(): Promise<void> {
    const targetOf = (p: string): string | undefined => this.links.get(p)?.target;
    for (const [rel, link] of this.links) {
      const why = symlinkEscape(rel, link.target, targetOf);
      if (why) throw entryError(ArchiveErrorCode.UnsafeEntry, this.archive, link.raw, why);
    }
    for (const [rel, link] of [...this.links].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const abs = this.abs(rel);
      await this.guardCollision(link.raw, () => fs.symlink(link.target, abs));
      if (link.mtime) await fs.lutimes(abs, link.mtime, link.mtime).catch(() => undefined);
    }
    const byDepth = [...this.dirs].sort(([a], [b]) => b.split('/').length - a.split('/').length);
    for (const [rel, meta] of byDepth) {
      const abs = this.abs(rel);
      await fs.chmod(abs, normalizedMode(meta.mode, 'dir'));
      if (meta.mtime) await fs.utimes(abs, meta.mtime, meta.mtime);
    }
  }

  private relative(e: ArchiveEntry, raw: string): string | undefined {
    const n = normalizeEntryPath(raw);
    if (!n.ok) throw this.refuse(ArchiveErrorCode.UnsafeEntry, e, n.why);
    if (n.parts.length <= this.stripComponents) return undefined;
    const parts = n.parts.slice(this.stripComponents);
    const tooLong = nameTooLong(this.root, parts);
    if (tooLong) throw this.refuse(ArchiveErrorCode.NameTooLong, e, tooLong);
    return parts.join('/');
  }

  private refuse(code: Parameters<typeof entryError>[0], e: ArchiveEntry, why: string): Error {
    return entryError(code, this.archive, e.path, why);
  }

  private abs(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  /** Creates missing parent folders; refuses a parent that is a link or a file. Returns the kind already at `rel`. */
  private async prepare(e: ArchiveEntry, rel: string): Promise<Kind | undefined> {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      const kind = this.kinds.get(parent);
      if (kind === 'symlink') {
        throw this.refuse(
          ArchiveErrorCode.UnsafeEntry,
          e,
          `its folder ${JSON.stringify(parent)} is a symbolic link earlier in the archive, and extraction never writes through a link`,
        );
      }
      if (kind === 'file') throw this.refuse(ArchiveErrorCode.UnsafeEntry, e, `its folder ${JSON.stringify(parent)} is a file earlier in the archive`);
      if (kind === undefined) {
        await this.guardCollision(e.path, () => fs.mkdir(this.abs(parent), { mode: 0o700 }));
        this.kinds.set(parent, 'dir');
        this.dirs.set(parent, { mode: 0o755 });
      }
    }
    return this.kinds.get(rel);
  }

  private conflict(e: ArchiveEntry, existing: Kind): Error {
    const what = existing === 'dir' ? 'folder' : existing === 'symlink' ? 'symbolic link' : 'file';
    return this.refuse(ArchiveErrorCode.UnsafeEntry, e, `it would replace the ${what} of the same name earlier in the archive`);
  }

  private async addDir(e: ArchiveEntry, rel: string): Promise<void> {
    const existing = await this.prepare(e, rel);
    if (existing !== undefined && existing !== 'dir') throw this.conflict(e, existing);
    if (existing === undefined) {
      await this.guardCollision(e.path, () => fs.mkdir(this.abs(rel), { mode: 0o700 }));
      this.kinds.set(rel, 'dir');
    }
    this.dirs.set(rel, { mode: e.mode || 0o755, mtime: e.mtime });
  }

  private async addFile(e: ArchiveEntry, rel: string, source: EntrySource): Promise<void> {
    if (e.size > 0 && this.bytes + e.size > this.limits.maxBytes) {
      throw this.refuse(ArchiveErrorCode.Limit, e, `its ${e.size} bytes would take the archive past the limit of ${this.limits.maxBytes} uncompressed bytes`);
    }
    await this.replaceable(e, rel);
    const abs = this.abs(rel);
    const fh = await this.guardCollision(e.path, () => fs.open(abs, CREATE_FLAGS, 0o600));
    this.kinds.set(rel, 'file');
    let written = 0;
    try {
      for await (const chunk of await source.body()) {
        written += chunk.length;
        if (this.bytes + written > this.limits.maxBytes) {
          throw this.refuse(ArchiveErrorCode.Limit, e, `it takes the archive past the limit of ${this.limits.maxBytes} uncompressed bytes`);
        }
        let off = 0;
        while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
      }
      await fh.chmod(normalizedMode(e.mode, 'file'));
      if (e.mtime) await fh.utimes(e.mtime, e.mtime);
    } finally {
      await fh.close();
    }
    if (e.size >= 0 && written !== e.size) {
      throw this.refuse(ArchiveErrorCode.Corrupt, e, `it declares ${e.size} bytes but holds ${written}`);
    }
    this.bytes += written;
  }

  /** A file may replace an earlier file of the same path (tar's "last one wins"), nothing else. */
  private async replaceable(e: ArchiveEntry, rel: string): Promise<void> {
    const existing = await this.prepare(e, rel);
    if (existing === 'file') await fs.unlink(this.abs(rel));
    else if (existing !== undefined) throw this.conflict(e, existing);
  }

  private async addHardLink(e: ArchiveEntry, rel: string): Promise<void> {
    const raw = e.linkpath ?? '';
    const n = normalizeEntryPath(raw);
    if (!n.ok || n.parts.length === 0) {
      throw this.refuse(ArchiveErrorCode.UnsafeEntry, e, `it is a hard link to ${JSON.stringify(raw)}, outside the folder (${n.ok ? 'empty target' : n.why})`);
    }
    if (n.parts.length <= this.stripComponents) {
      throw this.refuse(ArchiveErrorCode.UnsafeEntry, e, `it is a hard link to ${JSON.stringify(raw)}, which stripComponents removes`);
    }
    const target = n.parts.slice(this.stripComponents).join('/');
    if (target === rel) throw this.refuse(ArchiveErrorCode.UnsafeEntry, e, 'it is a hard link to itself');
    if (this.kinds.get(target) !== 'file') {
      throw this.refuse(
        ArchiveErrorCode.UnsafeEntry,
        e,
        `it is a hard link to ${JSON.stringify(raw)}, which is not a regular file earlier in the archive`,
      );
    }
    await this.replaceable(e, rel);
    await this.guardCollision(e.path, () => fs.link(this.abs(target), this.abs(rel)));
    this.kinds.set(rel, 'file');
  }

  private async addSymlink(e: ArchiveEntry, rel: string): Promise<void> {
    const target = e.linkpath ?? '';
    const tooLong = nameTooLong('', target.split('/'));
    if (tooLong) throw this.refuse(ArchiveErrorCode.NameTooLong, e, `its link target: ${tooLong}`);
    const targetOf = (p: string): string | undefined => (p === rel ? target : this.links.get(p)?.target);
    // Checked now for an early, clear refusal, and again in finish() once every link is known.
    const why = symlinkEscape(rel, target, targetOf);
    if (why) throw this.refuse(ArchiveErrorCode.UnsafeEntry, e, why);
    const existing = await this.prepare(e, rel);
    if (existing !== undefined && existing !== 'symlink') throw this.conflict(e, existing);
    this.kinds.set(rel, 'symlink');
    this.links.set(rel, { target, raw: e.path, mtime: e.mtime });
  }

  /**
   * EEXIST here means two names that the file system folds together (case,
   * Unicode); ENAMETOOLONG, a file system with shorter limits than checked.
   */
  private async guardCollision<T>(entryPath: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENAMETOOLONG') {
        throw entryError(ArchiveErrorCode.NameTooLong, this.archive, entryPath, 'name too long for this file system');
      }
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw entryError(
          ArchiveErrorCode.UnsafeEntry,
          this.archive,
          entryPath,
          'it collides with another entry on this file system (names that differ only in case or Unicode form?)',
        );
      }
      throw err;
    }
  }
}
