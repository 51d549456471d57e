import * as core from '@actions/core';
import { ActionsReporter, writeSummaryTable } from '@potions/action-common';
import { spawnExec } from '@potions/core';
import { describeLegEnvironment, legRecordFromSteps, writeLegRecord } from '@potions/schedule';
import { Outputs } from './constants';
import { readInputs } from './inputs';

/**
 * Write the leg's status record and say what it holds. The step itself
 * succeeds whatever the leg's status: the leg's own steps already failed the
 * job, and the record is what the collect job reads.
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const reporter = new ActionsReporter();
  const inputs = readInputs(env);
  const environment = await describeLegEnvironment({ env, exec: spawnExec, hostOs: process.platform, ...(inputs.leg.container ? { container: inputs.leg.container } : {}) });
  const record = legRecordFromSteps({ leg: inputs.leg, jobStatus: inputs.jobStatus, steps: inputs.steps, run: inputs.run, artifactName: inputs.artifactName, environment });
  const file = await writeLegRecord(inputs.recordsDir, record);
  core.setOutput(Outputs.Record, file);
  core.setOutput(Outputs.Status, record.status);
  core.setOutput(Outputs.Reason, record.reason ?? '');
  reporter.info(`${record.leg}: ${record.status}${record.reason ? `: ${record.reason}` : ''} (run attempt ${record.run.attempt})`);
  await writeSummaryTable(
    'Potions leg',
    ['leg', 'version', 'status', 'step', 'reason', 'artifact', 'attempt'],
    [[record.leg, record.version ?? '', record.status, record.failedStep ?? '', record.reason ?? '', record.artifact ? `${record.artifact.name} (${record.artifact.id})` : '', String(record.run.attempt)]],
  );
}
