import * as core from '@actions/core';
import { ActionsReporter, writeSummaryTable } from '@potions/action-common';
import { localKeySignerFromEnv, withdrawRelease } from '@potions/manifest';
import { closeMirrors, openS3Mirrors, type OpenMirrors } from '@potions/mirrors';
import { Outputs } from './constants';
import { readInputs } from './inputs';

export interface ManifestWithdrawDeps {
  /** Opens the mirrors' clients (default `openS3Mirrors`); this step closes every one it opened. */
  openMirrors?: OpenMirrors;
}

/**
 * Wire the inputs (read from `env`), the key and the mirrors to the one
 * withdraw function; report outputs (with the URLs a CDN must purge) and a
 * summary. The mirrors' clients are made and closed here.
 */
export async function main(env: NodeJS.ProcessEnv = process.env, deps: ManifestWithdrawDeps = {}): Promise<void> {
  const reporter = new ActionsReporter();
  // First: the key is masked before anything else can log.
  const signer = localKeySignerFromEnv({ env, reporter });
  const inputs = await readInputs(env);
  const mirrors = (deps.openMirrors ?? openS3Mirrors)(inputs.config.mirrors, {
    env,
    reporter,
    // Only called for mirrors with a roleArn; needs `permissions: id-token: write`.
    webIdentityToken: () => core.getIDToken('sts.amazonaws.com'),
  });
  let result;
  try {
    result = await withdrawRelease({
      withdrawals: [inputs.withdrawal],
      mirrors,
      signer,
      ...(inputs.expiresInDays !== undefined ? { expiresInDays: inputs.expiresInDays } : {}),
      dryRun: inputs.dryRun,
      reporter,
    });
  } finally {
    await closeMirrors(mirrors);
  }
  for (const w of result.warnings) reporter.warn(w);
  const { report } = result;
  const purge = [...new Set([...result.withdrawn.flatMap((w) => w.files.flatMap((f) => f.urls)), ...result.manifestUrls.map((u) => u.url)])];
  core.setOutput(Outputs.Version, report.version ?? '');
  core.setOutput(Outputs.Changed, report.changed);
  core.setOutput(Outputs.Withdrawn, JSON.stringify(result.withdrawn));
  core.setOutput(Outputs.PurgeUrls, purge.join('\n'));

  await writeSummaryTable(
    inputs.dryRun ? 'Potions withdrawal (dry run)' : 'Potions withdrawal',
    ['package', 'version', 'platform', 'revision', 'reason', 'files'],
    [
      ...result.withdrawn.map((w) => [w.name, w.version, w.platform, String(w.revision), w.reason, w.files.map((f) => `\`${f.file}\``).join(', ')]),
      ...result.alreadyWithdrawn.map((w) => [w.name, w.version, w.platform, String(w.revision), '(withdrawn already)', '']),
    ],
    [
      report.ok
        ? report.changed
          ? `${inputs.dryRun ? 'Would publish' : 'Published'} manifest version ${report.version}. Purge the files above from any CDN in front of the mirrors (output "${Outputs.PurgeUrls}").`
          : `Nothing to do: withdrawn already (manifest version ${report.version}).`
        : '**Not withdrawn**: no mirror holds the new manifest.',
    ],
  );
  await writeSummaryTable(
    'Manifest per mirror',
    ['mirror', 'status', 'version', 'error'],
    report.mirrors.map((m) => [m.name, m.status, m.version !== undefined ? String(m.version) : '', m.error?.message ?? '']),
  );
  if (!report.ok) {
    core.error('no mirror holds the new manifest', { title: 'manifest-withdraw failed' });
    core.setFailed('the withdrawal was not published on any mirror');
  }
}
