/** `potions mirrors check`: can each mirror be listed and read, and how fast. */
import { errorMessage } from '@potions/core';
import { describeS3Error } from './client';
import { ARTIFACTS_PREFIX } from './keys';
import type { OpenedMirror } from './opened-mirrors';
import type { MirrorTarget } from './target';

/**
 * A health check should not wait two minutes for a dead mirror: open the
 * targets it probes with this request timeout (`S3TargetOptions.requestTimeoutMs`).
 */
export const CHECK_REQUEST_TIMEOUT_MS = 15_000;

/** A target that can be probed: list one key under a prefix and read its first byte, once, without retries. */
export interface ProbeTarget extends MirrorTarget {
  probe(prefix: string): Promise<{ listMs: number; readMs?: number; key?: string }>;
}

export interface MirrorHealth {
  mirror: string;
  ok: boolean;
  listMs?: number;
  /** Absent when the mirror holds no artifact yet. */
  readMs?: number;
  readKey?: string;
  error?: string;
}

/** Probe every mirror at once; a mirror that could not be opened is reported with its error. */
export async function checkMirrors(mirrors: readonly OpenedMirror<ProbeTarget>[]): Promise<MirrorHealth[]> {
  return Promise.all(
    mirrors.map(async ({ config, target, error }): Promise<MirrorHealth> => {
      if (!target) return { mirror: config.name, ok: false, error: error.message };
      try {
        const p = await target.probe(ARTIFACTS_PREFIX);
        return {
          mirror: config.name,
          ok: true,
          listMs: p.listMs,
          ...(p.readMs !== undefined ? { readMs: p.readMs, readKey: p.key } : {}),
        };
      } catch (err) {
        const message = (err as { $metadata?: unknown }).$metadata ? describeS3Error(err) : errorMessage(err);
        return { mirror: config.name, ok: false, error: message };
      }
    }),
  );
}
