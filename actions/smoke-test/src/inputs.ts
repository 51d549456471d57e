import os from 'node:os';
import path from 'node:path';
import { booleanInput, listInput, optionalInput, requiredInput } from '@potions/action-common';
import { UserError, assertPlatform, type Platform } from '@potions/core';
import { DEFAULT_REPORT_FILE, Inputs } from './constants';

export interface SmokeTestInputs {
  artifact: string;
  platform: Platform;
  /** A recipe file, or a name to look up in `recipesDir`. */
  recipe?: string;
  recipesDir: string;
  version?: string;
  dependencies: { name: string; artifact: string }[];
  requireRun: boolean;
  reportFile: string;
}

/** The action's inputs (`INPUT_*`), checked and typed. */
export function readInputs(env: NodeJS.ProcessEnv = process.env): SmokeTestInputs {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const dependencies = listInput(Inputs.Dependencies).map((item) => {
    const m = /^([^=\s/]+)=(.+)$/.exec(item);
    if (!m) throw new UserError('E_INPUT', `the input "${Inputs.Dependencies}" must list NAME=FILE items, got "${item}"`);
    return { name: m[1]!, artifact: path.resolve(workspace, m[2]!.trim()) };
  });
  const reportFile = optionalInput(Inputs.ReportFile);
  return {
    artifact: path.resolve(workspace, requiredInput(Inputs.Artifact)),
    platform: assertPlatform(requiredInput(Inputs.Platform), `input "${Inputs.Platform}"`),
    recipe: optionalInput(Inputs.Recipe),
    recipesDir: path.resolve(workspace, optionalInput(Inputs.RecipesDir) ?? 'recipes'),
    version: optionalInput(Inputs.Version),
    dependencies,
    requireRun: booleanInput(Inputs.RequireRun, false),
    reportFile: reportFile ? path.resolve(workspace, reportFile) : path.join(env.RUNNER_TEMP ?? os.tmpdir(), DEFAULT_REPORT_FILE),
  };
}
