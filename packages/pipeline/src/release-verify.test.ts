import type { SmokeReport } from '@potions/inspect';
import { buildReport, skippedReport } from '@potions/sbom';
import type { Finding } from '@potions/sbom';
import { scanOutcome, smokeOutcome } from './release-verify';

const now = new Date('2026-05-01T00:00:00Z');
type SmokeFacts = Pick<SmokeReport, 'ok' | 'problems' | 'run' | 'summary' | 'systemLibraries'>;
const summary = { files: 3, code: 1, executables: 1, libraries: 0, errors: 0, warnings: 0 };
const command = (argv: string[], ok: boolean, error?: string) => ({
  argv,
  default: false,
  ok,
  exitCode: ok ? 0 : 1,
  expectedExitCode: 0,
  timedOut: false,
  output: '',
  ...(error ? { error } : {}),
});

test('smoke: passed, failed with the first error (and how many more), not run with the reason', () => {
  const passed: SmokeFacts = {
    ok: true,
    problems: [],
    run: { ran: true, commands: [command(['hello', '--version'], true), command(['hello'], true)] },
    summary,
    systemLibraries: [{ name: 'libc.so.6', group: 'glibc', files: ['bin/hello'] }],
  };
  expect(smokeOutcome(passed)).toEqual({
    status: 'passed',
    runner: 'native',
    commands: [
      { argv: ['hello', '--version'], ok: true },
      { argv: ['hello'], ok: true },
    ],
    files: 3,
    errors: 0,
    warnings: 0,
    systemLibraries: ['libc.so.6'],
  });

  const failed: SmokeFacts = {
    ...passed,
    ok: false,
    problems: [
      { severity: 'warning', message: 'share/x is a symbolic link to nowhere' },
      { file: 'bin/hello', severity: 'error', message: 'bin/hello is ELF 64-bit LSB aarch64 executable, not linux-amd64 code (x86_64 ELF)' },
      { severity: 'error', message: 'bin/hello --version: exit status 1, expected 0' },
    ],
    run: { ran: true, commands: [command(['bin/hello', '--version'], false, 'exit status 1, expected 0')] },
    summary: { ...summary, errors: 2, warnings: 1 },
  };
  expect(smokeOutcome(failed)).toMatchObject({
    status: 'failed',
    reason: 'bin/hello is ELF 64-bit LSB aarch64 executable, not linux-amd64 code (x86_64 ELF) (and 1 more)',
    commands: [{ argv: ['bin/hello', '--version'], ok: false, error: 'exit status 1, expected 0' }],
    errors: 2,
  });

  const reason = 'darwin-arm64 programs cannot run on this linux-amd64 machine: the commands were not run, only the static checks were made';
  const notRun: SmokeFacts = { ...passed, problems: [{ severity: 'warning', message: reason }], run: { ran: false, reason, commands: [command(['hello', '--version'], false, 'not run')] } };
  expect(smokeOutcome(notRun)).toMatchObject({ status: 'not-run', reason });
});

const finding = (id: string, vector: string | undefined, severity: Finding['severity']): Finding => ({
  id,
  aliases: [],
  severity,
  ...(vector ? { cvss: { version: '3.1', vector, score: severity === 'critical' ? 9.8 : 5.3 } } : {}),
  package: { name: 'zlib', version: '1.2.13', purl: 'pkg:generic/zlib@1.2.13' },
  scanner: 'osv',
  sbom: 'zlib.cdx.json',
});

test('scan: the findings that fail name the build withheld; below the threshold or allowed, it passes', () => {
  const critical = finding('CVE-2023-45853', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'critical');
  const medium = finding('CVE-2099-0001', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', 'medium');
  const scanner = { name: 'osv', description: 'OSV records in testdata/osv (3)' };
  const base = { now, scanner, sboms: ['zlib.cdx.json'], packages: 1 };

  const failing = scanOutcome(buildReport({ ...base, findings: [critical, medium], failOn: 'high' }));
  expect(failing).toEqual({
    status: 'failed',
    reason: 'CVE-2023-45853 (critical) in zlib 1.2.13',
    scanner: scanner.description,
    scannedAt: now.toISOString(),
    failOn: 'high',
    findings: 2,
    failing: 1,
    allowed: 0,
    maxSeverity: 'critical',
    failures: [{ id: 'CVE-2023-45853', severity: 'critical', package: 'zlib', version: '1.2.13' }],
  });

  const allowList = [{ id: 'CVE-2023-45853', reason: 'MiniZip is not built', expires: '2026-12-31' }];
  expect(scanOutcome(buildReport({ ...base, findings: [critical, medium], failOn: 'high', allowList }))).toMatchObject({
    status: 'passed',
    allowed: 1,
    maxSeverity: 'medium',
    failures: [],
  });
  expect(scanOutcome(buildReport({ ...base, findings: [critical], failOn: 'none' }))).toMatchObject({ status: 'passed', findings: 1, failing: 0 });
  // More than three failing findings: three are named, the rest counted.
  const many = ['A', 'B', 'C', 'D', 'E'].map((x) => finding(`CVE-2024-000${x}`, undefined, 'unknown'));
  expect(scanOutcome(buildReport({ ...base, findings: many, failOn: 'high' })).reason).toBe(
    'CVE-2024-000A (unknown) in zlib 1.2.13, CVE-2024-000B (unknown) in zlib 1.2.13, CVE-2024-000C (unknown) in zlib 1.2.13 (and 2 more)',
  );

  expect(scanOutcome(skippedReport('the recipe turned vulnerability scanning off', ['x.cdx.json'], 'high', now))).toMatchObject({
    status: 'skipped',
    reason: 'the recipe turned vulnerability scanning off',
  });
});
