import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import * as glob from '@actions/glob';
import { booleanInput, optionalInput } from '@potions/action-common';
import { UserError, errorMessage } from '@potions/core';
import { KeyBundleSigner, PUBLIC_GOOD_SERVICES, sigstoreServicesFromJson } from '@potions/signing';
import type { SigstoreServices } from '@potions/signing';
import { Inputs, MODES, type Mode } from './constants';

export interface SignInputs {
  files: string[];
  provenance: boolean;
  metadata: string[];
  mode: Mode;
  /** Mode key: the signer from the key input. */
  keySigner?: KeyBundleSigner;
  outDir?: string;
  services: SigstoreServices;
}

/** Every file the patterns (one per line, relative to the workspace) match, in order, each once; a pattern matching nothing is an error. */
async function matchFiles(name: string, workspace: string): Promise<string[]> {
  const patterns = (optionalInput(name) ?? '')
    .split('\n')
    .map((p) => p.trim())
    .filter((p) => p !== '' && !p.startsWith('#'));
  const out: string[] = [];
  for (const pattern of patterns) {
    const absolute = path.isAbsolute(pattern) ? pattern : path.join(workspace, pattern);
    const globber = await glob.create(absolute, { matchDirectories: false, implicitDescendants: false });
    const matches = (await globber.glob()).sort();
    if (matches.length === 0) {
      throw new UserError('E_INPUT', `the input "${name}": ${pattern} matches no file (in ${workspace})`, {
        hint: 'check the path, and that the step that makes the files ran before this one',
      });
    }
    for (const m of matches) if (!out.includes(m)) out.push(m);
  }
  return out;
}

/** The key input: PEM, or base64 of the PEM (for stores that dislike line breaks); masked before anything else. */
function keySignerFromInput(value: string): KeyBundleSigner {
  core.setSecret(value);
  const pem = value.startsWith('-----BEGIN') ? value : Buffer.from(value, 'base64').toString('utf8');
  if (pem !== value) for (const line of pem.split('\n')) if (line.trim().length > 16) core.setSecret(line.trim());
  return KeyBundleSigner.fromPem(pem, `the input "${Inputs.Key}"`);
}

async function servicesFromInput(value: string | undefined, workspace: string): Promise<SigstoreServices> {
  if (value === undefined) return PUBLIC_GOOD_SERVICES;
  if (value.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch (err) {
      throw new UserError('E_INPUT', `the input "${Inputs.Sigstore}" is not JSON: ${errorMessage(err)}`);
    }
    return sigstoreServicesFromJson(json, `input "${Inputs.Sigstore}"`);
  }
  const file = path.resolve(workspace, value);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UserError('E_INPUT', `the input "${Inputs.Sigstore}": cannot read ${file}: ${errorMessage(err)}`, { location: { file } });
  }
  try {
    return sigstoreServicesFromJson(JSON.parse(text), file);
  } catch (err) {
    if (err instanceof SyntaxError) throw new UserError('E_INPUT', `${file} is not JSON: ${err.message}`, { location: { file } });
    throw err;
  }
}

/** The action's inputs (`INPUT_*`), checked and typed; the key is masked first. */
export async function readInputs(env: NodeJS.ProcessEnv = process.env): Promise<SignInputs> {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const key = optionalInput(Inputs.Key);
  const keySigner = key !== undefined ? keySignerFromInput(key) : undefined;
  const modeValue = optionalInput(Inputs.Mode) ?? (keySigner ? 'key' : 'keyless');
  if (!(MODES as readonly string[]).includes(modeValue)) {
    throw new UserError('E_INPUT', `the input "${Inputs.Mode}" must be ${MODES.join(' or ')}, got "${modeValue}"`);
  }
  const mode = modeValue as Mode;
  if (mode === 'key' && !keySigner) {
    throw new UserError('E_INPUT', `mode key needs the input "${Inputs.Key}" (an ECDSA P-256 private key PEM, from a secret)`);
  }
  if (mode === 'keyless' && keySigner) {
    throw new UserError('E_INPUT', `the input "${Inputs.Key}" is given but the mode is keyless`, { hint: 'drop one of them: mode key signs with the key' });
  }
  const provenance = booleanInput(Inputs.Provenance, false);
  const metadata = await matchFiles(Inputs.Metadata, workspace);
  if (provenance && metadata.length === 0) {
    throw new UserError('E_INPUT', `provenance needs the builder's metadata: the input "${Inputs.Metadata}" (the <artifact>.json files)`);
  }
  if (!provenance && metadata.length > 0) {
    throw new UserError('E_INPUT', `the input "${Inputs.Metadata}" is only read for provenance: set "${Inputs.Provenance}: true"`);
  }
  const files = await matchFiles(Inputs.Files, workspace);
  if (files.length === 0 && !provenance) throw new UserError('E_INPUT', `nothing to sign: set the input "${Inputs.Files}" (or provenance with metadata)`);
  const outDir = optionalInput(Inputs.OutDir);
  return {
    files,
    provenance,
    metadata,
    mode,
    ...(keySigner ? { keySigner } : {}),
    ...(outDir ? { outDir: path.resolve(workspace, outDir) } : {}),
    services: await servicesFromInput(optionalInput(Inputs.Sigstore), workspace),
  };
}
