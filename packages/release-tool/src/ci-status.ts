/**
 * Whether CI passed on a commit. The release asks a `CiStatus` (GitHub's
 * statuses and check runs in production, `GitHubCiStatus`) for what ran on
 * the commit, and decides here, without network, what counts as green.
 */

/** One check on a commit, normalised from a check run or a commit status. */
export interface CommitCheck {
  name: string;
  source: 'check-run' | 'status';
  state: 'passed' | 'failed' | 'pending' | 'skipped';
  /** The conclusion or state as GitHub gave it (`success`, `timed_out`, `in_progress`, ...). */
  detail: string;
  url?: string;
}

export interface CiReport {
  commit: string;
  checks: CommitCheck[];
  /** Where the report came from, for messages: `https://github.com/o/r/commit/<sha>/checks`. */
  source?: string;
}

/** Reads what CI reported on a commit. */
export interface CiStatus {
  report(commit: string): Promise<CiReport>;
}

export interface CiPolicy {
  /** Checks to leave out by name: the release job's own check run (it is still running while it asks). */
  ignore?: readonly string[];
  /** Checks that must be there and pass (by name); without any, every check that ran must pass and at least one must have. */
  require?: readonly string[];
}

export interface CiVerdict {
  commit: string;
  green: boolean;
  /** One line: why it is green or not. */
  summary: string;
  passed: string[];
  failed: string[];
  pending: string[];
  /** Required checks that did not run at all. */
  missing: string[];
  ignored: string[];
  source?: string;
}

/** A check run's conclusion as passed, failed or skipped (GitHub's list: success, failure, neutral, cancelled, skipped, timed_out, action_required, stale, startup_failure). */
export function checkRunState(status: string, conclusion: string | null | undefined): CommitCheck['state'] {
  if (status !== 'completed') return 'pending';
  if (conclusion === 'success') return 'passed';
  if (conclusion === 'neutral' || conclusion === 'skipped') return 'skipped';
  return 'failed';
}

/** A commit status's state (success, failure, error, pending). */
export function commitStatusState(state: string): CommitCheck['state'] {
  if (state === 'success') return 'passed';
  if (state === 'pending') return 'pending';
  return 'failed';
}

const describe = (c: CommitCheck): string => `${c.name} (${c.detail})`;

/**
 * Green when no check failed or is still running, every required check
 * passed, and something passed at all: a commit CI never ran on is not green.
 */
export function ciVerdict(report: CiReport, policy: CiPolicy = {}): CiVerdict {
  const ignore = new Set(policy.ignore ?? []);
  const checks = report.checks.filter((c) => !ignore.has(c.name));
  const ignored = report.checks.filter((c) => ignore.has(c.name)).map(describe);
  const passed = checks.filter((c) => c.state === 'passed');
  const failed = checks.filter((c) => c.state === 'failed');
  const pending = checks.filter((c) => c.state === 'pending');
  const missing = (policy.require ?? []).filter((name) => !checks.some((c) => c.name === name));
  const requiredNotPassed = (policy.require ?? []).filter((name) => checks.some((c) => c.name === name) && !passed.some((c) => c.name === name));
  const short = report.commit.slice(0, 12);
  let summary: string;
  if (failed.length > 0) summary = `CI failed on ${short}: ${failed.map(describe).join(', ')}`;
  else if (pending.length > 0) summary = `CI has not finished on ${short}: ${pending.map(describe).join(', ')}`;
  else if (missing.length > 0) summary = `required checks did not run on ${short}: ${missing.join(', ')}`;
  else if (requiredNotPassed.length > 0) summary = `required checks did not pass on ${short}: ${requiredNotPassed.join(', ')}`;
  else if (passed.length === 0) summary = `no CI result on ${short}: no check run or status passed${checks.length ? ` (only skipped ones: ${checks.map(describe).join(', ')})` : ''}`;
  else summary = `CI passed on ${short}: ${passed.length} check${passed.length === 1 ? '' : 's'} (${passed.map((c) => c.name).join(', ')})`;
  return {
    commit: report.commit,
    green: failed.length === 0 && pending.length === 0 && missing.length === 0 && requiredNotPassed.length === 0 && passed.length > 0,
    summary,
    passed: passed.map(describe),
    failed: failed.map(describe),
    pending: pending.map(describe),
    missing,
    ignored,
    ...(report.source ? { source: report.source } : {}),
  };
}
