/**
 * Writes docs/manifest.schema.json from the zod schema in packages/manifest.
 * Run: npx tsx scripts/gen-manifest-schema.ts
 * A test in packages/manifest fails when the file is stale.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// Relative paths: the workspace root does not depend on the packages by name.
import { writeFileAtomic } from '../packages/core/src/index';
import { manifestJsonSchema } from '../packages/manifest/src/index';

const dest = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'manifest.schema.json');
await writeFileAtomic(dest, `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
console.error(`wrote ${path.relative(process.cwd(), dest)}`);
