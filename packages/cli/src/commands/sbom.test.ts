import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractArchive } from '@potions/archive';
import { TINY_RECIPE, TINY_UPSTREAM, startSourceMirror, tinySourceTarball, type SourceMirror } from '@potions/builder/testing';
import { validateCycloneDx } from '@potions/sbom';
import { makeFixtureArtifact, writeFakeScanner, type FixtureArtifact } from '@potions/sbom/testing';
import { runCli } from '../testing';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const OSV_DIR = path.join(ROOT, 'packages', 'sbom', 'src', 'testdata', 'osv');
const GRYPE_REPORT = path.join(ROOT, 'packages', 'sbom', 'src', 'testdata', 'grype', 'zlib-1.2.13.cdx.grype.json');

describe('potions sbom and potions scan', () => {
  let dir: string;
  let zlib: FixtureArtifact;
  let recipe: string;
  const savedPath = process.env.PATH;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-sbom-'));
    zlib = await makeFixtureArtifact(dir, { name: 'zlib', version: '1.2.13', files: { 'lib/libz.so.1.2.13': 'ELF', 'include/zlib.h': '/* zlib.h */\n' } });
    recipe = path.join(dir, 'zlib.yml');
    await fs.writeFile(
      recipe,
      'name: zlib\nlicense: Zlib\nversion:\n  source: "github-tag:madler/zlib"\nbuild_type: gnu_autotools\ndownload:\n  download_url: "https://zlib.net/zlib-{version}.tar.gz"\n  platforms:\n    linux-amd64:\nsecurity:\n  scan_vulnerabilities: true\n',
    );
  });
  afterAll(async () => {
    process.env.PATH = savedPath;
    await fs.rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  test('sbom: finds the metadata beside the artifact, writes a valid CycloneDX SBOM beside it, --json describes it', async () => {
    const res = await runCli(['sbom', zlib.artifact, '--recipe', recipe, '--system-library', 'libc.so.6', '--json']);
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.stdout);
    const file = path.join(dir, 'zlib-1.2.13-linux-amd64.cdx.json');
    expect(doc).toMatchObject({
      ok: true,
      sbom: { format: 'cyclonedx', file, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      package: { name: 'zlib', version: '1.2.13', platform: 'linux-amd64', purl: 'pkg:github/madler/zlib@1.2.13', license: 'Zlib' },
      files: 2,
      dependencies: 0,
      systemLibraries: 1,
    });
    const text = await fs.readFile(file, 'utf8');
    expect(createHash('sha256').update(text).digest('hex')).toBe(doc.sbom.sha256);
    await expect(validateCycloneDx(text)).resolves.toBeUndefined();
  });

  test('sbom --format spdx --out, with a human table on stderr', async () => {
    const out = path.join(dir, 'out', 'zlib.spdx.json');
    const res = await runCli(['sbom', zlib.artifact, '--metadata', zlib.metadataFile, '--format', 'spdx', '--out', out]);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/FORMAT\s+SBOM\s+PACKAGE/);
    expect(res.stderr).toContain('pkg:generic/zlib@1.2.13');
    expect(JSON.parse(await fs.readFile(out, 'utf8'))).toMatchObject({ spdxVersion: 'SPDX-2.3', name: 'zlib-1.2.13-linux-amd64' });
  });

  test('sbom mistakes: no metadata (exit 1, names the flag), an unknown format (exit 2)', async () => {
    const lonely = path.join(dir, 'lonely.tar.gz');
    await fs.copyFile(zlib.artifact, lonely);
    const res = await runCli(['sbom', lonely, '--json']);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: false, code: 'E_SBOM_NO_METADATA', hint: expect.stringContaining('--metadata') });
    expect((await runCli(['sbom', zlib.artifact, '--format', 'swid'])).code).toBe(2);
  });

  test('scan --osv: zlib 1.2.13 has CVE-2023-45853; exit 1 at --fail-on high with a table; SARIF written; --fail-on none exits 0', async () => {
    const sbom = path.join(dir, 'zlib-1.2.13-linux-amd64.cdx.json');
    await runCli(['sbom', zlib.artifact, '--recipe', recipe]);
    process.env.PATH = '/usr/bin:/bin';
    const sarif = path.join(dir, 'scan.sarif');
    const res = await runCli(['scan', sbom, '--osv', OSV_DIR, '--sarif', sarif]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/SEVERITY\s+ID\s+PACKAGE\s+INSTALLED\s+FIXED IN\s+SCORE\s+STATUS/);
    expect(res.stderr).toMatch(/critical\s+CVE-2023-45853\s+zlib\s+1\.2\.13\s+commit 73331a6a0481\s+9\.8 \(CVSS 3\.1\)\s+fails/);
    expect(res.stderr).toContain('FAILED: 1 finding(s) at or above high and not allowed');
    expect(res.stderr).not.toContain('CVE-2022-37434');
    const log = JSON.parse(await fs.readFile(sarif, 'utf8'));
    // The recipe lives outside the repository here, so the location is its absolute path (inside, it is relative to the root).
    expect(log.runs[0].results[0]).toMatchObject({ ruleId: 'CVE-2023-45853', locations: [{ physicalLocation: { artifactLocation: { uri: recipe } } }] });
    const none = await runCli(['scan', sbom, '--osv', OSV_DIR, '--fail-on', 'none', '--json']);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout)).toMatchObject({ ok: true, report: { passed: true, maxSeverity: 'critical', findings: [{ id: 'CVE-2023-45853', status: 'below threshold' }] } });
  });

  test('scan --allow: an active entry passes; an expired one fails and says it expired', async () => {
    const sbom = path.join(dir, 'zlib-1.2.13-linux-amd64.cdx.json');
    process.env.PATH = '/usr/bin:/bin';
    const allow = path.join(dir, 'allow.yml');
    await fs.writeFile(allow, '- id: CVE-2023-45853\n  reason: MiniZip is not built\n  expires: 2999-12-31\n');
    const ok = await runCli(['scan', sbom, '--osv', OSV_DIR, '--allow', allow, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).report.findings[0]).toMatchObject({ status: 'allowed', allow: { reason: 'MiniZip is not built', expires: '2999-12-31' } });
    await fs.writeFile(allow, '- id: CVE-2023-45853\n  reason: MiniZip is not built\n  expires: 2001-01-01\n');
    const expired = await runCli(['scan', sbom, '--osv', OSV_DIR, '--allow', allow]);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain('allow-list entry for CVE-2023-45853 expired on 2001-01-01 and no longer allows it (MiniZip is not built)');
    await fs.writeFile(allow, '- id: CVE-2023-45853\n  expires: 2001-01-01\n');
    const bad = await runCli(['scan', sbom, '--osv', OSV_DIR, '--allow', allow]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${allow}:1 [0].reason: allow-list entry 1 field "reason"`);
  });

  test('scan: a recipe with scan_vulnerabilities: false skips, and says so; nothing to scan with names the flags', async () => {
    const sbom = path.join(dir, 'zlib-1.2.13-linux-amd64.cdx.json');
    process.env.PATH = '/usr/bin:/bin';
    const off = path.join(dir, 'zlib-off.yml');
    await fs.writeFile(off, (await fs.readFile(recipe, 'utf8')).replace('scan_vulnerabilities: true', 'scan_vulnerabilities: false'));
    const skipped = await runCli(['scan', sbom, '--recipe', off]);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toContain('not scanned: the recipe turned vulnerability scanning off (security.scan_vulnerabilities: false)');
    const none = await runCli(['scan', sbom, '--json']);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout)).toMatchObject({ ok: false, code: 'E_SBOM_SCANNER_MISSING', hint: expect.stringContaining('--osv DIR') });
  });

  test('scan with a grype on the PATH (a stand-in printing a recorded report)', async () => {
    const sbom = path.join(dir, 'zlib-1.2.13-linux-amd64.cdx.json');
    const bin = path.join(dir, 'bin');
    await writeFakeScanner(bin, 'grype', await fs.readFile(GRYPE_REPORT, 'utf8'));
    process.env.PATH = `${bin}:/usr/bin:/bin`;
    const res = await runCli(['scan', sbom, '--json', '--fail-on', 'critical']);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout).report).toMatchObject({ scanner: { name: 'grype' }, findings: [{ id: 'CVE-2023-45853', scanner: 'grype', matchedBy: 'cpe-match' }] });
  });
});

describe('potions sbom on an artifact the builder made', () => {
  let dir: string;
  let mirror: SourceMirror;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-sbom-build-'));
    mirror = await startSourceMirror({ [TINY_UPSTREAM]: tinySourceTarball() });
  });
  afterAll(async () => {
    await mirror.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('both SBOMs of a built artifact list bin/hi with the digest of the installed file, and the artifact\'s own digest', async () => {
    const recipe = path.join(dir, 'pkg.yml');
    await fs.writeFile(recipe, TINY_RECIPE);
    const build = await runCli(['build', recipe, '--version', '1.0', '--source-mirror', mirror.base, '--out', path.join(dir, 'out'), '--no-cache', '--json']);
    expect(build.code).toBe(0);
    const { artifact } = JSON.parse(build.stdout) as { artifact: string };
    const cdx = JSON.parse((await runCli(['sbom', artifact, '--recipe', recipe, '--json'])).stdout);
    const spdx = JSON.parse((await runCli(['sbom', artifact, '--format', 'spdx', '--json'])).stdout);
    expect(cdx).toMatchObject({ ok: true, package: { name: 'pkg', version: '1.0', purl: 'pkg:generic/pkg@1.0' }, files: 1 });
    await extractArchive(artifact, path.join(dir, 'installed'));
    const digest = createHash('sha256').update(await fs.readFile(path.join(dir, 'installed', 'bin', 'hi'))).digest('hex');
    const bom = JSON.parse(await fs.readFile(cdx.sbom.file, 'utf8'));
    expect(bom.components.find((c: { name: string }) => c.name === 'bin/hi').hashes).toContainEqual({ alg: 'SHA-256', content: digest });
    expect(bom.metadata.component.externalReferences).toContainEqual(expect.objectContaining({ type: 'source-distribution', url: TINY_UPSTREAM }));
    const spdxDoc = JSON.parse(await fs.readFile(spdx.sbom.file, 'utf8'));
    expect(spdxDoc.files.find((f: { fileName: string }) => f.fileName === './bin/hi').checksums).toContainEqual({ algorithm: 'SHA256', checksumValue: digest });
    expect(spdxDoc.packages[0]).toMatchObject({ name: 'pkg', versionInfo: '1.0', checksums: [{ algorithm: 'SHA256', checksumValue: createHash('sha256').update(await fs.readFile(artifact)).digest('hex') }] });
  });
});
