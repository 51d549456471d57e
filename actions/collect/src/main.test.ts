import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { restoreEnv, runActionStep, saveEnv } from '@potions/action-common/testing';
import { planSchedule, scheduleOutputs, writeLegRecord, type LegRecord } from '@potions/schedule';
import { tinyRecipe } from '@potions/schedule/testing';
import { main } from './main';

function record(leg: string, platform: LegRecord['platform'], status: LegRecord['status']): LegRecord {
  return {
    schemaVersion: 1,
    leg,
    recipe: 'jq',
    version: '1.7.1',
    platform,
    run: { id: '5', attempt: 1 },
    status,
    ...(status === 'success' ? { artifact: { name: `potions-build-${leg}`, id: '501' } } : { failedStep: 'build', reason: 'build failed at the download step' }),
    environment: { runner: {} },
  };
}

describe('collect action', () => {
  let dir: string;
  const saved = saveEnv();
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-action-collect-'));
  });
  afterAll(async () => fs.rm(dir, { recursive: true, force: true }));
  afterEach(() => restoreEnv(saved));

  it('turns the records into per-platform outputs, the artifacts to publish and the failures to list', async () => {
    const plan = scheduleOutputs(planSchedule({ recipes: [tinyRecipe({ name: 'jq', version: '1.7.1' })], platforms: ['linux-amd64', 'linux-arm64'] }), 8).plan as string;
    await writeLegRecord(path.join(dir, 'records'), record('jq-linux-amd64', 'linux-amd64', 'success'));
    await writeLegRecord(path.join(dir, 'records'), record('jq-linux-arm64', 'linux-arm64', 'failure'));
    const r = await runActionStep(() => main(process.env), { dir, inputs: { plan, records: 'records', 'min-platforms': '' } });
    expect(r.exitCode).toBeUndefined();
    expect(r.outputs).toMatchObject({
      platforms: '{"darwin-x86_64":"none","darwin-arm64":"none","linux-amd64":"success","linux-arm64":"failure"}',
      'artifact-ids': '501',
      publish: 'true',
      built: '1',
      failed: '1',
      'held-back': '[]',
    });
    expect(JSON.parse(r.outputs.failures as string)).toEqual([{ name: 'jq', version: '1.7.1', platform: 'linux-arm64', reason: 'build failed at the download step (run attempt 1)' }]);
    expect(JSON.parse(r.outputs.summary as string).recipes[0]).toMatchObject({ recipe: 'jq', decision: 'publish', platforms: { 'linux-arm64': { status: 'failed' } } });
    expect(r.summary).toContain('<td>jq</td><td>1.7.1</td><td>linux-arm64</td><td>failed</td><td>1</td><td>build failed at the download step (run attempt 1)</td><td>publish</td>');

    const held = await runActionStep(() => main(process.env), { dir, inputs: { plan, records: 'records', 'min-platforms': '2' } });
    expect(held.outputs).toMatchObject({ 'artifact-ids': '', publish: 'false', 'held-back': '[{"recipe":"jq","version":"1.7.1","available":1,"required":2}]' });
    expect(held.stdout).toContain('::warning title=collect::jq 1.7.1: held back');
    await expect(runActionStep(() => main(process.env), { dir, inputs: { plan, records: 'records', 'min-platforms': '5' } })).rejects.toMatchObject({ code: 'E_INPUT' });
  });
});
