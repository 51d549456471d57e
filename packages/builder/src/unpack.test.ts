import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BuildJob } from './build-job';
import type { BuildLayout } from './build-steps';
import { unpackSource } from './unpack';

describe('unpack stage', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-unpack-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  const layoutIn = (work: string): BuildLayout => {
    const src = path.join(work, 'src');
    return { workDir: work, sourceRoot: src, sourceDir: src, buildDir: src, stageDir: path.join(work, 'stage'), prefix: '/opt/potions/big', stagedPrefix: path.join(work, 'stage/opt/potions/big') };
  };
  const job: BuildJob = {
    name: 'big',
    version: '1.0',
    platform: 'linux-amd64',
    method: 'official-binary',
    buildType: 'custom',
    source: { kind: 'http', urls: ['https://example.org/big-1.0.zip'] },
    configure: { flags: [], cmakeFlags: [] },
    build: { outOfTree: false, makeArgs: [], timeoutMinutes: 1 },
    dependencies: [],
    recipeDigest: 'test',
  };

  test("an official binary's zip is told by its first bytes, never read whole (a 3 GiB sparse file)", async () => {
    const work = await fs.mkdtemp(path.join(dir, 'work-'));
    const file = path.join(work, 'big-1.0.zip');
    const fh = await fs.open(file, 'w');
    // Zip magic, then a hole: 3 GiB on paper, a few bytes on disk. Reading it whole fails (over 2 GiB).
    await fh.write(Buffer.from('PK\x03\x04', 'latin1'), 0, 4, 0);
    await fh.truncate(3 * 1024 ** 3);
    await fh.close();
    const layout = layoutIn(work);
    const res = await unpackSource({ job, method: 'official-binary', fetched: { path: file, kind: 'file', url: job.source.kind === 'http' ? job.source.urls[0]! : '', sha256: '0'.repeat(64) }, layout, sourceDateEpoch: 0, nowSeconds: 2_000_000_000 });
    expect(res.format).toBe('zip-kept');
    expect((await fs.stat(path.join(layout.sourceRoot, 'big-1.0.zip'))).size).toBe(3 * 1024 ** 3);
  });
});
