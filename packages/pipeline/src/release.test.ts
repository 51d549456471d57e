import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PLATFORMS, hostPlatform } from '@potions/core';
import type { Platform } from '@potions/core';
import { FileTrustStore, LocalKeySigner, generateManifestKey, parseManifestVersionKey, verifyManifest } from '@potions/manifest';
import type { AvailableEntry, Manifest } from '@potions/manifest';
import { fetchPackage } from './fetch-package';
import { runRelease } from './release';
import type { ReleaseOptions } from './release';
import { GREET_RECIPE, describeOnLinuxHost, fastDownloads, greetReleaseOptions, sha256Of, useGreetMirrors } from './test-support';
import { rcloneEnv } from '@potions/local-mirrors/testing';
import { recordingOpenMirrors } from '@potions/mirrors/testing';

const host = hostPlatform();
const run = promisify(execFile);

describeOnLinuxHost('runRelease against two real S3 servers', () => {
  const world = useGreetMirrors('potions-release-', ['1.0.0', '1.0.1']);
  const signer = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);

  const release = (version: string, extra: Partial<ReleaseOptions> = {}) => runRelease({ ...greetReleaseOptions(world, version, 1, signer), ...extra });

  /** The manifest as mirror `i` holds it, verified. */
  const manifestOn = async (i: number): Promise<Manifest> => {
    const url = `${world.two.mirrors[i]!.endpoint}/potions/manifest.json`;
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    return (await verifyManifest(bytes, { trustedKeys: [signer] })).manifest;
  };
  const entry = (m: Manifest, version: string): AvailableEntry => {
    const e = m.packages.greet![version]![host as Platform];
    expect(e.status).toBe('available');
    return e as AvailableEntry;
  };

  test('a release lands on both mirrors; the manifest lists both URLs with digests that match the bytes', async () => {
    const clients = recordingOpenMirrors();
    const summary = await release('1.0.0', { openMirrors: clients.open });
    // The release made one client per mirror and closed both.
    expect(clients.made.map((t) => t.name)).toEqual(world.two.mirrors.map((m) => m.name));
    expect(clients.unclosed()).toEqual([]);
    // s3rver ignores If-Match: the publisher says so (and nothing else is wrong).
    expect(summary.warnings.filter((w) => !w.includes('conditional writes'))).toEqual([]);
    expect(summary.ok).toBe(true);
    expect(summary.stages.map((s) => [s.name, s.ok])).toEqual([
      ['mirrors', true],
      ['build', true],
      ['sync', true],
      ['publish', true],
      ['check', true],
    ]);
    expect(summary.packages).toEqual([
      expect.objectContaining({ name: 'greet', version: '1.0.0', platform: host, status: 'built', file: `greet-1.0.0-${host}.tar.gz` }),
    ]);
    expect(summary.manifestUrls.map((u) => u.url)).toEqual(world.two.mirrors.map((m) => `${m.endpoint}/potions/manifest.json`));
    expect(summary.manifestUrl).toBe(summary.manifestUrls[0]!.url);
    expect(summary.checks).toEqual([expect.objectContaining({ name: 'greet', ok: true, mirror: expect.stringContaining(world.two.mirrors[0]!.endpoint) })]);
    expect(summary.checks[0]!.smoke.map((s) => s.ok)).toEqual([true, true]);

    const m1 = await manifestOn(0);
    const m2 = await manifestOn(1);
    expect(m2).toEqual(m1);
    expect(summary.manifestVersion).toBe(m1.version);
    const e = entry(m1, '1.0.0');
    expect(e.artifacts.map((a) => a.format).sort()).toEqual(['tar.gz', 'tar.zst']);
    for (const file of [...e.artifacts, e.metadata]) {
      expect(file.urls).toHaveLength(2);
      expect(file.urls[0]!.startsWith(world.two.mirrors[0]!.endpoint)).toBe(true);
      expect(file.urls[1]!.startsWith(world.two.mirrors[1]!.endpoint)).toBe(true);
      for (const url of file.urls) expect(await sha256Of(url)).toEqual({ sha256: file.sha256, size: file.size });
    }
    expect(e.artifacts.find((a) => a.format === 'tar.gz')!.sha256).toBe(summary.packages[0]!.sha256);
    // Every other platform is listed, with a reason, never left out.
    for (const p of PLATFORMS.filter((x) => x !== host)) expect(m1.packages.greet!['1.0.0']![p]).toEqual({ status: 'unavailable', reason: 'not built in this release' });
  });

  test('a re-run uploads nothing and republishes nothing', async () => {
    const before = await manifestOn(0);
    for (const p of world.two.proxies) p.resetCounts();
    const summary = await release('1.0.0');
    expect(summary.ok).toBe(true);
    expect(summary.packages[0]).toMatchObject({ cached: true });
    expect(summary.mirrors.map((m) => [m.uploaded, m.present, m.failed, m.manifest])).toEqual([
      [0, 3, 0, 'unchanged'],
      [0, 3, 0, 'unchanged'],
    ]);
    expect(summary.manifestChanged).toBe(false);
    expect(summary.manifestVersion).toBe(before.version);
    expect(world.two.proxies.map((p) => p.counts.put)).toEqual([0, 0]);
    expect((await manifestOn(0)).version).toBe(before.version);
  });

  test('a mirror down during the release: the other is complete and alone in the manifest; the next release heals it', async () => {
    world.two.proxies[1]!.down = true;
    let summary;
    try {
      summary = await release('1.0.1');
    } finally {
      world.two.proxies[1]!.down = false;
    }
    // One mirror meets the default policy (1): the release goes on, and says what failed.
    expect(summary.ok).toBe(true);
    expect(summary.mirrors.map((m) => [m.name, m.ok, m.manifest])).toEqual([
      [world.two.mirrors[0]!.name, true, 'written'],
      [world.two.mirrors[1]!.name, false, 'failed'],
    ]);
    expect(summary.warnings.join('\n')).toContain(world.two.mirrors[1]!.name);
    expect(summary.manifestUrls.map((u) => u.mirror)).toEqual([world.two.mirrors[0]!.name]);
    const partial = await manifestOn(0);
    const e = entry(partial, '1.0.1');
    for (const file of [...e.artifacts, e.metadata]) {
      expect(file.urls).toHaveLength(1);
      expect(file.urls[0]!.startsWith(world.two.mirrors[0]!.endpoint)).toBe(true);
      expect(await sha256Of(file.urls[0]!)).toEqual({ sha256: file.sha256, size: file.size });
    }
    // The mirror that was down still holds the manifest of before, without 1.0.1.
    expect((await manifestOn(1)).packages.greet!['1.0.1']).toBeUndefined();

    world.two.proxies[1]!.resetCounts();
    const healed = await release('1.0.1');
    expect(healed.ok).toBe(true);
    expect(healed.mirrors.map((m) => [m.uploaded, m.manifest])).toEqual([
      [0, 'written'],
      [3, 'written'],
    ]);
    const m1 = await manifestOn(0);
    const m2 = await manifestOn(1);
    expect(m2).toEqual(m1);
    expect(m1.version).toBeGreaterThan(partial.version);
    const h = entry(m1, '1.0.1');
    for (const file of [...h.artifacts, h.metadata]) {
      expect(file.urls.map((u) => u.slice(0, world.two.mirrors[0]!.endpoint.length))).toEqual(world.two.mirrors.map((m) => m.endpoint));
      for (const url of file.urls) expect(await sha256Of(url)).toEqual({ sha256: file.sha256, size: file.size });
    }
    // 1.0.0 kept both of its URLs through all of this.
    expect(entry(m1, '1.0.0').artifacts[0]!.urls).toHaveLength(2);
  });

  test('a failed build among others is listed as unavailable with its reason; the release reports it and goes on', async () => {
    const summary = await release('1.0.1', { recipes: ['greet@1.0.1', 'greet@9.9.9'], recipesDirs: [path.dirname(GREET_RECIPE)], check: false });
    expect(summary.ok).toBe(false);
    expect(summary.packages).toEqual([
      expect.objectContaining({ name: 'greet', version: '1.0.1', status: 'built', cached: true }),
      expect.objectContaining({ name: 'greet', version: '9.9.9', status: 'failed', step: 'download' }),
    ]);
    expect(summary.stages.map((s) => [s.name, s.ok, s.error ?? null])).toEqual([
      ['mirrors', true, null],
      ['build', false, '1 build(s) failed'],
      ['sync', true, null],
      ['publish', true, null],
      ['check', false, 'disabled'],
    ]);
    const m = await manifestOn(0);
    expect(m.packages.greet!['9.9.9']![host as Platform]).toEqual({ status: 'unavailable', reason: expect.stringMatching(/^build failed \(download\): /) });
    expect(m.packages.greet!['1.0.1']![host as Platform].status).toBe('available');
  });

  test('a release in which nothing built publishes nothing: it fails with the reason, the mirrors are as they were, every client is closed', async () => {
    const listing = async (): Promise<string[][]> =>
      Promise.all(
        world.two.local.mirrors.map(async (mirror) => {
          const env = rcloneEnv(mirror, world.root);
          const listed: { Path: string; Size: number; ModTime: string }[] = JSON.parse((await run('rclone', ['lsjson', '--recursive', '--files-only', `m:${mirror.bucket}`], { env })).stdout);
          return listed.map((o) => `${o.Path} ${o.Size} ${o.ModTime}`).sort();
        }),
      );
    const before = await listing();
    expect(before[0]!.some((l) => l.startsWith('manifest.json '))).toBe(true);
    const clients = recordingOpenMirrors();
    const summary = await release('9.9.8', { openMirrors: clients.open });
    expect(summary.ok).toBe(false);
    expect(summary.packages).toEqual([expect.objectContaining({ name: 'greet', version: '9.9.8', status: 'failed', step: 'download' })]);
    expect(summary.stages.map((s) => [s.name, s.ok, s.skipped ?? false])).toEqual([
      ['mirrors', true, false],
      ['build', false, false],
      ['sync', false, true],
      ['publish', false, true],
      ['check', false, true],
    ]);
    const build = summary.stages.find((s) => s.name === 'build')!;
    expect(build.error).toMatch(/^nothing was built: greet 9\.9\.8 .*: build failed \(download\): /);
    expect(summary.stages.filter((s) => s.skipped).map((s) => s.error)).toEqual(['nothing was built', 'nothing was built', 'nothing was built']);
    expect(summary).toMatchObject({ manifestUrls: [], manifestVersion: undefined, manifestChanged: false, manifest: [] });
    expect(await listing()).toEqual(before);
    expect(clients.made).toHaveLength(2);
    expect(clients.unclosed()).toEqual([]);
  });

  test('the fetched program runs from where it was installed (relocated prefix)', async () => {
    const out = path.join(world.root, 'installed', 'greet');
    const got = await fetchPackage({
      manifestUrl: world.two.mirrors.map((m) => `${m.endpoint}/potions/manifest.json`),
      name: 'greet',
      outDir: out,
      trustedKeys: [signer],
      trustStore: new FileTrustStore(path.join(world.root, 'trust.json')),
      download: fastDownloads(),
    });
    expect(got).toMatchObject({ name: 'greet', version: '1.0.1', platform: host, dir: out, relocated: ['bin/greet'] });
    const { stdout } = await run(path.join(out, 'bin', 'greet'));
    expect(stdout).toBe('Hello from greet 1.0.1\n');
    expect(await fs.readFile(path.join(out, 'bin', 'greet'), 'utf8')).toContain(`${out}/share/greet/message.txt`);
  });

  test('another S3 client (rclone) lists and reads the release with the same bytes, manifest included', async () => {
    const m = world.two.local.mirrors[1]!;
    const env = rcloneEnv(m, world.root);
    const listed: { Path: string; Size: number }[] = JSON.parse((await run('rclone', ['lsjson', '--recursive', '--files-only', `m:${m.bucket}`], { env })).stdout);
    const sizes = new Map(listed.map((o) => [o.Path, o.Size]));
    const manifest = await manifestOn(1);
    const e = entry(manifest, '1.0.1');
    for (const file of [...e.artifacts, e.metadata]) {
      const key = new URL(file.urls[1]!).pathname.replace(/^\/potions\//, '');
      expect(sizes.get(key)).toBe(file.size);
      const cat = await run('rclone', ['cat', `m:${m.bucket}/${key}`], { env, encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 });
      expect(createHash('sha256').update(cat.stdout).digest('hex')).toBe(file.sha256);
    }
    // The version copy: manifests/manifest-<version>.json, with an id of its own on stores without conditional writes (s3rver).
    expect([...sizes.keys()].some((k) => parseManifestVersionKey(k)?.version === manifest.version)).toBe(true);
    const pointer = await run('rclone', ['cat', `m:${m.bucket}/manifest.json`], { env, encoding: 'buffer' });
    expect((await verifyManifest(new Uint8Array(pointer.stdout), { trustedKeys: [signer] })).manifest).toEqual(manifest);
  });
});
