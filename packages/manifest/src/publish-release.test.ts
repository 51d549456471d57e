/**
 * Publishing, withdrawing and recovering through `@potions/manifest`'s entry
 * points against real S3 servers: two s3rver mirrors of
 * `@potions/local-mirrors`, each behind the proxy of `@potions/mirrors/testing`,
 * which can hold a PUT and (for the tests that need it) answers If-Match /
 * If-None-Match as S3 and R2 do, since s3rver ignores them.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordingReporter } from '@potions/core';
import { startLocalMirrors, type LocalMirrors } from '@potions/local-mirrors';
import { closeMirrors, localObjectsFromDir, openS3Mirrors, type MirrorConfig, type SyncResult } from '@potions/mirrors';
import { startS3Proxy, syncConfigured, type S3Proxy } from '@potions/mirrors/testing';
import { generateSigningKey } from '@potions/signing';
import { verifyManifest } from './envelope';
import { ManifestErrorCode } from './errors';
import { readArtifactMetadataDir } from './from-artifacts';
import { LocalKeySigner, generateManifestKey } from './keys';
import { publishRelease, recoverManifest, withdrawRelease } from './publish-release';
import type { PublishReleaseOptions } from './publish-release';
import type { Manifest } from './schema';
import { MANIFEST_KEY } from './store';
import { writeFakeBuild } from './testing';

const fast = { retry: { attempts: 2, baseMs: 5, maxMs: 20 } };
const signer = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);

let root: string;
let local: LocalMirrors;
let proxies: S3Proxy[];

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-publish-release-'));
  local = await startLocalMirrors({ dir: path.join(root, 'data'), count: 2 });
  proxies = await Promise.all(local.mirrors.map((m) => startS3Proxy(m.endpoint)));
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await local.close();
  await fs.rm(root, { recursive: true, force: true });
});

afterEach(() => {
  for (const p of proxies) {
    p.beforeObjectPut = undefined;
    p.enforceConditionalWrites = false;
  }
});

/** The mirrors through the proxies, under a prefix of their own (each test starts empty), with or without conditional writes. */
function mirrorsUnder(prefix: string, conditionalWrites: boolean): MirrorConfig[] {
  return local.mirrors.map((m, i) => ({ ...m, name: `m${i + 1}`, prefix, endpoint: proxies[i]!.url, conditionalWrites }));
}

/** What a release job leaves: one build in its own folder, synced to the mirrors. */
async function built(name: string, mirrors: readonly MirrorConfig[], seed = name): Promise<{ dir: string; sync: SyncResult }> {
  const dir = path.join(root, `${mirrors[0]!.prefix}-${name}-${seed}`);
  await writeFakeBuild(dir, { name, version: '1.0.0', platform: 'linux-amd64', seed });
  const { result } = await syncConfigured(await localObjectsFromDir(dir), { mirrors, ...fast });
  return { dir, sync: result! };
}

/** One publish as its own process would do it: its own clients, opened and closed. */
async function publish(build: { dir: string; sync: SyncResult }, mirrors: readonly MirrorConfig[], options: Partial<PublishReleaseOptions> = {}) {
  const opened = openS3Mirrors(mirrors, { reporter: new RecordingReporter(), ...fast });
  try {
    return await publishRelease({ metadata: await readArtifactMetadataDir(build.dir), sync: build.sync, mirrors: opened, signer, ...options });
  } finally {
    await closeMirrors(opened);
  }
}

async function manifestOn(mirror: MirrorConfig): Promise<Manifest> {
  const res = await fetch(`${local.mirrors[Number(mirror.name.slice(1)) - 1]!.endpoint}/${mirror.bucket}/${mirror.prefix}/${MANIFEST_KEY}`);
  return (await verifyManifest(new Uint8Array(await res.arrayBuffer()), { trustedKeys: [signer] })).manifest;
}

/** Hold the first PUT of manifest.json (on every mirror) until `others` publishes have finished. */
function holdFirstPointerWrite(others: number): { finished: () => void } {
  let done = 0;
  let release!: () => void;
  const until = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  for (const p of proxies) {
    p.beforeObjectPut = async (key) => {
      if (!key.endsWith(`/${MANIFEST_KEY}`)) return;
      if (!held) held = true;
      else if (done < others) return;
      await until;
    };
  }
  return {
    finished: () => {
      done++;
      if (done >= others) release();
    },
  };
}

describe('concurrent publishes to the same real mirrors', () => {
  for (const conditionalWrites of [true, false]) {
    test(`lose nothing with one manifest PUT held until the others are done (${conditionalWrites ? 'conditional writes enforced by the proxy, as S3 and R2 do' : 'plain s3rver: no conditional writes'})`, async () => {
      const mirrors = mirrorsUnder(conditionalWrites ? 'cas' : 'plain', conditionalWrites);
      for (const p of proxies) p.enforceConditionalWrites = conditionalWrites;
      const names = ['alpha', 'bravo', 'charlie', 'delta'];
      const builds = await Promise.all(names.map((n) => built(n, mirrors)));
      const hold = holdFirstPointerWrite(names.length - 1);
      const results = await Promise.all(
        builds.map((b) =>
          publish(b, mirrors).then((r) => {
            hold.finished();
            return r;
          }),
        ),
      );
      expect(results.map((r) => r.report.ok)).toEqual(names.map(() => true));
      for (const mirror of mirrors) {
        const m = await manifestOn(mirror);
        expect(Object.keys(m.packages).sort()).toEqual(names);
      }
      // Some publisher lost a race and merged again (the held one, at least).
      expect(Math.max(...results.map((r) => r.report.rounds))).toBeGreaterThan(1);
      if (conditionalWrites) expect(proxies[0]!.preconditionFailures.length).toBeGreaterThan(0);
    }, 60_000);
  }
});

describe('withdrawing, new revisions and recovery on real mirrors', () => {
  test('a withdrawn build stays listed with its digests; a fixed one is published only as an explicit new revision', async () => {
    const mirrors = mirrorsUnder('withdraw', true);
    for (const p of proxies) p.enforceConditionalWrites = true;
    const bad = await built('jq', mirrors, 'bad');
    await publish(bad, mirrors);
    const opened = openS3Mirrors(mirrors, { reporter: new RecordingReporter(), ...fast });
    let withdrawn;
    try {
      withdrawn = await withdrawRelease({ withdrawals: [{ name: 'jq', version: '1.0.0', reason: 'segfaults on start' }], mirrors: opened, signer });
    } finally {
      await closeMirrors(opened);
    }
    expect(withdrawn.report.ok).toBe(true);
    expect(withdrawn.withdrawn.map((w) => `${w.name}@${w.version} ${w.platform} #${w.revision}`)).toEqual(['jq@1.0.0 linux-amd64 #1']);
    expect(withdrawn.withdrawn[0]!.files.map((f) => f.file)).toEqual(['jq-1.0.0-linux-amd64.tar.gz', 'jq-1.0.0-linux-amd64.tar.zst', 'jq-1.0.0-linux-amd64.tar.gz.json']);
    expect((await manifestOn(mirrors[1]!)).packages.jq!['1.0.0']!['linux-amd64']).toMatchObject({ status: 'withdrawn', reason: 'segfaults on start' });

    const fixed = await built('jq', mirrors, 'fixed');
    await expect(publish(fixed, mirrors)).rejects.toMatchObject({ code: ManifestErrorCode.DigestChanged });
    const published = await publish(fixed, mirrors, { newRevision: true });
    expect(published.rows.find((r) => r.platform === 'linux-amd64')).toMatchObject({ status: 'available', revision: 2 });
    const entry = (await manifestOn(mirrors[0]!)).packages.jq!['1.0.0']!['linux-amd64']!;
    expect(entry).toMatchObject({ status: 'available', revision: 2 });
    expect(entry.status === 'available' && entry.otherRevisions?.map((r) => [r.revision, r.withdrawn?.reason])).toEqual([[1, 'segfaults on start']]);
  }, 60_000);

  test('the companions a signed release hands over are named in the manifest, with the artifact trust settings', async () => {
    const mirrors = mirrorsUnder('signed', false);
    const dir = path.join(root, 'signed-build');
    await writeFakeBuild(dir, { name: 'fd', version: '1.0.0', platform: 'linux-amd64' });
    const base = 'fd-1.0.0-linux-amd64';
    for (const f of [`${base}.tar.gz.sigstore.json`, `${base}.tar.zst.sigstore.json`, `${base}.cdx.json`, `${base}.spdx.json`, `${base}.provenance.sigstore.json`]) {
      await fs.writeFile(path.join(dir, f), `{"file":"${f}"}`);
    }
    const { result } = await syncConfigured(await localObjectsFromDir(dir), { mirrors, ...fast });
    const key = generateSigningKey();
    const trust = { keys: [{ publicKey: key.publicKeyPem }] };
    const checks = [{ name: 'fd', version: '1.0.0', platform: 'linux-amd64' as const, checks: { smokeTest: { status: 'passed' as const, runner: 'native' as const } } }];
    await publish({ dir, sync: result! }, mirrors, { artifactTrust: trust, checks });
    const m = await manifestOn(mirrors[0]!);
    expect(m.artifactTrust).toEqual(trust);
    const entry = m.packages.fd!['1.0.0']!['linux-amd64']!;
    if (entry.status !== 'available') throw new Error('expected available');
    expect(entry.artifacts.map((a) => a.signatureBundle?.file)).toEqual([`${base}.tar.gz.sigstore.json`, `${base}.tar.zst.sigstore.json`]);
    expect(entry.sboms?.map((s) => [s.format, s.file])).toEqual([['cyclonedx-json', `${base}.cdx.json`], ['spdx-json', `${base}.spdx.json`]]);
    expect(entry.provenance?.file).toBe(`${base}.provenance.sigstore.json`);
    expect(entry.provenance?.urls).toHaveLength(2);
    expect(entry.checks).toEqual(checks[0]!.checks);
  }, 60_000);

  test('an expiry no reader could live with is refused before any mirror is touched; recovery needs something trusted to start from', async () => {
    const mirrors = mirrorsUnder('range', false);
    const build = await built('rg', mirrors);
    for (const p of proxies) p.resetCounts();
    await expect(publish(build, mirrors, { expiresInDays: 36_500_000 })).rejects.toMatchObject({ code: ManifestErrorCode.OutOfRange });
    expect(proxies.map((p) => p.counts.put + p.counts.get)).toEqual([0, 0]);
    const opened = openS3Mirrors(mirrors, { reporter: new RecordingReporter(), ...fast });
    try {
      await expect(recoverManifest({ mirrors: opened, signer })).rejects.toMatchObject({ code: ManifestErrorCode.NothingToRecover });
    } finally {
      await closeMirrors(opened);
    }
  }, 60_000);
});
