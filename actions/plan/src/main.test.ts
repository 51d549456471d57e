import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { restoreEnv, runActionStep, saveEnv } from '@potions/action-common/testing';
import { parseRunPlan } from '@potions/schedule';
import { tinyRecipeText } from '@potions/schedule/testing';
import { main } from './main';

const IMAGE = `ghcr.io/acme/build-env@sha256:${'d'.repeat(64)}`;

describe('plan action', () => {
  let dir: string;
  const saved = saveEnv();
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-action-plan-'));
    await fs.mkdir(path.join(dir, 'recipes'));
    await fs.writeFile(path.join(dir, 'recipes', 'lib.yml'), tinyRecipeText({ name: 'lib', version: '1.0' }));
    await fs.writeFile(path.join(dir, 'recipes', 'app.yml'), tinyRecipeText({ name: 'app', dependencies: ['lib'] }));
    await fs.writeFile(path.join(dir, 'recipes', 'other.yml'), tinyRecipeText({ name: 'other', version: '3' }));
  });
  afterAll(async () => fs.rm(dir, { recursive: true, force: true }));
  afterEach(() => restoreEnv(saved));

  const run = (inputs: Record<string, string>) => runActionStep(() => main(process.env), { dir, inputs, env: { GITHUB_RUN_ATTEMPT: '2' } });

  it('plans the recipes asked for into the build jobs\' matrices, Linux legs in the pinned container, and the run plan', async () => {
    const r = await run({ recipes: 'app', versions: 'app=2.1', platforms: 'linux-arm64, darwin-arm64', 'linux-container': IMAGE, runners: '{"linux-arm64":"my-arm-runner"}' });
    expect(r.exitCode).toBeUndefined();
    expect(r.outputs).toMatchObject({ 'matrix-count': '2', 'wave-count': '2', legs: '4', platforms: 'darwin-arm64,linux-arm64', versions: '{"app":"2.1","lib":"1.0"}', 'matrix-8': '{"include":[]}' });
    const first = JSON.parse(r.outputs['matrix-1'] as string).include as { id: string; runner: string; container: string; file: string }[];
    expect(first.map((l) => [l.id, l.runner, l.container, l.file])).toEqual([
      ['lib-darwin-arm64', 'macos-15', '', 'recipes/lib.yml'],
      ['lib-linux-arm64', 'my-arm-runner', IMAGE, 'recipes/lib.yml'],
    ]);
    const plan = parseRunPlan(r.outputs.plan as string);
    expect(plan.runAttempt).toBe(2);
    expect(plan.legs.find((l) => l.id === 'app-linux-arm64')?.needs).toEqual(['lib-linux-arm64']);
    expect(r.summary).toContain('Potions release plan');
    expect(r.summary).toContain('build-2');
  });

  it('refuses a container named by a tag, and mirrors without the key that checks their manifest', async () => {
    await expect(run({ 'linux-container': 'ghcr.io/acme/build-env:latest' })).rejects.toMatchObject({
      code: 'E_INPUT',
      message: 'the input "linux-container" must name an image by digest (registry/name@sha256:<64 hex>), got "ghcr.io/acme/build-env:latest"',
    });
    await expect(run({ mirrors: 'potions-mirrors.yaml' })).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('is given without "manifest-key"') });
    await expect(run({ recipes: 'ap' })).rejects.toMatchObject({ code: 'E_SCHEDULE_UNKNOWN_RECIPE' });
    await expect(run({ platforms: '["linux-arm64", "windows"]' })).rejects.toMatchObject({ code: 'E_SCHEDULE_OPTION', message: 'unknown platform "windows"' });
  });

  it('takes the platforms as a JSON list too, as earlier versions of the workflow passed them', async () => {
    const r = await run({ recipes: 'other', platforms: '["linux-arm64"]' });
    expect(r.outputs).toMatchObject({ 'matrix-count': '1', legs: '1', platforms: 'linux-arm64' });
  });
});
