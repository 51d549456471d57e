import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOsvDirectory, matchOsv } from './osv';
import type { SbomDocument, ScanComponent } from './read-sbom';

const OSV_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'osv');
const doc = (...components: ScanComponent[]): SbomDocument => ({ file: '/sboms/x.cdx.json', format: 'cyclonedx', components });
const zlib = (version: string, extra: Partial<ScanComponent> = {}): ScanComponent => ({ ref: 'z', name: 'zlib', version, purl: `pkg:generic/zlib@${version}`, ...extra });

describe('OSV matching with records written from the real zlib advisories', () => {
  let records: Awaited<ReturnType<typeof loadOsvDirectory>>;
  beforeAll(async () => {
    records = await loadOsvDirectory(OSV_DIR);
  });

  test('zlib 1.2.13 from its GitHub repository: affected by CVE-2023-45853, not by CVE-2022-37434 (fixed in 1.2.13)', () => {
    const findings = matchOsv(records, doc(zlib('1.2.13', { purl: 'pkg:github/madler/zlib@1.2.13', repository: 'https://github.com/madler/zlib' })));
    expect(findings.map((f) => f.id)).toEqual(['CVE-2023-45853']);
    expect(findings[0]).toMatchObject({
      severity: 'critical',
      cvss: { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 9.8 },
      package: { name: 'zlib', version: '1.2.13', purl: 'pkg:github/madler/zlib@1.2.13' },
      fixedCommit: '73331a6a0481067628f065ffe87bb1d8f787d10c',
      matchedBy: 'repository',
      scanner: 'osv',
      url: 'https://nvd.nist.gov/vuln/detail/CVE-2023-45853',
      sbom: '/sboms/x.cdx.json',
    });
    expect(findings[0]!.summary).toContain('MiniZip in zlib through 1.3');
  });

  test('a pkg:generic zlib with no repository in the SBOM is matched by the repository\'s name, and says so', () => {
    const findings = matchOsv(records, doc(zlib('1.2.13')));
    expect(findings.map((f) => [f.id, f.matchedBy])).toEqual([['CVE-2023-45853', 'repository name']]);
  });

  test('versions around the fixes: 1.2.12 has both, 1.3 has the MiniZip one, 1.3.1 none', () => {
    const ids = (v: string): string[] => matchOsv(records, doc(zlib(v))).map((f) => f.id).sort();
    expect(ids('1.2.12')).toEqual(['CVE-2022-37434', 'CVE-2023-45853']);
    expect(ids('1.3')).toEqual(['CVE-2023-45853']);
    expect(ids('1.3.1')).toEqual([]);
    expect(ids('v1.2.11')).toEqual(['CVE-2022-37434', 'CVE-2023-45853']);
  });

  test('another repository of the same name does not match when the SBOM names its own', () => {
    expect(matchOsv(records, doc(zlib('1.2.13', { repository: 'https://github.com/zlib-ng/zlib' })))).toEqual([]);
  });

  test('the Debian record (ecosystem Debian, pkg:deb) never applies to an upstream build', () => {
    expect(matchOsv(records, doc(zlib('1:1.2.13.dfsg-1')))).toEqual([]);
    // ...but does to the Debian source package it names.
    const deb = { ref: 'd', name: 'zlib', version: '1:1.2.13.dfsg-1', purl: 'pkg:deb/debian/zlib@1:1.2.13.dfsg-1?arch=source' };
    expect(matchOsv(records, doc(deb)).map((f) => [f.id, f.matchedBy, f.aliases])).toEqual([['DEBIAN-CVE-2023-45853', 'purl', ['CVE-2023-45853']]]);
  });
});

describe('OSV matching rules', () => {
  const record = (affected: unknown[], extra: Record<string, unknown> = {}) => ({ id: 'GHSA-aaaa-bbbb-cccc', modified: '2024-01-01T00:00:00Z', aliases: ['CVE-2024-0001'], affected, ...extra });
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-osv-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
  const load = async (...recs: unknown[]) => {
    for (const [i, r] of recs.entries()) await fs.writeFile(path.join(dir, `r${i}.json`), JSON.stringify(r));
    return loadOsvDirectory(dir);
  };

  test('by ecosystem and name (npm), with the fixed version of the range; severity from the CVSS vector, not the label', async () => {
    const recs = await load(
      record(
        [{ package: { ecosystem: 'npm', name: '@scope/pkg' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.1' }] }] }],
        { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:L/I:N/A:N' }], database_specific: { severity: 'CRITICAL' } },
      ),
    );
    const [f] = matchOsv(recs, doc({ ref: 'a', name: 'pkg', version: '2.0.0', purl: 'pkg:npm/%40scope/pkg@2.0.0' }));
    expect(f).toMatchObject({ id: 'GHSA-aaaa-bbbb-cccc', aliases: ['CVE-2024-0001'], matchedBy: 'ecosystem', fixedVersion: '2.0.1', severity: 'medium', cvss: { score: 4 } });
    expect(matchOsv(recs, doc({ ref: 'a', name: 'pkg', version: '2.0.1', purl: 'pkg:npm/%40scope/pkg@2.0.1' }))).toEqual([]);
  });

  test('by purl, with an explicit versions list; a CVSS v4 vector in affected[].severity or database_specific counts', async () => {
    const v4 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
    const recs = await load(record([{ package: { purl: 'pkg:generic/tool' }, versions: ['1.0', '1.1'], severity: [{ type: 'CVSS_V4', score: v4 }] }]), {
      ...record([{ package: { purl: 'pkg:generic/other' }, versions: ['3'] }], { database_specific: { cvss: { vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' } } }),
      id: 'OSV-2',
    });
    expect(matchOsv(recs, doc({ ref: 't', name: 'tool', version: '1.1', purl: 'pkg:generic/tool@1.1' }))).toMatchObject([{ matchedBy: 'purl', severity: 'critical', cvss: { version: '4.0', score: 9.3 } }]);
    expect(matchOsv(recs, doc({ ref: 't', name: 'tool', version: '1.2', purl: 'pkg:generic/tool@1.2' }))).toEqual([]);
    expect(matchOsv(recs, doc({ ref: 'o', name: 'other', version: '3', purl: 'pkg:generic/other@3' }))).toMatchObject([{ id: 'OSV-2', severity: 'high', cvss: { score: 7.5 } }]);
  });

  test('no CVSS vector at all: severity unknown', async () => {
    const recs = await load(record([{ package: { purl: 'pkg:generic/tool' }, versions: ['1.0'] }], { database_specific: { severity: 'LOW' } }));
    expect(matchOsv(recs, doc({ ref: 't', name: 'tool', version: '1.0', purl: 'pkg:generic/tool@1.0' }))).toMatchObject([{ severity: 'unknown' }]);
  });

  test('withdrawn records are skipped; packages without a version are not matched', async () => {
    const recs = await load(record([{ package: { purl: 'pkg:generic/tool' }, versions: ['1.0'] }], { withdrawn: '2024-02-01T00:00:00Z' }));
    expect(recs).toEqual([]);
    const live = await load(record([{ package: { purl: 'pkg:generic/tool' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }]));
    expect(matchOsv(live, doc({ ref: 't', name: 'tool', purl: 'pkg:generic/tool' }))).toEqual([]);
  });

  test('a record that is not OSV names the file and the field; an empty or missing folder is refused', async () => {
    await fs.writeFile(path.join(dir, 'bad.json'), JSON.stringify(record([{ ranges: [{ type: 'GIT', events: [{ introduced: '0' }] }] }])));
    await expect(loadOsvDirectory(dir)).rejects.toMatchObject({ code: 'E_SBOM_OSV_RECORD', message: expect.stringMatching(/bad\.json is not an OSV record: affected\.0\.ranges\.0: a GIT range needs a repo/) });
    await fs.writeFile(path.join(dir, 'bad.json'), '{');
    await expect(loadOsvDirectory(dir)).rejects.toMatchObject({ code: 'E_SBOM_OSV_RECORD', message: expect.stringContaining('is not JSON') });
    await fs.rm(path.join(dir, 'bad.json'));
    await expect(loadOsvDirectory(dir)).rejects.toMatchObject({ code: 'E_SBOM_OSV_FOLDER', message: expect.stringContaining('holds no record') });
    await expect(loadOsvDirectory(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'E_SBOM_OSV_FOLDER' });
  });
});
