/**
 * Carry out a `SyncPlan`: upload in parallel, read every upload back, and
 * report per mirror and per object. One mirror failing never stops another.
 */
import { errorMessage, type Reporter, silentReporter } from '@potions/core';
import type { VerifyMode } from './config';
import { etagMatches, type ExpectedEtag } from './etag';
import type { HashedBytes } from './hash';
import { ARTIFACTS_PREFIX } from './keys';
import type { MirrorPlan, PlannedObject, SyncPlan } from './plan';
import type { ListedObject, SyncTarget, UploadReceipt } from './target';

export interface ApplyOptions {
  targets: ReadonlyMap<string, SyncTarget> | Readonly<Record<string, SyncTarget>>;
  reporter?: Reporter;
  /** Objects in flight per mirror. Default 16. */
  concurrency?: number;
  /** Default `get` (the provider defaults are applied by `syncToMirrors`). */
  verify?: VerifyMode;
  /** Per mirror name; wins over `verify`. */
  verifyByMirror?: Readonly<Record<string, VerifyMode>>;
  /** After this many failed objects in a row a mirror is given up for this run. Default 5. */
  maxConsecutiveFailures?: number;
}

export type ObjectStatus = 'uploaded' | 'skipped' | 'failed';

export interface MirrorObjectResult {
  mirror: string;
  status: ObjectStatus;
  /** Read back and matched in this run. */
  verified: boolean;
  /** How it was checked: `etag` (listing ETag + size), `get` (bytes hashed) or `head` (metadata). */
  verifiedBy?: VerifyMode;
  /** Counts towards the policy: uploaded and verified, or already there. */
  present: boolean;
  bytes: number;
  url: string;
  error?: string;
}

export interface ObjectResult {
  name: string;
  key: string;
  size: number;
  sha256: string;
  mirrors: MirrorObjectResult[];
  /** Mirrors that hold the object, in configuration order. */
  presentOn: string[];
  policyMet: boolean;
}

export interface MirrorResult {
  mirror: string;
  /** Every object present on this mirror. */
  ok: boolean;
  error?: string;
  uploaded: number;
  skipped: number;
  failed: number;
  verified: number;
  /** The verification mode used on this mirror. */
  verify?: VerifyMode;
  /** Uploads checked by GET because their ETag could not be used (etag mode only). */
  verifiedByGet?: number;
  bytesUploaded: number;
  durationMs: number;
}

export interface SyncResult {
  version: 1;
  minMirrors: number;
  /** Every object is present on at least `minMirrors` mirrors. */
  policyMet: boolean;
  mirrors: MirrorResult[];
  objects: ObjectResult[];
  /**
   * Bytes run through each digest: uploads and read-backs, and (from
   * `syncToMirrors`) hashing the local files when `localObjectsFromFiles` did it.
   * A no-op re-sync hashes each file's sha256 once and no MD5. (Optional only
   * for results built elsewhere; `applySync` always sets it.)
   */
  hashedBytes?: HashedBytes;
}

/**
 * Run `fn` over `items` with at most `limit` in flight. Hand-written (a dozen
 * lines) rather than a dependency: p-limit is ESM-only and adds nothing here.
 */
async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function targetOf(targets: ApplyOptions['targets'], name: string): SyncTarget | undefined {
  return targets instanceof Map ? targets.get(name) : (targets as Record<string, SyncTarget>)[name];
}

async function applyMirror(
  plan: SyncPlan,
  mp: MirrorPlan,
  options: ApplyOptions,
  hashed: HashedBytes,
): Promise<{ summary: MirrorResult; perObject: Map<number, MirrorObjectResult> }> {
  // Elapsed time, from the monotonic clock (not wall-clock time).
  const started = performance.now();
  const reporter = options.reporter ?? silentReporter;
  const perObject = new Map<number, MirrorObjectResult>();
  const summary: MirrorResult = {
    mirror: mp.mirror,
    ok: false,
    uploaded: 0,
    skipped: 0,
    failed: 0,
    verified: 0,
    bytesUploaded: 0,
    durationMs: 0,
  };
  const target = targetOf(options.targets, mp.mirror);
  const fail = (index: number, error: string, url = ''): void => {
    perObject.set(index, { mirror: mp.mirror, status: 'failed', verified: false, present: false, bytes: 0, url, error });
    summary.failed++;
  };
  if (!target || mp.error !== undefined) {
    const error = mp.error ?? 'no target for this mirror';
    summary.error = error;
    plan.objects.forEach((_, i) => fail(i, error));
    summary.durationMs = Math.round(performance.now() - started);
    reporter.warn(`mirror ${mp.mirror}: ${error}`);
    return { summary, perObject };
  }
  const progress = reporter.progress(`sync ${mp.mirror}`, mp.uploadBytes);
  let doneBytes = 0;
  let consecutiveFailures = 0;
  let gaveUp: string | undefined;
  const maxFailures = options.maxConsecutiveFailures ?? 5;

  for (const a of mp.actions) {
    if (a.action !== 'skip') continue;
    const o = plan.objects[a.object]!;
    perObject.set(a.object, { mirror: mp.mirror, status: 'skipped', verified: false, present: true, bytes: 0, url: target.url(o.key) });
    summary.skipped++;
  }
  const uploads = mp.actions.filter((a) => a.action === 'upload');
  // Large files first, so one big file does not start last and run alone.
  uploads.sort((x, y) => plan.objects[y.object]!.size - plan.objects[x.object]!.size);

  const mode = options.verifyByMirror?.[mp.mirror] ?? options.verify ?? 'get';
  summary.verify = mode;
  // etag mode: uploads whose ETag matched, confirmed together after the uploads.
  const pending: { index: number; o: PlannedObject; url: string; expected: ExpectedEtag }[] = [];
  const succeed = (index: number, o: PlannedObject, url: string, by: VerifyMode): void => {
    perObject.set(index, { mirror: mp.mirror, status: 'uploaded', verified: true, verifiedBy: by, present: true, bytes: o.size, url });
    summary.uploaded++;
    summary.verified++;
    summary.bytesUploaded += o.size;
    if (by === 'get' && mode === 'etag') summary.verifiedByGet = (summary.verifiedByGet ?? 0) + 1;
  };
  /** Check one upload by `by`; a mismatch deletes the bad copy and throws. */
  const checkOrDrop = async (o: PlannedObject, by: VerifyMode): Promise<void> => {
    const problem = await verify(target, o, by, hashed);
    if (problem) {
      // Leave no corrupt object behind: the next run's listing would take it as present.
      await target.deleteObject(o.key).catch(() => undefined);
      throw new Error(`read-back mismatch: ${problem}`);
    }
  };
  const failObject = (index: number, o: PlannedObject, url: string, err: unknown): void => {
    const message = errorMessage(err);
    reporter.warn(`mirror ${mp.mirror}: ${o.name}: ${message}`);
    fail(index, message, url);
  };

  await forEachLimit(uploads, options.concurrency ?? 16, async (a) => {
    const o = plan.objects[a.object]!;
    const url = target.url(o.key);
    if (gaveUp) return fail(a.object, `not attempted: ${gaveUp}`, url);
    try {
      const receipt = await target.uploadFile(o.key, o, {
        contentType: o.contentType,
        cacheControl: o.cacheControl,
        verify: mode,
        hashed,
      });
      consecutiveFailures = 0;
      if (mode === 'etag' && etagUsable(receipt)) {
        pending.push({ index: a.object, o, url, expected: receipt.expected! });
        return;
      }
      // etag mode without a usable ETag (no receipt, SSE-KMS, unknown form): judge by the bytes.
      const by = mode === 'etag' ? 'get' : mode;
      await checkOrDrop(o, by);
      succeed(a.object, o, url, by);
    } catch (err) {
      failObject(a.object, o, url, err);
      if (++consecutiveFailures >= maxFailures && !gaveUp) {
        gaveUp = `${consecutiveFailures} uploads in a row failed on ${mp.mirror}`;
        reporter.warn(`mirror ${mp.mirror}: giving up for this run (${gaveUp})`);
      }
    } finally {
      doneBytes += o.size;
      progress.update(doneBytes, mp.uploadBytes);
    }
  });

  if (pending.length > 0) {
    // Read back by listing: one paginated listing shows size and ETag of every
    // object; with fewer uploads than listing pages a HEAD each is cheaper.
    const pages = Math.ceil(((mp.listed ?? 0) + pending.length) / 1000);
    let listed: Map<string, ListedObject> | undefined;
    let listError: unknown;
    if (pending.length > pages) {
      try {
        listed = new Map((await target.list(ARTIFACTS_PREFIX)).map((l) => [l.key, l]));
      } catch (err) {
        listError = err;
      }
    }
    await forEachLimit(pending, options.concurrency ?? 16, async ({ index, o, url, expected }) => {
      try {
        if (listError) throw listError;
        const seen = listed ? listed.get(o.key) : await target.headObject(o.key);
        if (seen && seen.size === o.size && etagMatches(expected, seen.etag)) return succeed(index, o, url, 'etag');
        if (!seen) throw new Error('read-back: object missing after upload');
        // Listed with another size or ETag: the bytes decide.
        reporter.debug(`mirror ${mp.mirror}: ${o.name}: listed as ${seen.size} bytes, ETag ${seen.etag ?? '(none)'}; reading it back`);
        await checkOrDrop(o, 'get');
        succeed(index, o, url, 'get');
      } catch (err) {
        failObject(index, o, url, err);
      }
    });
  }
  summary.ok = summary.failed === 0;
  if (gaveUp) summary.error = gaveUp;
  summary.durationMs = Math.round(performance.now() - started);
  progress.done(`${summary.uploaded} uploaded, ${summary.skipped} already there, ${summary.failed} failed`);
  return { summary, perObject };
}

/** An upload receipt whose ETag can stand for the MD5 of the stored bytes and matches what we sent. */
function etagUsable(receipt: UploadReceipt | void): receipt is UploadReceipt {
  return !!receipt && !!receipt.expected && !receipt.serverSideEncryption && etagMatches(receipt.expected, receipt.etag);
}

/** Undefined when the mirror holds exactly the planned bytes; otherwise what differs. */
async function verify(target: SyncTarget, o: PlannedObject, mode: VerifyMode, hashed: HashedBytes): Promise<string | undefined> {
  if (mode === 'head') {
    const info = await target.headObject(o.key);
    if (!info) return 'object missing after upload';
    if (info.size !== o.size) return `size ${info.size}, expected ${o.size}`;
    if (info.metadata.sha256 !== o.sha256) return `x-amz-meta-sha256 ${info.metadata.sha256 ?? '(none)'}, expected ${o.sha256}`;
    return undefined;
  }
  const got = await target.readBack(o.key);
  if (!got) return 'object missing after upload';
  hashed.sha256 += got.size;
  if (got.size !== o.size) return `size ${got.size}, expected ${o.size}`;
  if (got.sha256 !== o.sha256) return `sha256 ${got.sha256}, expected ${o.sha256}`;
  return undefined;
}

export async function applySync(plan: SyncPlan, options: ApplyOptions): Promise<SyncResult> {
  const hashed: HashedBytes = { sha256: 0, md5: 0 };
  const done = await Promise.all(plan.mirrors.map((mp) => applyMirror(plan, mp, options, hashed)));
  const objects = plan.objects.map((o, i): ObjectResult => {
    const mirrors = done.map((d) => d.perObject.get(i)!);
    const presentOn = mirrors.filter((m) => m.present).map((m) => m.mirror);
    return {
      name: o.name,
      key: o.key,
      size: o.size,
      sha256: o.sha256,
      mirrors,
      presentOn,
      policyMet: presentOn.length >= plan.minMirrors,
    };
  });
  return {
    version: 1,
    minMirrors: plan.minMirrors,
    policyMet: objects.every((o) => o.policyMet),
    mirrors: done.map((d) => d.summary),
    objects,
    hashedBytes: hashed,
  };
}
