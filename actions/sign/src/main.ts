import { promises as fs } from 'node:fs';
import * as core from '@actions/core';
import { ActionsReporter, writeSummaryTable } from '@potions/action-common';
import { UserError, errorMessage } from '@potions/core';
import {
  SigningErrorCode,
  SIGSTORE_AUDIENCE,
  SigstoreKeylessSigner,
  buildContextFromGitHub,
  claimsOfIdToken,
  signFiles,
  signProvenance,
} from '@potions/signing';
import type { ArtifactSigner, BuildContext, IdTokenProvider, WrittenBundle } from '@potions/signing';
import { Outputs } from './constants';
import { readInputs } from './inputs';

/** The job's OIDC token for Sigstore; `@actions/core` masks it. */
const idToken: IdTokenProvider = async () => {
  if (!process.env.ACTIONS_ID_TOKEN_REQUEST_URL) {
    throw new UserError(SigningErrorCode.IdentityToken, 'keyless signing needs the job\'s OIDC token, and this job cannot request one', {
      hint: 'give the job `permissions: id-token: write`, or sign with mode key and a key secret',
    });
  }
  try {
    return await core.getIDToken(SIGSTORE_AUDIENCE);
  } catch (err) {
    throw new UserError(SigningErrorCode.IdentityToken, `cannot get the job's OIDC token: ${errorMessage(err)}`, { hint: 'the job needs `permissions: id-token: write`' });
  }
};

async function githubContext(keyless: boolean): Promise<BuildContext> {
  const eventPath = process.env.GITHUB_EVENT_PATH;
  const event = eventPath ? await fs.readFile(eventPath, 'utf8').then((t) => JSON.parse(t) as unknown, () => undefined) : undefined;
  // The token's claims name the reusable workflow that runs this job, which the environment does not.
  const claims = keyless ? claimsOfIdToken(await idToken()) : undefined;
  return buildContextFromGitHub({ env: process.env, ...(claims ? { claims } : {}), ...(event !== undefined ? { event } : {}) });
}

const logOrKey = (b: WrittenBundle): string => (b.kind === 'keyless' ? `Rekor log index ${b.logIndex ?? '?'}` : `key ${b.keyId ?? '?'}`);

/** Wire the inputs to the signing package; report outputs and a summary table. */
export async function main(): Promise<void> {
  const reporter = new ActionsReporter();
  const inputs = await readInputs();
  const signer: ArtifactSigner = inputs.keySigner ?? new SigstoreKeylessSigner({ idToken, services: inputs.services });
  reporter.info(`signing ${inputs.mode === 'keyless' ? 'keyless' : 'with a key'}: ${signer.description}`);
  const outDir = inputs.outDir ? { outDir: inputs.outDir } : {};
  const signed = await signFiles(inputs.files, { signer, reporter, ...outDir });
  const provenance = inputs.provenance ? await signProvenance(inputs.metadata, { signer, context: await githubContext(inputs.mode === 'keyless'), reporter, ...outDir }) : [];

  core.setOutput(Outputs.Bundles, JSON.stringify(signed.map((s) => s.bundleFile)));
  core.setOutput(Outputs.ProvenanceBundles, JSON.stringify(provenance.map((p) => p.bundleFile)));
  core.setOutput(Outputs.ProvenanceBundle, provenance.length === 1 ? provenance[0]!.bundleFile : '');
  await writeSummaryTable(
    `Potions sign (${inputs.mode})`,
    ['file', 'sha256', 'bundle', 'Rekor log index or key id'],
    [
      ...signed.map((s) => [s.file, s.sha256, s.bundleFile, logOrKey(s)]),
      ...provenance.map((p) => [`provenance: ${p.subjects.map((s) => s.name).join(', ')}`, p.subjects.map((s) => s.digest.sha256).join(', '), p.bundleFile, logOrKey(p)]),
    ],
    [
      inputs.mode === 'keyless'
        ? `Keyless: signed by \`${signed[0]?.certificateIdentity ?? provenance[0]?.certificateIdentity ?? ''}\` through ${inputs.services.fulcioUrl}.`
        : `Key: verifiers trust the public key with id \`${signed[0]?.keyId ?? provenance[0]?.keyId ?? ''}\`.`,
    ],
  );
}
