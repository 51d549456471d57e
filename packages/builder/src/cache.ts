import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureWritableDir } from './dirs';
import { BuilderErrorCode } from './errors';

/**
 * A store of finished builds: the artifact files (`.tar.gz`, `.tar.zst`,
 * `.json`) under a key that names every input of the build. The CLI uses a
 * local folder; the action adapts `@actions/cache` to the same interface.
 */
export interface BuildCache {
  /** Copy the entry's files into `dir`; their paths, or undefined on a miss. */
  restore(key: string, dir: string): Promise<string[] | undefined>;
  /** Store these files (paths) under `key`. */
  save(key: string, files: string[]): Promise<void>;
  /** Check, before any work, that the cache can be used; a `UserError` when the user's setting cannot. */
  prepare?(): Promise<void>;
}

/** Everything that decides the bytes of a build. */
export interface CacheKeyInputs {
  name: string;
  version: string;
  platform: string;
  method: string;
  recipeDigest: string;
  /** The pinned or downloaded SHA-256 of the source (or the git ref when cloned). */
  source: string;
  /** Toolchain version lines. */
  toolchain: Record<string, string>;
  /** The cache keys of the dependencies this build used. */
  dependencies: string[];
  /** Where the steps ran (`host`, `sandbox`, `container:<image ID>`): a build never stands in for a more isolated one. */
  environment: string;
}

/** Bump when the builder changes what it puts in an artifact (2: run paths set at link time, no patchelf; 3: the build environment in the key and metadata). */
export const BUILDER_CACHE_VERSION = 3;

/** `potions-build-NAME-VERSION-PLATFORM-<sha256 of the inputs, 32 hex>`. */
export function buildCacheKey(inputs: CacheKeyInputs): string {
  const canonical = JSON.stringify({
    v: BUILDER_CACHE_VERSION,
    name: inputs.name,
    version: inputs.version,
    platform: inputs.platform,
    method: inputs.method,
    recipe: inputs.recipeDigest,
    source: inputs.source,
    toolchain: Object.fromEntries(Object.entries(inputs.toolchain).sort(([a], [b]) => a.localeCompare(b))),
    deps: [...inputs.dependencies].sort(),
    environment: inputs.environment,
  });
  const digest = createHash('sha256').update(canonical).digest('hex').slice(0, 32);
  return `potions-build-${inputs.name}-${inputs.version}-${inputs.platform}-${digest}`;
}

/** The default folder of the local cache: `$POTIONS_CACHE_DIR`, else `.potions/cache` under `cwd`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return env.POTIONS_CACHE_DIR ? path.resolve(cwd, env.POTIONS_CACHE_DIR) : path.join(cwd, '.potions', 'cache');
}

const KEY_PATTERN = /^[A-Za-z0-9._+-]+$/;

/** A `BuildCache` in a local folder: one sub-folder per key, written whole and renamed into place. */
export class LocalFolderBuildCache implements BuildCache {
  constructor(readonly root: string) {}

  /** The folder must be (or become) a writable folder: `E_CACHE_DIR` otherwise. */
  async prepare(): Promise<void> {
    await ensureWritableDir(this.root, 'build cache folder', BuilderErrorCode.CacheDir, 'give a folder you can write to (or set POTIONS_CACHE_DIR), or build without the cache');
  }

  private entryDir(key: string): string {
    if (!KEY_PATTERN.test(key)) throw new Error(`invalid build cache key: ${key}`);
    return path.join(this.root, key);
  }

  async restore(key: string, dir: string): Promise<string[] | undefined> {
    const entry = this.entryDir(key);
    let names: string[];
    try {
      names = (await fs.readdir(entry)).sort();
    } catch {
      return undefined;
    }
    if (names.length === 0) return undefined;
    await fs.mkdir(dir, { recursive: true });
    const out: string[] = [];
    for (const name of names) {
      const dest = path.join(dir, name);
      const tmp = `${dest}.${randomBytes(4).toString('hex')}.partial`;
      await fs.copyFile(path.join(entry, name), tmp);
      await fs.rename(tmp, dest);
      out.push(dest);
    }
    return out;
  }

  async save(key: string, files: string[]): Promise<void> {
    const entry = this.entryDir(key);
    await fs.mkdir(this.root, { recursive: true });
    const tmp = path.join(this.root, `.${key}.${randomBytes(6).toString('hex')}.partial`);
    await fs.mkdir(tmp);
    try {
      for (const f of files) await fs.copyFile(f, path.join(tmp, path.basename(f)));
      await fs.rm(entry, { recursive: true, force: true });
      await fs.rename(tmp, entry);
    } catch (err) {
      await fs.rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }
}

/** What `@actions/cache` offers, reduced to the two calls the adapter needs (fakes implement it in tests). */
export interface PathCacheClient {
  restoreCache(paths: string[], primaryKey: string): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

/**
 * A `BuildCache` over a cache that stores folders by path, as `@actions/cache`
 * does: an entry is saved from, and restored to, the same fixed folder
 * (`<base>/<key>`), then copied where the builder wants it.
 */
export class PathCacheBuildCache implements BuildCache {
  constructor(
    private readonly client: PathCacheClient,
    readonly base: string = path.join(os.tmpdir(), 'potions-build-cache'),
  ) {}

  async restore(key: string, dir: string): Promise<string[] | undefined> {
    const folder = path.join(this.base, key);
    const hit = await this.client.restoreCache([folder], key);
    if (!hit) return undefined;
    return new LocalFolderBuildCache(this.base).restore(key, dir);
  }

  async save(key: string, files: string[]): Promise<void> {
    await new LocalFolderBuildCache(this.base).save(key, files);
    await this.client.saveCache([path.join(this.base, key)], key);
  }
}
