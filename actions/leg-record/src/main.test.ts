import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { restoreEnv, runActionStep, saveEnv } from '@potions/action-common/testing';
import { readLegRecords } from '@potions/schedule';
import { main } from './main';

const LEG = { id: 'jq-linux-amd64', recipe: 'jq', file: 'recipes/jq.yml', version: '1.7.1', platform: 'linux-amd64', runner: 'ubuntu-24.04', wave: 0, timeout: 60, needs: [], container: '', jobTimeout: 105 };
const RUN = { GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '3', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/tools', RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64' };

describe('leg-record action', () => {
  let dir: string;
  const saved = saveEnv();
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-action-leg-'));
  });
  afterAll(async () => fs.rm(dir, { recursive: true, force: true }));
  afterEach(() => restoreEnv(saved));

  const run = (inputs: Record<string, string>, env: Record<string, string> = RUN) => runActionStep(() => main(process.env), { dir, inputs, env });

  it('writes the record of a failed leg with its attempt, and passes itself', async () => {
    const steps = { build: { outcome: 'failure', conclusion: 'failure', outputs: { 'failed-step': 'verify', version: '1.7.1' } }, upload: { outcome: 'skipped', conclusion: 'skipped', outputs: {} } };
    const r = await run({ leg: JSON.stringify(LEG), 'job-status': 'failure', steps: JSON.stringify(steps), 'artifact-name': 'potions-build-jq-linux-amd64', 'records-dir': 'records' });
    expect(r.exitCode).toBeUndefined();
    expect(r.outputs).toEqual({ record: path.join(dir, 'records', 'jq-linux-amd64.json'), status: 'failure', reason: 'build failed at the verify step' });
    const { records } = await readLegRecords(path.join(dir, 'records'));
    expect(records).toEqual([
      expect.objectContaining({
        leg: 'jq-linux-amd64',
        status: 'failure',
        failedStep: 'build',
        run: { id: '77', attempt: 3, url: 'https://github.com/acme/tools/actions/runs/77/attempts/3' },
        environment: { runner: { os: 'Linux', arch: 'X64' } },
      }),
    ]);
    expect(r.summary).toContain('build failed at the verify step');
  });

  it('refuses to write a record outside a run', async () => {
    await expect(run({ leg: JSON.stringify(LEG), 'job-status': 'success', steps: '{}', 'artifact-name': 'x' }, {})).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('GITHUB_RUN_ATTEMPT') });
  });
});
