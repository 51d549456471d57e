/**
 * Deltas are made and applied between the uncompressed tars of two artifacts,
 * never between their compressed bytes: one changed byte early in a tar
 * changes every compressed byte after it, so two .tar.zst files of nearly the
 * same tree share almost nothing (measured in docs/delta.md). The tar is also
 * the artifact's identity that does not depend on the compressor's version
 * (`tarSha256` from the packer).
 */
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { detectFromContent } from '@potions/archive';
import { hasCode } from '@potions/core';
import { fileDigest } from './digest';
import { DeltaErrorCode, deltaError } from './errors';
import { runTool, toolFailure, ZSTD_DECOMPRESS_HINT, ZSTD_MAX_WINDOW_LOG, type ToolRunner } from './tools';

export interface ArtifactTar {
  /** The tar: the artifact itself when it is a plain .tar, else a file in the work folder. */
  path: string;
  sha256: string;
  size: number;
}

async function head(file: string): Promise<Buffer> {
  const fh = await fs.open(file, 'r').catch((err: unknown) => {
    throw deltaError(DeltaErrorCode.BadArtifact, `cannot read ${file}: ${(err as Error).message}`, { cause: err, file });
  });
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * The uncompressed tar of `artifact` (.tar, .tar.gz or .tar.zst, told by its
 * content), written as `workDir/name` unless it is already a tar, with its
 * digest. Anything else, or a stream that does not decompress cleanly, is
 * `E_DELTA_BAD_ARTIFACT`; a missing zstd is `E_DELTA_TOOL_MISSING`.
 */
export async function artifactTar(artifact: string, workDir: string, name: string, runner: ToolRunner): Promise<ArtifactTar> {
  const found = detectFromContent(await head(artifact));
  let tar = artifact;
  if (found.kind === 'compressed' && found.compression === 'gzip') {
    tar = path.join(workDir, name);
    await pipeline(createReadStream(artifact), createGunzip(), createWriteStream(tar, { flags: 'wx' })).catch((err: unknown) => {
      throw deltaError(DeltaErrorCode.BadArtifact, `${artifact} cannot be decompressed: ${(err as Error).message}`, { cause: err, file: artifact });
    });
  } else if (found.kind === 'compressed' && found.compression === 'zstd') {
    tar = path.join(workDir, name);
    // --long=31: artifacts packed with a window past zstd's default limit (2^27) decode too.
    const res = await runTool(runner, ['zstd', '-d', '-q', `--long=${ZSTD_MAX_WINDOW_LOG}`, artifact, '-o', tar], ZSTD_DECOMPRESS_HINT);
    if (res.exitCode !== 0) {
      throw deltaError(DeltaErrorCode.BadArtifact, `${artifact} cannot be decompressed with zstd: ${toolFailure(res)}`, { file: artifact });
    }
  } else if (found.kind !== 'tar') {
    const what = found.kind === 'compressed' ? `${found.compression}-compressed` : found.kind === 'zip' ? 'a zip archive' : 'not an archive';
    throw deltaError(DeltaErrorCode.BadArtifact, `${artifact} is ${what}: a delta is made between artifacts (.tar, .tar.gz or .tar.zst)`, {
      file: artifact,
    });
  }
  if (tar !== artifact && detectFromContent(await head(tar)).kind !== 'tar') {
    throw deltaError(DeltaErrorCode.BadArtifact, `${artifact} does not hold a tar archive`, { file: artifact });
  }
  try {
    return { path: tar, ...(await fileDigest(tar)) };
  } catch (err) {
    if (hasCode(err, 'ENOENT')) throw deltaError(DeltaErrorCode.BadArtifact, `${artifact} vanished while it was read`, { cause: err, file: artifact });
    throw err;
  }
}
