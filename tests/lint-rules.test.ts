import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

// The house rules in eslint.config.js, checked against code that breaks them: a configuration
// that silently stops seeing imports (as import-x did without its TypeScript settings) fails here.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: root });

async function rulesHit(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

test('packages never import @actions/*', async () => {
  expect(await rulesHit('packages/core/src/x.ts', "import { getInput } from '@actions/core';\nexport const x = getInput;\n")).toContain('no-restricted-imports');
  // The actions may: they adapt the packages to GitHub.
  expect(await rulesHit('actions/common/src/x.ts', "import { getInput } from '@actions/core';\nexport const x = getInput;\n")).not.toContain('no-restricted-imports');
});

test("no deep import into another package's src/", async () => {
  expect(await rulesHit('packages/builder/src/x.ts', "import { loadRecipe } from '@potions/recipe/src/load';\nexport const x = loadRecipe;\n")).toContain('no-restricted-imports');
  expect(await rulesHit('packages/builder/src/x.ts', "import { loadRecipe } from '../../recipe/src/load';\nexport const x = loadRecipe;\n")).toContain('no-restricted-imports');
  expect(await rulesHit('packages/builder/src/x.ts', "import { recipeEdges } from '@potions/recipe';\nexport const x = recipeEdges;\n")).toEqual([]);
});

test('an import cycle is found', async () => {
  // On the real tree: errors.ts importing the index that re-exports it closes a cycle.
  expect(await rulesHit('packages/core/src/errors.ts', "import { UserError } from './index';\nexport const x = UserError;\n")).toContain('import-x/no-cycle');
});
