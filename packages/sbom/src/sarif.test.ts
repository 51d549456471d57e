import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv-draft-04';
import type { Finding } from './finding';
import { buildReport } from './report';
import { sarifFromReport } from './sarif';

const req = createRequire(import.meta.url);

async function sarifValidator() {
  // The SARIF 2.1.0 (rtm.5) JSON schema, as @microsoft/jest-sarif ships it (JSON Schema draft-04).
  const schema = JSON.parse(await fs.readFile(req.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  return ajv.compile(schema);
}

const base = (over: Partial<Finding> & Pick<Finding, 'id'>): Finding & { recipeFile?: string } => ({
  aliases: [],
  severity: 'critical',
  cvss: { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 9.8 },
  package: { name: 'zlib', version: '1.2.13', purl: 'pkg:generic/zlib@1.2.13' },
  scanner: 'osv',
  sbom: '/repo/out/zlib.cdx.json',
  ...over,
});

describe('SARIF for GitHub code scanning', () => {
  const report = buildReport({
    findings: [
      { ...base({ id: 'CVE-2023-45853', summary: 'MiniZip integer overflow', url: 'https://nvd.nist.gov/vuln/detail/CVE-2023-45853', fixedCommit: '73331a6a0481067628f065ffe87bb1d8f787d10c' }), recipeFile: 'recipes/zlib.yml' },
      base({ id: 'CVE-2000-0001', severity: 'medium', cvss: { version: '3.1', vector: 'x', score: 5.5 }, package: { name: 'libfoo', version: '1' }, fixedVersion: '2' }),
      base({ id: 'CVE-2000-0002', severity: 'unknown', cvss: undefined, package: { name: 'libbar', version: '3' } }),
    ],
    failOn: 'high',
    allowList: [{ id: 'CVE-2000-0001', reason: 'not reachable', expires: '2099-01-01' }],
    now: new Date('2026-11-30T00:00:00Z'),
    scanner: { name: 'osv', description: 'OSV' },
    sboms: ['/repo/out/zlib.cdx.json'],
    packages: 3,
  });

  test('valid against the SARIF 2.1.0 schema', async () => {
    const validate = await sarifValidator();
    const log = sarifFromReport(report, { sourceRoot: '/repo' });
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    // The check can fail: a result without a message is not SARIF.
    const broken = JSON.parse(JSON.stringify(log));
    delete broken.runs[0].results[0].message;
    expect(validate(broken)).toBe(false);
  });

  test('rules with security-severity, results on the recipe (else the SBOM), allowed findings suppressed', () => {
    const log = sarifFromReport(report, { sourceRoot: '/repo' });
    const run = log.runs[0]!;
    expect(run.tool.driver.rules!.map((r) => [r.id, r.properties?.['security-severity'] ?? null])).toEqual([
      ['CVE-2023-45853', '9.8'],
      ['CVE-2000-0002', null],
      ['CVE-2000-0001', '5.5'],
    ]);
    const byRule = Object.fromEntries(run.results!.map((r) => [r.ruleId, r]));
    expect(byRule['CVE-2023-45853']).toMatchObject({
      level: 'error',
      message: { text: 'zlib 1.2.13 is affected by CVE-2023-45853 (critical 9.8); fixed by commit 73331a6a0481067628f065ffe87bb1d8f787d10c.' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'recipes/zlib.yml' } } }],
      partialFingerprints: { 'potionsFinding/v1': expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(byRule['CVE-2000-0002']).toMatchObject({ level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'out/zlib.cdx.json' } } }] });
    expect(byRule['CVE-2000-0001']).toMatchObject({ level: 'warning', suppressions: [{ kind: 'external', status: 'accepted', justification: 'not reachable (allowed until 2099-01-01)' }] });
    expect(byRule['CVE-2023-45853']!.suppressions).toBeUndefined();
  });
});
