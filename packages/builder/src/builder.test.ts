import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordingReporter, spawnExec } from '@potions/core';
import { buildRecipe } from './builder';
import type { BuildJob } from './build-job';
import { TINY_UPSTREAM, startSourceMirror, tinySourceTarball, type SourceMirror } from './testing';

const job: BuildJob = {
  name: 'pkg',
  version: '1.0',
  platform: 'linux-amd64',
  method: 'source',
  buildType: 'custom',
  source: { kind: 'http', urls: [TINY_UPSTREAM] },
  configure: { flags: [], cmakeFlags: [] },
  build: { outOfTree: false, makeArgs: [], customBuild: 'true', customInstall: 'mkdir -p "$PREFIX/bin" && cp hi "$PREFIX/bin/hi"', timeoutMinutes: 1 },
  dependencies: [],
  recipeDigest: 'test',
};

describe('checks before a build', () => {
  let dir: string;
  let mirror: SourceMirror;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-builder-checks-'));
    mirror = await startSourceMirror({ [TINY_UPSTREAM]: tinySourceTarball() });
  });
  afterAll(async () => {
    await mirror.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test.each([0, -1, 1025, 100000, 2.5, Number.NaN])('jobs %p: E_BUILD_JOBS with the allowed range, before anything is made', async (jobs) => {
    const out = path.join(dir, `out-jobs-${String(jobs)}`);
    await expect(buildRecipe(job, { outDir: out, jobs, workRoot: dir, hostPlatform: 'linux-amd64' })).rejects.toMatchObject({
      code: 'E_BUILD_JOBS',
      message: `the number of parallel build jobs must be a whole number from 1 to 1024, got ${String(jobs)}`,
    });
    expect(existsSync(out)).toBe(false);
    expect(mirror.requests).toEqual([]);
  });

  test('sandbox required where none can be made (no bubblewrap): E_BUILD_SANDBOX_UNAVAILABLE saying why, before any download', async () => {
    const out = path.join(dir, 'out-required');
    await expect(
      buildRecipe(job, { outDir: out, workRoot: dir, hostPlatform: 'linux-amd64', sandbox: 'required', env: { PATH: '/nonexistent' }, sourceMirrors: [mirror.base] }),
    ).rejects.toMatchObject({
      code: 'E_BUILD_SANDBOX_UNAVAILABLE',
      message: 'build steps must run in the build sandbox, and none can be made on this machine: bubblewrap (bwrap) is not installed',
      hint: expect.stringContaining('apt-get install bubblewrap'),
    });
    expect(mirror.requests).toEqual([]);
    await expect(
      buildRecipe({ ...job, platform: 'darwin-arm64', method: 'official-binary' }, { outDir: out, workRoot: dir, hostPlatform: 'darwin-arm64', sandbox: 'required', sourceMirrors: [mirror.base] }),
    ).rejects.toMatchObject({ code: 'E_BUILD_SANDBOX_UNAVAILABLE', message: expect.stringContaining('there is no bubblewrap on macOS') });
  });

  test('sandbox auto where none can be made: the build runs on the host, says plainly what the steps can reach, and records why', async () => {
    const reporter = new RecordingReporter();
    const result = await buildRecipe(job, {
      outDir: path.join(dir, 'out-auto'),
      workRoot: dir,
      hostPlatform: 'linux-amd64',
      env: { PATH: '/usr/local/sbin/none' },
      // The build's own programs come from the real PATH; only bwrap is not found.
      exec: (req) => spawnExec({ ...req, env: { ...req.env, PATH: process.env.PATH ?? '/usr/bin:/bin' } }),
      sourceMirrors: [mirror.base],
      reporter,
    });
    expect(result.metadata.buildEnvironment).toEqual({ mode: 'host', reason: 'bubblewrap (bwrap) is not installed' });
    const warning = reporter.lines.find((l) => l.level === 'warn')?.message ?? '';
    expect(warning).toContain('no build sandbox on this machine (bubblewrap (bwrap) is not installed): build steps run without isolation');
    expect(warning).toContain('can read the environment and command line of every process of this user');
  });
});
