import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnExec, type Exec, type Platform } from '@potions/core';
import { buildRecipe } from './builder';
import type { BuildJob } from './build-job';
import { hostToolReport, requiredHostTools, toolchainVersions } from './host-tools';
import { findProgram, probeSandbox } from './sandbox';
import { startSourceMirror } from './testing';

const job = (over: Partial<BuildJob>): BuildJob => ({
  name: 'demo',
  version: '1.0',
  platform: 'linux-amd64',
  method: 'source',
  buildType: 'gnu_autotools',
  source: { kind: 'http', urls: ['https://example.org/demo-1.0.tar.gz'] },
  configure: { flags: [], cmakeFlags: [] },
  build: { outOfTree: false, makeArgs: [], timeoutMinutes: 1 },
  dependencies: [],
  recipeDigest: 'test',
  ...over,
});

/** An exec in which the named programs are not installed; the others answer their version. A program run through bubblewrap is the one after `--`. */
const without = (...missing: string[]): Exec => async (req) => {
  const sandboxed = (req.argv[0] ?? '').endsWith('/bwrap') && req.argv.includes('--');
  const program = (sandboxed ? req.argv[req.argv.indexOf('--') + 1] : req.argv[0]) ?? '';
  if (missing.includes(program)) throw Object.assign(new Error(`spawn ${program} ENOENT`), { code: 'ENOENT' });
  req.onOutput?.(Buffer.from(`${program} 1.2.3\nmore\n`));
  return { exitCode: 0, signal: null, timedOut: false, tail: '' };
};

describe('host tools', () => {
  test.each([
    ['gnu_autotools, .tar.gz', job({}), ['cc', 'make', 'zstd']],
    ['gnu_autotools without configure', job({}), ['cc', 'make', 'autoreconf', 'zstd'], false],
    ['make, .tar.xz', job({ buildType: 'make', source: { kind: 'http', urls: ['https://example.org/x-1.0.tar.xz'] } }), ['cc', 'make', 'xz', 'zstd']],
    ['cmake', job({ buildType: 'cmake' }), ['cc', 'c++', 'make', 'cmake', 'zstd']],
    ['meson', job({ buildType: 'meson' }), ['cc', 'c++', 'meson', 'ninja', 'zstd']],
    ['cargo from git', job({ buildType: 'cargo', source: { kind: 'git', url: 'https://example.org/x.git', ref: 'v1' } }), ['cc', 'cargo', 'rustc', 'zstd', 'git']],
    ['go, .tar.bz2', job({ buildType: 'go', source: { kind: 'http', urls: ['https://example.org/x-1.0.tar.bz2'] } }), ['go', 'bzip2', 'zstd']],
    ['custom (its scripts call what they call)', job({ buildType: 'custom' }), ['zstd']],
    ['an official binary compiles nothing', job({ method: 'official-binary', buildType: 'custom', source: { kind: 'http', urls: ['https://example.org/x.tar.zst'] } }), ['zstd']],
    ['a macOS source build on macOS relocates Mach-O files', job({ platform: 'darwin-arm64', buildType: 'make' }), ['cc', 'make', 'zstd', 'install_name_tool'], undefined, 'darwin-arm64'],
  ] as [string, BuildJob, string[], boolean?, Platform?][])('%s', (...[, j, tools, hasConfigure, host]) => {
    expect(requiredHostTools({ job: j, host: host ?? 'linux-amd64', hasConfigure }).map((t) => t.tool)).toEqual(tools);
  });

  test('the recorded toolchain comes from the same table', async () => {
    const opts = { exec: without('cmake'), env: {}, cwd: os.tmpdir(), host: 'linux-amd64' as const };
    expect(await toolchainVersions({ buildType: 'cmake', method: 'source' }, opts)).toEqual({ cc: 'cc 1.2.3', 'c++': 'c++ 1.2.3', make: 'make 1.2.3', cmake: 'missing' });
    expect(await toolchainVersions({ buildType: 'custom', method: 'source' }, opts)).toEqual({ cc: 'cc 1.2.3', make: 'make 1.2.3' });
    expect(await toolchainVersions({ buildType: 'cmake', method: 'official-binary' }, opts)).toEqual({});
  });

  test('a build stops before any download, listing every missing tool with its install command', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-hosttools-'));
    const mirror = await startSourceMirror();
    try {
      const zlib = job({ name: 'zlib', buildType: 'make', platform: 'linux-amd64' });
      const app = job({ name: 'app', buildType: 'cmake', platform: 'linux-amd64', source: { kind: 'http', urls: ['https://example.org/app-1.0.tar.xz'] } });
      const err = await buildRecipe(app, { outDir: path.join(dir, 'out'), workRoot: dir, dependencies: [zlib], hostPlatform: 'linux-amd64', sourceMirrors: [mirror.base], exec: without('cmake', 'xz', 'zstd'), sandbox: 'off' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_BUILD_HOST_TOOLS_MISSING', userError: true });
      const message = (err as Error).message;
      expect(message).toContain('3 programs this build needs are not installed on this machine');
      expect(message).toContain('cmake (needed by app (cmake build)): apt-get install cmake');
      expect(message).toContain('xz (needed by app (cmake build)): apt-get install xz-utils');
      expect(message).toContain('zstd (needed by zlib (make build), app (cmake build)): apt-get install zstd');
      expect(mirror.requests).toEqual([]);
      expect(await fs.readdir(dir)).toEqual(['out']);
    } finally {
      await mirror.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  (findProgram('bwrap', process.env.PATH) ? test : test.skip)('in the build sandbox, the toolchain is looked for in there, and the message says so; unpacking tools on the host', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-hosttools-'));
    const seen: string[][] = [];
    const exec: Exec = (req) => {
      seen.push(req.argv);
      return without('cmake', 'xz')(req);
    };
    try {
      const app = job({ name: 'app', buildType: 'cmake', platform: 'linux-amd64', source: { kind: 'http', urls: ['https://example.org/app-1.0.tar.xz'] } });
      const err = await buildRecipe(app, { outDir: path.join(dir, 'out'), workRoot: dir, hostPlatform: 'linux-amd64', exec, sandbox: 'required' }).catch((e: unknown) => e);
      const message = (err as Error).message;
      expect(message).toContain('cmake in the build sandbox (needed by app (cmake build)): apt-get install cmake');
      expect(message).toContain('xz (needed by app (cmake build)): apt-get install xz-utils');
      // cmake was asked for through bubblewrap, xz directly.
      expect(seen.some((a) => a[0]?.endsWith('/bwrap') && a.includes('cmake'))).toBe(true);
      expect(seen.some((a) => a[0] === 'xz')).toBe(true);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('hostToolReport: found with its version line, or missing with the command for this kind of machine', async () => {
    const linux = await hostToolReport({ exec: without('meson', 'patchelf'), env: {}, host: 'linux-arm64' });
    expect(linux.map((r) => r.tool)).toEqual(['cc', 'c++', 'make', 'cmake', 'meson', 'ninja', 'cargo', 'rustc', 'go', 'autoreconf', 'xz', 'bzip2', 'zstd', 'git', 'install_name_tool', 'qemu-user', 'bubblewrap', 'podman', 'patchelf']);
    expect(linux.find((r) => r.tool === 'meson')).toEqual({ tool: 'meson', found: false, neededBy: ['meson builds'], optional: false, install: 'apt-get install meson' });
    expect(linux.find((r) => r.tool === 'cc')).toMatchObject({ found: true, version: 'cc 1.2.3', optional: false });
    expect(linux.find((r) => r.tool === 'qemu-user')).toMatchObject({ found: true, version: 'qemu-x86_64-static 1.2.3', optional: true, neededBy: ['smoke tests of linux-amd64 artifacts on this machine'] });
    expect(linux.find((r) => r.tool === 'patchelf')).toMatchObject({ found: false, optional: true, install: 'apt-get install patchelf' });
    const mac = await hostToolReport({ exec: without('cmake'), env: {}, host: 'darwin-arm64' });
    expect(mac.find((r) => r.tool === 'cmake')).toMatchObject({ found: false, install: 'brew install cmake' });
    expect(mac.find((r) => r.tool === 'cc')?.install).toBe('xcode-select --install');
    expect(mac.find((r) => r.tool === 'bubblewrap')?.install).toBeUndefined();
  });

  test('hostToolReport runs the real programs; bubblewrap says whether it can make a sandbox here', async () => {
    const rows = await hostToolReport({ exec: spawnExec, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    expect(rows.find((r) => r.tool === 'make')).toMatchObject({ found: true, version: expect.stringMatching(/make/i) });
    const bwrap = rows.find((r) => r.tool === 'bubblewrap');
    if (bwrap?.found) expect(bwrap.usable).toBe((await probeSandbox({ exec: spawnExec, env: process.env, platformOs: 'linux' })).ok);
    else expect(bwrap?.usable).toBeUndefined();
  });
});
