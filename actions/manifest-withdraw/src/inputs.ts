import { booleanInput, exportCredentialsInput, optionalInput, requiredInput } from '@potions/action-common';
import { UserError, assertPlatform, isUserError } from '@potions/core';
import { EXPIRES_IN_DAYS_RANGE, assertWithdrawRequests, type WithdrawRequest } from '@potions/manifest';
import { credentialEnvNames, mirrorsConfigFromValue, type MirrorsConfig } from '@potions/mirrors';
import { Inputs } from './constants';

export interface ManifestWithdrawInputs {
  withdrawal: WithdrawRequest;
  config: MirrorsConfig;
  expiresInDays?: number;
  dryRun: boolean;
}

function wholeNumber(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UserError('E_INPUT', `the input "${name}" must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

/**
 * The action's inputs (`INPUT_*` in `env`), checked and typed, before any
 * mirror is opened; mirror credentials given as an input are masked and set
 * in `env`, where the mirrors' clients look.
 */
export async function readInputs(env: NodeJS.ProcessEnv = process.env): Promise<ManifestWithdrawInputs> {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const ref = requiredInput(Inputs.Package, env);
  const at = ref.lastIndexOf('@');
  if (at <= 0 || at === ref.length - 1) {
    throw new UserError('E_INPUT', `the input "${Inputs.Package}" must be NAME@VERSION, got "${ref}"`, { hint: 'for example jq@1.7.1' });
  }
  const platform = optionalInput(Inputs.Platform, env);
  const revision = optionalInput(Inputs.Revision, env);
  const days = optionalInput(Inputs.ExpiresDays, env);
  let withdrawal: WithdrawRequest;
  try {
    [withdrawal] = assertWithdrawRequests(
      [
        {
          name: ref.slice(0, at),
          version: ref.slice(at + 1),
          ...(platform !== undefined ? { platform: assertPlatform(platform, `input "${Inputs.Platform}"`) } : {}),
          ...(revision !== undefined ? { revision: wholeNumber(Inputs.Revision, revision, 1, 1_000_000) } : {}),
          reason: requiredInput(Inputs.Reason, env),
        },
      ],
      `the inputs "${Inputs.Package}", "${Inputs.Platform}", "${Inputs.Revision}" and "${Inputs.Reason}"`,
    ) as [WithdrawRequest];
  } catch (err) {
    if (isUserError(err) && err.code !== 'E_INPUT') throw new UserError('E_INPUT', err.message, err.hint ? { hint: err.hint } : undefined);
    throw err;
  }
  const expiresInDays = days === undefined ? undefined : wholeNumber(Inputs.ExpiresDays, days, EXPIRES_IN_DAYS_RANGE.min, EXPIRES_IN_DAYS_RANGE.max);
  const config = await mirrorsConfigFromValue(requiredInput(Inputs.Mirrors, env), workspace, `input "${Inputs.Mirrors}"`);
  // Masked, then set as POTIONS_MIRROR_<NAME>_* where the mirrors package looks for keys.
  exportCredentialsInput(Inputs.Credentials, credentialEnvNames, { env, mirrors: config.mirrors.map((m) => m.name) });
  return {
    withdrawal,
    config,
    ...(expiresInDays !== undefined ? { expiresInDays } : {}),
    dryRun: booleanInput(Inputs.DryRun, false, env),
  };
}
