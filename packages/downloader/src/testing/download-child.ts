/**
 * A download in a process of its own, for the test that kills it midway:
 *   node --import tsx download-child.ts
 * with POTIONS_TEST_URLS (JSON list), POTIONS_TEST_DEST and POTIONS_TEST_SHA256.
 */
import { downloadFile } from '../download-file';

const result = await downloadFile({
  urls: JSON.parse(process.env.POTIONS_TEST_URLS ?? '[]') as string[],
  dest: process.env.POTIONS_TEST_DEST ?? '',
  sha256: process.env.POTIONS_TEST_SHA256,
  segments: Number(process.env.POTIONS_TEST_SEGMENTS ?? '1'),
  minSegmentBytes: 64 * 1024,
});
process.stdout.write(`${JSON.stringify(result)}\n`);
