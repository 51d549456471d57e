import { promises as fs } from 'node:fs';
import path from 'node:path';
import { booleanInput, listInput, optionalInput } from '@potions/action-common';
import { UserError, errorMessage } from '@potions/core';
import { trustedKeysFromPem, type Verifier } from '@potions/manifest';
import { mirrorsConfigFromValue, type MirrorConfig } from '@potions/mirrors';
import { Inputs, MAX_SLOTS } from './constants';

export interface PlanInputs {
  workspace: string;
  recipesDir: string;
  patterns: string[];
  changedSince?: string;
  withDependants: boolean;
  versions: Record<string, string>;
  platforms?: string[];
  runners: Record<string, string>;
  linuxContainer?: string;
  /** The mirrors whose published manifest is read, and the keys it must be signed by. */
  published?: { mirrors: MirrorConfig[]; trustedKeys: Verifier[] };
  rebuild: boolean;
  maxJobMinutes: number;
  slots: number;
}

/** A `KEY=VALUE` per line (or comma-separated) input, or a JSON object of strings. */
export function pairsInput(name: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const value = optionalInput(name, env);
  if (value === undefined) return {};
  if (value.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      throw new UserError('E_INPUT', `the input "${name}" starts with { but is not JSON: ${errorMessage(err)}`, { hint: 'give a JSON object {"key": "value"}, or KEY=VALUE lines' });
    }
    const entries = Object.entries(parsed as Record<string, unknown>);
    const bad = entries.find(([, v]) => typeof v !== 'string');
    if (parsed === null || Array.isArray(parsed) || bad) {
      throw new UserError('E_INPUT', `the input "${name}" must be a JSON object of strings${bad ? `; "${bad[0]}" is ${JSON.stringify(bad[1])}` : ''}`);
    }
    return Object.fromEntries(entries) as Record<string, string>;
  }
  const out: Record<string, string> = {};
  for (const item of listInput(name, env)) {
    const m = /^([^=\s]+)\s*=\s*(\S+)$/.exec(item);
    if (!m) throw new UserError('E_INPUT', `the input "${name}": "${item}" is not KEY=VALUE`, { hint: 'one KEY=VALUE per line or comma-separated, e.g. jq=1.7.1' });
    out[m[1] as string] = m[2] as string;
  }
  return out;
}

/** The platforms: a list (comma- or newline-separated), or a JSON list as earlier versions of the workflow took. */
function platformsInput(env: NodeJS.ProcessEnv): string[] {
  const value = optionalInput(Inputs.Platforms, env);
  if (value === undefined || !value.startsWith('[')) return listInput(Inputs.Platforms, env);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new UserError('E_INPUT', `the input "${Inputs.Platforms}" starts with [ but is not JSON: ${errorMessage(err)}`, { hint: 'give the platforms comma-separated, e.g. linux-amd64,linux-arm64' });
  }
  if (!Array.isArray(parsed) || parsed.some((p) => typeof p !== 'string')) throw new UserError('E_INPUT', `the input "${Inputs.Platforms}" must be a list of platform names`);
  return parsed as string[];
}

/** The PEM of the manifest key input: inline, or a file in the workspace. */
async function manifestKeyText(value: string, workspace: string): Promise<{ text: string; source: string }> {
  if (value.includes('-----BEGIN')) return { text: value, source: `input "${Inputs.ManifestKey}"` };
  const file = path.resolve(workspace, value);
  try {
    return { text: await fs.readFile(file, 'utf8'), source: file };
  } catch (err) {
    throw new UserError('E_INPUT', `the input "${Inputs.ManifestKey}": cannot read ${file}: ${errorMessage(err)}`, {
      location: { file },
      hint: 'give the path of the manifest\'s public key in the repository (the .pub file of potions manifest keygen), or the PEM itself',
    });
  }
}

/** The action's inputs (`INPUT_*` in `env`), checked and typed. */
export async function readInputs(env: NodeJS.ProcessEnv = process.env): Promise<PlanInputs> {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const slotsText = optionalInput(Inputs.Slots, env) ?? String(MAX_SLOTS);
  const slots = Number(slotsText);
  if (!Number.isInteger(slots) || slots < 1 || slots > MAX_SLOTS) {
    throw new UserError('E_INPUT', `the input "${Inputs.Slots}" must be a whole number from 1 to ${MAX_SLOTS}, got "${slotsText}"`);
  }
  const maxJobText = optionalInput(Inputs.MaxJobMinutes, env) ?? '360';
  const maxJobMinutes = Number(maxJobText);
  if (!Number.isInteger(maxJobMinutes) || maxJobMinutes < 1) {
    throw new UserError('E_INPUT', `the input "${Inputs.MaxJobMinutes}" must be a whole number of minutes, got "${maxJobText}"`);
  }
  const linuxContainer = optionalInput(Inputs.LinuxContainer, env);
  if (linuxContainer !== undefined && !/^[^\s@]+@sha256:[0-9a-f]{64}$/.test(linuxContainer)) {
    throw new UserError('E_INPUT', `the input "${Inputs.LinuxContainer}" must name an image by digest (registry/name@sha256:<64 hex>), got "${linuxContainer}"`, {
      hint: 'a tag can be moved to another image; pin the build environment by its digest (docker buildx imagetools inspect IMAGE:TAG prints it)',
    });
  }
  const mirrors = optionalInput(Inputs.Mirrors, env);
  const key = optionalInput(Inputs.ManifestKey, env);
  if (mirrors !== undefined && key === undefined) {
    throw new UserError('E_INPUT', `the input "${Inputs.Mirrors}" is given without "${Inputs.ManifestKey}": the published manifest can only be trusted when checked against the manifest's public key`, {
      hint: `set "${Inputs.ManifestKey}" to the public key file (keys/manifest-key.pub), or leave "${Inputs.Mirrors}" empty to build everything asked for`,
    });
  }
  let published: PlanInputs['published'];
  if (mirrors !== undefined && key !== undefined) {
    const config = await mirrorsConfigFromValue(mirrors, workspace, `input "${Inputs.Mirrors}"`);
    const { text, source } = await manifestKeyText(key, workspace);
    published = { mirrors: config.mirrors, trustedKeys: trustedKeysFromPem(text, source) };
  }
  const platforms = platformsInput(env);
  const changedSince = optionalInput(Inputs.ChangedSince, env);
  return {
    workspace,
    recipesDir: path.resolve(workspace, optionalInput(Inputs.RecipesDir, env) ?? 'recipes'),
    patterns: listInput(Inputs.Recipes, env).flatMap((p) => p.split(/\s+/)).filter(Boolean),
    ...(changedSince !== undefined ? { changedSince } : {}),
    withDependants: booleanInput(Inputs.WithDependants, false, env),
    versions: pairsInput(Inputs.Versions, env),
    ...(platforms.length > 0 ? { platforms } : {}),
    runners: pairsInput(Inputs.Runners, env),
    ...(linuxContainer !== undefined ? { linuxContainer } : {}),
    ...(published ? { published } : {}),
    rebuild: booleanInput(Inputs.Rebuild, false, env),
    maxJobMinutes,
    slots,
  };
}
