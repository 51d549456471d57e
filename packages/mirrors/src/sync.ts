/**
 * mirror-sync end to end: hash the local files, list each mirror once, plan,
 * and (unless it is a dry run) apply the plan.
 */
import fsSync, { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError, errorMessage, silentReporter, systemNow, type Now, type Reporter } from '@potions/core';
import { applySync, type SyncResult } from './apply';
import { DEFAULT_VERIFY, type VerifyMode } from './config';
import { MirrorsErrorCode } from './errors';
import { hashFileSync, hashFilesInWorkers, hashThreads, READ_SIZE, type HashedFile } from './hash';
import { ARTIFACTS_PREFIX, assertFileName } from './keys';
import type { OpenedMirror } from './opened-mirrors';
import { planSync, type LocalObject, type RemoteListing, type SyncPlan } from './plan';
import type { SyncTarget } from './target';

const SMALL_FILE = 1024 * 1024;

/**
 * sha256 bytes hashed by `localObjectsFromFiles` per object it returned, so a
 * sync can report everything it hashed (`SyncResult.hashedBytes`) without the
 * callers (CLI, pipeline) passing a counter along.
 */
const passOneHashed = new WeakMap<LocalObject, number>();

/** Large files worth a worker thread: together at least this many bytes (a worker starts in ~25 ms). */
const WORKER_MIN_BYTES = 32 * 1024 * 1024;

export interface LocalFilesOptions {
  /** Wall-clock time for the "changed too recently" rule. Default `systemNow`. */
  now?: Now;
  /** Hashing threads for large files. Default: the cores, at most 4; 1 hashes on the main thread. */
  threads?: number;
}

/**
 * Hash files: sha256 only (no MD5: a no-op re-sync needs only the key; the
 * upload computes the MD5 of what it sends). Every file is opened and stat'ed
 * first; files up to 1 MiB are hashed at once on the main thread with
 * synchronous calls (measured on 1,000 files of 0.5-8 KiB, four thread-pool
 * round trips per file cost 70-100 ms against 15 ms for the same calls made
 * directly). Larger files go to worker threads when there are enough bytes
 * of them, so every core hashes; the artifact name is the file's base name.
 */
export async function localObjectsFromFiles(files: readonly string[], options: LocalFilesOptions = {}): Promise<LocalObject[]> {
  const clock = options.now ?? systemNow;
  const now = (): number => clock().getTime();
  const threads = options.threads ?? hashThreads();
  const out: LocalObject[] = new Array(files.length);
  const buf = Buffer.allocUnsafe(READ_SIZE);
  const large: number[] = [];
  const sizes: number[] = [];
  let largeBytes = 0;
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    assertFileName(path.basename(file));
    const size = (sizes[i] = fsSync.statSync(file).size);
    if (size > SMALL_FILE) {
      large.push(i);
      largeBytes += size;
    } else {
      out[i] = localObject(file, hashFileSync(file, now(), buf));
    }
  }
  if (threads > 1 && largeBytes >= WORKER_MIN_BYTES) {
    large.sort((a, b) => sizes[b]! - sizes[a]!); // largest first: no big file starts last and runs alone
    const hashed = await hashFilesInWorkers(large.map((i) => files[i]!), threads, now);
    large.forEach((i, k) => (out[i] = localObject(files[i]!, hashed[k]!)));
  } else {
    for (const i of large) out[i] = localObject(files[i]!, hashFileSync(files[i]!, now(), buf));
  }
  return out;
}

function localObject(file: string, h: HashedFile): LocalObject {
  const o: LocalObject = { name: path.basename(file), path: file, size: h.size, sha256: h.sha256, ...(h.stamp ? { stamp: h.stamp } : {}) };
  passOneHashed.set(o, h.size);
  return o;
}

/** Every regular file directly in `dir` (not sub-folders, not dot-files). */
export async function localObjectsFromDir(dir: string, options: LocalFilesOptions = {}): Promise<LocalObject[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new UserError(MirrorsErrorCode.NoDir, `cannot read the folder to sync: ${errorMessage(err)}`, {
      location: { file: dir },
      cause: err,
    });
  }
  const files = entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => path.join(dir, e.name))
    .sort();
  return localObjectsFromFiles(files, options);
}

export interface SyncOptions {
  /**
   * The mirrors in priority order, opened by the caller (`openS3Mirrors`), who
   * also closes them. A mirror that could not be opened is unreachable for this run.
   */
  mirrors: readonly OpenedMirror<SyncTarget>[];
  reporter?: Reporter;
  /** Mirrors that must hold every object. Default 1. */
  minMirrors?: number;
  /** Plan only: list the mirrors and return the plan without writing. */
  dryRun?: boolean;
  /** Objects in flight per mirror. Default 16. */
  concurrency?: number;
  /**
   * How uploads are read back on every mirror. Default: each mirror's `verify`,
   * else by provider (`etag` for s3, r2, wasabi, minio, s3rver; `get` for other).
   */
  verify?: VerifyMode;
}

export interface SyncOutcome {
  plan: SyncPlan;
  /** Absent for a dry run. */
  result?: SyncResult;
}

export async function syncToMirrors(objects: readonly LocalObject[], options: SyncOptions): Promise<SyncOutcome> {
  const reporter = options.reporter ?? silentReporter;
  const minMirrors = options.minMirrors ?? 1;
  if (!Number.isInteger(minMirrors) || minMirrors < 1 || minMirrors > options.mirrors.length) {
    throw new UserError(
      MirrorsErrorCode.PolicyInvalid,
      `minMirrors is ${minMirrors} but ${options.mirrors.length} mirror(s) are configured`,
      { hint: `a whole number from 1 to ${options.mirrors.length}` },
    );
  }
  const { targets, listings } = await listMirrors(options.mirrors, reporter);
  const plan = planSync(
    objects,
    options.mirrors.map((m) => m.config.name),
    listings,
    { minMirrors },
  );
  for (const mp of plan.mirrors) {
    if (mp.error) continue;
    const up = mp.actions.filter((a) => a.action === 'upload').length;
    reporter.info(`${mp.mirror}: ${up} to upload, ${mp.actions.length - up} already there`);
  }
  if (options.dryRun) return { plan };
  const result = await applySync(plan, {
    targets,
    reporter,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    verifyByMirror: Object.fromEntries(
      options.mirrors.map(({ config: m }) => [m.name, options.verify ?? m.verify ?? DEFAULT_VERIFY[m.provider]]),
    ),
  });
  // Everything this sync hashed: the local files (when localObjectsFromFiles
  // hashed these objects) and the uploads and read-backs.
  const passOne = objects.reduce((n, o) => n + (passOneHashed.get(o) ?? 0), 0);
  result.hashedBytes = { sha256: passOne + (result.hashedBytes?.sha256 ?? 0), md5: result.hashedBytes?.md5 ?? 0 };
  return { plan, result };
}

/** Each opened mirror's one listing of the artifact prefix (or why there is none), and its target by name. */
async function listMirrors(
  mirrors: readonly OpenedMirror<SyncTarget>[],
  reporter: Reporter,
): Promise<{ targets: Map<string, SyncTarget>; listings: Record<string, RemoteListing> }> {
  const targets = new Map<string, SyncTarget>();
  const listings: Record<string, RemoteListing> = {};
  for (const m of mirrors) {
    if (m.target) targets.set(m.config.name, m.target);
    else {
      // Missing credentials for one mirror do not stop the others.
      listings[m.config.name] = { error: m.error.message };
      reporter.warn(`mirror ${m.config.name}: ${m.error.message}`);
    }
  }
  await Promise.all(
    [...targets].map(async ([name, t]) => {
      try {
        const listed = await t.list(ARTIFACTS_PREFIX);
        listings[name] = { objects: Object.fromEntries(listed.map((o) => [o.key, o.size])) };
      } catch (err) {
        listings[name] = { error: errorMessage(err) };
      }
    }),
  );
  return { targets, listings };
}
