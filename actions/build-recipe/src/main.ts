import path from 'node:path';
import * as core from '@actions/core';
import { ActionsReporter, writeSummaryTable } from '@potions/action-common';
import { errorMessage } from '@potions/core';
import { resolveVersion, versionDepsFromEnv, type Recipe } from '@potions/recipe';
import { BuildFailure, buildRecipe, findRecipe, loadRecipeOrThrow, planRecipeBuild } from '@potions/builder';
import { buildCacheFor } from './actions-cache';
import { Outputs } from './constants';
import { readInputs } from './inputs';

/** Wire the inputs, the builder and the cache; report outputs, a summary table and annotations. */
export async function main(): Promise<void> {
  const inputs = readInputs();
  const reporter = new ActionsReporter();
  const versionOf = async (recipe: Recipe): Promise<string> => (await resolveVersion(recipe, { ...versionDepsFromEnv(), reporter })).version;
  let recipeName = inputs.recipe;
  let version = inputs.version ?? '';
  try {
    const file = await findRecipe(inputs.recipe, [inputs.recipesDir]);
    const loaded = await loadRecipeOrThrow(file);
    recipeName = loaded.recipe.name;
    version = inputs.version ?? (await versionOf(loaded.recipe));
    const plan = await planRecipeBuild({
      file,
      platform: inputs.platform,
      version,
      recipeDirs: [inputs.recipesDir, path.dirname(file)],
      dependencyVersion: versionOf,
    });
    const result = await buildRecipe(plan.spec, {
      outDir: inputs.outputDir,
      sourceMirrors: inputs.sourceMirrors,
      cache: buildCacheFor(inputs.cache),
      dependencies: plan.dependencies,
      reporter,
    });
    core.setOutput(Outputs.Artifact, result.artifact);
    core.setOutput(Outputs.Sha256, result.sha256);
    core.setOutput(Outputs.Version, result.version);
    core.setOutput(Outputs.Status, result.status);
    core.setOutput(Outputs.Metadata, result.metadataFile);
    const notes =
      result.status === 'fallback'
        ? [`The official binary could not be had (${result.metadata.fallbackReason?.split('\n')[0] ?? 'unreachable'}); built from source_build.`]
        : [];
    await writeSummaryTable(
      'Potions build',
      ['recipe', 'version', 'platform', 'status', 'method', 'artifact', 'sha256', 'cache'],
      [[result.name, result.version, result.platform, result.status, result.method, path.basename(result.artifact), result.sha256, result.cached ? 'hit' : 'miss']],
      notes,
    );
  } catch (err) {
    const step = err instanceof BuildFailure ? err.step : 'resolve';
    core.setOutput(Outputs.Status, 'failed');
    core.setOutput(Outputs.Version, version);
    const message = errorMessage(err);
    core.error(message, { title: `build-recipe: ${recipeName} failed at ${step}`, file: err instanceof BuildFailure ? err.location?.file : undefined });
    await writeSummaryTable('Potions build', ['recipe', 'version', 'platform', 'status', 'failed step'], [[recipeName, version, inputs.platform, 'failed', step]], [
      `\`\`\`\n${message.slice(0, 4000)}\n\`\`\``,
    ]);
    core.setFailed(`${recipeName}: ${step} failed`);
  }
}
