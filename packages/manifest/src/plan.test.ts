import { generateSigningKey } from '@potions/signing';
import { ManifestErrorCode } from './errors';
import { planManifestPublish } from './plan';
import type { ReleaseInput } from './release';
import type { Manifest } from './schema';
import { availablePlatformInput } from './testing';

const now = new Date('2025-03-01T00:00:00Z');

function release(name: string, seed = 'a'): ReleaseInput {
  return {
    packages: [
      {
        name,
        version: '2.0',
        platforms: { 'linux-arm64': availablePlatformInput({ name, version: '2.0', platform: 'linux-arm64', urls: ['https://a.example'], seed }) },
      },
    ],
  };
}

function published(name: string, version: number, seed = 'a'): Manifest {
  return { ...planManifestPublish({ existing: [], release: release(name, seed), now }).manifest, version };
}

describe('planManifestPublish', () => {
  it('starts at version 1 and lists every platform', () => {
    const plan = planManifestPublish({ existing: [], release: release('fd'), now });
    expect(plan).toMatchObject({ changed: true, previousVersion: undefined, reasons: ['4 entries changed by the release', 'no manifest published yet'] });
    expect(plan.manifest.version).toBe(1);
    expect(plan.manifest.expires).toBe('2025-05-30T00:00:00.000Z');
  });

  it('brings a mirror that fell behind up to the union of all mirrors, with a version above all', () => {
    const plan = planManifestPublish({
      existing: [
        { source: 'a', manifest: published('fd', 7) },
        { source: 'b', manifest: published('rg', 4) },
      ],
      release: { packages: [] },
      now,
    });
    expect(plan.changed).toBe(true);
    expect(plan.reasons).toEqual(['mirror a lacks something another mirror or the release has', 'mirror b is behind (version 4 of 7)']);
    expect(plan.manifest.version).toBe(8);
    expect(Object.keys(plan.manifest.packages)).toEqual(['fd', 'rg']);
  });

  it('plans nothing when every mirror holds the same content and a re-run brings nothing new', () => {
    const m = published('fd', 3);
    const plan = planManifestPublish({ existing: [{ source: 'a', manifest: m }, { source: 'b', manifest: m }], release: release('fd'), now });
    expect(plan.changed).toBe(false);
    expect(plan.manifest).toBe(m);
  });

  it('keeps both builds when mirrors disagree on a revision, the second as the next revision, naming the mirror', () => {
    const plan = planManifestPublish({
      existing: [
        { source: 'a', manifest: published('fd', 3) },
        { source: 'b', manifest: published('fd', 3, 'other') },
      ],
      release: { packages: [] },
      now,
    });
    expect(plan.manifest.packages.fd!['2.0']!['linux-arm64']).toMatchObject({ status: 'available', revision: 2 });
    expect(plan.warnings.join('\n')).toContain('the manifest on mirror b has another build');
  });

  it('brings back what a per-version copy has and the mirrors lack, and says so', () => {
    const restoredFrom = { ...published('rg', 6), expires: now.toISOString() };
    const plan = planManifestPublish({
      existing: [
        { source: 'a', manifest: published('fd', 7) },
        { source: 'manifests/manifest-6.json on mirror a', manifest: { ...restoredFrom, packages: { ...restoredFrom.packages, ...published('fd', 7).packages } }, record: true },
      ],
      release: { packages: [] },
      now,
    });
    expect(plan.changed).toBe(true);
    expect(plan.reasons).toEqual(['4 entries restored from manifests/manifest-6.json on mirror a']);
    expect(Object.keys(plan.manifest.packages)).toEqual(['fd', 'rg']);
    expect(plan.manifest.version).toBe(8);
  });

  it('rewrites a schemaVersion 1 manifest as version 2 even when nothing else changed', () => {
    const m = published('fd', 3);
    const plan = planManifestPublish({ existing: [{ source: 'a', manifest: m, storedSchemaVersion: 1 }], release: { packages: [] }, now });
    expect(plan.reasons).toEqual(['mirror a holds schemaVersion 1: rewritten as 2']);
    expect(plan.manifest).toMatchObject({ schemaVersion: 2, version: 4 });
  });

  it('withdraws before it merges the release, and adds artifact trust settings', () => {
    const m = published('fd', 3);
    const trust = { keys: [{ publicKey: generateSigningKey().publicKeyPem }] };
    const plan = planManifestPublish({
      existing: [{ source: 'a', manifest: m }],
      release: release('fd', 'fixed'),
      withdrawals: [{ name: 'fd', version: '2.0', reason: 'linked against the build machine' }],
      newRevision: true,
      artifactTrust: trust,
      now,
    });
    expect(plan.reasons).toEqual(['1 revision(s) withdrawn', '1 entry changed by the release']);
    expect(plan.manifest.packages.fd!['2.0']!['linux-arm64']).toMatchObject({ status: 'available', revision: 2 });
    expect(plan.manifest.artifactTrust).toEqual(trust);
    expect(plan.withdrawn.map((w) => [w.platform, w.revision, w.files.map((f) => f.file)])).toEqual([
      ['linux-arm64', 1, ['fd-2.0-linux-arm64.tar.gz', 'fd-2.0-linux-arm64.tar.gz.json']],
    ]);
    // Trust settings alone change the manifest too.
    const trusted = planManifestPublish({ existing: [{ source: 'a', manifest: m }], release: { packages: [] }, artifactTrust: trust, now });
    expect(trusted.changed).toBe(true);
  });

  it('refuses a lifetime no reader could live with, before anything else', () => {
    for (const days of [0, 0.5, 3651, 36_500_000, 100_000_001, Number.NaN]) {
      expect(() => planManifestPublish({ existing: [], release: release('fd'), now, expiresInDays: days })).toThrow(
        expect.objectContaining({ code: ManifestErrorCode.OutOfRange, message: expect.stringContaining('from 1 to 3650') }),
      );
    }
    expect(planManifestPublish({ existing: [], release: release('fd'), now, expiresInDays: 3650 }).manifest.expires).toBe('2035-02-27T00:00:00.000Z');
  });
});
