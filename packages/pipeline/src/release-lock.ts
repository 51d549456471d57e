/**
 * One release at a time in a work folder. Two releases in the same folder
 * share its local mirrors' ports, its build output and its check folder
 * (issue 9: the second failed with `.potions/check/...: ENOENT` when the
 * first removed it), so the second waits, and says so.
 *
 * The lock is `proper-lockfile`'s (a folder made atomically with `mkdir`,
 * its time refreshed while it is held), so a release that was killed does
 * not block the folder for ever: its lock is taken over once it has not been
 * refreshed for `staleMs`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { lock } from 'proper-lockfile';
import { UserError, errorMessage, hasCode } from '@potions/core';
import type { Reporter } from '@potions/core';
import { PipelineErrorCode } from './errors';

export const RELEASE_LOCK = 'release.lock';

/** A lock not refreshed for this long belongs to a release that is gone. */
const DEFAULT_STALE_MS = 30_000;

export interface WorkDirLock {
  /** True when another release held the folder and this one waited. */
  waited: boolean;
  release(): Promise<void>;
}

/** Make `potionsDir` and hold its release lock, waiting (and saying so) while another release holds it. */
export async function lockWorkDir(potionsDir: string, reporter: Reporter, options: { staleMs?: number } = {}): Promise<WorkDirLock> {
  try {
    await fs.mkdir(potionsDir, { recursive: true });
  } catch (err) {
    throw new UserError(PipelineErrorCode.WorkDir, `cannot make the work folder ${potionsDir}: ${errorMessage(err)}`, {
      location: { file: potionsDir },
      hint: 'give a work folder this user can write',
    });
  }
  const lockfilePath = path.join(potionsDir, RELEASE_LOCK);
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const base = {
    lockfilePath,
    stale: staleMs,
    realpath: false,
    // The event loop was held up longer than the lock's lifetime: say so rather than crash the release.
    onCompromised: (err: Error) => reporter.warn(`the work folder's release lock ${lockfilePath} was lost: ${err.message}`),
  };
  try {
    return { waited: false, release: await lock(potionsDir, { ...base, retries: 0 }) };
  } catch (err) {
    if (!hasCode(err, 'ELOCKED')) throw err;
  }
  reporter.warn(
    `another release is running in this work folder (${lockfilePath} is held): waiting for it to finish (a lock left by a killed release is taken over after ${Math.round(staleMs / 1000)} s)`,
  );
  const release = await lock(potionsDir, { ...base, retries: { forever: true, minTimeout: 250, maxTimeout: 2000, factor: 1.5 } });
  reporter.info('the other release finished; this one goes on');
  return { waited: true, release };
}
