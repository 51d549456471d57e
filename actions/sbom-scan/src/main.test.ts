import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAction } from '@potions/action-common';
import { restoreEnv, runActionStep, saveEnv } from '@potions/action-common/testing';
import { makeFixtureArtifact, writeFakeScanner, type FixtureArtifact } from '@potions/sbom/testing';
import { main } from './main';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TESTDATA = path.join(ROOT, 'packages', 'sbom', 'src', 'testdata');

describe('sbom-scan action', () => {
  const saved = saveEnv();
  let dir: string;
  let zlib: FixtureArtifact;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-action-sbom-'));
    zlib = await makeFixtureArtifact(dir, { name: 'zlib', version: '1.2.13', files: { 'lib/libz.so.1.2.13': 'ELF', 'include/zlib.h': '/* zlib.h */\n' } });
    await fs.mkdir(path.join(dir, 'recipes'));
    await fs.writeFile(
      path.join(dir, 'recipes', 'zlib.yml'),
      'name: zlib\nlicense: Zlib\nversion:\n  source: "github-tag:madler/zlib"\nbuild_type: gnu_autotools\ndownload:\n  download_url: "https://zlib.net/zlib-{version}.tar.gz"\n  platforms:\n    linux-amd64:\nsecurity:\n  scan_vulnerabilities: true\n',
    );
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
  afterEach(() => restoreEnv(saved));

  /** Run main() as the runner would, with a PATH that holds no grype or trivy unless `bin` is given. */
  const runStep = (inputs: Record<string, string>, bin?: string) =>
    runActionStep(() => runAction(main), { dir, inputs, env: { PATH: [bin, '/usr/bin', '/bin'].filter(Boolean).join(':') } });

  test('both SBOMs beside the artifact; the OSV scan finds CVE-2023-45853 and fails the step at high; SARIF and summary written', async () => {
    const r = await runStep({ artifact: path.basename(zlib.artifact), recipe: 'recipes/zlib.yml', format: 'both', 'osv-dir': path.join(TESTDATA, 'osv'), 'system-libraries': 'libc.so.6, libm.so.6' });
    expect(r.exitCode).toBe(1);
    const sboms = r.outputs.sbom!.split('\n');
    expect(sboms).toEqual([path.join(dir, 'zlib-1.2.13-linux-amd64.cdx.json'), path.join(dir, 'zlib-1.2.13-linux-amd64.spdx.json')]);
    const bom = JSON.parse(await fs.readFile(sboms[0]!, 'utf8'));
    expect(bom.metadata.component).toMatchObject({ purl: 'pkg:github/madler/zlib@1.2.13', licenses: [{ license: { id: 'Zlib' } }] });
    expect(bom.components.filter((c: { properties?: { value: string }[] }) => c.properties?.some((p) => p.value === 'system')).map((c: { name: string }) => c.name)).toEqual(['libc.so.6', 'libm.so.6']);
    expect(r.outputs).toMatchObject({ findings: '1', 'max-severity': 'critical' });
    const sarif = JSON.parse(await fs.readFile(r.outputs.sarif!, 'utf8'));
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: 'CVE-2023-45853', locations: [{ physicalLocation: { artifactLocation: { uri: 'recipes/zlib.yml' } } }] });
    expect(r.summary).toContain('CVE-2023-45853');
    expect(r.summary).toContain('FAILED: 1 finding(s) at or above high and not allowed');
    expect(r.stdout).toMatch(/::error title=sbom-scan%3A vulnerabilities above the threshold::1 vulnerabilit\(ies\) at or above high and not allowed: CVE-2023-45853 in zlib 1\.2\.13 \(critical\)/);
  });

  test('an allow-list entry lets it pass; an expired one warns and fails', async () => {
    await fs.writeFile(path.join(dir, 'allow.yml'), '- id: CVE-2023-45853\n  reason: MiniZip is not built\n  expires: 2999-01-01\n');
    const ok = await runStep({ artifact: zlib.artifact, 'osv-dir': path.join(TESTDATA, 'osv'), 'allow-list': 'allow.yml' });
    expect(ok.exitCode).toBeUndefined();
    expect(ok.outputs).toMatchObject({ findings: '1', 'max-severity': 'none' });
    expect(ok.summary).toContain('allowed until 2999-01-01: MiniZip is not built');
    await fs.writeFile(path.join(dir, 'allow.yml'), '- id: CVE-2023-45853\n  reason: MiniZip is not built\n  expires: 2001-01-01\n');
    const expired = await runStep({ artifact: zlib.artifact, 'osv-dir': path.join(TESTDATA, 'osv'), 'allow-list': 'allow.yml' });
    expect(expired.exitCode).toBe(1);
    expect(expired.stdout).toContain('::warning title=sbom-scan%3A allow-list entry expired::the allow-list entry for CVE-2023-45853 expired on 2001-01-01');
  });

  test('a recipe with scan_vulnerabilities: false: SBOMs are written, the scan is skipped and the summary says why', async () => {
    await fs.writeFile(path.join(dir, 'recipes', 'off.yml'), (await fs.readFile(path.join(dir, 'recipes', 'zlib.yml'), 'utf8')).replace('scan_vulnerabilities: true', 'scan_vulnerabilities: false'));
    const r = await runStep({ artifact: zlib.artifact, recipe: 'recipes/off.yml' });
    expect(r.exitCode).toBeUndefined();
    expect(r.outputs).toMatchObject({ findings: '0', 'max-severity': 'none' });
    expect(r.summary).toContain('not scanned: the recipe turned vulnerability scanning off (security.scan_vulnerabilities: false) (recipes/off.yml)');
  });

  test('scanner auto uses a grype on the PATH; fail-on none reports without failing', async () => {
    const bin = path.join(dir, 'bin');
    await writeFakeScanner(bin, 'grype', await fs.readFile(path.join(TESTDATA, 'grype', 'zlib-1.2.13.cdx.grype.json'), 'utf8'));
    const r = await runStep({ artifact: zlib.artifact, 'fail-on': 'none' }, bin);
    expect(r.exitCode).toBeUndefined();
    expect(r.outputs).toMatchObject({ findings: '1', 'max-severity': 'critical' });
    expect(r.summary).toContain('by grype 0.116.0');
  });

  test('wrong inputs are one clear annotation', async () => {
    const bad = await runStep({ artifact: zlib.artifact, 'fail-on': 'severe' });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain('the input "fail-on" must be one of critical, high, medium, low, none, got "severe"');
    const none = await runStep({ artifact: zlib.artifact });
    expect(none.exitCode).toBe(1);
    expect(none.stdout).toContain('no vulnerability scanner: neither grype nor trivy is on the PATH');
  });
});
