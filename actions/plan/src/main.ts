import * as core from '@actions/core';
import { ActionsReporter, writeSummaryTable } from '@potions/action-common';
import { PLATFORMS, UserError, errorMessage, spawnExec } from '@potions/core';
import { loadRecipeDir, resolveVersion, versionDepsFromEnv } from '@potions/recipe';
import { changedFilesSince, manifestUrls, planRelease, readPublishedBuilds, scheduleOutputs, type Schedule } from '@potions/schedule';
import { Inputs, Outputs } from './constants';
import { readInputs } from './inputs';

/** The environment git gets: the runner's, without unset variables. */
function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** A few names and how many more, for one table cell. */
function some(names: readonly string[], max = 8): string {
  const unique = [...new Set(names)];
  return unique.length <= max ? unique.join(', ') : `${unique.slice(0, max).join(', ')} and ${unique.length - max} more`;
}

/**
 * Wire the inputs to the planner: load the recipes, list the changed files,
 * plan (versions resolved once, published builds skipped), set the matrices
 * and the run plan as outputs, and write the schedule to the job summary.
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const reporter = new ActionsReporter();
  const inputs = await readInputs(env);
  let recipes;
  try {
    recipes = await loadRecipeDir(inputs.recipesDir);
  } catch (err) {
    throw new UserError('E_INPUT', `cannot read the recipe folder ${inputs.recipesDir}: ${errorMessage(err)}`, { hint: `set "${Inputs.RecipesDir}" to the folder of recipes` });
  }
  if (recipes.length === 0) throw new UserError('E_INPUT', `${inputs.recipesDir} holds no *.yml or *.yaml recipe`, { hint: `set "${Inputs.RecipesDir}" to the folder of recipes` });
  const changedFiles = inputs.changedSince === undefined ? undefined : await changedFilesSince(inputs.changedSince, { exec: spawnExec, cwd: inputs.workspace, env: definedEnv(env) });
  const published = inputs.published;
  const planned = await planRelease({
    recipes,
    root: inputs.workspace,
    select: { patterns: inputs.patterns, ...(changedFiles ? { changedFiles } : {}), withDependants: inputs.withDependants },
    versions: inputs.versions,
    ...(inputs.platforms ? { platforms: inputs.platforms } : {}),
    runners: inputs.runners,
    rebuild: inputs.rebuild,
    resolveVersion: async (recipe) => (await resolveVersion(recipe, { ...versionDepsFromEnv(env), reporter })).version,
    ...(published
      ? {
          published: async () => {
            const state = await readPublishedBuilds({ urls: manifestUrls(published.mirrors), trustedKeys: published.trustedKeys, reporter });
            reporter.info(state.source ? `published: manifest version ${state.version} at ${state.source}, ${state.builds.length} build(s) available` : 'published: no manifest on any mirror yet');
            return state.builds;
          },
        }
      : {}),
  });
  const { schedule } = planned;
  const linux = inputs.linuxContainer;
  const outputs = scheduleOutputs(schedule, inputs.slots, {
    runAttempt: Number(env.GITHUB_RUN_ATTEMPT ?? '1') || 1,
    available: planned.available,
    maxJobMinutes: inputs.maxJobMinutes,
    ...(linux ? { containers: { 'linux-amd64': linux, 'linux-arm64': linux } } : {}),
  });
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
  core.setOutput(Outputs.Versions, JSON.stringify(versionsOf(schedule)));

  const named = new Set(inputs.patterns);
  const broken = schedule.invalid.filter((i) => i.selected && i.name !== undefined && named.has(i.name));
  for (const i of schedule.invalid.filter((x) => x.selected)) {
    reporter.warn(`${i.file}${i.line === undefined ? '' : `:${i.line}`}: recipe ${i.name ?? ''} has errors, not built: ${i.message}`, { file: i.file, line: i.line, title: 'plan' });
  }
  await writeSummary(schedule);
  if (broken.length > 0) {
    throw new UserError('E_INPUT', `recipe(s) asked for by name have errors: ${broken.map((b) => `${b.name} (${b.file}: ${b.message})`).join('; ')}`, {
      hint: 'run potions recipes check on them',
    });
  }
  if (schedule.unresolved.length > 0) {
    throw new UserError('E_INPUT', `no version for ${schedule.unresolved.join(', ')}`, { hint: `give them in "${Inputs.Versions}"` });
  }
}

/** The version of each recipe of the run: built or skipped. */
function versionsOf(s: Schedule): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of s.matrices.flatMap((m) => m.matrix.include)) if (l.version) out[l.recipe] = l.version;
  for (const k of s.skipped) out[k.recipe] = k.version;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

async function writeSummary(s: Schedule): Promise<void> {
  const platforms = PLATFORMS.filter((p) => s.platforms.includes(p));
  await writeSummaryTable(
    'Potions release plan',
    ['wave', 'build job', 'legs', ...platforms, 'recipes'],
    s.matrices.map((m) => [
      String(m.wave + 1),
      `build-${m.index + 1}`,
      String(m.matrix.include.length),
      ...platforms.map((p) => String(m.matrix.include.filter((l) => l.platform === p).length)),
      some(m.matrix.include.map((l) => `${l.recipe} ${l.version ?? ''}`.trim())),
    ]),
    [
      `${s.legs} leg(s) in ${s.waves.length} wave(s); ${s.selected.length} recipe(s) selected.`,
      ...(s.skipped.length > 0 ? [`Published already, not built again: ${some(s.skipped.map((k) => `${k.recipe} ${k.version} ${k.platform}`), 20)}.`] : []),
      ...(s.excluded.length > 0 ? [`Cannot be built: ${s.excluded.map((e) => `${e.recipe} on ${e.platform} (${e.reason})`).join('; ')}.`] : []),
      ...(s.criticalPath.legs.length > 1 ? [`Critical path: ${s.criticalPath.legs.join(' → ')}.`] : []),
      ...(s.ignoredChanges.length > 0 ? [`Changed files that are no recipe: ${some(s.ignoredChanges, 20)}.`] : []),
    ],
  );
}
