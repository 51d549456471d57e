/**
 * Write docs/recipe.schema.json from the zod schema in @potions/recipe (the
 * one source of truth). Run: npx tsx scripts/gen-recipe-schema.ts
 * A test fails when the committed file is stale.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// Relative paths: the workspace root does not depend on the packages by name.
import { writeFileAtomic } from '../packages/core/src/index';
import { recipeJsonSchema } from '../packages/recipe/src/index';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'docs', 'recipe.schema.json');
await writeFileAtomic(out, `${JSON.stringify(recipeJsonSchema(), null, 2)}\n`);
process.stderr.write(`wrote ${path.relative(root, out)}\n`);
