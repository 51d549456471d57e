/**
 * `syncAlerts`: list the open alert issues, plan, and (unless a dry run)
 * apply the plan. One failed write does not stop the others: each outcome
 * says what happened to its key, and `ok` is false when any write failed.
 */
import { isUserError, silentReporter, systemNow, type Now, type Reporter } from '@potions/core';
import { alertsFromValue, type Alert } from './alert';
import { markdownText } from './markdown';
import { planAlerts, type AlertAction, type AlertActionKind } from './plan';
import type { IssueTracker, LabelSpec } from './tracker';

export const DEFAULT_ALERT_LABEL: LabelSpec = {
  name: 'potions-alert',
  color: 'b60205',
  description: 'Opened and closed by Potions alerting',
};

export interface SyncAlertsOptions {
  tracker: IssueTracker;
  /** Plan only: list the open issues, write nothing. */
  dryRun?: boolean;
  /** The label that marks alert issues. Default `potions-alert` (created when missing). */
  label?: LabelSpec;
  now?: Now;
  reporter?: Reporter;
}

export interface AlertOutcome {
  key: string;
  action: AlertActionKind;
  /** The issue acted on (for `open`: the new one; absent in a dry run). */
  issue?: { number: number; url: string };
  /** For `close-duplicate`: the issue kept. */
  duplicateOf?: number;
  /** Set when this write failed; the others were still attempted. */
  error?: { code: string; message: string };
}

export interface AlertsReport {
  repository: string;
  label: string;
  dryRun: boolean;
  /** False when any write failed. */
  ok: boolean;
  outcomes: AlertOutcome[];
  counts: Record<AlertActionKind, number>;
}

export async function syncAlerts(alerts: readonly Alert[], options: SyncAlertsOptions): Promise<AlertsReport> {
  const checked = alertsFromValue(alerts);
  const reporter = options.reporter ?? silentReporter;
  const label = options.label ?? DEFAULT_ALERT_LABEL;
  const { tracker } = options;
  const open = await tracker.listOpen(label.name);
  const plan = planAlerts(checked, open, { label: label.name, now: (options.now ?? systemNow)().toISOString() });
  const outcomes: AlertOutcome[] = [];
  if (!options.dryRun && plan.some((a) => a.kind === 'open')) await tracker.ensureLabel(label);
  for (const action of plan) {
    if (options.dryRun || action.kind === 'none') {
      outcomes.push(outcomeOf(action));
      continue;
    }
    try {
      outcomes.push(await apply(action, tracker));
      reporter.info(`alerts: ${describe(outcomes.at(-1)!)}`);
    } catch (err) {
      if (!isUserError(err)) throw err;
      outcomes.push({ ...outcomeOf(action), error: { code: err.code, message: err.message } });
      reporter.warn(`alerts: ${action.kind} ${action.key} failed: ${err.message}`);
    }
  }
  const counts = { open: 0, refresh: 0, comment: 0, close: 0, 'close-duplicate': 0, none: 0 } satisfies Record<AlertActionKind, number>;
  for (const o of outcomes) counts[o.action]++;
  return { repository: tracker.repository, label: label.name, dryRun: options.dryRun ?? false, ok: outcomes.every((o) => !o.error), outcomes, counts };
}

async function apply(action: Exclude<AlertAction, { kind: 'none' }>, tracker: IssueTracker): Promise<AlertOutcome> {
  switch (action.kind) {
    case 'open': {
      const issue = await tracker.create({ title: action.title, body: action.body, labels: action.labels });
      return { key: action.key, action: 'open', issue: { number: issue.number, url: issue.url } };
    }
    case 'refresh':
      await tracker.update(action.issue.number, { title: action.title, body: action.body });
      return outcomeOf(action);
    case 'comment':
      await tracker.comment(action.issue.number, action.comment);
      await tracker.update(action.issue.number, { title: action.title, body: action.body });
      return outcomeOf(action);
    case 'close':
      await tracker.comment(action.issue.number, action.comment);
      await tracker.update(action.issue.number, { state: 'closed', stateReason: 'completed' });
      return outcomeOf(action);
    case 'close-duplicate':
      await tracker.comment(action.issue.number, action.comment);
      await tracker.update(action.issue.number, { state: 'closed', stateReason: 'not_planned' });
      return outcomeOf(action);
  }
}

function outcomeOf(action: AlertAction): AlertOutcome {
  const out: AlertOutcome = { key: action.key, action: action.kind };
  if ('issue' in action) out.issue = { number: action.issue.number, url: action.issue.url };
  if (action.kind === 'close-duplicate') out.duplicateOf = action.duplicateOf;
  return out;
}

function describe(o: AlertOutcome): string {
  return `${o.action} ${o.key}${o.issue ? ` (#${o.issue.number} ${o.issue.url})` : ''}`;
}

const VERB: Record<AlertActionKind, string> = {
  open: 'opened',
  refresh: 'still failing (updated)',
  comment: 'failing differently (commented)',
  close: 'green again (closed)',
  'close-duplicate': 'duplicate (closed)',
  none: 'green',
};

/** A markdown table of the outcomes, for a job summary. */
export function alertsReportMarkdown(report: AlertsReport): string {
  const rows = report.outcomes.map((o) => {
    const issue = o.issue ? `[#${o.issue.number}](${o.issue.url})` : '';
    const what = o.error ? `**failed** (${markdownText(o.error.message)})` : `${report.dryRun && o.action !== 'none' ? 'would be ' : ''}${VERB[o.action]}`;
    return `| \`${o.key}\` | ${what} | ${issue} |`;
  });
  return [`| alert | ${report.dryRun ? 'plan (dry run)' : 'result'} | issue |`, '| --- | --- | --- |', ...rows].join('\n');
}
