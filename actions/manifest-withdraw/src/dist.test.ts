import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The packages of the embedded S3 server (local mirrors, tests): never part of an action bundle. */
const TEST_SERVER_PACKAGES = /^(s3rver|koa|koa-[\w.-]+|@koa\/[\w.-]+|busboy|winston|winston-[\w.-]+)$/;

test('the committed bundle carries no test server (s3rver, koa, busboy, winston)', () => {
  const licenses = readFileSync(fileURLToPath(new URL('../dist/licenses.txt', import.meta.url)), 'utf8');
  // Each bundled package starts its entry with its name on a line of its own.
  expect(licenses).toMatch(/^@aws-sdk\/client-s3$/m);
  expect(licenses.split('\n').filter((line) => TEST_SERVER_PACKAGES.test(line))).toEqual([]);
});
