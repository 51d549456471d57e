/**
 * `ManifestStore`: the role a mirror plays for the publisher. Two methods,
 * both with HTTP/S3 conditional-request semantics, so an S3 adapter is a few
 * lines (GetObject / PutObject with IfMatch / IfNoneMatch). `packages/mirrors`
 * provides the S3 one; `FileManifestStore` (a directory) and
 * `MemoryManifestStore` (tests, in `@potions/manifest/testing`) are here.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PotionsError, hasCode, retry, systemNow, tempPathFor, type Now } from '@potions/core';
import { MirrorsErrorCode } from '@potions/mirrors';
import { ManifestErrorCode } from './errors';

/** What a `ManifestStore` holds under a key: the bytes and their ETag (for compare-and-swap). */
export interface ManifestStoreObject {
  bytes: Uint8Array;
  etag: string;
}

export interface PutOptions {
  /** Write only if the current object has this ETag (compare-and-swap). */
  ifMatch?: string;
  /** `'*'`: write only if there is no object under the key yet. */
  ifNoneMatch?: '*';
  contentType: string;
  cacheControl: string;
}

/** A key `list` found, and its ETag when the store gives one. */
export interface ManifestStoreListing {
  key: string;
  etag?: string;
}

export interface ManifestStore {
  /** Undefined when there is no object under the key. */
  get(key: string): Promise<ManifestStoreObject | undefined>;
  /** Every key that starts with `prefix` (any order). */
  list(prefix: string): Promise<ManifestStoreListing[]>;
  /** Throws an error with code `E_MANIFEST_STORE_PRECONDITION` when a condition fails. */
  put(key: string, bytes: Uint8Array, options: PutOptions): Promise<{ etag: string }>;
  /**
   * False when the provider does not honour `ifMatch`/`ifNoneMatch`: the
   * publisher then sends no conditions, checks that a version copy does not
   * exist yet with a `get` before writing it (best effort), and warns that
   * concurrent publishes must be serialised by the workflow (a `concurrency`
   * group). Default true.
   */
  readonly conditionalWrites?: boolean;
}

/** The mutable pointer readers fetch. */
export const MANIFEST_KEY = 'manifest.json';
/** Where the immutable per-version copies are kept. */
export const MANIFEST_VERSIONS_PREFIX = 'manifests/';
/**
 * The immutable copy of one version. On a store with conditional writes it is
 * `manifests/manifest-<version>.json`, created only if absent, so the version
 * number is unique; on one without, `manifests/manifest-<version>.<id>.json`
 * with a fresh random `id` per write, so that two publishers that both picked
 * the same number can never overwrite each other's copy.
 */
export function manifestVersionKey(version: number, id?: string): string {
  return `${MANIFEST_VERSIONS_PREFIX}manifest-${version}${id === undefined ? '' : `.${id}`}.json`;
}

const VERSION_KEY = /^manifests\/manifest-([1-9][0-9]{0,15})(?:\.([0-9a-f]{8,64}))?\.json$/;

/** The version (and id) a per-version copy's key names; undefined for any other key. */
export function parseManifestVersionKey(key: string): { version: number; id?: string } | undefined {
  const m = VERSION_KEY.exec(key);
  if (!m) return undefined;
  const version = Number(m[1]);
  if (!Number.isSafeInteger(version)) return undefined;
  return m[2] === undefined ? { version } : { version, id: m[2] };
}

/** The Sigstore bundle stored next to a manifest object (when the release signs the manifest with Sigstore too). */
export function manifestBundleKey(key: string): string {
  return `${key}.sigstore.json`;
}
export const MANIFEST_CONTENT_TYPE = 'application/json';
/** Short: a new publish is seen within a minute. */
export const MANIFEST_POINTER_CACHE_CONTROL = 'public, max-age=60';
export const MANIFEST_VERSION_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export function preconditionFailed(key: string, detail: string): PotionsError {
  return new PotionsError(ManifestErrorCode.PreconditionFailed, `conditional write of ${key} refused: ${detail}`);
}

/**
 * A failed conditional write: this package's code, or the one `packages/mirrors`
 * gives on its `MirrorTarget` (accepted too, so an adapter over it needs no error mapping).
 */
export function isPreconditionFailed(err: unknown): boolean {
  return hasCode(err, ManifestErrorCode.PreconditionFailed) || hasCode(err, MirrorsErrorCode.PreconditionFailed);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A directory as a manifest store: each key a file, the ETag its sha256.
 * Writes go to a temporary name and are renamed into place, so a reader never
 * sees half a file. Conditional writes hold a lock file (created with O_EXCL)
 * for the check and the rename, which makes them safe between processes on
 * one machine; a stale lock (a crashed writer) is broken after `staleLockMs`.
 */
export class FileManifestStore implements ManifestStore {
  readonly conditionalWrites = true;
  constructor(
    readonly root: string,
    private readonly options: { staleLockMs?: number; sleep?: (ms: number) => Promise<void>; /** Wall-clock time, against lock files' mtime. */ now?: Now } = {},
  ) {}

  private pathOf(key: string): string {
    const parts = key.split('/');
    if (key === '' || parts.some((p) => p === '' || p === '.' || p === '..')) {
      throw new PotionsError(ManifestErrorCode.StoreKey, `invalid store key "${key}"`);
    }
    return path.join(this.root, ...parts);
  }

  async get(key: string): Promise<ManifestStoreObject | undefined> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.pathOf(key));
    } catch (err) {
      if (hasCode(err, 'ENOENT')) return undefined;
      throw err;
    }
    return { bytes: new Uint8Array(bytes), etag: sha256Hex(bytes) };
  }

  async list(prefix: string): Promise<ManifestStoreListing[]> {
    const out: ManifestStoreListing[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (hasCode(err, 'ENOENT') || hasCode(err, 'ENOTDIR')) return;
        throw err;
      }
      for (const e of entries) {
        const key = rel === '' ? e.name : `${rel}/${e.name}`;
        if (e.isDirectory()) await walk(path.join(dir, e.name), key);
        // Temporary files and locks are not objects.
        else if (e.isFile() && !e.name.endsWith('.lock') && !e.name.startsWith('.') && key.startsWith(prefix)) out.push({ key });
      }
    };
    await walk(this.root, '');
    return out;
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions): Promise<{ etag: string }> {
    const dest = this.pathOf(key);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    const tmp = tempPathFor(dest);
    await fs.writeFile(tmp, bytes);
    try {
      if (options.ifMatch === undefined && options.ifNoneMatch === undefined) {
        await fs.rename(tmp, dest);
      } else {
        await this.withLock(dest, async () => {
          const current = await this.get(key);
          if (options.ifNoneMatch === '*' && current) throw preconditionFailed(key, 'an object already exists');
          if (options.ifMatch !== undefined && current?.etag !== options.ifMatch) {
            throw preconditionFailed(key, current ? 'the object changed since it was read' : 'the object no longer exists');
          }
          await fs.rename(tmp, dest);
        });
      }
    } finally {
      await fs.rm(tmp, { force: true });
    }
    return { etag: sha256Hex(bytes) };
  }

  private async withLock<T>(dest: string, fn: () => Promise<T>): Promise<T> {
    const lock = `${dest}.lock`;
    const staleMs = this.options.staleLockMs ?? 30_000;
    await retry(
      async () => {
        try {
          await (await fs.open(lock, 'wx')).close();
        } catch (err) {
          if (!hasCode(err, 'EEXIST')) throw err;
          const stat = await fs.stat(lock).catch(() => undefined);
          if (stat && (this.options.now ?? systemNow)().getTime() - stat.mtimeMs > staleMs) await fs.rm(lock, { force: true });
          throw new PotionsError(ManifestErrorCode.StoreLocked, `${lock} is held by another writer`);
        }
      },
      { attempts: 40, baseMs: 10, maxMs: 250, sleep: this.options.sleep, shouldRetry: (err) => hasCode(err, ManifestErrorCode.StoreLocked) },
    );
    try {
      return await fn();
    } finally {
      await fs.rm(lock, { force: true });
    }
  }
}
