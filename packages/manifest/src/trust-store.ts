/**
 * The reader's memory: the highest manifest version accepted from each
 * manifest URL, so that a mirror or cache serving an older (validly signed)
 * manifest is refused as a rollback. Kept in a small JSON file under the
 * user's potions state directory, written atomically.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError, hasCode, writeFileAtomic } from '@potions/core';
import { z } from 'zod';
import { verifyManifest } from './envelope';
import type { VerifiedManifest, VerifyManifestOptions } from './envelope';
import { ManifestErrorCode } from './errors';

export interface TrustStore {
  lastSeenVersion(source: string): Promise<number | undefined>;
  /** Remember `version` for `source`; a lower version than the one kept is ignored. */
  remember(source: string, version: number, now?: Date): Promise<void>;
}

/** `POTIONS_STATE_DIR`, else `$XDG_STATE_HOME/potions`, else `~/.local/state/potions`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  if (env.POTIONS_STATE_DIR) return env.POTIONS_STATE_DIR;
  if (env.XDG_STATE_HOME) return path.join(env.XDG_STATE_HOME, 'potions');
  return path.join(home, '.local', 'state', 'potions');
}

export const TRUST_STATE_FILE = 'manifest-trust.json';

const TrustStateSchema = z.object({
  schemaVersion: z.literal(1),
  manifests: z.record(z.string(), z.object({ version: z.number().int().min(1), seenAt: z.string() })),
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
      if (hasCode(err, 'ENOENT')) return { schemaVersion: 1, manifests: {} };
      throw err;
    }
    let parsed;
    try {
      parsed = TrustStateSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      throw new UserError(ManifestErrorCode.TrustState, `${this.file} is not a Potions trust-state file`, {
        location: { file: this.file },
        hint: 'it remembers the manifest versions seen, to refuse rollbacks; delete it only if you accept losing that memory',
      });
    }
    return parsed.data;
  }

  async lastSeenVersion(source: string): Promise<number | undefined> {
    return (await this.read()).manifests[normalise(source)]?.version;
  }

  async remember(source: string, version: number, now: Date = new Date()): Promise<void> {
    // Read just before writing, and keep the higher version: two readers racing can
    // at worst keep the lower of two versions both accepted, never go below either.
    const state = await this.read();
    const key = normalise(source);
    const kept = state.manifests[key];
    if (kept && kept.version >= version) return;
    state.manifests[key] = { version, seenAt: now.toISOString() };
    await writeFileAtomic(this.file, `${JSON.stringify(state, null, 2)}\n`);
  }
}

export interface AcceptManifestOptions extends Omit<VerifyManifestOptions, 'lastSeenVersion' | 'source'> {
  /** The manifest URL (the key in the trust store, and the name in messages). */
  url: string;
  trustStore: TrustStore;
}

/**
 * For `potions fetch`: verify manifest bytes fetched from `url` against the
 * version last seen from it, and remember the new version once accepted.
 */
export async function acceptManifest(bytes: Uint8Array | string, options: AcceptManifestOptions): Promise<VerifiedManifest> {
  const { url, trustStore, ...verify } = options;
  const lastSeenVersion = await trustStore.lastSeenVersion(url);
  const verified = await verifyManifest(bytes, { ...verify, lastSeenVersion, source: url });
  await trustStore.remember(url, verified.manifest.version, options.now);
  return verified;
}
