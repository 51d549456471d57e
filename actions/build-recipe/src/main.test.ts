import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { restoreEnv, runActionStep, saveEnv } from '@potions/action-common/testing';
import { hostPlatform } from '@potions/core';
import { TINY_RECIPE, TINY_UPSTREAM, startSourceMirror, tinySourceTarball, type SourceMirror } from '@potions/builder/testing';
import { main } from './main';

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

  test('a failed download: status failed, the step in the annotation and summary, no credential', async () => {
    mirror.remove(UPSTREAM);
    try {
      const res = await runStep({ recipe: 'pkg', 'source-mirrors': secretBase(), cache: 'false', 'output-dir': 'out-fail' });
      expect(res.exitCode).toBe(1);
      expect(res.outputs).toMatchObject({ status: 'failed', version: '1.0', name: 'pkg', 'failed-step': 'download' });
      expect(res.stdout).toMatch(/::error title=build-recipe%3A pkg failed at download/);
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
});
