import { promises as fs } from 'node:fs';
import path from 'node:path';
import { silentReporter, tempPathFor, type Reporter } from '@potions/core';
import { decompressFile } from './decompress';
import { detectFileFormat, isTarHeader, readHead, stripCompressionSuffix, type ArchiveFormat, type Compression, type OuterFormat } from './detect';
import { ArchiveErrorCode, archiveError } from './errors';
import { readTar } from './tar-read';
import { readZip } from './zip-read';
import { SafeTreeWriter, type ExtractLimits } from './safe-writer';

export const DEFAULT_MAX_BYTES = 8 * 1024 ** 3;
export const DEFAULT_MAX_ENTRIES = 200_000;

export interface ExtractOptions {
  /** Drop this many leading path components (entries with no more are skipped), like `tar --strip-components`. */
  stripComponents?: number;
  /** Refuse the archive past this many uncompressed bytes of file content (default 8 GiB). */
  maxBytes?: number;
  /** Refuse the archive past this many entries (default 200 000). */
  maxEntries?: number;
  /** Name of the file when the download is a plain file or a single compressed file (default: the file's own name, without `.gz`/`.xz`/...). */
  plainFileName?: string;
  reporter?: Reporter;
}

export interface ExtractResult {
  /** The destination folder (absolute). */
  dir: string;
  /** What the content turned out to be. */
  format: ArchiveFormat;
  entries: number;
  /** Uncompressed bytes of file content written. */
  bytes: number;
}

const SUFFIX: Record<Exclude<Compression, 'none'>, 'gz' | 'xz' | 'bz2' | 'zst'> = {
  gzip: 'gz',
  xz: 'xz',
  bzip2: 'bz2',
  zstd: 'zst',
};

/**
 * Extracts `file` into `destDir`, which must not exist or be an empty folder.
 *
 * The archive is extracted into a temporary folder beside `destDir` and renamed
 * into place once complete; on any refusal or error the temporary folder is
 * removed and `destDir` is left as it was (absent). Nothing is ever written
 * outside that temporary folder. See docs/archives.md for the rules.
 */
export async function extractArchive(file: string, destDir: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  const reporter = options.reporter ?? silentReporter;
  const limits: ExtractLimits = {
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
  };
  const strip = options.stripComponents ?? 0;
  if (!Number.isInteger(strip) || strip < 0) {
    throw archiveError(ArchiveErrorCode.UnsafeEntry, `stripComponents must be a whole number >= 0, got ${String(strip)}`);
  }
  const dest = path.resolve(destDir);
  await assertFreeDestination(dest);
  const outer = await detectFileFormat(file);
  await fs.mkdir(path.dirname(dest), { recursive: true });
  const tmp = tempPathFor(dest);
  await fs.mkdir(tmp, { mode: 0o700 });
  try {
    const writer = new SafeTreeWriter(tmp, file, limits, strip);
    const format = await extractInto(file, outer, writer, limits, options);
    await writer.finish();
    await fs.chmod(tmp, 0o755);
    await fs.rename(tmp, dest);
    reporter.debug(`extracted ${file} (${format}, ${writer.entries} entries, ${writer.bytes} bytes) into ${dest}`);
    return { dir: dest, format, entries: writer.entries, bytes: writer.bytes };
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function extractInto(
  file: string,
  outer: OuterFormat,
  writer: SafeTreeWriter,
  limits: ExtractLimits,
  options: ExtractOptions,
): Promise<ArchiveFormat> {
  const add = (s: Parameters<SafeTreeWriter['add']>[0]): Promise<void> => writer.add(s);
  switch (outer.kind) {
    case 'zip':
      await readZip(file, limits, add);
      return 'zip';
    case 'tar':
      await readTar(decompressFile(file, 'none'), file, add);
      return 'tar';
    case 'plain': {
      const head = await readHead(file);
      await writer.addPlainFile(options.plainFileName ?? path.basename(file), decompressFile(file, 'none'), head);
      return 'plain';
    }
    case 'compressed': {
      const stream = capBytes(decompressFile(file, outer.compression), streamCap(limits), file);
      try {
        const { head, chunks } = await peek(stream, 512);
        const suffix = SUFFIX[outer.compression];
        if (isTarHeader(head)) {
          await readTar(chunks, file, add);
          return `tar.${suffix}`;
        }
        const name = options.plainFileName ?? stripCompressionSuffix(path.basename(file));
        await writer.addPlainFile(name, chunks, head);
        return suffix;
      } finally {
        await stream.return(undefined); // stops the decompressor if we left early
      }
    }
  }
}

async function assertFreeDestination(dest: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(dest);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw archiveError(ArchiveErrorCode.DestinationExists, `cannot extract into ${dest}: it is a file`);
    throw err;
  }
  if (entries.length > 0) {
    throw archiveError(ArchiveErrorCode.DestinationExists, `cannot extract into ${dest}: the folder exists and is not empty`, {
      hint: 'extract into a new folder, or remove this one first',
    });
  }
}

/**
 * The decompressed stream may hold tar headers and padding besides file
 * content, but not unboundedly more: past this, the stream is refused (it
 * guards against a bomb of trailing bytes after the end-of-archive marker).
 */
export function streamCap(limits: ExtractLimits): number {
  return limits.maxBytes + 4096 * limits.maxEntries + 64 * 1024 * 1024;
}

export async function* capBytes(chunks: AsyncIterable<Buffer>, cap: number, file: string): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > cap) {
      throw archiveError(ArchiveErrorCode.Limit, `${file} decompresses to more than ${cap} bytes, past the size limit`, { file });
    }
    yield chunk;
  }
}

/** Reads at least `n` bytes (or all there is) and gives them back followed by the rest. */
export async function peek(gen: AsyncGenerator<Buffer>, n: number): Promise<{ head: Buffer; chunks: AsyncGenerator<Buffer> }> {
  const held: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < n) {
    const r = await gen.next();
    if (r.done) {
      done = true;
      break;
    }
    held.push(r.value);
    length += r.value.length;
  }
  const head = Buffer.concat(held);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (!done) yield* gen;
  }
  return { head, chunks: rest() };
}
