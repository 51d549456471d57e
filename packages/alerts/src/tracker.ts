/**
 * `IssueTracker`: what alerting needs from an issue tracker. `GitHubIssueTracker`
 * implements it over `@octokit/rest`; `MemoryIssueTracker` (in
 * `@potions/alerts/testing`) in memory, for the tests of whoever wires alerting in.
 */
export interface TrackedIssue {
  number: number;
  /** The issue's page (`html_url`). */
  url: string;
  title: string;
  body: string;
  labels: string[];
}

export interface LabelSpec {
  name: string;
  /** Six hex digits, no `#`. */
  color: string;
  description: string;
}

export interface IssueUpdate {
  title?: string;
  body?: string;
  state?: 'closed';
  /** With `state: 'closed'`: `completed` (fixed) or `not_planned` (a duplicate). */
  stateReason?: 'completed' | 'not_planned';
}

export interface IssueTracker {
  /** `owner/name`. */
  readonly repository: string;
  /** Every open issue (never a pull request) that carries `label`, across all pages. */
  listOpen(label: string): Promise<TrackedIssue[]>;
  /** Create the label unless it exists. */
  ensureLabel(label: LabelSpec): Promise<void>;
  create(issue: { title: string; body: string; labels: string[] }): Promise<TrackedIssue>;
  comment(issue: number, body: string): Promise<{ url: string }>;
  update(issue: number, update: IssueUpdate): Promise<TrackedIssue>;
}
