/**
 * Plan, then apply: what to do with each alert, given the open issues that
 * carry the alert label. Pure, so a dry run prints exactly what a real run
 * would write.
 *
 * | alert   | open issue for its key          | action |
 * | ---     | ---                             | --- |
 * | failing | none                            | `open` a new issue |
 * | failing | yes, same title/details/log     | `refresh`: rewrite the description (last seen, run link); no notification |
 * | failing | yes, different                  | `comment` with the new details, and rewrite the description |
 * | ok      | yes                             | `close`: a comment, then closed as completed |
 * | ok      | none                            | `none` |
 *
 * Two open issues with the same key (two runs raced before this one) are
 * folded: the oldest is kept, the others are closed as duplicates of it.
 * Open issues whose key is not among the alerts are left alone: a run only
 * speaks for what it checked.
 */
import type { Alert } from './alert';
import { alertDigest, parseAlertMarker, renderChangeComment, renderCloseComment, renderDuplicateComment, renderIssueBody } from './body';
import { issueTitle } from './markdown';
import type { TrackedIssue } from './tracker';

export type AlertActionKind = 'open' | 'refresh' | 'comment' | 'close' | 'close-duplicate' | 'none';

export type AlertAction =
  | { kind: 'open'; key: string; title: string; body: string; labels: string[] }
  | { kind: 'refresh'; key: string; issue: TrackedIssue; title: string; body: string }
  | { kind: 'comment'; key: string; issue: TrackedIssue; comment: string; title: string; body: string }
  | { kind: 'close'; key: string; issue: TrackedIssue; comment: string }
  | { kind: 'close-duplicate'; key: string; issue: TrackedIssue; comment: string; duplicateOf: number }
  | { kind: 'none'; key: string };

export interface PlanAlertsOptions {
  /** The label every alert issue carries. */
  label: string;
  /** ISO 8601 time of this run. */
  now: string;
}

export function planAlerts(alerts: readonly Alert[], open: readonly TrackedIssue[], options: PlanAlertsOptions): AlertAction[] {
  const byKey = new Map<string, TrackedIssue[]>();
  for (const issue of [...open].sort((a, b) => a.number - b.number)) {
    const marker = parseAlertMarker(issue.body);
    if (!marker) continue;
    byKey.set(marker.key, [...(byKey.get(marker.key) ?? []), issue]);
  }
  const actions: AlertAction[] = [];
  for (const alert of alerts) {
    const [issue, ...duplicates] = byKey.get(alert.key) ?? [];
    const title = issueTitle(alert.title);
    if (!issue) {
      actions.push(
        alert.status === 'failing'
          ? { kind: 'open', key: alert.key, title, body: renderIssueBody(alert, { since: options.now, now: options.now }), labels: labelsOf(alert, options.label) }
          : { kind: 'none', key: alert.key },
      );
      continue;
    }
    for (const dup of duplicates) {
      actions.push({ kind: 'close-duplicate', key: alert.key, issue: dup, comment: renderDuplicateComment(alert.key, issue.number), duplicateOf: issue.number });
    }
    if (alert.status === 'ok') {
      actions.push({ kind: 'close', key: alert.key, issue, comment: renderCloseComment(alert, options.now) });
      continue;
    }
    const marker = parseAlertMarker(issue.body)!;
    const body = renderIssueBody(alert, { since: marker.since ?? options.now, now: options.now });
    actions.push(
      marker.digest === alertDigest(alert)
        ? { kind: 'refresh', key: alert.key, issue, title, body }
        : { kind: 'comment', key: alert.key, issue, comment: renderChangeComment(alert, options.now), title, body },
    );
  }
  return actions;
}

function labelsOf(alert: Alert, label: string): string[] {
  return [...new Set([label, ...(alert.labels ?? [])])];
}
