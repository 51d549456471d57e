import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAction } from '@potions/action-common';
import { restoreEnv, runActionStep, saveEnv } from '@potions/action-common/testing';
import { fileURLToPath } from 'node:url';
import { hostPlatform, spawnExec } from '@potions/core';
import { probeSandbox } from '@potions/builder';
import {
  TINY_RECIPE,
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
import { main } from './main';
import { readInputs } from './inputs';

const UPSTREAM = TINY_UPSTREAM;
const RECIPE = TINY_RECIPE;

const describeHost = hostPlatform() ? describe : describe.skip;

describeHost('build-recipe action', () => {
  let dir: string;
  let mirror: SourceMirror;
  let tarball: Buffer;
  const saved = saveEnv();

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-action-build-'));
    await fs.mkdir(path.join(dir, 'recipes'), { recursive: true });
    await fs.writeFile(path.join(dir, 'recipes', 'pkg.yml'), RECIPE);
    tarball = tinySourceTarball();
    mirror = await startSourceMirror({ [UPSTREAM]: tarball });
  });
  afterAll(async () => {
    await mirror.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  afterEach(() => restoreEnv(saved));

  /** Run main() as the runner would, with these inputs; temporary files go to the step's folder. */
  const runStep = (inputs: Record<string, string>) => runActionStep(main, { dir, inputs, env: (step) => ({ TMPDIR: step }) });

  const secretBase = (): string => mirror.base.replace('http://', 'http://ci:TOPSECRET@');

  test('resolve-only: name and the latest version, nothing built', async () => {
    const res = await runStep({ recipe: 'pkg', 'resolve-only': 'true', 'output-dir': 'out-plan' });
    expect(res.exitCode).toBeUndefined();
    expect(res.outputs).toEqual({ name: 'pkg', version: '1.0' });
    await expect(fs.access(path.join(dir, 'out-plan'))).rejects.toThrow();
  });

  test('builds through a credentialed source mirror: outputs set, the credential masked and kept out of the metadata', async () => {
    const res = await runStep({ recipe: 'pkg', 'source-mirrors': secretBase(), cache: 'false', 'output-dir': 'out' });
    expect(res.exitCode).toBeUndefined();
    expect(res.outputs).toMatchObject({ status: 'built', version: '1.0', artifact: path.join(dir, 'out', `pkg-1.0-${hostPlatform()}.tar.gz`) });
    // Marked secret before anything is logged; nothing else names it.
    expect(res.stdout).toContain('::add-mask::TOPSECRET');
    expect(res.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')).not.toContain('TOPSECRET');
    const meta = JSON.parse(await fs.readFile(res.outputs.metadata as string, 'utf8'));
    expect(JSON.stringify(meta)).not.toContain('TOPSECRET');
    expect(meta.source.url).toBe(UPSTREAM);
  });

  test('a build with a dependency lists the dependency artifact beside it, as smoke-test takes it', async () => {
    await fs.writeFile(path.join(dir, 'recipes', 'app.yml'), RECIPE.replace('name: pkg', 'name: app').replace('build_type: custom', 'build_type: custom\ndependencies: [pkg]').replace('pkg-{version}', 'pkg-1.0'));
    try {
      const res = await runStep({ recipe: 'app', version: '1.0', 'source-mirrors': mirror.base, cache: 'false', 'output-dir': 'out-deps' });
      expect(res.exitCode).toBeUndefined();
      const dependency = path.join(dir, 'out-deps', `pkg-1.0-${hostPlatform()}.tar.gz`);
      expect(res.outputs.dependencies).toBe(`pkg=${dependency}`);
      await expect(fs.access(dependency)).resolves.toBeUndefined();
      expect((await runStep({ recipe: 'pkg', 'source-mirrors': mirror.base, cache: 'false', 'output-dir': 'out-deps' })).outputs.dependencies).toBe('');
    } finally {
      await fs.rm(path.join(dir, 'recipes', 'app.yml'));
    }
  });

  test('a failed download: status failed, the step in the annotation and summary, no credential', async () => {
    mirror.remove(UPSTREAM);
    try {
      const res = await runStep({ recipe: 'pkg', 'source-mirrors': secretBase(), cache: 'false', 'output-dir': 'out-fail' });
      expect(res.exitCode).toBe(1);
      expect(res.outputs).toMatchObject({ status: 'failed', version: '1.0', name: 'pkg', 'failed-step': 'download' });
      expect(res.stdout).toMatch(/::error title=build-recipe%3A pkg failed at download/);
      // The hint names this action's input, not a CLI flag.
      expect(res.stdout).toContain('input "source-mirrors" or POTIONS_SOURCE_MIRRORS');
      expect(res.stdout).not.toContain('--source-mirror');
      expect(res.summary).toContain('download');
      expect(`${res.summary}${res.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')}`).not.toContain('TOPSECRET');
    } finally {
      mirror.put(UPSTREAM, tarball);
    }
  });

  test('an output-dir that is a file fails as the user\'s mistake, naming it', async () => {
    await fs.writeFile(path.join(dir, 'a.bin'), 'x');
    const res = await runStep({ recipe: 'pkg', cache: 'false', 'output-dir': 'a.bin' });
    expect(res.exitCode).toBe(1);
    expect(res.outputs.status).toBe('failed');
    expect(res.stdout).toContain(`cannot use ${path.join(dir, 'a.bin')} as the output folder`);
    expect(res.stdout).not.toContain('a bug in Potions');
  });

  test('a bug (a TypeError) is not a failed "resolve": it reaches the bug report of runAction', async () => {
    const broken = {
      downloadFile: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'url')");
      },
      downloadBytes: async () => {
        throw new TypeError('unreachable');
      },
    };
    const res = await runActionStep(() => runAction(() => main(process.env, { transport: broken })), { dir, inputs: { recipe: 'pkg', cache: 'false', 'output-dir': 'out-bug' } });
    expect(res.exitCode).toBe(1);
    expect(res.outputs['failed-step']).toBeUndefined();
    expect(res.stdout).toContain('internal error (a bug in Potions; please report it with this output)');
    expect(res.stdout).toContain('TypeError');
    expect(res.stdout).not.toContain('failed at resolve');
  });
});

test('the inputs are read from the environment given, not from process.env', () => {
  const env = { GITHUB_WORKSPACE: '/w', INPUT_RECIPE: 'jq', INPUT_PLATFORM: 'linux-arm64', INPUT_VERSION: '1.7.1', 'INPUT_OUTPUT-DIR': 'dist', INPUT_CACHE: 'false', 'INPUT_SOURCE-MIRRORS': 'https://m.example/src' };
  expect(process.env.INPUT_RECIPE).toBeUndefined();
  expect(readInputs(env)).toEqual({
    recipe: 'jq',
    platform: 'linux-arm64',
    version: '1.7.1',
    sourceMirrors: ['https://m.example/src'],
    cache: false,
    outputDir: '/w/dist',
    recipesDir: '/w/recipes',
    resolveOnly: false,
    sandbox: 'auto',
  });
  expect(readInputs({ ...env, INPUT_SANDBOX: 'required', INPUT_JOBS: '8' })).toMatchObject({ sandbox: 'required', jobs: 8 });
});

test('sandbox and jobs inputs out of their range are refused, naming the input and the range', () => {
  const env = { GITHUB_WORKSPACE: '/w', INPUT_RECIPE: 'jq', INPUT_PLATFORM: 'linux-amd64' };
  expect(() => readInputs({ ...env, INPUT_SANDBOX: 'sometimes' })).toThrow('the input "sandbox" must be one of required, auto, off, got "sometimes"');
  for (const jobs of ['0', '100000', '2.5', 'many']) {
    expect(() => readInputs({ ...env, INPUT_JOBS: jobs })).toThrow(`the input "jobs" must be a whole number from 1 to 1024, got "${jobs}"`);
  }
});

/**
 * The action's main, run as the runner runs it (a real process, here from its
 * source through tsx; the bundle's equivalence is checked by test:dist), with
 * secrets in the job's environment and in its parent's, credentials in the
 * home folder and a key in the workspace's .potions: the probe recipe's build
 * finds none of them in the sandbox.
 */
const sandboxWorks = hostPlatform()?.startsWith('linux') ? (await probeSandbox({ exec: spawnExec, env: process.env, platformOs: 'linux' })).ok : false;
(sandboxWorks ? describe : describe.skip)('build-recipe: build steps cannot reach the job\'s secrets', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  let dir: string;
  let mirror: SourceMirror;
  let planted: PlantedSecrets;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-action-secrets-'));
    mirror = await startSourceMirror({ [TINY_UPSTREAM]: tinySourceTarball() });
    planted = await plantSecrets(dir, mirror.base);
    await fs.mkdir(path.join(planted.workDir, 'recipes'), { recursive: true });
    await fs.writeFile(path.join(planted.workDir, 'recipes', 'probe.yml'), secretProbeRecipe(planted));
  });
  afterAll(async () => {
    await mirror.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const step = async (name: string, sandbox: string): Promise<{ code: number | null; outputs: string; texts: (string | Buffer)[] }> => {
    const out = path.join(planted.workDir, `out-${name}`);
    const files = { GITHUB_OUTPUT: path.join(dir, `${name}.output`), GITHUB_STEP_SUMMARY: path.join(dir, `${name}.summary`) };
    for (const f of Object.values(files)) await fs.writeFile(f, '');
    // tsx's own entry, not the node_modules/.bin shell shim, which would drop INPUT_OUTPUT-DIR.
    const run = await runWithSecretParent([process.execPath, path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'actions', 'build-recipe', 'src', 'index.ts')], {
      cwd: planted.workDir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TMPDIR: dir,
        GITHUB_WORKSPACE: planted.workDir,
        RUNNER_TEMP: dir,
        ...files,
        INPUT_RECIPE: 'probe',
        'INPUT_SOURCE-MIRRORS': planted.sourceMirror,
        INPUT_CACHE: 'false',
        'INPUT_OUTPUT-DIR': out,
        INPUT_SANDBOX: sandbox,
        GITHUB_TOKEN: planted.values[0] as string,
      },
      secrets: planted,
    });
    const outputs = await fs.readFile(files.GITHUB_OUTPUT, 'utf8');
    const summary = await fs.readFile(files.GITHUB_STEP_SUMMARY, 'utf8');
    const bytes = await artifactBytes(out);
    expect(bytes.length).toBeGreaterThan(0);
    // What the job log shows: every line but the masking commands themselves.
    const log = `${run.stdout}${run.stderr}`.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
    return { code: run.code, outputs, texts: [log, outputs, summary, ...bytes] };
  };

  test('sandbox required: built, build-environment sandbox, nothing planted anywhere in the artifact, the outputs, the summary or the log', async () => {
    const res = await step('sandbox', 'required');
    expect(res.code).toBe(0);
    expect(res.outputs).toMatch(/build-environment<<.*\nsandbox\n/);
    expect(leakedSecrets(planted, res.texts)).toEqual([]);
  }, 120_000);

  test('sandbox off (the control): the same build finds them, and the summary says the steps were not isolated', async () => {
    const res = await step('host', 'off');
    expect(res.code).toBe(0);
    expect(res.outputs).toMatch(/build-environment<<.*\nhost\n/);
    expect(res.texts[2]).toContain('The build steps ran without isolation (the build sandbox is off)');
    expect(leakedSecrets(planted, res.texts)).toEqual(expect.arrayContaining([planted.env.POTIONS_MANIFEST_KEY, planted.parentOnly.POTIONS_PARENT_SECRET]));
  }, 120_000);
});
