/**
 * Checks of the destination before any byte is requested: a folder, a parent
 * that is a file, or a folder that cannot be created is the user's to fix,
 * and must not be reported as a failed mirror.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { makeDirectory } from '@potions/core';
import { DestinationError, DownloadErrorCode, destinationError, osCodeOf } from './errors';

/**
 * Make sure `dest` (absolute) can become a file: it is not a folder, and its
 * folder exists (created if missing) and is a folder. Throws `DestinationError`
 * (`E_DEST_IS_DIR`, `E_DEST_UNWRITABLE`). Returns the folders it created, outermost first.
 */
export async function prepareDestination(dest: string): Promise<string[]> {
  let notDir: unknown;
  const st = await fs.stat(dest).catch((err: unknown) => {
    const code = osCodeOf(err);
    if (code === 'ENOTDIR') notDir = err;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw destinationError(DownloadErrorCode.DestUnwritable, dest, `cannot write to ${dest}`, err);
  });
  if (st?.isDirectory()) {
    throw new DestinationError(DownloadErrorCode.DestIsDir, `cannot download to ${dest}: ${dest} is a folder`, {
      path: dest,
      hint: `give the file's path, e.g. ${path.join(dest, 'NAME')}`,
    });
  }
  const parent = path.dirname(dest);
  try {
    return await makeDirectory(parent);
  } catch (err) {
    // makeDirectory names the part of the path that is a file.
    const file = osCodeOf(err) === 'ENOTDIR' ? (err as { path?: string }).path : undefined;
    if (file !== undefined) {
      throw new DestinationError(DownloadErrorCode.DestUnwritable, `cannot write to ${dest}: ${file} is not a folder`, {
        path: dest,
        osCode: 'ENOTDIR',
        hint: 'choose a destination file in a folder you can write to',
        cause: notDir ?? err,
      });
    }
    throw destinationError(DownloadErrorCode.DestUnwritable, parent, `cannot create the folder ${parent} for ${dest}`, err);
  }
}

/** Remove folders `prepareDestination` created, innermost first, as long as they are empty. */
export async function removeFolders(created: readonly string[]): Promise<void> {
  for (const d of [...created].reverse()) {
    try {
      await fs.rmdir(d);
    } catch {
      return;
    }
  }
}

/** Open the partial data file; a failure is the destination's, not a mirror's. */
export async function openPartial(file: string, flags: 'r+' | 'w+'): Promise<fs.FileHandle> {
  try {
    return await fs.open(file, flags);
  } catch (err) {
    throw destinationError(DownloadErrorCode.DestUnwritable, file, `cannot write to ${file}`, err);
  }
}
