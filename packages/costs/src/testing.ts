/**
 * Test helpers other packages may use: cost objects and a realistic input of
 * two mirrors (R2 and Wasabi) holding several versions of a few packages.
 */
import type { CostInput, CostObject } from './estimate';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** A content-addressed artifact key, as `@potions/mirrors` makes them. */
export function artifactKeyFor(n: number, fileName: string): string {
  return `artifacts/sha256/${n.toString(16).padStart(64, '0')}/${fileName}`;
}

export function costObject(overrides: Partial<CostObject> = {}): CostObject {
  return { key: artifactKeyFor(1, 'jq-1.7.1-linux-amd64.tar.gz'), size: 10 * MiB, lastModified: '2026-01-01T00:00:00.000Z', package: 'jq', version: '1.7.1', platform: 'linux-amd64', ...overrides };
}

export interface SampleCostOptions {
  /** The day the listing is taken (default 2026-11-30). */
  now?: Date;
  /** Versions per package, one released every 60 days back from `now` (default 5). */
  versions?: number;
}

/**
 * Two mirrors with the same objects: 4 packages × `versions` versions × 4
 * platforms, 40 to 160 MiB each, the newest released 10 days ago; the R2
 * mirror serves most of the traffic.
 */
export function sampleCostInput(options: SampleCostOptions = {}): CostInput {
  const now = options.now ?? new Date('2026-11-30T00:00:00.000Z');
  const versions = options.versions ?? 5;
  const packages = ['jq', 'ripgrep', 'terraform', 'hello'];
  const platforms = ['darwin-x86_64', 'darwin-arm64', 'linux-amd64', 'linux-arm64'];
  const objects: CostObject[] = [];
  let n = 0;
  packages.forEach((pkg, p) => {
    for (let v = 0; v < versions; v++) {
      const version = `1.${v}.0`;
      const released = new Date(now.getTime() - (10 + (versions - 1 - v) * 60) * 86_400_000).toISOString();
      for (const platform of platforms) {
        const file = `${pkg}-${version}-${platform}.tar.gz`;
        objects.push({ key: artifactKeyFor(++n, file), size: (40 + p * 40) * MiB, lastModified: released, package: pkg, version, platform });
        objects.push({ key: artifactKeyFor(++n, `${file}.json`), size: 2048, lastModified: released, package: pkg, version, platform });
      }
    }
  });
  objects.push({ key: 'manifest.json', size: 200_000, lastModified: new Date(now.getTime() - 86_400_000).toISOString() });
  return {
    mirrors: [
      { name: 'r2', provider: 'r2', objects, egressBytes: 800 * GiB, reads: 2_000_000, writes: 20_000 },
      { name: 'wasabi', provider: 'wasabi', objects, egressBytes: 50 * GiB, reads: 100_000, writes: 20_000 },
    ],
  };
}
