import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { restoreEnv, runActionStep, saveEnv } from '@potions/action-common/testing';
import { startLocalMirrors, type LocalMirrors } from '@potions/local-mirrors';
import { artifactKey } from '@potions/mirrors';
import { recordingOpenMirrors } from '@potions/mirrors/testing';
import { readInputs } from './inputs';
import { main } from './main';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('mirror-sync action', () => {
  let dir: string;
  let local: LocalMirrors;
  let files: Record<string, Buffer>;
  const secret = `sekret-${randomBytes(8).toString('hex')}`;
  const saved = saveEnv();

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-action-sync-'));
    local = await startLocalMirrors({ dir: path.join(dir, 'data'), count: 2 });
    files = {
      'jq-1.7.1-linux-amd64.tar.gz': randomBytes(50_000),
      'jq-1.7.1-linux-amd64.tar.gz.json': Buffer.from('{"name":"jq"}\n'),
    };
    await fs.mkdir(path.join(dir, 'artifacts'));
    for (const [f, b] of Object.entries(files)) await fs.writeFile(path.join(dir, 'artifacts', f), b);
  });

  afterAll(async () => {
    await local.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Run main() as the runner would, with these inputs and extra environment (the credentials). */
  const runStep = (inputs: Record<string, string>, env: Record<string, string> = {}) => runActionStep(main, { dir, inputs, env });

  afterEach(() => restoreEnv(saved));

  function config(): string {
    // Inline YAML, as a workflow would write it under `with:`.
    return [
      'mirrors:',
      ...local.mirrors.flatMap((m, i) => [
        `  - name: mirror-${'ab'[i]}`,
        '    provider: s3rver',
        `    endpoint: ${m.endpoint}`,
        `    bucket: ${m.bucket}`,
      ]),
    ].join('\n');
  }

  const credentials = (which: string[]): Record<string, string> =>
    Object.fromEntries(
      which.flatMap((n) => [
        [`POTIONS_MIRROR_MIRROR_${n}_ACCESS_KEY_ID`, 'S3RVER'],
        [`POTIONS_MIRROR_MIRROR_${n}_SECRET_ACCESS_KEY`, secret],
      ]),
    );

  it('uploads to both mirrors, writes outputs, the result file and a summary, and masks the credentials', async () => {
    const r = await runStep({ path: 'artifacts', mirrors: config(), 'min-mirrors': '2' }, credentials(['A', 'B']));
    expect(r.exitCode).toBeUndefined();
    expect(r.outputs).toMatchObject({ uploaded: '4', skipped: '0', failed: '0', 'policy-met': 'true' });
    // Every object is on both servers with the same bytes.
    for (const [name, bytes] of Object.entries(files)) {
      for (const m of local.mirrors) {
        const res = await fetch(`${m.endpoint}/${m.bucket}/${artifactKey(sha(bytes), name)}`);
        expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
      }
    }
    const result = JSON.parse(await fs.readFile(r.outputs.result!, 'utf8')) as { policyMet: boolean; objects: { presentOn: string[] }[] };
    expect(result.policyMet).toBe(true);
    expect(result.objects.map((o) => o.presentOn)).toEqual([
      ['mirror-a', 'mirror-b'],
      ['mirror-a', 'mirror-b'],
    ]);
    expect(r.summary).toContain('<table>');
    expect(r.summary).toContain('mirror-b');
    expect(r.summary).toContain('Policy met');
    // The secret was masked before use and appears in no output, summary or result.
    expect(r.stdout).toContain(`::add-mask::${secret}`);
    for (const text of [r.outputText, r.summary, await fs.readFile(r.outputs.result!, 'utf8')]) expect(text).not.toContain(secret);

    const again = await runStep({ path: 'artifacts', mirrors: config() }, credentials(['A', 'B']));
    expect(again.outputs).toMatchObject({ uploaded: '0', skipped: '4', failed: '0', 'policy-met': 'true' });
  });

  it('fails the step with an annotation when a mirror is unusable and min-mirrors is not met; the other mirror still syncs', async () => {
    const cfgFile = path.join(dir, 'mirrors.yaml');
    await fs.writeFile(cfgFile, `${config()}\n`);
    // No credentials for mirror-b.
    const r = await runStep({ path: 'artifacts', mirrors: 'mirrors.yaml', 'min-mirrors': '2' }, credentials(['A']));
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ skipped: '2', failed: '2', 'policy-met': 'false' });
    expect(r.stdout).toMatch(/::error title=mirror-sync%3A policy not met::2 file\(s\) are on fewer than 2 mirror\(s\)/);
    expect(r.stdout).toMatch(/::warning.*mirror-b: no credentials in the environment/);
    expect(r.summary).toContain('Policy not met');
  });

  it('takes the keys from the credentials input (a reusable workflow secret), masked, and warns about a key for no mirror', async () => {
    const keys = { accessKeyId: 'S3RVER', secretAccessKey: secret };
    const r = await runStep({ path: 'artifacts', mirrors: config(), credentials: JSON.stringify({ 'mirror-a': keys, 'MIRROR_B': keys, 'mirror-z': keys }) });
    expect(r.exitCode).toBeUndefined();
    expect(r.outputs).toMatchObject({ 'policy-met': 'true', failed: '0' });
    expect(r.stdout).toContain(`::add-mask::${secret}`);
    expect(r.stdout).toMatch(/::warning::the input "credentials" has keys for "mirror-z", which is not a configured mirror/);
    expect(`${r.outputText}${r.summary}${r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')}`).not.toContain(secret);
    expect(JSON.parse(await fs.readFile(r.outputs.result!, 'utf8')).mirrors.map((m: { mirror: string; error?: string }) => [m.mirror, m.error ?? null])).toEqual([
      ['mirror-a', null],
      ['mirror-b', null],
    ]);
  });

  it('closes every client it makes, also when the policy is not met', async () => {
    for (const [which, policyMet] of [
      [['A', 'B'], 'true'],
      [['A'], 'false'],
    ] as const) {
      restoreEnv(saved);
      const clients = recordingOpenMirrors();
      const r = await runActionStep(() => main(process.env, { openMirrors: clients.open }), {
        dir,
        inputs: { path: 'artifacts', mirrors: config(), 'min-mirrors': '2' },
        env: credentials([...which]),
      });
      expect(r.outputs['policy-met']).toBe(policyMet);
      // A mirror without credentials gets no client; every client made was closed.
      expect(clients.made.map((t) => t.name)).toEqual(which.map((n) => `mirror-${n.toLowerCase()}`));
      expect(clients.unclosed()).toEqual([]);
    }
  });

  it('reads its inputs from the environment it is given, and puts the credentials input there', async () => {
    const env: NodeJS.ProcessEnv = {
      GITHUB_WORKSPACE: dir,
      RUNNER_TEMP: dir,
      INPUT_PATH: 'artifacts',
      INPUT_MIRRORS: config(),
      'INPUT_MIN-MIRRORS': '2',
      INPUT_CREDENTIALS: JSON.stringify({ 'mirror-a': { accessKeyId: 'S3RVER', secretAccessKey: secret } }),
    };
    const before = { ...process.env };
    const inputs = await readInputs(env);
    expect(inputs).toMatchObject({ path: path.join(dir, 'artifacts'), minMirrors: 2, dryRun: false, resultFile: path.join(dir, 'potions-mirror-sync-result.json') });
    expect(inputs.config.mirrors.map((m) => m.name)).toEqual(['mirror-a', 'mirror-b']);
    expect(env.POTIONS_MIRROR_MIRROR_A_SECRET_ACCESS_KEY).toBe(secret);
    expect(process.env).toEqual(before);
  });
});
