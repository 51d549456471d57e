/**
 * The vulnerability scan of a release, end to end: the real zlib 1.2.13 of
 * ../shared/upstream built from the corpus recipe, scanned against the OSV
 * record of CVE-2023-45853 (MiniZip, fixed in 1.3.1; zlib 1.2.13 is affected)
 * with the threshold at high, published to two real S3 servers. zlib builds
 * once; the second test reuses it from the build cache.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostPlatform } from '@potions/core';
import type { Platform } from '@potions/core';
import { LocalKeySigner, generateManifestKey, verifyManifest } from '@potions/manifest';
import { runRelease } from './release';
import type { ReleaseOptions } from './release';
import { FAST_S3, OSV_RECORDS, describeOnLinuxHost, fastDownloads, startTwoMirrors } from './test-support';
import type { TwoMirrors } from './test-support';

const here = path.dirname(fileURLToPath(import.meta.url));
const SHARED = path.resolve(here, '../../../../shared');
const ZLIB_RECIPE = path.join(SHARED, 'potions-recipes', 'zlib.yml');
const UPSTREAM = path.join(SHARED, 'upstream');
const host = hostPlatform() as Platform;

describeOnLinuxHost('a release scans every build before it is published', () => {
  let root: string;
  let two: TwoMirrors;
  const signer = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-release-scan-'));
    two = await startTwoMirrors(path.join(root, 'mirrors'));
  });
  afterAll(async () => {
    await two?.close();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  const release = (extra: Partial<ReleaseOptions> = {}) =>
    runRelease({
      recipes: [ZLIB_RECIPE],
      version: '1.2.13',
      mirrors: { minMirrors: 1, mirrors: two.mirrors },
      signer,
      workDir: path.join(root, 'work'),
      sourceDirs: [UPSTREAM],
      scanner: 'osv',
      osvDir: OSV_RECORDS,
      failOn: 'high',
      jobs: 2,
      s3: FAST_S3,
      download: fastDownloads(),
      ...extra,
    });
  const manifestOn = async (i: number) => {
    const res = await fetch(`${two.mirrors[i]!.endpoint}/potions/manifest.json`);
    return res.ok ? (await verifyManifest(new Uint8Array(await res.arrayBuffer()), { trustedKeys: [signer] })).manifest : undefined;
  };

  test('zlib 1.2.13 with CVE-2023-45853 at threshold high is withheld, and nothing is uploaded', async () => {
    const summary = await release();
    expect(summary.ok).toBe(false);
    const [zlib] = summary.packages;
    const reason = 'vulnerability scan: CVE-2023-45853 (critical) in zlib 1.2.13';
    expect(zlib).toMatchObject({ name: 'zlib', version: '1.2.13', status: 'built', withheld: reason, withheldBy: 'scan' });
    // zlib is a library: nothing to run, so the static checks decided, and the summary says the commands did not run.
    expect(zlib!.smoke).toMatchObject({ status: 'not-run', reason: expect.stringContaining('no main program'), errors: 0 });
    expect(zlib!.smoke!.systemLibraries).toContain('libc.so.6');
    // One finding: CVE-2022-37434 was fixed in 1.2.13, and the Debian record speaks of Debian's package.
    expect(zlib!.scan).toEqual({
      status: 'failed',
      reason: 'CVE-2023-45853 (critical) in zlib 1.2.13',
      scanner: expect.stringContaining('OSV records'),
      scannedAt: expect.any(String),
      failOn: 'high',
      findings: 1,
      failing: 1,
      allowed: 0,
      maxSeverity: 'critical',
      failures: [{ id: 'CVE-2023-45853', severity: 'critical', package: 'zlib', version: '1.2.13' }],
    });
    expect(zlib).not.toHaveProperty('signature');
    expect(summary.stages.find((s) => s.name === 'scan')).toMatchObject({ ok: false, error: `1 build(s) withheld: zlib 1.2.13 ${host}: ${reason}` });
    expect(summary.stages.filter((s) => s.skipped).map((s) => s.name)).toEqual(['sign', 'sync', 'publish', 'check']);
    expect(summary.mirrors.map((m) => m.uploaded)).toEqual([0, 0]);
    expect(await manifestOn(0)).toBeUndefined();
  });

  test('allowed (with a reason, until a date), the same build goes out with its SBOMs and signatures', async () => {
    const allow = path.join(root, 'allow.yml');
    await fs.writeFile(allow, '- id: CVE-2023-45853\n  reason: MiniZip (contrib/minizip) is neither built nor shipped by the zlib recipe\n  expires: 2099-12-31\n');
    const summary = await release({ allowList: allow });
    expect(summary.stages.filter((s) => !s.ok)).toEqual([]);
    const [zlib] = summary.packages;
    expect(zlib).toMatchObject({ cached: true, published: 'available', scan: { status: 'passed', findings: 1, allowed: 1, failing: 0, maxSeverity: 'none' } });
    const m = await manifestOn(0);
    expect(m!.packages.zlib!['1.2.13']![host].status).toBe('available');
    // Every file of the build, its SBOMs and bundles included, is on both mirrors.
    expect(zlib!.syncedTo).toEqual(two.mirrors.map((x) => x.name));
    expect(zlib!.files).toEqual(expect.arrayContaining([`zlib-1.2.13-${host}.cdx.json`, `zlib-1.2.13-${host}.spdx.json`, `zlib-1.2.13-${host}.tar.gz.sigstore.json`]));
    // The CycloneDX SBOM names the package, and the system library the smoke test found.
    const local = path.join(path.dirname(zlib!.artifact!), `zlib-1.2.13-${host}.cdx.json`);
    const cdx = JSON.parse(await fs.readFile(local, 'utf8')) as { metadata: { component: { purl: string } }; components: { name: string; type: string }[] };
    expect(cdx.metadata.component.purl).toBe('pkg:generic/zlib@1.2.13');
    expect(cdx.components.filter((c) => c.type === 'library').map((c) => c.name)).toContain('libc.so.6');
  });
});
