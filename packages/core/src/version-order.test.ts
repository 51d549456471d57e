import { compareVersions, newestVersion, sameVersion } from './version-order';

/** [older, newer]: every pair must compare both ways round. */
const ORDERED: [string, string][] = [
  // plain numbers, any number of parts
  ['1.9', '1.10'],
  ['1.2.3', '1.2.10'],
  ['1.2.3', '1.2.3.4'],
  ['1.2.3.4', '1.2.3.5'],
  ['1.2.3.4', '1.2.4'],
  ['0.9.10', '1.0'],
  ['1.99999999999999999999', '2'],
  // tag prefixes as the corpus writes them
  ['v1.2.3', 'v1.2.4'],
  ['v1.9', '1.10'],
  ['jq-1.6', 'jq-1.7.1'],
  ['jq-1.7.1', '1.7.2'],
  ['release-2.0', 'release-2.1'],
  ['llvmorg-17.0.6', 'llvmorg-18.1.0'],
  // pre-releases before their release, semver style and not
  ['2.0-rc1', '2.0'],
  ['2.0-rc1', '2.0-rc2'],
  ['2.0-rc2', '2.0-rc10'],
  ['2.0-beta3', '2.0-rc1'],
  ['2.0-alpha', '2.0-beta'],
  ['2.0.0-rc.1', '2.0.0'],
  ['1.0.0-alpha', '1.0.0-alpha.1'],
  ['1.0.0-beta.2', '1.0.0-beta.11'],
  ['1.0.0-beta.11', '1.0.0-rc.1'],
  ['1.0.0-SNAPSHOT', '1.0.0'],
  ['1.0a1', '1.0b1'],
  ['1.0b1', '1.0rc1'],
  ['1.0rc1', '1.0'],
  ['2.0-rc1', '2.0.1'],
  ['3.12.0-dev', '3.12.0a1'],
  // post-release letters after their release
  ['1.0', '1.0a'],
  ['1.0a', '1.0b'],
  ['1.1.1', '1.1.1w'],
  ['1.1.1w', '1.1.2'],
  ['9.4', '9.4p1'],
  ['9.4p1', '9.4p2'],
  ['9.4p2', '9.5p1'],
  ['2.0-rc1', '2.0p1'],
  ['1.0p1', '1.0.1'],
  // dates and date-like versions
  ['2023.12.31', '2024.01.05'],
  ['20221030-3.1', '20230828-3.1'],
  ['2024-01-05', '2024-01-06'],
  ['2024.01.05', '2024.01.05.1'],
  // equal by precedence, ordered by spelling so that the order is total
  ['1.02', '1.2'],
  ['1.2', 'v1.2'],
  ['1.0+build.1', '1.0+build.2'],
  ['1.0', '1.0.Final'],
];

describe('compareVersions', () => {
  it.each(ORDERED)('%s < %s', (older, newer) => {
    expect(compareVersions(older, newer)).toBeLessThan(0);
    expect(compareVersions(newer, older)).toBeGreaterThan(0);
  });

  it('is 0 only for the same string', () => {
    for (const [a, b] of ORDERED) {
      expect(compareVersions(a, a)).toBe(0);
      expect(compareVersions(b, b)).toBe(0);
    }
  });

  it('is a total order: sorting any permutation gives the same list, and the list is transitive', () => {
    const all = [...new Set(ORDERED.flat())];
    const sorted = [...all].sort(compareVersions);
    const reversed = [...all].reverse().sort(compareVersions);
    expect(reversed).toEqual(sorted);
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) expect(compareVersions(sorted[i]!, sorted[j]!)).toBeLessThan(0);
    }
  });

  it('orders the versions people mix in one list', () => {
    const sorted = ['1.10', '1.9', '2.0.0-rc1', '2.0.0', '1.9.1', 'v1.2', '2024.01.05', '9.4p1', '9.4'].sort(compareVersions);
    expect(sorted).toEqual(['v1.2', '1.9', '1.9.1', '1.10', '2.0.0-rc1', '2.0.0', '9.4', '9.4p1', '2024.01.05']);
  });
});

describe('sameVersion', () => {
  it('says which spellings are one version', () => {
    expect(sameVersion('1.02', '1.2')).toBe(true);
    expect(sameVersion('v1.2.3', '1.2.3')).toBe(true);
    expect(sameVersion('1.0+a', '1.0+b')).toBe(true);
    expect(sameVersion('1.0', '1.0.0')).toBe(false);
    expect(sameVersion('1.0', '1.0a')).toBe(false);
  });
});

describe('newestVersion', () => {
  it('picks the newest, or nothing from nothing', () => {
    expect(newestVersion(['1.2', '2.0-rc1', '1.10'])).toBe('2.0-rc1');
    expect(newestVersion([])).toBeUndefined();
  });
});
