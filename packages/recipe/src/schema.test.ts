import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as api from './index';
import { recipeJsonSchema } from './index';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('the JSON Schema', () => {
  it('in docs/ is generated from the zod schema (run: npx tsx scripts/gen-recipe-schema.ts)', async () => {
    const committed = await fs.readFile(path.join(ROOT, 'docs/recipe.schema.json'), 'utf8');
    expect(committed).toBe(`${JSON.stringify(recipeJsonSchema(), null, 2)}\n`);
  });

  it('restricts platform keys to the four platforms', () => {
    const schema = recipeJsonSchema() as { properties: { download: { properties: { platforms: { propertyNames: { enum: string[] } } } } } };
    expect(schema.properties.download.properties.platforms.propertyNames.enum).toEqual(['darwin-x86_64', 'darwin-arm64', 'linux-amd64', 'linux-arm64']);
  });
});

describe('the public API', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'BUILD_TYPES', 'BUILD_VARIABLES', 'MAX_RECIPE_BYTES', 'BUILTIN_PLACEHOLDERS', 'DEFAULT_GITHUB_API_URL', 'RecipeErrorCode', 'RecipeIssueCode', 'TemplateError', 'applyCleanup', 'buildOrder',
        'checkGraph', 'checkRecipes', 'coverage', 'defaultPlatformValues', 'expandBuildVars', 'findCycles',
        'findRecipeFiles', 'formatCoverage', 'isSafeName', 'isSafeVersion', 'loadRecipeDir', 'loadRecipeFile', 'loadRecipePaths',
        'matchesInPage', 'parseCleanup', 'parseRecipe', 'planBuild', 'planDownloads', 'recipeDigest', 'recipeEdges', 'recipeJsonSchema',
        'recipeSchema', 'renderPlatformTemplate', 'renderTemplate', 'resolveVersion', 'selectVersions', 'splitWords',
        'templatePlaceholders', 'versionDepsFromEnv',
      ].sort(),
    );
  });
});
