import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { ActionsReporter, writeSummaryTable } from '@potions/action-common';
import { UserError, writeFileAtomic } from '@potions/core';
import { localKeySignerFromEnv, publishArtifacts, readArtifactMetadataDir } from '@potions/manifest';
import { Outputs } from './constants';
import { readInputs } from './inputs';

/** Wire the inputs, the key and the mirrors to the publisher; report outputs, summary tables and annotations. */
export async function main(): Promise<void> {
  const reporter = new ActionsReporter();
  // First: the key is masked before anything else can log.
  const signer = localKeySignerFromEnv({ reporter });
  const inputs = await readInputs();
  const result = await publishArtifacts({
    artifactsDir: inputs.artifacts,
    syncResultFile: inputs.syncResult ?? (await emptySyncResult(inputs.artifacts)),
    mirrors: inputs.config.mirrors,
    signer,
    ...(inputs.platforms ? { platforms: inputs.platforms } : {}),
    failures: inputs.failures,
    ...(inputs.expiresInDays !== undefined ? { expiresInDays: inputs.expiresInDays } : {}),
    dryRun: inputs.dryRun,
    reporter,
    s3: { webIdentityToken: () => core.getIDToken('sts.amazonaws.com') },
  });
  const { report } = result;
  core.setOutput(Outputs.ManifestUrl, result.manifestUrls[0]?.url ?? '');
  core.setOutput(Outputs.Version, report.version ?? '');
  core.setOutput(Outputs.Changed, report.changed);

  const heading = inputs.dryRun ? 'Potions manifest (dry run)' : 'Potions manifest';
  await writeSummaryTable(
    heading,
    ['package', 'version', 'platform', 'status / sha256', 'mirrors'],
    result.rows.map((r) => [r.name, r.version, r.platform, r.status === 'available' ? `\`${r.sha256}\`` : `unavailable: ${r.reason}`, r.mirrors.join(', ')]),
    [
      report.ok
        ? `${report.changed ? (inputs.dryRun ? 'Would publish' : 'Published') : 'Unchanged:'} manifest version ${report.version}${
            result.manifestUrls[0] ? ` at ${result.manifestUrls[0].url}` : ''
          }.`
        : '**The manifest was not published**: no mirror holds it.',
    ],
  );
  await writeSummaryTable(
    'Manifest per mirror',
    ['mirror', 'status', 'version', 'conditional writes', 'error'],
    report.mirrors.map((m) => [m.name, m.status, m.version !== undefined ? String(m.version) : '', m.conditionalWrites ? 'yes' : 'no (use a concurrency group)', m.error?.message ?? '']),
  );
  for (const m of report.mirrors) {
    // Read failures are among the warnings already; write failures are not.
    if (m.status === 'failed' && !result.warnings.some((w) => m.error && w.includes(m.error.message))) reporter.warn(`mirror ${m.name}: manifest not written (${m.error?.message ?? 'unknown error'}); the next publish brings it up to date`, { title: 'manifest-publish' });
  }
  if (!report.ok) {
    core.error('no mirror holds the new manifest', { title: 'manifest-publish failed' });
    core.setFailed('the manifest was not published on any mirror');
  }
}

/**
 * Without `sync-result` (mirror-sync skipped because every build failed): the artifacts folder must hold
 * no build metadata, and an empty sync result stands in, so that only the failures are published.
 */
async function emptySyncResult(artifactsDir: string): Promise<string> {
  const metadata = await readArtifactMetadataDir(artifactsDir);
  if (metadata.length > 0) {
    throw new UserError('E_INPUT', `the input "sync-result" is empty, but ${artifactsDir} holds ${metadata.length} build metadata file(s)`, {
      location: { file: artifactsDir },
      hint: 'run mirror-sync on the folder first and pass its output "result"; leave sync-result empty only when no build succeeded',
    });
  }
  const file = path.join(process.env.RUNNER_TEMP ?? os.tmpdir(), 'potions-empty-sync-result.json');
  await writeFileAtomic(file, `${JSON.stringify({ version: 1, minMirrors: 1, policyMet: true, mirrors: [], objects: [] })}\n`);
  return file;
}
