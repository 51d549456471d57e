import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSampleBuild } from '@potions/core/testing';
import { restoreEnv, runActionStep, saveEnv } from '@potions/action-common/testing';
import { generateSigningKey, verifyArtifactFile, verifyStatement } from '@potions/signing';
import { startSigstoreTestServices, type SigstoreTestServices } from '@potions/signing/testing';
import { main } from './main';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const RELEASE = { identity: '^https://github\\.com/potions/actions/\\.github/workflows/release\\.yml@refs/tags/.+$', issuer: 'https://token.actions.githubusercontent.com', sourceRepository: 'https://github.com/acme/tools' };

/** What the runner sets for a release job of acme/tools. */
const GITHUB_ENV = {
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/tools',
  GITHUB_WORKFLOW_REF: 'acme/tools/.github/workflows/release.yml@refs/tags/v1.0.0',
  GITHUB_REF: 'refs/tags/v1.0.0',
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_RUN_ID: '987654321',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_EVENT_NAME: 'push',
};

describe('sign action', () => {
  let dir: string;
  let svc: SigstoreTestServices;
  const saved = saveEnv();

  // One workspace for the file: @actions/core's summary keeps writing to the first summary file it was given.
  beforeAll(async () => {
    svc = await startSigstoreTestServices();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-action-sign-'));
    const art = path.join(dir, 'artifacts');
    await fs.mkdir(art);
    await writeSampleBuild(art, { overrides: { recipe: { digest: 'f'.repeat(64), file: 'hello.yml' } } });
  });
  afterAll(async () => {
    await svc.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    restoreEnv(saved);
    const art = path.join(dir, 'artifacts');
    for (const f of await fs.readdir(art)) if (f.endsWith('.sigstore.json')) await fs.rm(path.join(art, f));
    await fs.rm(path.join(dir, 'bundles'), { recursive: true, force: true });
  });

  it('signs keyless with the job token: a bundle per file, the provenance, outputs and a summary', async () => {
    for (const k of Object.keys(process.env)) if (k.startsWith('ACTIONS_ID_TOKEN')) delete process.env[k];
    const r = await runActionStep(main, {
      dir,
      inputs: {
        // Each file once, in the order the patterns find them.
        files: 'artifacts/*.tar.*\n# a comment line\nartifacts/*.json',
        provenance: 'true',
        metadata: 'artifacts/*.tar.gz.json',
        sigstore: JSON.stringify({ ...svc.services, rekorDsseEntryType: 'intoto' }),
      },
      env: { ...GITHUB_ENV, ...svc.githubTokenEnv() },
    });
    expect(r.exitCode).toBeUndefined();
    const art = path.join(dir, 'artifacts');
    const bundles = JSON.parse(r.outputs.bundles!) as string[];
    expect(bundles).toEqual([
      path.join(art, 'hello-2.10-linux-amd64.tar.gz.sigstore.json'),
      path.join(art, 'hello-2.10-linux-amd64.tar.gz.json.sigstore.json'),
      path.join(art, 'hello-2.10-linux-amd64.tar.zst.sigstore.json'),
    ]);
    const provenance = path.join(art, 'hello-2.10-linux-amd64.provenance.sigstore.json');
    expect(r.outputs['provenance-bundle']).toBe(provenance);
    expect(JSON.parse(r.outputs['provenance-bundles']!)).toEqual([provenance]);
    for (const b of bundles) {
      await expect(verifyArtifactFile(b.replace(/\.sigstore\.json$/, ''), b, { trust: { identities: [RELEASE] }, trustedRoot: svc.trustedRoot })).resolves.toMatchObject({ kind: 'keyless' });
    }
    const v = await verifyStatement(await fs.readFile(provenance, 'utf8'), { trust: { identities: [RELEASE] }, trustedRoot: svc.trustedRoot });
    const predicate = v.statement.predicate as { buildDefinition: { externalParameters: { workflow: unknown } }; runDetails: { builder: { id: string }; metadata: { invocationId: string } } };
    expect(predicate.runDetails.builder.id).toBe('https://github.com/potions/actions/.github/workflows/release.yml@refs/tags/v1');
    expect(predicate.runDetails.metadata.invocationId).toBe('https://github.com/acme/tools/actions/runs/987654321/attempts/1');
    expect(predicate.buildDefinition.externalParameters.workflow).toEqual({ ref: 'refs/tags/v1.0.0', repository: 'https://github.com/acme/tools', path: '.github/workflows/release.yml' });
    // The summary: file, sha256, bundle, Rekor log index.
    expect(r.summary).toContain('<th>Rekor log index or key id</th>');
    expect(r.summary).toContain(sha256(Buffer.from('hello gz')));
    expect(r.summary).toMatch(/Rekor log index \d+/);
    // @actions/core masked the job's token.
    expect(r.stdout).toMatch(/::add-mask::eyJ/);
  });

  it('signs with a key secret (base64 of the PEM), masked, and the bundles verify with its public key', async () => {
    const key = generateSigningKey();
    const b64 = Buffer.from(key.privateKeyPem).toString('base64');
    const r = await runActionStep(main, { dir, inputs: { files: 'artifacts/hello-2.10-linux-amd64.tar.gz', key: b64, 'out-dir': 'bundles' }, env: GITHUB_ENV });
    expect(r.exitCode).toBeUndefined();
    const bundle = path.join(dir, 'bundles', 'hello-2.10-linux-amd64.tar.gz.sigstore.json');
    expect(JSON.parse(r.outputs.bundles!)).toEqual([bundle]);
    expect(r.outputs['provenance-bundle']).toBe('');
    await expect(verifyArtifactFile(path.join(dir, 'artifacts', 'hello-2.10-linux-amd64.tar.gz'), bundle, { trust: { keys: [{ publicKey: key.publicKeyPem }] } })).resolves.toMatchObject({
      kind: 'key',
      keyId: key.keyId,
    });
    expect(r.stdout).toContain(`::add-mask::${b64}`);
    expect(r.summary).toContain(`key ${key.keyId}`);
    for (const text of [r.summary, r.outputText]) expect(text).not.toContain(b64);
  });

  it('fails with a clear message when keyless has no token to ask for, before writing anything', async () => {
    for (const k of Object.keys(process.env)) if (k.startsWith('ACTIONS_ID_TOKEN')) delete process.env[k];
    await expect(runActionStep(main, { dir, inputs: { files: 'artifacts/*.tar.gz', sigstore: JSON.stringify(svc.services) }, env: GITHUB_ENV })).rejects.toMatchObject({
      code: 'E_SIGNING_IDENTITY_TOKEN',
      hint: 'give the job `permissions: id-token: write`, or sign with mode key and a key secret',
    });
    expect((await fs.readdir(path.join(dir, 'artifacts'))).filter((f) => f.endsWith('.sigstore.json'))).toEqual([]);
  });

  it('refuses inputs that do not add up', async () => {
    const key = generateSigningKey().privateKeyPem;
    const cases: [Record<string, string>, string][] = [
      [{ files: 'artifacts/*.exe' }, 'artifacts/*.exe matches no file'],
      [{ files: 'artifacts/*.tar.gz', mode: 'key' }, 'mode key needs the input "key"'],
      [{ files: 'artifacts/*.tar.gz', mode: 'keyless', key }, 'the input "key" is given but the mode is keyless'],
      [{ files: 'artifacts/*.tar.gz', mode: 'cosign' }, 'the input "mode" must be keyless or key, got "cosign"'],
      [{ files: 'artifacts/*.tar.gz', provenance: 'true' }, 'provenance needs the builder\'s metadata'],
      [{ files: 'artifacts/*.tar.gz', metadata: 'artifacts/*.json' }, 'is only read for provenance'],
      [{ files: 'artifacts/*.tar.gz', sigstore: '{"fulcioUrl": "ftp://x"}' }, 'is not a Sigstore services description'],
    ];
    for (const [inputs, message] of cases) {
      await expect(runActionStep(main, { dir, inputs, env: GITHUB_ENV })).rejects.toThrow(message);
    }
  });
});
