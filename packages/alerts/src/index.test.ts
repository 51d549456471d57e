import * as api from './index';

test('the public surface is what docs/alerting.md describes', () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      'ALERT_MARKER',
      'AlertSchema',
      'AlertsErrorCode',
      'DEFAULT_ALERT_LABEL',
      'GITHUB_API_URL',
      'GITHUB_BODY_LIMIT',
      'GitHubIssueTracker',
      'alertDigest',
      'alertsFromValue',
      'alertsReportMarkdown',
      'buildAlertKey',
      'issueTitle',
      'linkTarget',
      'markdownCodeBlock',
      'markdownText',
      'mirrorAlertKey',
      'parseAlertMarker',
      'planAlerts',
      'rateLimitWait',
      'renderChangeComment',
      'renderCloseComment',
      'renderDuplicateComment',
      'renderIssueBody',
      'syncAlerts',
    ].sort(),
  );
});

test('every error code is E_ALERTS_*', () => {
  for (const code of Object.values(api.AlertsErrorCode)) expect(code).toMatch(/^E_ALERTS_[A-Z_]+$/);
});

test('alert input: keys checked, each key once, run URLs http(s)', () => {
  expect(api.buildAlertKey('jq', 'linux-arm64')).toBe('build/jq/linux-arm64');
  expect(api.mirrorAlertKey('wasabi')).toBe('mirror/wasabi');
  const good = { key: 'build/jq/linux-arm64', title: 't', status: 'failing' };
  expect(api.alertsFromValue([good])).toEqual([good]);
  expect(() => api.alertsFromValue([good, { ...good, status: 'ok' }], 'alerts.json')).toThrow(/given twice/);
  expect(() => api.alertsFromValue([{ ...good, key: 'a b -->' }])).toThrow(expect.objectContaining({ code: 'E_ALERTS_INPUT' }));
  expect(() => api.alertsFromValue([{ ...good, runUrl: 'javascript:alert(1)' }])).toThrow(/http\(s\) URL/);
  expect(() => api.alertsFromValue([{ ...good, status: 'red' }])).toThrow(/failing or ok/);
});
