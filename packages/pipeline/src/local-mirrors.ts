/**
 * The two embedded mirrors of local mode: the ones `potions mirrors serve`
 * keeps running when it runs (found by probing its fixed ports: it leaves no
 * state file), otherwise started for this run with their data under
 * `<workDir>/.potions/mirrors` and stopped at its end.
 *
 * Probing first, instead of `startLocalMirrors({ reuseRunning: true })`:
 * starting s3rver on a port in use currently ends the process with an
 * unhandled 'error' event (reported to the mirrors package).
 */
import { UserError } from '@potions/core';
import { isLocalMirrorRunning, localMirrorConfig, startLocalMirrors } from '@potions/mirrors';
import type { MirrorConfig } from '@potions/mirrors';
import { PipelineErrorCode } from './errors';

export interface OpenedLocalMirrors {
  mirrors: MirrorConfig[];
  /** True: started for this run (`close` stops them); false: a running `mirrors serve`. */
  started: boolean;
  close(): Promise<void>;
}

export async function openLocalMirrors(dir: string, ports: readonly number[]): Promise<OpenedLocalMirrors> {
  const fixed = ports.filter((p) => p !== 0);
  const running = await Promise.all(fixed.map((p) => isLocalMirrorRunning(p)));
  if (fixed.length === ports.length && running.length > 0 && running.every(Boolean)) {
    return { mirrors: ports.map((p, i) => localMirrorConfig(i, p)), started: false, close: async () => undefined };
  }
  if (running.some(Boolean)) {
    const up = fixed.filter((_, i) => running[i]);
    throw new UserError(PipelineErrorCode.Options, `a local mirror answers on port ${up.join(', ')} but not on every port of ${ports.join(', ')}`, {
      hint: 'stop `potions mirrors serve` and start it again, or choose other ports with --local-ports',
    });
  }
  const local = await startLocalMirrors({ dir, ports, count: ports.length, reuseRunning: false });
  return { mirrors: local.mirrors, started: true, close: () => local.close() };
}
