import * as cache from '@actions/cache';
import os from 'node:os';
import path from 'node:path';
import { PathCacheBuildCache, type BuildCache, type PathCacheClient } from '@potions/builder';

/** `@actions/cache` as the builder's `PathCacheClient`. */
export const actionsCacheClient: PathCacheClient = {
  restoreCache: (paths, key) => cache.restoreCache(paths, key),
  saveCache: (paths, key) => cache.saveCache(paths, key),
};

/**
 * The build cache of the action: the GitHub Actions cache when the input asks
 * for it and the runner offers it (`isAvailable`), otherwise none.
 */
export function buildCacheFor(
  enabled: boolean,
  deps: { isAvailable?: () => boolean; client?: PathCacheClient; base?: string } = {},
): BuildCache | undefined {
  const available = (deps.isAvailable ?? cache.isFeatureAvailable)();
  if (!enabled || !available) return undefined;
  return new PathCacheBuildCache(
    deps.client ?? actionsCacheClient,
    deps.base ?? path.join(process.env.RUNNER_TEMP ?? os.tmpdir(), 'potions-build-cache'),
  );
}
