import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PLATFORMS, RecordingReporter, UserError, hostPlatform } from '@potions/core';
import type { Platform } from '@potions/core';
import { FileTrustStore, LocalKeySigner, generateManifestKey, parseManifestVersionKey, verifyManifest } from '@potions/manifest';
import type { AvailableEntry, Manifest } from '@potions/manifest';
import { verifyArtifactFile, verifyStatement } from '@potions/signing';
import type { ArtifactSigner } from '@potions/signing';
import { fetchPackage } from './fetch-package';
import { runRelease } from './release';
import type { ReleaseOptions } from './release';
import { GREET_RECIPE, describeOnLinuxHost, fastDownloads, greetReleaseOptions, sha256Of, useGreetMirrors } from './test-support';
import { rcloneEnv } from '@potions/local-mirrors/testing';
import { recordingOpenMirrors } from '@potions/mirrors/testing';

const SOUR_RECIPE = path.join(path.dirname(GREET_RECIPE), 'sour.yml');
/** The files a build publishes beside its archives and metadata. */
const SIDECARS = (base: string): string[] => [
  `${base}.cdx.json`,
  `${base}.spdx.json`,
  `${base}.tar.gz.sigstore.json`,
  `${base}.tar.zst.sigstore.json`,
  `${base}.provenance.sigstore.json`,
];

const host = hostPlatform();
const run = promisify(execFile);

describeOnLinuxHost('runRelease against two real S3 servers', () => {
  const world = useGreetMirrors('potions-release-', ['1.0.0', '1.0.1', '1.0.2']);
  const signer = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);

  const release = (version: string, extra: Partial<ReleaseOptions> = {}) => runRelease({ ...greetReleaseOptions(world, version, 1, signer), ...extra });

  /** The manifest as mirror `i` holds it, verified. */
  const manifestOn = async (i: number): Promise<Manifest> => {
    const url = `${world.two.mirrors[i]!.endpoint}/potions/manifest.json`;
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    return (await verifyManifest(bytes, { trustedKeys: [signer] })).manifest;
  };
  /** Every object on mirror `i`: key, size and sha256 of its bytes as served. */
  const listing = async (i: number): Promise<string[]> => {
    const env = rcloneEnv(world.two.local.mirrors[i]!, world.root);
    const listed: { Path: string; Size: number; ModTime: string }[] = JSON.parse(
      (await run('rclone', ['lsjson', '--recursive', '--files-only', `m:${world.two.local.mirrors[i]!.bucket}`], { env })).stdout,
    );
    return listed.map((o) => `${o.Path} ${o.Size} ${o.ModTime}`).sort();
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
      ['smoke', true],
      ['sbom', true],
      ['scan', true],
      ['sign', true],
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
    // The check fetched it back as a user would, and verified the artifact's signature with the manifest's trust settings.
    expect(summary.checks[0]!.signature).toEqual({ kind: 'key', keyId: summary.signer!.keyId });
    // Before anything was uploaded: smoke-tested (the recipe's two commands), inventoried, scanned and signed.
    const [p] = summary.packages;
    expect(p!.smoke).toMatchObject({ status: 'passed', commands: [{ argv: ['greet', '--version'], ok: true }, { argv: ['greet'], ok: true }], errors: 0 });
    const base = `greet-1.0.0-${host}`;
    expect(p!.sboms!.map((x) => x.file)).toEqual([`${base}.cdx.json`, `${base}.spdx.json`]);
    expect(p!.scan).toMatchObject({ status: 'passed', findings: 0, failOn: 'high', scanner: expect.stringContaining('OSV records') });
    expect(p!.signature).toMatchObject({ kind: 'key', keyId: summary.signer!.keyId, bundles: [`${base}.tar.gz.sigstore.json`, `${base}.tar.zst.sigstore.json`, `${base}.provenance.sigstore.json`] });
    expect(p!.syncedTo).toEqual(world.two.mirrors.map((m) => m.name));
    expect(p!.published).toBe('available');
    // Every file is on both mirrors, the SBOMs and bundles beside the archives.
    for (const i of [0, 1]) {
      const names = (await listing(i)).map((l) => path.basename(l.split(' ')[0]!));
      for (const f of [`${base}.tar.gz`, `${base}.tar.zst`, `${base}.tar.gz.json`, ...SIDECARS(base)]) expect(names).toContain(f);
    }
    // The bundles verify the artifacts (and the provenance names them) with the work folder's key.
    const dir = path.dirname(p!.artifact!);
    const trust = { keys: [{ publicKey: await fs.readFile(summary.signer!.publicKeyFile!, 'utf8') }] };
    for (const f of [`${base}.tar.gz`, `${base}.tar.zst`]) {
      expect(await verifyArtifactFile(path.join(dir, f), path.join(dir, `${f}.sigstore.json`), { trust })).toMatchObject({ kind: 'key', keyId: summary.signer!.keyId });
    }
    const provenance = JSON.parse(await fs.readFile(path.join(dir, `${base}.provenance.sigstore.json`), 'utf8'));
    expect(await verifyStatement(provenance, { trust, subjects: [{ name: `${base}.tar.gz`, sha256: p!.sha256! }] })).toMatchObject({ kind: 'key' });

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
    // The manifest names the signature bundles, the SBOMs, the provenance, what was checked, and whom to trust for the artifacts.
    for (const a of e.artifacts) expect(a.signatureBundle?.file).toBe(`${a.file}.sigstore.json`);
    expect(e.sboms?.map((x) => [x.format, x.file])).toEqual([['cyclonedx-json', `${base}.cdx.json`], ['spdx-json', `${base}.spdx.json`]]);
    expect(e.provenance?.file).toBe(`${base}.provenance.sigstore.json`);
    expect(e.checks).toEqual({ smokeTest: { status: 'passed', runner: 'native' }, scan: { status: 'passed', scanner: expect.stringContaining('OSV records'), maxSeverity: 'none', scannedAt: expect.any(String) } });
    expect(m1.artifactTrust?.keys?.map((k) => k.publicKey)).toEqual([trust.keys[0]!.publicKey]);
    // Every other platform is listed, with a reason, never left out.
    for (const p of PLATFORMS.filter((x) => x !== host)) expect(m1.packages.greet!['1.0.0']![p]).toEqual({ status: 'unavailable', reason: 'not built in this release' });
  });

  test('a re-run uploads nothing and republishes nothing', async () => {
    const before = await manifestOn(0);
    for (const p of world.two.proxies) p.resetCounts();
    const summary = await release('1.0.0');
    expect(summary.ok).toBe(true);
    // The signatures of the first run are kept (same key, same bytes): nothing changed, nothing to upload.
    expect(summary.packages[0]).toMatchObject({ cached: true, signature: { reused: 3 } });
    expect(summary.mirrors.map((m) => [m.uploaded, m.present, m.failed, m.manifest])).toEqual([
      [0, 8, 0, 'unchanged'],
      [0, 8, 0, 'unchanged'],
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
      [8, 'written'],
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
      ['smoke', true, null],
      ['sbom', true, null],
      ['scan', true, null],
      ['sign', true, null],
      ['sync', true, null],
      ['publish', true, null],
      ['check', false, 'disabled'],
    ]);
    const m = await manifestOn(0);
    expect(m.packages.greet!['9.9.9']![host as Platform]).toEqual({ status: 'unavailable', reason: expect.stringMatching(/^build failed \(download\): /) });
    expect(m.packages.greet!['1.0.1']![host as Platform].status).toBe('available');
  });

  test('a release in which nothing built publishes nothing: it fails with the reason, the mirrors are as they were, every client is closed', async () => {
    const before = await Promise.all([listing(0), listing(1)]);
    expect(before[0]!.some((l) => l.startsWith('manifest.json '))).toBe(true);
    const clients = recordingOpenMirrors();
    const summary = await release('9.9.8', { openMirrors: clients.open });
    expect(summary.ok).toBe(false);
    expect(summary.packages).toEqual([expect.objectContaining({ name: 'greet', version: '9.9.8', status: 'failed', step: 'download' })]);
    expect(summary.stages.map((s) => [s.name, s.ok, s.skipped ?? false])).toEqual([
      ['mirrors', true, false],
      ['build', false, false],
      ...['smoke', 'sbom', 'scan', 'sign', 'sync', 'publish', 'check'].map((n) => [n, false, true]),
    ]);
    const build = summary.stages.find((s) => s.name === 'build')!;
    expect(build.error).toMatch(/^nothing was built: greet 9\.9\.8 .*: build failed \(download\): /);
    expect(new Set(summary.stages.filter((s) => s.skipped).map((s) => s.error))).toEqual(new Set(['nothing was built']));
    expect(summary).toMatchObject({ manifestUrls: [], manifestVersion: undefined, manifestChanged: false, manifest: [] });
    expect(await Promise.all([listing(0), listing(1)])).toEqual(before);
    expect(clients.made).toHaveLength(2);
    expect(clients.unclosed()).toEqual([]);
  });

  test('a build whose smoke test fails is not published: the manifest says why, the other build goes out', async () => {
    const summary = await release('1.0.1', { recipes: [GREET_RECIPE, SOUR_RECIPE], check: false });
    expect(summary.ok).toBe(false);
    const [greet, sour] = summary.packages;
    expect(greet).toMatchObject({ name: 'greet', published: 'available', smoke: { status: 'passed' } });
    const reason = 'smoke test failed: bin/sour --version: exit status 1, expected 0';
    expect(sour).toMatchObject({ name: 'sour', status: 'built', withheld: reason, withheldBy: 'smoke', published: 'unavailable', smoke: { status: 'failed' } });
    // Neither inventoried, scanned, signed nor uploaded.
    expect(sour).not.toHaveProperty('sboms');
    expect(sour).not.toHaveProperty('signature');
    expect(sour!.urls).toEqual([]);
    expect(summary.stages.find((s) => s.name === 'smoke')).toMatchObject({ ok: false, error: `1 build(s) withheld: sour 1.0.1 ${host}: ${reason}` });
    expect(summary.warnings).toContain(`sour 1.0.1 ${host}: not published: ${reason}`);
    const m = await manifestOn(0);
    expect(m.packages.sour!['1.0.1']![host as Platform]).toEqual({ status: 'unavailable', reason });
    expect(entry(m, '1.0.1').artifacts).toHaveLength(2);
    for (const i of [0, 1]) expect((await listing(i)).filter((l) => l.includes('sour-'))).toEqual([]);
  });

  test('when every build is withheld, nothing is signed, uploaded or published', async () => {
    const before = await Promise.all([listing(0), listing(1)]);
    const summary = await release('1.0.0', { recipes: [SOUR_RECIPE] });
    expect(summary.ok).toBe(false);
    expect(summary.stages.filter((s) => s.skipped).map((s) => [s.name, s.error])).toEqual(
      ['sign', 'sync', 'publish', 'check'].map((n) => [n, 'every build was withheld']),
    );
    expect(summary.packages[0]).toMatchObject({ name: 'sour', withheldBy: 'smoke' });
    expect(await Promise.all([listing(0), listing(1)])).toEqual(before);
  });

  test('a signer that fails stops the release before any upload, and says why', async () => {
    const failing: ArtifactSigner = {
      kind: 'keyless',
      description: 'keyless via a Fulcio that refuses',
      sign: async () => {
        throw new UserError('E_SIGNING_SERVICE', 'Fulcio refused the certificate request: 503 Service Unavailable');
      },
      signStatement: async () => {
        throw new UserError('E_SIGNING_SERVICE', 'Fulcio refused the certificate request: 503 Service Unavailable');
      },
    };
    const before = await Promise.all([listing(0), listing(1)]);
    for (const p of world.two.proxies) p.resetCounts();
    const summary = await release('1.0.2', { artifactSigner: failing });
    expect(summary.ok).toBe(false);
    expect(summary.stages.map((s) => [s.name, s.ok, s.error ?? null])).toEqual([
      ['mirrors', true, null],
      ['build', true, null],
      ['smoke', true, null],
      ['sbom', true, null],
      ['scan', true, null],
      ['sign', false, 'Fulcio refused the certificate request: 503 Service Unavailable'],
      ['sync', false, 'signing failed'],
      ['publish', false, 'signing failed'],
      ['check', false, 'signing failed'],
    ]);
    expect(summary.warnings).toContain('signing failed: Fulcio refused the certificate request: 503 Service Unavailable; nothing was uploaded');
    expect(summary).toMatchObject({ manifestUrls: [], manifestVersion: undefined, signer: { kind: 'keyless' } });
    expect(world.two.proxies.map((p) => p.counts.put)).toEqual([0, 0]);
    expect(await Promise.all([listing(0), listing(1)])).toEqual(before);
    expect((await manifestOn(0)).packages.greet!['1.0.2']).toBeUndefined();
  });

  test('two releases in the same work folder at once: the second waits for the first, says so, and both succeed', async () => {
    const reporters = [new RecordingReporter(), new RecordingReporter()];
    const summaries = await Promise.all(reporters.map((reporter) => release('1.0.0', { reporter })));
    expect(summaries.map((s) => [s.ok, s.stages.filter((x) => !x.ok)])).toEqual([
      [true, []],
      [true, []],
    ]);
    const waited = reporters.filter((r) => r.lines.some((l) => l.level === 'warn' && l.message.startsWith('another release is running in this work folder')));
    expect(waited).toHaveLength(1);
    // Nothing of either run is left in the work folder's check folder.
    await expect(fs.readdir(path.join(world.root, 'work', '.potions', 'check'))).rejects.toMatchObject({ code: 'ENOENT' });
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
