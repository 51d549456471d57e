import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAction } from '@potions/action-common';
import { restoreEnv, runActionStep, saveEnv } from '@potions/action-common/testing';
import { hostPlatform } from '@potions/core';
import { TINY_RECIPE, TINY_UPSTREAM, startSourceMirror, tinySourceTarball, type SourceMirror } from '@potions/builder/testing';
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
      expect(res.stdout).toContain('input \"source-mirrors\" or POTIONS_SOURCE_MIRRORS');
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
  });
});
