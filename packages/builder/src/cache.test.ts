import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCacheKey, LocalFolderBuildCache, PathCacheBuildCache, type CacheKeyInputs } from './cache';
import { FakePathCache } from './testing';

const inputs: CacheKeyInputs = {
  name: 'hello',
  version: '2.10',
  platform: 'linux-amd64',
  method: 'source',
  recipeDigest: 'r1',
  source: 'abc',
  toolchain: { cc: 'cc 12', make: 'GNU Make 4.3' },
  dependencies: [],
  environment: 'sandbox',
};

describe('build cache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cache-test-'));
  });
  afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

  test('the key changes with every input that decides the bytes', () => {
    const k = buildCacheKey(inputs);
    expect(k).toMatch(/^potions-build-hello-2\.10-linux-amd64-[0-9a-f]{32}$/);
    expect(buildCacheKey({ ...inputs, toolchain: { make: 'GNU Make 4.3', cc: 'cc 12' } })).toBe(k);
    for (const change of [{ recipeDigest: 'r2' }, { source: 'abd' }, { platform: 'linux-arm64' }, { toolchain: { cc: 'cc 13', make: 'GNU Make 4.3' } }, { environment: 'host' }, { environment: `container:sha256:${'1'.repeat(64)}` }]) {
      expect(buildCacheKey({ ...inputs, ...change })).not.toBe(k);
    }
  });

  const files = async (): Promise<string[]> => {
    const src = path.join(dir, 'src');
    await fs.mkdir(src);
    await fs.writeFile(path.join(src, 'a.tar.gz'), 'gz');
    await fs.writeFile(path.join(src, 'a.tar.gz.json'), '{}');
    return [path.join(src, 'a.tar.gz'), path.join(src, 'a.tar.gz.json')];
  };

  test('a local folder cache gives back what was saved, and misses other keys', async () => {
    const cache = new LocalFolderBuildCache(path.join(dir, 'cache'));
    await cache.save('k1', await files());
    expect(await cache.restore('k2', path.join(dir, 'out'))).toBeUndefined();
    const got = await cache.restore('k1', path.join(dir, 'out'));
    expect(got?.map((f) => path.basename(f))).toEqual(['a.tar.gz', 'a.tar.gz.json']);
    expect(await fs.readFile(path.join(dir, 'out', 'a.tar.gz'), 'utf8')).toBe('gz');
  });

  test('the @actions/cache adapter saves and restores a fixed folder per key', async () => {
    const client = new FakePathCache();
    const base = path.join(dir, 'runner-temp');
    const cache = new PathCacheBuildCache(client, base);
    expect(await cache.restore('k1', path.join(dir, 'out0'))).toBeUndefined();
    await cache.save('k1', await files());
    await fs.rm(base, { recursive: true, force: true }); // a new runner: nothing on disk
    const got = await cache.restore('k1', path.join(dir, 'out'));
    expect(got?.map((f) => path.basename(f))).toEqual(['a.tar.gz', 'a.tar.gz.json']);
    expect(client.calls).toEqual(['restore k1', 'save k1', 'restore k1']);
  });
});
