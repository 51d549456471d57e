import path from 'node:path';
import { optionalInput, requiredInput } from '@potions/action-common';
import { UserError } from '@potions/core';
import { parseRunPlan, type RunPlan } from '@potions/schedule';
import { Inputs } from './constants';

export interface CollectInputs {
  plan: RunPlan;
  records: string;
  minPlatforms: number;
}

/** The action's inputs (`INPUT_*` in `env`), checked and typed. */
export function readInputs(env: NodeJS.ProcessEnv = process.env): CollectInputs {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const min = optionalInput(Inputs.MinPlatforms, env);
  const minPlatforms = min === undefined ? 1 : Number(min);
  if (!Number.isInteger(minPlatforms) || minPlatforms < 1 || minPlatforms > 4) {
    throw new UserError('E_INPUT', `the input "${Inputs.MinPlatforms}" must be a whole number from 1 to 4, got "${min}"`, { hint: 'how many platforms a recipe version needs to be published; empty for 1' });
  }
  return {
    plan: parseRunPlan(requiredInput(Inputs.Plan, env), `input "${Inputs.Plan}"`),
    records: path.resolve(workspace, requiredInput(Inputs.Records, env)),
    minPlatforms,
  };
}
