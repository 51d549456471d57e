import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** A temporary name beside `dest`, so that the final rename stays on one file system. */
export function tempPathFor(dest: string): string {
  return path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(6).toString('hex')}.partial`);
}

/**
 * Write the whole file to a temporary name, flush it, then rename it into place.
 * `fsync: false` skips the flush for files that are cheap to lose after a power
 * failure (progress notes written many times a second): on ext4 a flush can wait
 * for every other file's dirty pages, a download's among them.
 */
export async function writeFileAtomic(dest: string, data: string | Uint8Array, options: { fsync?: boolean } = {}): Promise<void> {
  await fs.mkdir(path.dirname(dest), { recursive: true });
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
