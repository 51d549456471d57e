/**
 * Where objects live on a mirror and the headers they are served with.
 *
 * Artifacts are content-addressed: `artifacts/sha256/<hex>/<filename>` under
 * the mirror's prefix. The digest in the key makes the object immutable (a
 * different content is a different key), so key + size in one listing is
 * enough to know an object is there and identical: ListObjectsV2 does not
 * return user metadata, and a HEAD per object would cost a request each.
 * The last segment stays the user-facing file name, so a download keeps it.
 */
import path from 'node:path';
import { UserError } from '@potions/core';
import type { MirrorConfig } from './config';
import { MirrorsErrorCode } from './errors';

/** Artifacts never change under their key: cache them for a year. */
export const CACHE_CONTROL_IMMUTABLE = 'public, max-age=31536000, immutable';
/** Mutable keys (the manifest pointer, indexes): caches must come back soon. */
export const CACHE_CONTROL_MUTABLE = 'public, max-age=60, must-revalidate';

export const ARTIFACTS_PREFIX = 'artifacts/sha256/';

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function assertFileName(name: string): void {
  if (!name || name === '.' || name === '..' || name.includes('/') || name.includes('\\') || /[\u0000-\u001f]/.test(name)) {
    throw new UserError(MirrorsErrorCode.BadName, `artifact file name ${JSON.stringify(name)} cannot be used in a key`, {
      hint: 'a plain file name without slashes or control characters',
    });
  }
}

/** The key of an artifact, relative to the mirror's prefix. */
export function artifactKey(sha256: string, fileName: string): string {
  if (!SHA256_HEX.test(sha256)) throw new TypeError(`not a lower-case sha256 hex digest: ${sha256}`);
  assertFileName(fileName);
  return `${ARTIFACTS_PREFIX}${sha256}/${fileName}`;
}

/** The digest and file name in an artifact key, or undefined for any other key. */
export function parseArtifactKey(key: string): { sha256: string; fileName: string } | undefined {
  if (!key.startsWith(ARTIFACTS_PREFIX)) return undefined;
  const rest = key.slice(ARTIFACTS_PREFIX.length).split('/');
  if (rest.length !== 2 || !SHA256_HEX.test(rest[0]!) || !rest[1]) return undefined;
  return { sha256: rest[0]!, fileName: rest[1] };
}

/** The bucket key for a key relative to the mirror prefix. */
export function fullKey(mirror: Pick<MirrorConfig, 'prefix'>, key: string): string {
  return mirror.prefix ? `${mirror.prefix}/${key}` : key;
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/**
 * The URL a consumer downloads `key` from. `publicUrl` serves the bucket root
 * (an R2 custom domain, a CDN in front of a Wasabi bucket); without it the
 * S3 endpoint URL is used, path-style or virtual-hosted as configured.
 */
export function publicUrl(
  mirror: Pick<MirrorConfig, 'prefix' | 'publicUrl' | 'endpoint' | 'bucket' | 'forcePathStyle'>,
  key: string,
): string {
  const k = encodeKey(fullKey(mirror, key));
  if (mirror.publicUrl) return `${mirror.publicUrl}/${k}`;
  if (mirror.forcePathStyle) return `${mirror.endpoint}/${mirror.bucket}/${k}`;
  const u = new URL(mirror.endpoint);
  return `${u.protocol}//${mirror.bucket}.${u.host}/${k}`;
}

// Longest suffix first: `.tar.gz` must win over `.gz`.
const CONTENT_TYPES: [string, string][] = [
  ['.sigstore.json', 'application/vnd.dev.sigstore.bundle.v0.3+json'],
  ['.intoto.jsonl', 'application/x-ndjson'],
  ['.cdx.json', 'application/vnd.cyclonedx+json'],
  ['.spdx.json', 'application/spdx+json'],
  ['.tar.gz', 'application/gzip'],
  ['.tgz', 'application/gzip'],
  ['.tar.zst', 'application/zstd'],
  ['.tar.xz', 'application/x-xz'],
  ['.tar.bz2', 'application/x-bzip2'],
  ['.gz', 'application/gzip'],
  ['.zst', 'application/zstd'],
  ['.xz', 'application/x-xz'],
  ['.bz2', 'application/x-bzip2'],
  ['.zip', 'application/zip'],
  ['.tar', 'application/x-tar'],
  ['.json', 'application/json'],
  ['.jsonl', 'application/x-ndjson'],
  ['.sigstore', 'application/vnd.dev.sigstore.bundle+json'],
  ['.sig', 'application/octet-stream'],
  ['.sha256', 'text/plain; charset=utf-8'],
  ['.txt', 'text/plain; charset=utf-8'],
  ['.md', 'text/markdown; charset=utf-8'],
  ['.html', 'text/html; charset=utf-8'],
  ['.yaml', 'application/yaml'],
  ['.yml', 'application/yaml'],
];

/** Content-Type by file extension; `application/octet-stream` when unknown. */
export function contentTypeFor(fileName: string): string {
  const lower = path.basename(fileName).toLowerCase();
  for (const [ext, type] of CONTENT_TYPES) if (lower.endsWith(ext)) return type;
  return 'application/octet-stream';
}
