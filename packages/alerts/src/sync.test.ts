import { RecordingReporter, hasCode } from '@potions/core';
import type { Alert } from './alert';
import { parseAlertMarker } from './body';
import { AlertsErrorCode } from './errors';
import { GitHubIssueTracker, type GitHubTrackerOptions } from './github-tracker';
import { alertsReportMarkdown, syncAlerts } from './sync';
import { startFakeGitHub, MemoryIssueTracker, type FakeGitHub } from './testing';

let gh: FakeGitHub;
let sleeps: number[];
let clock: Date;

beforeEach(async () => {
  gh = await startFakeGitHub();
  sleeps = [];
  clock = new Date('2026-03-01T10:00:00.000Z');
});
afterEach(async () => {
  await gh.close();
});

function tracker(extra: Partial<GitHubTrackerOptions> = {}, reporter = new RecordingReporter()): GitHubIssueTracker {
  return new GitHubIssueTracker({
    repository: `${gh.owner}/${gh.repo}`,
    token: gh.token,
    apiUrl: gh.apiUrl,
    reporter,
    now: () => clock,
    retry: { sleep: async (ms) => void sleeps.push(ms) },
    ...extra,
  });
}

const jq: Alert = {
  key: 'build/jq/linux-arm64',
  title: 'jq 1.7.1 fails to build on linux-arm64',
  status: 'failing',
  details: 'The build step failed.',
  log: 'cc: error: unrecognized option @octocat <script>alert(1)</script>\n```\nfake fence',
  runUrl: 'https://github.com/potions/recipes/actions/runs/1',
  labels: ['build'],
};
const wasabi: Alert = { key: 'mirror/wasabi', title: 'Mirror wasabi is unhealthy', status: 'failing', details: '3 objects missing', runUrl: 'https://github.com/potions/recipes/actions/runs/1' };
const r2: Alert = { key: 'mirror/r2', title: 'Mirror r2 is unhealthy', status: 'ok' };

const open = () => gh.issues.filter((i) => i.state === 'open' && !i.pull_request);
const writes = () => gh.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.url}`);

test('the life of an alert: opened once, updated while failing, commented when it changes, closed when green', async () => {
  const repo = `/repos/${gh.owner}/${gh.repo}`;
  const reporter = new RecordingReporter();
  const first = await syncAlerts([jq, wasabi, r2], { tracker: tracker({}, reporter), now: () => clock, reporter });
  expect(first).toMatchObject({
    repository: 'potions/recipes',
    label: 'potions-alert',
    dryRun: false,
    ok: true,
    counts: { open: 2, none: 1, refresh: 0, comment: 0, close: 0, 'close-duplicate': 0 },
  });
  expect(first.outcomes).toEqual([
    { key: 'build/jq/linux-arm64', action: 'open', issue: { number: 1, url: 'https://github.com/potions/recipes/issues/1' } },
    { key: 'mirror/wasabi', action: 'open', issue: { number: 2, url: 'https://github.com/potions/recipes/issues/2' } },
    { key: 'mirror/r2', action: 'none' },
  ]);
  // The label is made first, then the issues, each a second after the last write.
  expect(writes()).toEqual([`POST ${repo}/labels`, `POST ${repo}/issues`, `POST ${repo}/issues`]);
  expect(sleeps).toEqual([1000, 1000]);
  expect(gh.labels.get('potions-alert')).toEqual({ name: 'potions-alert', color: 'b60205', description: 'Opened and closed by Potions alerting' });
  const create = gh.requests.find((r) => r.method === 'POST' && r.url === `${repo}/issues`)!;
  expect(create.headers.authorization).toBe(`token ${gh.token}`);
  expect(create.headers['user-agent']).toMatch(/potions-alerts/);
  expect(create.body).toEqual({ title: jq.title, body: expect.any(String), labels: ['potions-alert', 'build'] });
  const issue1 = gh.issues[0]!;
  expect(parseAlertMarker(issue1.body)).toMatchObject({ key: 'build/jq/linux-arm64', since: '2026-03-01T10:00:00.000Z' });
  // The error text sits inside a fence it cannot close: no mention, no HTML.
  expect(issue1.body).toContain('````text\ncc: error: unrecognized option @octocat <script>alert(1)</script>\n```\nfake fence\n````');
  expect(reporter.secrets).toContain(gh.token);
  expect(reporter.text()).not.toContain(gh.token);

  // Run 2: the same failures. Nothing new is opened; the descriptions say "last seen", silently.
  clock = new Date('2026-03-01T11:00:00.000Z');
  gh.requests.length = 0;
  const second = await syncAlerts([jq, { ...wasabi, runUrl: 'https://github.com/potions/recipes/actions/runs/2' }, r2], { tracker: tracker(), now: () => clock });
  expect(second.outcomes.map((o) => o.action)).toEqual(['refresh', 'refresh', 'none']);
  expect(writes()).toEqual([`PATCH ${repo}/issues/1`, `PATCH ${repo}/issues/2`]);
  expect(open()).toHaveLength(2);
  expect(gh.issues[1]!.body).toContain('since 2026-03-01T10:00:00.000Z; last seen 2026-03-01T11:00:00.000Z in [this run](https://github.com/potions/recipes/actions/runs/2)');
  expect(gh.issues.every((i) => i.comments.length === 0)).toBe(true);

  // Run 3: jq fails differently, wasabi is healthy again.
  clock = new Date('2026-03-01T12:00:00.000Z');
  gh.requests.length = 0;
  const third = await syncAlerts([{ ...jq, log: 'ld: cannot find -lonig' }, { ...wasabi, status: 'ok' }], { tracker: tracker(), now: () => clock });
  expect(third.outcomes).toEqual([
    { key: 'build/jq/linux-arm64', action: 'comment', issue: { number: 1, url: 'https://github.com/potions/recipes/issues/1' } },
    { key: 'mirror/wasabi', action: 'close', issue: { number: 2, url: 'https://github.com/potions/recipes/issues/2' } },
  ]);
  expect(writes()).toEqual([`POST ${repo}/issues/1/comments`, `PATCH ${repo}/issues/1`, `POST ${repo}/issues/2/comments`, `PATCH ${repo}/issues/2`]);
  expect(gh.issues[0]!.comments[0]).toContain('ld: cannot find -lonig');
  expect(gh.issues[1]).toMatchObject({ state: 'closed', state_reason: 'completed', comments: [expect.stringMatching(/^Green again 2026-03-01T12:00:00.000Z/)] });
  expect(gh.requests.find((r) => r.method === 'PATCH' && r.url.endsWith('/issues/2'))!.body).toEqual({ state: 'closed', state_reason: 'completed' });

  // Run 4: wasabi fails again: a new issue, not the closed one.
  const fourth = await syncAlerts([wasabi], { tracker: tracker(), now: () => clock });
  expect(fourth.outcomes[0]).toMatchObject({ action: 'open', issue: { number: 3 } });
  expect(alertsReportMarkdown(third)).toContain('| `mirror/wasabi` | green again (closed) | [#2](https://github.com/potions/recipes/issues/2) |');
});

test('the open issue is found on any page of the listing; pull requests with the label are ignored', async () => {
  for (let i = 0; i < 230; i++) gh.seed({ title: `other ${i}`, labels: ['potions-alert'], body: `<!-- potions-alert: build/other${i}/linux-amd64 -->` });
  // A pull request quoting the marker: the issues API lists it too.
  gh.seed({ title: 'PR', labels: ['potions-alert'], body: '<!-- potions-alert: build/jq/linux-arm64 -->', pull_request: { url: 'x' } });
  const oldest = gh.seed({ title: jq.title, labels: ['potions-alert'], body: '<!-- potions-alert: build/jq/linux-arm64 -->' });
  // Listed newest first: the oldest issues sit on the last page.
  gh.issues.unshift(gh.issues.splice(gh.issues.indexOf(oldest), 1)[0]!);

  const report = await syncAlerts([jq], { tracker: tracker(), now: () => clock });
  expect(report.outcomes).toEqual([{ key: jq.key, action: 'comment', issue: { number: oldest.number, url: expect.any(String) } }]);
  const pages = gh.requests.filter((r) => r.method === 'GET' && r.url.includes('/issues?')).map((r) => new URL(r.url, 'http://x').searchParams);
  expect(pages.map((p) => p.get('page') ?? '1')).toEqual(['1', '2', '3']);
  expect(pages.every((p) => p.get('labels') === 'potions-alert' && p.get('state') === 'open' && p.get('per_page') === '100')).toBe(true);
  expect(gh.issues.filter((i) => i.title === jq.title)).toHaveLength(1);
});

test('a 403 secondary rate limit is waited out for as long as retry-after says, and nothing is written twice', async () => {
  const limited = (seconds: string, method: string, path: RegExp) => ({
    status: 403,
    headers: { 'retry-after': seconds },
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    match: { method, path },
  });
  gh.failNext(limited('5', 'GET', /\/issues\?/), limited('2', 'POST', /\/issues$/));
  const report = await syncAlerts([wasabi], { tracker: tracker(), now: () => clock });
  expect(report.outcomes).toEqual([{ key: wasabi.key, action: 'open', issue: { number: 1, url: expect.any(String) } }]);
  // 5 s for the listing; 1 s between the label and the issue; 2 s for the refused create.
  expect(sleeps).toEqual([5000, 1000, 2000]);
  expect(gh.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/issues'))).toHaveLength(2);
  expect(gh.issues).toHaveLength(1);
});

test('a primary rate limit that resets too late fails at once with E_ALERTS_RATE_LIMITED', async () => {
  const reset = String(Math.floor(clock.getTime() / 1000) + 3600);
  gh.failNext({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, message: 'API rate limit exceeded' });
  const err = await syncAlerts([wasabi], { tracker: tracker(), now: () => clock }).catch((e: unknown) => e);
  expect(hasCode(err, AlertsErrorCode.RateLimited)).toBe(true);
  expect(sleeps).toEqual([]);
  // A reset 30 s away is waited for.
  gh.failNext({ status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(clock.getTime() / 1000) + 30) } });
  await syncAlerts([wasabi], { tracker: tracker(), now: () => clock });
  expect(sleeps[0]).toBe(30_000);
});

test('a 5xx on a create is not retried (it may have gone through); the other alerts still go out and the report says what failed', async () => {
  gh.failNext({ status: 502, message: 'Server Error', match: { method: 'POST', path: /\/issues$/ } });
  const reporter = new RecordingReporter();
  const report = await syncAlerts([jq, wasabi], { tracker: tracker({}, reporter), now: () => clock, reporter });
  expect(report.ok).toBe(false);
  expect(report.outcomes).toEqual([
    { key: jq.key, action: 'open', error: { code: AlertsErrorCode.Unreachable, message: expect.stringContaining('HTTP 502') } },
    { key: wasabi.key, action: 'open', issue: { number: 1, url: expect.any(String) } },
  ]);
  expect(gh.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/issues'))).toHaveLength(2);
  expect(reporter.text()).toContain(`open ${jq.key} failed`);
  expect(alertsReportMarkdown(report)).toContain('**failed**');
  // A listing (a GET) that meets a 5xx is retried.
  gh.failNext({ status: 503, message: 'unavailable', match: { method: 'GET' } });
  sleeps = [];
  await syncAlerts([wasabi], { tracker: tracker(), now: () => clock });
  expect(sleeps).toHaveLength(1);
});

test('errors: a bad token, a repository that is not there, a malformed repository name', async () => {
  const bad = await tracker({ token: 'nope' }).listOpen('potions-alert').catch((e: unknown) => e);
  expect(hasCode(bad, AlertsErrorCode.Auth)).toBe(true);
  expect((bad as Error).message).toContain('HTTP 401: Bad credentials');
  expect((bad as { hint?: string }).hint).toContain('issues: write');
  const missing = await tracker({ repository: 'potions/nope' }).listOpen('potions-alert').catch((e: unknown) => e);
  expect(hasCode(missing, AlertsErrorCode.NotFound)).toBe(true);
  expect(() => tracker({ repository: 'not a repo' })).toThrow(expect.objectContaining({ code: AlertsErrorCode.Options }));
});

test('a dry run lists, plans and writes nothing', async () => {
  gh.seed({ title: 'old', labels: ['potions-alert'], body: '<!-- potions-alert: mirror/wasabi -->' });
  const report = await syncAlerts([jq, { ...wasabi, status: 'ok' }], { tracker: tracker(), dryRun: true, now: () => clock });
  expect(report).toMatchObject({ dryRun: true, ok: true });
  expect(report.outcomes.map((o) => o.action)).toEqual(['open', 'close']);
  expect(writes()).toEqual([]);
  expect(alertsReportMarkdown(report)).toContain('| `build/jq/linux-arm64` | would be opened |  |');
});

test('duplicates left by a race are folded into the oldest', async () => {
  const a = gh.seed({ title: wasabi.title, labels: ['potions-alert'], body: '<!-- potions-alert: mirror/wasabi -->' });
  const b = gh.seed({ title: wasabi.title, labels: ['potions-alert'], body: '<!-- potions-alert: mirror/wasabi -->' });
  const report = await syncAlerts([wasabi], { tracker: tracker(), now: () => clock });
  expect(report.outcomes.map((o) => [o.action, o.issue?.number, o.duplicateOf])).toEqual([
    ['close-duplicate', b.number, a.number],
    ['comment', a.number, undefined],
  ]);
  expect(b).toMatchObject({ state: 'closed', state_reason: 'not_planned', comments: [expect.stringContaining(`Duplicate of #${a.number}`)] });
  expect(a.state).toBe('open');
});

test('MemoryIssueTracker plays the same role for other packages\' tests', async () => {
  const memory = new MemoryIssueTracker();
  await syncAlerts([wasabi], { tracker: memory, now: () => clock });
  await syncAlerts([{ ...wasabi, status: 'ok' }], { tracker: memory, now: () => clock });
  expect(memory.writes).toEqual(['label potions-alert', 'create #1', 'comment #1', 'update #1 closed completed']);
});
