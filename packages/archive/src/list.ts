import path from 'node:path';
import { decompressFile } from './decompress';
import { detectFileFormat, isTarHeader, readHead, stripCompressionSuffix, type ArchiveFormat } from './detect';
import type { ArchiveEntry } from './entry';
import { ArchiveErrorCode, archiveError } from './errors';
import { DEFAULT_MAX_ENTRIES, peek } from './extract';
import { isExecutableContent } from './file-kind';
import type { EntrySource } from './reader';
import { readTar } from './tar-read';
import { readZip } from './zip-read';

export interface ArchiveListing {
  format: ArchiveFormat;
  /** Entries in archive order, paths as the archive spells them. */
  entries: ArchiveEntry[];
}

/**
 * The entries of an archive, without extracting anything (file contents are
 * read and dropped, so compressed streams are checked end to end). A plain
 * file or a single compressed file is listed as one `file` entry.
 */
export async function listArchive(file: string, options: { maxEntries?: number } = {}): Promise<ArchiveListing> {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const entries: ArchiveEntry[] = [];
  const record = async (s: EntrySource): Promise<void> => {
    if (entries.length >= maxEntries) {
      throw archiveError(ArchiveErrorCode.Limit, `${file} has more than ${maxEntries} entries (the limit)`, { file });
    }
    entries.push(s.entry);
  };
  const outer = await detectFileFormat(file);
  switch (outer.kind) {
    case 'zip':
      await readZip(file, { maxEntries }, record);
      return { format: 'zip', entries };
    case 'tar':
      await readTar(decompressFile(file, 'none'), file, record);
      return { format: 'tar', entries };
    case 'plain': {
      const head = await readHead(file);
      const size = await countBytes(decompressFile(file, 'none'));
      return { format: 'plain', entries: [plainEntry(path.basename(file), size, head)] };
    }
    case 'compressed': {
      const stream = decompressFile(file, outer.compression);
      try {
        const { head, chunks } = await peek(stream, 512);
        const suffix = ({ gzip: 'gz', xz: 'xz', bzip2: 'bz2', zstd: 'zst' } as const)[outer.compression];
        if (isTarHeader(head)) {
          await readTar(chunks, file, record);
          return { format: `tar.${suffix}`, entries };
        }
        const size = await countBytes(chunks);
        return { format: suffix, entries: [plainEntry(stripCompressionSuffix(path.basename(file)), size, head)] };
      } finally {
        await stream.return(undefined);
      }
    }
  }
}

function plainEntry(name: string, size: number, head: Uint8Array): ArchiveEntry {
  return { path: name, type: 'file', size, mode: isExecutableContent(head) ? 0o755 : 0o644 };
}

async function countBytes(chunks: AsyncIterable<Buffer>): Promise<number> {
  let n = 0;
  for await (const c of chunks) n += c.length;
  return n;
}
