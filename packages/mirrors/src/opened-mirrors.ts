/**
 * The configured mirrors as a composition root (the CLI, an action's
 * `main.ts`, the pipeline) opens them: one target per mirror, or why that
 * mirror could not be opened (no credentials) so the others still work.
 * Whoever opens them closes them (`closeMirrors`, in a `finally`); the sync
 * and the publisher only take them.
 */
import { errorMessage, isUserError } from '@potions/core';
import type { MirrorConfig } from './config';
import { S3MirrorTarget, type MirrorTarget, type S3TargetOptions } from './target';

/** Why a mirror could not be opened: its code (e.g. `E_MIRRORS_NO_CREDENTIALS`) and message. */
export interface MirrorOpenError {
  code: string;
  message: string;
}

/** One configured mirror, opened: its target, or the error that kept it closed. */
export type OpenedMirror<T extends MirrorTarget = MirrorTarget> =
  | { readonly config: MirrorConfig; readonly target: T; readonly error?: undefined }
  | { readonly config: MirrorConfig; readonly target?: undefined; readonly error: MirrorOpenError };

/** Opens the mirrors of a configuration, in its order (`openS3Mirrors`, or a test's recording wrapper of it). */
export type OpenMirrors = (mirrors: readonly MirrorConfig[], options: S3TargetOptions) => OpenedMirror<S3MirrorTarget>[];

/**
 * One `S3MirrorTarget` per mirror, in configuration order. A mirror the user
 * cannot open (missing credentials: a `UserError`) is returned with its error
 * instead, so one mirror's mistake does not stop the others; anything else is
 * a bug and is thrown, after closing the targets already made.
 */
export const openS3Mirrors: OpenMirrors = (mirrors, options) => {
  const opened: OpenedMirror<S3MirrorTarget>[] = [];
  for (const config of mirrors) {
    try {
      opened.push({ config, target: new S3MirrorTarget(config, options) });
    } catch (err) {
      if (!isUserError(err)) {
        void closeMirrors(opened);
        throw err;
      }
      opened.push({ config, error: { code: err.code, message: errorMessage(err) } });
    }
  }
  return opened;
};

/** Close every opened target (idempotent per target; never throws). */
export async function closeMirrors(mirrors: readonly OpenedMirror[]): Promise<void> {
  await Promise.all(mirrors.map((m) => m.target?.close().catch(() => undefined)));
}
