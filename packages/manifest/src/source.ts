/**
 * Reading a manifest from where a user points: an http(s) URL or a file, and
 * a short description of a verified manifest for people and `--json`.
 */
import { promises as fs } from 'node:fs';
import { PLATFORMS, UserError, compareVersions, errorMessage } from '@potions/core';
import type { Platform } from '@potions/core';
import { ManifestErrorCode } from './errors';
import type { Manifest } from './schema';

export interface ManifestSourceDeps {
  fetch?: typeof fetch;
}

/** The bytes of a manifest at an http(s) URL or in a file. */
export async function readManifestSource(source: string, deps: ManifestSourceDeps = {}): Promise<Uint8Array> {
  if (/^https?:\/\//i.test(source)) {
    let res: Response;
    try {
      res = await (deps.fetch ?? fetch)(source, { redirect: 'follow' });
    } catch (err) {
      throw new UserError(ManifestErrorCode.Unreachable, `cannot fetch ${source}: ${errorMessage(err)}`, { location: { file: source } });
    }
    if (!res.ok) {
      throw new UserError(ManifestErrorCode.Unreachable, `cannot fetch ${source}: HTTP ${res.status} ${res.statusText}`, { location: { file: source } });
    }
    return new Uint8Array(await res.arrayBuffer());
  }
  try {
    return new Uint8Array(await fs.readFile(source));
  } catch (err) {
    throw new UserError(ManifestErrorCode.Unreachable, `cannot read ${source}: ${errorMessage(err)}`, {
      location: { file: source },
      hint: 'pass a manifest file or an http(s) URL such as https://mirror.example/potions/manifest.json',
    });
  }
}

export interface ManifestSummary {
  version: number;
  expires: string;
  /** Whether the manifest says its artifacts are signed (it carries artifact trust settings). */
  artifactsSigned: boolean;
  packages: {
    name: string;
    version: string;
    available: Platform[];
    unavailable: { platform: Platform; reason: string }[];
    withdrawn: { platform: Platform; revision: number; reason: string; withdrawnAt: string }[];
  }[];
}

/** Every package version with the platforms it is available, unavailable and withdrawn for, sorted by name and version. */
export function manifestSummary(manifest: Manifest): ManifestSummary {
  const packages: ManifestSummary['packages'] = [];
  for (const name of Object.keys(manifest.packages).sort()) {
    const versions = manifest.packages[name]!;
    for (const version of Object.keys(versions).sort(compareVersions)) {
      const entries = versions[version]!;
      const row: ManifestSummary['packages'][number] = { name, version, available: [], unavailable: [], withdrawn: [] };
      for (const platform of PLATFORMS) {
        const e = entries[platform];
        if (e?.status === 'available') row.available.push(platform);
        else if (e?.status === 'withdrawn') row.withdrawn.push({ platform, revision: e.revision, reason: e.reason, withdrawnAt: e.withdrawnAt });
        else if (e) row.unavailable.push({ platform, reason: e.reason });
      }
      packages.push(row);
    }
  }
  return { version: manifest.version, expires: manifest.expires, artifactsSigned: manifest.artifactTrust !== undefined, packages };
}
