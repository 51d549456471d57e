import * as core from '@actions/core';
import { ActionsReporter, writeSummaryTable } from '@potions/action-common';
import { writeFileAtomic } from '@potions/core';
import { findRecipe, loadRecipeOrThrow } from '@potions/builder';
import { reportTables, smokeTestArtifact } from '@potions/inspect';
import { Outputs } from './constants';
import { readInputs } from './inputs';

/** How many problems become annotations (the report has them all). */
const MAX_ANNOTATIONS = 20;

/** Wire the inputs to the smoke test; write the report, the outputs and a job summary; fail the step on failure. */
export async function main(): Promise<void> {
  const inputs = readInputs();
  const recipe = inputs.recipe ? (await loadRecipeOrThrow(await findRecipe(inputs.recipe, [inputs.recipesDir]))).recipe : undefined;
  const report = await smokeTestArtifact({
    artifact: inputs.artifact,
    platform: inputs.platform,
    recipe,
    version: inputs.version,
    dependencies: inputs.dependencies,
    requireRun: inputs.requireRun,
    reporter: new ActionsReporter(),
  });
  await writeFileAtomic(inputs.reportFile, `${JSON.stringify(report, null, 2)}\n`);
  core.setOutput(Outputs.Ok, report.ok);
  core.setOutput(Outputs.Report, inputs.reportFile);
  core.setOutput(Outputs.Ran, report.run.ran);

  const tables = reportTables(report);
  const files = tables[0]!;
  const commands = tables[tables.length - 1]!;
  await writeSummaryTable(`Potions smoke-test: ${report.name ?? 'artifact'} ${report.version ?? ''} for ${report.platform}`, files.headers, files.rows, [
    `${report.ok ? '**Passed**' : '**Failed**'}: ${report.summary.errors} error(s), ${report.summary.warnings} warning(s). ${files.title}.`,
    ...report.problems.slice(0, 50).map((p) => `- ${p.severity}: ${p.message}`),
  ]);
  await writeSummaryTable(commands.title, commands.headers, commands.rows);

  const errors = report.problems.filter((p) => p.severity === 'error');
  for (const p of report.problems.slice(0, MAX_ANNOTATIONS)) {
    if (p.severity === 'error') core.error(p.message, { title: 'smoke-test' });
    else core.warning(p.message, { title: 'smoke-test' });
  }
  if (!report.ok) {
    core.setFailed(`smoke test failed for ${report.platform}: ${errors.slice(0, 5).map((p) => p.message).join('; ')}${errors.length > 5 ? `; and ${errors.length - 5} more (see the report)` : ''}`);
  }
}
