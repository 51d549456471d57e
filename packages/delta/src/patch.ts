import { fileDigest } from './digest';
import { DeltaErrorCode, deltaError } from './errors';
import { FORMAT_TOOLS, runTool, toolFailure, type DeltaFormat, type ToolRunner } from './tools';

/**
 * Runs the format's patch program: `baseTar` + `delta` -> `out`, and returns
 * the digest of what it wrote. A refusal by the program is `E_DELTA_CORRUPT`.
 * The one way a delta is applied, by `applyDelta` and by `makeDelta`'s check.
 */
export async function patchTar(
  runner: ToolRunner,
  format: DeltaFormat,
  baseTar: string,
  delta: string,
  out: string,
  timeoutMs: number,
): Promise<{ sha256: string; size: number }> {
  const tools = FORMAT_TOOLS[format];
  const res = await runTool(runner, tools.applyArgv(baseTar, delta, out), tools.hint, timeoutMs);
  if (res.exitCode !== 0) {
    throw deltaError(DeltaErrorCode.Corrupt, `${tools.apply} could not apply the ${format} delta ${delta}: ${toolFailure(res)}`, {
      file: delta,
      hint: 'the delta is damaged or was not made from this base; download the full artifact',
    });
  }
  return fileDigest(out);
}
