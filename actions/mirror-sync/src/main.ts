import * as core from '@actions/core';
import { ActionsReporter, writeSummaryTable } from '@potions/action-common';
import { UserError, formatBytes, writeFileAtomic } from '@potions/core';
import { MirrorsErrorCode, closeMirrors, localObjectsFromDir, openS3Mirrors, syncToMirrors, type OpenMirrors } from '@potions/mirrors';
import { Inputs, Outputs } from './constants';
import { readInputs } from './inputs';

export interface MirrorSyncDeps {
  /** Opens the mirrors' clients (default `openS3Mirrors`); this step closes every one it opened. */
  openMirrors?: OpenMirrors;
}

/**
 * Wire the inputs (read from `env`) to the sync; report outputs, a summary
 * table per mirror and annotations. The mirrors' clients are made and closed here.
 */
export async function main(env: NodeJS.ProcessEnv = process.env, deps: MirrorSyncDeps = {}): Promise<void> {
  const reporter = new ActionsReporter();
  const inputs = await readInputs(env);
  const objects = await localObjectsFromDir(inputs.path);
  if (objects.length === 0) {
    throw new UserError(MirrorsErrorCode.NothingToSync, `no files in ${inputs.path}`, {
      location: { file: inputs.path },
      hint: `point "${Inputs.Path}" at the folder the build steps wrote their artifacts to`,
    });
  }
  const mirrors = (deps.openMirrors ?? openS3Mirrors)(inputs.config.mirrors, {
    env,
    reporter,
    // Only called for mirrors with a roleArn; needs `permissions: id-token: write`.
    webIdentityToken: () => core.getIDToken('sts.amazonaws.com'),
  });
  let outcome;
  try {
    outcome = await syncToMirrors(objects, {
      mirrors,
      minMirrors: inputs.minMirrors ?? inputs.config.minMirrors,
      dryRun: inputs.dryRun,
      reporter,
    });
  } finally {
    await closeMirrors(mirrors);
  }

  if (!outcome.result) {
    const { plan } = outcome;
    await writeFileAtomic(inputs.resultFile, `${JSON.stringify({ dryRun: true, plan }, null, 2)}\n`);
    const count = (action: 'upload' | 'skip'): number => plan.mirrors.reduce((n, m) => n + m.actions.filter((a) => a.action === action).length, 0);
    core.setOutput(Outputs.Result, inputs.resultFile);
    core.setOutput(Outputs.Uploaded, count('upload'));
    core.setOutput(Outputs.Skipped, count('skip'));
    core.setOutput(Outputs.Failed, plan.mirrors.filter((m) => m.error !== undefined).length * plan.objects.length);
    core.setOutput(Outputs.PolicyMet, '');
    await writeSummaryTable(
      'Potions mirror-sync (dry run)',
      ['mirror', 'to upload', 'already there', 'bytes to upload', 'error'],
      plan.mirrors.map((m) => [
        m.mirror,
        String(m.actions.filter((a) => a.action === 'upload').length),
        String(m.actions.filter((a) => a.action === 'skip').length),
        formatBytes(m.uploadBytes),
        m.error ?? '',
      ]),
      [`${plan.objects.length} file(s) from \`${inputs.path}\`; nothing was uploaded.`],
    );
    return;
  }

  const r = outcome.result;
  await writeFileAtomic(inputs.resultFile, `${JSON.stringify(r, null, 2)}\n`);
  const sum = (field: 'uploaded' | 'skipped' | 'failed'): number => r.mirrors.reduce((n, m) => n + m[field], 0);
  core.setOutput(Outputs.Result, inputs.resultFile);
  core.setOutput(Outputs.Uploaded, sum('uploaded'));
  core.setOutput(Outputs.Skipped, sum('skipped'));
  core.setOutput(Outputs.Failed, sum('failed'));
  core.setOutput(Outputs.PolicyMet, r.policyMet);

  const short = r.objects.filter((o) => !o.policyMet);
  await writeSummaryTable(
    'Potions mirror-sync',
    ['mirror', 'uploaded', 'already there', 'failed', 'verified', 'bytes uploaded', 'time', 'error'],
    r.mirrors.map((m) => [
      m.mirror,
      String(m.uploaded),
      String(m.skipped),
      String(m.failed),
      String(m.verified),
      formatBytes(m.bytesUploaded),
      `${(m.durationMs / 1000).toFixed(1)} s`,
      m.error ?? '',
    ]),
    [
      r.policyMet
        ? `Policy met: each of the ${r.objects.length} file(s) is on at least ${r.minMirrors} mirror(s).`
        : `**Policy not met**: ${short.length} of ${r.objects.length} file(s) on fewer than ${r.minMirrors} mirror(s): ${short
            .slice(0, 20)
            .map((o) => `\`${o.name}\` (on: ${o.presentOn.join(', ') || 'none'})`)
            .join(', ')}`,
    ],
  );
  // Mirrors that failed were already reported as warnings by the sync.
  if (!r.policyMet) {
    const message = `${short.length} file(s) are on fewer than ${r.minMirrors} mirror(s): ${short
      .slice(0, 10)
      .map((o) => `${o.name} (on: ${o.presentOn.join(', ') || 'none'})`)
      .join(', ')}`;
    core.error(message, { title: 'mirror-sync: policy not met' });
    core.setFailed(`mirror policy not met: ${message}`);
  }
}
