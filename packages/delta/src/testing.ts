/**
 * Test helpers other packages may use (`@potions/delta/testing`): real
 * programs nobody here wrote, fetched from npm at pinned versions, checked
 * against pinned integrity digests and cached outside the repository, and
 * packed into artifacts the way the builder packs them.
 *
 * The cache layout (`<cache>/npm/<spec with @ and / as _>/package`, with the
 * pinned integrity in `.integrity` beside it) is the one
 * `@potions/inspect/testing` uses, so the two share downloads.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractArchive, packDirectory, type PackFormat, type PackResult } from '@potions/archive';
import { hasCode, spawnExec, type Exec, type Platform } from '@potions/core';

export interface NpmRelease {
  /** `name@version`, pinned. */
  spec: string;
  /** The tarball's SRI digest (`sha512-...`), checked against the bytes before they are used. */
  integrity: string;
}

/** Two consecutive releases of esbuild's Linux x86-64 program (issue 13's delta pair). */
export const ESBUILD_LINUX_X64 = {
  base: {
    spec: '@esbuild/linux-x64@0.28.1',
    integrity: 'sha512-u/anNYF2mmVOEDwLtnQ1wOr3EZ9sTNGLWrsYGYwHWzGA3Si84IOkHXlbWTD1NB+9/1lcnweYKO54uhxZydNzfA==',
  },
  target: {
    spec: '@esbuild/linux-x64@0.28.2',
    integrity: 'sha512-4xTZr1FUmSoQW4XIWmit3tzQrUTZM+N3P0XV8xROKYF50XfI7xeO90+1bZvNwxIufQ9hDQVRJH5YhgPVF8A/HQ==',
  },
} as const satisfies Record<string, NpmRelease>;

/** Where test downloads are kept between runs: $POTIONS_TEST_CACHE, else ~/.cache/potions-tests. */
export function testCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.POTIONS_TEST_CACHE || path.join(os.homedir(), '.cache', 'potions-tests');
}

function processEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * The extracted `package/` folder of a pinned npm release: from the cache, or
 * fetched with `npm pack` (the registry's own client), its integrity checked
 * before extraction, then moved into the cache with one rename.
 */
export async function npmPackageDir(release: NpmRelease, options: { cacheDir?: string; exec?: Exec } = {}): Promise<string> {
  const cacheDir = options.cacheDir ?? testCacheDir();
  const dir = path.join(cacheDir, 'npm', release.spec.replace(/[@/]/g, '_'));
  const marker = path.join(dir, '.integrity');
  if ((await fs.readFile(marker, 'utf8').catch(() => '')) === release.integrity) return path.join(dir, 'package');
  await fs.mkdir(path.join(cacheDir, 'npm'), { recursive: true });
  const tmp = await fs.mkdtemp(path.join(cacheDir, 'npm', '.fetch-'));
  try {
    const res = await (options.exec ?? spawnExec)({
      argv: ['npm', 'pack', release.spec, '--pack-destination', tmp, '--silent'],
      cwd: tmp,
      env: processEnv(),
      timeoutMs: 5 * 60_000,
    });
    if (res.exitCode !== 0) throw new Error(`npm pack ${release.spec} failed: ${res.tail.trim()}`);
    const tgz = (await fs.readdir(tmp)).find((n) => n.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${release.spec} wrote no tarball`);
    const [algo] = release.integrity.split('-');
    const got = `${algo}-${createHash(algo!).update(await fs.readFile(path.join(tmp, tgz))).digest('base64')}`;
    if (got !== release.integrity) throw new Error(`npm pack ${release.spec}: integrity ${got}, expected the pinned ${release.integrity}`);
    const staged = path.join(tmp, 'x');
    await extractArchive(path.join(tmp, tgz), staged);
    await fs.writeFile(path.join(staged, '.integrity'), release.integrity);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(staged, dir).catch((err: unknown) => {
      // Another test worker put the same bytes there first.
      if (!hasCode(err, 'ENOTEMPTY') && !hasCode(err, 'EEXIST')) throw err;
    });
    return path.join(dir, 'package');
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** A fixed SOURCE_DATE_EPOCH for test artifacts. */
export const TEST_MTIME = 1_700_000_000;

/**
 * A pinned npm release packed as the builder packs an artifact
 * (`packDirectory`, deterministic), as `<outDir>/<name>-<version>-<platform>.<format>`.
 */
export async function packNpmArtifact(
  release: NpmRelease,
  identity: { name: string; version: string; platform: Platform },
  outDir: string,
  formats: readonly PackFormat[] = ['tar.zst'],
): Promise<PackResult> {
  const tree = await npmPackageDir(release);
  return packDirectory(tree, path.join(outDir, `${identity.name}-${identity.version}-${identity.platform}`), { mtime: TEST_MTIME, formats });
}

/** A scratch folder, removed by the caller. */
export async function scratchDir(prefix = 'potions-delta-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}
