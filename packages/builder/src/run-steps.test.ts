import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostPlatform, type Platform } from '@potions/core';
import { buildRecipe } from './builder';
import type { BuildJob } from './build-job';
import { TINY_UPSTREAM, startSourceMirror, tinySourceTarball, type SourceMirror } from './testing';
import { downloaderTransport } from './transport';

const host = hostPlatform();
const describeLinux = host?.startsWith('linux') && existsSync('/dev/full') ? describe : describe.skip;

describeLinux('steps stage: the build log', () => {
  let dir: string;
  let mirror: SourceMirror;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-steps-'));
    mirror = await startSourceMirror({ [TINY_UPSTREAM]: tinySourceTarball() });
  });
  afterAll(async () => {
    await mirror.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('a build log that cannot be written fails the step it belongs to, naming the log (not an unhandled rejection)', async () => {
    // The configure script swaps the log for /dev/full, where every write fails with ENOSPC.
    const job: BuildJob = {
      name: 'pkg',
      version: '1.0',
      platform: host as Platform,
      method: 'source',
      buildType: 'custom',
      source: { kind: 'http', urls: [TINY_UPSTREAM] },
      configure: { flags: [], cmakeFlags: [], script: 'rm -f "$SOURCE_DIR/../build.log"\nln -s /dev/full "$SOURCE_DIR/../build.log"\n' },
      build: { outOfTree: false, makeArgs: [], timeoutMinutes: 1, customBuild: 'echo building', customInstall: 'mkdir -p "$PREFIX/bin" && cp hi "$PREFIX/bin/"' },
      dependencies: [],
      recipeDigest: 'test',
    };
    await expect(
      buildRecipe(job, {
        outDir: path.join(dir, 'out'),
        sourceMirrors: [mirror.base],
        workRoot: dir,
        transport: downloaderTransport({ retry: { attemptsPerMirror: 1 }, hedgeDelayMs: 0 }),
      }),
    ).rejects.toMatchObject({ code: 'E_BUILD_FAILED', step: 'build', message: expect.stringMatching(/cannot write the build log .*build\.log: no space left on the device/) });
  });
});
