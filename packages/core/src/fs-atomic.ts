import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { hasCode } from './errors';

/** A temporary name beside `dest`, so that the final rename stays on one file system. */
export function tempPathFor(dest: string): string {
  return path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(6).toString('hex')}.partial`);
}

/**
 * `mkdir -p` that fails instead of hanging. Node 20's recursive mkdir loops
 * forever when a folder cannot be made although its parent exists (under
 * `/proc/self`, for one): this one makes each missing folder in turn, from
 * the nearest existing one, so it fails with that folder's error (ENOENT,
 * EACCES; ENOTDIR, with `path` the file, when a part of the path is a file),
 * having removed again the folders it made. Returns the folders it made,
 * outermost first.
 */
export async function makeDirectory(dir: string, options: { mode?: number } = {}): Promise<string[]> {
  const missing: string[] = [];
  for (let current = path.resolve(dir); ; ) {
    let st;
    try {
      st = await fs.stat(current);
    } catch (err) {
      // ENOTDIR: a part above is a file; going up finds it.
      if (!hasCode(err, 'ENOENT') && !hasCode(err, 'ENOTDIR')) throw err;
      missing.push(current);
      const parent = path.dirname(current);
      if (parent === current) break;
      current = parent;
      continue;
    }
    if (!st.isDirectory()) {
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}' (${current} is a file)`), { code: 'ENOTDIR', syscall: 'mkdir', path: current });
    }
    break;
  }
  const made: string[] = [];
  for (const folder of missing.reverse()) {
    try {
      await fs.mkdir(folder, options.mode === undefined ? undefined : { mode: options.mode });
      made.push(folder);
    } catch (err) {
      if (hasCode(err, 'EEXIST') && (await fs.stat(folder).catch(() => undefined))?.isDirectory()) continue;
      for (const m of [...made].reverse()) await fs.rmdir(m).catch(() => undefined);
      throw err;
    }
  }
  return made;
}

/**
 * Write the whole file to a temporary name, flush it, then rename it into place.
 * `fsync: false` skips the flush for files that are cheap to lose after a power
 * failure (progress notes written many times a second): on ext4 a flush can wait
 * for every other file's dirty pages, a download's among them.
 */
export async function writeFileAtomic(dest: string, data: string | Uint8Array, options: { fsync?: boolean } = {}): Promise<void> {
  await makeDirectory(path.dirname(dest));
  const tmp = tempPathFor(dest);
  try {
    // Flush the bytes before the rename: after a crash the name then points at
    // the old file or the whole new one, never at an empty one.
    const handle = await fs.open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      if (options.fsync ?? true) await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, dest);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
