import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { restoreEnv, runActionStep, saveEnv } from '@potions/action-common/testing';
import { generateManifestKey, trustedKeysFromPem, verifyManifest } from '@potions/manifest';
import { writeFakeBuild } from '@potions/manifest/testing';
import { localObjectsFromDir, startLocalMirrors, syncToMirrors, type LocalMirrors } from '@potions/mirrors';
import { main } from './main';

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
    const { result } = await syncToMirrors(await localObjectsFromDir(artifacts), {
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
});
