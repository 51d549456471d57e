import { spawnExec, type Exec } from '@potions/core';
import { gitCredentialEnv, runReleaseTool } from './cli';
import { makeReleaseRepo, startFakeGitHubChecks, type FakeGitHubChecks, type ReleaseRepo } from './testing';

let repo: ReleaseRepo;
let gh: FakeGitHubChecks;
beforeEach(async () => {
  repo = await makeReleaseRepo();
  gh = await startFakeGitHubChecks();
  gh.setCommit((await repo.git(['rev-parse', 'HEAD'])).trim(), {
    checkRuns: [
      { name: 'test', status: 'completed', conclusion: 'success' },
      { name: 'cut v1 (potions/actions)', status: 'in_progress' },
    ],
  });
});
afterEach(async () => {
  await gh.close();
  await repo.cleanup();
});

const GIT_TOKEN = 'ghs_pushTokenThatMustNotShow';

async function run(argv: string[], exec?: Exec): Promise<{ code: number; stdout: string; stderr: string; json: Record<string, unknown> | undefined }> {
  let stdout = '';
  let stderr = '';
  const code = await runReleaseTool(argv, {
    cwd: repo.work,
    env: { ...repo.env, GITHUB_TOKEN: gh.token, POTIONS_GITHUB_API_URL: gh.apiUrl, GITHUB_REPOSITORY: 'potions/actions', POTIONS_RELEASE_GIT_TOKEN: GIT_TOKEN },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: () => new Date('2026-07-20T00:00:00Z'),
    ...(exec ? { exec } : {}),
  });
  let json: Record<string, unknown> | undefined;
  try {
    json = stdout ? (JSON.parse(stdout) as Record<string, unknown>) : undefined;
  } catch {
    json = undefined;
  }
  return { code, stdout, stderr, json };
}

describe('release-tool command line', () => {
  test('cut: a dry run plans and changes nothing; then the cut; then the same version is refused with exit 1', async () => {
    const ignore = ['--ignore-check', 'cut v1 (potions/actions)'];
    const before = await repo.remoteRefs();
    const dry = await run(['cut', '--version', '1.0.0', ...ignore, '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(dry.json).toMatchObject({ ok: true, dryRun: true, plan: { tag: 'v1.0.0', majorTag: 'v1', files: [{ path: '.github/workflows/release.yml', mode: '100644' }, { path: 'CHANGELOG.md' }] } });
    expect(JSON.stringify(dry.json)).not.toContain('"content"');
    expect(await repo.remoteRefs()).toEqual(before);

    const human = await run(['cut', '--version', '1.0.0', ...ignore, '--dry-run']);
    expect(human.code).toBe(0);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(/^Plan: cut v1\.0\.0 of potions\/actions from [0-9a-f]{12} \(HEAD\); push to origin\n/);
    expect(human.stderr).toContain('Dry run: nothing was changed.');

    const done = await run(['cut', '--version', '1.0.0', ...ignore, '--json']);
    expect(done.code).toBe(0);
    expect(done.json).toMatchObject({ ok: true, dryRun: false, result: { tags: [{ name: 'v1.0.0' }, { name: 'v1' }] } });
    expect((await repo.remoteRefs()).has('refs/tags/v1')).toBe(true);

    const again = await run(['cut', '--version', '1.0.0', ...ignore, '--json']);
    expect(again.code).toBe(1);
    expect(again.json).toMatchObject({ ok: false, code: 'E_RELEASE_VERSION_EXISTS', hint: 'cut the next version instead', plan: { tag: 'v1.0.0' } });
    const text = await run(['cut', '--version', '1.0.0', ...ignore]);
    expect(text.stderr).toContain('REFUSED  v1.0.0 already exists on origin');
    expect(text.stderr).toMatch(/error: refused to cut v1\.0\.0: v1\.0\.0 already exists .*\n {2}hint: cut the next version instead\n$/);
  });

  test('without leaving out its own running check, the release job would wait for itself: refused', async () => {
    const res = await run(['cut', '--version', '1.0.0', '--json']);
    expect(res.code).toBe(1);
    expect(res.json).toMatchObject({ code: 'E_RELEASE_NOT_GREEN' });
    expect(String(res.json?.error)).toContain('cut v1 (potions/actions) (in_progress)');
  });

  test('rollback through the command line, and usage mistakes exit 2', async () => {
    const ignore = ['--ignore-check', 'cut v1 (potions/actions)'];
    expect((await run(['cut', '--version', '1.0.0', ...ignore])).code).toBe(0);
    const f2 = await repo.commit({ 'build-recipe/x.txt': 'x\n' }, 'builder: x');
    gh.setCommit(f2, { statuses: [{ context: 'ci', state: 'success' }] });
    expect((await run(['cut', '--version', '1.1.0'])).code).toBe(0);
    const rb = await run(['rollback', '--major', 'v1', '--reason', 'broken', '--json']);
    expect(rb.code).toBe(0);
    expect(rb.json).toMatchObject({ ok: true, plan: { target: { tag: 'v1.0.0' }, direction: 'back' }, result: { tag: { name: 'v1' } } });
    const wrong = await run(['rollback', '--major', 'v1', '--to', 'v2.0.0', '--reason', 'x', '--json']);
    expect(wrong).toMatchObject({ code: 1, json: { code: 'E_RELEASE_ROLLBACK_TARGET' } });

    expect((await run(['cut'])).code).toBe(2);
    expect((await run(['rollback', '--major', 'v1'])).code).toBe(2);
    expect((await run(['cut', '--version', '1.2.0', '--bogus'])).code).toBe(2);
  });

  test('the git token reaches only the git commands that talk to the remote, never a log', async () => {
    const seen: { argv: string[]; env: Record<string, string> }[] = [];
    const recording: Exec = (req) => {
      seen.push({ argv: req.argv, env: req.env });
      return spawnExec(req);
    };
    const res = await run(['cut', '--version', '1.0.0', '--ignore-check', 'cut v1 (potions/actions)'], recording);
    expect(res.code).toBe(0);
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${GIT_TOKEN}`).toString('base64')}`;
    const withToken = seen.filter((s) => s.env.GIT_CONFIG_VALUE_0 === header).map((s) => s.argv[1]);
    expect(new Set(withToken)).toEqual(new Set(['fetch', 'ls-remote', 'push']));
    expect(seen.filter((s) => s.argv[1] === 'status')[0]?.env.GIT_CONFIG_COUNT).toBeUndefined();
    expect(res.stderr).not.toContain(GIT_TOKEN);
    expect(res.stderr).not.toContain(gh.token);
    expect(gitCredentialEnv({ GITHUB_SERVER_URL: 'https://ghe.example/', GIT_CONFIG_COUNT: '2' }, 't')).toEqual({
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_2: 'http.https://ghe.example/.extraheader',
      GIT_CONFIG_VALUE_2: `AUTHORIZATION: basic ${Buffer.from('x-access-token:t').toString('base64')}`,
    });
  });
});
