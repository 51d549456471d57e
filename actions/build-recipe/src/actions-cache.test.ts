import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakePathCache } from '@potions/builder/testing';
import { buildCacheFor } from './actions-cache';

describe('the action build cache', () => {
  test('off when the input says so, or when the runner has no cache service', () => {
    expect(buildCacheFor(false, { isAvailable: () => true, client: new FakePathCache() })).toBeUndefined();
    expect(buildCacheFor(true, { isAvailable: () => false, client: new FakePathCache() })).toBeUndefined();
  });

  test('on GitHub, entries go through the @actions/cache client by key', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-action-cache-'));
    try {
      const client = new FakePathCache();
      const cache = buildCacheFor(true, { isAvailable: () => true, client, base: path.join(dir, 'base') });
      await fs.writeFile(path.join(dir, 'a.tar.gz'), 'x');
      await cache?.save('potions-build-a', [path.join(dir, 'a.tar.gz')]);
      await fs.rm(path.join(dir, 'base'), { recursive: true });
      const restored = await cache?.restore('potions-build-a', path.join(dir, 'out'));
      expect(restored).toEqual([path.join(dir, 'out', 'a.tar.gz')]);
      expect(client.calls).toEqual(['save potions-build-a', 'restore potions-build-a']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
