import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashFileSync, hashFilesInWorkers } from './hash';
import { localObjectsFromFiles } from './sync';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const later = (): number => Date.now() + 10_000;
let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-hash-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

test('worker threads hash like the main thread, and stamp only files that settled', async () => {
  const blobs = [randomBytes(5 * 1024 * 1024 + 7), randomBytes(0), randomBytes(4 * 1024 * 1024), randomBytes(100)];
  const files = blobs.map((_, i) => path.join(root, `w${i}.bin`));
  await Promise.all(files.map((f, i) => fs.writeFile(f, blobs[i]!)));
  const inWorkers = await hashFilesInWorkers(files, 2, later);
  expect(inWorkers.map((h) => [h.size, h.sha256])).toEqual(blobs.map((b) => [b.length, sha(b)]));
  expect(inWorkers.every((h) => h.stamp !== undefined)).toBe(true);
  expect(files.map((f) => hashFileSync(f, later()))).toEqual(inWorkers);
  // Just written: too recent for the stat to stand for the bytes.
  expect((await hashFilesInWorkers(files, 2, Date.now)).some((h) => h.stamp)).toBe(false);
  await expect(hashFilesInWorkers([path.join(root, 'missing')], 2, later)).rejects.toMatchObject({ code: 'ENOENT' });
});

test('localObjectsFromFiles hashes large files on workers and keeps the order given', async () => {
  const blobs = [randomBytes(1000), randomBytes(17 * 1024 * 1024), randomBytes(16 * 1024 * 1024), randomBytes(2 * 1024 * 1024)];
  const files = blobs.map((_, i) => path.join(root, `o${i}.tar.gz`));
  await Promise.all(files.map((f, i) => fs.writeFile(f, blobs[i]!)));
  const objects = await localObjectsFromFiles(files, { threads: 2 });
  expect(objects.map((o) => [o.name, o.size, o.sha256])).toEqual(blobs.map((b, i) => [`o${i}.tar.gz`, b.length, sha(b)]));
});
