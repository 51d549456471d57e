import { hasCode, RecordingReporter } from '@potions/core';
import { checkRunState, ciVerdict, type CommitCheck } from './ci-status';
import { ReleaseErrorCode } from './errors';
import { GitHubCiStatus } from './github-ci-status';
import { startFakeGitHubChecks, type FakeGitHubChecks } from './testing';

const SHA = 'c'.repeat(40);
const check = (name: string, state: CommitCheck['state'], detail: string = state): CommitCheck => ({ name, source: 'check-run', state, detail });

describe('ciVerdict', () => {
  test.each([
    ['one check passed', [check('test', 'passed')], {}, true, /^CI passed on c{12}: 1 check \(test\)$/],
    ['one failed', [check('test', 'passed'), check('lint', 'failed', 'timed_out')], {}, false, /^CI failed on .*: lint \(timed_out\)$/],
    ['one still queued', [check('test', 'passed'), check('lint', 'pending', 'queued')], {}, false, /has not finished.*lint \(queued\)/],
    ['nothing ran', [], {}, false, /^no CI result/],
    ['only skipped', [check('docs', 'skipped', 'skipped')], {}, false, /only skipped ones: docs/],
    ['the release job itself left out', [check('test', 'passed'), check('cut', 'pending', 'in_progress')], { ignore: ['cut'] }, true, /^CI passed/],
    ['a required check missing', [check('test', 'passed')], { require: ['test', 'e2e'] }, false, /^required checks did not run on .*: e2e$/],
    ['a required check skipped', [check('test', 'passed'), check('e2e', 'skipped')], { require: ['e2e'] }, false, /^required checks did not pass .*: e2e$/],
  ] as const)('%s', (_name, checks, policy, green, summary) => {
    const v = ciVerdict({ commit: SHA, checks: [...checks] }, policy);
    expect(v.green).toBe(green);
    expect(v.summary).toMatch(summary);
  });

  test('check run conclusions', () => {
    expect(['success', 'neutral', 'skipped', 'failure', 'cancelled', 'timed_out', 'action_required', 'stale', 'startup_failure'].map((c) => checkRunState('completed', c))).toEqual([
      'passed', 'skipped', 'skipped', 'failed', 'failed', 'failed', 'failed', 'failed', 'failed',
    ]);
    expect(checkRunState('queued', null)).toBe('pending');
  });
});

describe('GitHubCiStatus against a fake GitHub API', () => {
  let gh: FakeGitHubChecks;
  beforeEach(async () => {
    gh = await startFakeGitHubChecks({ private: true });
  });
  afterEach(() => gh.close());

  const status = (token: string | undefined = gh.token, reporter = new RecordingReporter()): GitHubCiStatus =>
    new GitHubCiStatus({ repository: 'potions/actions', apiUrl: gh.apiUrl, ...(token ? { token } : {}), reporter, retry: { sleep: async () => {} } });

  test('every check run and every status, through every page, with the documented request shape', async () => {
    gh.setCommit(SHA, {
      checkRuns: Array.from({ length: 150 }, (_, i) => ({ name: `job ${i}`, status: 'completed' as const, conclusion: i === 149 ? ('failure' as const) : ('success' as const) })),
      statuses: Array.from({ length: 120 }, (_, i) => ({ context: `ci/${i}`, state: i === 119 ? ('pending' as const) : ('success' as const) })),
    });
    const reporter = new RecordingReporter();
    const report = await status(gh.token, reporter).report(SHA);
    expect(report.checks).toHaveLength(270);
    expect(report.checks.find((c) => c.name === 'job 149')).toMatchObject({ state: 'failed', detail: 'failure', source: 'check-run' });
    expect(report.checks.find((c) => c.name === 'ci/119')).toMatchObject({ state: 'pending', source: 'status' });
    expect(report.source).toBe(`https://github.com/potions/actions/commit/${SHA}`);
    expect(reporter.secrets).toContain(gh.token);
    const paths = gh.requests.map((r) => `${r.path}?${r.query.toString()}`);
    expect(paths).toEqual([
      `/repos/potions/actions/commits/${SHA}/check-runs?filter=latest&per_page=100`,
      `/repos/potions/actions/commits/${SHA}/check-runs?filter=latest&per_page=100&page=2`,
      `/repos/potions/actions/commits/${SHA}/status?per_page=100&page=1`,
      `/repos/potions/actions/commits/${SHA}/status?per_page=100&page=2`,
    ]);
    for (const r of gh.requests) {
      expect(r.headers.authorization).toBe(`token ${gh.token}`);
      expect(r.headers['user-agent']).toMatch(/^potions-release-tool/);
    }
  });

  test('a 5xx is retried; a bad token, a private repository without one and an unknown commit are clear errors', async () => {
    gh.setCommit(SHA, { checkRuns: [{ name: 'test', status: 'completed', conclusion: 'success' }] });
    gh.failNext(502, 503);
    expect((await status().report(SHA)).checks).toHaveLength(1);

    const bad = (await status('ghs_wrong').report(SHA).catch((e: unknown) => e)) as Error & { hint?: string };
    expect(hasCode(bad, ReleaseErrorCode.CiUnavailable)).toBe(true);
    expect(bad.message).toContain('HTTP 401');
    expect(bad.hint).toContain('checks: read');

    const anonymous = (await status('').report(SHA).catch((e: unknown) => e)) as Error & { hint?: string };
    expect(anonymous.message).toContain('HTTP 404');
    expect(anonymous.hint).toContain('without a token');

    const unknown = (await status().report('d'.repeat(40)).catch((e: unknown) => e)) as Error;
    expect(unknown.message).toMatch(/HTTP 422.*No commit found/);
  });

  test('a repository that is not owner/name is refused before any request', () => {
    expect(() => new GitHubCiStatus({ repository: 'potions' })).toThrow(expect.objectContaining({ code: ReleaseErrorCode.Options }));
  });
});
