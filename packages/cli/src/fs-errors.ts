/**
 * File-system errors on paths the user gave. `--work-dir` naming a file,
 * `--out` naming a folder where a file is written, a folder this user may not
 * write: Node reports these as bare `ENOTDIR`/`EISDIR`/`EACCES` errors, which
 * would otherwise reach the user as a bug (exit 70, a stack trace). Commands
 * wrap the work on a path they were given with `withUserPath`, so the error
 * names the option and the path and says what was wrong (exit 1).
 */
import path from 'node:path';
import { UserError } from '@potions/core';
import { CliErrorCode } from './errors';

/** What each code means for the path, and what to do about it. */
const MEANING: Readonly<Record<string, { found: string; hint: string }>> = {
  ENOENT: { found: 'does not exist', hint: 'check the path' },
  ENOTDIR: { found: 'a part of it is a file, not a folder', hint: 'give a folder (or a path inside one), not a file' },
  EISDIR: { found: 'is a folder, not a file', hint: 'give a file path, not a folder' },
  EACCES: { found: 'permission denied', hint: 'choose a path this user may read and write, or change its permissions' },
  EPERM: { found: 'operation not permitted', hint: 'choose a path this user may read and write, or change its permissions' },
  EEXIST: { found: 'already exists', hint: 'choose a path that does not exist yet, or remove it first' },
  ENOTEMPTY: { found: 'is a folder that is not empty', hint: 'choose an empty or new folder' },
  EROFS: { found: 'is on a read-only file system', hint: 'choose a path on a writable file system' },
  ENOSPC: { found: 'no space left on the device', hint: 'free some space or choose a path on another device' },
  EDQUOT: { found: 'the disk quota is exceeded', hint: 'free some space or choose a path on another device' },
  ENAMETOOLONG: { found: 'a name in it is too long for the file system', hint: 'choose a shorter path' },
  ELOOP: { found: 'has too many levels of symbolic links', hint: 'check the symbolic links along the path' },
};

/** A recursive mkdir fails with EEXIST only where a file (not a folder) is in the way. */
const FILE_IN_THE_WAY = { found: 'is a file, not a folder', hint: 'give a folder (or a path inside one), not a file' };

/**
 * The codes that say something about this machine or the path itself whoever
 * named it: `run()` reports them as a failure (exit 1) even where no command
 * wrapped them. ENOENT, EEXIST and ENOTEMPTY are left out (but EEXIST from
 * mkdir, a file in the way): on a path Potions made up itself they point at a
 * bug, so only `withUserPath` turns them into a user's mistake.
 */
const ENVIRONMENT_CODES = new Set(['ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENAMETOOLONG', 'ELOOP']);

function meaning(err: FsError): { found: string; hint: string } | undefined {
  return err.code === 'EEXIST' && err.syscall === 'mkdir' ? FILE_IN_THE_WAY : MEANING[err.code];
}

type FsError = Error & { code: string; syscall?: string; path?: string; dest?: string };

/** A Node system error from the file system (it names a path); by shape, as errors from another realm fail `instanceof Error`. */
export function isFsError(err: unknown): err is FsError {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as Partial<FsError>;
  return typeof e.code === 'string' && e.code in MEANING && typeof e.path === 'string';
}

/** Is `p` the given path, inside it, or one of its parents (a recursive mkdir reports where it stopped)? */
function related(given: string, p: string): boolean {
  const a = path.resolve(given);
  const b = path.resolve(p);
  const inside = (parent: string, child: string): boolean => {
    const rel = path.relative(parent, child);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  };
  return inside(a, b) || inside(b, a);
}

/** `a part of it is a file, not a folder (ENOTDIR from mkdir /w/.potions)`; the path left out where the message starts with it. */
function describe(err: FsError, withPath: boolean): string {
  const target = withPath ? ` ${err.path}${err.dest ? ` -> ${err.dest}` : ''}` : '';
  const what = err.syscall ? `${err.code} from ${err.syscall}${target}` : err.code;
  return `${meaning(err)?.found ?? err.message} (${what})`;
}

/** A path the user gave, and the option (or argument) that gave it. */
export interface GivenPath {
  path: string;
  /** `--work-dir`, `--out`, `POTIONS_STATE_DIR`, `ARTIFACT`... */
  option: string;
}

/**
 * The error as the user's mistake when it is a file-system error on the given
 * path (or inside it, or on one of its parents); any other error unchanged.
 */
export function userPathError(err: unknown, given: GivenPath): unknown {
  if (!isFsError(err)) return err;
  if (!related(given.path, err.path ?? '') && !(err.dest !== undefined && related(given.path, err.dest))) return err;
  return new UserError(CliErrorCode.Path, `${given.option} ${given.path}: ${describe(err, true)}`, {
    cause: err,
    hint: meaning(err)?.hint,
  });
}

/** Run `work` on a path the user gave; a file-system error on that path becomes a `UserError` naming it (exit 1). */
export async function withUserPath<T>(given: GivenPath, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw userPathError(err, given);
  }
}

/**
 * For `run()`: a file-system error that no command wrapped but that is about
 * the machine or the path (not a folder, no permission, disk full), as a
 * failure naming the path; undefined for anything else (a bug).
 */
export function environmentPathError(err: unknown): UserError | undefined {
  if (!isFsError(err) || !(ENVIRONMENT_CODES.has(err.code) || meaning(err) === FILE_IN_THE_WAY)) return undefined;
  return new UserError(CliErrorCode.Path, `${err.path}: ${describe(err, false)}`, {
    cause: err,
    hint: `${meaning(err)?.hint}; if Potions chose this path itself, please report it`,
  });
}
