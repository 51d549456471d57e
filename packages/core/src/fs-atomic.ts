import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** A temporary name beside `dest`, so that the final rename stays on one file system. */
export function tempPathFor(dest: string): string {
  return path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(6).toString('hex')}.partial`);
}

/** Write the whole file to a temporary name, flush it, then rename it into place. */
export async function writeFileAtomic(dest: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(dest), { recursive: true });
  const tmp = tempPathFor(dest);
  try {
    // Flush the bytes before the rename: after a crash the name then points at
    // the old file or the whole new one, never at an empty one.
    const handle = await fs.open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, dest);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
