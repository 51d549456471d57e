import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnExec } from '@potions/core';
import type { Recipe } from '@potions/recipe';
import { changedFilesSince, planRelease } from './index';
import { tinyRecipe } from './testing';

describe('planRelease', () => {
  it('resolves each version the run needs once, then skips what is published', async () => {
    const recipes = [tinyRecipe({ name: 'app', dependencies: ['lib'] }), tinyRecipe({ name: 'lib' }), tinyRecipe({ name: 'other' }), tinyRecipe({ name: 'zlib', version: '1.3.1' })];
    const asked: string[] = [];
    const planned = await planRelease({
      recipes,
      select: { patterns: ['app', 'zlib'] },
      versions: { lib: '0.9' },
      platforms: ['linux-amd64', 'linux-arm64'],
      resolveVersion: async (r: Recipe) => {
        asked.push(r.name);
        return '2.0';
      },
      published: async () => [{ name: 'app', version: '2.0', platform: 'linux-amd64' }],
    });
    expect(asked).toEqual(['app']);
    expect(planned.resolved).toEqual({ app: '2.0' });
    const legs = planned.schedule.matrices.flatMap((m) => m.matrix.include).map((l) => `${l.id}@${l.version}`).sort();
    expect(legs).toEqual(['app-linux-arm64@2.0', 'lib-linux-arm64@0.9', 'zlib-linux-amd64@1.3.1', 'zlib-linux-arm64@1.3.1']);
    expect(planned.schedule.skipped).toEqual([{ recipe: 'app', version: '2.0', platform: 'linux-amd64', reason: 'app@2.0@linux-amd64 is in the cache or the manifest already' }]);
    expect(planned.available).toEqual([{ name: 'app', version: '2.0', platform: 'linux-amd64' }]);
  });
});

describe('changedFilesSince', () => {
  it('lists the files changed since a ref; an unknown ref says what the checkout needs', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-changes-'));
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, stdio: 'pipe' });
    try {
      git('init', '-q', '-b', 'main');
      await fs.mkdir(path.join(dir, 'recipes'));
      await fs.writeFile(path.join(dir, 'recipes/jq.yml'), 'a');
      git('add', '.');
      git('commit', '-q', '-m', 'one');
      git('tag', 'v1');
      await fs.writeFile(path.join(dir, 'recipes/jq.yml'), 'b');
      await fs.writeFile(path.join(dir, 'recipes/yq ü.yml'), 'c');
      git('add', '.');
      git('commit', '-q', '-m', 'two');
      expect(await changedFilesSince('v1', { exec: spawnExec, cwd: dir, env })).toEqual(['recipes/jq.yml', 'recipes/yq ü.yml']);
      await expect(changedFilesSince('v9', { exec: spawnExec, cwd: dir, env })).rejects.toMatchObject({
        code: 'E_SCHEDULE_CHANGES',
        message: expect.stringMatching(/^cannot list the files changed since v9: /),
        hint: expect.stringContaining('fetch-depth: 0'),
      });
      await expect(changedFilesSince('--output=x', { exec: spawnExec, cwd: dir, env })).rejects.toMatchObject({ code: 'E_SCHEDULE_CHANGES', message: '"--output=x" is not a git ref' });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
