/**
 * Publishing: read every mirror's manifest, verify it, plan, sign once, and
 * write the same bytes to every mirror. Call it only after every file the
 * release names was verified on its mirrors (their URLs are the input).
 *
 * Per mirror, the order of writes is what keeps readers safe:
 * 1. `manifests/manifest-<version>.json`, create-only (If-None-Match: *):
 *    a version, once written, never changes;
 * 2. `manifest.json`, compare-and-swap on the ETag read (If-Match), or
 *    create-only when there was none. S3 replaces an object atomically, so a
 *    reader sees the old manifest or the new one, never a mix.
 * A lost race (a precondition failed) re-reads, re-merges and tries again
 * with a higher version, so concurrent publishers never lose each other's
 * entries. One mirror failing does not stop the others.
 */
import { errorMessage, retry, silentReporter, systemNow } from '@potions/core';
import type { Now } from '@potions/core';
import type { Reporter } from '@potions/core';
import { encodeSignedManifest, signManifest, verifyManifest } from './envelope';
import { ManifestErrorCode } from './errors';
import type { Signer, Verifier } from './keys';
import { planManifestPublish } from './plan';
import type { ManifestPublishPlan } from './plan';
import type { ReleaseInput } from './release';
import type { Manifest, SignedManifest } from './schema';
import {
  MANIFEST_CONTENT_TYPE,
  MANIFEST_KEY,
  MANIFEST_POINTER_CACHE_CONTROL,
  MANIFEST_VERSION_CACHE_CONTROL,
  isPreconditionFailed,
  manifestVersionKey,
  preconditionFailed,
} from './store';
import type { ManifestStore } from './store';

export interface ManifestMirror {
  /** The mirror's name from the configuration, used in reports. */
  name: string;
  store: ManifestStore;
}

export interface PublishManifestOptions {
  mirrors: readonly ManifestMirror[];
  release: ReleaseInput;
  signer: Signer;
  /**
   * Keys a manifest already on a mirror must be signed by before anything is
   * merged into it. Default: the signer, when it can verify (LocalKeySigner
   * can). Add the old key here while rotating keys.
   */
  trustedKeys?: readonly Verifier[];
  /** The clock the manifest is signed by (its `published` and `expires`). Default `systemNow`. */
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
}

export type MirrorPublishStatus = 'written' | 'unchanged' | 'planned' | 'failed';

export interface MirrorPublishResult {
  name: string;
  status: MirrorPublishStatus;
  /** The manifest version the mirror holds after this publish (when known). */
  version?: number;
  error?: { code: string; message: string };
  /** False: the store ignores conditional writes; serialise publishes in the workflow. */
  conditionalWrites: boolean;
}

export interface ManifestPublishReport {
  /** At least one mirror holds the new (or unchanged) manifest. */
  ok: boolean;
  /** A new manifest version was signed (and, unless dryRun, written). */
  changed: boolean;
  version: number | undefined;
  plan: ManifestPublishPlan | undefined;
  /** The signed manifest the mirrors now hold. */
  envelope: SignedManifest | undefined;
  mirrors: MirrorPublishResult[];
  warnings: string[];
  /** Rounds used (more than one after a lost race). */
  rounds: number;
}

interface ReadOk {
  mirror: ManifestMirror;
  ok: true;
  etag?: string;
  existing?: { manifest: Manifest; envelope: SignedManifest };
}
interface ReadFailed {
  mirror: ManifestMirror;
  ok: false;
  error: { code: string; message: string };
}

/** Thrown inside a round when a mirror's conditional write lost a race. */
class LostRace extends Error {
  constructor(
    readonly version: number,
    readonly report: ManifestPublishReport,
  ) {
    super(`lost a race publishing manifest version ${version}`);
  }
}

function errorInfo(err: unknown): { code: string; message: string } {
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : ManifestErrorCode.Store;
  return { code, message: errorMessage(err) };
}

function conditional(mirror: ManifestMirror): boolean {
  return mirror.store.conditionalWrites !== false;
}

export async function publishManifest(options: PublishManifestOptions): Promise<ManifestPublishReport> {
  const reporter = options.reporter ?? silentReporter;
  // One point in time for every round of this publish.
  const now = (options.now ?? systemNow)();
  const trustedKeys = options.trustedKeys ?? (isVerifier(options.signer) ? [options.signer] : []);
  let minVersion = 1;
  let rounds = 0;

  const readMirror = async (mirror: ManifestMirror): Promise<ReadOk | ReadFailed> => {
    let stored;
    try {
      stored = await mirror.store.get(MANIFEST_KEY);
    } catch (err) {
      return { mirror, ok: false, error: errorInfo(err) };
    }
    if (!stored) return { mirror, ok: true };
    try {
      const verified = await verifyManifest(stored.bytes, {
        trustedKeys,
        now: () => now,
        allowExpired: true,
        source: `${MANIFEST_KEY} on mirror ${mirror.name}`,
      });
      return { mirror, ok: true, etag: stored.etag, existing: { manifest: verified.manifest, envelope: verified.envelope } };
    } catch (err) {
      return {
        mirror,
        ok: false,
        error: {
          code: ManifestErrorCode.ExistingUntrusted,
          message: `refusing to merge into it: ${errorMessage(err)}`,
        },
      };
    }
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
      if (!conditional(r.mirror)) {
        warnings.push(
          `mirror ${r.mirror.name} does not support conditional writes: concurrent publishes can lose entries unless the workflow serialises them with a concurrency group`,
        );
      }
    }
    const order = (results: MirrorPublishResult[]): MirrorPublishResult[] =>
      options.mirrors.map((m) => results.find((r) => r.name === m.name)!);
    if (readable.length === 0) {
      return { ok: false, changed: false, version: undefined, plan: undefined, envelope: undefined, mirrors: order(failed), warnings, rounds };
    }

    const existing = readable.map((r) => ({ source: r.mirror.name, manifest: r.existing?.manifest }));
    const plan = planManifestPublish({
      existing,
      release: options.release,
      now,
      expiresInDays: options.expiresInDays,
      renewWithinDays: options.renewWithinDays,
      minVersion,
      ...(options.currentMirrorUrls ? { currentMirrorUrls: options.currentMirrorUrls } : {}),
    });
    warnings.push(...plan.warnings);
    const version = plan.manifest.version;

    if (!plan.changed) {
      const envelope = readable.find((r) => r.existing?.manifest.version === version)?.existing?.envelope;
      const unchanged = readable.map<MirrorPublishResult>((r) => ({
        name: r.mirror.name,
        status: 'unchanged',
        version,
        conditionalWrites: conditional(r.mirror),
      }));
      return { ok: true, changed: false, version, plan, envelope, mirrors: order([...unchanged, ...failed]), warnings, rounds };
    }

    const envelope = await signManifest(plan.manifest, options.signer);
    if (options.dryRun) {
      const planned = readable.map<MirrorPublishResult>((r) => ({
        name: r.mirror.name,
        status: 'planned',
        version,
        conditionalWrites: conditional(r.mirror),
      }));
      return { ok: true, changed: true, version, plan, envelope, mirrors: order([...planned, ...failed]), warnings, rounds };
    }

    const bytes = encodeSignedManifest(envelope);
    let lost = false;
    const written = await Promise.all(
      readable.map(async (r): Promise<MirrorPublishResult> => {
        const base = { name: r.mirror.name, conditionalWrites: conditional(r.mirror) };
        const versionKey = manifestVersionKey(version);
        const cas = base.conditionalWrites;
        try {
          // Without conditional writes, a look first is the best we can do to keep version copies immutable.
          if (!cas && (await r.mirror.store.get(versionKey))) throw preconditionFailed(versionKey, 'an object already exists');
          await r.mirror.store.put(versionKey, bytes, {
            ...(cas ? { ifNoneMatch: '*' as const } : {}),
            contentType: MANIFEST_CONTENT_TYPE,
            cacheControl: MANIFEST_VERSION_CACHE_CONTROL,
          });
          await r.mirror.store.put(MANIFEST_KEY, bytes, {
            ...(!cas ? {} : r.etag !== undefined ? { ifMatch: r.etag } : { ifNoneMatch: '*' as const }),
            contentType: MANIFEST_CONTENT_TYPE,
            cacheControl: MANIFEST_POINTER_CACHE_CONTROL,
          });
          reporter.info(`manifest version ${version} written to mirror ${r.mirror.name}`);
          return { ...base, status: 'written', version };
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
        reporter.info(`another publish changed the manifest meanwhile; merging again (retry in ${delayMs} ms)`);
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

function isVerifier(value: unknown): value is Verifier {
  return typeof (value as { verify?: unknown }).verify === 'function' && typeof (value as { keyid?: unknown }).keyid === 'string';
}

