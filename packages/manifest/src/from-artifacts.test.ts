import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordingReporter, hasCode } from '@potions/core';
import { startLocalMirrors, type LocalMirrors } from '@potions/local-mirrors';
import { S3MirrorTarget, closeMirrors, localObjectsFromDir, openS3Mirrors, type MirrorConfig, type SyncResult } from '@potions/mirrors';
import { MemoryMirrorTarget, startS3Proxy, syncConfigured, type S3Proxy } from '@potions/mirrors/testing';
import { ManifestErrorCode } from './errors';
import { generateManifestKey, LocalKeySigner, trustedKeysFromPem } from './keys';
import { verifyManifest } from './envelope';
import { releaseFromArtifacts, readArtifactMetadataDir, readSyncResultFile, buildFailuresFromJson } from './from-artifacts';
import { manifestStoreFromMirror } from './mirror-store';
import { publishRelease, type PublishReleaseOptions } from './publish-release';
import { NOT_BUILT_REASON } from './release';
import { readManifestSource } from './source';
import { MANIFEST_KEY, isPreconditionFailed } from './store';
import { writeFakeBuild } from './testing';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const fast = { retry: { attempts: 2, baseMs: 5, maxMs: 20 } };

let root: string;
let local: LocalMirrors;
let proxies: S3Proxy[];
let mirrors: MirrorConfig[];

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-manifest-artifacts-'));
  local = await startLocalMirrors({ dir: path.join(root, 'data'), count: 2 });
  // Proxies in front, so a test can take mirror 2 down.
  proxies = await Promise.all(local.mirrors.map((m) => startS3Proxy(m.endpoint)));
  mirrors = local.mirrors.map((m, i) => ({ ...m, endpoint: proxies[i]!.url }));
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await local.close();
  await fs.rm(root, { recursive: true, force: true });
});

async function sync(dir: string): Promise<SyncResult> {
  const { result } = await syncConfigured(await localObjectsFromDir(dir), { mirrors, ...fast });
  return result!;
}

/** What `potions manifest publish` does: read the folder and the sync result, open the mirrors, publish, close them. */
async function publishDir(
  dir: string,
  syncFile: string,
  configs: readonly MirrorConfig[],
  options: Omit<PublishReleaseOptions, 'metadata' | 'sync' | 'mirrors'>,
) {
  const [metadata, sync] = await Promise.all([readArtifactMetadataDir(dir), readSyncResultFile(syncFile)]);
  const opened = openS3Mirrors(configs, { reporter: options.reporter ?? new RecordingReporter(), ...fast });
  try {
    return await publishRelease({ ...options, metadata, sync, mirrors: opened, syncSource: syncFile, artifactsSource: dir });
  } finally {
    await closeMirrors(opened);
  }
}

async function saveJson(name: string, value: unknown): Promise<string> {
  const file = path.join(root, name);
  await fs.writeFile(file, JSON.stringify(value));
  return file;
}

describe('manifestStoreFromMirror', () => {
  test('round-trips bytes on a real S3 server and passes conditionalWrites through (s3rver: false)', async () => {
    const target = new S3MirrorTarget(mirrors[0]!, { reporter: new RecordingReporter(), ...fast });
    try {
      const store = manifestStoreFromMirror(target);
      expect(store.conditionalWrites).toBe(false);
      expect(await store.get('adapter/none.json')).toBeUndefined();
      const bytes = new TextEncoder().encode('{"hello":1}');
      const { etag } = await store.put('adapter/x.json', bytes, { contentType: 'application/json', cacheControl: 'public, max-age=60' });
      const got = await store.get('adapter/x.json');
      expect(Buffer.from(got!.bytes).equals(Buffer.from(bytes))).toBe(true);
      expect(got!.etag).toBe(etag);
      const res = await fetch(target.url('adapter/x.json'));
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    } finally {
      await target.close();
    }
  });

  test('maps a failed condition to E_MANIFEST_STORE_PRECONDITION', async () => {
    const store = manifestStoreFromMirror(new MemoryMirrorTarget('m', { conditionalWrites: true }));
    expect(store.conditionalWrites).toBe(true);
    const opts = { contentType: 'application/json', cacheControl: 'no-cache' };
    const { etag } = await store.put('k', new Uint8Array([1]), { ...opts, ifNoneMatch: '*' });
    const err = await store.put('k', new Uint8Array([2]), { ...opts, ifNoneMatch: '*' }).catch((e: unknown) => e);
    expect(hasCode(err, ManifestErrorCode.PreconditionFailed)).toBe(true);
    expect(isPreconditionFailed(err)).toBe(true);
    await expect(store.put('k', new Uint8Array([3]), { ...opts, ifMatch: '"stale"' })).rejects.toMatchObject({ code: ManifestErrorCode.PreconditionFailed });
    await store.put('k', new Uint8Array([4]), { ...opts, ifMatch: etag });
    expect([...(await store.get('k'))!.bytes]).toEqual([4]);
  });
});

describe('releaseFromArtifacts', () => {
  test('lists every mirror that verified each file, in mirror order, with the build facts', async () => {
    const dir = path.join(root, 'rel-1');
    const jq = await writeFakeBuild(dir, { name: 'jq', version: '1.7.1', platform: 'linux-amd64', seed: 'one' });
    const result = await sync(dir);
    const metadata = await readArtifactMetadataDir(dir);
    expect(metadata.map((m) => path.basename(m.file))).toEqual([jq.metadata]);

    const { release, warnings } = releaseFromArtifacts({
      metadata,
      sync: result,
      platforms: ['linux-amd64', 'darwin-arm64'],
      failures: [{ name: 'jq', version: '1.7.1', platform: 'darwin-arm64', reason: 'configure: error: no oniguruma' }],
    });
    expect(warnings).toEqual([]);
    expect(release.packages).toHaveLength(1);
    const p = release.packages[0]!;
    expect(p.platforms['darwin-arm64']).toEqual({ status: 'unavailable', reason: 'configure: error: no oniguruma' });
    const e = p.platforms['linux-amd64']!;
    if (e.status !== 'available') throw new Error('expected available');
    expect(e.build).toEqual({
      version: '1.7.1',
      platform: 'linux-amd64',
      builtAt: '2025-03-01T12:00:00.000Z',
      method: 'source',
      builder: '@potions/builder 0.1.0 on linux-amd64',
    });
    expect(e.artifacts.map((a) => [a.format, a.file, a.urls.length])).toEqual([
      ['tar.gz', jq.tarGz, 2],
      ['tar.zst', jq.tarZst, 2],
    ]);
    expect(e.metadata.file).toBe(jq.metadata);
    expect(e.metadata.urls).toHaveLength(2);
    // The URLs serve the exact bytes: mirror 1 first, then mirror 2.
    const gz = e.artifacts[0]!;
    expect(gz.urls[0]!.startsWith(proxies[0]!.url)).toBe(true);
    expect(gz.urls[1]!.startsWith(proxies[1]!.url)).toBe(true);
    for (const url of [...gz.urls, ...e.metadata.urls]) {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      expect(sha(bytes)).toBe(url.endsWith('.json') ? e.metadata.sha256 : gz.sha256);
    }
    expect(gz.sha256).toBe(jq.sha256.tarGz);
  });

  test('a mirror that was down is not listed; platforms not built are listed as not built', async () => {
    const dir = path.join(root, 'rel-2');
    await writeFakeBuild(dir, { name: 'tree', version: '2.1.1', platform: 'linux-arm64', seed: 'two' });
    proxies[1]!.down = true;
    let result: SyncResult;
    try {
      result = await sync(dir);
    } finally {
      proxies[1]!.down = false;
    }
    expect(result.policyMet).toBe(true);
    const { release } = releaseFromArtifacts({ metadata: await readArtifactMetadataDir(dir), sync: result, platforms: ['linux-arm64', 'linux-amd64'] });
    const platforms = release.packages[0]!.platforms;
    expect(platforms['linux-amd64']).toEqual({ status: 'unavailable', reason: NOT_BUILT_REASON });
    const e = platforms['linux-arm64']!;
    if (e.status !== 'available') throw new Error('expected available');
    for (const a of e.artifacts) expect(a.urls).toEqual([expect.stringContaining(proxies[0]!.url)]);
  });

  test('refuses metadata that does not match the synced file, naming the file', async () => {
    const dir = path.join(root, 'rel-3');
    const built = await writeFakeBuild(dir, { name: 'fd', version: '10.2.0', platform: 'linux-amd64', seed: 'three' });
    const result = await sync(dir);
    await fs.writeFile(path.join(dir, built.tarGz), 'rebuilt with other bytes');
    await writeFakeBuild(path.join(root, 'rel-3-other'), { name: 'fd', version: '10.2.0', platform: 'linux-amd64', seed: 'other' });
    const other = await readArtifactMetadataDir(path.join(root, 'rel-3-other'));
    const err = (() => {
      try {
        releaseFromArtifacts({ metadata: other, sync: result });
      } catch (e) {
        return e as { code: string; message: string; hint?: string };
      }
      return undefined;
    })();
    expect(err?.code).toBe(ManifestErrorCode.ReleaseInvalid);
    expect(err?.message).toContain(other[0]!.file);
    expect(err?.message).toContain(built.tarGz);
    expect(err?.hint).toContain('different builds');
  });

  test('refuses bad metadata, a dry-run plan and a sync whose policy failed, with the file named', async () => {
    const badMeta = { file: '/x/jq-1.0-linux-amd64.tar.gz.json', sha256: 'a'.repeat(64), size: 2, data: { name: 'jq', version: '1.0' } };
    const okSync: SyncResult = { version: 1, minMirrors: 1, policyMet: true, mirrors: [], objects: [] };
    expect(() => releaseFromArtifacts({ metadata: [badMeta], sync: okSync })).toThrow(/jq-1\.0-linux-amd64\.tar\.gz\.json is not build metadata: platform/);

    const dry = await saveJson('dry.json', { dryRun: true, plan: {} });
    await expect(readSyncResultFile(dry)).rejects.toThrow(/dry.json is the plan of a dry run/);
    const notJson = path.join(root, 'not.json');
    await fs.writeFile(notJson, 'sync done\n{');
    await expect(readSyncResultFile(notJson)).rejects.toThrow(/not\.json is not valid JSON/);

    const short: SyncResult = {
      ...okSync,
      minMirrors: 2,
      policyMet: false,
      objects: [{ name: 'a.tar.gz', key: 'k', size: 1, sha256: 'b'.repeat(64), mirrors: [], presentOn: ['local-1'], policyMet: false }],
    };
    expect(() => releaseFromArtifacts({ metadata: [], sync: short, syncSource: 'sync.json' })).toThrow(/sync\.json: the mirror policy was not met .*a\.tar\.gz/);
  });

  test('refuses inputs that do not belong together: no metadata at all, or a sync result naming none of the builds', async () => {
    const other: SyncResult = {
      version: 1,
      minMirrors: 1,
      policyMet: true,
      mirrors: [{ mirror: 'local-1' } as SyncResult['mirrors'][number]],
      objects: [{ name: 'unrelated.txt', key: 'k', size: 1, sha256: 'c'.repeat(64), mirrors: [], presentOn: ['local-1'], policyMet: true }],
    };
    // An artifacts folder without build metadata (the wrong folder) would publish an empty release.
    expect(() => releaseFromArtifacts({ metadata: [], sync: other, artifactsSource: '/work/out' })).toThrow(
      /\/work\/out holds no build metadata \(<artifact>\.tar\.gz\.json\) and no failures were given/,
    );
    // A sync result of another folder would publish every build as unavailable.
    const dir = path.join(root, 'rel-unrelated');
    const built = await writeFakeBuild(dir, { name: 'bat', version: '0.24.0', platform: 'linux-amd64', seed: 'unrelated' });
    const metadata = await readArtifactMetadataDir(dir);
    expect(() => releaseFromArtifacts({ metadata, sync: other, syncSource: 'sync.json', artifactsSource: dir })).toThrow(
      new RegExp(`sync\\.json names none of the 1 build\\(s\\) in .*rel-unrelated \\(${built.metadata.replace(/\./g, '\\.')}\\)`),
    );
    // A release where every build failed still publishes the failures.
    const { release } = releaseFromArtifacts({
      metadata: [],
      sync: other,
      failures: [{ name: 'bat', version: '0.24.0', platform: 'linux-amd64', reason: 'cargo build failed' }],
    });
    expect(release.packages[0]!.platforms['linux-amd64']).toEqual({ status: 'unavailable', reason: 'cargo build failed' });
    // Renewing only is explicit.
    expect(releaseFromArtifacts({ metadata: [], sync: other, allowEmpty: true }).release.packages).toEqual([]);
  });

  test('failures input: JSON list checked field by field', () => {
    expect(buildFailuresFromJson('')).toEqual([]);
    expect(buildFailuresFromJson('[{"name":"jq","version":"1.7.1","platform":"darwin-arm64","reason":"boom"}]')).toHaveLength(1);
    expect(() => buildFailuresFromJson('[{"name":"jq","version":"1.7.1","platform":"windows","reason":"x"}]', 'input "failures"')).toThrow(
      /input "failures": 0\.platform/,
    );
    expect(() => buildFailuresFromJson('nope', 'input "failures"')).toThrow(/not valid JSON/);
  });
});

describe('publishRelease', () => {
  test('publishes to both mirrors, republishes nothing on a re-run, and adds a healed mirror', async () => {
    const key = generateManifestKey();
    const signer = LocalKeySigner.fromPem(key.privateKeyPem);
    const trusted = trustedKeysFromPem(key.publicKeyPem);
    const reporter = new RecordingReporter();
    // Publish under a prefix of its own, so the other tests' objects do not matter.
    const pubMirrors = mirrors.map((m) => ({ ...m, prefix: 'pub' }));
    const dir = path.join(root, 'pub');
    await writeFakeBuild(dir, { name: 'ripgrep', version: '14.1.0', platform: 'linux-amd64', seed: 'pub' });

    // Mirror 2 is down during the sync and the first publish.
    proxies[1]!.down = true;
    let first;
    try {
      const { result } = await syncConfigured(await localObjectsFromDir(dir), { mirrors: pubMirrors, ...fast });
      const syncFile = await saveJson('pub-sync-1.json', result);
      first = await publishDir(dir, syncFile, pubMirrors, { signer, reporter, platforms: ['linux-amd64'] });
    } finally {
      proxies[1]!.down = false;
    }
    expect(first.report.mirrors.map((m) => [m.name, m.status])).toEqual([
      ['local-1', 'written'],
      ['local-2', 'failed'],
    ]);
    expect(first.manifestUrls.map((u) => u.mirror)).toEqual(['local-1']);
    expect(first.rows).toEqual([
      expect.objectContaining({ name: 'ripgrep', platform: 'darwin-x86_64', status: 'unavailable', reason: NOT_BUILT_REASON }),
      expect.objectContaining({ platform: 'darwin-arm64', status: 'unavailable' }),
      expect.objectContaining({ platform: 'linux-amd64', status: 'available', mirrors: ['local-1'] }),
      expect.objectContaining({ platform: 'linux-arm64', status: 'unavailable' }),
    ]);
    const v1 = await verifyManifest(await readManifestSource(first.manifestUrls[0]!.url), { trustedKeys: trusted });
    expect(v1.manifest.version).toBe(first.report.version);

    // The mirror is back: the sync heals it, the publish adds its URLs and writes both mirrors.
    const { result: healed } = await syncConfigured(await localObjectsFromDir(dir), { mirrors: pubMirrors, ...fast });
    expect(healed!.mirrors.map((m) => m.uploaded)).toEqual([0, 3]);
    const syncFile2 = await saveJson('pub-sync-2.json', healed);
    const second = await publishDir(dir, syncFile2, pubMirrors, { signer });
    expect(second.report.changed).toBe(true);
    expect(second.report.mirrors.map((m) => m.status)).toEqual(['written', 'written']);
    expect(second.rows.find((r) => r.platform === 'linux-amd64')?.mirrors).toEqual(['local-1', 'local-2']);
    for (const { url } of second.manifestUrls) {
      const v = await verifyManifest(await readManifestSource(url), { trustedKeys: trusted });
      const e = v.manifest.packages.ripgrep!['14.1.0']!['linux-amd64'];
      if (e?.status !== 'available') throw new Error('expected available');
      expect(e.artifacts[0]!.urls).toHaveLength(2);
    }

    // A re-run with nothing new writes nothing.
    const third = await publishDir(dir, syncFile2, pubMirrors, { signer });
    expect(third.report.changed).toBe(false);
    expect(third.report.mirrors.map((m) => m.status)).toEqual(['unchanged', 'unchanged']);
    expect(third.report.version).toBe(second.report.version);
    expect(MANIFEST_KEY).toBe('manifest.json');
  });
});
