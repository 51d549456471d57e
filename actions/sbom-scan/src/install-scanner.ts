/**
 * Installing a pinned grype or trivy release on a runner with
 * `@actions/tool-cache`: found in the tool cache, or downloaded, its sha256
 * checked against the pin before anything is extracted, extracted, and cached.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import * as tc from '@actions/tool-cache';
import { UserError } from '@potions/core';
import { SbomErrorCode } from '@potions/sbom';
import { PINNED_SCANNERS, type PinnedRelease, type RunnerPlatform } from './constants';

export type ScannerProgram = 'grype' | 'trivy';

/** The pinned release for this runner, or a clear error when there is none. */
export function pinnedRelease(name: ScannerProgram, platform: string = `${process.platform}-${process.arch}`): PinnedRelease {
  const release = PINNED_SCANNERS[name][platform as RunnerPlatform];
  if (!release) {
    throw new UserError(SbomErrorCode.ScannerMissing, `${name} is not on the PATH and this action pins no ${name} release for ${platform}`, {
      hint: `install ${name} in an earlier step, or use scanner: grype / osv`,
    });
  }
  return release;
}

/** The path of the program of `release`, from the tool cache or freshly downloaded and verified. */
export async function installPinnedScanner(name: ScannerProgram, release: PinnedRelease): Promise<string> {
  const cached = tc.find(name, release.version);
  if (cached) return path.join(cached, release.program);
  const archive = await tc.downloadTool(release.url);
  try {
    const actual = await sha256Of(archive);
    if (actual !== release.sha256) {
      throw new UserError(SbomErrorCode.ScannerChecksum, `the ${name} ${release.version} download from ${release.url} has sha256 ${actual}, not the pinned ${release.sha256}`, {
        hint: 'the download was altered or truncated; nothing was installed',
      });
    }
    const dir = await tc.extractTar(archive, undefined, 'xz');
    await fs.access(path.join(dir, release.program)).catch(() => {
      throw new UserError(SbomErrorCode.ScannerMissing, `the ${name} ${release.version} archive has no ${release.program} at its root`);
    });
    const cachedDir = await tc.cacheDir(dir, name, release.version);
    return path.join(cachedDir, release.program);
  } finally {
    await fs.rm(archive, { force: true });
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
