import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestTap } from './etag';
import { etagMatches, multipartEtag, normalizeEtag } from './index';

const md5 = (b: Uint8Array): Buffer => createHash('md5').update(b).digest();

test('the multipart ETag is the MD5 of the concatenated part MD5s, dash, part count', () => {
  // Known value: two parts "a" and "b" -> md5(md5("a") || md5("b")) = ...-2
  const expected = createHash('md5').update(Buffer.concat([md5(Buffer.from('a')), md5(Buffer.from('b'))])).digest('hex');
  expect(multipartEtag([md5(Buffer.from('a')), md5(Buffer.from('b'))])).toBe(`${expected}-2`);
  expect(normalizeEtag('W/"ABC"')).toBe('abc');
  expect(etagMatches({ md5: 'abc' }, '"abc"')).toBe(true);
  expect(etagMatches({ md5: 'abc' }, '"abd"')).toBe(false);
  expect(etagMatches({ md5: 'abc', multipart: 'def-2' }, 'def-2')).toBe(true);
  expect(etagMatches({ md5: 'abc' }, undefined)).toBe(false);
});

test('DigestTap passes bytes through and splits parts exactly at the part size, across chunk boundaries', async () => {
  const bytes = randomBytes(10_000);
  const chunks = [bytes.subarray(0, 1), bytes.subarray(1, 4099), bytes.subarray(4099, 9000), bytes.subarray(9000)];
  const tap = new DigestTap(4096);
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), tap, async (src: AsyncIterable<Buffer>) => {
    for await (const c of src) out.push(c);
  });
  expect(Buffer.concat(out).equals(bytes)).toBe(true);
  const r = tap.result();
  expect(r.size).toBe(10_000);
  expect(r.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  expect(r.expected!.md5).toBe(md5(bytes).toString('hex'));
  const parts = [bytes.subarray(0, 4096), bytes.subarray(4096, 8192), bytes.subarray(8192)].map(md5);
  expect(r.expected!.multipart).toBe(multipartEtag(parts));
});
