import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { RecordingReporter, hasCode } from '@potions/core';
import { startS3Proxy } from './testing';
import { LOCAL_CREDENTIALS, startLocalMirrors, type LocalMirrors } from '@potions/local-mirrors';
import { S3MirrorTarget, classifyS3Error, s3ClientFor } from './index';

let root: string;
let local: LocalMirrors;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-client-'));
  local = await startLocalMirrors({ dir: root, count: 1 });
});
afterAll(async () => {
  await local.close();
  await fs.rm(root, { recursive: true, force: true });
});

async function streamedRoundTrip(client: S3Client, key: string, file: string, size: number): Promise<Buffer> {
  const m = local.mirrors[0]!;
  await client.send(new PutObjectCommand({ Bucket: m.bucket, Key: key, Body: createReadStream(file), ContentLength: size }));
  const out = await client.send(new GetObjectCommand({ Bucket: m.bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

test('the SDK defaults store a streamed upload corrupted on s3rver; our client settings do not', async () => {
  const m = local.mirrors[0]!;
  const bytes = randomBytes(100_000);
  const file = path.join(root, 'payload.bin');
  await fs.writeFile(file, bytes);

  const sdkDefaults = new S3Client({ endpoint: m.endpoint, region: m.region, forcePathStyle: true, credentials: LOCAL_CREDENTIALS });
  const ours = s3ClientFor(m, LOCAL_CREDENTIALS);
  try {
    const corrupted = await streamedRoundTrip(sdkDefaults, 'defaults.bin', file, bytes.length);
    // aws-chunked framing (chunk sizes and a CRC32 trailer) kept as the object's bytes.
    expect(corrupted.equals(bytes)).toBe(false);
    expect(corrupted.length).toBeGreaterThan(bytes.length);
    expect(corrupted.subarray(0, 20).toString('latin1')).toMatch(/^[0-9a-f]+\r\n/);

    const good = await streamedRoundTrip(ours, 'ours.bin', file, bytes.length);
    expect(createHash('sha256').update(good).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
  } finally {
    sdkDefaults.destroy();
    ours.destroy();
  }
});

test('s3rver ignores If-Match / If-None-Match, so the target refuses conditional writes there', async () => {
  const m = local.mirrors[0]!;
  const raw = s3ClientFor(m, LOCAL_CREDENTIALS);
  try {
    await raw.send(new PutObjectCommand({ Bucket: m.bucket, Key: 'cond', Body: 'one' }));
    // Both of these would be refused with 412 by S3, R2 or MinIO; s3rver writes anyway.
    await raw.send(new PutObjectCommand({ Bucket: m.bucket, Key: 'cond', Body: 'two', IfNoneMatch: '*' }));
    await raw.send(new PutObjectCommand({ Bucket: m.bucket, Key: 'cond', Body: 'three', IfMatch: '"not-the-etag"' }));
    const out = await raw.send(new GetObjectCommand({ Bucket: m.bucket, Key: 'cond' }));
    expect(await out.Body!.transformToString()).toBe('three');
  } finally {
    raw.destroy();
  }
  const target = new S3MirrorTarget(m, { reporter: new RecordingReporter() });
  try {
    expect(target.conditionalWrites).toBe(false);
    await expect(
      target.putObject('manifest.json', '{}', { contentType: 'application/json', cacheControl: 'no-cache', ifNoneMatch: '*' }),
    ).rejects.toMatchObject({ code: 'E_MIRRORS_CONDITIONAL_UNSUPPORTED' });
  } finally {
    await target.close();
  }
});

test('behind the test proxy that enforces them, conditional writes fail as on S3 and R2, with the mirrors code', async () => {
  const m = { ...local.mirrors[0]!, prefix: 'cas' };
  const proxy = await startS3Proxy(m.endpoint);
  proxy.enforceConditionalWrites = true;
  const target = new S3MirrorTarget({ ...m, endpoint: proxy.url, conditionalWrites: true }, { reporter: new RecordingReporter() });
  const json = { contentType: 'application/json', cacheControl: 'no-cache' };
  try {
    const first = await target.putObject('manifest.json', '{"v":1}', { ...json, ifNoneMatch: '*' });
    await expect(target.putObject('manifest.json', '{"v":2}', { ...json, ifNoneMatch: '*' })).rejects.toMatchObject({ code: 'E_MIRRORS_PRECONDITION_FAILED' });
    const second = await target.putObject('manifest.json', '{"v":3}', { ...json, ifMatch: first.etag });
    await expect(target.putObject('manifest.json', '{"v":4}', { ...json, ifMatch: first.etag })).rejects.toMatchObject({ code: 'E_MIRRORS_PRECONDITION_FAILED' });
    expect(Buffer.from((await target.getObject('manifest.json'))!.bytes).toString()).toBe('{"v":3}');
    expect(second.etag).not.toBe(first.etag);
    expect(proxy.preconditionFailures).toEqual(['cas/manifest.json', 'cas/manifest.json']);
    // Two compare-and-swaps on the same ETag at once: exactly one wins.
    const results = await Promise.allSettled(['a', 'b'].map((v) => target.putObject('manifest.json', `{"v":"${v}"}`, { ...json, ifMatch: second.etag })));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  } finally {
    await target.close();
    await proxy.close();
  }
});

test('MirrorTarget reads, writes, heads and lists mutable objects', async () => {
  const m = { ...local.mirrors[0]!, prefix: 'pfx' };
  const target = new S3MirrorTarget(m, { reporter: new RecordingReporter() });
  try {
    expect(await target.getObject('manifest.json')).toBeUndefined();
    expect(await target.headObject('manifest.json')).toBeUndefined();
    const { etag } = await target.putObject('manifest.json', '{"v":1}', {
      contentType: 'application/json',
      cacheControl: 'public, max-age=60',
    });
    const got = await target.getObject('manifest.json');
    expect(Buffer.from(got!.bytes).toString()).toBe('{"v":1}');
    expect(got).toMatchObject({ etag, contentType: 'application/json', cacheControl: 'public, max-age=60', size: 7 });
    expect(await target.headObject('manifest.json')).toMatchObject({ size: 7, etag });
    expect(await target.list('')).toEqual([{ key: 'manifest.json', size: 7, etag }]);
    expect(target.url('manifest.json')).toBe(`${m.endpoint}/potions/pfx/manifest.json`);
    const res = await fetch(target.url('manifest.json'));
    expect(await res.text()).toBe('{"v":1}');
  } finally {
    await target.close();
  }
});

test('listings page through many keys (s3rver: V1 with markers)', async () => {
  const m = { ...local.mirrors[0]!, prefix: 'paged' };
  const proxy = await startS3Proxy(m.endpoint);
  const target = new S3MirrorTarget({ ...m, endpoint: proxy.url }, { reporter: new RecordingReporter(), listPageSize: 2 });
  try {
    for (const k of ['a', 'b', 'c', 'd', 'e']) await target.putObject(`x/${k}`, k, { contentType: 'text/plain', cacheControl: 'no-cache' });
    proxy.resetCounts();
    expect((await target.list('x/')).map((o) => o.key)).toEqual(['x/a', 'x/b', 'x/c', 'x/d', 'x/e']);
    expect(proxy.counts.list).toBe(3);
    const probe = await target.probe('x/');
    expect(probe.key).toBe('x/a');
  } finally {
    await target.close();
    await proxy.close();
  }
});

test('a request to a closed port is retried, then fails naming the mirror', async () => {
  const closed = { ...local.mirrors[0]!, name: 'gone', endpoint: 'http://127.0.0.1:1' };
  const reporter = new RecordingReporter();
  const target = new S3MirrorTarget(closed, { reporter, retry: { attempts: 3, baseMs: 1, maxMs: 2 } });
  try {
    const err = await target.list('').catch((e: unknown) => e);
    expect(hasCode(err, 'E_MIRRORS_REQUEST_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/^gone: list \/: .*ECONNREFUSED/);
    expect(reporter.lines.filter((l) => l.level === 'debug' && /try \d/.test(l.message))).toHaveLength(2);
  } finally {
    await target.close();
  }
});

test('retryable errors: 5xx, 429, throttling and network errors; not 4xx', () => {
  expect(classifyS3Error({ $metadata: { httpStatusCode: 503 } }).retry).toBe(true);
  expect(classifyS3Error({ $metadata: { httpStatusCode: 429 }, $response: { headers: { 'retry-after': '3' } } })).toEqual({
    retry: true,
    afterMs: 3000,
  });
  expect(classifyS3Error({ name: 'SlowDown', $metadata: { httpStatusCode: 400 } }).retry).toBe(true);
  expect(classifyS3Error(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).retry).toBe(true);
  expect(classifyS3Error({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }).retry).toBe(false);
  expect(classifyS3Error({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } }).retry).toBe(false);
});
