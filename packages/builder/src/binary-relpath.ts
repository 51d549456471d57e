import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '@potions/core';
import type { BuildJob } from './build-job';
import type { BuildLayout } from './build-steps';
import { BuilderErrorCode } from './errors';

/** How many of the archive's files a message lists. */
const LISTED = 20;

/**
 * Install an official binary's `binary_relpath` as `<prefix>/bin/<name>`,
 * mode 0755: the path is relative to the unpacked download's single top
 * folder, and `.` names a download that is the program itself. A path that
 * is not a file there fails naming the recipe field and what the download
 * holds. Returns the installed path inside the artifact (`bin/<name>`).
 */
export async function installBinaryRelpath(job: BuildJob, layout: BuildLayout, downloadName: string): Promise<string> {
  const rel = job.binaryRelpath;
  if (rel === undefined) throw new Error('installBinaryRelpath: the job has no binaryRelpath');
  const from = rel === '.' || rel === './' ? path.join(layout.sourceRoot, downloadName) : path.join(layout.sourceRoot, rel);
  // The recipe checker refuses `..` and absolute paths; check again, a job may come from elsewhere.
  const inside = path.relative(layout.sourceRoot, from);
  if (inside.startsWith('..') || path.isAbsolute(inside)) throw fieldError(job, `binary_relpath "${rel}" leads outside the download`, []);
  let stat;
  try {
    stat = await fs.stat(from);
  } catch {
    stat = undefined;
  }
  if (!stat?.isFile()) {
    const holds = await listFiles(layout.sourceRoot);
    const what = stat?.isDirectory() ? 'is a folder, not a file' : 'is not there';
    throw fieldError(job, `binary_relpath "${rel}" ${what} in ${downloadName}`, holds);
  }
  const dest = path.join(layout.stagedPrefix, 'bin', job.name);
  await fs.mkdir(path.dirname(dest), { recursive: true });
  await fs.copyFile(from, dest);
  await fs.chmod(dest, 0o755);
  return `bin/${job.name}`;
}

function fieldError(job: BuildJob, message: string, holds: string[]): UserError {
  const listing =
    holds.length === 0
      ? ''
      : `; it holds: ${holds.slice(0, LISTED).join(', ')}${holds.length > LISTED ? `, ... (${holds.length} files)` : ''}`;
  return new UserError(BuilderErrorCode.BinaryRelpath, `${message}${listing}`, {
    location: { file: job.recipeFile, field: 'binary_relpath' },
    hint: 'give the path of the program relative to the top folder of the download (or "." when the download is the program itself)',
  });
}

/** Every file below `root`, `/`-separated, sorted. */
async function listFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(root, r)));
    else out.push(r);
  }
  return out;
}
