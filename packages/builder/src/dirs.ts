import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError, errorMessage } from '@potions/core';
import type { BuilderErrorCode } from './errors';

/** Error codes of the file system that mean "this path cannot be used", as opposed to a bug. */
const PATH_PROBLEMS: Record<string, string> = {
  EEXIST: 'a file (not a folder) is in the way',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links in the path',
  ENOENT: 'a part of the path does not exist',
  EISDIR: 'a folder is in the way',
};

/** The reason for a file system error the user's path caused, or undefined for anything else. */
export function pathProblem(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? PATH_PROBLEMS[code] : undefined;
}

/** C0 control characters and DEL. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Why `p` cannot be a path the builder writes into files (a newline would start a new line in a `.pc` file), or undefined. */
export function controlCharacterProblem(p: string): string | undefined {
  const m = CONTROL_CHARACTER.exec(p);
  if (!m) return undefined;
  const name = m[0] === '\n' ? 'a newline' : m[0] === '\t' ? 'a tab' : `a control character (U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
  return `the path holds ${name} at position ${m.index}, which the files that name it (pkg-config files, scripts, the build environment) cannot hold`;
}

/**
 * Make `dir` (and its parents) and check that files can be written in it.
 * A path with a control character is refused first: builds write these
 * paths into files.
 * A path that cannot be used (a file in the way, no permission, read-only) is
 * the user's to fix: a `UserError` with `code` that names the path and why.
 */
export async function ensureWritableDir(dir: string, what: string, code: BuilderErrorCode, hint: string, opts: { noWhitespace?: boolean } = {}): Promise<void> {
  const fail = (reason: string, cause?: unknown): never => {
    // Quoted only when it holds a control character, which would break the line.
    const shown = controlCharacterProblem(dir) ? JSON.stringify(dir) : dir;
    throw new UserError(code, `cannot use ${shown} as the ${what}: ${reason}`, { hint, cause });
  };
  const control = controlCharacterProblem(dir);
  if (control) fail(control);
  if (opts.noWhitespace && /\s/.test(dir)) {
    fail('the path holds a space, and build flags that name folders in it ($CFLAGS, $CPPFLAGS, $LDFLAGS) are lists of words separated by spaces');
  }
  let isDir: boolean | undefined;
  try {
    isDir = (await fs.stat(dir)).isDirectory();
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ENOENT') fail(pathProblem(err) ?? errorMessage(err), err);
  }
  if (isDir === false) fail('it is a file, not a folder');
  try {
    await makeDirs(dir);
    await fs.access(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    fail(pathProblem(err) ?? errorMessage(err), err);
  }
}

/**
 * `mkdir -p`, one level at a time. Hand-written because Node 20's
 * `mkdir(..., { recursive: true })` never returns when the file system answers
 * ENOENT for a folder whose parent exists (e.g. under /proc): a user's `--out`
 * must give an error, not a hang.
 */
async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let cur = path.resolve(dir); ; ) {
    try {
      await fs.stat(cur);
      break;
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ENOENT') throw err;
      missing.unshift(cur);
      const parent = path.dirname(cur);
      if (parent === cur) break;
      cur = parent;
    }
  }
  for (const d of missing) {
    try {
      await fs.mkdir(d);
    } catch (err) {
      // Made by someone else meanwhile: fine, if it is a folder.
      if ((err as { code?: unknown }).code !== 'EEXIST' || !(await fs.stat(d)).isDirectory()) throw err;
    }
  }
}
