import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findingsFromTrivy } from './trivy';

const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'testdata');
const read = async (rel: string): Promise<unknown> => JSON.parse(await fs.readFile(path.join(TESTDATA, rel), 'utf8'));

describe("trivy report adapter (a recorded report in trivy's documented format)", () => {
  test('trivy: both zlib1g findings, with Debian\'s fixed version and advisory id, severity from the vectors', async () => {
    const findings = findingsFromTrivy(await read('trivy/debian-11.cdx.trivy.json'), '/s/debian.cdx.json');
    expect(findings.map((f) => [f.id, f.aliases, f.severity, f.cvss?.score, f.package.name, f.package.version, f.fixedVersion ?? null])).toEqual([
      ['CVE-2022-37434', ['DSA-5218-1'], 'critical', 9.8, 'zlib1g', '1:1.2.11.dfsg-2+deb11u1', '1:1.2.11.dfsg-2+deb11u2'],
      ['CVE-2023-45853', [], 'critical', 9.8, 'zlib1g', '1:1.2.11.dfsg-2+deb11u1', null],
    ]);
    expect(findings[0]).toMatchObject({ scanner: 'trivy', url: 'https://avd.aquasec.com/nvd/cve-2022-37434', package: { purl: expect.stringContaining('pkg:deb/debian/zlib1g@') } });
  });
  test('a report in another shape is a clear error', () => {
    expect(() => findingsFromTrivy({ Results: [{ Vulnerabilities: [{ PkgName: 'x' }] }] }, 'x')).toThrow(expect.objectContaining({ code: 'E_SBOM_SCANNER_FAILED' }));
  });
});
