import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Entries that archivers add beside the real content and that do not count as a second top folder. */
const IGNORED = new Set(['__MACOSX', '.DS_Store', 'pax_global_header']);

/**
 * The source folder of an extracted archive: when the archive held exactly one
 * top-level folder (`hello-2.10/`), that folder; otherwise `dir` itself.
 * A top-level symbolic link is not followed.
 */
export async function sourceRoot(dir: string): Promise<string> {
  const entries = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => !IGNORED.has(e.name));
  const only = entries[0];
  if (entries.length === 1 && only?.isDirectory()) return path.join(dir, only.name);
  return dir;
}
