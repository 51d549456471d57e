/**
 * `fetchPackage` and signed artifacts: a small tool packed as the builder
 * packs (deterministic `.tar.gz` and `.tar.zst`, `<artifact>.json`), on two
 * real s3rver mirrors, its `.tar.gz` signed with a key and its `.tar.zst`
 * signed keyless against the offline Sigstore services of
 * `@potions/signing/testing`; the bundles are synced next to the artifacts
 * and named in the manifest, with the artifact trust settings, through
 * `publishRelease` as a release hands them over.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { silentReporter } from '@potions/core';
import { packDirectory } from '@potions/archive';
import { FileTrustStore, LocalKeySigner, generateManifestKey, publishRelease, readArtifactMetadataDir } from '@potions/manifest';
import type { Manifest } from '@potions/manifest';
import type { MirrorConfig } from '@potions/mirrors';
import { closeMirrors, localObjectsFromDir, openS3Mirrors } from '@potions/mirrors';
import { syncConfigured } from '@potions/mirrors/testing';
import { GITHUB_ACTIONS_ISSUER, KeyBundleSigner, SigstoreKeylessSigner, generateSigningKey, githubWorkflowIdentity, signFiles } from '@potions/signing';
import type { SigningTrust } from '@potions/signing';
import { startSigstoreTestServices, type SigstoreTestServices } from '@potions/signing/testing';
import { fetchPackage } from './fetch-package';
import type { FetchPackageOptions } from './fetch-package';
import { FAST_S3, describeOnLinuxHost, fastDownloads, s3rverObjectPath, useGreetMirrors } from './test-support';

const run = promisify(execFile);

/** What the builder leaves for a tool whose `bin/greet` prints `message`: both archives and `<artifact>.json`. Returns the artifact paths. */
async function packBuild(dir: string, name: string, version: string, message: string): Promise<string[]> {
  const tree = path.join(dir, '.tree');
  await fs.mkdir(path.join(tree, 'bin'), { recursive: true });
  await fs.writeFile(path.join(tree, 'bin', 'greet'), `#!/bin/sh\necho '${message}'\n`, { mode: 0o755 });
  const base = `${name}-${version}-linux-amd64`;
  const packed = await packDirectory(tree, path.join(dir, base), { mtime: 1_700_000_000 });
  await fs.rm(tree, { recursive: true });
  const info = (format: string) => {
    const a = packed.archives.find((x) => x.format === format)!;
    return { file: path.basename(a.path), sha256: a.sha256, size: a.size };
  };
  const metadata = {
    schema: 1,
    name,
    version,
    platform: 'linux-amd64',
    method: 'source',
    status: 'built',
    artifact: { tarGz: info('tar.gz'), tarZst: info('tar.zst') },
    recipe: { digest: 'f'.repeat(64) },
    buildType: 'custom',
    builder: { name: '@potions/builder', version: '0.1.0', node: process.version },
    builtAt: '2025-03-01T12:00:00.000Z',
    durationMs: 1,
  };
  await fs.writeFile(path.join(dir, `${base}.tar.gz.json`), JSON.stringify(metadata));
  return packed.archives.map((a) => a.path);
}

/** mirror-sync, then manifest-publish, as a release does them. */
async function syncAndPublish(dir: string, mirrors: readonly MirrorConfig[], signer: LocalKeySigner, artifactTrust?: SigningTrust): Promise<void> {
  const { result } = await syncConfigured(await localObjectsFromDir(dir), { mirrors, ...FAST_S3 });
  const opened = openS3Mirrors(mirrors, { reporter: silentReporter, ...FAST_S3 });
  try {
    const published = await publishRelease({ metadata: await readArtifactMetadataDir(dir), sync: result!, mirrors: opened, signer, ...(artifactTrust ? { artifactTrust } : {}) });
    expect(published.report.ok).toBe(true);
  } finally {
    await closeMirrors(opened);
  }
}

describeOnLinuxHost('fetchPackage verifies the artifact signature before extracting anything', () => {
  const world = useGreetMirrors('potions-fetch-signed-', []);
  const manifestKey = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
  const artifactKey = generateSigningKey();
  const identity = {
    identity: githubWorkflowIdentity({ repository: 'potions/actions', workflowPath: '.github/workflows/release.yml' }),
    issuer: GITHUB_ACTIONS_ISSUER,
    sourceRepository: 'https://github.com/acme/tools',
  };
  const trust: SigningTrust = { keys: [{ publicKey: artifactKey.publicKeyPem }], identities: [identity] };
  let sigstore: SigstoreTestServices;
  let n = 0;
  const manifestUrls = (): string[] => world.two.mirrors.map((m) => `${m.endpoint}/potions/manifest.json`);
  const fetchInto = (extra: Partial<FetchPackageOptions> = {}) => {
    n++;
    return fetchPackage({
      manifestUrl: manifestUrls(),
      name: 'greet',
      version: '2.0.0',
      outDir: path.join(world.root, 'out', `greet-${n}`),
      trustedKeys: [manifestKey],
      trustStore: new FileTrustStore(path.join(world.root, 'trust', `${n}.json`)),
      trustedRoot: sigstore.trustedRoot,
      reporter: silentReporter,
      download: fastDownloads(),
      ...extra,
    });
  };
  const manifest = async (): Promise<Manifest> => ((await (await fetch(manifestUrls()[0]!)).json()) as { signed: Manifest }).signed;

  beforeAll(async () => {
    sigstore = await startSigstoreTestServices();
    const dir = path.join(world.root, 'signed');
    await fs.mkdir(dir);
    const [gz, zst] = await packBuild(dir, 'greet', '2.0.0', 'Hello from greet 2.0.0');
    // What the release's sign stage leaves beside the artifacts: a bundle for each.
    await signFiles([gz!], { signer: KeyBundleSigner.fromPem(artifactKey.privateKeyPem) });
    await signFiles([zst!], { signer: new SigstoreKeylessSigner({ idToken: async () => sigstore.idToken(), services: sigstore.services }) });
    await syncAndPublish(dir, world.two.mirrors, manifestKey, trust);
  });
  afterAll(async () => {
    await sigstore?.close();
  });

  test('the manifest names each bundle and the trust settings; fetch verifies the key signature and installs', async () => {
    const m = await manifest();
    expect(m.artifactTrust).toEqual(trust);
    const got = await fetchInto();
    expect(got.signature).toMatchObject({ verified: true, kind: 'key', keyId: artifactKey.keyId, bundle: `${path.basename(got.urls[0]!)}.sigstore.json` });
    expect((await run(path.join(got.dir, 'bin', 'greet'))).stdout).toBe('Hello from greet 2.0.0\n');
  });

  test('verifies a keyless bundle against the pinned workflow identity', async () => {
    const got = await fetchInto({ formats: ['tar.zst'] });
    expect(got.format).toBe('tar.zst');
    expect(got.signature).toMatchObject({ verified: true, kind: 'keyless', issuer: GITHUB_ACTIONS_ISSUER, sourceRepository: identity.sourceRepository });
  });

  test('trust given by the user replaces the manifest\'s: a signer it does not name is refused, and nothing is extracted', async () => {
    const outDir = path.join(world.root, 'out', 'refused');
    const other = generateSigningKey();
    const err = await fetchInto({ outDir, artifactTrust: { keys: [{ publicKey: other.publicKeyPem }] } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_SIGNING_UNKNOWN_KEY' });
    expect((err as Error).message).toContain('tar.gz: ');
    expect((err as Error).message).toContain('tar.zst: ');
    await expect(fs.stat(outDir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await fs.readdir(path.dirname(outDir))).filter((f) => f.startsWith('.refused'))).toEqual([]);
    // A key the user revokes is refused even while trusted.
    await expect(fetchInto({ artifactTrust: { keys: trust.keys!, revokedKeys: [artifactKey.keyId] }, formats: ['tar.gz'] })).rejects.toMatchObject({
      code: 'E_SIGNING_KEY_REVOKED',
    });
  });

  test('a bundle that does not verify on every mirror sends fetch to the next format', async () => {
    const m = await manifest();
    const entry = Object.values(m.packages.greet!['2.0.0']!).find((e) => e.status === 'available')!;
    if (entry.status !== 'available') throw new Error('expected available');
    const gzBundle = entry.artifacts[0]!.signatureBundle!;
    // Each mirror's copy of the .tar.gz bundle replaced (same size would be needed for a silent swap; the digest pin catches it either way).
    const key = new URL(gzBundle.urls[0]!).pathname.replace(/^\/potions\//, '');
    const files = [0, 1].map((i) => s3rverObjectPath(world.two, i, key));
    const originals = await Promise.all(files.map((f) => fs.readFile(f)));
    try {
      for (const f of files) await fs.writeFile(f, '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}');
      const got = await fetchInto();
      expect(got.format).toBe('tar.zst');
      expect(got.formatsFailed).toEqual([expect.objectContaining({ format: 'tar.gz', code: 'E_DOWNLOAD_FAILED' })]);
      expect(got.signature).toMatchObject({ verified: true, kind: 'keyless' });
    } finally {
      await Promise.all(files.map((f, i) => fs.writeFile(f, originals[i]!)));
    }
  });

  test('refuses an artifact without a bundle once the manifest says its artifacts are signed', async () => {
    const dir = path.join(world.root, 'unsigned');
    await fs.mkdir(dir);
    await packBuild(dir, 'greet', '2.0.1', 'Hello from greet 2.0.1');
    await syncAndPublish(dir, world.two.mirrors, manifestKey);
    expect((await manifest()).artifactTrust).toEqual(trust); // kept by a publish that brings none
    const outDir = path.join(world.root, 'out', 'unsigned');
    world.two.proxies.forEach((p) => p.resetCounts());
    const err = await fetchInto({ version: '2.0.1', outDir }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_PIPELINE_UNSIGNED' });
    expect((err as Error).message).toContain('has no signature bundle, but its artifacts must be signed');
    await expect(fs.stat(outDir)).rejects.toMatchObject({ code: 'ENOENT' });
    // Nothing of the unsigned archive was even downloaded: the manifest and the metadata only.
    expect(world.two.proxies.reduce((sum, p) => sum + p.counts.get, 0)).toBeLessThanOrEqual(3);
  });
});
