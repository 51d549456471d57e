import type { AllowEntry } from './allow-list';
import type { Finding } from './finding';
import { buildReport, findingsTableRows, mergeFindings, reportVerdict } from './report';

const f = (over: Partial<Finding> & Pick<Finding, 'id'>): Finding => ({
  aliases: [],
  severity: 'high',
  cvss: { version: '3.1', vector: 'v', score: 7.5 },
  package: { name: 'zlib', version: '1.2.13', purl: 'pkg:generic/zlib@1.2.13' },
  scanner: 'osv',
  sbom: '/s/a.cdx.json',
  ...over,
});
const now = new Date('2026-11-30T00:00:00Z');
const scanner = { name: 'osv', description: 'OSV records in /osv (3)' };
const report = (findings: Finding[], failOn: 'critical' | 'high' | 'medium' | 'low' | 'none', allowList: AllowEntry[] = []) =>
  buildReport({ findings, failOn, allowList, now, scanner, sboms: ['/s/a.cdx.json'], packages: 1 });

describe('the normalised report', () => {
  test('the same vulnerability in the same package once: by id across SBOMs, by alias across databases', () => {
    const merged = mergeFindings([
      f({ id: 'CVE-2023-45853', sbom: '/s/a.cdx.json' }),
      f({ id: 'CVE-2023-45853', sbom: '/s/a.spdx.json' }),
      f({ id: 'GHSA-1', aliases: ['CVE-2023-45853'], severity: 'critical', cvss: { version: '3.1', vector: 'w', score: 9.8 }, fixedVersion: '1.3.1' }),
      f({ id: 'CVE-2023-45853', package: { name: 'other', version: '1' } }),
    ]);
    expect(merged.map((m) => [m.id, m.aliases, m.severity, m.package.name, m.fixedVersion ?? null])).toEqual([
      ['GHSA-1', ['CVE-2023-45853'], 'critical', 'zlib', '1.3.1'],
      ['CVE-2023-45853', [], 'high', 'other', null],
    ]);
    // Equally severe: named by its CVE id.
    expect(mergeFindings([f({ id: 'GHSA-2', aliases: ['CVE-1'] }), f({ id: 'CVE-1' })]).map((m) => [m.id, m.aliases])).toEqual([['CVE-1', ['GHSA-2']]]);
  });

  test('the threshold: at or above fails, below does not; none never fails; unknown severity fails like critical', () => {
    const findings = [f({ id: 'A', severity: 'critical', cvss: { version: '3.1', vector: 'v', score: 9.8 } }), f({ id: 'B', severity: 'medium', cvss: { version: '3.1', vector: 'v', score: 5 } })];
    expect(report(findings, 'high')).toMatchObject({ passed: false, failing: 1, maxSeverity: 'critical', counts: { critical: 1, medium: 1, high: 0 } });
    expect(report(findings, 'medium').failing).toBe(2);
    expect(report(findings, 'none')).toMatchObject({ passed: true, failing: 0, maxSeverity: 'critical' });
    expect(report([findings[1]!], 'high')).toMatchObject({ passed: true, maxSeverity: 'medium' });
    const unknown = report([f({ id: 'U', severity: 'unknown', cvss: undefined })], 'critical');
    expect(unknown).toMatchObject({ passed: false, maxSeverity: 'unknown' });
    expect(report([], 'low')).toMatchObject({ passed: true, maxSeverity: 'none', findings: [] });
  });

  test('an active allow-list entry allows; an expired one no longer does, and the report says it expired', () => {
    const findings = [f({ id: 'CVE-2023-45853', severity: 'critical', cvss: { version: '3.1', vector: 'v', score: 9.8 } })];
    const allowed = report(findings, 'high', [{ id: 'CVE-2023-45853', reason: 'MiniZip is not shipped', expires: '2026-12-31' }]);
    expect(allowed).toMatchObject({ passed: true, failing: 0, maxSeverity: 'none', expiredAllows: [] });
    expect(allowed.findings[0]).toMatchObject({ status: 'allowed', allow: { reason: 'MiniZip is not shipped', expires: '2026-12-31', expired: false } });
    const expired = report(findings, 'high', [{ id: 'CVE-2023-45853', reason: 'MiniZip is not shipped', expires: '2026-11-29' }]);
    expect(expired).toMatchObject({ passed: false, failing: 1, expiredAllows: [{ id: 'CVE-2023-45853', expires: '2026-11-29', reason: 'MiniZip is not shipped' }] });
    expect(findingsTableRows(expired)[0]).toEqual(['critical', 'CVE-2023-45853', 'zlib', '1.2.13', '', '9.8 (CVSS 3.1)', 'fails (allow-list entry expired 2026-11-29)']);
    expect(reportVerdict(expired)).toBe('1 finding(s) in 1 package(s) of 1 SBOM(s) by OSV records in /osv (3): FAILED: 1 finding(s) at or above high and not allowed');
    expect(findingsTableRows(allowed)[0]![6]).toBe('allowed until 2026-12-31: MiniZip is not shipped');
  });

  test('most severe first; a fix known only as a commit is shown as one', () => {
    const r = report([f({ id: 'L', severity: 'low', cvss: { version: '3.1', vector: 'v', score: 2 } }), f({ id: 'C', severity: 'critical', cvss: { version: '3.1', vector: 'v', score: 9.1 }, fixedCommit: '73331a6a0481067628f065ffe87bb1d8f787d10c' })], 'high');
    expect(r.findings.map((x) => x.id)).toEqual(['C', 'L']);
    expect(findingsTableRows(r)[0]![4]).toBe('commit 73331a6a0481');
  });
});
