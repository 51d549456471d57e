import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostPlatform } from '@potions/core';
import { probeSandbox } from '@potions/builder';
import {
  TINY_UPSTREAM,
  artifactBytes,
  leakedSecrets,
  plantSecrets,
  runWithSecretParent,
  secretProbeRecipe,
  startSourceMirror,
  tinySourceTarball,
  type PlantedSecrets,
  type SourceMirror,
} from '@potions/builder/testing';
import { spawnExec } from '@potions/core';
import { runCli } from '../testing';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const SHARED = path.resolve(ROOT, '../shared');
const host = hostPlatform();
const describeLinux = host?.startsWith('linux') ? describe : describe.skip;

const cli = runCli;

describeLinux('potions build', () => {
  let dir: string;
  let mirror: SourceMirror;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-build-'));
    mirror = await startSourceMirror({ 'http://mama.indstate.edu/users/ice/tree/src/tree-2.1.0.tgz': path.join(SHARED, 'upstream', 'tree-2.1.0.tgz') });
  });
  afterAll(async () => {
    await mirror.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('builds a recipe by name from --recipes through a source mirror; --json prints the result; the second run is cached', async () => {
    const args = ['build', 'tree', '--recipes', path.join(SHARED, 'potions-recipes'), '--version', '2.1.0', '--source-mirror', mirror.base, '--out', path.join(dir, 'out'), '--cache-dir', path.join(dir, 'cache'), '--json'];
    const first = await cli(args);
    expect(first.code).toBe(0);
    const doc = JSON.parse(first.stdout);
    expect(doc).toEqual({
      ok: true,
      artifact: path.join(dir, 'out', `tree-2.1.0-${host}.tar.gz`),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      metadata: path.join(dir, 'out', `tree-2.1.0-${host}.tar.gz.json`),
      status: 'built',
      cached: false,
      buildEnvironment: expect.objectContaining({ mode: expect.stringMatching(/^(sandbox|host)$/) }),
    });
    await expect(fs.stat(doc.artifact)).resolves.toBeTruthy();
    const again = JSON.parse((await cli(args)).stdout);
    expect(again).toMatchObject({ ok: true, cached: true, sha256: doc.sha256 });
  });

  test('a failed build with --json prints ok: false, the step, and exits 1', async () => {
    const recipe = path.join(dir, 'broken.yml');
    await fs.writeFile(
      recipe,
      'name: broken\nversion:\n  source: "static:1.0"\nbuild_type: make\ndownload:\n  download_url: "http://127.0.0.1:1/broken-{version}.tar.gz"\n  platforms:\n    linux-amd64:\n    linux-arm64:\n',
    );
    const res = await cli(['build', recipe, '--version', '1.0', '--out', path.join(dir, 'out2'), '--no-cache', '--json']);
    expect(res.code).toBe(1);
    const doc = JSON.parse(res.stdout);
    expect(doc).toMatchObject({ ok: false, status: 'failed', step: 'download', artifact: null, code: 'E_BUILD_FAILED' });
    // The hint names what a build can change, not `potions download` options.
    expect(doc.hint).toContain('--source-mirror');
    expect(`${res.stdout}${res.stderr}`).not.toContain('--deadline');
    expect(res.stderr).toContain('broken: download failed');
  });

  test('with --json, a mistake before the build is one { ok: false, code } document (printed once)', async () => {
    const res = await cli(['build', 'no-such-recipe', '--recipes', path.join(dir, 'nowhere'), '--json']);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: false, code: 'E_BUILD_UNKNOWN_RECIPE', error: expect.stringContaining('no-such-recipe'), hint: expect.stringContaining('--recipes DIR') });
  });

  test('an --out that is a file: E_BUILD_OUT_DIR naming the path and --out, exit 1, no stack trace', async () => {
    const file = path.join(dir, 'a.bin');
    await fs.writeFile(file, 'x');
    const args = ['build', path.join(SHARED, 'potions-recipes', 'tree.yml'), '--version', '2.1.0', '--out', file, '--no-cache'];
    const res = await cli(args);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`cannot use ${file} as the output folder: it is a file, not a folder`);
    expect(res.stderr).toContain('hint: give a folder you can write to with --out');
    expect(res.stderr).not.toMatch(/internal error|\n\s+at /);
    const json = await cli([...args, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, code: 'E_BUILD_OUT_DIR' });
    const cache = await cli(['build', path.join(SHARED, 'potions-recipes', 'tree.yml'), '--version', '2.1.0', '--out', path.join(dir, 'out-c'), '--cache-dir', file]);
    expect(cache.code).toBe(1);
    expect(cache.stderr).toContain(`cannot use ${file} as the build cache folder`);
  });

  test('--dependency-version is checked: a valid version, of a dependency the recipe builds', async () => {
    const tree = path.join(SHARED, 'potions-recipes', 'tree.yml');
    const bad = await cli(['build', tree, '--version', '2.1.0', '--no-cache', '--dependency-version', 'a=$(x)']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('the version "$(x)" given for the dependency a is not a valid version');
    const unknown = await cli(['build', tree, '--version', '2.1.0', '--no-cache', '--dependency-version', 'zlib=1.2.13']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('zlib is not a dependency of tree; it has no dependency built from a recipe');
  });

  test("a source mirror's credentials appear nowhere: not in the output, not in the metadata", async () => {
    const secret = mirror.base.replace('http://', 'http://ci:TOPSECRET@');
    const res = await cli(['build', path.join(SHARED, 'potions-recipes', 'tree.yml'), '--version', '2.1.0', '--source-mirror', secret, '--out', path.join(dir, 'out-secret'), '--no-cache', '--json']);
    expect(res.code).toBe(0);
    expect(`${res.stdout}${res.stderr}`).not.toContain('TOPSECRET');
    const meta = await fs.readFile(JSON.parse(res.stdout).metadata, 'utf8');
    expect(meta).not.toContain('TOPSECRET');
    expect(JSON.parse(meta).source).toMatchObject({
      url: 'http://mama.indstate.edu/users/ice/tree/src/tree-2.1.0.tgz',
      mirror: `${mirror.base.replace('http://', 'http://***:***@')}/mama.indstate.edu/users/ice/tree/src/tree-2.1.0.tgz`,
    });
  });

  test('mistakes get a clear message and exit 1, no stack trace', async () => {
    const unknown = await cli(['build', 'no-such-recipe', '--recipes', path.join(dir, 'nowhere')]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no recipe named "no-such-recipe"');
    const other = host === 'linux-amd64' ? 'linux-arm64' : 'linux-amd64';
    const cross = await cli(['build', path.join(SHARED, 'potions-recipes', 'tree.yml'), '--version', '2.1.0', '--platform', other, '--no-cache']);
    expect(cross.code).toBe(1);
    expect(cross.stderr).toContain(`cannot build tree from source for ${other}`);
    const platform = await cli(['build', 'tree', '--platform', 'windows-x86']);
    expect(platform.code).toBe(1);
    expect(platform.stderr).toMatch(/unknown platform "windows-x86"/);
    // A wrong command line exits 2.
    const jobs = await cli(['build', 'tree', '--jobs', '0']);
    expect(jobs.code).toBe(2);
    expect(jobs.stderr).toContain('--jobs must be a whole number of at least 1, got "0"');
    // make hung with -j100000: the range is given before anything runs.
    const many = await cli(['build', 'tree', '--jobs', '100000', '--json']);
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('--jobs must be from 1 to 1024, got "100000"');
    expect(JSON.parse(many.stdout)).toMatchObject({ ok: false, code: 'E_USAGE' });
    const sandbox = await cli(['build', 'tree', '--sandbox', 'sometimes']);
    expect(sandbox.code).toBe(2);
    expect(sandbox.stderr).toMatch(/--sandbox.*sometimes.*required, auto, off/s);
    expect(`${unknown.stderr}${cross.stderr}${platform.stderr}${jobs.stderr}${many.stderr}`).not.toMatch(/\n\s+at /);
  });

  test('--image that is not there: E_BUILD_CONTAINER_IMAGE before anything is downloaded, the hint naming --image and build-image.sh', async () => {
    const before = mirror.requests.length;
    const res = await cli(['build', path.join(SHARED, 'potions-recipes', 'tree.yml'), '--version', '2.1.0', '--source-mirror', mirror.base, '--out', path.join(dir, 'out-img'), '--no-cache', '--image', 'localhost/potions-no-such-image:1', '--json']);
    expect(res.code).toBe(1);
    expect(mirror.requests.length).toBe(before);
    const doc = JSON.parse(res.stdout);
    if (doc.code === 'E_BUILD_CONTAINER_ENGINE') return; // no podman or docker on this machine: the other refusal
    expect(doc).toMatchObject({ ok: false, code: 'E_BUILD_CONTAINER_IMAGE', hint: expect.stringContaining('--image NAME') });
    expect(doc.hint).toContain('build-env/build-image.sh');
  });

  test('an --out path with a newline is refused before the build, the path shown quoted (it would start a new line in files that name it)', async () => {
    const out = path.join(dir, 'out\nProvides: evil');
    const res = await cli(['build', path.join(SHARED, 'potions-recipes', 'tree.yml'), '--version', '2.1.0', '--source-mirror', mirror.base, '--out', out, '--no-cache', '--json']);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ ok: false, code: 'E_BUILD_OUT_DIR', error: expect.stringContaining('the path holds a newline') });
    await expect(fs.access(out)).rejects.toThrow();
  });
});

/**
 * The build sandbox, from the outside: `potions build` spawned as a real
 * process under a parent, both holding secrets in their environment, the
 * source mirror's token on the command line, credentials in the home folder
 * and a manifest key in the work folder's .potions; the recipe's build
 * hunts for them in /proc, the files and its environment. With the sandbox,
 * nothing of them reaches the artifact, the metadata, the build log or the
 * output; without it (the control), the same build finds them.
 */
const sandboxWorks = host?.startsWith('linux') ? (await probeSandbox({ exec: spawnExec, env: process.env, platformOs: 'linux' })).ok : false;
(sandboxWorks ? describe : describe.skip)('potions build: build steps cannot reach secrets', () => {
  let dir: string;
  let mirror: SourceMirror;
  let planted: PlantedSecrets;
  let recipe: string;
  const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const bin = path.join(ROOT, 'packages', 'cli', 'src', 'bin.ts');

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-secrets-'));
    mirror = await startSourceMirror({ [TINY_UPSTREAM]: tinySourceTarball() });
    planted = await plantSecrets(dir, mirror.base);
    recipe = path.join(planted.workDir, 'recipes', 'probe.yml');
    await fs.mkdir(path.dirname(recipe), { recursive: true });
    await fs.writeFile(recipe, secretProbeRecipe(planted));
  });
  afterAll(async () => {
    await mirror.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** `potions build` of the probe through a parent holding secrets; what it wrote and printed. */
  async function probeBuild(name: string, sandbox: 'required' | 'off'): Promise<{ run: Awaited<ReturnType<typeof runWithSecretParent>>; texts: (string | Buffer)[]; found: string }> {
    const out = path.join(dir, `out-${name}`);
    const tmp = path.join(dir, `tmp-${name}`);
    await fs.mkdir(tmp);
    const run = await runWithSecretParent(
      [process.execPath, tsx, bin, 'build', recipe, '--version', '1.0', '--source-mirror', planted.sourceMirror, '--out', out, '--no-cache', '--keep-work-dir', '--sandbox', sandbox, '--json'],
      { cwd: planted.workDir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: tmp }, secrets: planted },
    );
    const logs = await Promise.all((await fs.readdir(tmp)).filter((n) => n.startsWith('potions-build-')).map((n) => fs.readFile(path.join(tmp, n, 'build.log'))));
    expect(logs).toHaveLength(1);
    const bytes = await artifactBytes(out);
    const found = bytes.map((b) => b.toString('latin1')).find((t) => t.includes('== env')) ?? '';
    return { run, texts: [run.stdout, run.stderr, ...logs, ...bytes], found };
  }

  test('in the sandbox: the build looked everywhere and found none of them', async () => {
    const { run, texts, found } = await probeBuild('sandbox', 'required');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, buildEnvironment: { mode: 'sandbox', network: false } });
    // The probe ran: it read the processes it could see (only its own) and its environment.
    expect(found).toContain('== /proc/1/cmdline');
    expect(found).toContain('NAME=probe');
    expect(leakedSecrets(planted, texts)).toEqual([]);
    // No file of the home folder or of .potions was there to read.
    expect(found).not.toContain(`== ${planted.home}/`);
    expect(found).not.toContain(`== ${planted.workDir}/.potions/`);
  }, 120_000);

  test('the control: the same build on the host finds the secrets (so the test above can fail)', async () => {
    const { run, texts, found } = await probeBuild('host', 'off');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, buildEnvironment: { mode: 'host', reason: 'the build sandbox is off' } });
    expect(run.stderr).toContain('the build sandbox is off: build steps run on this machine without isolation');
    expect(leakedSecrets(planted, texts)).toEqual(expect.arrayContaining(planted.values));
    expect(found).toContain(`== ${planted.home}/.aws/credentials`);
  }, 120_000);
});
