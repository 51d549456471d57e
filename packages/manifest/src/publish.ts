/**
 * Publishing: read every mirror's manifest and the per-version copies newer
 * than it, verify them, plan, sign once, and write the same bytes to every
 * mirror. Call it only after every file the release names was verified on its
 * mirrors (their URLs are the input).
 *
 * The per-version copies are the history: every publish writes one before it
 * moves `manifest.json`, and every publish merges, besides `manifest.json`,
 * the copies it finds that are newer than it (and the one just before it), so
 * a publisher that crashed or lost a race, or a history that dropped an entry,
 * loses nothing. Per mirror:
 *
 * With conditional writes (S3, R2, MinIO):
 * 1. `manifests/manifest-<version>.json`, create-only (If-None-Match: *):
 *    two publishers can never both write version N;
 * 2. `manifest.json`, compare-and-swap on the ETag read (If-Match), or
 *    create-only when there was none. Each pointer write is based on exactly
 *    the one before it, so no completed publish is ever dropped.
 * A lost race (a precondition failed) re-reads everything, re-merges from that
 * newest state and tries again with a higher version.
 *
 * Without them (Wasabi, s3rver): the copy goes to a fresh name
 * (`manifests/manifest-<version>.<id>.json`) that no one else can write; the
 * pointer is re-read just before it is written (a change means a lost race);
 * and after writing, the publisher lists the copies again and reads the
 * pointer back: a copy it has not merged, or a pointer that lacks its release,
 * sends it round again. The last publisher to write therefore always holds
 * everyone's entries.
 *
 * S3 replaces an object atomically, so a reader sees the old manifest or the
 * new one, never a mix. One mirror failing does not stop the others.
 */
import { randomBytes } from 'node:crypto';
import { UserError, errorMessage, retry, silentReporter, systemNow } from '@potions/core';
import type { Now, Reporter } from '@potions/core';
import type { SigningTrust } from '@potions/signing';
import { encodeSignedManifest, signManifest, verifyManifest } from './envelope';
import { salvageManifest } from './salvage';
import { ManifestErrorCode } from './errors';
import type { Signer, Verifier } from './keys';
import { manifestHolds } from './merge';
import { planManifestPublish } from './plan';
import type { ExistingManifest, ManifestPublishPlan } from './plan';
import type { ReleaseInput } from './release';
import type { Manifest, SignedManifest } from './schema';
import {
  MANIFEST_CONTENT_TYPE,
  MANIFEST_KEY,
  MANIFEST_POINTER_CACHE_CONTROL,
  MANIFEST_VERSION_CACHE_CONTROL,
  MANIFEST_VERSIONS_PREFIX,
  isPreconditionFailed,
  manifestBundleKey,
  manifestVersionKey,
  parseManifestVersionKey,
  sha256Hex,
} from './store';
import type { ManifestStore, ManifestStoreListing } from './store';
import type { WithdrawRequest } from './withdraw';

export interface ManifestMirror {
  /** The mirror's name from the configuration, used in reports. */
  name: string;
  store: ManifestStore;
}

/** Signs the manifest's bytes with Sigstore too: returns the bundle (JSON text) stored beside them as `<key>.sigstore.json`. */
export type ManifestBundleSigner = (manifestBytes: Uint8Array) => Promise<string>;

export interface PublishManifestOptions {
  mirrors: readonly ManifestMirror[];
  release: ReleaseInput;
  /** Builds to withdraw in the same signed write (see `withdrawEntries`). */
  withdrawals?: readonly WithdrawRequest[];
  /** Artifact trust settings to add to the manifest (united with the published ones). */
  artifactTrust?: SigningTrust;
  /** Accept release builds whose digests match no published revision as new revisions. Default false. */
  newRevision?: boolean;
  signer: Signer;
  /**
   * Keys a manifest already on a mirror must be signed by before anything is
   * merged into it. Default: the signer, when it can verify (LocalKeySigner
   * can). Add the old key here while rotating keys.
   */
  trustedKeys?: readonly Verifier[];
  /** The clock the manifest is signed by (its `expires`, a withdrawal's time). Default `systemNow`. */
  now?: Now;
  expiresInDays?: number;
  renewWithinDays?: number;
  /** Rounds after a lost race. Default 6. */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
  reporter?: Reporter;
  /** Public base URLs of the configured mirrors (see PlanManifestPublishOptions.currentMirrorUrls). */
  currentMirrorUrls?: readonly string[];
  /** Plan only: read and verify, but write nothing. */
  dryRun?: boolean;
  /** Also sign the manifest with Sigstore: its bundle is written next to each manifest object (`<key>.sigstore.json`). */
  manifestBundle?: ManifestBundleSigner;
  /** The random id of a version copy on a store without conditional writes (tests). Default 12 random hex digits. */
  randomId?: () => string;
  /**
   * Recovery (`recoverManifest`): a `manifest.json` that cannot be read (an
   * impossible expiry, a broken schema) does not stop the publish: it is
   * replaced, starting from the newest version copy that can be read, plus
   * what a trusted signature still vouches for in the unreadable ones
   * (their entries, when only a top-level field is broken). `allVersions`
   * merges every version copy that can be read (a history that dropped entries).
   */
  recover?: { allVersions?: boolean };
}

export type MirrorPublishStatus = 'written' | 'unchanged' | 'planned' | 'failed';

export interface MirrorPublishResult {
  name: string;
  status: MirrorPublishStatus;
  /** The manifest version the mirror holds after this publish (when known). */
  version?: number;
  /** The per-version copy written (`manifests/manifest-<version>[.<id>].json`). */
  versionKey?: string;
  error?: { code: string; message: string };
  /** False: the store ignores conditional writes (see the module comment). */
  conditionalWrites: boolean;
}

export interface ManifestPublishReport {
  /** At least one mirror holds the new (or unchanged) manifest. */
  ok: boolean;
  /** A new manifest version was signed (and, unless dryRun, written). */
  changed: boolean;
  version: number | undefined;
  plan: ManifestPublishPlan | undefined;
  /** The signed manifest the mirrors now hold (absent when they hold a schemaVersion 1 document nothing changed in). */
  envelope: SignedManifest | undefined;
  mirrors: MirrorPublishResult[];
  warnings: string[];
  /** Rounds used (more than one after a lost race). */
  rounds: number;
}

/** A version copy listed on a mirror. */
interface VersionCopy extends ManifestStoreListing {
  version: number;
}

interface ReadOk {
  mirror: ManifestMirror;
  ok: true;
  /** The pointer's ETag; undefined when there is no `manifest.json`. */
  etag?: string;
  pointer?: { manifest: Manifest; storedSchemaVersion: number; envelope?: SignedManifest };
  /** Every version copy listed. */
  copies: VersionCopy[];
  /** The copies read and verified, to be merged. */
  merged: { key: string; manifest: Manifest }[];
  /** Copies that could not be read or verified (their version numbers stay taken). */
  unreadable: { key: string; message: string }[];
  /** Recovery: the pointer could not be read (why), and the version its trusted signature names, when it has one. */
  unreadablePointer?: { message: string; version?: number };
}
interface ReadFailed {
  mirror: ManifestMirror;
  ok: false;
  error: { code: string; message: string };
}

/** Thrown inside a round when a mirror's write lost a race. */
class LostRace extends Error {
  constructor(
    readonly version: number,
    readonly report: ManifestPublishReport,
  ) {
    super(`lost a race publishing manifest version ${version}`);
  }
}

/** At most this many version copies are read per mirror and round (only a pointer far behind its history has more). */
const MAX_COPIES_READ = 16;

function errorInfo(err: unknown): { code: string; message: string } {
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : ManifestErrorCode.Store;
  return { code, message: errorMessage(err) };
}

function conditional(mirror: ManifestMirror): boolean {
  return mirror.store.conditionalWrites !== false;
}

const lostRace = (detail: string): Error => Object.assign(new Error(detail), { code: ManifestErrorCode.PreconditionFailed });

export async function publishManifest(options: PublishManifestOptions): Promise<ManifestPublishReport> {
  const reporter = options.reporter ?? silentReporter;
  // One point in time for every round of this publish.
  const now = (options.now ?? systemNow)();
  const trustedKeys = options.trustedKeys ?? (isVerifier(options.signer) ? [options.signer] : []);
  const randomId = options.randomId ?? (() => randomBytes(6).toString('hex'));
  let minVersion = 1;
  let rounds = 0;
  /** Per mirror: the copies listed in the first round. A copy that appears later is a concurrent publisher's. */
  const firstListing = new Map<string, Set<string>>();
  /** Per mirror: the copies this publish wrote (never read back as someone else's). */
  const ownCopies = new Map<string, Set<string>>();

  const planFor = (existing: ExistingManifest[], min: number): ManifestPublishPlan =>
    planManifestPublish({
      existing,
      release: options.release,
      ...(options.withdrawals ? { withdrawals: options.withdrawals } : {}),
      ...(options.artifactTrust ? { artifactTrust: options.artifactTrust } : {}),
      ...(options.newRevision ? { newRevision: true } : {}),
      now,
      ...(options.expiresInDays !== undefined ? { expiresInDays: options.expiresInDays } : {}),
      ...(options.renewWithinDays !== undefined ? { renewWithinDays: options.renewWithinDays } : {}),
      minVersion: min,
      ...(options.currentMirrorUrls ? { currentMirrorUrls: options.currentMirrorUrls } : {}),
    });

  const verify = (bytes: Uint8Array, source: string) => verifyManifest(bytes, { trustedKeys, now: () => now, allowExpired: true, source });

  const readMirror = async (mirror: ManifestMirror): Promise<ReadOk | ReadFailed> => {
    let stored;
    let listing: ManifestStoreListing[];
    try {
      [stored, listing] = await Promise.all([mirror.store.get(MANIFEST_KEY), mirror.store.list(MANIFEST_VERSIONS_PREFIX)]);
    } catch (err) {
      return { mirror, ok: false, error: errorInfo(err) };
    }
    let pointer: ReadOk['pointer'];
    let unreadablePointer: ReadOk['unreadablePointer'];
    const merged: ReadOk['merged'] = [];
    if (stored) {
      try {
        const v = await verify(stored.bytes, `${MANIFEST_KEY} on mirror ${mirror.name}`);
        pointer = { manifest: v.manifest, storedSchemaVersion: v.storedSchemaVersion, ...(v.envelope ? { envelope: v.envelope } : {}) };
      } catch (err) {
        if (!options.recover) {
          return { mirror, ok: false, error: { code: ManifestErrorCode.ExistingUntrusted, message: `refusing to merge into it: ${errorMessage(err)}` } };
        }
        // Recovery: the pointer is replaced; what its trusted signature still vouches for is kept.
        const salvaged = await salvageManifest(stored.bytes, trustedKeys);
        unreadablePointer = { message: errorMessage(err), ...(salvaged ? { version: salvaged.version } : {}) };
        if (salvaged) merged.push({ key: MANIFEST_KEY, manifest: salvaged });
      }
    }
    const copies = listing.flatMap((l) => {
      const parsed = parseManifestVersionKey(l.key);
      return parsed ? [{ ...l, version: parsed.version }] : [];
    });
    const first = firstListing.get(mirror.name) ?? new Set(copies.map((c) => c.key));
    firstListing.set(mirror.name, first);
    const own = ownCopies.get(mirror.name) ?? new Set<string>();
    const wanted = options.recover?.allVersions
      ? [...copies].sort((a, b) => b.version - a.version)
      : copiesToMerge(copies, pointer?.manifest.version, stored?.etag, first, own);
    const unreadable: ReadOk['unreadable'] = [];
    for (const copy of wanted) {
      try {
        const got = await mirror.store.get(copy.key);
        if (!got) continue; // listed, then removed: nothing to merge
        merged.push({ key: copy.key, manifest: (await verify(got.bytes, `${copy.key} on mirror ${mirror.name}`)).manifest });
        // Without a pointer, the newest readable copy is the base (recovery of every version reads them all).
        if (!pointer && !options.recover?.allVersions) break;
      } catch (err) {
        unreadable.push({ key: copy.key, message: errorMessage(err) });
        if (!options.recover) continue;
        const got = await mirror.store.get(copy.key).catch(() => undefined);
        const salvaged = got ? await salvageManifest(got.bytes, trustedKeys) : undefined;
        if (salvaged) merged.push({ key: copy.key, manifest: salvaged });
      }
    }
    return {
      mirror,
      ok: true,
      ...(stored ? { etag: stored.etag } : {}),
      ...(pointer ? { pointer } : {}),
      ...(unreadablePointer ? { unreadablePointer } : {}),
      copies,
      merged,
      unreadable,
    };
  };

  const round = async (): Promise<ManifestPublishReport> => {
    rounds++;
    const reads = await Promise.all(options.mirrors.map(readMirror));
    const failed: MirrorPublishResult[] = reads
      .filter((r): r is ReadFailed => !r.ok)
      .map((r) => ({ name: r.mirror.name, status: 'failed', error: r.error, conditionalWrites: conditional(r.mirror) }));
    const readable = reads.filter((r): r is ReadOk => r.ok);
    const warnings: string[] = failed.map((f) => `mirror ${f.name}: ${f.error!.message}`);
    for (const r of readable) {
      for (const u of r.unreadable) warnings.push(`mirror ${r.mirror.name}: the version copy ${u.key} cannot be used (${u.message}); its version number stays taken`);
      if (!conditional(r.mirror)) {
        warnings.push(
          `mirror ${r.mirror.name} does not support conditional writes: its version copies get names of their own and every publish checks its write afterwards, but serialise publishes with a workflow concurrency group to keep retries rare`,
        );
      }
    }
    const order = (results: MirrorPublishResult[]): MirrorPublishResult[] =>
      options.mirrors.map((m) => results.find((r) => r.name === m.name)!);
    if (readable.length === 0) {
      return { ok: false, changed: false, version: undefined, plan: undefined, envelope: undefined, mirrors: order(failed), warnings, rounds };
    }

    const existing: ExistingManifest[] = readable.flatMap((r) => [
      { source: r.mirror.name, manifest: r.pointer?.manifest, ...(r.pointer ? { storedSchemaVersion: r.pointer.storedSchemaVersion } : {}) },
      ...r.merged.map((m) => ({ source: `${m.key} on mirror ${r.mirror.name}`, manifest: m.manifest, record: true })),
    ]);
    // A version number any copy took (readable or not) is never used again, nor one a pointer that cannot be read was signed with.
    const taken = Math.max(0, ...readable.flatMap((r) => [...r.copies.map((c) => c.version), r.unreadablePointer?.version ?? 0]));
    if (options.recover && !readable.some((r) => r.pointer || r.merged.length > 0)) {
      throw new UserError(ManifestErrorCode.NothingToRecover, 'no mirror holds a manifest or a version copy that a trusted key signed: there is nothing to recover from', {
        hint: 'check the trusted keys (the old key, if the key was rotated) and the mirrors configuration',
      });
    }
    const plan = planFor(existing, Math.max(minVersion, taken + 1));
    warnings.push(...plan.warnings);
    // (A pointer that cannot be read counts as none: the plan writes a new one there.)
    plan.reasons.unshift(
      ...readable.flatMap((r) => (r.unreadablePointer ? [`mirror ${r.mirror.name}: ${MANIFEST_KEY} cannot be read (${r.unreadablePointer.message}); replaced`] : [])),
    );
    const version = plan.manifest.version;

    if (!plan.changed) {
      const envelope = readable.find((r) => r.pointer?.manifest.version === version)?.pointer?.envelope;
      const unchanged = readable.map<MirrorPublishResult>((r) => ({ name: r.mirror.name, status: 'unchanged', version, conditionalWrites: conditional(r.mirror) }));
      return { ok: true, changed: false, version, plan, envelope, mirrors: order([...unchanged, ...failed]), warnings, rounds };
    }

    const envelope = await signManifest(plan.manifest, options.signer);
    if (options.dryRun) {
      const planned = readable.map<MirrorPublishResult>((r) => ({ name: r.mirror.name, status: 'planned', version, conditionalWrites: conditional(r.mirror) }));
      return { ok: true, changed: true, version, plan, envelope, mirrors: order([...planned, ...failed]), warnings, rounds };
    }

    const bytes = encodeSignedManifest(envelope);
    const bundle = options.manifestBundle ? await options.manifestBundle(bytes) : undefined;
    let lost = false;
    const written = await Promise.all(
      readable.map(async (r): Promise<MirrorPublishResult> => {
        const cas = conditional(r.mirror);
        const base = { name: r.mirror.name, conditionalWrites: cas };
        const versionKey = cas ? manifestVersionKey(version) : manifestVersionKey(version, randomId());
        try {
          if (cas) await writeWithCas(r, versionKey, bytes);
          else await writeWithoutCas(r, versionKey, bytes, plan.manifest);
          if (bundle !== undefined) {
            const problem = await writeBundles(r.mirror, [versionKey, MANIFEST_KEY], bundle);
            if (problem) warnings.push(`mirror ${r.mirror.name}: the manifest's Sigstore bundle was not written (${problem}); the manifest itself was`);
          }
          reporter.info(`manifest version ${version} written to mirror ${r.mirror.name}`);
          return { ...base, status: 'written', version, versionKey };
        } catch (err) {
          if (isPreconditionFailed(err)) lost = true;
          return { ...base, status: 'failed', error: errorInfo(err) };
        }
      }),
    );
    const report: ManifestPublishReport = {
      ok: written.some((w) => w.status === 'written'),
      changed: true,
      version,
      plan,
      envelope,
      mirrors: order([...written, ...failed]),
      warnings,
      rounds,
    };
    if (lost) throw new LostRace(version, report);
    return report;
  };

  const writeWithCas = async (r: ReadOk, versionKey: string, bytes: Uint8Array): Promise<void> => {
    const { store } = r.mirror;
    await store.put(versionKey, bytes, { ifNoneMatch: '*', contentType: MANIFEST_CONTENT_TYPE, cacheControl: MANIFEST_VERSION_CACHE_CONTROL });
    ownOf(r).add(versionKey);
    await store.put(MANIFEST_KEY, bytes, {
      ...(r.etag !== undefined ? { ifMatch: r.etag } : { ifNoneMatch: '*' as const }),
      contentType: MANIFEST_CONTENT_TYPE,
      cacheControl: MANIFEST_POINTER_CACHE_CONTROL,
    });
  };

  const writeWithoutCas = async (r: ReadOk, versionKey: string, bytes: Uint8Array, written: Manifest): Promise<void> => {
    const { store, name } = r.mirror;
    await store.put(versionKey, bytes, { contentType: MANIFEST_CONTENT_TYPE, cacheControl: MANIFEST_VERSION_CACHE_CONTROL });
    ownOf(r).add(versionKey);
    // The closest a store without conditions comes to If-Match: look right before writing.
    const before = await store.get(MANIFEST_KEY);
    if (before?.etag !== r.etag) throw lostRace(`${name}: ${MANIFEST_KEY} changed since it was read`);
    await store.put(MANIFEST_KEY, bytes, { contentType: MANIFEST_CONTENT_TYPE, cacheControl: MANIFEST_POINTER_CACHE_CONTROL });
    // Afterwards: a copy nobody merged means a publisher whose entries the pointer may lack.
    const seen = new Set([...(firstListing.get(name) ?? []), ...r.copies.map((c) => c.key), ...ownOf(r)]);
    const strangers = (await store.list(MANIFEST_VERSIONS_PREFIX)).filter((l) => parseManifestVersionKey(l.key) && !seen.has(l.key));
    for (const stranger of strangers) {
      // Its entries may be missing from what this publish wrote over: look (one that cannot be read brings nothing).
      const got = await store.get(stranger.key);
      const theirs = got ? await verify(got.bytes, `${stranger.key} on mirror ${name}`).then((v) => v.manifest, () => undefined) : undefined;
      if (theirs && !manifestHolds(written, theirs)) throw lostRace(`${name}: another publisher wrote ${stranger.key} meanwhile, with entries ${MANIFEST_KEY} lacks`);
    }
    // And the pointer must still hold what this publish brings (a later writer may have replaced it).
    const after = await store.get(MANIFEST_KEY);
    if (after && sha256Hex(after.bytes) !== sha256Hex(bytes)) {
      let holdsOurs: boolean;
      try {
        const theirs = (await verify(after.bytes, `${MANIFEST_KEY} on mirror ${name}`)).manifest;
        // Merging this publish into theirs would change nothing: they hold it.
        holdsOurs = !planFor([{ source: name, manifest: theirs }], 1).changed;
      } catch {
        holdsOurs = false;
      }
      if (!holdsOurs) throw lostRace(`${name}: ${MANIFEST_KEY} was replaced meanwhile by one that does not hold this publish`);
    }
  };

  const ownOf = (r: ReadOk): Set<string> => {
    const set = ownCopies.get(r.mirror.name) ?? new Set<string>();
    ownCopies.set(r.mirror.name, set);
    return set;
  };

  try {
    return await retry(round, {
      attempts: options.attempts ?? 6,
      baseMs: 50,
      maxMs: 2_000,
      sleep: options.sleep,
      shouldRetry: (err) => err instanceof LostRace,
      onRetry: ({ err, delayMs }) => {
        const race = err as LostRace;
        minVersion = race.version + 1;
        reporter.info(`another publish changed the manifest meanwhile; reading it again and merging from the newest state (retry in ${delayMs} ms)`);
      },
    });
  } catch (err) {
    if (!(err instanceof LostRace)) throw err;
    const report = err.report;
    for (const m of report.mirrors) {
      if (m.status === 'failed' && m.error?.code === ManifestErrorCode.PreconditionFailed) {
        m.error = {
          code: ManifestErrorCode.ConflictRetriesExhausted,
          message: `other publishes kept changing the manifest; gave up after ${report.rounds} rounds (${m.error.message})`,
        };
      }
    }
    report.ok = report.mirrors.some((m) => m.status === 'written');
    return report;
  }
}

/**
 * The version copies to merge besides the pointer, newest first: those from
 * the version before the pointer's on (the one before is the last link of the
 * history: an entry it has and the pointer lacks comes back), other than the
 * pointer's own copy; every copy that appeared since this publish began; and,
 * on a mirror without a pointer, the newest copies (the first readable one is
 * the base). Copies this publish wrote are never read back.
 */
function copiesToMerge(copies: VersionCopy[], pointerVersion: number | undefined, pointerEtag: string | undefined, first: Set<string>, own: Set<string>): VersionCopy[] {
  const newestFirst = [...copies].filter((c) => !own.has(c.key)).sort((a, b) => b.version - a.version || (a.key < b.key ? -1 : 1));
  const wanted =
    pointerVersion === undefined
      ? newestFirst
      : newestFirst.filter(
          (c) => !first.has(c.key) || (c.version >= pointerVersion - 1 && !(c.etag !== undefined && pointerEtag !== undefined && c.etag === pointerEtag)),
        );
  return wanted.slice(0, MAX_COPIES_READ);
}

/** Write the manifest's Sigstore bundle next to each of `keys`; a failure is returned as text, not thrown (the bundle is an addition). */
async function writeBundles(mirror: ManifestMirror, keys: string[], bundle: string): Promise<string | undefined> {
  try {
    for (const key of keys) {
      await mirror.store.put(manifestBundleKey(key), new TextEncoder().encode(bundle), {
        contentType: 'application/json',
        cacheControl: key === MANIFEST_KEY ? MANIFEST_POINTER_CACHE_CONTROL : MANIFEST_VERSION_CACHE_CONTROL,
      });
    }
    return undefined;
  } catch (err) {
    return errorMessage(err);
  }
}

function isVerifier(value: unknown): value is Verifier {
  return typeof (value as { verify?: unknown }).verify === 'function' && typeof (value as { keyid?: unknown }).keyid === 'string';
}
