/**
 * Hashing local files for mirror-sync: sha256 only (it names the key; the MD5
 * the ETag check needs is computed by the upload, for files that are uploaded),
 * with the file's stat taken before the read, so the upload can tell the file
 * has not been written since (see docs/mirrors.md, "Why a stat can stand for
 * the sha256"). Large files are hashed on worker threads: Node hashes on the
 * calling thread, so hashing on the main thread uses one core however many
 * files are read at once.
 */
import { createHash } from 'node:crypto';
import fsSync, { type BigIntStats } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';

/** What identifies the file version that was hashed. Strings: inode numbers and nanoseconds exceed 2^53. */
export interface FileStamp {
  dev: string;
  ino: string;
  size: number;
  mtimeNs: string;
  ctimeNs: string;
}

/** Bytes run through each digest. */
export interface HashedBytes {
  sha256: number;
  md5: number;
}

export function stampOf(st: BigIntStats): FileStamp {
  return {
    dev: String(st.dev),
    ino: String(st.ino),
    size: Number(st.size),
    mtimeNs: String(st.mtimeNs),
    ctimeNs: String(st.ctimeNs),
  };
}

/** Undefined when `st` is the stamped version of the file; otherwise what differs. */
export function stampDiff(stamp: FileStamp, st: BigIntStats): string | undefined {
  const now = stampOf(st);
  const names: Record<keyof FileStamp, string> = { dev: 'device', ino: 'inode', size: 'size', mtimeNs: 'mtime', ctimeNs: 'ctime' };
  const diff = (Object.keys(names) as (keyof FileStamp)[]).filter((k) => String(stamp[k]) !== String(now[k]));
  return diff.length ? `file status differs: ${diff.map((k) => names[k]).join(', ')}` : undefined;
}

/**
 * A file last changed this close to the moment it is stat'ed could be changed
 * again within the same timestamp tick (file times come from a coarse clock),
 * leaving mtime and ctime as they were: the same problem as "racy git". Such a
 * file gets no stamp, and its upload hashes sha256 again.
 */
export const RACY_MS = 2000;

function settled(st: BigIntStats, statAtMs: number): boolean {
  const limit = BigInt(Math.floor(statAtMs - RACY_MS)) * 1_000_000n;
  return st.ctimeNs < limit && st.mtimeNs < limit;
}

export interface HashedFile {
  size: number;
  sha256: string;
  /** Absent when the file changed too recently (or while it was read) for its stat to stand for its bytes. */
  stamp?: FileStamp;
}

/** 4 MiB reads: with smaller ones the read calls rival the hashing itself. */
export const READ_SIZE = 4 * 1024 * 1024;
const READ = READ_SIZE;

/**
 * Hash one file with synchronous reads (the main thread for small files, a
 * worker for large ones, see WORKER_SOURCE, which does the same). `buf`, when
 * given, must hold at least READ_SIZE bytes.
 */
export function hashFileSync(file: string, statAtMs: number, buf?: Buffer): HashedFile {
  const fd = fsSync.openSync(file, 'r');
  try {
    const st = fsSync.fstatSync(fd, { bigint: true });
    const size = Number(st.size);
    // Read until EOF (at least one byte more than the size is asked, so a file that grew shows it).
    const b = buf ?? Buffer.allocUnsafe(Math.min(size + 1, READ));
    const hash = createHash('sha256');
    let read = 0;
    for (let r; (r = fsSync.readSync(fd, b, 0, b.length, read)) > 0; read += r) hash.update(b.subarray(0, r));
    const sha256 = hash.digest('hex');
    return { size: read, sha256, ...(read === size && settled(st, statAtMs) ? { stamp: stampOf(st) } : {}) };
  } finally {
    fsSync.closeSync(fd);
  }
}

// Plain JavaScript, evaluated in each worker: no TypeScript loader there (tsx,
// ts-jest and the ncc bundle would each need their own way to load a module file).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const READ = ${READ}, RACY_MS = ${RACY_MS};
const buf = Buffer.allocUnsafe(READ);
parentPort.on('message', ({ id, file, statAtMs }) => {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
    const st = fs.fstatSync(fd, { bigint: true });
    const size = Number(st.size);
    const hash = createHash('sha256');
    let read = 0;
    for (let r; (r = fs.readSync(fd, buf, 0, buf.length, read)) > 0; read += r) hash.update(buf.subarray(0, r));
    const limit = BigInt(Math.floor(statAtMs - RACY_MS)) * 1000000n;
    const stamp = read === size && st.ctimeNs < limit && st.mtimeNs < limit
      ? { dev: String(st.dev), ino: String(st.ino), size, mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs) }
      : undefined;
    parentPort.postMessage({ id, result: { size: read, sha256: hash.digest('hex'), ...(stamp ? { stamp } : {}) } });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: String(err && err.message), code: err && err.code } });
  } finally {
    if (fd !== undefined) try { fs.closeSync(fd); } catch {}
  }
});
`;

/**
 * Hash `files` on up to `threads` worker threads (each hashes whole files, the
 * largest first). Workers start in about 25 ms each, so callers use this only
 * for enough bytes to pay for it.
 */
export async function hashFilesInWorkers(
  files: readonly string[],
  threads: number,
  now: () => number,
): Promise<HashedFile[]> {
  const out: HashedFile[] = new Array(files.length);
  const workers = Array.from(
    { length: Math.max(1, Math.min(threads, files.length)) },
    // execArgv []: do not load the parent's --import hooks (tsx) into a plain-JS worker.
    () => new Worker(WORKER_SOURCE, { eval: true, execArgv: [] }),
  );
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            // True while this worker holds a file: an exit then must not leave the promise hanging.
            let busy = false;
            const send = (): void => {
              if (next >= files.length) return resolve();
              const id = next++;
              busy = true;
              w.postMessage({ id, file: files[id], statAtMs: now() });
            };
            w.on('message', (m: { id: number; result?: HashedFile; error?: { message: string; code?: string } }) => {
              if (m.error) {
                const err = Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {});
                return reject(err);
              }
              busy = false;
              out[m.id] = m.result!;
              send();
            });
            w.on('error', reject);
            w.on('exit', (code) => {
              if (busy || next < files.length || code !== 0) reject(new Error(`hash worker exited with ${code} before it finished`));
              else resolve();
            });
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}

/** Threads worth using for hashing: the cores, at most 4. */
export function hashThreads(): number {
  return Math.min(4, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}
