import { promises as fs } from 'node:fs';
import path from 'node:path';
import { booleanInput, exportCredentialsInput, listInput, optionalInput, requiredInput } from '@potions/action-common';
import { UserError, assertPlatform, errorMessage, type Platform } from '@potions/core';
import { buildFailuresFromJson, type BuildFailure } from '@potions/manifest';
import { credentialEnvNames, mirrorsConfigFromValue, type MirrorsConfig } from '@potions/mirrors';
import { Inputs } from './constants';

export interface ManifestPublishInputs {
  artifacts: string;
  /** Undefined: nothing was synced (every build failed); only failures are published. */
  syncResult?: string;
  config: MirrorsConfig;
  platforms?: Platform[];
  failures: BuildFailure[];
  expiresInDays?: number;
  dryRun: boolean;
}

/**
 * The `failures` input: JSON inline when it starts with `[` or `{` or spans lines (as for `mirrors`),
 * else the path of a JSON file relative to the workspace. `{...}` alone is one failure.
 */
export async function failuresFromValue(value: string | undefined, workspace: string): Promise<BuildFailure[]> {
  const source = `input "${Inputs.Failures}"`;
  if (value === undefined) return [];
  const inline = value.includes('\n') || /^[[{]/.test(value);
  let text = value;
  let where = source;
  if (!inline) {
    const file = path.resolve(workspace, value);
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      throw new UserError('E_INPUT', `${source}: cannot read the failures file ${file}: ${errorMessage(err)}`, {
        location: { file },
        hint: 'give a JSON list of {"name", "version", "platform", "reason"} inline, or the path of a file holding one',
      });
    }
    where = `${source} (${file})`;
  }
  // One object is one failure: what a single failed job writes.
  const trimmed = text.trim();
  return buildFailuresFromJson(trimmed.startsWith('{') ? `[${trimmed}]` : trimmed, where);
}

/**
 * The action's inputs (`INPUT_*` in `env`), checked and typed; mirror credentials
 * given as an input are masked and set in `env`, where the mirrors' clients look.
 */
export async function readInputs(env: NodeJS.ProcessEnv = process.env): Promise<ManifestPublishInputs> {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const platforms = listInput(Inputs.Platforms, env).map((p) => assertPlatform(p, `input "${Inputs.Platforms}"`));
  const days = optionalInput(Inputs.ExpiresDays, env);
  const expiresInDays = days === undefined ? undefined : Number(days);
  if (expiresInDays !== undefined && !(Number.isFinite(expiresInDays) && expiresInDays > 0)) {
    throw new UserError('E_INPUT', `the input "${Inputs.ExpiresDays}" must be a positive number of days, got "${days}"`);
  }
  const config = await mirrorsConfigFromValue(requiredInput(Inputs.Mirrors, env), workspace, `input "${Inputs.Mirrors}"`);
  // Masked, then set as POTIONS_MIRROR_<NAME>_* where the mirrors package looks for keys.
  exportCredentialsInput(Inputs.Credentials, credentialEnvNames, { env, mirrors: config.mirrors.map((m) => m.name) });
  const syncResult = optionalInput(Inputs.SyncResult, env);
  return {
    artifacts: path.resolve(workspace, requiredInput(Inputs.Artifacts, env)),
    ...(syncResult !== undefined ? { syncResult: path.resolve(workspace, syncResult) } : {}),
    config,
    ...(platforms.length > 0 ? { platforms } : {}),
    failures: await failuresFromValue(optionalInput(Inputs.Failures, env), workspace),
    ...(expiresInDays !== undefined ? { expiresInDays } : {}),
    dryRun: booleanInput(Inputs.DryRun, false, env),
  };
}
