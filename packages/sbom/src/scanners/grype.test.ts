import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findingsFromGrype } from './grype';

const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'testdata');
const read = async (rel: string): Promise<unknown> => JSON.parse(await fs.readFile(path.join(TESTDATA, rel), 'utf8'));

describe("grype report adapter (a recorded report in grype's documented format)", () => {
  test('grype: a CPE match on zlib 1.2.13 becomes one normalised finding, severity from the NVD vector', async () => {
    const findings = findingsFromGrype(await read('grype/zlib-1.2.13.cdx.grype.json'), '/s/zlib.cdx.json');
    expect(findings).toEqual([
      {
        id: 'CVE-2023-45853',
        aliases: [],
        summary: expect.stringContaining('MiniZip in zlib through 1.3'),
        severity: 'critical',
        cvss: { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 9.8 },
        package: { name: 'zlib', version: '1.2.13', purl: 'pkg:generic/zlib@1.2.13' },
        url: 'https://nvd.nist.gov/vuln/detail/CVE-2023-45853',
        scanner: 'grype',
        matchedBy: 'cpe-match',
        sbom: '/s/zlib.cdx.json',
      },
    ]);
  });
  test('grype: related records give aliases and vectors; a fixed state gives the fixed version; the label is ignored', () => {
    const report = {
      matches: [
        {
          vulnerability: { id: 'GHSA-xxxx-yyyy-zzzz', severity: 'Low', cvss: [], fix: { versions: ['2.0.1'], state: 'fixed' }, urls: ['https://github.com/advisories/GHSA-xxxx-yyyy-zzzz'] },
          relatedVulnerabilities: [{ id: 'CVE-2024-1111', cvss: [{ version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }] }],
          matchDetails: [{ type: 'exact-direct-match' }],
          artifact: { name: 'left-pad', version: '2.0.0', purl: 'pkg:npm/left-pad@2.0.0' },
        },
      ],
    };
    expect(findingsFromGrype(report, 'x')[0]).toMatchObject({ id: 'GHSA-xxxx-yyyy-zzzz', aliases: ['CVE-2024-1111'], severity: 'high', fixedVersion: '2.0.1', url: 'https://github.com/advisories/GHSA-xxxx-yyyy-zzzz' });
  });
  test('a report in another shape is a clear error, not an empty result', () => {
    expect(() => findingsFromGrype({ results: [] }, 'x')).toThrow(expect.objectContaining({ code: 'E_SBOM_SCANNER_FAILED', message: expect.stringContaining("grype's report is not in the format") }));
  });
});
