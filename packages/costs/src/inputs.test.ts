import { attemptRecord, downloadRecord } from '@potions/metrics/testing';
import { costObjectsFromListing, mirrorUsageFrom, monthlyTrafficFromRecords } from './inputs';
import { artifactKeyFor } from './testing';

const sha = (n: number) => n.toString(16).padStart(64, '0');
const manifest = {
  packages: {
    jq: {
      '1.7.1': {
        'linux-amd64': {
          status: 'available',
          artifacts: [{ format: 'tar.gz', file: 'jq.tar.gz', sha256: sha(1), size: 10, urls: [], signatureBundle: { file: 'jq.tar.gz.sigstore.json', sha256: sha(2), size: 1, urls: [] } }],
          metadata: { file: 'jq.tar.gz.json', sha256: sha(3), size: 1, urls: [] },
        },
        'darwin-arm64': { status: 'unavailable', reason: 'no build' },
        'linux-arm64': { status: 'withdrawn', reason: 'CVE', artifacts: [{ sha256: sha(4) }] },
      },
    },
  },
};

describe('costObjectsFromListing', () => {
  it('labels each content-addressed object with the package version and platform the manifest gives it', () => {
    const objects = costObjectsFromListing(
      [
        { key: artifactKeyFor(1, 'jq.tar.gz'), size: 10, lastModified: '2026-11-01T00:00:00Z', storageClass: 'STANDARD' },
        { key: artifactKeyFor(2, 'jq.tar.gz.sigstore.json'), size: 1 },
        { key: artifactKeyFor(3, 'jq.tar.gz.json'), size: 1 },
        { key: artifactKeyFor(4, 'jq-old.tar.gz'), size: 1 },
        { key: artifactKeyFor(9, 'stray.tar.gz'), size: 1 },
        { key: 'manifest.json', size: 5 },
      ],
      manifest,
    );
    expect(objects.map((o) => [o.package ?? null, o.version ?? null, o.platform ?? null])).toEqual([
      ['jq', '1.7.1', 'linux-amd64'],
      ['jq', '1.7.1', 'linux-amd64'],
      ['jq', '1.7.1', 'linux-amd64'],
      ['jq', '1.7.1', 'linux-arm64'],
      [null, null, null],
      [null, null, null],
    ]);
    expect(objects[0]).toEqual({ key: artifactKeyFor(1, 'jq.tar.gz'), size: 10, lastModified: '2026-11-01T00:00:00Z', storageClass: 'STANDARD', package: 'jq', version: '1.7.1', platform: 'linux-amd64' });
  });
});

describe('monthlyTrafficFromRecords and mirrorUsageFrom', () => {
  const records = [
    attemptRecord({ mirror: 'r2', artifact: 'jq.tar.gz', bytes: 1000, time: '2026-11-20T00:00:00Z' }),
    attemptRecord({ mirror: 'r2', artifact: 'jq.tar.gz', bytes: 0, outcome: 'error', time: '2026-11-21T00:00:00Z' }),
    attemptRecord({ mirror: 'r2', artifact: 'manifest.json', bytes: 300, time: '2026-11-22T00:00:00Z' }),
    attemptRecord({ mirror: 'wasabi', artifact: 'jq.tar.gz', bytes: 500, time: '2026-11-23T00:00:00Z' }),
    attemptRecord({ mirror: 'wasabi', artifact: 'jq.tar.gz', bytes: 500, time: '2026-10-01T00:00:00Z' }),
    downloadRecord({ mirror: 'r2', time: '2026-11-20T00:00:00Z' }),
  ];
  const window = { since: new Date('2026-11-15T00:00:00Z'), until: new Date('2026-11-30T00:00:00Z') };

  it('counts every request as a read and its bytes as egress, scaled from the window to 30 days', () => {
    const t = monthlyTrafficFromRecords(records, window);
    expect(t).toEqual({
      r2: { egressBytes: 2600, reads: 6, byFile: { 'jq.tar.gz': { egressBytes: 2000, reads: 4 }, 'manifest.json': { egressBytes: 600, reads: 2 } } },
      wasabi: { egressBytes: 1000, reads: 2, byFile: { 'jq.tar.gz': { egressBytes: 1000, reads: 2 } } },
    });
    expect(() => monthlyTrafficFromRecords(records, { since: window.until, until: window.since })).toThrow(expect.objectContaining({ code: 'E_COSTS_INPUT' }));
  });

  it('puts each file\'s traffic on the objects of that name and the rest on the mirror', () => {
    const traffic = monthlyTrafficFromRecords(records, window).r2!;
    const usage = mirrorUsageFrom({
      name: 'r2',
      provider: 'r2',
      listing: [
        { key: artifactKeyFor(1, 'jq.tar.gz'), size: 10 },
        { key: artifactKeyFor(5, 'jq.tar.gz'), size: 10 },
        { key: artifactKeyFor(3, 'jq.tar.gz.json'), size: 1 },
      ],
      manifest,
      traffic,
      writes: 40,
    });
    expect(usage.objects.map((o) => [o.egressBytes ?? null, o.reads ?? null])).toEqual([
      [1000, 2],
      [1000, 2],
      [null, null],
    ]);
    expect(usage).toMatchObject({ name: 'r2', provider: 'r2', egressBytes: 600, reads: 2, writes: 40 });
  });
});
