import * as core from '@actions/core';
import { ActionsReporter, writeSummaryTable } from '@potions/action-common';
import { PLATFORMS } from '@potions/core';
import { collectRun, readLegRecords, type CollectedRun } from '@potions/schedule';
import { Outputs } from './constants';
import { readInputs } from './inputs';

/**
 * Read the legs' records, collect the run, and set the outputs the publish
 * job and the workflow's caller read; write a row per recipe and platform to
 * the job summary. Failed legs do not fail this step: they are the
 * partial-platform release it carries on.
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const reporter = new ActionsReporter();
  const inputs = readInputs(env);
  const { records, unreadable } = await readLegRecords(inputs.records);
  for (const u of unreadable) reporter.warn(`status record of ${u.leg} cannot be read: ${u.message}`, { file: u.file, title: 'collect' });
  const run = collectRun({ plan: inputs.plan, records, unreadable, minPlatforms: inputs.minPlatforms });
  const heldBack = run.recipes.filter((r) => r.decision === 'held-back').map((r) => ({ recipe: r.recipe, version: r.version, available: r.available, required: r.required }));
  core.setOutput(Outputs.Summary, JSON.stringify({ minPlatforms: run.minPlatforms, platforms: run.platforms, recipes: run.recipes, counts: run.counts }));
  core.setOutput(Outputs.Platforms, JSON.stringify(run.platforms));
  core.setOutput(Outputs.ArtifactIds, run.artifactIds.join(','));
  core.setOutput(Outputs.Failures, JSON.stringify(run.failures));
  core.setOutput(Outputs.Publish, run.publish);
  core.setOutput(Outputs.Built, run.counts.built);
  core.setOutput(Outputs.Failed, run.counts.failed);
  core.setOutput(Outputs.HeldBack, JSON.stringify(heldBack));
  for (const h of heldBack) {
    reporter.warn(`${h.recipe} ${h.version ?? ''}: held back, ${h.available} platform(s) available of the ${h.required} required (min-platforms ${run.minPlatforms}); nothing of it is published`, { title: 'collect' });
  }
  reporter.info(`${run.counts.built} of ${run.counts.legs} leg(s) built; ${run.publish ? `publishing ${run.artifactIds.length} build(s) and ${run.failures.length} unavailable platform(s)` : 'nothing to publish'}`);
  await writeSummary(run);
}

async function writeSummary(run: CollectedRun): Promise<void> {
  const rows: string[][] = [];
  for (const r of run.recipes) {
    for (const p of PLATFORMS) {
      const result = r.platforms[p];
      if (!result) continue;
      rows.push([r.recipe, r.version ?? '', p, result.status, result.attempt === undefined ? '' : String(result.attempt), result.status === 'built' ? '' : (result.reason ?? ''), r.decision]);
    }
  }
  await writeSummaryTable('Potions release: legs', ['recipe', 'version', 'platform', 'outcome', 'attempt', 'reason', 'decision'], rows, [
    `Per platform: ${PLATFORMS.map((p) => `${p} ${run.platforms[p]}`).join(', ')}. ${run.counts.built} of ${run.counts.legs} leg(s) built; min-platforms ${run.minPlatforms}.`,
  ]);
}
