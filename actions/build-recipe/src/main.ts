import path from 'node:path';
import * as core from '@actions/core';
import { ActionsReporter, writeSummaryTable } from '@potions/action-common';
import { errorMessage, isUserError, type UserError } from '@potions/core';
import {
  BUILD_DOWNLOAD_HINT,
  BuilderErrorCode,
  MAX_BUILD_JOBS,
  artifactFiles,
  buildFromRecipeRef,
  findRecipe,
  isBuildError,
  loadRecipeOrThrow,
  type PlannedRecipeBuild,
  type SourceTransport,
} from '@potions/builder';
import { resolveVersion, versionDepsFromEnv } from '@potions/recipe';
import { buildCacheFor } from './actions-cache';
import { Inputs, Outputs } from './constants';
import { readInputs } from './inputs';

/** The input that fixes what a builder error names, in this action's words (the builder's own hint names none). */
function actionHint(err: UserError): string | undefined {
  if (err.hint === BUILD_DOWNLOAD_HINT) return `check the recipe's URLs, or give a source mirror that has the file (input "${Inputs.SourceMirrors}" or POTIONS_SOURCE_MIRRORS)`;
  if (err.code === BuilderErrorCode.OutDir) return `set "${Inputs.OutputDir}" to a folder the job can write to`;
  if (err.code === BuilderErrorCode.UnknownRecipe) return `set "${Inputs.Recipe}" to a recipe file, or "${Inputs.RecipesDir}" to the folder that holds the recipes`;
  if (err.code === BuilderErrorCode.SandboxUnavailable) {
    return `${err.hint ?? ''}; or run the job in the build container image, or set "${Inputs.Sandbox}" to auto to build without isolation where no sandbox can be made`;
  }
  if (err.code === BuilderErrorCode.Jobs) return `set "${Inputs.Jobs}" from 1 to ${MAX_BUILD_JOBS}, or leave it empty for the number of CPUs`;
  return err.hint;
}

/**
 * Wire the inputs (from `env`), the builder and the cache; report outputs, a
 * summary table and annotations. A user's mistake (before or during the
 * build) fails the step with the step it failed at and the reason; anything
 * else is a bug and is thrown on, to `runAction`'s bug report.
 */
export async function main(env: NodeJS.ProcessEnv = process.env, overrides: { transport?: SourceTransport } = {}): Promise<void> {
  const reporter = new ActionsReporter();
  // The reporter first: reading the inputs marks the source mirrors' credentials secret.
  const inputs = readInputs(env, reporter);
  if (inputs.resolveOnly) {
    await resolveOnly(inputs.recipe, inputs.recipesDir, inputs.version, reporter, env);
    return;
  }
  let recipeName = inputs.recipe;
  let version = inputs.version ?? '';
  let dependencies: PlannedRecipeBuild['dependencies'] = [];
  try {
    const result = await buildFromRecipeRef({
      ref: inputs.recipe,
      recipeDirs: [inputs.recipesDir],
      platform: inputs.platform,
      version: inputs.version,
      sourceMirrors: inputs.sourceMirrors,
      cache: buildCacheFor(inputs.cache),
      outDir: inputs.outputDir,
      sandbox: inputs.sandbox,
      jobs: inputs.jobs,
      reporter,
      env,
      transport: overrides.transport,
      onPlanned: (planned) => {
        recipeName = planned.name;
        version = planned.version;
        dependencies = planned.dependencies;
      },
    });
    core.setOutput(Outputs.Artifact, result.artifact);
    core.setOutput(Outputs.Sha256, result.sha256);
    core.setOutput(Outputs.Version, result.version);
    core.setOutput(Outputs.Status, result.status);
    core.setOutput(Outputs.Metadata, result.metadataFile);
    core.setOutput(Outputs.Name, result.name);
    // Built (or restored) beside this artifact: what a smoke test installs with it, as its dependencies input takes them.
    core.setOutput(Outputs.Dependencies, dependencies.map((d) => `${d.name}=${artifactFiles(inputs.outputDir, d.name, d.version, result.platform).tgz}`).join('\n'));
    const environment = result.metadata.buildEnvironment;
    core.setOutput(Outputs.BuildEnvironment, environment?.mode ?? '');
    const notes =
      environment?.mode === 'host'
        ? [`The build steps ran without isolation (${environment.reason ?? 'no sandbox'}): they could read the job's environment and files.`]
        : [];
    const fallbackNotes =
      result.status === 'fallback'
        ? [`The official binary could not be had (${result.metadata.fallbackReason?.split('\n')[0] ?? 'unreachable'}); built from source_build.`]
        : [];
    await writeSummaryTable(
      'Potions build',
      ['recipe', 'version', 'platform', 'status', 'method', 'artifact', 'sha256', 'cache', 'build steps'],
      [
        [
          result.name,
          result.version,
          result.platform,
          result.status,
          result.method,
          path.basename(result.artifact),
          result.sha256,
          result.cached ? 'hit' : 'miss',
          environment?.mode ?? 'unknown',
        ],
      ],
      [...fallbackNotes, ...notes],
    );
  } catch (err) {
    if (!isUserError(err)) throw err;
    // Before the build (the recipe, its version, the paths): "resolve".
    const step = isBuildError(err) ? err.step : 'resolve';
    core.setOutput(Outputs.Status, 'failed');
    core.setOutput(Outputs.Version, version);
    core.setOutput(Outputs.Name, recipeName);
    core.setOutput(Outputs.FailedStep, step);
    const hint = actionHint(err);
    const message = hint ? `${errorMessage(err)}\nhint: ${hint}` : errorMessage(err);
    core.error(message, { title: `build-recipe: ${recipeName} failed at ${step}`, file: err.location?.file });
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
async function resolveOnly(ref: string, recipesDir: string, given: string | undefined, reporter: ActionsReporter, env: NodeJS.ProcessEnv): Promise<void> {
  const file = await findRecipe(ref, [recipesDir]);
  const { recipe } = await loadRecipeOrThrow(file);
  const version = given ?? (await resolveVersion(recipe, { ...versionDepsFromEnv(env), reporter })).version;
  core.setOutput(Outputs.Name, recipe.name);
  core.setOutput(Outputs.Version, version);
  reporter.info(`${recipe.name}: version ${version}${given ? '' : ' (latest)'}`);
}
