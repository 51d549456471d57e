/**
 * The temporary work folders of builds (`<work root>/potions-build-NAME-XXXXXX`):
 * each records its owner (process ID, start, host); the folders of a build in
 * progress are removed when the process is interrupted (SIGINT, SIGTERM, SIGHUP),
 * and folders left by a process that could not clean up (`kill -9`, a power
 * cut) are swept by the next build: older than a day, and their owner gone.
 */
import { readFileSync, rmSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Now, Reporter } from '@potions/core';

export const WORK_DIR_PREFIX = 'potions-build-';
/** The owner record inside each work folder. */
export const OWNER_FILE = '.potions-owner.json';
/** A folder whose owner is gone is removed once it is this old. */
export const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

interface OwnerRecord {
  pid: number;
  /** When the folder was made (milliseconds since the epoch, from the injected clock). */
  startedAt: number;
  host: string;
  /** Linux: the owner's start time in clock ticks since boot, so a reused process ID is not taken for the owner. */
  processStart?: string;
}

/** The start time of a process (Linux, field 22 of /proc/PID/stat), or undefined elsewhere. */
function processStart(pid: number | 'self'): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from its end.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Make a work folder for `name` in `root` and record this process as its owner. */
export async function makeWorkDir(root: string, name: string, now: Now): Promise<string> {
  const dir = await fs.mkdtemp(path.join(root, `${WORK_DIR_PREFIX}${name}-`));
  const owner: OwnerRecord = { pid: process.pid, startedAt: now().getTime(), host: os.hostname(), processStart: processStart('self') };
  await fs.writeFile(path.join(dir, OWNER_FILE), `${JSON.stringify(owner)}\n`);
  return dir;
}

/** Is the process that made the folder still running? Unknown owners (another host) count as alive. */
function ownerAlive(owner: OwnerRecord): boolean {
  if (owner.host !== os.hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: it exists, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const start = processStart(owner.pid);
  return owner.processStart === undefined || start === undefined || start === owner.processStart;
}

async function readOwner(dir: string): Promise<OwnerRecord | undefined> {
  try {
    const doc = JSON.parse(await fs.readFile(path.join(dir, OWNER_FILE), 'utf8')) as Partial<OwnerRecord>;
    return typeof doc.pid === 'number' && typeof doc.startedAt === 'number' && typeof doc.host === 'string' ? (doc as OwnerRecord) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Remove the work folders in `root` that no build will come back to: older
 * than a day (by the owner record, else the folder's time) and whose owner is
 * gone (or unrecorded: made before owners were recorded). Returns the folders
 * removed; one that cannot be removed is left and said.
 */
export async function sweepStaleWorkDirs(root: string, opts: { now: Now; reporter: Reporter }): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const nowMs = opts.now().getTime();
  for (const name of names.filter((n) => n.startsWith(WORK_DIR_PREFIX))) {
    const dir = path.join(root, name);
    const st = await fs.lstat(dir).catch(() => undefined);
    if (!st?.isDirectory()) continue;
    const owner = await readOwner(dir);
    const age = nowMs - (owner?.startedAt ?? st.mtimeMs);
    if (age < STALE_AFTER_MS || (owner && ownerAlive(owner))) continue;
    try {
      await fs.rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch (err) {
      opts.reporter.warn(`cannot remove the stale build folder ${dir}: ${(err as Error).message}`);
    }
  }
  if (removed.length > 0) opts.reporter.info(`removed ${removed.length} build folder${removed.length === 1 ? '' : 's'} left by interrupted builds in ${root}`);
  return removed;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** What to undo when the process is interrupted: remove a folder, stop a container. Synchronous: the process is ending. */
const cleanups = new Set<() => void>();

function onSignal(signal: NodeJS.Signals): void {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      cleanup();
    } catch {
      // The process is ending: do what can be done.
    }
  }
  cleanups.clear();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  // End the way the signal would have ended it (exit status 128+N), unless the program handles it itself.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/**
 * Run `cleanup` if the process is interrupted before the returned function
 * is called (which unregisters it). The signal handlers are installed only
 * while something is registered.
 */
export function onInterrupt(cleanup: () => void): () => void {
  if (cleanups.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
}

/** Remove `dir` if the process is interrupted; returns the function that stops watching. */
export function removeOnInterrupt(dir: string): () => void {
  return onInterrupt(() => rmSync(dir, { recursive: true, force: true }));
}
