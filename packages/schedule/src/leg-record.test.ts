import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Exec } from '@potions/core';
import {
  assertJobStatus,
  describeLegEnvironment,
  legFromMatrixJson,
  legRecordFromSteps,
  readLegRecords,
  stepsFromJson,
  writeLegRecord,
  type LegRecordInput,
} from './index';

const leg = legFromMatrixJson(
  JSON.stringify({ id: 'jq-linux-arm64', recipe: 'jq', file: 'recipes/jq.yml', version: '1.7.1', platform: 'linux-arm64', runner: 'ubuntu-24.04-arm', wave: 0, timeout: 60, needs: [], container: '', jobTimeout: 105 }),
);
const run = { id: '42', attempt: 2, url: 'https://github.com/acme/tools/actions/runs/42/attempts/2' };

function record(jobStatus: LegRecordInput['jobStatus'], steps: LegRecordInput['steps']) {
  return legRecordFromSteps({ leg, jobStatus, steps, run, artifactName: 'potions-build-jq-linux-arm64', environment: { runner: { os: 'Linux' } } });
}

describe('legRecordFromSteps', () => {
  it('a leg that built, checked and uploaded names its artifact of this attempt', () => {
    const r = record('success', {
      build: { outcome: 'success', outputs: { version: '1.7.1', sha256: 'a'.repeat(64) } },
      'smoke-test': { outcome: 'success', outputs: { ok: 'true' } },
      'sbom-scan': { outcome: 'success', outputs: { 'max-severity': 'none' } },
      upload: { outcome: 'success', outputs: { 'artifact-id': '1234' } },
    });
    expect(r).toEqual({
      schemaVersion: 1,
      leg: 'jq-linux-arm64',
      recipe: 'jq',
      version: '1.7.1',
      platform: 'linux-arm64',
      run,
      status: 'success',
      artifact: { name: 'potions-build-jq-linux-arm64', id: '1234', sha256: 'a'.repeat(64) },
      environment: { runner: { os: 'Linux' } },
    });
  });

  it('names the first step that failed and why, in the words of that step', () => {
    expect(record('failure', { build: { outcome: 'failure', outputs: { 'failed-step': 'download' } }, upload: { outcome: 'skipped' } })).toMatchObject({
      status: 'failure',
      failedStep: 'build',
      reason: 'build failed at the download step',
    });
    expect(record('failure', { build: { outcome: 'failure' } }).reason).toMatch(/timed out after the recipe's timeout_minutes/);
    expect(record('failure', { build: { outcome: 'success' }, 'smoke-test': { outcome: 'failure', outputs: { ok: 'false' } } })).toMatchObject({ failedStep: 'smoke-test', reason: expect.stringMatching(/^smoke test failed/) });
    expect(record('failure', { build: { outcome: 'success' }, 'smoke-test': { outcome: 'success' }, 'sbom-scan': { outcome: 'failure', outputs: { 'max-severity': 'critical' } } }).reason).toBe(
      'vulnerability scan failed: a critical finding that is not on the allow-list',
    );
    expect(record('failure', {}).reason).toBe('the job failed before the build started (checkout or job set-up)');
  });

  it('a cancelled or timed-out job is cancelled, never a success, even when its build step had passed', () => {
    const r = record('cancelled', { build: { outcome: 'success', outputs: { version: '1.7.1' } }, upload: { outcome: 'success', outputs: { 'artifact-id': '9' } } });
    expect(r).toMatchObject({ status: 'cancelled', reason: 'the leg was cancelled after the upload step (the run was cancelled, or the job reached its timeout-minutes)' });
    expect(r.artifact).toBeUndefined();
  });

  it('a success without an uploaded artifact is a failure', () => {
    expect(record('success', { build: { outcome: 'success' }, upload: { outcome: 'success', outputs: {} } })).toMatchObject({
      status: 'failure',
      reason: "the build's files were not uploaded (no artifact id)",
    });
  });
});

describe('reading the values a build job passes', () => {
  it('refuses what is not the matrix, the steps context or a job status, naming the input', () => {
    expect(() => legFromMatrixJson('{"id":"x"}')).toThrow(expect.objectContaining({ code: 'E_SCHEDULE_LEG_RECORD', message: 'leg: leg.recipe: Invalid input: expected string, received undefined' }));
    expect(() => stepsFromJson('[')).toThrow(expect.objectContaining({ code: 'E_SCHEDULE_LEG_RECORD', message: expect.stringMatching(/^steps is not JSON/) }));
    expect(() => assertJobStatus('skipped')).toThrow(expect.objectContaining({ message: 'job status "skipped" is not success, failure or cancelled' }));
    expect(stepsFromJson('{"build":{"outcome":"success","conclusion":"success","outputs":{"version":"1"}}}').build?.outputs?.version).toBe('1');
  });
});

describe('records on disk', () => {
  it('writes one file per leg and reads them back; a file that is not a record is reported by leg', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-records-'));
    try {
      const r = record('failure', { build: { outcome: 'failure', outputs: { 'failed-step': 'build' } } });
      expect(await writeLegRecord(dir, r)).toBe(path.join(dir, 'jq-linux-arm64.json'));
      await fs.writeFile(path.join(dir, 'yq-linux-amd64.json'), '{"schemaVersion": 2}');
      const read = await readLegRecords(dir);
      expect(read.records).toEqual([r]);
      expect(read.unreadable).toEqual([{ file: path.join(dir, 'yq-linux-amd64.json'), leg: 'yq-linux-amd64', message: expect.stringMatching(/^not a status record: schemaVersion/) }]);
      expect(await readLegRecords(path.join(dir, 'none'))).toEqual({ records: [], unreadable: [] });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('describeLegEnvironment', () => {
  it('records the runner and its image, the container, and on macOS the system, SDK, Xcode and deployment target', async () => {
    const asked: string[] = [];
    const answers: Record<string, string> = { sw_vers: '15.3\n', xcrun: '15.2\n', xcodebuild: 'Xcode 16.2\nBuild version 16C5032a\n' };
    const exec: Exec = async (req) => {
      asked.push(req.argv.join(' '));
      req.onOutput?.(Buffer.from(answers[req.argv[0] as string] ?? ''));
      return { exitCode: 0, signal: null, timedOut: false, tail: '' };
    };
    const env = { RUNNER_OS: 'macOS', RUNNER_ARCH: 'ARM64', ImageOS: 'macos15', ImageVersion: '20250120.596', MACOSX_DEPLOYMENT_TARGET: '11.0', PATH: '/usr/bin' };
    expect(await describeLegEnvironment({ env, exec, hostOs: 'darwin' })).toEqual({
      runner: { os: 'macOS', arch: 'ARM64', image: 'macos15 20250120.596' },
      macos: { productVersion: '15.3', sdk: '15.2', xcode: 'Xcode 16.2, Build version 16C5032a', deploymentTarget: '11.0' },
    });
    expect(asked).toEqual(['xcodebuild -version', 'sw_vers -productVersion', 'xcrun --show-sdk-version']);
    const image = 'ghcr.io/acme/build-env@sha256:' + 'b'.repeat(64);
    expect(await describeLegEnvironment({ env: { RUNNER_OS: 'Linux' }, exec, hostOs: 'linux', container: image })).toEqual({ runner: { os: 'Linux' }, container: image });
  });
});
