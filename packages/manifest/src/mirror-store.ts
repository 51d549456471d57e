/**
 * A mirror of `packages/mirrors` as a `ManifestStore`. The mirror's
 * `MirrorTarget` already speaks S3 conditional writes, so the adapter only
 * narrows the types and renames the precondition error to this package's
 * code (the publisher accepts both; the rename keeps reports uniform).
 */
import { hasCode } from '@potions/core';
import { MirrorsErrorCode, type MirrorTarget } from '@potions/mirrors';
import { preconditionFailed } from './store';
import type { ManifestStore, ManifestStoreListing, ManifestStoreObject, PutOptions } from './store';

export function manifestStoreFromMirror(target: MirrorTarget): ManifestStore {
  return {
    conditionalWrites: target.conditionalWrites,
    async get(key: string): Promise<ManifestStoreObject | undefined> {
      const found = await target.getObject(key);
      return found ? { bytes: found.bytes, etag: found.etag } : undefined;
    },
    async list(prefix: string): Promise<ManifestStoreListing[]> {
      return (await target.list(prefix)).map((o) => ({ key: o.key, ...(o.etag !== undefined ? { etag: o.etag } : {}) }));
    },
    async put(key: string, bytes: Uint8Array, options: PutOptions): Promise<{ etag: string }> {
      try {
        return await target.putObject(key, bytes, {
          contentType: options.contentType,
          cacheControl: options.cacheControl,
          ...(options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {}),
          ...(options.ifNoneMatch !== undefined ? { ifNoneMatch: options.ifNoneMatch } : {}),
        });
      } catch (err) {
        if (hasCode(err, MirrorsErrorCode.PreconditionFailed)) {
          throw Object.assign(preconditionFailed(`${target.name}:${key}`, (err as Error).message), { cause: err });
        }
        throw err;
      }
    },
  };
}
