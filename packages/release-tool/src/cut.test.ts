import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hasCode } from '@potions/core';
import { applyCut, planCut, type CutOptions, type CutPlan } from './cut';
import { ReleaseErrorCode } from './errors';
import { GitHubCiStatus } from './github-ci-status';
import { makeReleaseRepo, startFakeGitHubChecks, type FakeGitHubChecks, type ReleaseRepo } from './testing';

const NOW = (): Date => new Date('2026-07-20T12:00:00Z');
let repo: ReleaseRepo;
let gh: FakeGitHubChecks;

beforeEach(async () => {
  repo = await makeReleaseRepo();
  gh = await startFakeGitHubChecks();
});
afterEach(async () => {
  await gh.close();
  await repo.cleanup();
});

const green = (sha: string): void =>
  gh.setCommit(sha, { checkRuns: [{ name: 'test (20)', status: 'completed', conclusion: 'success' }, { name: 'test (24)', status: 'completed', conclusion: 'success' }] });

function options(version: string, extra: Partial<CutOptions> = {}): CutOptions {
  return {
    cwd: repo.work,
    env: repo.env,
    version,
    repository: 'potions/actions',
    ci: new GitHubCiStatus({ repository: 'potions/actions', apiUrl: gh.apiUrl, token: gh.token, retry: { sleep: async () => {} } }),
    now: NOW,
    ...extra,
  };
}

async function cut(version: string, extra: Partial<CutOptions> = {}): Promise<{ plan: CutPlan; releaseCommit: string }> {
  const plan = await planCut(options(version, extra));
  const result = await applyCut(plan, { cwd: repo.work, env: repo.env });
  return { plan, releaseCommit: result.releaseCommit };
}

const show = (rev: string): Promise<string> => repo.git(['show', rev]);
const peel = async (ref: string, cwd?: string): Promise<string> => (await repo.git(['rev-parse', `${ref}^{commit}`], cwd)).trim();

async function expectRefused(version: string, code: string, extra: Partial<CutOptions> = {}): Promise<CutPlan> {
  const before = await repo.remoteRefs();
  const plan = await planCut(options(version, extra));
  expect(plan.checks.filter((c) => !c.ok).map((c) => c.code)).toContain(code);
  const err = await applyCut(plan, { cwd: repo.work, env: repo.env }).catch((e: unknown) => e);
  expect(hasCode(err, code)).toBe(true);
  expect(await repo.remoteRefs()).toEqual(before);
  return plan;
}

describe('cut', () => {
  test('v1.0.0 then v1.1.0: tags, the major, pinned workflows, the changelog and the remote', async () => {
    const f1 = (await repo.git(['rev-parse', 'HEAD'])).trim();
    green(f1);
    const first = await cut('1.0.0');
    const r1 = first.releaseCommit;
    expect(first.plan.checks.every((c) => c.ok)).toBe(true);

    // The release commit: on top of the commit released, changing only the workflows and the changelog.
    expect((await repo.git(['rev-parse', `${r1}^`])).trim()).toBe(f1);
    expect((await repo.git(['diff', '--name-only', f1, r1])).trim().split('\n').sort()).toEqual(['.github/workflows/release.yml', 'CHANGELOG.md']);
    for (const action of ['build-recipe', 'mirror-sync', 'manifest-publish']) {
      expect(await repo.git(['rev-parse', `${r1}:${action}`])).toBe(await repo.git(['rev-parse', `${f1}:${action}`]));
    }
    const workflow = await show(`${r1}:.github/workflows/release.yml`);
    expect(workflow).toContain(`        uses: potions/actions/build-recipe@${f1} # v1.0.0\n`);
    expect(workflow).toContain(`      - uses: "potions/actions/mirror-sync@${f1}" # v1.0.0\n`);
    expect(workflow).toContain(`      - uses: 'Potions/Actions/manifest-publish@${f1}' # v1.0.0\n`);
    // Not a uses: of a job or a step: a script's text and a comment stay as they were.
    expect(workflow).toContain('          echo "uses: potions/actions/mirror-sync@v1"\n');
    expect(workflow).toContain('#   uses: potions/actions/.github/workflows/release.yml@v1\n');
    expect(workflow).toContain('uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0');
    expect(await show(`${r1}:docs/usage.md`)).toContain('potions/actions/mirror-sync@v1');

    const changelog1 = await show(`${r1}:CHANGELOG.md`);
    expect(changelog1).toBe(
      [
        '# Changelog',
        '',
        'Every release of the suite.',
        '',
        '## [Unreleased]',
        '',
        '<!-- Notes for the next release go here. -->',
        '',
        '## [1.0.0] - 2026-07-20',
        '',
        '- The reusable workflow pins its own actions.',
        '',
        '### Commits',
        '',
        '**actions**',
        '',
        `- build-recipe, mirror-sync and manifest-publish at the root (${f1.slice(0, 7)})`,
        '',
      ].join('\n'),
    );

    // Tags: v1.0.0 annotated on the release commit with the section; v1 at the same commit.
    const refs1 = await repo.remoteRefs();
    expect(await peel('v1.0.0')).toBe(r1);
    expect(await peel('v1')).toBe(r1);
    expect((await repo.git(['cat-file', '-t', 'v1.0.0'])).trim()).toBe('tag');
    expect((await repo.git(['cat-file', '-t', 'v1'])).trim()).toBe('tag');
    expect(await repo.git(['tag', '-l', '--format=%(contents)', 'v1.0.0'])).toContain('### Commits');
    expect(refs1.get('refs/tags/v1.0.0')).toBe((await repo.git(['rev-parse', 'v1.0.0'])).trim());
    expect(refs1.get('refs/tags/v1')).toBe((await repo.git(['rev-parse', 'v1'])).trim());
    // The working copy was not touched: still on main at the commit released, clean.
    expect((await repo.git(['rev-parse', 'HEAD'])).trim()).toBe(f1);
    expect((await repo.git(['status', '--porcelain'])).trim()).toBe('');

    await repo.commit({ 'mirror-sync/README.md': 'sync\n' }, 'cdn: purge by prefix');
    const f2 = await repo.commit({ 'build-recipe/README.md': 'build\n' }, 'fix(sign)!: keyless signing on forks <name>');
    green(f2);
    const second = await cut('v1.1.0');
    const r2 = second.releaseCommit;
    expect(second.plan.previous).toEqual({ tag: 'v1.0.0', commit: r1, source: f1 });
    expect(second.plan.majorBefore).toMatchObject({ commit: r1, release: 'v1.0.0' });
    // main's CHANGELOG still has the note v1.0.0 shipped: it is not listed again.
    expect(second.plan.changelog.notesDropped).toEqual(['- The reusable workflow pins its own actions.']);
    expect(await show(`${r2}:.github/workflows/release.yml`)).toContain(`uses: potions/actions/build-recipe@${f2} # v1.1.0\n`);
    const changelog2 = await show(`${r2}:CHANGELOG.md`);
    expect(changelog2).toContain(
      [
        '## [1.1.0] - 2026-07-20',
        '',
        '### Commits since v1.0.0',
        '',
        '**Breaking changes**',
        '',
        `- sign: keyless signing on forks \\<name\\> (${f2.slice(0, 7)})`,
        '',
        '**cdn**',
        '',
        '- purge by prefix (',
      ].join('\n'),
    );
    expect(changelog2.indexOf('## [1.1.0]')).toBeLessThan(changelog2.indexOf('## [1.0.0]'));
    expect(changelog2).toContain(changelog1.slice(changelog1.indexOf('## [1.0.0]')));

    const refs2 = await repo.remoteRefs();
    expect(refs2.get('refs/tags/v1.0.0')).toBe(refs1.get('refs/tags/v1.0.0'));
    expect(await peel('v1.1.0')).toBe(r2);
    expect(await peel('v1')).toBe(r2);
    expect(refs2.get('refs/tags/v1')).not.toBe(refs1.get('refs/tags/v1'));
    expect(await repo.git(['tag', '-l', '--format=%(contents)', 'v1'])).toContain('v1 → v1.1.0');
    // A fresh clone sees the same: the remote holds the release.
    await repo.git(['clone', '--quiet', repo.remote, path.join(repo.root, 'other')], repo.root);
    expect(await peel('v1', path.join(repo.root, 'other'))).toBe(r2);
  });

  test('refused, with the remote unchanged: a dirty tree, an existing version, a lower version, a commit CI did not pass', async () => {
    const f1 = (await repo.git(['rev-parse', 'HEAD'])).trim();
    green(f1);
    await cut('1.0.0');
    const f2 = await repo.commit({ 'build-recipe/README.md': 'b\n' }, 'builder: a change');
    green(f2);
    await cut('1.1.0');

    await writeFile(path.join(repo.work, 'CHANGELOG.md'), 'edited\n');
    const dirty = await expectRefused('1.2.0', ReleaseErrorCode.DirtyTree);
    expect(dirty.checks.find((c) => !c.ok)?.message).toContain('CHANGELOG.md');
    await repo.git(['checkout', '--', 'CHANGELOG.md']);

    const exists = await expectRefused('1.1.0', ReleaseErrorCode.VersionExists);
    expect(exists.checks.find((c) => !c.ok)?.message).toMatch(/v1\.1\.0 already exists on origin .*never rewritten/);
    const lower = await expectRefused('1.0.5', ReleaseErrorCode.VersionNotNewer);
    expect(lower.checks.find((c) => !c.ok)?.message).toContain('v1.1.0');

    const f3 = await repo.commit({ 'build-recipe/README.md': 'c\n' }, 'builder: another change');
    gh.setCommit(f3, { checkRuns: [{ name: 'test (20)', status: 'completed', conclusion: 'failure' }, { name: 'test (24)', status: 'completed', conclusion: 'success' }] });
    const failed = await expectRefused('1.2.0', ReleaseErrorCode.NotGreen);
    expect(failed.checks.find((c) => !c.ok)?.message).toContain('CI failed on');
    gh.setCommit(f3, { checkRuns: [{ name: 'test (20)', status: 'in_progress' }], statuses: [{ context: 'ci/other', state: 'success' }] });
    expect((await expectRefused('1.2.0', ReleaseErrorCode.NotGreen)).ci.summary).toContain('has not finished');
    gh.setCommit(f3, {});
    expect((await expectRefused('1.2.0', ReleaseErrorCode.NotGreen)).ci.summary).toContain('no CI result');
    // The release job's own check run is still running while it asks: left out by name.
    gh.setCommit(f3, { checkRuns: [{ name: 'test (20)', status: 'completed', conclusion: 'success' }, { name: 'cut', status: 'in_progress' }] });
    const ignoring = await planCut(options('1.2.0', { ciPolicy: { ignore: ['cut'] } }));
    expect(ignoring.checks.every((c) => c.ok)).toBe(true);

    // Every refusal at once, each with its reason.
    await writeFile(path.join(repo.work, 'CHANGELOG.md'), 'edited\n');
    gh.setCommit(f3, { checkRuns: [{ name: 'test (20)', status: 'completed', conclusion: 'timed_out' }] });
    const all = await planCut(options('1.0.0'));
    expect(all.checks.filter((c) => !c.ok).map((c) => c.code)).toEqual([ReleaseErrorCode.DirtyTree, ReleaseErrorCode.VersionExists, ReleaseErrorCode.NotGreen]);
    const err = (await applyCut(all, { cwd: repo.work, env: repo.env }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^refused to cut v1\.0\.0: \(1\) the working tree .*; \(2\) v1\.0\.0 already exists .*; \(3\) CI failed on .*timed_out/);
  });

  test('a commit GitHub does not know, a bad version, an unknown commit', async () => {
    const e1 = await planCut(options('1.0.0')).catch((e: unknown) => e);
    expect(hasCode(e1, ReleaseErrorCode.CiUnavailable)).toBe(true);
    expect((e1 as Error).message).toContain('HTTP 422');
    for (const bad of ['1.0', 'v1.0.0-rc.1', '1.0.0+build', '01.0.0', 'latest']) {
      expect(hasCode(await planCut(options(bad)).catch((e: unknown) => e), ReleaseErrorCode.Version)).toBe(true);
    }
    expect(hasCode(await planCut(options('1.0.0', { from: 'no-such-branch' })).catch((e: unknown) => e), ReleaseErrorCode.UnknownCommit)).toBe(true);
    expect(hasCode(await planCut(options('1.0.0', { from: '--upload-pack=x' })).catch((e: unknown) => e), ReleaseErrorCode.Options)).toBe(true);
  });

  test('a commit that does not contain the previous release is refused', async () => {
    const f1 = (await repo.git(['rev-parse', 'HEAD'])).trim();
    green(f1);
    await cut('1.0.0');
    const f2 = await repo.commit({ 'build-recipe/README.md': 'b\n' }, 'builder: b');
    green(f2);
    await cut('1.1.0');
    await repo.git(['checkout', '--quiet', '-b', 'old', f1]);
    await writeFile(path.join(repo.work, 'x.txt'), 'x\n');
    await repo.git(['add', 'x.txt']);
    await repo.git(['commit', '--quiet', '-m', 'other: off an old commit']);
    const side = (await repo.git(['rev-parse', 'HEAD'])).trim();
    await repo.git(['push', '--quiet', 'origin', 'old']);
    green(side);
    const plan = await expectRefused('1.2.0', ReleaseErrorCode.BehindPrevious);
    expect(plan.checks.find((c) => !c.ok)?.message).toContain(`does not contain ${f2.slice(0, 12)}, the commit v1.1.0 was cut from`);
  });

  test('a uses: that does not resolve at the commit, or that calls one of our workflows, is refused', async () => {
    const workflow = (await show('HEAD:.github/workflows/release.yml')).replace('potions/actions/build-recipe@v1', 'potions/actions/actions/build-recipe@v1');
    const f = await repo.commit(
      {
        '.github/workflows/release.yml': workflow,
        '.github/workflows/nested.yaml': 'on: push\njobs:\n  call:\n    uses: potions/actions/.github/workflows/release.yml@v1\n',
      },
      'workflows: break them',
    );
    green(f);
    const plan = await expectRefused('1.0.0', ReleaseErrorCode.Workflow);
    const reasons = plan.checks.filter((c) => !c.ok).map((c) => c.message);
    expect(reasons).toEqual([
      expect.stringMatching(/^\.github\/workflows\/nested\.yaml:4 calls potions\/actions\/\.github\/workflows\/release\.yml@v1, a reusable workflow/),
      expect.stringMatching(/^\.github\/workflows\/release\.yml:18: potions\/actions\/actions\/build-recipe@v1 does not resolve at .*actions\/build-recipe\/action\.yml or actions\/build-recipe\/action\.yaml/),
    ]);
  });

  test('the atomic push fails as a whole: a hook rejecting the major leaves neither tag on the remote, and none here', async () => {
    const f1 = (await repo.git(['rev-parse', 'HEAD'])).trim();
    green(f1);
    await cut('1.0.0');
    const f2 = await repo.commit({ 'build-recipe/README.md': 'b\n' }, 'builder: b');
    green(f2);
    const hook = path.join(repo.remote, 'hooks', 'update');
    await writeFile(hook, '#!/bin/sh\nif [ "$1" = refs/tags/v1 ]; then echo "moving v1 is frozen" >&2; exit 1; fi\nexit 0\n');
    await chmod(hook, 0o755);
    const localV1 = (await repo.git(['rev-parse', 'v1'])).trim();
    const before = await repo.remoteRefs();
    const plan = await planCut(options('1.1.0'));
    const err = (await applyCut(plan, { cwd: repo.work, env: repo.env }).catch((e: unknown) => e)) as Error;
    expect(hasCode(err, ReleaseErrorCode.PushRejected)).toBe(true);
    expect(err.message).toContain('no tag was changed there');
    expect(err.message).toContain('moving v1 is frozen');
    expect(await repo.remoteRefs()).toEqual(before);
    expect(before.has('refs/tags/v1.1.0')).toBe(false);
    // Put back here too, so that the next attempt starts clean.
    expect((await repo.git(['tag', '-l', 'v1.1.0'])).trim()).toBe('');
    expect((await repo.git(['rev-parse', 'v1'])).trim()).toBe(localV1);

    // Without the hook the same release goes out.
    await writeFile(hook, '#!/bin/sh\nexit 0\n');
    const again = await cut('1.1.0');
    expect(await peel('v1')).toBe(again.releaseCommit);
  });

  test('a major moved by someone else after the plan is not overwritten (the lease), and nothing lands', async () => {
    const f1 = (await repo.git(['rev-parse', 'HEAD'])).trim();
    green(f1);
    const first = await cut('1.0.0');
    const f2 = await repo.commit({ 'build-recipe/README.md': 'b\n' }, 'builder: b');
    green(f2);
    const plan = await planCut(options('1.1.0'));
    // Meanwhile, from another clone: v1 is moved by hand.
    const other = path.join(repo.root, 'other');
    await repo.git(['clone', '--quiet', repo.remote, other], repo.root);
    await repo.git(['tag', '-f', 'v1', f1], other);
    await repo.git(['push', '--quiet', '--force', 'origin', 'refs/tags/v1'], other);
    const before = await repo.remoteRefs();
    const err = (await applyCut(plan, { cwd: repo.work, env: repo.env }).catch((e: unknown) => e)) as Error;
    expect(hasCode(err, ReleaseErrorCode.PushRejected)).toBe(true);
    expect(err.message).toContain('stale info');
    expect(await repo.remoteRefs()).toEqual(before);
    expect(first.releaseCommit).not.toBe(f1);
  });
});
