import os from 'node:os';
import path from 'node:path';
import { listInput, optionalInput, requiredInput } from '@potions/action-common';
import { UserError } from '@potions/core';
import { FAIL_ON_LEVELS, SBOM_FORMATS, SCANNER_CHOICES } from '@potions/sbom';
import type { FailOn, SbomFormat, ScannerChoice } from '@potions/sbom';
import { DEFAULT_SARIF_FILE, Inputs } from './constants';

export interface SbomScanInputs {
  workspace: string;
  artifact: string;
  recipe?: string;
  metadata?: string;
  formats: SbomFormat[];
  systemLibraries: string[];
  osvDir?: string;
  scanner: ScannerChoice;
  failOn: FailOn;
  allowList?: string;
  sarifFile: string;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UserError('E_INPUT', `the input "${name}" must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

/** The action's inputs (`INPUT_*`), checked and typed; paths resolved against the workspace. */
export function readInputs(env: NodeJS.ProcessEnv = process.env): SbomScanInputs {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const at = (p: string | undefined): string | undefined => (p === undefined ? undefined : path.resolve(workspace, p));
  const format = oneOf(Inputs.Format, optionalInput(Inputs.Format) ?? 'cyclonedx', [...SBOM_FORMATS, 'both'] as const);
  const formats: SbomFormat[] = format === 'both' ? [...SBOM_FORMATS] : [format];
  const sarif = optionalInput(Inputs.SarifFile);
  return {
    workspace,
    artifact: at(requiredInput(Inputs.Artifact))!,
    ...(optionalInput(Inputs.Recipe) ? { recipe: at(optionalInput(Inputs.Recipe)) } : {}),
    ...(optionalInput(Inputs.Metadata) ? { metadata: at(optionalInput(Inputs.Metadata)) } : {}),
    formats,
    systemLibraries: listInput(Inputs.SystemLibraries),
    ...(optionalInput(Inputs.OsvDir) ? { osvDir: at(optionalInput(Inputs.OsvDir)) } : {}),
    scanner: oneOf(Inputs.Scanner, optionalInput(Inputs.Scanner) ?? 'auto', SCANNER_CHOICES),
    failOn: oneOf(Inputs.FailOn, optionalInput(Inputs.FailOn) ?? 'high', FAIL_ON_LEVELS),
    ...(optionalInput(Inputs.AllowList) ? { allowList: at(optionalInput(Inputs.AllowList)) } : {}),
    sarifFile: sarif ? path.resolve(workspace, sarif) : path.join(env.RUNNER_TEMP ?? os.tmpdir(), DEFAULT_SARIF_FILE),
  };
}
