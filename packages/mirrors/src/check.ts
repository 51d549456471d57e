/** `potions mirrors check`: can each mirror be listed and read, and how fast. */
import { errorMessage, silentReporter, type Reporter } from '@potions/core';
import type { MirrorConfig } from './config';
import { describeS3Error } from './client';
import { ARTIFACTS_PREFIX } from './keys';
import { S3MirrorTarget, type S3TargetOptions } from './target';

export interface MirrorHealth {
  mirror: string;
  ok: boolean;
  listMs?: number;
  /** Absent when the mirror holds no artifact yet. */
  readMs?: number;
  readKey?: string;
  error?: string;
}

export async function checkMirrors(
  mirrors: readonly MirrorConfig[],
  options: Omit<S3TargetOptions, 'reporter'> & { reporter?: Reporter } = {},
): Promise<MirrorHealth[]> {
  const reporter = options.reporter ?? silentReporter;
  return Promise.all(
    mirrors.map(async (m): Promise<MirrorHealth> => {
      let target: S3MirrorTarget | undefined;
      try {
        target = new S3MirrorTarget(m, { ...options, reporter, requestTimeoutMs: options.requestTimeoutMs ?? 15_000 });
        const p = await target.probe(ARTIFACTS_PREFIX);
        return {
          mirror: m.name,
          ok: true,
          listMs: p.listMs,
          ...(p.readMs !== undefined ? { readMs: p.readMs, readKey: p.key } : {}),
        };
      } catch (err) {
        const error = (err as { $metadata?: unknown }).$metadata ? describeS3Error(err) : errorMessage(err);
        return { mirror: m.name, ok: false, error };
      } finally {
        target?.destroy();
      }
    }),
  );
}
