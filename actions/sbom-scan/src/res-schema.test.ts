import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const req = createRequire(import.meta.url);
const OURS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'res', 'schema');

test('the CycloneDX schemas the bundle validates with are the library\'s own (after a library update: copy them again)', async () => {
  const theirs = path.join(path.dirname(req.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
  const files = (await fs.readdir(OURS)).sort();
  expect(files).toEqual(['bom-1.6.SNAPSHOT.schema.json', 'cryptography-defs.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json', 'spdx.SNAPSHOT.schema.json']);
  for (const f of files) expect([f, await fs.readFile(path.join(OURS, f), 'utf8')]).toEqual([f, await fs.readFile(path.join(theirs, f), 'utf8')]);
});
