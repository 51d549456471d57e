import { execFileSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostPlatform } from '@potions/core';
import { startSourceMirror, type SourceMirror } from '@potions/builder/testing';
import { REAL_BINARIES, packTestArtifact, realBinary } from '@potions/inspect/testing';
import { runCli } from '../testing';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const SHARED = path.resolve(ROOT, '../shared');
const UPSTREAM = path.join(SHARED, 'upstream');
const host = hostPlatform();
const describeLinuxAmd64 = host === 'linux-amd64' ? describe : describe.skip;

describeLinuxAmd64('potions smoke-test', () => {
  let dir: string;
  let esbuild: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-smoke-'));
    esbuild = await packTestArtifact(path.join(dir, 'esbuild-0.28.2-linux-amd64.tar.gz'), { 'bin/esbuild': { from: await realBinary(REAL_BINARIES.esbuildLinuxX64) } });
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('prints a table per file and the commands, exit 0; --json prints the report', async () => {
    const res = await runCli(['smoke-test', esbuild, '--platform', 'linux-amd64']);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/^bin\/esbuild\s+executable\s+ELF 64-bit LSB x86_64 executable, statically linked\s+ok$/m);
    expect(res.stderr).toMatch(/^bin\/esbuild --version\s+0\s+ok\s+0\.28\.2$/m);
    expect(res.stderr).toContain('smoke test passed: esbuild-0.28.2-linux-amd64.tar.gz for linux-amd64: 0 error(s), 0 warning(s); 1 of 1 command(s) passed');
    const json = await runCli(['smoke-test', esbuild, '--platform', 'linux-amd64', '--json']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, ok: true, name: 'esbuild', version: '0.28.2', platform: 'linux-amd64', run: { ran: true } });
  });

  test('claimed for another platform: exit 1, the file named with what it is', async () => {
    const res = await runCli(['smoke-test', esbuild, '--platform', 'darwin-arm64', '--version', '0.28.2']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('error: bin/esbuild is ELF 64-bit LSB x86_64 executable, statically linked, not darwin-arm64 code (arm64 Mach-O)');
    expect(res.stderr).toContain('commands NOT RUN: darwin-arm64 programs cannot run on this linux-amd64 machine');
    expect(res.stderr).toMatch(/smoke test FAILED: .*commands NOT RUN \(see above\)$/m);
    const json = await runCli(['smoke-test', esbuild, '--platform', 'darwin-arm64', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, run: { ran: false } });
  });

  test('--require-run fails when the commands cannot run here', async () => {
    const arm = await packTestArtifact(path.join(dir, 'esbuild-0.28.2-darwin-arm64.tar.gz'), { 'bin/esbuild': { from: await realBinary(REAL_BINARIES.esbuildDarwinArm64) } });
    expect((await runCli(['smoke-test', arm, '--platform', 'darwin-arm64'])).code).toBe(0);
    const strict = await runCli(['smoke-test', arm, '--platform', 'darwin-arm64', '--require-run']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('error: darwin-arm64 programs cannot run on this linux-amd64 machine: the commands were not run');
  });

  test('mistakes: a missing artifact (exit 1, no stack trace), a malformed --dependency (exit 2), an unknown platform', async () => {
    const missing = await runCli(['smoke-test', path.join(dir, 'nope.tar.gz'), '--platform', 'linux-amd64', '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ ok: false, code: 'E_INSPECT_ARTIFACT', error: `cannot smoke-test ${path.join(dir, 'nope.tar.gz')}: there is no such file` });
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const dep = await runCli(['smoke-test', esbuild, '--platform', 'linux-amd64', '--dependency', 'zlib']);
    expect(dep.code).toBe(2);
    expect(dep.stderr).toContain('--dependency "zlib": expected NAME=ARTIFACT');
    const plat = await runCli(['smoke-test', esbuild, '--platform', 'linux-x86']);
    expect(plat.code).toBe(1);
    expect(plat.stderr).toContain('unknown platform "linux-x86" in --platform');
  });
});

/**
 * Artifacts that `build-recipe` makes from real upstream releases.
 *
 * GATED until the builder stops needing patchelf (not installed here on purpose;
 * branch h/builder removes that need with @potions/inspect's setElfRunpath).
 * While packages/builder/src/runpath.ts still throws E_PATCHELF_MISSING and
 * patchelf is missing, every ELF build fails and this block is skipped; once
 * that lands, the gate opens by itself and these tests run.
 */
function builderNeedsMissingPatchelf(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v patchelf'], { stdio: 'pipe' });
    return false;
  } catch {
    // not installed
  }
  try {
    return readFileSync(path.join(ROOT, 'packages/builder/src/runpath.ts'), 'utf8').includes('E_PATCHELF_MISSING');
  } catch {
    return false;
  }
}
const describeBuilt = host === 'linux-amd64' && !builderNeedsMissingPatchelf() ? describe : describe.skip;

describeBuilt('potions smoke-test on artifacts the builder makes (zlib, m4, hello)', () => {
  let dir: string;
  let mirror: SourceMirror;
  const artifacts: Record<string, { file: string; recipe: string; version: string }> = {};

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-smoke-built-'));
    mirror = await startSourceMirror({
      'https://zlib.net/zlib-1.2.13.tar.gz': path.join(UPSTREAM, 'zlib-1.2.13.tar.gz'),
      'https://ftp.gnu.org/gnu/m4/m4-1.4.19.tar.xz': path.join(UPSTREAM, 'm4-1.4.19.tar.xz'),
      'https://ftp.gnu.org/gnu/m4/m4-1.4.19.tar.xz.sig': path.join(UPSTREAM, 'm4-1.4.19.tar.xz.sig'),
      'https://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz': path.join(UPSTREAM, 'hello-2.10.tar.gz'),
      'https://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz.sig': path.join(UPSTREAM, 'hello-2.10.tar.gz.sig'),
      'https://ftp.gnu.org/gnu/gnu-keyring.gpg': Buffer.concat([
        readFileSync(path.join(UPSTREAM, 'hello-signing-key.asc')),
        readFileSync(path.join(UPSTREAM, 'm4-signing-key.asc')),
      ]),
    });
    const recipes = {
      zlib: { recipe: path.join(SHARED, 'potions-recipes', 'zlib.yml'), version: '1.2.13' },
      m4: { recipe: path.join(ROOT, 'packages/builder/src/testdata/m4.yml'), version: '1.4.19' },
      hello: { recipe: path.join(ROOT, 'recipes/hello.yml'), version: '2.10' },
    };
    for (const [name, r] of Object.entries(recipes)) {
      const res = await runCli(['build', r.recipe, '--version', r.version, '--source-mirror', mirror.base, '--out', path.join(dir, 'out'), '--no-cache', '--json']);
      const doc = JSON.parse(res.stdout);
      if (!doc.ok) throw new Error(`building ${name} failed: ${res.stdout}\n${res.stderr.slice(-3000)}`);
      artifacts[name] = { file: doc.artifact, ...r };
    }
  }, 30 * 60_000);

  afterAll(async () => {
    await mirror?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const smoke = async (name: string, platform: string): Promise<{ code: number; doc: Record<string, any> }> /* eslint-disable-line @typescript-eslint/no-explicit-any -- the JSON report, read field by field */ => {
    const a = artifacts[name]!;
    const res = await runCli(['smoke-test', a.file, '--platform', platform, '--recipe', a.recipe, '--version', a.version, '--json']);
    return { code: res.code, doc: JSON.parse(res.stdout) };
  };

  test.each(['zlib', 'm4', 'hello'])('%s passes for linux-amd64', async (name) => {
    const { code, doc } = await smoke(name, 'linux-amd64');
    expect(doc.problems.filter((p: { severity: string }) => p.severity === 'error')).toEqual([]);
    expect(code).toBe(0);
    expect(doc.ok).toBe(true);
    const code_ = doc.files.filter((f: { matches?: boolean }) => f.matches !== undefined);
    expect(code_.length).toBeGreaterThan(0);
    expect(code_.every((f: { matches: boolean }) => f.matches)).toBe(true);
  });

  test('zlib: the library links only glibc; nothing to run, and the report says so', async () => {
    const { doc } = await smoke('zlib', 'linux-amd64');
    const lib = doc.files.find((f: { path: string }) => f.path === 'lib/libz.so.1.2.13');
    expect(lib).toMatchObject({ kind: 'library', matches: true });
    expect(lib.dependencies).toContainEqual({ kind: 'needed', name: 'libc.so.6', resolution: 'system', path: 'libc.so.6', group: 'glibc' });
    expect(doc.run).toMatchObject({ ran: false, reason: expect.stringContaining('no main program bin/zlib') });
  });

  test('hello and m4 run from the extracted folder: the recipe commands, and the default --version check', async () => {
    const hello = (await smoke('hello', 'linux-amd64')).doc;
    expect(hello.run.commands.map((c: { argv: string[]; ok: boolean }) => [c.argv.join(' '), c.ok])).toEqual([
      ['hello --version', true],
      ['hello', true],
    ]);
    const m4 = (await smoke('m4', 'linux-amd64')).doc;
    expect(m4.run.commands).toEqual([expect.objectContaining({ argv: ['bin/m4', '--version'], default: true, ok: true, output: expect.stringMatching(/^m4 \(GNU M4\) 1\.4\.19/) })]);
  });

  test.each([
    ['zlib', 'linux-arm64', /^lib\/libz\.so\.1\.2\.13 is ELF 64-bit LSB x86_64 shared library, not linux-arm64 code \(aarch64 ELF\)$/],
    ['m4', 'darwin-arm64', /^bin\/m4 is ELF 64-bit LSB x86_64 PIE executable, not darwin-arm64 code \(arm64 Mach-O\)$/],
    ['hello', 'darwin-x86_64', /^bin\/hello is ELF 64-bit LSB x86_64 PIE executable, not darwin-x86_64 code \(x86_64 Mach-O\)$/],
    ['hello', 'linux-arm64', /^bin\/hello is ELF 64-bit LSB x86_64 PIE executable, not linux-arm64 code \(aarch64 ELF\)$/],
  ])('%s claimed as %s fails, naming the file and what it is', async (name, platform, message) => {
    const { code, doc } = await smoke(name, platform);
    expect(code).toBe(1);
    expect(doc.ok).toBe(false);
    expect(doc.problems.map((p: { message: string }) => p.message)).toContainEqual(expect.stringMatching(message));
  });
});
