import path from 'node:path';
import { booleanInput, listInput, optionalInput, requiredInput } from '@potions/action-common';
import { UserError, assertPlatform, type Platform } from '@potions/core';
import { buildFailuresFromJson, type BuildFailure } from '@potions/manifest';
import { mirrorsConfigFromValue, type MirrorsConfig } from '@potions/mirrors';
import { Inputs } from './constants';

export interface ManifestPublishInputs {
  artifacts: string;
  syncResult: string;
  config: MirrorsConfig;
  platforms?: Platform[];
  failures: BuildFailure[];
  expiresInDays?: number;
  dryRun: boolean;
}

/** The action's inputs (`INPUT_*`), checked and typed. */
export async function readInputs(env: NodeJS.ProcessEnv = process.env): Promise<ManifestPublishInputs> {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const platforms = listInput(Inputs.Platforms).map((p) => assertPlatform(p, `input "${Inputs.Platforms}"`));
  const days = optionalInput(Inputs.ExpiresDays);
  const expiresInDays = days === undefined ? undefined : Number(days);
  if (expiresInDays !== undefined && !(Number.isFinite(expiresInDays) && expiresInDays > 0)) {
    throw new UserError('E_INPUT', `the input "${Inputs.ExpiresDays}" must be a positive number of days, got "${days}"`);
  }
  return {
    artifacts: path.resolve(workspace, requiredInput(Inputs.Artifacts)),
    syncResult: path.resolve(workspace, requiredInput(Inputs.SyncResult)),
    config: await mirrorsConfigFromValue(requiredInput(Inputs.Mirrors), workspace, `input "${Inputs.Mirrors}"`),
    ...(platforms.length > 0 ? { platforms } : {}),
    failures: buildFailuresFromJson(optionalInput(Inputs.Failures), `input "${Inputs.Failures}"`),
    ...(expiresInDays !== undefined ? { expiresInDays } : {}),
    dryRun: booleanInput(Inputs.DryRun, false),
  };
}
