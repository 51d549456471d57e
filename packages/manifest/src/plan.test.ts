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
    expect(plan.reasons).toEqual(['mirror a lacks entries another mirror has', 'mirror b is behind (version 4 of 7)']);
    expect(plan.manifest.version).toBe(8);
    expect(Object.keys(plan.manifest.packages)).toEqual(['fd', 'rg']);
  });

  it('plans nothing when every mirror holds the same content and a re-run brings nothing new', () => {
    const m = published('fd', 3);
    const plan = planManifestPublish({ existing: [{ source: 'a', manifest: m }, { source: 'b', manifest: m }], release: release('fd'), now });
    expect(plan.changed).toBe(false);
    expect(plan.manifest).toBe(m);
  });

  it('refuses mirrors that disagree on a published digest, naming the mirror', () => {
    expect(() =>
      planManifestPublish({
        existing: [
          { source: 'a', manifest: published('fd', 3) },
          { source: 'b', manifest: published('fd', 3, 'tampered') },
        ],
        release: { packages: [] },
        now,
      }),
    ).toThrow(expect.objectContaining({ code: ManifestErrorCode.DigestChanged, message: expect.stringContaining('the manifest on mirror b has sha256') }));
  });
});
