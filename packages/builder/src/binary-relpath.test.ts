/**
 * `binary_relpath` of an official binary, with real archives served by a
 * local source mirror: the named file becomes `bin/<name>` (mode 0755), `.`
 * names a download that is the program itself, and a path the download does
 * not hold fails naming the field and what the download holds.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { hostPlatform, type Platform } from '@potions/core';
import { makeTar } from '@potions/archive/testing';
import { buildFromRecipeRef } from './build-from-ref';
import { startSourceMirror, type SourceMirror } from './testing';
import { downloaderTransport } from './transport';

const host = hostPlatform();
const describeHost = host ? describe : describe.skip;

const recipe = (name: string, url: string, relpath: string, extra = ''): string => `name: ${name}
version:
  source: "static:1.0"
build_type: custom
download:
  official_binary: true
  download_url: "${url}"
  platforms:
    linux-amd64:
    linux-arm64:
    darwin-x86_64:
    darwin-arm64:
binary_relpath: "${relpath}"
${extra}`;

const SCRIPT = '#!/bin/sh\necho "tool 1.0"\n';

describeHost('binary_relpath', () => {
  let dir: string;
  let mirror: SourceMirror;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-relpath-'));
    mirror = await startSourceMirror({
      // As release archives are laid out: one top folder, the program in a sub-folder, mode 0644 on purpose.
      'http://127.0.0.1:1/dl/tool-1.0.tar.gz': gzipSync(
        makeTar([
          { path: 'tool-1.0/', type: 'Directory' },
          { path: 'tool-1.0/README.md', body: '# tool\n' },
          { path: 'tool-1.0/LICENSE', body: 'MIT\n' },
          { path: 'tool-1.0/dist/', type: 'Directory' },
          { path: 'tool-1.0/dist/tool', body: SCRIPT, mode: 0o644 },
        ]),
      ),
      'http://127.0.0.1:1/dl/solo_1.0_linux': Buffer.from(SCRIPT),
    });
  });
  afterAll(async () => {
    await mirror.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const build = async (name: string, text: string) => {
    const file = path.join(dir, `${name}.yml`);
    await fs.writeFile(file, text);
    return buildFromRecipeRef({
      ref: file,
      recipeDirs: [],
      platform: host as Platform,
      version: '1.0',
      sourceMirrors: [mirror.base],
      outDir: path.join(dir, `out-${name}`),
      workRoot: dir,
      transport: downloaderTransport({ retry: { attemptsPerMirror: 1 }, hedgeDelayMs: 0 }),
    });
  };
  const extract = async (artifact: string): Promise<string> => {
    const root = await fs.mkdtemp(path.join(dir, 'user-'));
    execFileSync('tar', ['-xzf', artifact, '-C', root]);
    return root;
  };

  test('the named file of the archive is installed as bin/<name>, mode 0755', async () => {
    const r = await build('tool', recipe('tool', 'http://127.0.0.1:1/dl/tool-{version}.tar.gz', 'dist/tool'));
    expect(r.method).toBe('official-binary');
    const listing = execFileSync('tar', ['-tvzf', r.artifact], { encoding: 'utf8' });
    expect(listing).toMatch(/^-rwxr-xr-x .* bin\/tool$/m);
    const root = await extract(r.artifact);
    expect(execFileSync(path.join(root, 'bin', 'tool'), { encoding: 'utf8' })).toBe('tool 1.0\n');
  });

  test('"." installs a download that is the program itself', async () => {
    const r = await build('solo', recipe('solo', 'http://127.0.0.1:1/dl/solo_{version}_linux', '.'));
    const root = await extract(r.artifact);
    expect((await fs.stat(path.join(root, 'bin', 'solo'))).mode & 0o777).toBe(0o755);
    expect(execFileSync(path.join(root, 'bin', 'solo'), { encoding: 'utf8' })).toBe('tool 1.0\n');
  });

  test('a path the archive does not hold fails naming the field, the recipe and what the archive holds', async () => {
    await expect(build('tool', recipe('tool', 'http://127.0.0.1:1/dl/tool-{version}.tar.gz', 'bin/tool'))).rejects.toMatchObject({
      code: 'E_BUILD_FAILED',
      step: 'install',
      location: { file: path.join(dir, 'tool.yml'), field: 'binary_relpath' },
      message: expect.stringContaining('binary_relpath "bin/tool" is not there in tool-1.0.tar.gz; it holds: LICENSE, README.md, dist/tool'),
    });
    await expect(build('tool', recipe('tool', 'http://127.0.0.1:1/dl/tool-{version}.tar.gz', 'dist'))).rejects.toMatchObject({
      message: expect.stringContaining('binary_relpath "dist" is a folder, not a file in tool-1.0.tar.gz'),
    });
  });
});
