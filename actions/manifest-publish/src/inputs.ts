import { promises as fs } from 'node:fs';
import path from 'node:path';
import { booleanInput, exportCredentialsInput, listInput, optionalInput, requiredInput } from '@potions/action-common';
import { UserError, assertPlatform, errorMessage, isUserError, type Platform } from '@potions/core';
import { BuildChecksSchema, EXPIRES_IN_DAYS_RANGE, buildFailuresFromJson, type BuildChecks, type BuildFailure } from '@potions/manifest';
import { credentialEnvNames, mirrorsConfigFromValue, type MirrorsConfig } from '@potions/mirrors';
import { signingTrustFromJson, type SigningTrust } from '@potions/signing';
import { parse as parseYaml } from 'yaml';
import { Inputs } from './constants';

export interface ManifestPublishInputs {
  artifacts: string;
  /** Undefined: nothing was synced (every build failed); only failures are published. */
  syncResult?: string;
  config: MirrorsConfig;
  platforms?: Platform[];
  failures: BuildFailure[];
  checks: BuildChecks[];
  artifactTrust?: SigningTrust;
  newRevision: boolean;
  expiresInDays?: number;
  dryRun: boolean;
}

/**
 * A structured input: YAML or JSON inline when it starts with `[` or `{` or
 * spans lines (as for `mirrors`), else the path of a file in the workspace
 * holding YAML or JSON. Undefined when the input is empty.
 */
export async function structuredInput(name: string, value: string | undefined, workspace: string): Promise<{ value: unknown; source: string } | undefined> {
  if (value === undefined) return undefined;
  const inline = value.includes('\n') || /^[[{]/.test(value);
  let text = value;
  let source = `input "${name}"`;
  if (!inline) {
    const file = path.resolve(workspace, value);
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      throw new UserError('E_INPUT', `${source}: cannot read ${file}: ${errorMessage(err)}`, {
        location: { file },
        hint: 'give the value inline (YAML or JSON), or the path of a file in the workspace holding it',
      });
    }
    source = `${source} (${file})`;
  }
  try {
    return { value: parseYaml(text) as unknown, source };
  } catch (err) {
    throw new UserError('E_INPUT', `${source} is not YAML or JSON: ${errorMessage(err)}`);
  }
}

/** The `expires-days` input: whole days within the range every reader can live with. */
function expiresDaysInput(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const { min, max } = EXPIRES_IN_DAYS_RANGE;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new UserError('E_INPUT', `the input "${Inputs.ExpiresDays}" must be a whole number of days from ${min} to ${max}, got "${value}"`, {
      hint: 'readers refuse an expired manifest: publish on a schedule (a publish with nothing new renews it) rather than signing one for decades',
    });
  }
  return n;
}

/** The `artifact-trust` input: who signs the artifacts ({identities, keys, revokedKeys}). */
async function artifactTrustInput(env: NodeJS.ProcessEnv, workspace: string): Promise<SigningTrust | undefined> {
  const got = await structuredInput(Inputs.ArtifactTrust, optionalInput(Inputs.ArtifactTrust, env), workspace);
  if (!got) return undefined;
  try {
    return signingTrustFromJson(got.value, got.source);
  } catch (err) {
    if (!isUserError(err)) throw err;
    throw new UserError('E_INPUT', err.message, { hint: 'a mapping of "identities" ({identity, issuer, sourceRepository}), "keys" ({publicKey, expires}) and "revokedKeys" (see docs/manifest.md)' });
  }
}

/** The `checks` input: a list of {name, version, platform, checks}. */
async function checksInput(env: NodeJS.ProcessEnv, workspace: string): Promise<BuildChecks[]> {
  const got = await structuredInput(Inputs.Checks, optionalInput(Inputs.Checks, env), workspace);
  if (!got) return [];
  const parsed = BuildChecksSchema.array().safeParse(got.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError('E_INPUT', `${got.source}: ${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, {
      hint: 'a list of {"name", "version", "platform", "checks": {"smokeTest": ..., "scan": ...}}',
    });
  }
  return parsed.data;
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
  const expiresInDays = expiresDaysInput(optionalInput(Inputs.ExpiresDays, env));
  const config = await mirrorsConfigFromValue(requiredInput(Inputs.Mirrors, env), workspace, `input "${Inputs.Mirrors}"`);
  // Masked, then set as POTIONS_MIRROR_<NAME>_* where the mirrors package looks for keys.
  exportCredentialsInput(Inputs.Credentials, credentialEnvNames, { env, mirrors: config.mirrors.map((m) => m.name) });
  const syncResult = optionalInput(Inputs.SyncResult, env);
  const artifactTrust = await artifactTrustInput(env, workspace);
  return {
    artifacts: path.resolve(workspace, requiredInput(Inputs.Artifacts, env)),
    ...(syncResult !== undefined ? { syncResult: path.resolve(workspace, syncResult) } : {}),
    config,
    ...(platforms.length > 0 ? { platforms } : {}),
    failures: await failuresFromValue(optionalInput(Inputs.Failures, env), workspace),
    checks: await checksInput(env, workspace),
    ...(artifactTrust ? { artifactTrust } : {}),
    newRevision: booleanInput(Inputs.NewRevision, false, env),
    ...(expiresInDays !== undefined ? { expiresInDays } : {}),
    dryRun: booleanInput(Inputs.DryRun, false, env),
  };
}
