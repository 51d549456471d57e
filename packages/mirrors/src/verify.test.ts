/**
 * Each verification mode against real s3rver servers behind a proxy that can
 * damage bodies, listings, metadata and headers: every mode must pass clean
 * uploads with the requests it promises, and must catch what it claims to.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalMirrors, type LocalMirrors } from '@potions/local-mirrors';
import { localObjectsFromDir, mirrorsConfigFromObject, type MirrorConfig } from './index';
import { startS3Proxy, syncConfigured, type S3Proxy } from './testing';

let root: string;
let local: LocalMirrors;
let proxy: S3Proxy;
let mirror: MirrorConfig;
let n = 0;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-verify-'));
  local = await startLocalMirrors({ dir: path.join(root, 'data'), count: 1 });
  proxy = await startS3Proxy(local.mirrors[0]!.endpoint);
  mirror = { ...local.mirrors[0]!, endpoint: proxy.url };
});

afterAll(async () => {
  await proxy.close();
  await local.close();
  await fs.rm(root, { recursive: true, force: true });
});

afterEach(() => {
  proxy.corruptGets = false;
  proxy.corruptPuts = false;
  proxy.stripPutMetadata = false;
  proxy.listEtag = undefined;
  proxy.putResponseHeaders = {};
});

const fast: Partial<Parameters<typeof syncConfigured>[1]> = { retry: { attempts: 2, baseMs: 5, maxMs: 20 } };

/** A folder of fresh random files (new digests, so new keys, every call). */
async function files(count: number, size = 3000): Promise<string> {
  const dir = path.join(root, `set-${n++}`);
  await fs.mkdir(dir);
  for (let i = 0; i < count; i++) await fs.writeFile(path.join(dir, `f${i}.tar.gz`), randomBytes(size + i));
  return dir;
}

async function sync(dir: string, options: Partial<Parameters<typeof syncConfigured>[1]> = {}) {
  const objects = await localObjectsFromDir(dir);
  proxy.resetCounts();
  const { result } = await syncConfigured(objects, { mirrors: [mirror], ...fast, ...options });
  return { objects, result: result!, counts: { ...proxy.counts } };
}

async function storedBytes(key: string): Promise<Buffer | undefined> {
  const res = await fetch(`${local.mirrors[0]!.endpoint}/${mirror.bucket}/${key}`);
  return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : undefined;
}

describe('etag (the default for s3rver, s3, r2, wasabi, minio)', () => {
  test('verifies by the ETag and one listing: no GET, no HEAD per object', async () => {
    const { result, counts } = await sync(await files(5));
    expect(result.mirrors[0]).toMatchObject({ verify: 'etag', uploaded: 5, verified: 5, failed: 0 });
    expect(result.objects.every((o) => o.mirrors[0]!.verifiedBy === 'etag')).toBe(true);
    // One listing to plan, one to read back; five PUTs with Content-MD5.
    expect(counts).toEqual({ put: 5, get: 0, head: 0, list: 2, post: 0, delete: 0 });
  });

  test('with fewer uploads than listing pages, a HEAD each reads the ETag back instead', async () => {
    const { result, counts } = await sync(await files(1));
    expect(result.objects[0]!.mirrors[0]).toMatchObject({ status: 'uploaded', verifiedBy: 'etag' });
    expect(counts).toEqual({ put: 1, get: 0, head: 1, list: 1, post: 0, delete: 0 });
  });

  test('a body damaged on the way is caught (ETag differs), judged by its bytes, and removed', async () => {
    const dir = await files(2);
    proxy.corruptPuts = true;
    const { objects, result, counts } = await sync(dir);
    expect(result.policyMet).toBe(false);
    for (const o of result.objects) {
      expect(o.mirrors[0]).toMatchObject({ status: 'failed', present: false });
      expect(o.mirrors[0]!.error).toMatch(/read-back mismatch: sha256 [0-9a-f]{64}, expected/);
      expect(await storedBytes(o.key)).toBeUndefined();
    }
    expect(counts).toMatchObject({ put: 2, get: 2, delete: 2 });
    proxy.corruptPuts = false;
    const again = await syncConfigured(objects, { mirrors: [mirror], ...fast });
    expect(again.result!.mirrors[0]).toMatchObject({ uploaded: 2, verified: 2 });
  });

  test('a listing that shows another ETag sends the object to a GET, which decides', async () => {
    const dir = await files(3);
    proxy.listEtag = '0'.repeat(32);
    const { result, counts } = await sync(dir);
    // The bytes are right, so they count, but each was downloaded to find out.
    expect(result.mirrors[0]).toMatchObject({ uploaded: 3, verified: 3, verifiedByGet: 3, failed: 0 });
    expect(result.objects.every((o) => o.mirrors[0]!.verifiedBy === 'get')).toBe(true);
    expect(counts).toMatchObject({ put: 3, get: 3, list: 2 });
  });

  test('an SSE-KMS upload (ETag not an MD5) is read back with GET instead', async () => {
    const dir = await files(2);
    proxy.putResponseHeaders = { 'x-amz-server-side-encryption': 'aws:kms' };
    const { result, counts } = await sync(dir);
    expect(result.mirrors[0]).toMatchObject({ uploaded: 2, verified: 2, verifiedByGet: 2 });
    expect(counts).toMatchObject({ put: 2, get: 2, list: 1 });
  });

  test('streamed and multipart uploads are verified by their ETag too', async () => {
    const dir = await files(2, 6 * 1024 * 1024);
    const { result, counts } = await sync(dir, {
      inMemoryMax: 64 * 1024,
      partSize: 5 * 1024 * 1024,
      multipartThreshold: 6 * 1024 * 1024 + 1,
    });
    expect(result.mirrors[0]).toMatchObject({ uploaded: 2, verified: 2, failed: 0 });
    expect(result.objects.every((o) => o.mirrors[0]!.verifiedBy === 'etag')).toBe(true);
    // f0 (6 MiB) in one streamed PUT; f1 (6 MiB + 1) in two parts (2 POSTs: create, complete).
    expect(counts).toMatchObject({ put: 3, post: 2, get: 0 });
  });

  test('a file that changes after hashing is refused, not stored under the old digest', async () => {
    const dir = await files(1, 200_000);
    const objects = await localObjectsFromDir(dir);
    const file = objects[0]!.path;
    await fs.writeFile(file, randomBytes(200_000));
    const { result } = await syncConfigured(objects, { mirrors: [mirror], inMemoryMax: 1024, ...fast });
    expect(result!.objects[0]!.mirrors[0]!.error).toMatch(/changed since it was hashed \(sha256 differs\)/);
    expect(await storedBytes(result!.objects[0]!.key)).toBeUndefined();
  });
  test('a file whose stat stands for its sha256 is not hashed again, and a change shows in its stat', async () => {
    // A clock 10 s ahead: the files count as settled (changed more than RACY_MS before the stat).
    const later = { now: () => new Date(Date.now() + 10_000) };
    const dir = await files(2, 200_000);
    const objects = await localObjectsFromDir(dir, later);
    expect(objects.every((o) => o.stamp !== undefined)).toBe(true);
    proxy.resetCounts();
    const { result } = await syncConfigured(objects, { mirrors: [mirror], inMemoryMax: 1024, ...fast });
    expect(result!.mirrors[0]).toMatchObject({ uploaded: 2, verified: 2, failed: 0 });
    // sha256 once per file (the hashing pass), MD5 once (the upload); no second sha256.
    expect(result!.hashedBytes).toEqual({ sha256: 400_001, md5: 400_001 });

    const changedDir = await files(2, 200_000);
    const f0 = path.join(changedDir, 'f0.tar.gz');
    await fs.utimes(f0, 1_000_000_000, 1_000_000_000);
    const stamped = await localObjectsFromDir(changedDir, later);
    // Same size, other bytes, and the mtime put back (as `touch -r`, rsync -t or tar do): the ctime still shows it.
    await fs.writeFile(f0, randomBytes(200_000));
    await fs.utimes(f0, 1_000_000_000, 1_000_000_000);
    const bad = await syncConfigured(stamped, { mirrors: [mirror], ...fast });
    expect(bad.result!.objects.find((o) => o.name === 'f0.tar.gz')!.mirrors[0]!.error).toMatch(
      /changed since it was hashed \(file status differs: ctime\)/,
    );
    expect(bad.result!.objects.find((o) => o.name === 'f1.tar.gz')!.mirrors[0]!.status).toBe('uploaded');
  });

  test('a file replaced by another one (new inode) after hashing is refused', async () => {
    const dir = await files(1, 300_000);
    const objects = await localObjectsFromDir(dir, { now: () => new Date(Date.now() + 10_000) });
    const file = objects[0]!.path;
    await fs.writeFile(`${file}.new`, randomBytes(300_000));
    await fs.rename(`${file}.new`, file);
    const { result } = await syncConfigured(objects, { mirrors: [mirror], inMemoryMax: 1024, ...fast });
    expect(result!.objects[0]!.mirrors[0]!.error).toMatch(/changed since it was hashed \(file status differs: .*inode/);
    expect(await storedBytes(result!.objects[0]!.key)).toBeUndefined();
  });
});

describe('get', () => {
  test('downloads and hashes each upload, and catches bytes served wrong', async () => {
    const clean = await sync(await files(2), { verify: 'get' });
    expect(clean.result.mirrors[0]).toMatchObject({ verify: 'get', verified: 2 });
    expect(clean.counts).toMatchObject({ put: 2, get: 2, list: 1 });
    proxy.corruptGets = true;
    const bad = await sync(await files(1), { verify: 'get' });
    expect(bad.result.objects[0]!.mirrors[0]!.error).toMatch(/read-back mismatch: sha256/);
  });

  test('is the default for provider "other"', async () => {
    const { result, counts } = await sync(await files(2), { mirrors: [{ ...mirror, provider: 'other' }] });
    expect(result.mirrors[0]!.verify).toBe('get');
    expect(counts).toMatchObject({ put: 2, get: 2 });
  });
});

describe('head', () => {
  test('checks size and the sha256 metadata, and catches a store that dropped it', async () => {
    const clean = await sync(await files(2), { verify: 'head' });
    expect(clean.result.mirrors[0]).toMatchObject({ verify: 'head', verified: 2 });
    expect(clean.counts).toMatchObject({ put: 2, head: 2, get: 0 });
    proxy.stripPutMetadata = true;
    const bad = await sync(await files(1), { verify: 'head' });
    expect(bad.result.objects[0]!.mirrors[0]!.error).toMatch(/x-amz-meta-sha256 \(none\), expected [0-9a-f]{64}/);
  });
});

test('a mirror\'s `verify` in the configuration is used, and the sync option wins over it', async () => {
  const cfg = mirrorsConfigFromObject({
    mirrors: [{ name: 'm', provider: 's3rver', endpoint: mirror.endpoint, bucket: mirror.bucket, verify: 'head' }],
  });
  expect(cfg.mirrors[0]!.verify).toBe('head');
  const m = { ...mirror, verify: 'head' as const };
  const byConfig = await sync(await files(1), { mirrors: [m] });
  expect(byConfig.counts).toMatchObject({ head: 1, get: 0 });
  const byOption = await sync(await files(1), { mirrors: [m], verify: 'get' });
  expect(byOption.counts).toMatchObject({ head: 0, get: 1 });
  expect(() =>
    mirrorsConfigFromObject({ mirrors: [{ name: 'm', endpoint: mirror.endpoint, bucket: 'bkt', verify: 'md5' }] }, 'm.yaml'),
  ).toThrow(expect.objectContaining({ code: 'E_MIRRORS_CONFIG_INVALID', message: expect.stringMatching(/etag, get, head.*"md5"/) }));
});
