export { AlertsErrorCode } from './errors';
export { AlertSchema, alertsFromValue, buildAlertKey, mirrorAlertKey } from './alert';
export type { Alert } from './alert';
export { markdownText, markdownCodeBlock, issueTitle, linkTarget } from './markdown';
export {
  ALERT_MARKER,
  GITHUB_BODY_LIMIT,
  parseAlertMarker,
  alertDigest,
  renderIssueBody,
  renderChangeComment,
  renderCloseComment,
  renderDuplicateComment,
} from './body';
export type { AlertMarker } from './body';
export type { IssueTracker, TrackedIssue, LabelSpec, IssueUpdate } from './tracker';
export { GitHubIssueTracker, GITHUB_API_URL, rateLimitWait } from './github-tracker';
export type { GitHubTrackerOptions, AlertsRetryOptions } from './github-tracker';
export { planAlerts } from './plan';
export type { AlertAction, AlertActionKind, PlanAlertsOptions } from './plan';
export { syncAlerts, alertsReportMarkdown, DEFAULT_ALERT_LABEL } from './sync';
export type { SyncAlertsOptions, AlertOutcome, AlertsReport } from './sync';
