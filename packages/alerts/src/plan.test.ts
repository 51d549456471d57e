import type { Alert } from './alert';
import { renderIssueBody } from './body';
import { planAlerts } from './plan';
import type { TrackedIssue } from './tracker';

const now = '2026-03-02T10:00:00.000Z';
const failing = (key: string, extra: Partial<Alert> = {}): Alert => ({ key, title: `${key} fails`, status: 'failing', details: 'd', ...extra });
const ok = (key: string): Alert => ({ key, title: `${key} fails`, status: 'ok' });
const issue = (number: number, alert: Alert, since = '2026-03-01T00:00:00.000Z'): TrackedIssue => ({
  number,
  url: `https://github.com/o/r/issues/${number}`,
  title: alert.title,
  body: renderIssueBody(alert, { since, now: since }),
  labels: ['potions-alert'],
});

test('every row of the table', () => {
  const open = [issue(1, failing('a')), issue(2, failing('b')), issue(3, failing('c'))];
  const plan = planAlerts([failing('new', { labels: ['build', 'potions-alert'] }), failing('a'), failing('b', { details: 'other' }), ok('c'), ok('green')], open, { label: 'potions-alert', now });
  expect(plan.map((a) => [a.kind, a.key, 'issue' in a ? a.issue.number : undefined])).toEqual([
    ['open', 'new', undefined],
    ['refresh', 'a', 1],
    ['comment', 'b', 2],
    ['close', 'c', 3],
    ['none', 'green', undefined],
  ]);
  expect(plan[0]).toMatchObject({ labels: ['potions-alert', 'build'] });
});

test('a refresh keeps when the failure started and moves "last seen"', () => {
  const [refresh] = planAlerts([failing('a', { runUrl: 'https://x.example/run/2' })], [issue(1, failing('a'))], { label: 'l', now });
  expect(refresh!.kind).toBe('refresh');
  const body = (refresh as { body: string }).body;
  expect(body).toContain('since 2026-03-01T00:00:00.000Z; last seen 2026-03-02T10:00:00.000Z in [this run](https://x.example/run/2)');
});

test('two open issues for one key: the oldest stays, the others are closed as its duplicates', () => {
  const plan = planAlerts([failing('a')], [issue(7, failing('a')), issue(4, failing('a'))], { label: 'l', now });
  expect(plan.map((a) => [a.kind, 'issue' in a ? a.issue.number : undefined])).toEqual([
    ['close-duplicate', 7],
    ['refresh', 4],
  ]);
  expect(plan[0]).toMatchObject({ duplicateOf: 4, comment: expect.stringContaining('Duplicate of #4') });
});

test('issues without a marker, and keys this run did not check, are left alone', () => {
  const stranger: TrackedIssue = { number: 9, url: 'u', title: 't', body: 'someone labelled this by hand', labels: ['potions-alert'] };
  const plan = planAlerts([ok('a')], [stranger, issue(10, failing('unchecked'))], { label: 'l', now });
  expect(plan).toEqual([{ kind: 'none', key: 'a' }]);
});
