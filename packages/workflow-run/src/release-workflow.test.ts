/**
 * The release as `.github/workflows/release.yml` wires it, job by job, from
 * the workflow file itself: `runWorkflow` evaluates every `if`, matrix and
 * input with GitHub's expression engine and starts each action's committed
 * bundle with node as the runner does (so the bundles run under whatever node
 * runs this test: CI runs it under Node 20 and Node 24).
 *
 * Real here: the workflow, the plan/build-recipe/smoke-test/sbom-scan/
 * leg-record/collect/sign/mirror-sync/manifest-publish bundles, two S3 mirrors
 * (s3rver on 127.0.0.1), an upstream file server, keyless signing against
 * offline Sigstore services (Fulcio, Rekor, a TSA) with GitHub's OIDC token
 * endpoint, the manifest read back over HTTP and verified.
 *
 * Stood in for (GitHub has them, this machine does not):
 * - actions/checkout: a copy of the calling repository's folder (with .git);
 * - actions/upload-artifact, actions/download-artifact: `LocalArtifactStore`,
 *   one per run, names unique unless overwritten, each upload a new id;
 * - the Actions cache: `startLocalCacheService`, the v1 cache protocol that
 *   `@actions/cache` speaks when ACTIONS_CACHE_URL is set;
 * - the OIDC token: the endpoint of `@potions/signing/testing`, given only to
 *   jobs granted `id-token: write`;
 * - runners and the build container: every leg runs on this machine (an
 *   x86_64 Linux host), so the platforms are linux-amd64 and linux-arm64 with
 *   recipes that repackage official binaries (shell scripts); `runs-on` and
 *   `container` are evaluated and checked, not honoured.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { makeTar } from '@potions/archive/testing';
import { startSourceMirror, type SourceMirror } from '@potions/builder/testing';
import { startLocalMirrors, type LocalMirrors } from '@potions/local-mirrors';
import { generateManifestKey, trustedKeysFromPem, verifyManifest, type Manifest } from '@potions/manifest';
import { startSigstoreTestServices, type SigstoreTestServices } from '@potions/signing/testing';
import { LocalArtifactStore, localStandIns, runWorkflow, startLocalCacheService, type LocalCacheService, type WorkflowRun } from './index';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const IMAGE = `ghcr.io/acme/build-env@sha256:${'e'.repeat(64)}`;
const HOST_TOOLS_PATH = process.env.PATH ?? '/usr/bin:/bin';

/** An official binary: a shell script per platform, from the upstream server. */
function recipe(name: string, dependencies: string[] = []): string {
  return `name: ${name}
version:
  source: "static:1.0.0"
build_type: custom
download:
  official_binary: true
  download_url: "http://127.0.0.1:1/${name}/${name}-{version}-{suffix}.tar.gz"
  platforms:
    linux-amd64:
      suffix: x86_64-linux
    linux-arm64:
      suffix: aarch64-linux
build:
  timeout_minutes: 5
  custom_install: |
    mkdir -p "$PREFIX/bin"
    cp ${name} "$PREFIX/bin/${name}"
dependencies: [${dependencies.join(', ')}]
smoke_test:
  - command: ["${name}", "--version"]
    expect: "^${name} 1\\\\.0\\\\.0$"
`;
}

const upstream = (name: string, suffix: string): string => `http://127.0.0.1:1/${name}/${name}-1.0.0-${suffix}.tar.gz`;
function tarball(name: string): Buffer {
  return gzipSync(makeTar([{ path: `${name}-1.0.0/`, type: 'Directory' }, { path: `${name}-1.0.0/${name}`, body: `#!/bin/sh\necho "${name} 1.0.0"\n`, mode: 0o755 }]));
}

describe('release.yml, run job by job as GitHub runs it', () => {
  let work: string;
  let caller: string;
  let mirrorA: LocalMirrors;
  let mirrorB: LocalMirrors;
  let sigstore: SigstoreTestServices;
  let cache: LocalCacheService;
  let source: SourceMirror;
  const key = generateManifestKey();
  const secrets = (): Record<string, string> => ({
    POTIONS_MANIFEST_KEY: key.privateKeyPem,
    POTIONS_MIRROR_CREDENTIALS: JSON.stringify({ 'mirror-a': { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, 'mirror-b': { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }),
  });
  const manifestUrl = (m: LocalMirrors): string => `${m.mirrors[0]!.endpoint}/potions/release/manifest.json`;

  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-workflow-run-'));
    mirrorA = await startLocalMirrors({ dir: path.join(work, 'mirror-a'), count: 1 });
    mirrorB = await startLocalMirrors({ dir: path.join(work, 'mirror-b'), count: 1 });
    sigstore = await startSigstoreTestServices();
    cache = await startLocalCacheService();
    // tool-b's linux-arm64 binary is not published upstream yet: that leg fails at its download.
    source = await startSourceMirror({
      [upstream('tool-a', 'x86_64-linux')]: tarball('tool-a'),
      [upstream('tool-a', 'aarch64-linux')]: tarball('tool-a'),
      [upstream('tool-b', 'x86_64-linux')]: tarball('tool-b'),
    });

    // The calling recipe repository, as its checkout holds it.
    caller = path.join(work, 'caller');
    await fs.mkdir(path.join(caller, 'recipes'), { recursive: true });
    await fs.mkdir(path.join(caller, 'keys'));
    await fs.mkdir(path.join(caller, 'osv'));
    await fs.writeFile(path.join(caller, 'recipes', 'tool-a.yml'), recipe('tool-a'));
    await fs.writeFile(path.join(caller, 'recipes', 'tool-b.yml'), recipe('tool-b', ['tool-a']));
    await fs.writeFile(path.join(caller, 'keys', 'manifest-key.pub'), key.publicKeyPem);
    await fs.writeFile(
      path.join(caller, 'osv', 'OSV-2025-0001.json'),
      JSON.stringify({ id: 'OSV-2025-0001', modified: '2025-01-01T00:00:00Z', affected: [{ package: { name: 'unrelated' }, versions: ['0.1'] }] }),
    );
    const mirror = (name: string, m: LocalMirrors) => `  - name: ${name}\n    provider: s3rver\n    endpoint: ${m.mirrors[0]!.endpoint}\n    bucket: potions\n    prefix: release\n`;
    await fs.writeFile(path.join(caller, 'potions-mirrors.yaml'), `version: 1\nminMirrors: 2\nmirrors:\n${mirror('mirror-a', mirrorA)}${mirror('mirror-b', mirrorB)}`);
    const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: caller, env });
    execFileSync('git', ['add', '.'], { cwd: caller, env });
    execFileSync('git', ['commit', '-q', '-m', 'recipes'], { cwd: caller, env });
  });
  afterAll(async () => {
    await Promise.all([mirrorA?.close(), mirrorB?.close(), sigstore?.close(), cache?.close(), source?.close()]);
    await fs.rm(work, { recursive: true, force: true });
  });

  /** One artifact store per run, kept for its re-runs (artifacts outlive the attempt that uploaded them). */
  const stores = new Map<string, LocalArtifactStore>();
  const release = (runId: string, inputs: Record<string, unknown>, more: { previous?: WorkflowRun; rerun?: readonly string[] | 'failed' } = {}) => {
    const artifacts = stores.get(runId) ?? new LocalArtifactStore(path.join(work, `artifacts-${runId}`));
    stores.set(runId, artifacts);
    return runWorkflow({
      root: ROOT,
      workflow: '.github/workflows/release.yml',
      repository: 'potions/actions',
      caller: { repository: 'acme/tools', eventName: 'workflow_dispatch' },
      inputs: {
        recipes: 'tool-a, tool-b',
        'manifest-key': 'keys/manifest-key.pub',
        'source-mirrors': source.base,
        scanner: 'osv',
        'osv-dir': 'osv',
        'linux-container': IMAGE,
        sigstore: JSON.stringify({ ...sigstore.services, rekorDsseEntryType: 'intoto' }),
        ...inputs,
      },
      secrets: secrets(),
      work,
      runId,
      standIns: localStandIns({ callerDir: caller, artifacts }),
      env: { PATH: HOST_TOOLS_PATH, HOME: os.homedir(), LANG: 'C.UTF-8' },
      cacheUrl: cache.url,
      oidc: sigstore.githubTokenEnv(),
      ...(more.previous ? { previous: more.previous, rerun: more.rerun ?? 'failed' } : {}),
    });
  };

  async function manifest(m: LocalMirrors): Promise<Manifest> {
    const res = await fetch(manifestUrl(m));
    expect(res.status).toBe(200);
    return (await verifyManifest(new Uint8Array(await res.arrayBuffer()), { trustedKeys: trustedKeysFromPem(key.publicKeyPem) })).manifest;
  }
  const failuresOf = (run: WorkflowRun): string =>
    Object.values(run.jobs)
      .flatMap((j) => j.legs.flatMap((l) => l.steps.filter((s) => s.outcome === 'failure').map((s) => `${j.id} ${String(l.matrix?.id ?? '')} ${s.name}: ${s.annotations.map((a) => a.message).join(' | ')}`)))
      .join('\n');

  it('a re-run of the failed leg adds its platform to the same release; the legs that built keep their attempt', async () => {
    // The mirrors inline, under their own prefix: a release of its own.
    const mirrors = `minMirrors: 2\nmirrors:\n${[mirrorA, mirrorB].map((m, i) => `  - {name: mirror-${'ab'[i]}, provider: s3rver, endpoint: '${m.mirrors[0]!.endpoint}', bucket: potions, prefix: rerun}`).join('\n')}\n`;
    const first = await release('201', { platforms: 'linux-arm64', mirrors });
    expect(first.jobs['build-2']!.result).toBe('failure');
    expect(first.outputs['status-linux-arm64']).toBe('partial');

    source.put(upstream('tool-b', 'aarch64-linux'), tarball('tool-b'));
    try {
      const rerun = await release('201', { platforms: 'linux-arm64', mirrors }, { previous: first, rerun: 'failed' });
      expect(failuresOf(rerun)).toBe('');
      // Re-run failed jobs: the failed leg and what needs it; the plan and tool-a's leg are kept from attempt 1.
      expect(Object.fromEntries(['plan', 'build-1', 'build-2', 'collect', 'publish'].map((j) => [j, rerun.jobs[j]!.attempt]))).toEqual({ plan: 1, 'build-1': 1, 'build-2': 2, collect: 2, publish: 2 });
      expect(rerun.outputs).toMatchObject({ 'status-linux-arm64': 'success', 'manifest-version': '2' });
      const summary = JSON.parse(rerun.outputs.summary!) as { recipes: { recipe: string; platforms: Record<string, { status: string; attempt?: number }> }[] };
      expect(summary.recipes.map((r) => [r.recipe, r.platforms['linux-arm64']?.status, r.platforms['linux-arm64']?.attempt])).toEqual([
        ['tool-a', 'built', 1],
        ['tool-b', 'built', 2],
      ]);
      const res = await fetch(`${mirrorA.mirrors[0]!.endpoint}/potions/rerun/manifest.json`);
      const { manifest: m } = await verifyManifest(new Uint8Array(await res.arrayBuffer()), { trustedKeys: trustedKeysFromPem(key.publicKeyPem) });
      expect(m.packages['tool-b']?.['1.0.0']?.['linux-arm64']).toMatchObject({ status: 'available' });
      expect(m.packages['tool-a']?.['1.0.0']?.['linux-arm64']).toMatchObject({ status: 'available' });
    } finally {
      source.remove(upstream('tool-b', 'aarch64-linux'));
    }
  });

  it('publishes what built, lists the failed platform with its reason, and a later run for that platform completes it', async () => {
    // 1. Two recipes on two platforms; tool-b on linux-arm64 cannot be downloaded.
    const first = await release('101', { platforms: 'linux-amd64,linux-arm64' });
    expect(failuresOf(first)).toMatch(/^build-2 tool-b-linux-arm64 potions\/actions\/build-recipe@v1: .*download/);
    expect(Object.fromEntries(Object.values(first.jobs).map((j) => [j.id, j.result]))).toEqual({
      plan: 'success',
      'build-1': 'success',
      'build-2': 'failure',
      'build-3': 'skipped',
      'build-4': 'skipped',
      'build-5': 'skipped',
      'build-6': 'skipped',
      'build-7': 'skipped',
      'build-8': 'skipped',
      collect: 'success',
      publish: 'success',
    });
    // Waves: tool-a first, tool-b (which needs it) in the next build job, each leg on a runner of its platform.
    const legs = (job: string) => first.jobs[job]!.legs.map((l) => [l.matrix?.id, l.runsOn, l.container, l.timeoutMinutes, l.result]);
    expect(legs('build-1')).toEqual([
      ['tool-a-linux-amd64', 'ubuntu-24.04', IMAGE, 65, 'success'],
      ['tool-a-linux-arm64', 'ubuntu-24.04-arm', IMAGE, 65, 'success'],
    ]);
    expect(legs('build-2')).toEqual([
      ['tool-b-linux-amd64', 'ubuntu-24.04', IMAGE, 65, 'success'],
      ['tool-b-linux-arm64', 'ubuntu-24.04-arm', IMAGE, 65, 'failure'],
    ]);
    // The failed leg still wrote and uploaded its status record (if: always()); its later steps were skipped.
    const failedLeg = first.jobs['build-2']!.legs[1]!;
    expect(failedLeg.steps.map((s) => [s.id ?? s.uses?.split('@')[0], s.outcome])).toEqual([
      ['actions/checkout', 'success'],
      ['build', 'failure'],
      ['smoke-test', 'skipped'],
      ['sbom-scan', 'skipped'],
      ['upload', 'skipped'],
      ['record', 'success'],
      ['actions/upload-artifact', 'success'],
    ]);
    expect(failedLeg.steps.find((s) => s.id === 'record')?.outputs).toMatchObject({ status: 'failure', reason: 'build failed at the download step' });
    // Only the publish job is given an OIDC token and a concurrency group; build jobs read, nothing more.
    expect(first.jobs['build-1']!.legs[0]!.permissions).toEqual({ contents: 'read' });
    expect(first.jobs.publish!.legs[0]!.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(first.jobs.publish!.legs[0]!.concurrency).toEqual({ group: 'potions-manifest-acme/tools', cancelInProgress: false });
    // tool-b's legs took tool-a, which they build on, from the cache build-1 filled.
    expect(cache.saved().length).toBeGreaterThanOrEqual(2);
    expect(cache.hits().length).toBeGreaterThanOrEqual(2);

    // The collect job's outputs, as outputs of the workflow.
    expect(first.outputs).toMatchObject({ 'status-linux-amd64': 'success', 'status-linux-arm64': 'partial', 'status-darwin-arm64': 'none', 'held-back': '[]', 'manifest-version': '1' });
    expect(first.outputs['manifest-url']).toBe(manifestUrl(mirrorA));
    const summary = JSON.parse(first.outputs.summary!) as { recipes: { recipe: string; platforms: Record<string, { status: string; reason?: string }> }[] };
    const reason = 'build failed at the download step (run attempt 1: https://github.com/acme/tools/actions/runs/101/attempts/1)';
    expect(summary.recipes.find((r) => r.recipe === 'tool-b')?.platforms['linux-arm64']).toEqual({ status: 'failed', leg: 'tool-b-linux-arm64', attempt: 1, reason });

    // The manifest on both mirrors: three builds, signed keyless, and the failed platform unavailable with its reason.
    const m1 = await manifest(mirrorA);
    expect(m1.version).toBe(1);
    expect(await manifest(mirrorB)).toEqual(m1);
    const entry = (m: Manifest, name: string, platform: string) => m.packages[name]?.['1.0.0']?.[platform as 'linux-amd64'];
    expect(entry(m1, 'tool-b', 'linux-arm64')).toEqual({ status: 'unavailable', reason });
    for (const [name, platform] of [['tool-a', 'linux-amd64'], ['tool-a', 'linux-arm64'], ['tool-b', 'linux-amd64']] as const) {
      const e = entry(m1, name, platform);
      expect(e).toMatchObject({ status: 'available' });
      if (e?.status !== 'available') throw new Error('unreachable');
      expect(e.artifacts.map((a) => a.format).sort()).toEqual(['tar.gz', 'tar.zst']);
      expect(e.artifacts[0]!.signatureBundle?.urls).toHaveLength(2);
      expect(e.sboms?.map((s) => s.format).sort()).toEqual(['cyclonedx-json', 'spdx-json']);
    }
    const summaries = first.jobs.publish!.legs[0]!.steps.map((s) => s.summary).join('\n');
    expect(summaries).toContain('Potions sign (keyless)');
    expect(summaries).toMatch(/<td>tool-b<\/td><td>1\.0\.0<\/td><td>linux-arm64<\/td><td><\/td><td>unavailable: build failed at the download step/);

    // 2. Upstream publishes the missing binary; a run for that platform alone builds only what is missing.
    source.put(upstream('tool-b', 'aarch64-linux'), tarball('tool-b'));
    const second = await release('102', { platforms: 'linux-arm64' });
    expect(failuresOf(second)).toBe('');
    expect(second.jobs['build-1']!.legs.map((l) => l.matrix?.id)).toEqual(['tool-b-linux-arm64']);
    expect(second.jobs['build-2']!.result).toBe('skipped');
    expect(second.outputs).toMatchObject({ 'status-linux-arm64': 'success', 'status-linux-amd64': 'none', 'manifest-version': '2' });
    const m2 = await manifest(mirrorA);
    expect(entry(m2, 'tool-b', 'linux-arm64')).toMatchObject({ status: 'available' });
    // What was published stays as it was.
    for (const [name, platform] of [['tool-a', 'linux-amd64'], ['tool-a', 'linux-arm64'], ['tool-b', 'linux-amd64']] as const) {
      expect(entry(m2, name, platform)).toEqual(entry(m1, name, platform));
    }

    // 3. min-mirrors left empty means the configuration's minMirrors (2): with one mirror down, a re-run of the publish fails and writes no manifest.
    await mirrorB.close();
    const again = await release('102', { platforms: 'linux-arm64' }, { previous: second, rerun: ['publish'] });
    expect(again.jobs.publish!.result).toBe('failure');
    const sync = again.jobs.publish!.legs[0]!.steps.find((s) => s.id === 'sync')!;
    expect(sync.inputs['min-mirrors']).toBe('');
    expect(sync.annotations.map((a) => a.message).join('\n')).toMatch(/on fewer than 2 mirror\(s\)/);
    expect(again.jobs.publish!.legs[0]!.steps.find((s) => s.id === 'manifest')?.outcome).toBe('skipped');
    expect((await manifest(mirrorA)).version).toBe(2);
  });
});
