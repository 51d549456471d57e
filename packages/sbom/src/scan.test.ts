import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnExec } from '@potions/core';
import { parseAllowList } from './allow-list';
import { writeSboms } from './generate';
import { readArtifactMetadataFile } from '@potions/core';
import { scanSboms, selectScanner } from './scan';
import { makeFixtureArtifact, writeFakeScanner } from './testing';

const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const OSV_DIR = path.join(TESTDATA, 'osv');
const now = () => new Date('2026-11-30T10:00:00Z');
/** An environment whose PATH has only the system's folders (no grype or trivy of the machine), plus `extra`. */
const envWith = (...extra: string[]): Record<string, string> => ({ PATH: [...extra, '/usr/bin', '/bin'].join(path.delimiter), HOME: os.tmpdir() });

describe('scanning SBOMs', () => {
  let dir: string;
  let cdx: string;
  let spdx: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-scan-'));
    const fx = await makeFixtureArtifact(dir, { name: 'zlib', version: '1.2.13', files: { 'lib/libz.so.1.2.13': 'ELF', 'include/zlib.h': '/* zlib */' } });
    const { sboms } = await writeSboms({
      artifact: fx.artifact,
      metadata: await readArtifactMetadataFile(fx.metadataFile),
      recipeFile: 'recipes/zlib.yml',
      outputs: [
        { format: 'cyclonedx', file: path.join(dir, 'zlib.cdx.json') },
        { format: 'spdx', file: path.join(dir, 'zlib.spdx.json') },
      ],
    });
    [cdx, spdx] = sboms.map((s) => s.file) as [string, string];
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('offline against OSV records: zlib 1.2.13 has CVE-2023-45853 (critical), once for both SBOMs, and fails at high', async () => {
    const scanner = await selectScanner({ choice: 'auto', osvDir: OSV_DIR, env: envWith() });
    expect(scanner.name).toBe('osv');
    const report = await scanSboms({ sboms: [cdx, spdx], scanner, failOn: 'high', now });
    expect(report).toMatchObject({ scanned: true, passed: false, failing: 1, maxSeverity: 'critical', packages: 2, scanner: { name: 'osv', description: `OSV records in ${OSV_DIR} (3)` } });
    expect(report.findings.map((f) => [f.id, f.package.name, f.package.version, f.severity, f.status, f.recipeFile ?? null])).toEqual([['CVE-2023-45853', 'zlib', '1.2.13', 'critical', 'fails', 'recipes/zlib.yml']]);
  });

  test('the allow-list lets it pass until it expires', async () => {
    const scanner = await selectScanner({ choice: 'osv', osvDir: OSV_DIR, env: envWith() });
    const allowList = parseAllowList('- id: CVE-2023-45853\n  reason: MiniZip is not built\n  expires: 2026-12-31\n');
    expect(await scanSboms({ sboms: [cdx], scanner, failOn: 'high', allowList, now })).toMatchObject({ passed: true, maxSeverity: 'none' });
    const later = await scanSboms({ sboms: [cdx], scanner, failOn: 'high', allowList, now: () => new Date('2027-01-01T00:00:00Z') });
    expect(later).toMatchObject({ passed: false, expiredAllows: [{ id: 'CVE-2023-45853', expires: '2026-12-31' }] });
  });

  test('a recipe that turned scanning off: skipped, and the report says so', async () => {
    const report = await scanSboms({ sboms: [cdx], scan: false, scanDecidedBy: 'recipes/zlib.yml', failOn: 'high', now });
    expect(report).toMatchObject({ scanned: false, passed: true, findings: [], skipped: 'the recipe turned vulnerability scanning off (security.scan_vulnerabilities: false) (recipes/zlib.yml)' });
  });

  test('a grype on the PATH is preferred by auto: run on the SBOM through Exec, its JSON report read', async () => {
    const bin = path.join(dir, 'bin-grype');
    await writeFakeScanner(bin, 'grype', await fs.readFile(path.join(TESTDATA, 'grype', 'zlib-1.2.13.cdx.grype.json'), 'utf8'));
    const scanner = await selectScanner({ choice: 'auto', osvDir: OSV_DIR, env: envWith(bin), exec: spawnExec });
    expect(scanner).toMatchObject({ name: 'grype', description: `grype 0.116.0 (${path.join(bin, 'grype')})` });
    const report = await scanSboms({ sboms: [cdx], scanner, failOn: 'critical', now });
    expect(report.findings.map((f) => [f.id, f.scanner, f.matchedBy, f.severity])).toEqual([['CVE-2023-45853', 'grype', 'cpe-match', 'critical']]);
    expect(report.passed).toBe(false);
    const args = (await fs.readFile(path.join(bin, 'grype.args'), 'utf8')).trim().split('\n');
    expect(args[0]).toBe(`sbom:${cdx}`);
    expect(args.slice(1, 3)).toEqual(['-o', 'json']);
    expect(args).toContain('--add-cpes-if-none');
    expect(args[args.indexOf('--file') + 1]).toMatch(/potions-scan-.*report\.json$/);
  });

  test('a failing scanner is a clear error with its last output', async () => {
    const bin = path.join(dir, 'bin-broken');
    await writeFakeScanner(bin, 'grype', '{}', { exitCode: 1 });
    const scanner = await selectScanner({ choice: 'grype', env: envWith(bin) });
    await expect(scanSboms({ sboms: [cdx], scanner, failOn: 'high', now })).rejects.toMatchObject({ code: 'E_SBOM_SCANNER_FAILED', message: expect.stringContaining('fake grype: scanning') });
  });

  test('trivy when asked for; a program asked for but missing, or nothing to scan with, is a user mistake', async () => {
    const bin = path.join(dir, 'bin-trivy');
    await writeFakeScanner(bin, 'trivy', await fs.readFile(path.join(TESTDATA, 'trivy', 'debian-11.cdx.trivy.json'), 'utf8'));
    const trivy = await selectScanner({ choice: 'trivy', env: envWith(bin) });
    const report = await scanSboms({ sboms: [cdx], scanner: trivy, failOn: 'critical', now });
    expect(report.findings.map((f) => f.id)).toEqual(['CVE-2022-37434', 'CVE-2023-45853']);
    expect((await fs.readFile(path.join(bin, 'trivy.args'), 'utf8')).trim().split('\n')).toEqual(['sbom', '--format', 'json', '--output', expect.stringMatching(/report\.json$/), '--quiet', cdx]);
    await expect(selectScanner({ choice: 'grype', env: envWith() })).rejects.toMatchObject({ code: 'E_SBOM_SCANNER_MISSING', message: 'grype is not installed (not on the PATH)' });
    await expect(selectScanner({ choice: 'auto', env: envWith() })).rejects.toMatchObject({ code: 'E_SBOM_SCANNER_MISSING', message: expect.stringContaining('neither grype nor trivy is on the PATH') });
    await expect(selectScanner({ choice: 'osv', env: envWith() })).rejects.toMatchObject({ code: 'E_SBOM_SCANNER_MISSING' });
  });

  test('a file that is not an SBOM is named', async () => {
    const scanner = await selectScanner({ choice: 'osv', osvDir: OSV_DIR, env: envWith() });
    const bad = path.join(dir, 'not-an-sbom.json');
    await fs.writeFile(bad, '{"hello": 1}');
    await expect(scanSboms({ sboms: [bad], scanner, failOn: 'high', now })).rejects.toMatchObject({ code: 'E_SBOM_UNREADABLE', message: expect.stringContaining(bad) });
  });
});
