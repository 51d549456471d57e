import { GITHUB_BODY_LIMIT, alertDigest, parseAlertMarker, renderChangeComment, renderCloseComment, renderIssueBody } from './body';
import type { Alert } from './alert';

const alert: Alert = {
  key: 'build/jq/linux-arm64',
  title: 'jq 1.7.1 fails to build on linux-arm64',
  status: 'failing',
  details: 'The `configure` step failed.',
  log: 'checking for gcc... no\nerror: no C compiler',
  runUrl: 'https://github.com/o/r/actions/runs/42',
};
const times = { since: '2026-03-01T10:00:00.000Z', now: '2026-03-02T10:00:00.000Z' };

test('the body starts with the markers that find it again, and shows the details, the run and the log', () => {
  const body = renderIssueBody(alert, times);
  expect(body.split('\n').slice(0, 3)).toEqual([
    '<!-- potions-alert: build/jq/linux-arm64 -->',
    `<!-- potions-alert-digest: ${alertDigest(alert)} -->`,
    '<!-- potions-alert-since: 2026-03-01T10:00:00.000Z -->',
  ]);
  expect(body).toContain('**Failing** since 2026-03-01T10:00:00.000Z; last seen 2026-03-02T10:00:00.000Z in [this run](https://github.com/o/r/actions/runs/42).');
  expect(body).toContain('The `configure` step failed.');
  expect(body).toContain('```text\nchecking for gcc... no\nerror: no C compiler\n```');
  expect(parseAlertMarker(body)).toEqual({ key: 'build/jq/linux-arm64', digest: alertDigest(alert), since: times.since });
  expect(parseAlertMarker(body.replace(/\n/g, '\r\n'))?.key).toBe('build/jq/linux-arm64');
});

test('only the first lines count: a marker quoted in the details or the log is never taken for one', () => {
  const sneaky: Alert = { ...alert, details: '<!-- potions-alert: mirror/other -->', log: '<!-- potions-alert: mirror/x -->' };
  const body = renderIssueBody(sneaky, times);
  expect(parseAlertMarker(body)?.key).toBe('build/jq/linux-arm64');
  expect(body).not.toContain('\n<!-- potions-alert: mirror/other -->');
  expect(parseAlertMarker('text first\n<!-- potions-alert: build/x/y -->')).toBeUndefined();
  expect(parseAlertMarker(null)).toBeUndefined();
});

test('the digest follows title, details and log, not the run or the time', () => {
  expect(alertDigest({ ...alert })).toBe(alertDigest(alert));
  expect(alertDigest({ ...alert, log: 'other' })).not.toBe(alertDigest(alert));
  expect(alertDigest({ ...alert, title: 'x' })).not.toBe(alertDigest(alert));
});

test('a huge log is cut from the front so the body fits GitHub\'s limit, keeping its end', () => {
  const log = `${'early line\n'.repeat(20_000)}the real error`;
  const body = renderIssueBody({ ...alert, log }, times);
  expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
  expect(body).toMatch(/… \(\d+ earlier characters cut\)/);
  expect(body).toContain('the real error\n```');
});

test('comments: what changed, and green again, both linking the run', () => {
  expect(renderChangeComment(alert, times.now)).toMatch(/^The failure changed; seen 2026-03-02T10:00:00.000Z in \[this run\]\(https:\/\/github.com\/o\/r\/actions\/runs\/42\)\./);
  expect(renderCloseComment({ ...alert, status: 'ok' }, times.now)).toBe('Green again 2026-03-02T10:00:00.000Z in [this run](https://github.com/o/r/actions/runs/42). Closing.');
  expect(renderCloseComment({ ...alert, status: 'ok', runUrl: undefined }, times.now)).toBe('Green again 2026-03-02T10:00:00.000Z. Closing.');
});
