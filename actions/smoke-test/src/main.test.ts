import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { restoreEnv, runActionStep, saveEnv } from '@potions/action-common/testing';
import { hostPlatform } from '@potions/core';
import { REAL_BINARIES, packTestArtifact, realBinary } from '@potions/inspect/testing';
import { main } from './main';

const describeLinuxAmd64 = hostPlatform() === 'linux-amd64' ? describe : describe.skip;

describeLinuxAmd64('smoke-test action', () => {
  let dir: string;
  const saved = saveEnv();

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-action-smoke-'));
    await packTestArtifact(path.join(dir, 'artifacts', 'esbuild-0.28.2-linux-amd64.tar.gz'), { 'bin/esbuild': { from: await realBinary(REAL_BINARIES.esbuildLinuxX64) } });
    await packTestArtifact(path.join(dir, 'artifacts', 'esbuild-0.28.2-darwin-arm64.tar.gz'), { 'bin/esbuild': { from: await realBinary(REAL_BINARIES.esbuildDarwinArm64) } });
    await fs.mkdir(path.join(dir, 'recipes'));
    await fs.writeFile(
      path.join(dir, 'recipes', 'esbuild.yml'),
      [
        'name: esbuild',
        'version:',
        '  source: "static:0.28.2"',
        'build_type: custom',
        'download:',
        '  official_binary: true',
        '  download_url: "https://registry.npmjs.org/@esbuild/{os}-{arch}/-/{os}-{arch}-{version}.tgz"',
        '  platforms:',
        '    linux-amd64:',
        '      os: linux',
        '      arch: x64',
        'smoke_test:',
        '  - command: ["esbuild", "--version"]',
        "    expect: '^0\\.28\\.2$'",
        '  - command: "esbuild --help"',
        '    exit_code: 0',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
  afterEach(() => restoreEnv(saved));

  const runStep = (inputs: Record<string, string>) => runActionStep(main, { dir, inputs });

  it("passes with the recipe's commands: outputs, the JSON report and a summary of files and commands", async () => {
    const r = await runStep({ artifact: 'artifacts/esbuild-0.28.2-linux-amd64.tar.gz', platform: 'linux-amd64', recipe: 'esbuild' });
    expect(r.exitCode).toBeUndefined();
    expect(r.outputs).toMatchObject({ ok: 'true', ran: 'true', report: expect.stringMatching(/potions-smoke-test-report\.json$/) });
    const report = JSON.parse(await fs.readFile(r.outputs.report!, 'utf8'));
    expect(report).toMatchObject({ ok: true, name: 'esbuild', version: '0.28.2', platform: 'linux-amd64' });
    expect(report.run.commands.map((c: { argv: string[]; ok: boolean }) => [c.argv.join(' '), c.ok])).toEqual([
      ['esbuild --version', true],
      ['esbuild --help', true],
    ]);
    expect(r.summary).toContain('Potions smoke-test: esbuild 0.28.2 for linux-amd64');
    expect(r.summary).toContain('<td>bin/esbuild</td>');
    expect(r.summary).toContain('<td>esbuild --version</td>');
    expect(r.summary).toContain('**Passed**');
  });

  it('fails the step, naming the file, when the artifact is claimed for another platform', async () => {
    const r = await runStep({ artifact: 'artifacts/esbuild-0.28.2-linux-amd64.tar.gz', platform: 'linux-arm64', 'report-file': 'out/report.json' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs.ok).toBe('false');
    expect(r.outputs.report).toBe(path.join(dir, 'out', 'report.json'));
    expect(r.stdout).toContain('::error title=smoke-test::bin/esbuild is ELF 64-bit LSB x86_64 executable, statically linked, not linux-arm64 code (aarch64 ELF)');
    expect(r.stdout).toMatch(/::error::smoke test failed for linux-arm64: bin\/esbuild is ELF 64-bit LSB x86_64 executable/);
    expect(r.summary).toContain('**Failed**');
  });

  it('a platform the runner cannot run: ran is false and the summary says so; require-run makes that a failure', async () => {
    const r = await runStep({ artifact: 'artifacts/esbuild-0.28.2-darwin-arm64.tar.gz', platform: 'darwin-arm64' });
    expect(r.exitCode).toBeUndefined();
    expect(r.outputs).toMatchObject({ ok: 'true', ran: 'false' });
    expect(r.summary).toContain('commands NOT RUN: darwin-arm64 programs cannot run on this linux-amd64 machine');
    expect(r.stdout).toContain('::warning title=smoke-test::darwin-arm64 programs cannot run');
    const strict = await runStep({ artifact: 'artifacts/esbuild-0.28.2-darwin-arm64.tar.gz', platform: 'darwin-arm64', 'require-run': 'true' });
    expect(strict.exitCode).toBe(1);
    expect(strict.outputs).toMatchObject({ ok: 'false', ran: 'false' });
  });

  it('rejects a malformed dependencies input and an unknown platform before doing anything', async () => {
    await expect(runStep({ artifact: 'a.tar.gz', platform: 'linux-amd64', dependencies: 'zlib' })).rejects.toMatchObject({ code: 'E_INPUT' });
    await expect(runStep({ artifact: 'a.tar.gz', platform: 'windows' })).rejects.toMatchObject({ code: 'E_CORE_PLATFORM' });
  });
});
