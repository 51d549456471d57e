import { hasCode } from '@potions/core';
import { applyCut, planCut } from './cut';
import { ReleaseErrorCode } from './errors';
import { GitHubCiStatus } from './github-ci-status';
import { applyRollback, planRollback, type RollbackOptions } from './rollback';
import { makeReleaseRepo, startFakeGitHubChecks, type FakeGitHubChecks, type ReleaseRepo } from './testing';

let repo: ReleaseRepo;
let gh: FakeGitHubChecks;
const releases: Record<string, string> = {};

beforeAll(async () => {
  repo = await makeReleaseRepo();
  gh = await startFakeGitHubChecks();
  const ci = new GitHubCiStatus({ repository: 'potions/actions', apiUrl: gh.apiUrl, token: gh.token });
  const cut = async (version: string, file: string): Promise<void> => {
    const sha = await repo.commit({ [file]: `${version}\n` }, `builder: towards ${version}`);
    gh.setCommit(sha, { statuses: [{ context: 'ci', state: 'success' }] });
    const plan = await planCut({ cwd: repo.work, env: repo.env, version, repository: 'potions/actions', ci });
    releases[version] = (await applyCut(plan, { cwd: repo.work, env: repo.env })).releaseCommit;
  };
  await cut('1.0.0', 'build-recipe/a.txt');
  await cut('1.1.0', 'build-recipe/b.txt');
  await cut('2.0.0', 'build-recipe/c.txt');
});
afterAll(async () => {
  await gh.close();
  await repo.cleanup();
});

const options = (extra: Partial<RollbackOptions>): RollbackOptions => ({ cwd: repo.work, env: repo.env, major: 'v1', reason: 'v1.1.0 breaks signing on forks', ...extra });
const peel = async (ref: string): Promise<string> => (await repo.git(['rev-parse', `${ref}^{commit}`])).trim();

async function expectRefused(extra: Partial<RollbackOptions>, code: string, message: RegExp): Promise<void> {
  const before = await repo.remoteRefs();
  const plan = await planRollback(options(extra));
  const refusal = plan.checks.find((c) => !c.ok);
  expect(refusal?.code).toBe(code);
  expect(refusal?.message).toMatch(message);
  const err = await applyRollback(plan, { cwd: repo.work, env: repo.env }).catch((e: unknown) => e);
  expect(hasCode(err, code)).toBe(true);
  expect(await repo.remoteRefs()).toEqual(before);
}

describe('rollback', () => {
  test('moves v1 back to v1.0.0 with the reason in the tag, refuses a v2 target, and can move forward again', async () => {
    expect(await peel('v1')).toBe(releases['1.1.0']);
    await expectRefused({ to: 'v2.0.0' }, ReleaseErrorCode.RollbackTarget, /^v2\.0\.0 is a release of v2, not of v1/);
    await expectRefused({ to: 'v1.5.0' }, ReleaseErrorCode.RollbackTarget, /^v1\.5\.0 does not exist on origin/);
    await expectRefused({ to: '1.1.0' }, ReleaseErrorCode.RollbackTarget, /^v1 already points at v1\.1\.0/);
    await expectRefused({ major: 'v3' }, ReleaseErrorCode.Major, /^origin has no v3/);

    const before = await repo.remoteRefs();
    const plan = await planRollback(options({}));
    expect(plan).toMatchObject({ majorTag: 'v1', current: { release: 'v1.1.0' }, target: { tag: 'v1.0.0', commit: releases['1.0.0'] }, direction: 'back' });
    await applyRollback(plan, { cwd: repo.work, env: repo.env });
    const after = await repo.remoteRefs();
    expect(after.get('refs/tags/v1')).not.toBe(before.get('refs/tags/v1'));
    await repo.git(['fetch', '--quiet', '--tags', '--force', 'origin']);
    expect(await peel('v1')).toBe(releases['1.0.0']);
    expect(await repo.git(['tag', '-l', '--format=%(contents)', 'v1'])).toBe('v1 → v1.0.0 (rolled back from v1.1.0)\n\nReason: v1.1.0 breaks signing on forks\n\n');
    // Release tags are never moved or deleted; v2 is untouched.
    for (const t of ['v1.0.0', 'v1.1.0', 'v2.0.0', 'v2']) expect(after.get(`refs/tags/${t}`)).toBe(before.get(`refs/tags/${t}`));

    await expectRefused({}, ReleaseErrorCode.RollbackTarget, /^v1\.0\.0 is the first release of v1/);
    const forward = await planRollback(options({ to: 'v1.1.0', reason: 'the fork fix is out' }));
    expect(forward.direction).toBe('forward');
    await applyRollback(forward, { cwd: repo.work, env: repo.env });
    await repo.git(['fetch', '--quiet', '--tags', '--force', 'origin']);
    expect(await peel('v1')).toBe(releases['1.1.0']);
  });

  test('a rollback needs a reason and a major of the form vX', async () => {
    expect(hasCode(await planRollback(options({ reason: '  ' })).catch((e: unknown) => e), ReleaseErrorCode.Options)).toBe(true);
    expect(hasCode(await planRollback(options({ major: 'v1.1' })).catch((e: unknown) => e), ReleaseErrorCode.Major)).toBe(true);
    expect(hasCode(await planRollback(options({ to: 'v1.1' })).catch((e: unknown) => e), ReleaseErrorCode.Version)).toBe(true);
  });
});
