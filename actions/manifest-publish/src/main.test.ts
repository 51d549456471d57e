import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { restoreEnv, runActionStep, saveEnv } from '@potions/action-common/testing';
import { generateManifestKey, trustedKeysFromPem, verifyManifest } from '@potions/manifest';
import { writeFakeBuild } from '@potions/manifest/testing';
import { startLocalMirrors, type LocalMirrors } from '@potions/local-mirrors';
import { localObjectsFromDir } from '@potions/mirrors';
import { recordingOpenMirrors, syncConfigured } from '@potions/mirrors/testing';
import { collectRun, parseRunPlan, planSchedule, scheduleOutputs } from '@potions/schedule';
import { tinyRecipe } from '@potions/schedule/testing';
import { parse } from 'yaml';
import { readInputs } from './inputs';
import { main } from './main';

interface WorkflowStep {
  id?: string;
  with?: Record<string, string>;
}
/** A step of .github/workflows/release.yml, by job and id. */
async function releaseStep(job: string, id: string): Promise<WorkflowStep> {
  const file = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../.github/workflows/release.yml');
  const wf = parse(await fs.readFile(file, 'utf8')) as { jobs: Record<string, { steps: WorkflowStep[] }> };
  const step = wf.jobs[job]!.steps.find((s) => s.id === id);
  if (!step) throw new Error(`release.yml: no step ${job}.${id}`);
  return step;
}

describe('manifest-publish action', () => {
  let dir: string;
  let local: LocalMirrors;
  let mirrorsYaml: string;
  const key = generateManifestKey();
  const saved = saveEnv();

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-action-manifest-'));
    local = await startLocalMirrors({ dir: path.join(dir, 'data'), count: 2 });
    mirrorsYaml = [
      'mirrors:',
      ...local.mirrors.flatMap((m, i) => [`  - name: mirror-${'ab'[i]}`, '    provider: s3rver', `    endpoint: ${m.endpoint}`, `    bucket: ${m.bucket}`]),
    ].join('\n');
    // What the build jobs and mirror-sync leave behind: two platforms built, the sync result saved.
    const artifacts = path.join(dir, 'artifacts');
    await writeFakeBuild(artifacts, { name: 'jq', version: '1.7.1', platform: 'linux-amd64', seed: 'x' });
    await writeFakeBuild(artifacts, { name: 'jq', version: '1.7.1', platform: 'darwin-arm64', seed: 'y' });
    const { result } = await syncConfigured(await localObjectsFromDir(artifacts), {
      mirrors: local.mirrors.map((m, i) => ({ ...m, name: `mirror-${'ab'[i]}` })),
    });
    await fs.writeFile(path.join(dir, 'sync.json'), JSON.stringify(result));
  });

  afterAll(async () => {
    await local.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  afterEach(() => restoreEnv(saved));

  /** Run main() as the runner would, with these inputs, the signing key and both mirrors' credentials. */
  const runStep = (inputs: Record<string, string>) =>
    runActionStep(main, {
      dir,
      inputs,
      env: {
        POTIONS_MANIFEST_KEY: Buffer.from(key.privateKeyPem).toString('base64'),
        POTIONS_MIRROR_MIRROR_A_ACCESS_KEY_ID: 'S3RVER',
        POTIONS_MIRROR_MIRROR_A_SECRET_ACCESS_KEY: 'S3RVER',
        POTIONS_MIRROR_MIRROR_B_ACCESS_KEY_ID: 'S3RVER',
        POTIONS_MIRROR_MIRROR_B_SECRET_ACCESS_KEY: 'S3RVER',
      },
    });

  it('publishes a signed manifest to both mirrors with failed platforms listed, and republishes nothing on a re-run', async () => {
    const failures = JSON.stringify([{ name: 'jq', version: '1.7.1', platform: 'linux-arm64', reason: 'linker error in the arm64 job' }]);
    const inputs = {
      artifacts: 'artifacts',
      'sync-result': 'sync.json',
      mirrors: mirrorsYaml,
      platforms: 'linux-amd64, linux-arm64, darwin-arm64, darwin-x86_64',
      failures,
    };
    const r = await runStep(inputs);
    expect(r.exitCode).toBeUndefined();
    expect(r.outputs).toMatchObject({ version: '1', changed: 'true' });
    expect(r.outputs['manifest-url']).toBe(`${local.mirrors[0]!.endpoint}/potions/manifest.json`);

    // Both mirrors hold the same verified manifest; every URL in it serves bytes with the listed digest.
    const trustedKeys = trustedKeysFromPem(key.publicKeyPem);
    for (const m of local.mirrors) {
      const bytes = new Uint8Array(await (await fetch(`${m.endpoint}/potions/manifest.json`)).arrayBuffer());
      const { manifest } = await verifyManifest(bytes, { trustedKeys });
      const jq = manifest.packages.jq!['1.7.1']!;
      expect(jq['linux-arm64']).toEqual({ status: 'unavailable', reason: 'linker error in the arm64 job' });
      expect(jq['darwin-x86_64']).toEqual({ status: 'unavailable', reason: 'not built in this release' });
      const amd = jq['linux-amd64']!;
      if (amd.status !== 'available') throw new Error('expected available');
      expect(amd.artifacts.map((a) => a.urls.length)).toEqual([2, 2]);
      const got = new Uint8Array(await (await fetch(amd.artifacts[0]!.urls[1]!)).arrayBuffer());
      expect(createHash('sha256').update(got).digest('hex')).toBe(amd.artifacts[0]!.sha256);
    }

    expect(r.summary).toContain('<table>');
    expect(r.summary).toContain('linker error in the arm64 job');
    expect(r.summary).toContain('mirror-a, mirror-b');
    expect(r.summary).toContain('Published manifest version 1');
    // The key was masked (both forms) and is in no output or summary.
    expect(r.stdout).toContain(`::add-mask::${Buffer.from(key.privateKeyPem).toString('base64')}`);
    const body = key.privateKeyPem.split('\n')[1]!;
    for (const text of [r.outputText, r.summary]) expect(text).not.toContain(body);

    const again = await runStep(inputs);
    expect(again.outputs).toMatchObject({ version: '1', changed: 'false' });
    expect(again.summary).toContain('Unchanged: manifest version 1');
  });

  it('names the input when the failures JSON is wrong', async () => {
    await expect(
      runStep({ artifacts: 'artifacts', 'sync-result': 'sync.json', mirrors: mirrorsYaml, failures: '[{"name":"jq"}]' }),
    ).rejects.toMatchObject({ code: 'E_MANIFEST_RELEASE_INVALID', message: expect.stringContaining('input "failures"') });
  });

  it('a backfill that failed again: the failures collect hands release.yml\'s publish job are published without a sync result, keys from the credentials input', async () => {
    // release.yml's publish step: failures are the collect job's output (inline JSON); no build, so no sync result.
    const publish = await releaseStep('publish', 'manifest');
    expect(publish.with).toMatchObject({ failures: '${{ needs.collect.outputs.failures }}', 'sync-result': '${{ steps.sync.outputs.result }}' });
    // What collect makes of a run for linux-arm64 of jq 1.7.1 (published on two platforms) whose leg failed at configure.
    const schedule = planSchedule({ recipes: [tinyRecipe({ name: 'jq', version: '1.7.1' })], platforms: ['linux-arm64'] });
    const plan = parseRunPlan(scheduleOutputs(schedule, 8, { available: [{ name: 'jq', version: '1.7.1', platform: 'linux-amd64' }] }).plan as string);
    const run = collectRun({
      plan,
      records: [
        {
          schemaVersion: 1,
          leg: 'jq-linux-arm64',
          recipe: 'jq',
          version: '1.7.1',
          platform: 'linux-arm64',
          run: { id: '42', attempt: 1, url: 'https://github.com/acme/recipes/actions/runs/42/attempts/1' },
          status: 'failure',
          failedStep: 'build',
          reason: 'build failed at the configure step',
          environment: { runner: {} },
        },
      ],
    });
    expect(run.artifactIds).toEqual([]);
    const wf = await fs.mkdtemp(path.join(dir, 'wf-'));
    await fs.mkdir(path.join(wf, 'potions-release'));
    const r = await runActionStep(main, {
      dir,
      inputs: {
        artifacts: `${path.basename(wf)}/potions-release`,
        'sync-result': '', // mirror-sync was skipped: nothing built
        mirrors: mirrorsYaml,
        platforms: 'linux-arm64',
        failures: JSON.stringify(run.failures),
        credentials: JSON.stringify({ 'mirror-a': { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, 'mirror-b': { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }),
      },
      env: { POTIONS_MANIFEST_KEY: key.privateKeyPem },
    });
    expect(r.exitCode).toBeUndefined();
    expect(r.stdout).toContain('::add-mask::S3RVER');
    for (const m of local.mirrors) {
      const bytes = new Uint8Array(await (await fetch(`${m.endpoint}/potions/manifest.json`)).arrayBuffer());
      const { manifest } = await verifyManifest(bytes, { trustedKeys: trustedKeysFromPem(key.publicKeyPem) });
      expect(manifest.packages.jq!['1.7.1']!['linux-arm64']).toEqual({
        status: 'unavailable',
        reason: 'build failed at the configure step (run attempt 1: https://github.com/acme/recipes/actions/runs/42/attempts/1)',
      });
      // What was published is kept.
      expect(manifest.packages.jq!['1.7.1']!['linux-amd64']!.status).toBe('available');
    }
  });

  it('takes failures inline as one object, and refuses an empty sync-result when there are builds', async () => {
    await expect(
      runStep({
        artifacts: 'artifacts',
        mirrors: mirrorsYaml,
        failures: '{"name":"jq","version":"1.7.1","platform":"linux-arm64","reason":"x"}',
      }),
    ).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('the input "sync-result" is empty, but') });
  });

  it('names the input and the mirror when the credentials are wrong, showing no value', async () => {
    const r = runActionStep(main, {
      dir,
      inputs: { artifacts: 'artifacts', 'sync-result': 'sync.json', mirrors: mirrorsYaml, credentials: '{"mirror-a": {"accessKeyId": "AKIDSECRET"}}' },
      env: { POTIONS_MANIFEST_KEY: key.privateKeyPem },
    });
    await expect(r).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('mirror "mirror-a" needs "accessKeyId" and "secretAccessKey"') });
    await expect(r).rejects.toMatchObject({ message: expect.not.stringContaining('AKIDSECRET') });
  });

  it('closes every client it makes, also when the publish is refused', async () => {
    for (const syncResult of ['sync.json', 'no-such-sync.json']) {
      const clients = recordingOpenMirrors();
      const step = runActionStep(() => main(process.env, { openMirrors: clients.open }), {
        dir,
        inputs: { artifacts: 'artifacts', 'sync-result': syncResult, mirrors: mirrorsYaml },
        env: { POTIONS_MANIFEST_KEY: key.privateKeyPem, POTIONS_MIRROR_MIRROR_A_ACCESS_KEY_ID: 'S3RVER', POTIONS_MIRROR_MIRROR_A_SECRET_ACCESS_KEY: 'S3RVER' },
      });
      if (syncResult === 'sync.json') {
        expect((await step).exitCode).toBeUndefined();
        // mirror-b has no credentials: no client for it, and the manifest on mirror-a alone.
        expect(clients.made.map((t) => t.name)).toEqual(['mirror-a']);
      } else {
        // The sync result cannot be read: refused before any client is made.
        await expect(step).rejects.toMatchObject({ code: 'E_MANIFEST_RELEASE_INVALID' });
        expect(clients.made).toEqual([]);
      }
      expect(clients.unclosed()).toEqual([]);
    }
  });

  it('reads its inputs from the environment it is given', async () => {
    const env: NodeJS.ProcessEnv = {
      GITHUB_WORKSPACE: dir,
      INPUT_ARTIFACTS: 'artifacts',
      'INPUT_SYNC-RESULT': 'sync.json',
      INPUT_MIRRORS: mirrorsYaml,
      INPUT_PLATFORMS: 'linux-amd64, darwin-arm64',
      'INPUT_EXPIRES-DAYS': '30',
      INPUT_FAILURES: '{"name":"jq","version":"1.7.1","platform":"linux-arm64","reason":"x"}',
      'INPUT_DRY-RUN': 'true',
    };
    const before = { ...process.env };
    expect(await readInputs(env)).toMatchObject({
      artifacts: path.join(dir, 'artifacts'),
      syncResult: path.join(dir, 'sync.json'),
      platforms: ['linux-amd64', 'darwin-arm64'],
      expiresInDays: 30,
      failures: [{ name: 'jq', version: '1.7.1', platform: 'linux-arm64', reason: 'x' }],
      dryRun: true,
    });
    expect(process.env).toEqual(before);
  });

  it('adds the artifact trust settings given as YAML, and checks the expiry and the settings before any mirror is opened', async () => {
    const trustYaml = [
      'identities:',
      '  - identity: ^https://github\\.com/potions/actions/\\.github/workflows/release\\.yml@refs/tags/.+$',
      '    issuer: https://token.actions.githubusercontent.com',
      '    sourceRepository: https://github.com/acme/tools',
    ].join('\n');
    const r = await runStep({ artifacts: 'artifacts', 'sync-result': 'sync.json', mirrors: mirrorsYaml, 'artifact-trust': trustYaml });
    expect(r.exitCode).toBeUndefined();
    expect(r.outputs.changed).toBe('true');
    const bytes = new Uint8Array(await (await fetch(`${local.mirrors[1]!.endpoint}/potions/manifest.json`)).arrayBuffer());
    const { manifest } = await verifyManifest(bytes, { trustedKeys: trustedKeysFromPem(key.publicKeyPem) });
    expect(manifest.artifactTrust).toEqual({
      identities: [{ identity: '^https://github\\.com/potions/actions/\\.github/workflows/release\\.yml@refs/tags/.+$', issuer: 'https://token.actions.githubusercontent.com', sourceRepository: 'https://github.com/acme/tools' }],
    });
    for (const [inputs, message] of [
      [{ 'expires-days': '36500000' }, 'the input "expires-days" must be a whole number of days from 1 to 3650, got "36500000"'],
      [{ 'artifact-trust': '{"keys": [{"publicKey": "not a key"}]}' }, 'input "artifact-trust": keys.0.publicKey'],
      [{ 'new-revision': 'maybe' }, 'the input "new-revision" must be true or false'],
    ] as const) {
      const clients = recordingOpenMirrors();
      await expect(
        runActionStep(() => main(process.env, { openMirrors: clients.open }), {
          dir,
          inputs: { artifacts: 'artifacts', 'sync-result': 'sync.json', mirrors: mirrorsYaml, ...inputs },
          env: { POTIONS_MANIFEST_KEY: key.privateKeyPem },
        }),
      ).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining(message) });
      expect(clients.made).toEqual([]);
    }
  });
});
