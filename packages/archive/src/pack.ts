import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Header, Pax } from 'tar';
import { silentReporter, tempPathFor, type Reporter } from '@potions/core';
import { ArchiveErrorCode, archiveError } from './errors';
import { symlinkEscape } from './symlink-check';

export type PackFormat = 'tar.gz' | 'tar.zst';
export const PACK_FORMATS: readonly PackFormat[] = ['tar.gz', 'tar.zst'];

export interface PackOptions {
  /** Every entry's modification time, in seconds since the epoch (SOURCE_DATE_EPOCH). */
  mtime: number;
  /** Which files to write, as `<outFileBase>.<format>` (default: both). */
  formats?: readonly PackFormat[];
  /**
   * The absolute prefix the tree was built for (e.g. `/opt/potions/hello/2.10`).
   * Absolute symbolic links into it (or into `srcDir`) are stored as relative links.
   */
  prefix?: string;
  /** gzip level (default 9). Part of the output's identity: changing it changes the bytes. */
  gzipLevel?: number;
  /** zstd level, 1..19 (default 19). Part of the output's identity. */
  zstdLevel?: number;
  reporter?: Reporter;
}

export interface PackedArchive {
  format: PackFormat;
  path: string;
  sha256: string;
  size: number;
}

export interface PackResult {
  archives: PackedArchive[];
  /** Entries in the tar stream (folders, files, links). */
  entries: number;
  /** sha256 of the uncompressed tar stream: the same on every machine, whatever the compressor's version. */
  tarSha256: string;
}

type Kind = 'dir' | 'file' | 'symlink' | 'hardlink';

interface TreeEntry {
  rel: string;
  kind: Kind;
  mode: number;
  size: number;
  /** Symlink target (made relative) or, for a hard link, the path of the first name of the file. */
  link?: string;
}

/**
 * Packs the contents of `srcDir` (not the folder itself) into deterministic
 * archives: see docs/archives.md ("Deterministic archives"). Each output is
 * written to a temporary name and renamed when complete.
 */
export async function packDirectory(srcDir: string, outFileBase: string, options: PackOptions): Promise<PackResult> {
  const reporter = options.reporter ?? silentReporter;
  const formats = [...new Set(options.formats ?? PACK_FORMATS)];
  for (const f of formats) {
    if (!PACK_FORMATS.includes(f)) throw archiveError(ArchiveErrorCode.Unpackable, `unknown archive format ${JSON.stringify(f)}: expected one of ${PACK_FORMATS.join(', ')}`);
  }
  if (!Number.isInteger(options.mtime) || options.mtime < 0) {
    throw archiveError(ArchiveErrorCode.Unpackable, `mtime must be whole seconds since the epoch (SOURCE_DATE_EPOCH), got ${String(options.mtime)}`);
  }
  const gzipLevel = options.gzipLevel ?? 9;
  const zstdLevel = options.zstdLevel ?? 19;
  if (!Number.isInteger(zstdLevel) || zstdLevel < 1 || zstdLevel > 19) {
    throw archiveError(ArchiveErrorCode.Unpackable, `zstdLevel must be 1..19, got ${String(zstdLevel)}`);
  }
  const root = await fs.realpath(srcDir);
  const entries = await collectTree(root, options.prefix);
  const outBase = path.resolve(outFileBase);
  await fs.mkdir(path.dirname(outBase), { recursive: true });
  const tarTmp = tempPathFor(`${outBase}.tar`);
  try {
    const tarSha256 = await writeTar(root, entries, tarTmp, options.mtime);
    const archives: PackedArchive[] = [];
    for (const format of formats) {
      const dest = `${outBase}.${format}`;
      const tmp = tempPathFor(dest);
      try {
        if (format === 'tar.gz') await gzipFile(tarTmp, tmp, gzipLevel);
        else await zstdFile(tarTmp, tmp, zstdLevel);
        const { sha256, size } = await digestFile(tmp);
        await fs.rename(tmp, dest);
        archives.push({ format, path: dest, sha256, size });
        reporter.debug(`packed ${root} into ${dest} (${size} bytes, sha256 ${sha256})`);
      } catch (err) {
        await fs.rm(tmp, { force: true });
        throw err;
      }
    }
    return { archives, entries: entries.length, tarSha256 };
  } finally {
    await fs.rm(tarTmp, { force: true });
  }
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

async function collectTree(root: string, prefix: string | undefined): Promise<TreeEntry[]> {
  const found: { rel: string; stat: import('node:fs').Stats }[] = [];
  const walk = async (relDir: string): Promise<void> => {
    const names = await fs.readdir(relDir === '' ? root : path.join(root, relDir));
    for (const name of names) {
      const rel = relDir === '' ? name : `${relDir}/${name}`;
      const stat = await fs.lstat(path.join(root, rel));
      found.push({ rel, stat });
      if (stat.isDirectory()) await walk(rel);
    }
  };
  await walk('');
  found.sort((a, b) => byteOrder(a.rel, b.rel));

  const firstName = new Map<string, string>();
  const links = new Map<string, string>();
  const entries: TreeEntry[] = [];
  for (const { rel, stat } of found) {
    if (stat.isDirectory()) {
      entries.push({ rel, kind: 'dir', mode: 0o755, size: 0 });
    } else if (stat.isFile()) {
      const mode = stat.mode & 0o111 ? 0o755 : 0o644;
      // Hard links are kept as hard links: the first name in byte order holds the
      // data, later names link to it. That is what was installed, and it does not
      // duplicate large programs (git installs dozens of names for one binary).
      const id = `${stat.dev}:${stat.ino}`;
      const first = stat.nlink > 1 ? firstName.get(id) : undefined;
      if (first !== undefined) entries.push({ rel, kind: 'hardlink', mode, size: 0, link: first });
      else {
        if (stat.nlink > 1) firstName.set(id, rel);
        entries.push({ rel, kind: 'file', mode, size: stat.size });
      }
    } else if (stat.isSymbolicLink()) {
      const target = relativeLink(root, prefix, rel, await fs.readlink(path.join(root, rel)));
      links.set(rel, target);
      entries.push({ rel, kind: 'symlink', mode: 0o777, size: 0, link: target });
    } else {
      throw archiveError(ArchiveErrorCode.Unpackable, `cannot pack ${path.join(root, rel)}: it is not a file, folder or symbolic link (a device, FIFO or socket)`);
    }
  }
  for (const [rel, target] of links) {
    const why = symlinkEscape(rel, target, (p) => links.get(p));
    if (why) {
      throw archiveError(ArchiveErrorCode.Unpackable, `cannot pack the symbolic link ${path.join(root, rel)}: ${why}`, {
        hint: 'an artifact may only link to files inside itself',
      });
    }
  }
  return entries;
}

/** Absolute targets inside the tree (or the build prefix) become relative; others are refused. */
function relativeLink(root: string, prefix: string | undefined, rel: string, target: string): string {
  if (!target.startsWith('/')) return target;
  for (const base of [prefix, root]) {
    if (base === undefined) continue;
    const b = base.replace(/\/+$/, '');
    if (target === b || target.startsWith(`${b}/`)) {
      const inTree = target.slice(b.length).replace(/^\/+/, '');
      return path.posix.relative(path.posix.dirname(`/${rel}`), `/${inTree}`) || '.';
    }
  }
  throw archiveError(
    ArchiveErrorCode.Unpackable,
    `cannot pack the symbolic link ${path.join(root, rel)}: its target ${JSON.stringify(target)} is an absolute path outside the tree`,
    { hint: 'an artifact may only link to files inside itself; make the link relative in the build' },
  );
}

const TAR_TYPES: Record<Kind, string> = { dir: 'Directory', file: 'File', symlink: 'SymbolicLink', hardlink: 'Link' };
const MAX_OCTAL_SIZE = 0o77777777777;

/**
 * One ustar stream: a pax header only where ustar cannot hold a value (long or
 * non-ASCII names, files of 8 GiB or more), carrying just that value and the
 * fixed mtime, never atime/ctime. Ends with two zero blocks, no record padding.
 */
async function writeTar(root: string, entries: TreeEntry[], out: string, mtime: number): Promise<string> {
  const hash = createHash('sha256');
  const fh = await fs.open(out, 'wx', 0o600);
  const when = new Date(mtime * 1000);
  const emit = async (buf: Buffer): Promise<void> => {
    hash.update(buf);
    let off = 0;
    while (off < buf.length) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
  };
  try {
    for (const e of entries) {
      const name = e.kind === 'dir' ? `${e.rel}/` : e.rel;
      const header = new Header({
        path: name,
        mode: e.mode,
        uid: 0,
        gid: 0,
        size: e.kind === 'file' ? e.size : 0,
        mtime: when,
        type: TAR_TYPES[e.kind] as never,
        linkpath: e.link ?? '',
        uname: '',
        gname: '',
        devmaj: 0,
        devmin: 0,
      });
      const block = Buffer.alloc(512);
      if (header.encode(block)) {
        const pax = new Pax({
          path: name,
          linkpath: e.link,
          size: e.kind === 'file' && e.size > MAX_OCTAL_SIZE ? e.size : undefined,
          mtime: when,
          uid: 0,
          gid: 0,
        });
        await emit(pax.encode());
      }
      await emit(block);
      if (e.kind === 'file') await emitFile(path.join(root, e.rel), e.size, emit);
    }
    await emit(Buffer.alloc(1024));
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

async function emitFile(file: string, size: number, emit: (buf: Buffer) => Promise<void>): Promise<void> {
  let n = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    n += (chunk as Buffer).length;
    if (n > size) break;
    await emit(chunk as Buffer);
  }
  if (n !== size) throw archiveError(ArchiveErrorCode.Unpackable, `cannot pack ${file}: it changed size while being packed`);
  const pad = (512 - (size % 512)) % 512;
  if (pad) await emit(Buffer.alloc(pad));
}

/**
 * gzip through node:zlib at a fixed level, with the header fixed too: no
 * name, MTIME 0 and OS 3 (Unix) whatever zlib was built for (zlib writes 19
 * on macOS), so that Linux and macOS runners agree.
 */
async function gzipFile(src: string, dest: string, level: number): Promise<void> {
  await pipeline(createReadStream(src), createGzip({ level }), new FixGzipHeader(), createWriteStream(dest, { flags: 'wx', mode: 0o644 }));
}

class FixGzipHeader extends Transform {
  private seen = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.seen < 10) {
      const out = Buffer.from(chunk);
      for (let i = 0; i < out.length && this.seen + i < 10; i++) {
        const pos = this.seen + i;
        if (pos >= 4 && pos <= 7) out[i] = 0; // MTIME
        if (pos === 9) out[i] = 3; // OS: Unix
      }
      this.seen += out.length;
      done(null, out);
      return;
    }
    done(null, chunk);
  }
}

/**
 * zstd through the `zstd` program (see decompress.ts for why a program):
 * fixed level, `--single-thread` (multi-threaded output differs), reading the
 * tar on stdin so the frame carries no file name or size, checksum on (it is
 * a function of the content, so it does not vary).
 */
async function zstdFile(src: string, dest: string, level: number): Promise<void> {
  const input = await fs.open(src, 'r');
  const output = await fs.open(dest, 'wx', 0o644);
  try {
    const child = spawn('zstd', ['-q', `-${level}`, '--single-thread', '--check', '-c'], { stdio: [input.fd, output.fd, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (err) => (spawnError = err));
    const [code] = (await once(child, 'close').catch(() => [null])) as [number | null];
    if (spawnError?.code === 'ENOENT') {
      throw archiveError(ArchiveErrorCode.ToolMissing, 'writing .tar.zst needs the zstd program, which is not installed', {
        hint: 'install zstd (apt, Homebrew)',
      });
    }
    if (spawnError || code !== 0) throw new Error(`zstd failed: ${spawnError?.message ?? stderr.trim() ?? `exit ${code}`}`);
  } finally {
    await input.close();
    await output.close();
  }
}

export async function digestFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
