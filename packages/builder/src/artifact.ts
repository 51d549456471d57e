import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Platform } from '@potions/core';
import { extractArchive, packDirectory, replacePrefixInTextFiles, relocateInstalled, PREFIX_PLACEHOLDER } from '@potions/archive';

/** `<name>-<version>-<platform>`: the file name of an artifact without its extension. */
export function artifactBaseName(name: string, version: string, platform: Platform): string {
  return `${name}-${version}-${platform}`;
}

export interface PackedArtifact {
  tgz: { sha256: string; size: number };
  zst: { sha256: string; size: number };
}

/** Pack the whole staged prefix into the deterministic `.tar.gz` and `.tar.zst`. */
export async function packArtifact(
  stagedPrefix: string,
  files: { tgz: string; zst: string },
  sourceDateEpoch: number,
): Promise<PackedArtifact> {
  const base = files.tgz.replace(/\.tar\.gz$/, '');
  const res = await packDirectory(stagedPrefix, base, { mtime: sourceDateEpoch, formats: ['tar.gz', 'tar.zst'], prefix: stagedPrefix });
  const gz = res.archives.find((a) => a.format === 'tar.gz');
  const zst = res.archives.find((a) => a.format === 'tar.zst');
  if (!gz || !zst) throw new Error('packDirectory did not write both archives');
  return { tgz: { sha256: gz.sha256, size: gz.size }, zst: { sha256: zst.sha256, size: zst.size } };
}

/**
 * Replace the fixed prefix (and the staging path, should a script have
 * written it) inside text files by the placeholder that installing rewrites.
 * Binary files that hold the prefix are listed, not touched.
 */
export async function relocateStagedPrefix(
  stagedPrefix: string,
  prefixes: string[],
): Promise<{ placeholder: string; files: string[]; binaryFiles: string[] }> {
  const text = new Set<string>();
  const binary = new Set<string>();
  // Longest first: the staged prefix ends with the fixed prefix.
  for (const p of [...prefixes].sort((a, b) => b.length - a.length)) {
    const res = await replacePrefixInTextFiles(stagedPrefix, p, PREFIX_PLACEHOLDER);
    res.textFiles.forEach((f) => text.add(f));
    res.binaryFiles.forEach((f) => binary.add(f));
  }
  return { placeholder: PREFIX_PLACEHOLDER, files: [...text].sort(), binaryFiles: [...binary].sort() };
}

/** Extract an artifact into `dir` and write `dir` where its text files hold the placeholder. */
export async function installArtifact(artifact: string, dir: string, files?: readonly string[]): Promise<string[]> {
  await extractArchive(artifact, dir);
  return relocateInstalled(dir, PREFIX_PLACEHOLDER, path.resolve(dir), files);
}

/**
 * Files of the staged tree that still contain `needle` (the work folder): the
 * build folder leaking into the output. Reported, never silently dropped.
 */
export async function findLeaks(root: string, needle: string): Promise<string[]> {
  const pattern = Buffer.from(needle);
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await fs.readdir(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isSymbolicLink()) {
        if ((await fs.readlink(path.join(root, r))).includes(needle)) out.push(r);
      } else if (e.isFile()) {
        if ((await fs.readFile(path.join(root, r))).includes(pattern)) out.push(r);
      }
    }
  };
  await walk('');
  return out.sort();
}
