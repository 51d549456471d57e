import * as core from '@actions/core';
import { ActionsReporter, writeSummaryTable } from '@potions/action-common';
import { UserError, isUserError, withHint } from '@potions/core';
import { ManifestErrorCode, localKeySignerFromEnv, publishRelease, readArtifactMetadataDir, readSyncResultFile } from '@potions/manifest';
import { closeMirrors, openS3Mirrors, type OpenMirrors } from '@potions/mirrors';
import { Inputs, Outputs } from './constants';
import { readInputs } from './inputs';

export interface ManifestPublishDeps {
  /** Opens the mirrors' clients (default `openS3Mirrors`); this step closes every one it opened. */
  openMirrors?: OpenMirrors;
}

/**
 * Wire the inputs (read from `env`), the key and the mirrors to the one publish
 * function; report outputs, summary tables and annotations. The mirrors'
 * clients are made and closed here.
 */
export async function main(env: NodeJS.ProcessEnv = process.env, deps: ManifestPublishDeps = {}): Promise<void> {
  const reporter = new ActionsReporter();
  // First: the key is masked before anything else can log.
  const signer = localKeySignerFromEnv({ env, reporter });
  const inputs = await readInputs(env);
  const metadata = await readArtifactMetadataDir(inputs.artifacts);
  if (inputs.syncResult === undefined && metadata.length > 0) {
    // Without a sync result (mirror-sync skipped because every build failed) only failures can be published.
    throw new UserError('E_INPUT', `the input "${Inputs.SyncResult}" is empty, but ${inputs.artifacts} holds ${metadata.length} build metadata file(s)`, {
      location: { file: inputs.artifacts },
      hint: `run mirror-sync on the folder first and pass its output "result"; leave ${Inputs.SyncResult} empty only when no build succeeded`,
    });
  }
  const sync = inputs.syncResult === undefined ? undefined : await readSyncResultFile(inputs.syncResult);
  const mirrors = (deps.openMirrors ?? openS3Mirrors)(inputs.config.mirrors, {
    env,
    reporter,
    // Only called for mirrors with a roleArn; needs `permissions: id-token: write`.
    webIdentityToken: () => core.getIDToken('sts.amazonaws.com'),
  });
  let result;
  try {
    result = await publishRelease({
      metadata,
      ...(sync ? { sync, syncSource: inputs.syncResult } : {}),
      artifactsSource: inputs.artifacts,
      mirrors,
      signer,
      ...(inputs.platforms ? { platforms: inputs.platforms } : {}),
      failures: inputs.failures,
      ...(inputs.checks.length > 0 ? { checks: inputs.checks } : {}),
      ...(inputs.artifactTrust ? { artifactTrust: inputs.artifactTrust } : {}),
      ...(inputs.newRevision ? { newRevision: true } : {}),
      ...(inputs.expiresInDays !== undefined ? { expiresInDays: inputs.expiresInDays } : {}),
      dryRun: inputs.dryRun,
      reporter,
    });
  } catch (err) {
    // Library messages name no input: say which one changes the outcome.
    if (isUserError(err) && err.code === ManifestErrorCode.DigestChanged) {
      throw withHint(err, `${err.hint ?? ''}; withdraw the bad build (the manifest-withdraw action), then publish the fixed one with the input "${Inputs.NewRevision}: true"`);
    }
    throw err;
  } finally {
    await closeMirrors(mirrors);
  }
  for (const w of result.warnings) reporter.warn(w);
  const { report } = result;
  core.setOutput(Outputs.ManifestUrl, result.manifestUrls[0]?.url ?? '');
  core.setOutput(Outputs.Version, report.version ?? '');
  core.setOutput(Outputs.Changed, report.changed);

  const heading = inputs.dryRun ? 'Potions manifest (dry run)' : 'Potions manifest';
  await writeSummaryTable(
    heading,
    ['package', 'version', 'platform', 'revision', 'status / sha256', 'mirrors'],
    result.rows.map((r) => [
      r.name,
      r.version,
      r.platform,
      r.revision !== undefined ? String(r.revision) : '',
      r.status === 'available' ? `\`${r.sha256}\`` : `${r.status}: ${r.reason}`,
      r.mirrors.join(', '),
    ]),
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
