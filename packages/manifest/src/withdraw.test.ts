import { ManifestErrorCode } from './errors';
import { mergeRelease } from './merge';
import { releaseEntries } from './release';
import { entryFromRevisions, revisionsOf } from './revisions';
import { PlatformEntrySchema } from './schema';
import type { ManifestPackages } from './schema';
import { selectArtifact } from './select';
import { availablePlatformInput } from './testing';
import { withdrawEntries } from './withdraw';

const at = new Date('2025-04-01T10:00:00Z');
const urls = ['https://a.example/m'];

/** jq 1.7.1 on two platforms (revision 1), then a fixed linux-amd64 build as revision 2. */
function published(): ManifestPackages {
  const first = releaseEntries({
    packages: [
      {
        name: 'jq',
        version: '1.7.1',
        platforms: {
          'linux-amd64': availablePlatformInput({ name: 'jq', version: '1.7.1', platform: 'linux-amd64', urls, seed: 'r1' }),
          'darwin-arm64': availablePlatformInput({ name: 'jq', version: '1.7.1', platform: 'darwin-arm64', urls, seed: 'r1' }),
        },
      },
    ],
  }).packages;
  const fixed = releaseEntries({
    packages: [{ name: 'jq', version: '1.7.1', platforms: { 'linux-amd64': availablePlatformInput({ name: 'jq', version: '1.7.1', platform: 'linux-amd64', urls, seed: 'r2' }) } }],
  }).packages;
  return mergeRelease(mergeRelease(undefined, first).packages, fixed, { newRevision: true }).packages;
}

const manifestOf = (packages: ManifestPackages) => ({ schemaVersion: 2 as const, version: 1, expires: '2026-01-01T00:00:00.000Z', packages });

describe('withdrawEntries', () => {
  it('withdraws one revision: readers fall back to the newest one left, the withdrawn one keeps its digests', () => {
    const before = published();
    const r2 = before.jq!['1.7.1']!['linux-amd64']!;
    const result = withdrawEntries(before, [{ name: 'jq', version: '1.7.1', platform: 'linux-amd64', revision: 2, reason: 'crashes on start' }], at);
    const entry = result.packages.jq!['1.7.1']!['linux-amd64']!;
    expect(entry).toMatchObject({ status: 'available', revision: 1 });
    expect(PlatformEntrySchema.parse(entry)).toEqual(entry);
    const kept = revisionsOf(entry).find((r) => r.revision === 2)!;
    expect(kept.withdrawn).toEqual({ reason: 'crashes on start', withdrawnAt: '2025-04-01T10:00:00.000Z' });
    expect(r2.status === 'available' && kept.artifacts[0]!.sha256).toBe(r2.status === 'available' && r2.artifacts[0]!.sha256);
    expect(result.withdrawn.map((w) => [w.platform, w.revision, w.files.map((f) => f.file)])).toEqual([
      ['linux-amd64', 2, ['jq-1.7.1-linux-amd64.tar.gz', 'jq-1.7.1-linux-amd64.tar.gz.json']],
    ]);
    expect(selectArtifact(manifestOf(result.packages), { name: 'jq', version: '1.7.1', platform: 'linux-amd64' }).revision).toBe(1);
    // The input is not changed.
    expect(before.jq!['1.7.1']!['linux-amd64']).toEqual(r2);
  });

  it('withdraws a whole version: every platform with a build, every revision; fetch refuses it with the reason', () => {
    const result = withdrawEntries(published(), [{ name: 'jq', version: '1.7.1', reason: '  CVE-2025-0001: remote code execution  ' }], at);
    const versions = result.packages.jq!['1.7.1']!;
    expect(versions['linux-amd64']).toMatchObject({ status: 'withdrawn', revision: 2, reason: 'CVE-2025-0001: remote code execution', withdrawnAt: '2025-04-01T10:00:00.000Z' });
    expect(versions['darwin-arm64']).toMatchObject({ status: 'withdrawn', revision: 1 });
    expect(versions['linux-arm64']).toEqual({ status: 'unavailable', reason: 'not built in this release' });
    expect(result.withdrawn.map((w) => `${w.platform}#${w.revision}`)).toEqual(['darwin-arm64#1', 'linux-amd64#1', 'linux-amd64#2']);
    expect(() => selectArtifact(manifestOf(result.packages), { name: 'jq', version: '1.7.1', platform: 'linux-amd64' })).toThrow(
      expect.objectContaining({ code: ManifestErrorCode.Withdrawn, message: expect.stringContaining('was withdrawn on 2025-04-01T10:00:00.000Z (revision 2): CVE-2025-0001') }),
    );
    // Without a version, a withdrawn version is skipped like an unavailable one.
    expect(() => selectArtifact(manifestOf(result.packages), { name: 'jq', platform: 'linux-amd64' })).toThrow(
      expect.objectContaining({ code: ManifestErrorCode.PlatformUnavailable, message: expect.stringContaining('is withdrawn: CVE-2025-0001') }),
    );
    // Withdrawing again changes nothing and says what was withdrawn already.
    const again = withdrawEntries(result.packages, [{ name: 'jq', version: '1.7.1', reason: 'again' }], new Date('2025-05-01T00:00:00Z'));
    expect(again.changes).toEqual([]);
    expect(again.packages).toEqual(result.packages);
    expect(again.alreadyWithdrawn).toHaveLength(3);
  });

  it('refuses what is not there or not said, naming it', () => {
    const p = published();
    expect(() => withdrawEntries(p, [{ name: 'yq', version: '1', reason: 'x' }], at)).toThrow(expect.objectContaining({ code: ManifestErrorCode.NotFound, message: 'the manifest has no package "yq" to withdraw' }));
    expect(() => withdrawEntries(p, [{ name: 'jq', version: '9', reason: 'x' }], at)).toThrow(expect.objectContaining({ code: ManifestErrorCode.NotFound }));
    expect(() => withdrawEntries(p, [{ name: 'jq', version: '1.7.1', platform: 'linux-arm64', reason: 'x' }], at)).toThrow(
      'jq@1.7.1 linux-arm64 has no build to withdraw (unavailable: not built in this release)',
    );
    expect(() => withdrawEntries(p, [{ name: 'jq', version: '1.7.1', platform: 'darwin-arm64', revision: 3, reason: 'x' }], at)).toThrow('has no revision 3 (it has 1)');
    expect(() => withdrawEntries(p, [{ name: 'jq', version: '1.7.1', reason: '   ' }], at)).toThrow(expect.objectContaining({ code: ManifestErrorCode.WithdrawInvalid }));
  });
});

describe('revisions', () => {
  it('turns an entry into its revisions and back', () => {
    for (const entry of Object.values(withdrawEntries(published(), [{ name: 'jq', version: '1.7.1', platform: 'linux-amd64', revision: 1, reason: 'x' }], at).packages.jq!['1.7.1']!)) {
      expect(entryFromRevisions(revisionsOf(entry), entry.status === 'unavailable' ? entry.reason : undefined)).toEqual(entry);
    }
  });
});
