/**
 * The reader's memory: the highest manifest version accepted for manifests
 * signed by each key, whichever mirror or URL it came from. A mirror, a cache
 * or a mirror never read before serving an older (validly signed) manifest is
 * refused as a rollback; two publishers with different keys (two local work
 * folders on the same default ports) do not refuse each other. Kept in a
 * small JSON file under the user's potions state directory, written
 * atomically.
 *
 * State files written before the memory was per key (`schemaVersion: 1`, one
 * entry per manifest URL) are still read: such an entry keeps protecting its
 * URL until a manifest from that URL is accepted at or above its version, and
 * is then folded into that manifest's key.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError, errorMessage, hasCode, isUserError, systemNow, writeFileAtomic } from '@potions/core';
import { z } from 'zod';
import { verifyManifest } from './envelope';
import type { VerifiedManifest, VerifyManifestOptions } from './envelope';
import { ManifestErrorCode } from './errors';

export interface TrustStore {
  /** The highest version accepted for manifests signed by `keyid` (from any URL). */
  lastSeenVersion(keyid: string): Promise<number | undefined>;
  /** Remember `version` for `keyid` (read from `source`); a lower version than the one kept is ignored. */
  remember(keyid: string, version: number, seenAt: Date, source?: string): Promise<void>;
  /** The version an older, per-URL state file remembers for `source` (stores without such a past omit this). */
  legacyVersion?(source: string): Promise<number | undefined>;
}

/** `POTIONS_STATE_DIR`, else `$XDG_STATE_HOME/potions`, else `~/.local/state/potions`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  if (env.POTIONS_STATE_DIR) return env.POTIONS_STATE_DIR;
  if (env.XDG_STATE_HOME) return path.join(env.XDG_STATE_HOME, 'potions');
  return path.join(home, '.local', 'state', 'potions');
}

export const TRUST_STATE_FILE = 'manifest-trust.json';

const Seen = z.object({ version: z.number().int().min(1), seenAt: z.string() });
/** The first format: one entry per manifest URL. */
const TrustStateV1Schema = z.object({ schemaVersion: z.literal(1), manifests: z.record(z.string(), Seen) });
const TrustStateSchema = z.object({
  schemaVersion: z.literal(2),
  /** Per signing key id: the highest version accepted, when, and from where. */
  keys: z.record(z.string(), Seen.extend({ source: z.string().optional() })),
  /** Entries of a version-1 file not yet folded into a key (per URL). */
  urls: z.record(z.string(), Seen).default({}),
});
type TrustState = z.infer<typeof TrustStateSchema>;

function normalise(source: string): string {
  try {
    return new URL(source).href;
  } catch {
    return source;
  }
}

export class FileTrustStore implements TrustStore {
  readonly file: string;
  constructor(file?: string) {
    this.file = file ?? path.join(defaultStateDir(), TRUST_STATE_FILE);
  }

  private async read(): Promise<TrustState> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if (hasCode(err, 'ENOENT')) return { schemaVersion: 2, keys: {}, urls: {} };
      throw this.unusable('read', err);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const current = TrustStateSchema.safeParse(json);
    if (current.success) return current.data;
    const v1 = TrustStateV1Schema.safeParse(json);
    if (v1.success) return { schemaVersion: 2, keys: {}, urls: v1.data.manifests };
    throw new UserError(ManifestErrorCode.TrustState, `${this.file} is not a Potions trust-state file`, {
      location: { file: this.file },
      hint: 'it remembers the manifest versions seen, to refuse rollbacks; delete it only if you accept losing that memory',
    });
  }

  async lastSeenVersion(keyid: string): Promise<number | undefined> {
    return (await this.read()).keys[keyid]?.version;
  }

  async legacyVersion(source: string): Promise<number | undefined> {
    return (await this.read()).urls[normalise(source)]?.version;
  }

  async remember(keyid: string, version: number, seenAt: Date, source?: string): Promise<void> {
    // Read just before writing, and keep the higher version: two readers racing can
    // at worst keep the lower of two versions both accepted, never go below either.
    const state = await this.read();
    let changed = false;
    const legacy = source !== undefined ? state.urls[normalise(source)] : undefined;
    if (legacy && legacy.version <= version) {
      // That URL's old memory is now the key's (the version just accepted is at least as high).
      delete state.urls[normalise(source!)];
      changed = true;
    }
    const kept = state.keys[keyid];
    if (!kept || kept.version < version) {
      state.keys[keyid] = { version, seenAt: seenAt.toISOString(), ...(source !== undefined ? { source: normalise(source) } : {}) };
      changed = true;
    }
    if (!changed) return;
    const out: TrustState = { schemaVersion: 2, keys: state.keys, urls: state.urls };
    try {
      await writeFileAtomic(this.file, `${JSON.stringify(out, null, 2)}\n`);
    } catch (err) {
      throw this.unusable('write', err);
    }
  }

  /** The trust-state file cannot be read or written: say where and why, as the user's to fix (never a stack trace). */
  private unusable(what: 'read' | 'write', err: unknown): UserError {
    const dir = path.dirname(this.file);
    const why = hasCode(err, 'EISDIR')
      ? `${this.file} is a folder, not a file`
      : hasCode(err, 'ENOTDIR')
        ? `a part of ${dir} is a file, not a folder`
        : hasCode(err, 'EACCES') || hasCode(err, 'EPERM')
          ? `permission denied`
          : hasCode(err, 'ENOENT') || hasCode(err, 'EROFS')
            ? `${dir} cannot be created or written here`
            : errorMessage(err);
    return new UserError(ManifestErrorCode.TrustState, `cannot ${what} the trust-state file ${this.file}: ${why}`, {
      location: { file: this.file },
      cause: err,
      hint: 'it remembers the manifest versions seen, to refuse rollbacks; point POTIONS_STATE_DIR at a folder you can write (or fix the path)',
    });
  }
}

export interface AcceptManifestOptions extends Omit<VerifyManifestOptions, 'lastSeenVersion' | 'source'> {
  /** The manifest URL (or file): the name in messages, and the key of an old per-URL memory. */
  url: string;
  trustStore: TrustStore;
}

/**
 * For `potions fetch`: verify manifest bytes fetched from `url`, refuse a
 * version below the highest one accepted for manifests signed by the same
 * key (from any URL), and remember the new version once accepted.
 */
export async function acceptManifest(bytes: Uint8Array | string, options: AcceptManifestOptions): Promise<VerifiedManifest> {
  const { url, trustStore, now = systemNow, ...rest } = options;
  // One point in time for the expiry check and the memory.
  const at = now();
  const verified = await checkManifest(bytes, { ...rest, url, trustStore, now: () => at });
  await trustStore.remember(verified.keyid, verified.manifest.version, at, url);
  return verified;
}

/** Everything `acceptManifest` checks, without remembering the version. */
async function checkManifest(bytes: Uint8Array | string, options: AcceptManifestOptions): Promise<VerifiedManifest> {
  const { url, trustStore, ...verify } = options;
  // The memory is per key: find out which trusted key signed it (signature, schema) before comparing versions.
  const signed = await verifyManifest(bytes, { ...verify, allowExpired: true, source: url });
  const keyid = signed.keyid;
  const version = signed.manifest.version;
  const byKey = await trustStore.lastSeenVersion(keyid);
  if (byKey !== undefined && version < byKey) {
    throw new UserError(
      ManifestErrorCode.Rollback,
      `${url} is version ${version}, older than version ${byKey} already accepted for manifests signed by key ${keyid.slice(0, 16)} (from any mirror): refusing a rollback`,
      { hint: 'a mirror or cache serves an old copy; retry later or use another mirror' },
    );
  }
  const byUrl = await trustStore.legacyVersion?.(url);
  if (byUrl !== undefined && version < byUrl) {
    throw new UserError(
      ManifestErrorCode.Rollback,
      `${url} is version ${version}, older than version ${byUrl} already seen from this URL (remembered per URL by an earlier Potions): refusing a rollback`,
      {
        ...(trustStore instanceof FileTrustStore ? { location: { file: trustStore.file } } : {}),
        hint: 'a mirror or cache serves an old copy: retry later or use another mirror. If this URL now serves another publisher\'s manifests (another local work folder on the same ports), remove its entry under "urls" in the trust-state file',
      },
    );
  }
  // Everything else (expiry included) exactly as verifyManifest checks it.
  return verifyManifest(bytes, { ...verify, lastSeenVersion: byKey, source: url });
}

/** A copy of the manifest as read from one location (a mirror's URL, a file). */
export interface ManifestCopy {
  source: string;
  bytes: Uint8Array;
}

/** A copy that was not taken, and why. */
export interface RefusedManifest {
  source: string;
  code: string;
  message: string;
}

export interface AcceptedManifest extends VerifiedManifest {
  /** Where the accepted copy came from. */
  source: string;
  /** The copies refused (tampered, rolled back, expired, unknown key). */
  refused: RefusedManifest[];
  /** Copies that passed, but are older than the one accepted (a mirror a release did not reach yet); copies of the same version are not listed. */
  older: { source: string; version: number }[];
}

/**
 * Of several copies of the manifest (one per mirror, or the locations a user
 * gave), accept the newest one that passes every check of `acceptManifest`,
 * and remember it. A stale copy (a mirror an interrupted release did not
 * reach) is passed over for a newer one from another mirror; a refused copy
 * is listed with why. When none passes, the error names every copy and
 * carries the code of the first manifest refusal.
 */
export async function acceptNewestManifest(copies: readonly ManifestCopy[], options: Omit<AcceptManifestOptions, 'url'>): Promise<AcceptedManifest> {
  const { now = systemNow, ...rest } = options;
  const at = now();
  const refused: RefusedManifest[] = [];
  const older: AcceptedManifest['older'] = [];
  let best: { verified: VerifiedManifest; source: string } | undefined;
  let firstError: unknown;
  for (const copy of copies) {
    try {
      const verified = await checkManifest(copy.bytes, { ...rest, url: copy.source, now: () => at });
      if (!best || verified.manifest.version > best.verified.manifest.version) {
        if (best) older.push({ source: best.source, version: best.verified.manifest.version });
        best = { verified, source: copy.source };
      } else if (verified.manifest.version < best.verified.manifest.version) {
        older.push({ source: copy.source, version: verified.manifest.version });
      }
    } catch (err) {
      // A refusal of this copy sends us to the next; an unreadable trust state would fail the same way for every copy.
      if (!isUserError(err) || err.code === ManifestErrorCode.TrustState) throw err;
      firstError ??= err;
      refused.push({ source: copy.source, code: err.code, message: err.message });
    }
  }
  if (best) {
    await options.trustStore.remember(best.verified.keyid, best.verified.manifest.version, at, best.source);
    return { ...best.verified, source: best.source, refused, older };
  }
  if (copies.length === 1 && firstError !== undefined) throw firstError;
  const code = refused.find((r) => r.code.startsWith('E_MANIFEST_'))?.code ?? refused[0]?.code ?? ManifestErrorCode.Unreachable;
  throw new UserError(code, `no acceptable manifest at ${copies.length} location(s):\n${refused.map((r) => `  ${r.source}: ${r.message}`).join('\n')}`, {
    ...(copies[0] ? { location: { file: copies[0].source } } : {}),
    ...(firstError !== undefined ? { cause: firstError } : {}),
  });
}
