import path from 'node:path';
import { optionalInput, requiredInput } from '@potions/action-common';
import { UserError } from '@potions/core';
import { assertJobStatus, legFromMatrixJson, stepsFromJson, type LegOfMatrix, type LegStatus, type StepResult } from '@potions/schedule';
import { Inputs } from './constants';

export interface LegRecordInputs {
  leg: LegOfMatrix;
  jobStatus: LegStatus;
  steps: Record<string, StepResult>;
  artifactName: string;
  recordsDir: string;
  run: { id: string; attempt: number; url?: string };
}

/** The action's inputs (`INPUT_*` in `env`) and the run it belongs to (`GITHUB_RUN_ID`, `GITHUB_RUN_ATTEMPT`). */
export function readInputs(env: NodeJS.ProcessEnv = process.env): LegRecordInputs {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const id = env.GITHUB_RUN_ID;
  const attempt = Number(env.GITHUB_RUN_ATTEMPT ?? '');
  if (!id || !Number.isInteger(attempt) || attempt < 1) {
    throw new UserError('E_INPUT', 'GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT are not set: a leg record belongs to a run attempt', { hint: 'run this action in a GitHub Actions job' });
  }
  const url = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${id}/attempts/${attempt}` : undefined;
  return {
    leg: legFromMatrixJson(requiredInput(Inputs.Leg, env)),
    jobStatus: assertJobStatus(requiredInput(Inputs.JobStatus, env)),
    steps: stepsFromJson(requiredInput(Inputs.Steps, env)),
    artifactName: requiredInput(Inputs.ArtifactName, env),
    recordsDir: path.resolve(workspace, optionalInput(Inputs.RecordsDir, env) ?? 'potions-leg-record'),
    run: { id, attempt, ...(url ? { url } : {}) },
  };
}
