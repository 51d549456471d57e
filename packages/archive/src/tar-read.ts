import { once } from 'node:events';
import { Parser, type ReadEntry } from 'tar';
import type { ArchiveEntry, EntryType } from './entry';
import { ArchiveErrorCode, archiveError, entryError } from './errors';
import { isUserErrorLike, type EntryVisitor } from './reader';

const TYPES: Record<string, EntryType> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Link: 'hardlink',
  SymbolicLink: 'symlink',
  Directory: 'directory',
  GNUDumpDir: 'directory',
  CharacterDevice: 'character-device',
  BlockDevice: 'block-device',
  FIFO: 'fifo',
};

function toEntry(re: ReadEntry): ArchiveEntry {
  let type: EntryType = TYPES[re.type] ?? 'unsupported';
  // Old (pre-POSIX) archives mark folders with a trailing slash on a file entry.
  if (type === 'file' && re.path.endsWith('/') && !re.size) type = 'directory';
  return {
    path: re.path,
    type,
    size: type === 'file' ? re.size : 0,
    mode: re.mode ?? 0,
    mtime: re.mtime,
    linkpath: re.linkpath,
    rawType: type === 'unsupported' ? re.type : undefined,
  };
}

/**
 * Reads a tar stream (already decompressed) with node-tar's `Parser` (it
 * knows pax, GNU long names and base-256 numbers; we only take its parsing,
 * never its `Unpack`, so every write decision is ours). Entries are handed to
 * `visit` one at a time; a checksum failure or a truncated stream is an
 * `E_ARCHIVE_CORRUPT` error.
 */
export async function readTar(chunks: AsyncIterable<Buffer>, archive: string, visit: EntryVisitor): Promise<void> {
  const parser = new Parser({ strict: true, brotli: false, zstd: false });
  let failure: unknown;
  let sawEof = false;
  const stopped = new AbortController();
  const fail = (err: unknown): void => {
    if (failure !== undefined) return;
    failure = err;
    stopped.abort();
  };
  parser.on('eof', () => (sawEof = true));
  parser.on('error', (err: Error) => {
    fail(archiveError(ArchiveErrorCode.Corrupt, `${archive} is not a valid tar archive: ${err.message}`, { cause: err, file: archive }));
  });
  parser.on('ignoredEntry', (re: ReadEntry) => {
    const why = re.meta ? `its ${re.type} header is larger than the 1 MiB we read` : `tar entry type ${re.type} is not supported`;
    fail(entryError(ArchiveErrorCode.UnsupportedEntry, archive, re.path, why));
  });

  const aborted = whenAborted(stopped.signal);
  let chain: Promise<void> = Promise.resolve();
  parser.on('entry', (re: ReadEntry) => {
    chain = chain.then(async () => {
      if (failure === undefined) {
        try {
          await visit({ entry: toEntry(re), body: async () => untilStopped(re, aborted) });
        } catch (err) {
          fail(err);
        }
      }
      // Whatever the visitor did not read is skipped, so that the parser moves on.
      if (!re.emittedEnd) re.resume();
    });
  });
  const ended = once(parser, 'end', { signal: stopped.signal }).catch(() => undefined);

  try {
    for await (const chunk of chunks) {
      if (failure !== undefined) break;
      // Bytes after the end-of-archive marker are read (so that the decompressor's
      // integrity check runs) but not parsed.
      if (sawEof) continue;
      if (!parser.write(chunk)) await Promise.race([once(parser, 'drain').catch(() => undefined), aborted]);
    }
  } catch (err) {
    fail(isUserErrorLike(err) ? err : archiveError(ArchiveErrorCode.Corrupt, `${archive}: ${(err as Error).message}`, { cause: err }));
  }
  if (failure === undefined) {
    parser.end();
    await Promise.race([ended, aborted]);
  }
  // Let the last entries settle: each one may queue the next while it ends.
  for (let seen = chain; ; seen = chain) {
    await seen;
    if (seen === chain) break;
  }
  if (failure !== undefined) throw failure;
}

function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * An entry's body that stops (throws) as soon as the extraction failed
 * elsewhere (say the decompressor reported damage): without it, a reader
 * waiting for body bytes that will never come would wait forever.
 */
async function* untilStopped(re: ReadEntry, stop: Promise<void>): AsyncGenerator<Buffer> {
  const it = (re as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const aborted = stop.then(() => ({ stopped: true }) as const);
  for (;;) {
    const r = await Promise.race([it.next(), aborted]);
    if ('stopped' in r) throw new Error('extraction stopped');
    if (r.done) return;
    yield r.value;
  }
}
