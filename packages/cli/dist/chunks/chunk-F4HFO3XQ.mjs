import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  ManifestErrorCode,
  verifyManifest
} from "./chunk-WZ5ZB2HY.mjs";
import {
  systemNow
} from "./chunk-L5AWN5ZP.mjs";
import {
  writeFileAtomic
} from "./chunk-E4RGEVCT.mjs";
import {
  external_exports
} from "./chunk-XJANFZUV.mjs";
import {
  UserError,
  hasCode
} from "./chunk-HUJ2RKNL.mjs";

// packages/manifest/src/trust-store.ts
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
function defaultStateDir(env = process.env, home = os.homedir()) {
  if (env.POTIONS_STATE_DIR) return env.POTIONS_STATE_DIR;
  if (env.XDG_STATE_HOME) return path.join(env.XDG_STATE_HOME, "potions");
  return path.join(home, ".local", "state", "potions");
}
var TRUST_STATE_FILE = "manifest-trust.json";
var Seen = external_exports.object({ version: external_exports.number().int().min(1), seenAt: external_exports.string() });
var TrustStateV1Schema = external_exports.object({ schemaVersion: external_exports.literal(1), manifests: external_exports.record(external_exports.string(), Seen) });
var TrustStateSchema = external_exports.object({
  schemaVersion: external_exports.literal(2),
  /** Per signing key id: the highest version accepted, when, and from where. */
  keys: external_exports.record(external_exports.string(), Seen.extend({ source: external_exports.string().optional() })),
  /** Entries of a version-1 file not yet folded into a key (per URL). */
  urls: external_exports.record(external_exports.string(), Seen).default({})
});
function normalise(source) {
  try {
    return new URL(source).href;
  } catch {
    return source;
  }
}
var FileTrustStore = class {
  file;
  constructor(file) {
    this.file = file ?? path.join(defaultStateDir(), TRUST_STATE_FILE);
  }
  async read() {
    let text;
    try {
      text = await fs.readFile(this.file, "utf8");
    } catch (err) {
      if (hasCode(err, "ENOENT")) return { schemaVersion: 2, keys: {}, urls: {} };
      throw err;
    }
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = void 0;
    }
    const current = TrustStateSchema.safeParse(json);
    if (current.success) return current.data;
    const v1 = TrustStateV1Schema.safeParse(json);
    if (v1.success) return { schemaVersion: 2, keys: {}, urls: v1.data.manifests };
    throw new UserError(ManifestErrorCode.TrustState, `${this.file} is not a Potions trust-state file`, {
      location: { file: this.file },
      hint: "it remembers the manifest versions seen, to refuse rollbacks; delete it only if you accept losing that memory"
    });
  }
  async lastSeenVersion(keyid) {
    return (await this.read()).keys[keyid]?.version;
  }
  async legacyVersion(source) {
    return (await this.read()).urls[normalise(source)]?.version;
  }
  async remember(keyid, version, seenAt, source) {
    const state = await this.read();
    let changed = false;
    const legacy = source !== void 0 ? state.urls[normalise(source)] : void 0;
    if (legacy && legacy.version <= version) {
      delete state.urls[normalise(source)];
      changed = true;
    }
    const kept = state.keys[keyid];
    if (!kept || kept.version < version) {
      state.keys[keyid] = { version, seenAt: seenAt.toISOString(), ...source !== void 0 ? { source: normalise(source) } : {} };
      changed = true;
    }
    if (!changed) return;
    const out = { schemaVersion: 2, keys: state.keys, urls: state.urls };
    await writeFileAtomic(this.file, `${JSON.stringify(out, null, 2)}
`);
  }
};
async function acceptManifest(bytes, options) {
  const { url, trustStore, now = systemNow, ...rest } = options;
  const at = now();
  const verify = { ...rest, now: () => at };
  const signed = await verifyManifest(bytes, { ...verify, allowExpired: true, source: url });
  const keyid = signed.keyid;
  const version = signed.manifest.version;
  const byKey = await trustStore.lastSeenVersion(keyid);
  if (byKey !== void 0 && version < byKey) {
    throw new UserError(
      ManifestErrorCode.Rollback,
      `${url} is version ${version}, older than version ${byKey} already accepted for manifests signed by key ${keyid.slice(0, 16)} (from any mirror): refusing a rollback`,
      { hint: "a mirror or cache serves an old copy; retry later or use another mirror" }
    );
  }
  const byUrl = await trustStore.legacyVersion?.(url);
  if (byUrl !== void 0 && version < byUrl) {
    throw new UserError(
      ManifestErrorCode.Rollback,
      `${url} is version ${version}, older than version ${byUrl} already seen from this URL (remembered per URL by an earlier Potions): refusing a rollback`,
      {
        ...trustStore instanceof FileTrustStore ? { location: { file: trustStore.file } } : {},
        hint: `a mirror or cache serves an old copy: retry later or use another mirror. If this URL now serves another publisher's manifests (another local work folder on the same ports), remove its entry under "urls" in the trust-state file`
      }
    );
  }
  const verified = await verifyManifest(bytes, { ...verify, lastSeenVersion: byKey, source: url });
  await trustStore.remember(keyid, version, at, url);
  return verified;
}

export {
  defaultStateDir,
  FileTrustStore,
  acceptManifest
};
