import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { hostPlatform, silentReporter } from '@potions/core';
import type { DownloadEvent } from '@potions/downloader';
import { startFaultServer } from '@potions/downloader/testing';
import { FileTrustStore, LocalKeySigner, MANIFEST_CONTENT_TYPE, MANIFEST_POINTER_CACHE_CONTROL, generateManifestKey, withdrawRelease } from '@potions/manifest';
import { S3MirrorTarget, closeMirrors, openS3Mirrors } from '@potions/mirrors';
import { fetchPackage } from './fetch-package';
import type { FetchPackageOptions } from './fetch-package';
import { runRelease } from './release';
import type { ReleaseOptions } from './release';
import { describeOnLinuxHost, fastDownloads, flipByte, greetReleaseOptions, s3rverObjectPath, useGreetMirrors } from './test-support';

const host = hostPlatform();
const run = promisify(execFile);

describeOnLinuxHost('fetchPackage through the manifest', () => {
  const world = useGreetMirrors('potions-fetch-', ['1.0.0', '1.0.1', '1.0.2']);
  let n = 0;
  const signer = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
  const manifestUrls = (): string[] => world.two.mirrors.map((m) => `${m.endpoint}/potions/manifest.json`);

  const release = async (version: string, extra: Partial<ReleaseOptions> = {}): Promise<void> => {
    const summary = await runRelease({ ...greetReleaseOptions(world, version, 2, signer), ...extra });
    expect(summary.stages.filter((s) => !s.ok)).toEqual([]);
  };
  const fetchInto = (extra: Partial<FetchPackageOptions> = {}) => {
    n++;
    return fetchPackage({
      manifestUrl: manifestUrls(),
      name: 'greet',
      outDir: path.join(world.root, 'out', `greet-${n}`),
      trustedKeys: [signer],
      trustStore: new FileTrustStore(path.join(world.root, 'trust', `${n}.json`)),
      reporter: silentReporter,
      download: fastDownloads(),
      ...extra,
    });
  };
  /** The key of the host's tar.gz of `version` (the manifest names it). */
  const artifactKey = async (version: string): Promise<string> => {
    const got = await fetchInto({ version, outDir: path.join(world.root, 'out', `probe-${version}-${n}`) });
    return new URL(got.urls[0]!).pathname.replace(/^\/potions\//, '');
  };

  beforeAll(() => release('1.0.0'));

  test('installs, relocated, when the first mirror is down', async () => {
    world.two.proxies[0]!.down = true;
    try {
      const got = await fetchInto();
      expect(got).toMatchObject({ name: 'greet', version: '1.0.0', platform: host, format: 'tar.gz' });
      expect(got.manifestUrl).toBe(manifestUrls()[1]);
      expect(got.mirror.startsWith(world.two.mirrors[1]!.endpoint)).toBe(true);
      expect((await run(path.join(got.dir, 'bin', 'greet'))).stdout).toBe('Hello from greet 1.0.0\n');
    } finally {
      world.two.proxies[0]!.down = false;
    }
  });

  test('an artifact corrupted on the first mirror is detected and fetched from the second', async () => {
    const file = s3rverObjectPath(world.two, 0, await artifactKey('1.0.0'));
    const original = await flipByte(file, 100);
    try {
      const got = await fetchInto();
      expect(got.mirror.startsWith(world.two.mirrors[1]!.endpoint)).toBe(true);
      expect(got.attempts).toBeGreaterThanOrEqual(2);
      expect((await run(path.join(got.dir, 'bin', 'greet'))).stdout).toBe('Hello from greet 1.0.0\n');
    } finally {
      await fs.writeFile(file, original);
    }
  });

  test('a first mirror that corrupts every read: its manifest is refused and everything comes from the second', async () => {
    world.two.proxies[0]!.corruptGets = true;
    try {
      const got = await fetchInto();
      expect(got.manifestRefused).toEqual([expect.objectContaining({ source: manifestUrls()[0], code: expect.stringMatching(/^E_MANIFEST_(MALFORMED|BAD_SIGNATURE)$/) })]);
      expect(got.manifestUrl).toBe(manifestUrls()[1]);
      expect(got.mirror.startsWith(world.two.mirrors[1]!.endpoint)).toBe(true);
    } finally {
      world.two.proxies[0]!.corruptGets = false;
    }
  });

  test('refuses a tampered manifest and installs nothing', async () => {
    const file = s3rverObjectPath(world.two, 0, 'manifest.json');
    const text = await fs.readFile(file, 'utf8');
    const at = text.indexOf('"expires": "') + '"expires": "'.length + 3;
    const original = await flipByte(file, at);
    const outDir = path.join(world.root, 'out', 'tampered');
    try {
      await expect(fetchInto({ manifestUrl: manifestUrls()[0], outDir })).rejects.toMatchObject({ code: 'E_MANIFEST_BAD_SIGNATURE' });
      await expect(fs.stat(outDir)).rejects.toMatchObject({ code: 'ENOENT' });
      // With both mirrors given, the good copy on the second is used.
      const got = await fetchInto();
      expect(got.manifestRefused.map((r) => r.code)).toEqual(['E_MANIFEST_BAD_SIGNATURE']);
    } finally {
      await fs.writeFile(file, original);
    }
  });

  test('reads a manifest from a local file too (same checks)', async () => {
    const file = path.join(world.root, 'manifest-copy.json');
    await fs.writeFile(file, Buffer.from(await (await fetch(manifestUrls()[0]!)).arrayBuffer()));
    const got = await fetchInto({ manifestUrl: file });
    expect(got).toMatchObject({ manifestUrl: file, version: '1.0.0' });
    await flipByte(file, (await fs.readFile(file, 'utf8')).indexOf('"expires": "') + 15);
    await expect(fetchInto({ manifestUrl: file })).rejects.toMatchObject({ code: 'E_MANIFEST_BAD_SIGNATURE' });
  });

  test('refuses a manifest signed by a key it does not trust', async () => {
    const stranger = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
    await expect(fetchInto({ trustedKeys: [stranger] })).rejects.toMatchObject({ code: 'E_MANIFEST_UNKNOWN_KEY' });
  });

  const requests = (): number => world.two.proxies.reduce((sum, p) => sum + p.counts.get + p.counts.head, 0);

  test('refuses to install over a folder that is not empty, before downloading anything', async () => {
    const outDir = path.join(world.root, 'out', 'busy');
    await fs.mkdir(outDir, { recursive: true });
    await fs.writeFile(path.join(outDir, 'keep.txt'), 'mine');
    world.two.proxies.forEach((p) => p.resetCounts());
    await expect(fetchInto({ outDir })).rejects.toMatchObject({ code: 'E_PIPELINE_OUT_EXISTS' });
    expect(requests()).toBe(0);
    expect(await fs.readFile(path.join(outDir, 'keep.txt'), 'utf8')).toBe('mine');
    expect((await fs.readdir(path.dirname(outDir))).filter((f) => f.startsWith('.busy'))).toEqual([]);
    // Replacing is for a folder an earlier install made, never for anything else (a checkout, a user's files).
    await fs.mkdir(path.join(outDir, '.git'));
    await expect(fetchInto({ outDir, replace: true })).rejects.toMatchObject({ code: 'E_PIPELINE_OUT_NOT_POTIONS', message: expect.stringContaining('holds something that Potions did not install') });
    expect(requests()).toBe(0);
    expect((await fs.readdir(outDir)).sort()).toEqual(['.git', 'keep.txt']);
    // An earlier install is replaced: it carries the marker the install writes.
    const fresh = path.join(world.root, 'out', 'fresh');
    const first = await fetchInto({ outDir: fresh });
    expect((await fs.readdir(first.dir)).sort()).toEqual(['.potions-install.json', 'bin', 'share']);
    expect(JSON.parse(await fs.readFile(path.join(first.dir, '.potions-install.json'), 'utf8'))).toMatchObject({
      potions: 1,
      name: 'greet',
      version: '1.0.0',
      platform: host,
      revision: 1,
      format: 'tar.gz',
      sha256: first.sha256,
    });
    await fs.writeFile(path.join(fresh, 'bin', 'stale'), 'left from before');
    const again = await fetchInto({ outDir: fresh, replace: true });
    expect((await fs.readdir(path.join(again.dir, 'bin'))).sort()).toEqual(['greet']);
  });

  test('never installs into a system folder, even one that holds a planted marker', async () => {
    world.two.proxies.forEach((p) => p.resetCounts());
    for (const outDir of ['/usr', '/usr/local/bin', '/etc', '/opt', '/tmp']) {
      await expect(fetchInto({ outDir, replace: true })).rejects.toMatchObject({ code: 'E_PIPELINE_OUT_PROTECTED', message: expect.stringContaining('is a system folder') });
    }
    expect(requests()).toBe(0);
  });

  test('both .tar.gz copies corrupted in place: the intact .tar.zst copies are used', async () => {
    const key = await artifactKey('1.0.0');
    const files = [0, 1].map((i) => s3rverObjectPath(world.two, i, key));
    const originals = await Promise.all(files.map((f) => flipByte(f, 200)));
    try {
      const got = await fetchInto();
      expect(got.format).toBe('tar.zst');
      expect(got.formatsFailed).toEqual([expect.objectContaining({ format: 'tar.gz', code: 'E_DOWNLOAD_FAILED', message: expect.stringContaining('sha256 mismatch') })]);
      // The release signed the artifacts: the .tar.zst installed was verified against its own bundle.
      expect(got.signature).toMatchObject({ verified: true, kind: 'key', bundle: expect.stringMatching(/\.tar\.zst\.sigstore\.json$/) });
      expect((await run(path.join(got.dir, 'bin', 'greet'))).stdout).toBe('Hello from greet 1.0.0\n');
    } finally {
      await Promise.all(files.map((f, i) => fs.writeFile(f, originals[i]!)));
    }
  });

  test('refuses a file as the install folder, with or without replace, before downloading anything', async () => {
    const file = path.join(world.root, 'out', 'afile');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, 'mine');
    world.two.proxies.forEach((p) => p.resetCounts());
    for (const replace of [false, true]) {
      const err = await fetchInto({ outDir: file, replace }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_PIPELINE_OUT_NOT_FOLDER', message: `the install folder ${file} is a file, not a folder` });
    }
    await expect(fetchInto({ outDir: path.join(file, 'sub') })).rejects.toMatchObject({ code: 'E_PIPELINE_OUT_NOT_FOLDER' });
    expect(requests()).toBe(0);
    expect(await fs.readFile(file, 'utf8')).toBe('mine');
    expect((await fs.readdir(path.dirname(file))).filter((f) => f.startsWith('.afile'))).toEqual([]);
  });

  test('never replaces the current folder, one of its parents, the home folder or /', async () => {
    const base = path.join(world.root, 'protected');
    const cwd = path.join(base, 'a', 'b');
    const home = path.join(world.root, 'home');
    await fs.mkdir(cwd, { recursive: true });
    await fs.mkdir(home, { recursive: true });
    await fs.writeFile(path.join(cwd, 'work.txt'), 'mine');
    await fs.writeFile(path.join(home, '.profile'), 'mine');
    world.two.proxies.forEach((p) => p.resetCounts());
    for (const [outDir, why] of [
      [cwd, 'the current folder'],
      [path.join(base, 'a'), 'a parent of the current folder'],
      [base, 'a parent of the current folder'],
      [home, 'your home folder'],
      ['/', 'the root folder'],
    ] as const) {
      const err = await fetchInto({ outDir, replace: true, cwd, home }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_PIPELINE_OUT_PROTECTED', message: expect.stringContaining(`is ${why}`) });
    }
    expect(requests()).toBe(0);
    expect(await fs.readFile(path.join(cwd, 'work.txt'), 'utf8')).toBe('mine');
    expect(await fs.readFile(path.join(home, '.profile'), 'utf8')).toBe('mine');
    // A folder beside them is fine.
    await expect(fetchInto({ outDir: path.join(base, 'a', 'tool'), cwd, home })).resolves.toMatchObject({ name: 'greet' });
  });

  test('a failed install removes the downloaded archive and the staging folder', async () => {
    const outDir = path.join(world.root, 'out', 'raced');
    let once = false;
    // Someone fills the folder while the artifact downloads: the install refuses, and cleans up after itself.
    const download = {
      ...fastDownloads(),
      onEvent: () => {
        if (once) return;
        once = true;
        mkdirSync(outDir, { recursive: true });
        writeFileSync(path.join(outDir, 'late.txt'), 'mine');
      },
    };
    await expect(fetchInto({ outDir, download })).rejects.toMatchObject({ code: 'E_PIPELINE_OUT_EXISTS' });
    expect(once).toBe(true);
    expect((await fs.readdir(path.dirname(outDir))).filter((f) => f.startsWith('.raced'))).toEqual([]);
    expect(await fs.readdir(outDir)).toEqual(['late.txt']);
  });

  test('refuses a manifest older than one already seen (rollback)', async () => {
    const trustStore = new FileTrustStore(path.join(world.root, 'trust', 'rollback.json'));
    const url = manifestUrls()[0]!;
    const v1 = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const first = await fetchInto({ manifestUrl: url, trustStore });
    await release('1.0.1');
    const second = await fetchInto({ manifestUrl: url, trustStore });
    expect(second.manifestVersion).toBeGreaterThan(first.manifestVersion);
    expect(second.version).toBe('1.0.1');

    // Someone puts the old (validly signed) manifest back on the first mirror.
    const target = new S3MirrorTarget(world.two.local.mirrors[0]!, { reporter: silentReporter });
    try {
      await target.putObject('manifest.json', v1, { contentType: MANIFEST_CONTENT_TYPE, cacheControl: MANIFEST_POINTER_CACHE_CONTROL });
    } finally {
      await target.close();
    }
    await expect(fetchInto({ manifestUrl: url, trustStore })).rejects.toMatchObject({ code: 'E_MANIFEST_ROLLBACK' });
    // The same old copy on the second mirror, which this reader never read: refused too (the memory is the key's).
    const otherMirror = new S3MirrorTarget(world.two.local.mirrors[1]!, { reporter: silentReporter });
    const v2 = new Uint8Array(await (await fetch(manifestUrls()[1]!)).arrayBuffer());
    try {
      await otherMirror.putObject('manifest.json', v1, { contentType: MANIFEST_CONTENT_TYPE, cacheControl: MANIFEST_POINTER_CACHE_CONTROL });
      await expect(fetchInto({ manifestUrl: manifestUrls()[1], trustStore })).rejects.toMatchObject({ code: 'E_MANIFEST_ROLLBACK' });
    } finally {
      await otherMirror.putObject('manifest.json', v2, { contentType: MANIFEST_CONTENT_TYPE, cacheControl: MANIFEST_POINTER_CACHE_CONTROL });
      await otherMirror.close();
    }
    // A reader that never saw the newer version accepts it: the memory is what protects.
    await expect(fetchInto({ manifestUrl: url, version: '1.0.0' })).resolves.toMatchObject({ manifestVersion: first.manifestVersion });
  });

  test('reads every manifest location and takes the newest acceptable copy: a stale mirror first does not hide a release', async () => {
    // Mirror 2 still serves the manifest of before the 1.0.1 release (an interrupted release never reached it).
    const target = new S3MirrorTarget(world.two.local.mirrors[1]!, { reporter: silentReporter });
    // The version copies of these mirrors (s3rver: no conditional writes) have names of their own: find version 1's.
    const copies = (await target.list('manifests/')).filter((o) => /^manifests\/manifest-1\.[0-9a-f]+\.json$/.test(o.key));
    const stale = (await target.getObject(copies[0]!.key))!.bytes;
    const current = (await target.getObject('manifest.json'))!.bytes;
    const first = new S3MirrorTarget(world.two.local.mirrors[0]!, { reporter: silentReporter });
    await first.putObject('manifest.json', current, { contentType: MANIFEST_CONTENT_TYPE, cacheControl: MANIFEST_POINTER_CACHE_CONTROL });
    await first.close();
    try {
      await target.putObject('manifest.json', stale, { contentType: MANIFEST_CONTENT_TYPE, cacheControl: MANIFEST_POINTER_CACHE_CONTROL });
      const got = await fetchInto({ manifestUrl: [manifestUrls()[1]!, manifestUrls()[0]!], name: 'greet' });
      expect(got.version).toBe('1.0.1');
      expect(got.manifestUrl).toBe(manifestUrls()[0]);
      expect({ older: got.manifestOlder, refused: got.manifestRefused }).toEqual({ older: [{ source: manifestUrls()[1], version: 1 }], refused: [] });
    } finally {
      await target.putObject('manifest.json', current, { contentType: MANIFEST_CONTENT_TYPE, cacheControl: MANIFEST_POINTER_CACHE_CONTROL });
      await target.close();
    }
  });

  test('a location that trickles the manifest does not hold the fetch: the other copy is used', async () => {
    const bytes = new Uint8Array(await (await fetch(manifestUrls()[0]!)).arrayBuffer());
    // A byte every 5 s: the idle timeout never fires on it.
    const trickle = await startFaultServer({ files: { '/manifest.json': bytes }, faults: [{ fault: { kind: 'slow', bytesPerSecond: 0.2 } }] });
    try {
      const got = await fetchInto({ manifestUrl: [trickle.url('/manifest.json'), manifestUrls()[1]!], manifestGraceMs: 100 });
      expect(got.manifestUrl).toBe(manifestUrls()[1]);
      expect(got.manifestRefused).toEqual([expect.objectContaining({ source: trickle.url('/manifest.json'), message: expect.stringContaining('not waited for') })]);
      // Alone, it is cut by the minimum throughput rule (not the 15-minute deadline).
      const events: DownloadEvent[] = [];
      const alone = fetchInto({
        manifestUrl: trickle.url('/manifest.json'),
        download: { ...fastDownloads(), lowSpeed: { bytesPerSecond: 100, periodMs: 200 }, onEvent: (e) => events.push(e) },
      });
      await expect(alone).rejects.toMatchObject({ code: 'E_DOWNLOAD_FAILED', message: expect.stringContaining('slower than 100 bytes/s') });
      expect(events.filter((e) => e.type === 'attempt').map((e) => e.type === 'attempt' && e.errorClass)).toEqual(['too-slow', 'too-slow']);
    } finally {
      await trickle.close();
    }
  });

  test('a withdrawn version is refused with its reason; without a version the newest one left is taken', async () => {
    const opened = openS3Mirrors(world.two.mirrors, { reporter: silentReporter });
    try {
      const withdrawn = await withdrawRelease({ withdrawals: [{ name: 'greet', version: '1.0.1', reason: 'prints the wrong greeting' }], mirrors: opened, signer });
      expect(withdrawn.report.ok).toBe(true);
    } finally {
      await closeMirrors(opened);
    }
    const outDir = path.join(world.root, 'out', 'withdrawn');
    const err = await fetchInto({ version: '1.0.1', outDir }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_MANIFEST_WITHDRAWN', message: expect.stringContaining('prints the wrong greeting') });
    await expect(fs.stat(outDir)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await fetchInto()).version).toBe('1.0.0');
  });

  test('refuses an expired manifest', async () => {
    const past = new Date(Date.now() - 30 * 86_400_000);
    await release('1.0.2', { now: () => past, expiresInDays: 1 });
    await expect(fetchInto({ manifestUrl: manifestUrls()[1] })).rejects.toMatchObject({ code: 'E_MANIFEST_EXPIRED' });
    await expect(fetchInto()).rejects.toMatchObject({ code: 'E_MANIFEST_EXPIRED' });
  });
});
