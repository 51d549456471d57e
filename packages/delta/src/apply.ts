import { promises as fs } from 'node:fs';
import path from 'node:path';
import { silentReporter, spawnExec, tempPathFor, type Exec, type Reporter } from '@potions/core';
import { artifactTar } from './artifact-tar';
import { fileDigest } from './digest';
import { DeltaErrorCode, deltaError } from './errors';
import { DEFAULT_APPLY_TIMEOUT_MS } from './make';
import { patchTar } from './patch';
import { assertDeltaFormat, assertTool, defaultToolEnv, FORMAT_TOOLS, type DeltaFormat, type ToolRunner } from './tools';

export interface ApplyDeltaOptions {
  /** The base artifact held here: .tar, .tar.gz or .tar.zst (any of them: the tar inside is what counts). */
  base: string;
  /** The downloaded delta file. */
  delta: string;
  /** Where the target's uncompressed tar is written, only once its sha256 is `expectedSha256`. */
  out: string;
  /** The delta's format, as the manifest names it. */
  format: DeltaFormat;
  /** sha256 of the base's uncompressed tar, as the manifest names it (checked before anything runs). */
  baseTarSha256: string;
  /** sha256 of the delta file, as the manifest names it (checked before the patch program reads it). */
  deltaSha256: string;
  /** sha256 of the target's uncompressed tar, as the manifest names it. */
  expectedSha256: string;
  timeoutMs?: number;
  exec?: Exec;
  /** The tools' whole environment (default: PATH and LC_ALL=C). */
  env?: Record<string, string>;
  reporter?: Reporter;
}

export interface AppliedDelta {
  /** `out`, absolute: the target's uncompressed tar, ready for `extractArchive`. */
  path: string;
  sha256: string;
  size: number;
}

/**
 * Rebuilds the target's tar from the base and a delta. The checks run
 * cheapest first: the delta's digest, the patch program, the base's tar
 * digest, then the result's digest. Any failure is an `E_DELTA_*` error
 * (`isDeltaError`) and leaves `out` untouched (nothing is written there but
 * the final rename), so the caller downloads the full artifact instead.
 */
export async function applyDelta(options: ApplyDeltaOptions): Promise<AppliedDelta> {
  const format = assertDeltaFormat(options.format);
  const tools = FORMAT_TOOLS[format];
  const reporter = options.reporter ?? silentReporter;
  const out = path.resolve(options.out);
  const delta = await fileDigest(options.delta).catch((err: unknown) => {
    throw deltaError(DeltaErrorCode.Corrupt, `cannot read the delta ${options.delta}: ${(err as Error).message}`, { cause: err, file: options.delta });
  });
  if (delta.sha256 !== options.deltaSha256.toLowerCase()) {
    throw deltaError(DeltaErrorCode.Corrupt, `the delta ${options.delta} has sha256 ${delta.sha256}, expected ${options.deltaSha256}`, {
      file: options.delta,
      hint: 'the download is damaged or is another file; download the full artifact',
    });
  }
  await fs.mkdir(path.dirname(out), { recursive: true });
  const runner: ToolRunner = { exec: options.exec ?? spawnExec, env: options.env ?? defaultToolEnv(), cwd: path.dirname(out) };
  await assertTool(runner, tools.apply, tools.hint);
  const tmp = tempPathFor(out);
  const workDir = `${tmp}.d`;
  await fs.mkdir(workDir, { recursive: true });
  try {
    runner.cwd = workDir;
    const baseTar = await artifactTar(options.base, workDir, 'base.tar', runner).catch((err: unknown) => {
      if ((err as { code?: unknown }).code !== DeltaErrorCode.BadArtifact) throw err;
      throw deltaError(DeltaErrorCode.WrongBase, `the base ${options.base} cannot be used: ${(err as Error).message}`, { cause: err, file: options.base });
    });
    if (baseTar.sha256 !== options.baseTarSha256.toLowerCase()) {
      throw deltaError(
        DeltaErrorCode.WrongBase,
        `the base ${options.base} holds a tar with sha256 ${baseTar.sha256}, but the delta was made from ${options.baseTarSha256}`,
        { file: options.base, hint: 'this is not the version the delta starts from; download the full artifact' },
      );
    }
    const result = await patchTar(runner, format, baseTar.path, options.delta, tmp, options.timeoutMs ?? DEFAULT_APPLY_TIMEOUT_MS);
    if (result.sha256 !== options.expectedSha256.toLowerCase()) {
      throw deltaError(DeltaErrorCode.DigestMismatch, `applying the delta ${options.delta} gave a tar with sha256 ${result.sha256}, expected ${options.expectedSha256}`, {
        file: options.delta,
        hint: 'download the full artifact',
      });
    }
    await fs.rename(tmp, out);
    reporter.debug(`applied the ${format} delta ${options.delta} (${delta.size} bytes) to ${options.base}: ${out} (${result.size} bytes, sha256 ${result.sha256})`);
    return { path: out, ...result };
  } finally {
    await fs.rm(tmp, { force: true });
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
