/**
 * Fakes for other packages' tests: an in-memory `ManifestStore` with real
 * conditional-write semantics and hooks to interleave or fail calls, and an
 * in-memory `TrustStore`. Imported as `@potions/manifest/testing`.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { preconditionFailed, sha256Hex } from './store';
import type { ManifestStore, ManifestStoreListing, ManifestStoreObject, PutOptions } from './store';
import type { TrustStore } from './trust-store';
import type { Platform } from '@potions/core';
import type { ReleasePlatformInput } from './release';
import type { ArtifactFormat } from './schema';

export interface MemoryObject extends ManifestStoreObject {
  contentType: string;
  cacheControl: string;
}

export interface MemoryStoreHooks {
  /** Runs before each get; throw to simulate an outage, await to interleave. */
  beforeGet?: (key: string) => Promise<void> | void;
  /** Runs before each list. */
  beforeList?: (prefix: string) => Promise<void> | void;
  /** Runs before each put (before the condition is checked). */
  beforePut?: (key: string, options: PutOptions) => Promise<void> | void;
}

export class MemoryManifestStore implements ManifestStore {
  readonly objects = new Map<string, MemoryObject>();
  /** Every successful put, in order: key and etag. */
  readonly writes: { key: string; etag: string }[] = [];
  hooks: MemoryStoreHooks;
  readonly conditionalWrites: boolean;

  constructor(options: { hooks?: MemoryStoreHooks; conditionalWrites?: boolean } = {}) {
    this.hooks = options.hooks ?? {};
    this.conditionalWrites = options.conditionalWrites ?? true;
  }

  async get(key: string): Promise<ManifestStoreObject | undefined> {
    await this.hooks.beforeGet?.(key);
    const obj = this.objects.get(key);
    return obj ? { bytes: new Uint8Array(obj.bytes), etag: obj.etag } : undefined;
  }

  async list(prefix: string): Promise<ManifestStoreListing[]> {
    await this.hooks.beforeList?.(prefix);
    return [...this.objects].filter(([key]) => key.startsWith(prefix)).map(([key, o]) => ({ key, etag: o.etag }));
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions): Promise<{ etag: string }> {
    await this.hooks.beforePut?.(key, options);
    const current = this.objects.get(key);
    if (this.conditionalWrites) {
      if (options.ifNoneMatch === '*' && current) throw preconditionFailed(key, 'an object already exists');
      if (options.ifMatch !== undefined && current?.etag !== options.ifMatch) {
        throw preconditionFailed(key, current ? 'the object changed since it was read' : 'the object no longer exists');
      }
    }
    const etag = `"${sha256Hex(bytes).slice(0, 32)}"`;
    this.objects.set(key, { bytes: new Uint8Array(bytes), etag, contentType: options.contentType, cacheControl: options.cacheControl });
    this.writes.push({ key, etag });
    return { etag };
  }

  /** The object's text, or undefined. */
  text(key: string): string | undefined {
    const obj = this.objects.get(key);
    return obj ? new TextDecoder().decode(obj.bytes) : undefined;
  }
}

export class MemoryTrustStore implements TrustStore {
  readonly versions = new Map<string, number>();
  async lastSeenVersion(source: string): Promise<number | undefined> {
    return this.versions.get(source);
  }
  async remember(source: string, version: number): Promise<void> {
    if ((this.versions.get(source) ?? 0) < version) this.versions.set(source, version);
  }
}

/** An error a hook can throw to play a mirror that is down. */
export function mirrorDown(name: string): Error {
  return Object.assign(new Error(`connect ECONNREFUSED (mirror ${name} is down)`), { code: 'ECONNREFUSED' });
}

/** A release input for one available platform, with made-up but well-formed digests derived from `seed`. */
export function availablePlatformInput(options: {
  name: string;
  version: string;
  platform: Platform;
  urls: readonly string[];
  seed?: string;
  formats?: readonly ArtifactFormat[];
  builtAt?: string;
}): ReleasePlatformInput {
  const seed = options.seed ?? 'a';
  const base = `${options.name}-${options.version}-${options.platform}`;
  const ref = (file: string) => ({
    file,
    sha256: sha256Hex(new TextEncoder().encode(`${seed}:${file}`)),
    size: file.length * 100,
    urls: options.urls.map((u) => `${u.replace(/\/$/, '')}/${file}`),
  });
  return {
    status: 'available',
    build: {
      version: options.version,
      platform: options.platform,
      builtAt: options.builtAt ?? '2025-01-01T00:00:00.000Z',
      method: 'source',
    },
    artifacts: (options.formats ?? ['tar.gz']).map((format) => ({ format, ...ref(`${base}.${format}`) })),
    metadata: ref(`${base}.${(options.formats ?? ['tar.gz'])[0]}.json`),
  };
}

/**
 * Write what the builder leaves for one build: `<base>.tar.gz`, `<base>.tar.zst`
 * (random bytes, distinct per `seed`) and `<base>.tar.gz.json` with the fields
 * of packages/builder `ArtifactMetadata` the manifest reads (and a few it
 * does not, which must pass through). Returns the file names.
 */
export async function writeFakeBuild(
  dir: string,
  options: { name: string; version: string; platform: Platform; seed?: string; builtAt?: string; method?: 'official-binary' | 'source' | 'source-fallback' },
): Promise<{ tarGz: string; tarZst: string; metadata: string; sha256: { tarGz: string; tarZst: string } }> {
  await fs.mkdir(dir, { recursive: true });
  const base = `${options.name}-${options.version}-${options.platform}`;
  const gz = Buffer.concat([Buffer.from(`${options.seed ?? ''}:gz:`), randomBytes(3000)]);
  const zst = Buffer.concat([Buffer.from(`${options.seed ?? ''}:zst:`), randomBytes(2000)]);
  const tarGz = `${base}.tar.gz`;
  const tarZst = `${base}.tar.zst`;
  const metadata = `${tarGz}.json`;
  await fs.writeFile(path.join(dir, tarGz), gz);
  await fs.writeFile(path.join(dir, tarZst), zst);
  const info = (file: string, bytes: Buffer) => ({ file, sha256: sha256Hex(bytes), size: bytes.length });
  const doc = {
    schema: 1,
    name: options.name,
    version: options.version,
    platform: options.platform,
    method: options.method ?? 'source',
    status: 'built',
    artifact: { tarGz: info(tarGz, gz), tarZst: info(tarZst, zst) },
    recipe: { digest: 'f'.repeat(64) },
    buildType: 'gnu_autotools',
    builder: { name: '@potions/builder', version: '0.1.0', node: 'v20.0.0' },
    builtAt: options.builtAt ?? '2025-03-01T12:00:00.000Z',
    durationMs: 1234,
  };
  await fs.writeFile(path.join(dir, metadata), `${JSON.stringify(doc, null, 2)}\n`);
  return { tarGz, tarZst, metadata, sha256: { tarGz: doc.artifact.tarGz.sha256, tarZst: doc.artifact.tarZst.sha256 } };
}
