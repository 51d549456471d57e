import { promises as fs } from 'node:fs';
import path from 'node:path';
import { formatBytes, silentReporter, spawnExec, tempPathFor, type Exec, type Reporter } from '@potions/core';
import { artifactTar, type ArtifactTar } from './artifact-tar';
import { fileDigest } from './digest';
import { DeltaErrorCode, deltaError } from './errors';
import { patchTar } from './patch';
import { assertDeltaPair, type ArtifactIdentity } from './policy';
import { assertDeltaFormat, assertTool, defaultToolEnv, FORMAT_TOOLS, runTool, toolFailure, ZSTD_MAX_WINDOW_LOG, type DeltaFormat, type ToolRunner } from './tools';

/** An artifact file (.tar, .tar.gz or .tar.zst) and which release it is. */
export interface ArtifactFile extends ArtifactIdentity {
  file: string;
}

/**
 * Inputs past this size are refused (`E_DELTA_TOO_LARGE`, meaning "publish no
 * delta"): bsdiff needs about 9x the target's size in memory (861 MB for two
 * 100 MB tars, docs/delta.md), so 512 MiB keeps it under 5 GB.
 */
export const DEFAULT_MAX_DELTA_INPUT_BYTES = 512 * 1024 * 1024;
/** bsdiff took 5 minutes for 100 MB here; an hour is a hang. */
export const DEFAULT_MAKE_TIMEOUT_MS = 60 * 60 * 1000;
export const DEFAULT_APPLY_TIMEOUT_MS = 10 * 60 * 1000;

export interface MakeDeltaOptions {
  /** The version published before `target`, same package and platform. */
  base: ArtifactFile;
  target: ArtifactFile;
  /** Where the delta is written (see `deltaFileName`); written only once it has reproduced the target. */
  out: string;
  /** Default `bsdiff` (the smallest; docs/delta.md). */
  format?: DeltaFormat;
  maxInputBytes?: number;
  timeoutMs?: number;
  exec?: Exec;
  /** The tools' whole environment (default: PATH and LC_ALL=C). */
  env?: Record<string, string>;
  reporter?: Reporter;
}

/** What the manifest records about a delta (docs/delta.md, "Manifest fields"). */
export interface DeltaInfo {
  format: DeltaFormat;
  /** The delta file (`out`, absolute). */
  path: string;
  sha256: string;
  size: number;
  name: string;
  platform: ArtifactIdentity['platform'];
  /** The base: its version and the sha256 and size of its uncompressed tar. */
  base: { version: string; tarSha256: string; tarSize: number };
  /** The target: what applying the delta gives (its uncompressed tar). */
  target: { version: string; tarSha256: string; tarSize: number };
}

/**
 * Makes a delta from `base` to `target` over their uncompressed tars, applies
 * it once to check that it reproduces the target's tar byte for byte, then
 * moves it to `out`. Nothing is left at `out` on any failure; temporary files
 * live beside `out` and are removed.
 */
export async function makeDelta(options: MakeDeltaOptions): Promise<DeltaInfo> {
  const { base, target } = options;
  assertDeltaPair(base, target);
  const format = assertDeltaFormat(options.format ?? 'bsdiff');
  const tools = FORMAT_TOOLS[format];
  const reporter = options.reporter ?? silentReporter;
  const out = path.resolve(options.out);
  await fs.mkdir(path.dirname(out), { recursive: true });
  const workDir = `${tempPathFor(out)}.d`;
  const runner: ToolRunner = { exec: options.exec ?? spawnExec, env: options.env ?? defaultToolEnv(), cwd: path.dirname(out) };
  await assertTool(runner, tools.make, tools.hint);
  await assertTool(runner, tools.apply, tools.hint);
  await fs.mkdir(workDir, { recursive: true });
  try {
    runner.cwd = workDir;
    const baseTar = await artifactTar(base.file, workDir, 'base.tar', runner);
    const targetTar = await artifactTar(target.file, workDir, 'target.tar', runner);
    const limit = Math.min(options.maxInputBytes ?? DEFAULT_MAX_DELTA_INPUT_BYTES, format === 'zstd' ? 2 ** ZSTD_MAX_WINDOW_LOG : Infinity);
    const largest = Math.max(baseTar.size, targetTar.size);
    if (largest > limit) {
      throw deltaError(
        DeltaErrorCode.TooLarge,
        `${base.name} ${base.version} -> ${target.version} (${base.platform}): the tars are ${formatBytes(baseTar.size)} and ${formatBytes(targetTar.size)}, past the ${formatBytes(limit)} a ${format} delta is made for`,
        { hint: 'publish the full artifact only' },
      );
    }
    const label = `${format} delta ${base.name} ${base.version} -> ${target.version} (${base.platform})`;
    const progress = reporter.progress(label);
    let made: { path: string; sha256: string; size: number };
    try {
      made = await diffAndCheck(runner, format, baseTar.path, targetTar, largest, workDir, label, options.timeoutMs ?? DEFAULT_MAKE_TIMEOUT_MS);
    } finally {
      progress.done();
    }
    await fs.rename(made.path, out);
    reporter.debug(`${label}: ${made.size} bytes (sha256 ${made.sha256}) for a target tar of ${targetTar.size} bytes`);
    return {
      format,
      path: out,
      sha256: made.sha256,
      size: made.size,
      name: target.name,
      platform: target.platform,
      base: { version: base.version, tarSha256: baseTar.sha256, tarSize: baseTar.size },
      target: { version: target.version, tarSha256: targetTar.sha256, tarSize: targetTar.size },
    };
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

/** Runs the diff program, then applies its delta to the base and compares the result with the target. */
async function diffAndCheck(
  runner: ToolRunner,
  format: DeltaFormat,
  baseTar: string,
  targetTar: ArtifactTar,
  largest: number,
  workDir: string,
  label: string,
  timeoutMs: number,
): Promise<{ path: string; sha256: string; size: number }> {
  const tools = FORMAT_TOOLS[format];
  const made = path.join(workDir, `delta.${tools.suffix}`);
  const res = await runTool(runner, tools.makeArgv(baseTar, targetTar.path, made, largest), tools.hint, timeoutMs);
  if (res.exitCode !== 0) throw deltaError(DeltaErrorCode.MakeFailed, `${tools.make} failed making the ${label}: ${toolFailure(res)}`);
  let check: { sha256: string };
  try {
    check = await patchTar(runner, format, baseTar, made, path.join(workDir, 'check.tar'), timeoutMs);
  } catch (err) {
    throw deltaError(DeltaErrorCode.MakeFailed, `the ${label} does not apply to its own base: ${(err as Error).message}`, { cause: err });
  }
  if (check.sha256 !== targetTar.sha256) {
    throw deltaError(DeltaErrorCode.MakeFailed, `the ${label} does not reproduce the target: got sha256 ${check.sha256}, expected ${targetTar.sha256}`);
  }
  await fs.rm(path.join(workDir, 'check.tar'), { force: true });
  return { path: made, ...(await fileDigest(made)) };
}
