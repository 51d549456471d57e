import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, S3Client, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, startLocalMirrors, type LocalMirrors } from './index';
import { continuationTokenFor, keyOfContinuationToken, v2ListingFromV1 } from './list-v2';

let root: string;
let local: LocalMirrors;
let client: S3Client;

// Names that need escaping in XML and in URLs.
const KEYS = ['a/1.txt', 'a/2 & 3.txt', 'a/<4>.txt', 'a/5.txt', "a/6'.txt", 'a/é.txt', 'b/7.txt'];
/** Every key, in the server's order, from one listing that fits in one page. */
let listed: string[];

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-list-v2-'));
  local = await startLocalMirrors({ dir: root, count: 1 });
  const m = local.mirrors[0]!;
  client = new S3Client({ endpoint: m.endpoint, region: m.region, forcePathStyle: true, credentials: LOCAL_CREDENTIALS });
  for (const Key of KEYS) await client.send(new PutObjectCommand({ Bucket: m.bucket, Key, Body: Key }));
  const whole = await client.send(new ListObjectsV2Command({ Bucket: m.bucket }));
  expect(whole.IsTruncated).toBe(false);
  listed = whole.Contents!.map((o) => o.Key!);
  expect([...listed].sort()).toEqual([...KEYS].sort());
});

afterAll(async () => {
  client.destroy();
  await local.close();
  await fs.rm(root, { recursive: true, force: true });
});

test('a ListObjectsV2 listing longer than a page continues to the end (s3rver alone answers 500 there)', async () => {
  const pages: string[][] = [];
  for await (const page of paginateListObjectsV2({ client, pageSize: 2 }, { Bucket: local.mirrors[0]!.bucket })) {
    pages.push((page.Contents ?? []).map((o) => o.Key!));
    expect(page.KeyCount).toBe(page.Contents?.length ?? 0);
  }
  expect(pages).toEqual([listed.slice(0, 2), listed.slice(2, 4), listed.slice(4, 6), listed.slice(6)]);
});

test('prefix, start-after and a token handed back are honoured; the last page has no token', async () => {
  const Bucket = local.mirrors[0]!.bucket;
  const inA = listed.filter((k) => k.startsWith('a/'));
  const first = await client.send(new ListObjectsV2Command({ Bucket, Prefix: 'a/', MaxKeys: 5 }));
  expect(first.Contents!.map((o) => o.Key)).toEqual(inA.slice(0, 5));
  expect(first.IsTruncated).toBe(true);
  const rest = await client.send(new ListObjectsV2Command({ Bucket, Prefix: 'a/', MaxKeys: 5, ContinuationToken: first.NextContinuationToken }));
  expect(rest.Contents!.map((o) => o.Key)).toEqual(inA.slice(5));
  expect(rest).toMatchObject({ IsTruncated: false, ContinuationToken: first.NextContinuationToken });
  expect(rest.NextContinuationToken).toBeUndefined();
  const after = await client.send(new ListObjectsV2Command({ Bucket, StartAfter: listed[3] }));
  expect(after.Contents!.map((o) => o.Key)).toEqual(listed.slice(4));
  expect(after.StartAfter).toBe(listed[3]);
});

test('the V1 answer becomes a V2 answer; a token is the last key, whatever its characters', () => {
  const v1 =
    '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult><Name>potions</Name><Prefix></Prefix><Marker></Marker><MaxKeys>1</MaxKeys>' +
    '<IsTruncated>true</IsTruncated><Contents><Key>x &amp; &lt;y&gt; &#x27;z&#x27;</Key><Size>1</Size></Contents></ListBucketResult>';
  const v2 = v2ListingFromV1(v1, { continuationToken: 'tok&' });
  expect(v2).not.toContain('<Marker>');
  expect(v2).toContain('<KeyCount>1</KeyCount><ContinuationToken>tok&amp;</ContinuationToken>');
  const token = /<NextContinuationToken>([^<]*)</.exec(v2)![1]!;
  expect(keyOfContinuationToken(token)).toBe("x & <y> 'z'");
  expect(continuationTokenFor("x & <y> 'z'")).toBe(token);
});
