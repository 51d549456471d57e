import os from 'node:os';
import path from 'node:path';
import { booleanInput, exportCredentialsInput, optionalInput, requiredInput } from '@potions/action-common';
import { UserError } from '@potions/core';
import { credentialEnvNames, mirrorsConfigFromValue, type MirrorsConfig } from '@potions/mirrors';
import { DEFAULT_RESULT_FILE, Inputs } from './constants';

export interface MirrorSyncInputs {
  path: string;
  config: MirrorsConfig;
  /** Undefined: the configuration's. */
  minMirrors?: number;
  dryRun: boolean;
  resultFile: string;
}

/**
 * The action's inputs (`INPUT_*` in `env`), checked and typed. Keys given in
 * the credentials input are masked and set in `env`, where the mirrors' clients look.
 */
export async function readInputs(env: NodeJS.ProcessEnv = process.env): Promise<MirrorSyncInputs> {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const min = optionalInput(Inputs.MinMirrors, env);
  const minMirrors = min === undefined ? undefined : Number(min);
  if (minMirrors !== undefined && (!Number.isInteger(minMirrors) || minMirrors < 1)) {
    throw new UserError('E_INPUT', `the input "${Inputs.MinMirrors}" must be a whole number of at least 1, got "${min}"`);
  }
  const resultFile = optionalInput(Inputs.ResultFile, env);
  const config = await mirrorsConfigFromValue(requiredInput(Inputs.Mirrors, env), workspace, `input "${Inputs.Mirrors}"`);
  // Masked, then set as POTIONS_MIRROR_<NAME>_* where the mirrors package looks for keys.
  exportCredentialsInput(Inputs.Credentials, credentialEnvNames, { env, mirrors: config.mirrors.map((m) => m.name) });
  return {
    path: path.resolve(workspace, requiredInput(Inputs.Path, env)),
    config,
    ...(minMirrors !== undefined ? { minMirrors } : {}),
    dryRun: booleanInput(Inputs.DryRun, false, env),
    resultFile: resultFile ? path.resolve(workspace, resultFile) : path.join(env.RUNNER_TEMP ?? os.tmpdir(), DEFAULT_RESULT_FILE),
  };
}
