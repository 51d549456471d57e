import { promises as fs } from 'node:fs';
import yauzl from 'yauzl';
import type { ArchiveEntry, EntryType } from './entry';
import { ArchiveErrorCode, archiveError, entryError } from './errors';
import { isUserErrorLike, type EntryVisitor } from './reader';

/** Deflate cannot do better than about 1032:1; more means crafted (overlapping) data. */
const DEFLATE_MAX_RATIO = 1032;
const MAX_LINK_TARGET = 4096;

const S_IFMT = 0o170000;
const FILE_TYPES: Record<number, EntryType> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'symlink',
  0o020000: 'character-device',
  0o060000: 'block-device',
  0o010000: 'fifo',
  0o140000: 'socket',
};
/** "Version made by" hosts whose external attributes carry a Unix mode: Unix and OS X. */
const UNIX_HOSTS = new Set([3, 19]);

export interface ZipReadOptions {
  maxEntries: number;
}

/**
 * Reads a zip with yauzl (central directory first, so the entry count is known
 * before anything is written). Names are decoded with yauzl's own decoder
 * (CP437 or UTF-8 by the flag, Info-ZIP Unicode path field) but validated by
 * us, so that a refusal names the entry. Unix modes come from the external
 * attributes when the archive was made on Unix; symbolic links are entries
 * whose mode says so, their target being the content.
 */
export async function readZip(file: string, options: ZipReadOptions, visit: EntryVisitor): Promise<void> {
  const corrupt = (err: unknown): Error =>
    isUserErrorLike(err)
      ? (err as Error)
      : archiveError(ArchiveErrorCode.Corrupt, `${file} is not a valid zip archive: ${(err as Error).message}`, { cause: err, file });
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false });
  } catch (err) {
    throw corrupt(err);
  }
  try {
    if (zip.entryCount > options.maxEntries) {
      throw archiveError(
        ArchiveErrorCode.Limit,
        `${file} holds ${zip.entryCount} entries, more than the limit of ${options.maxEntries}`,
        { file, hint: 'raise maxEntries if this archive is trusted' },
      );
    }
    const fileSize = (await fs.stat(file)).size;
    let compressedTotal = 0;
    for await (const ze of zip.eachEntry()) {
      const name = yauzl.getFileNameLowLevel(ze.generalPurposeBitFlag, ze.fileNameRaw, ze.extraFields, false);
      const entry = zipEntry(ze, name);
      if (name.includes('\\')) {
        throw entryError(ArchiveErrorCode.UnsafeEntry, file, name, 'the path contains a backslash, which zip paths must not');
      }
      if (ze.isEncrypted()) throw entryError(ArchiveErrorCode.UnsupportedEntry, file, name, 'the entry is encrypted');
      if (ze.compressionMethod !== 0 && ze.compressionMethod !== 8) {
        throw entryError(ArchiveErrorCode.UnsupportedEntry, file, name, `compression method ${ze.compressionMethod} is not supported (only stored and deflate)`);
      }
      if (ze.compressionMethod === 8 && ze.uncompressedSize > ze.compressedSize * DEFLATE_MAX_RATIO + 1024) {
        throw entryError(
          ArchiveErrorCode.Limit,
          file,
          name,
          `it claims ${ze.uncompressedSize} bytes from ${ze.compressedSize} compressed, a ratio deflate cannot reach (a zip bomb)`,
        );
      }
      compressedTotal += ze.compressedSize;
      if (compressedTotal > fileSize) {
        throw entryError(ArchiveErrorCode.Limit, file, name, 'the entries overlap each other in the file (a zip bomb)');
      }
      const open = async (): Promise<AsyncIterable<Buffer>> => guard(await zip.openReadStreamPromise(ze), corrupt);
      if (entry.type === 'symlink') {
        if (ze.uncompressedSize > MAX_LINK_TARGET) {
          throw entryError(ArchiveErrorCode.UnsafeEntry, file, name, `the symbolic link target is longer than ${MAX_LINK_TARGET} bytes`);
        }
        const parts: Buffer[] = [];
        for await (const chunk of await open()) parts.push(chunk);
        entry.linkpath = Buffer.concat(parts).toString('utf8');
        await visit({ entry, body: async () => [] });
      } else {
        await visit({ entry, body: open });
      }
    }
  } catch (err) {
    throw corrupt(err);
  } finally {
    if (zip.isOpen) zip.close();
  }
}

function zipEntry(ze: yauzl.Entry, name: string): ArchiveEntry {
  const unixMode = UNIX_HOSTS.has(ze.versionMadeBy >> 8) ? (ze.externalFileAttributes >>> 16) & 0xffff : 0;
  let type: EntryType = name.endsWith('/') ? 'directory' : 'file';
  if (unixMode & S_IFMT) type = FILE_TYPES[unixMode & S_IFMT] ?? 'unsupported';
  const mode = unixMode & 0o7777 || (type === 'directory' ? 0o755 : 0o644);
  return {
    path: name,
    type,
    size: type === 'file' ? ze.uncompressedSize : 0,
    mode,
    mtime: ze.getLastModDate(),
  };
}

async function* guard(stream: AsyncIterable<unknown>, corrupt: (err: unknown) => Error): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    throw corrupt(err);
  }
}
