import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { restoreEnv, runActionStep, saveEnv } from '@potions/action-common/testing';
import { startLocalMirrors, type LocalMirrors } from '@potions/local-mirrors';
import { silentReporter } from '@potions/core';
import { LocalKeySigner, generateManifestKey, publishRelease, readArtifactMetadataDir, trustedKeysFromPem, verifyManifest } from '@potions/manifest';
import { writeFakeBuild } from '@potions/manifest/testing';
import { closeMirrors, localObjectsFromDir, openS3Mirrors } from '@potions/mirrors';
import { recordingOpenMirrors, syncConfigured } from '@potions/mirrors/testing';
import { main } from './main';

describe('manifest-withdraw action', () => {
  let dir: string;
  let local: LocalMirrors;
  let mirrorsYaml: string;
  const key = generateManifestKey();
  const saved = saveEnv();
  const secrets = {
    POTIONS_MANIFEST_KEY: key.privateKeyPem,
    POTIONS_MIRROR_MIRROR_A_ACCESS_KEY_ID: 'S3RVER',
    POTIONS_MIRROR_MIRROR_A_SECRET_ACCESS_KEY: 'S3RVER',
    POTIONS_MIRROR_MIRROR_B_ACCESS_KEY_ID: 'S3RVER',
    POTIONS_MIRROR_MIRROR_B_SECRET_ACCESS_KEY: 'S3RVER',
  };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-action-withdraw-'));
    local = await startLocalMirrors({ dir: path.join(dir, 'data'), count: 2 });
    mirrorsYaml = [
      'mirrors:',
      ...local.mirrors.flatMap((m, i) => [`  - name: mirror-${'ab'[i]}`, '    provider: s3rver', `    endpoint: ${m.endpoint}`, `    bucket: ${m.bucket}`]),
    ].join('\n');
    // A published release: jq 1.7.1 on two platforms.
    const artifacts = path.join(dir, 'artifacts');
    await writeFakeBuild(artifacts, { name: 'jq', version: '1.7.1', platform: 'linux-amd64', seed: 'x' });
    await writeFakeBuild(artifacts, { name: 'jq', version: '1.7.1', platform: 'darwin-arm64', seed: 'y' });
    const configs = local.mirrors.map((m, i) => ({ ...m, name: `mirror-${'ab'[i]}` }));
    const { result } = await syncConfigured(await localObjectsFromDir(artifacts), { mirrors: configs });
    const opened = openS3Mirrors(configs, { reporter: silentReporter });
    try {
      const published = await publishRelease({ metadata: await readArtifactMetadataDir(artifacts), sync: result!, mirrors: opened, signer: LocalKeySigner.fromPem(key.privateKeyPem) });
      expect(published.report).toMatchObject({ ok: true, version: 1 });
    } finally {
      await closeMirrors(opened);
    }
  });

  afterAll(async () => {
    await local.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  afterEach(() => restoreEnv(saved));

  const manifestOn = async (i: number) =>
    (await verifyManifest(new Uint8Array(await (await fetch(`${local.mirrors[i]!.endpoint}/potions/manifest.json`)).arrayBuffer()), { trustedKeys: trustedKeysFromPem(key.publicKeyPem) })).manifest;

  it('withdraws one platform on every mirror, outputs what a CDN must purge, and changes nothing when run again', async () => {
    const inputs = { package: 'jq@1.7.1', platform: 'linux-amd64', reason: 'segfaults on <glibc 2.31>', mirrors: mirrorsYaml };
    const r = await runActionStep(main, { dir, inputs, env: secrets });
    expect(r.exitCode).toBeUndefined();
    expect(r.outputs).toMatchObject({ version: '2', changed: 'true' });
    const withdrawn = JSON.parse(r.outputs.withdrawn!) as { platform: string; revision: number; files: { file: string; urls: string[] }[] }[];
    expect(withdrawn.map((w) => [w.platform, w.revision])).toEqual([['linux-amd64', 1]]);
    const purge = r.outputs['purge-urls']!.split('\n');
    expect(purge).toContain(`${local.mirrors[0]!.endpoint}/potions/manifest.json`);
    expect(purge).toEqual(expect.arrayContaining(withdrawn[0]!.files.flatMap((f) => f.urls)));
    expect(purge.filter((u) => u.endsWith('jq-1.7.1-linux-amd64.tar.gz'))).toHaveLength(2);
    for (const i of [0, 1]) {
      const jq = (await manifestOn(i)).packages.jq!['1.7.1']!;
      expect(jq['linux-amd64']).toMatchObject({ status: 'withdrawn', revision: 1, reason: 'segfaults on <glibc 2.31>' });
      expect(jq['darwin-arm64']).toMatchObject({ status: 'available' });
    }
    expect(r.summary).toContain('Published manifest version 2');

    const again = await runActionStep(main, { dir, inputs, env: secrets });
    expect(again.outputs).toMatchObject({ version: '2', changed: 'false', withdrawn: '[]' });
    expect(again.summary).toContain('withdrawn already');
  });

  it('checks every input before any mirror is opened, naming the input', async () => {
    for (const [inputs, message] of [
      [{ package: 'jq', reason: 'x' }, 'the input "package" must be NAME@VERSION'],
      [{ package: 'jq@1.7.1', reason: 'x', revision: 'two' }, 'the input "revision" must be a whole number'],
      [{ package: 'jq@1.7.1', reason: 'x', platform: 'windows' }, 'input "platform"'],
      [{ package: 'jq@1.7.1', reason: 'x', 'expires-days': '36500000' }, 'the input "expires-days" must be a whole number from 1 to 3650'],
      [{ package: 'jq@1.7.1', reason: '' }, 'the input "reason" is required'],
    ] as const) {
      const clients = recordingOpenMirrors();
      await expect(
        runActionStep(() => main(process.env, { openMirrors: clients.open }), { dir, inputs: { ...inputs, mirrors: mirrorsYaml }, env: secrets }),
      ).rejects.toMatchObject({ code: expect.stringMatching(/^E_(INPUT|CORE_PLATFORM)$/), message: expect.stringContaining(message) });
      expect(clients.made).toEqual([]);
    }
  });

  it('says what exists when the version is not in the manifest, and closes every client it made', async () => {
    const clients = recordingOpenMirrors();
    await expect(
      runActionStep(() => main(process.env, { openMirrors: clients.open }), { dir, inputs: { package: 'jq@9.9', reason: 'x', mirrors: mirrorsYaml }, env: secrets }),
    ).rejects.toMatchObject({ code: 'E_MANIFEST_NOT_FOUND', message: expect.stringContaining('no version 9.9 of jq') });
    expect(clients.made.map((t) => t.name)).toEqual(['mirror-a', 'mirror-b']);
    expect(clients.unclosed()).toEqual([]);
  });
});
