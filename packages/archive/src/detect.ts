import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Header } from 'tar';
import { ArchiveErrorCode, archiveError } from './errors';
import { MAGIC, startsWith } from './file-kind';

/** How a file's bytes are compressed. */
export type Compression = 'gzip' | 'xz' | 'bzip2' | 'zstd' | 'none';

/** What `extractArchive` found, named like a file suffix (`gz` is a single compressed file). */
export type ArchiveFormat =
  | 'tar'
  | 'tar.gz'
  | 'tar.xz'
  | 'tar.bz2'
  | 'tar.zst'
  | 'zip'
  | 'gz'
  | 'xz'
  | 'bz2'
  | 'zst'
  | 'plain';

/** What the first bytes of a file say, before any decompression. */
export type OuterFormat = { kind: 'zip' } | { kind: 'tar' } | { kind: 'compressed'; compression: Exclude<Compression, 'none'> } | { kind: 'plain' };

const SUFFIXES: { suffix: string; format: ArchiveFormat }[] = [
  { suffix: '.tar.gz', format: 'tar.gz' },
  { suffix: '.tgz', format: 'tar.gz' },
  { suffix: '.tar.xz', format: 'tar.xz' },
  { suffix: '.txz', format: 'tar.xz' },
  { suffix: '.tar.bz2', format: 'tar.bz2' },
  { suffix: '.tbz2', format: 'tar.bz2' },
  { suffix: '.tbz', format: 'tar.bz2' },
  { suffix: '.tar.zst', format: 'tar.zst' },
  { suffix: '.tzst', format: 'tar.zst' },
  { suffix: '.tar', format: 'tar' },
  { suffix: '.zip', format: 'zip' },
  { suffix: '.gz', format: 'gz' },
  { suffix: '.xz', format: 'xz' },
  { suffix: '.bz2', format: 'bz2' },
  { suffix: '.zst', format: 'zst' },
];

/** The format a file name suggests, or undefined for names without an archive suffix. */
export function formatFromName(name: string): ArchiveFormat | undefined {
  const lower = name.toLowerCase();
  return SUFFIXES.find((s) => lower.endsWith(s.suffix))?.format;
}

/** `tool.gz` -> `tool`: the name a single compressed file gets once decompressed. */
export function stripCompressionSuffix(name: string): string {
  const stripped = name.replace(/\.(gz|xz|bz2|zst)$/i, '');
  return stripped === '' ? name : stripped;
}

/** A valid tar header block: `ustar` at offset 257, or an old v7 header whose checksum adds up. */
export function isTarHeader(block: Uint8Array): boolean {
  if (block.length < 512) return false;
  const buf = Buffer.from(block.buffer, block.byteOffset, 512);
  if (startsWith(buf, Buffer.from('ustar', 'latin1'), 257)) return true;
  if (buf.every((b) => b === 0)) return true; // an empty archive: end-of-archive blocks only
  try {
    const h = new Header(buf);
    return h.cksumValid && !!h.path;
  } catch {
    return false;
  }
}

/** Recognises a format from the first bytes (at least 512 for tar). */
export function detectFromContent(head: Uint8Array): OuterFormat {
  if (startsWith(head, MAGIC.gzip)) return { kind: 'compressed', compression: 'gzip' };
  if (startsWith(head, MAGIC.xz)) return { kind: 'compressed', compression: 'xz' };
  if (startsWith(head, MAGIC.zstd)) return { kind: 'compressed', compression: 'zstd' };
  // 'BZh' then a block size digit '1'..'9': three letters alone are too weak.
  if (startsWith(head, MAGIC.bzip2) && head.length > 3 && head[3]! >= 0x31 && head[3]! <= 0x39) {
    return { kind: 'compressed', compression: 'bzip2' };
  }
  if (startsWith(head, MAGIC.zip) || startsWith(head, MAGIC.zipEmpty)) return { kind: 'zip' };
  if (isTarHeader(head)) return { kind: 'tar' };
  return { kind: 'plain' };
}

export async function readHead(file: string, length = 512): Promise<Buffer> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function preview(head: Uint8Array): string {
  const text = Buffer.from(head.subarray(0, 24)).toString('latin1');
  return JSON.stringify(text.replace(/[^\x20-\x7e]/g, '.'));
}

/**
 * The format of `file` by its first 512 bytes (never the whole file); the name only breaks ties. Content wins
 * when the two disagree (a `.tgz` that is really xz is extracted as xz), but a
 * name that promises an archive over content that is none (an HTML error page
 * saved as `.tar.gz`) is refused rather than copied in as a "plain file".
 */
export async function detectFileFormat(file: string): Promise<OuterFormat> {
  const head = await readHead(file);
  const found = detectFromContent(head);
  const named = formatFromName(path.basename(file));
  if (found.kind === 'plain' && named !== undefined) {
    throw archiveError(
      ArchiveErrorCode.Corrupt,
      `${file} is named like a .${named} archive but its content is not one (it starts with ${preview(head)})`,
      { file, hint: 'the download may be an error page or truncated; check the URL and the checksum' },
    );
  }
  return found;
}
