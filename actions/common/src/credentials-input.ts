import * as core from '@actions/core';
import { UserError } from '@potions/core';
import { optionalInput } from './inputs';

/** Environment variable names for one mirror's keys (`credentialEnvNames` of @potions/mirrors). */
export type CredentialEnvNames = (mirror: string) => { accessKeyId: string; secretAccessKey: string; sessionToken: string };

const HINT =
  'pass a secret holding JSON such as {"r2": {"accessKeyId": "...", "secretAccessKey": "..."}} (keys are mirror names; "sessionToken" optional)';

/**
 * A `credentials` input: JSON `{"<mirror>": {"accessKeyId", "secretAccessKey", "sessionToken"?}}`,
 * usually one secret of a reusable workflow (a called workflow's secrets are not environment variables).
 * The input is read from `env`, and the whole text and then every value are masked before anything is
 * parsed or logged; each mirror's keys are then set in `env` under the names `envNames` gives, where the
 * mirrors package looks for them.
 * Returns the mirror names given. A mistake is reported without any of the text.
 */
export function exportCredentialsInput(
  name: string,
  envNames: CredentialEnvNames,
  options: { env?: NodeJS.ProcessEnv; /** The configured mirror names: a key matching none gets a warning. */ mirrors?: readonly string[] } = {},
): string[] {
  const env = options.env ?? process.env;
  const text = optionalInput(name, env) ?? '';
  if (text === '') return [];
  core.setSecret(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the text.
    throw new UserError('E_INPUT', `the input "${name}" is not valid JSON`, { hint: HINT });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError('E_INPUT', `the input "${name}" must be a JSON object keyed by mirror name`, { hint: HINT });
  }
  const entries = Object.entries(value as Record<string, unknown>);
  // Mask every string first, so that no later message can show one.
  for (const [, keys] of entries) {
    if (typeof keys === 'object' && keys !== null) for (const v of Object.values(keys)) if (typeof v === 'string' && v !== '') core.setSecret(v);
  }
  for (const [mirror, keys] of entries) {
    const k = (typeof keys === 'object' && keys !== null ? keys : {}) as Record<string, unknown>;
    const bad = ['accessKeyId', 'secretAccessKey'].find((f) => typeof k[f] !== 'string' || k[f] === '') ??
      (k.sessionToken !== undefined && typeof k.sessionToken !== 'string' ? 'sessionToken' : undefined) ??
      Object.keys(k).find((f) => !['accessKeyId', 'secretAccessKey', 'sessionToken'].includes(f));
    if (bad !== undefined) {
      throw new UserError('E_INPUT', `the input "${name}": mirror "${mirror}" needs "accessKeyId" and "secretAccessKey" as non-empty strings (problem with "${bad}")`, {
        location: { field: `${name}.${mirror}.${bad}` },
        hint: HINT,
      });
    }
    const names = envNames(mirror);
    env[names.accessKeyId] = k.accessKeyId as string;
    env[names.secretAccessKey] = k.secretAccessKey as string;
    if (typeof k.sessionToken === 'string' && k.sessionToken !== '') env[names.sessionToken] = k.sessionToken;
  }
  const known = new Set((options.mirrors ?? []).map((m) => envNames(m).accessKeyId));
  for (const [mirror] of entries) {
    if (options.mirrors && !known.has(envNames(mirror).accessKeyId)) {
      core.warning(`the input "${name}" has keys for "${mirror}", which is not a configured mirror (${options.mirrors.join(', ')}); they are not used`);
    }
  }
  return entries.map(([mirror]) => mirror);
}
