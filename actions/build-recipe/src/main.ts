import path from 'node:path';
import * as core from '@actions/core';
import { ActionsReporter, writeSummaryTable } from '@potions/action-common';
import { errorMessage, isUserError } from '@potions/core';
import { buildFromRecipeRef, findRecipe, isBuildError, loadRecipeOrThrow } from '@potions/builder';
import { resolveVersion, versionDepsFromEnv } from '@potions/recipe';
import { buildCacheFor } from './actions-cache';
import { Outputs } from './constants';
import { readInputs } from './inputs';

/** Wire the inputs, the builder and the cache; report outputs, a summary table and annotations. */
export async function main(): Promise<void> {
  const reporter = new ActionsReporter();
  // The reporter first: reading the inputs marks the source mirrors' credentials secret.
  const inputs = readInputs(process.env, reporter);
  if (inputs.resolveOnly) {
    await resolveOnly(inputs.recipe, inputs.recipesDir, inputs.version, reporter);
    return;
  }
  let recipeName = inputs.recipe;
  let version = inputs.version ?? '';
  try {
    const result = await buildFromRecipeRef({
      ref: inputs.recipe,
      recipeDirs: [inputs.recipesDir],
      platform: inputs.platform,
      version: inputs.version,
      sourceMirrors: inputs.sourceMirrors,
      cache: buildCacheFor(inputs.cache),
      outDir: inputs.outputDir,
      reporter,
      onPlanned: (planned) => {
        recipeName = planned.name;
        version = planned.version;
      },
    });
    core.setOutput(Outputs.Artifact, result.artifact);
    core.setOutput(Outputs.Sha256, result.sha256);
    core.setOutput(Outputs.Version, result.version);
    core.setOutput(Outputs.Status, result.status);
    core.setOutput(Outputs.Metadata, result.metadataFile);
    core.setOutput(Outputs.Name, result.name);
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
    const step = isBuildError(err) ? err.step : 'resolve';
    core.setOutput(Outputs.Status, 'failed');
    core.setOutput(Outputs.Version, version);
    core.setOutput(Outputs.Name, recipeName);
    core.setOutput(Outputs.FailedStep, step);
    const message = errorMessage(err);
    core.error(message, { title: `build-recipe: ${recipeName} failed at ${step}`, file: isUserError(err) ? err.location?.file : undefined });
    await writeSummaryTable('Potions build', ['recipe', 'version', 'platform', 'status', 'failed step'], [[recipeName, version, inputs.platform, 'failed', step]], [
      `\`\`\`\n${message.slice(0, 4000)}\n\`\`\``,
    ]);
    core.setFailed(`${recipeName}: ${step} failed`);
  }
}

/**
 * `resolve-only`: the recipe's name and the version a build would use, without building, so that a
 * release resolves "latest" once and every platform job builds that same version.
 */
async function resolveOnly(ref: string, recipesDir: string, given: string | undefined, reporter: ActionsReporter): Promise<void> {
  const file = await findRecipe(ref, [recipesDir]);
  const { recipe } = await loadRecipeOrThrow(file);
  const version = given ?? (await resolveVersion(recipe, { ...versionDepsFromEnv(process.env), reporter })).version;
  core.setOutput(Outputs.Name, recipe.name);
  core.setOutput(Outputs.Version, version);
  reporter.info(`${recipe.name}: version ${version}${given ? '' : ' (latest)'}`);
}
