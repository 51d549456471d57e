import { execFile } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { RecordingReporter } from '@potions/core';
import { startLocalMirrors, type LocalMirrors } from '@potions/local-mirrors';
import { rcloneEnv } from '@potions/local-mirrors/testing';
import { CACHE_CONTROL_IMMUTABLE, S3MirrorTarget, artifactKey, localObjectsFromDir, type MirrorConfig } from './index';
import { startS3Proxy, syncConfigured, type S3Proxy } from './testing';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let root: string;
let local: LocalMirrors;
let proxies: S3Proxy[];
let mirrors: MirrorConfig[];

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-mirrors-'));
  local = await startLocalMirrors({ dir: path.join(root, 'data'), count: 2 });
  proxies = await Promise.all(local.mirrors.map((m) => startS3Proxy(m.endpoint)));
  mirrors = local.mirrors.map((m, i) => ({ ...m, endpoint: proxies[i]!.url }));
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await local.close();
  await fs.rm(root, { recursive: true, force: true });
});

const fast: Partial<Parameters<typeof syncConfigured>[1]> = { retry: { attempts: 2, baseMs: 5, maxMs: 20 } };

async function makeDir(name: string, files: Record<string, Uint8Array>): Promise<string> {
  const dir = path.join(root, name);
  await fs.mkdir(dir, { recursive: true });
  for (const [f, b] of Object.entries(files)) await fs.writeFile(path.join(dir, f), b);
  return dir;
}

function resetCounts(): void {
  for (const p of proxies) p.resetCounts();
}

test('sync lands on both mirrors with the right bytes and headers, and a re-run uploads nothing', async () => {
  const files = {
    'tree-2.1.1-linux-amd64.tar.gz': randomBytes(200_000),
    'tree-2.1.1-linux-amd64.tar.gz.sigstore.json': Buffer.from('{"bundle":true}'),
    'notes.txt': Buffer.from('hello\n'),
  };
  const dir = await makeDir('first', files);
  const objects = await localObjectsFromDir(dir);
  resetCounts();
  const { result } = await syncConfigured(objects, { mirrors, ...fast });
  expect(result!.policyMet).toBe(true);
  expect(result!.mirrors.map((m) => [m.mirror, m.uploaded, m.failed, m.verified])).toEqual([
    ['local-1', 3, 0, 3],
    ['local-2', 3, 0, 3],
  ]);
  for (const [name, bytes] of Object.entries(files)) {
    const o = result!.objects.find((x) => x.name === name)!;
    expect(o.key).toBe(artifactKey(sha(bytes), name));
    expect(o.presentOn).toEqual(['local-1', 'local-2']);
    // Anonymous GET straight from each server (not through the proxy).
    for (const m of local.mirrors) {
      const res = await fetch(`${m.endpoint}/${m.bucket}/${o.key}`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
      expect(res.headers.get('cache-control')).toBe(CACHE_CONTROL_IMMUTABLE);
      expect(res.headers.get('x-amz-meta-sha256')).toBe(sha(bytes));
    }
  }
  const tgz = result!.objects.find((x) => x.name.endsWith('.tar.gz'))!;
  const head = await fetch(tgz.mirrors[0]!.url.replace(proxies[0]!.url, local.mirrors[0]!.endpoint), { method: 'HEAD' });
  expect(head.headers.get('content-type')).toBe('application/gzip');
  expect(proxies[0]!.counts.put).toBe(3);

  // Hashing: sha256 of each file once; MD5 of each upload (Content-MD5 / ETag), per mirror.
  const total = Object.values(files).reduce((n, b) => n + b.length, 0);
  expect(result!.hashedBytes!.md5).toBe(2 * total);

  resetCounts();
  // A no-op re-sync, hashing the files again as a new run would: sha256 only, no MD5.
  const again = await syncConfigured(await localObjectsFromDir(dir), { mirrors, ...fast });
  expect(again.result!.hashedBytes).toEqual({ sha256: total, md5: 0 });
  expect(again.result!.policyMet).toBe(true);
  expect(again.result!.mirrors.map((m) => [m.uploaded, m.skipped])).toEqual([
    [0, 3],
    [0, 3],
  ]);
  for (const p of proxies) {
    expect(p.counts).toEqual({ put: 0, get: 0, head: 0, list: 1, post: 0, delete: 0 });
  }
});

test('one mirror down: the other completes, the policy decides, and a later sync heals', async () => {
  const dir = await makeDir('down', { 'a.tar.gz': randomBytes(50_000), 'b.tar.gz': randomBytes(70_000) });
  const objects = await localObjectsFromDir(dir);
  proxies[1]!.down = true;
  try {
    const one = await syncConfigured(objects, { mirrors, minMirrors: 1, ...fast });
    expect(one.result!.policyMet).toBe(true);
    const [a, b] = one.result!.mirrors;
    expect([a!.uploaded, a!.failed, a!.ok]).toEqual([2, 0, true]);
    expect([b!.uploaded, b!.failed, b!.ok]).toEqual([0, 2, false]);
    expect(b!.error).toMatch(/local-2: list/);
    for (const o of one.result!.objects) {
      expect(o.presentOn).toEqual(['local-1']);
      expect(o.mirrors[1]!.status).toBe('failed');
    }
    const two = await syncConfigured(objects, { mirrors, minMirrors: 2, ...fast });
    expect(two.result!.policyMet).toBe(false);
    expect(two.result!.objects.every((o) => !o.policyMet)).toBe(true);
  } finally {
    proxies[1]!.down = false;
  }
  resetCounts();
  const healed = await syncConfigured(objects, { mirrors, minMirrors: 2, ...fast });
  expect(healed.result!.policyMet).toBe(true);
  expect(healed.result!.mirrors.map((m) => [m.uploaded, m.skipped])).toEqual([
    [0, 2],
    [2, 0],
  ]);
  expect(proxies[0]!.counts.put).toBe(0);
  expect(proxies[1]!.counts.put).toBe(2);
});

test('a corrupted read-back is detected, the object does not count, and the bad copy is removed', async () => {
  const bytes = randomBytes(30_000);
  const dir = await makeDir('corrupt', { 'c.tar.gz': bytes });
  const objects = await localObjectsFromDir(dir);
  proxies[0]!.corruptGets = true;
  let result;
  try {
    ({ result } = await syncConfigured(objects, { mirrors, verify: 'get', ...fast }));
  } finally {
    proxies[0]!.corruptGets = false;
  }
  const o = result!.objects[0]!;
  expect(o.mirrors[0]!.status).toBe('failed');
  expect(o.mirrors[0]!.error).toMatch(/read-back mismatch: sha256/);
  expect(o.mirrors[1]!.status).toBe('uploaded');
  expect(o.presentOn).toEqual(['local-2']);
  expect(result!.policyMet).toBe(true);
  // Deleted, so the next run uploads it again instead of taking it as present.
  resetCounts();
  const next = await syncConfigured(objects, { mirrors, ...fast });
  expect(next.result!.mirrors[0]!.uploaded).toBe(1);
  expect(next.result!.objects[0]!.presentOn).toEqual(['local-1', 'local-2']);
});

test('HEAD verification checks size and the sha256 metadata', async () => {
  const dir = await makeDir('head', { 'h.bin': randomBytes(10_000) });
  const objects = await localObjectsFromDir(dir);
  resetCounts();
  const { result } = await syncConfigured(objects, { mirrors, verify: 'head', ...fast });
  expect(result!.mirrors.every((m) => m.verified === 1)).toBe(true);
  expect(proxies[0]!.counts).toMatchObject({ put: 1, head: 1, get: 0 });
});

test('a file larger than the part size goes up in parts and round-trips', async () => {
  const bytes = randomBytes(12 * MiB + 123);
  const dir = await makeDir('multipart', { 'big.tar.zst': bytes });
  const objects = await localObjectsFromDir(dir);
  resetCounts();
  const { result } = await syncConfigured(objects, {
    mirrors,
    partSize: 5 * MiB,
    multipartThreshold: 5 * MiB,
    ...fast,
  });
  expect(result!.mirrors.map((m) => m.error ?? '')).toEqual(['', '']);
  expect(result!.objects[0]!.mirrors.map((m) => m.error ?? '')).toEqual(['', '']);
  expect(result!.policyMet).toBe(true);
  expect(result!.mirrors.every((m) => m.uploaded === 1 && m.verified === 1)).toBe(true);
  // CreateMultipartUpload + CompleteMultipartUpload are POSTs; three parts are PUTs.
  expect(proxies[0]!.counts.post).toBe(2);
  expect(proxies[0]!.counts.put).toBe(3);
  const t = new S3MirrorTarget(local.mirrors[1]!, { reporter: new RecordingReporter() });
  try {
    const got = await t.getObject(result!.objects[0]!.key);
    expect(got!.size).toBe(bytes.length);
    expect(sha(got!.bytes)).toBe(sha(bytes));
    expect(got!.contentType).toBe('application/zstd');
    expect(got!.metadata.sha256).toBe(sha(bytes));
  } finally {
    await t.close();
  }
});

test('credentials are masked and never appear in the result', async () => {
  const secret = `sekrit-${randomBytes(8).toString('hex')}`;
  const env = {
    POTIONS_MIRROR_LOCAL_1_ACCESS_KEY_ID: 'S3RVER',
    POTIONS_MIRROR_LOCAL_1_SECRET_ACCESS_KEY: 'S3RVER',
    POTIONS_MIRROR_LOCAL_2_ACCESS_KEY_ID: `AKIA${secret}`,
    POTIONS_MIRROR_LOCAL_2_SECRET_ACCESS_KEY: secret,
  };
  const fromEnv = mirrors.map(({ staticCredentials: _s, ...m }) => m);
  const dir = await makeDir('secret', { 's.txt': randomBytes(100) });
  const reporter = new RecordingReporter();
  const outcome = await syncConfigured(await localObjectsFromDir(dir), { mirrors: fromEnv, env, reporter, ...fast });
  expect(reporter.secrets).toEqual(expect.arrayContaining(['S3RVER', secret]));
  // An unknown key makes mirror 2 fail; mirror 1 works.
  expect(outcome.result!.mirrors.map((m) => m.ok)).toEqual([true, false]);
  expect(outcome.result!.mirrors[1]!.error).toMatch(/InvalidAccessKeyId/);
  const json = JSON.stringify(outcome);
  expect(json).not.toContain(secret);
  expect(json).not.toContain('S3RVER');
  expect(reporter.text()).not.toContain(secret);
});

test('rclone lists and reads what the sync uploaded, byte for byte', async () => {
  const bytes = randomBytes(100_000);
  const dir = await makeDir('rclone', { 'r.tar.gz': bytes });
  const { result } = await syncConfigured(await localObjectsFromDir(dir), { mirrors, ...fast });
  const key = result!.objects[0]!.key;
  const m = local.mirrors[0]!;
  const env = rcloneEnv(m, root);
  const ls = await run('rclone', ['lsjson', '--recursive', '--files-only', `m:${m.bucket}/${path.posix.dirname(key)}`], { env });
  expect(JSON.parse(ls.stdout)).toEqual([expect.objectContaining({ Path: 'r.tar.gz', Size: bytes.length })]);
  const cat = await run('rclone', ['cat', `m:${m.bucket}/${key}`], { env, encoding: 'buffer', maxBuffer: 10 * MiB });
  expect(sha(cat.stdout)).toBe(sha(bytes));
});
