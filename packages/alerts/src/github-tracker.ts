/**
 * `IssueTracker` over GitHub's REST API with `@octokit/rest`:
 *
 * - open issues are found by listing the alert label (`GET /repos/{o}/{r}/issues?state=open&labels=…`,
 *   every page), not with the search API, whose index lags behind writes by
 *   seconds to minutes: a search right after a create would miss it and open
 *   a duplicate;
 * - every request goes through the one retry helper (`retry` in `@potions/core`):
 *   rate limits (403/429 with `retry-after`, or `x-ratelimit-remaining: 0`
 *   until `x-ratelimit-reset`) are waited out when the wait is short enough;
 *   5xx and network errors are retried too, except on the two POSTs that
 *   create something (an issue, a comment), where a retry after a lost answer
 *   could post twice;
 * - writes are spaced (a second by default), as GitHub asks of integrations
 *   that create content, to stay clear of its secondary rate limits.
 */
import { Octokit } from '@octokit/rest';
import { UserError, errorMessage, retry, silentReporter, sleep as defaultSleep, systemNow, type Now, type Reporter, type RetryOptions } from '@potions/core';
import { AlertsErrorCode } from './errors';
import type { IssueTracker, IssueUpdate, LabelSpec, TrackedIssue } from './tracker';

export const GITHUB_API_URL = 'https://api.github.com';

export type AlertsRetryOptions = Omit<RetryOptions, 'shouldRetry' | 'onRetry' | 'now'> & {
  /** A rate limit that asks for a longer wait than this fails at once. Default 120 000 ms. */
  maxRetryAfterMs?: number;
};

export interface GitHubTrackerOptions {
  /** `owner/name`. */
  repository: string;
  /** A token with `issues: write` on the repository (`GITHUB_TOKEN` in a workflow); masked. */
  token: string;
  /** Default https://api.github.com; GitHub Enterprise Server: `https://HOST/api/v3` (`GITHUB_API_URL`). */
  apiUrl?: string;
  fetch?: typeof fetch;
  reporter?: Reporter;
  retry?: AlertsRetryOptions;
  now?: Now;
  /** Pause before each write after the first. Default 1000 ms. */
  writeIntervalMs?: number;
  /** Per request, default 30 000 ms. */
  requestTimeoutMs?: number;
}

const REPOSITORY = /^([A-Za-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,100})$/;

/** What a failed Octokit request carries (`RequestError`), read by shape: bundles may hold two copies of its class. */
interface HttpFailure {
  status: number;
  message: string;
  response?: { headers: Record<string, string | undefined>; data?: unknown };
  request?: { method?: string; url?: string };
}

function httpFailure(err: unknown): HttpFailure | undefined {
  const e = err as Partial<HttpFailure> | null;
  return typeof e === 'object' && e !== null && typeof e.status === 'number' ? (e as HttpFailure) : undefined;
}

export class GitHubIssueTracker implements IssueTracker {
  readonly repository: string;
  private readonly owner: string;
  private readonly repo: string;
  private readonly octokit: Octokit;
  private readonly reporter: Reporter;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private wrote = false;

  constructor(private readonly options: GitHubTrackerOptions) {
    const m = REPOSITORY.exec(options.repository);
    if (!m) {
      throw new UserError(AlertsErrorCode.Options, `repository must be owner/name, got ${JSON.stringify(options.repository)}`, {
        location: { field: 'repository' },
      });
    }
    if (!options.token) throw new UserError(AlertsErrorCode.Options, 'no GitHub token given', { location: { field: 'token' } });
    this.repository = options.repository;
    this.owner = m[1]!;
    this.repo = m[2]!;
    this.reporter = options.reporter ?? silentReporter;
    this.reporter.secret(options.token);
    this.sleep = options.retry?.sleep ?? defaultSleep;
    const reporter = this.reporter;
    this.octokit = new Octokit({
      auth: options.token,
      baseUrl: (options.apiUrl ?? GITHUB_API_URL).replace(/\/+$/, ''),
      userAgent: 'potions-alerts',
      request: { ...(options.fetch ? { fetch: options.fetch } : {}) },
      log: { debug: (m: string) => reporter.debug(m), info: (m: string) => reporter.debug(m), warn: (m: string) => reporter.warn(m), error: (m: string) => reporter.debug(m) },
    });
    this.octokit.hook.wrap('request', (request, endpoint) => {
      const creates = endpoint.method === 'POST' && /\/(issues|comments)$/.test(String(endpoint.url));
      const what = `GitHub: ${endpoint.method} ${String(endpoint.url).replace('{owner}', this.owner).replace('{repo}', this.repo)}`;
      const { maxRetryAfterMs = 120_000, ...retryOptions } = options.retry ?? {};
      return retry(
        async () => request({ ...endpoint, request: { ...endpoint.request, signal: AbortSignal.timeout(options.requestTimeoutMs ?? 30_000) } }),
        {
          attempts: 4,
          baseMs: 1000,
          maxMs: 30_000,
          ...retryOptions,
          shouldRetry: (err) => {
            const wait = rateLimitWait(err, options.now ?? systemNow);
            if (wait !== undefined) return wait <= maxRetryAfterMs ? { retry: true, afterMs: wait } : false;
            const failure = httpFailure(err);
            const transient = !failure || failure.status >= 500;
            return transient && !creates;
          },
          onRetry: ({ err, attempt, delayMs }) =>
            reporter.info(`${what}: ${errorMessage(err)}; try ${attempt + 1} in ${(delayMs / 1000).toFixed(1)} s`),
        },
      );
    });
  }

  async listOpen(label: string): Promise<TrackedIssue[]> {
    const items = await this.call(`list the open issues labelled ${label}`, () =>
      this.octokit.paginate(this.octokit.rest.issues.listForRepo, { owner: this.owner, repo: this.repo, state: 'open', labels: label, per_page: 100 }),
    );
    return items
      .filter((i) => !i.pull_request)
      .map(toTracked)
      .sort((a, b) => a.number - b.number);
  }

  async ensureLabel(label: LabelSpec): Promise<void> {
    try {
      await this.octokit.rest.issues.getLabel({ owner: this.owner, repo: this.repo, name: label.name });
      return;
    } catch (err) {
      if (httpFailure(err)?.status !== 404) throw this.toUserError(err, `read the label ${label.name}`);
    }
    await this.beforeWrite();
    try {
      await this.octokit.rest.issues.createLabel({ owner: this.owner, repo: this.repo, ...label });
    } catch (err) {
      // Created by someone else in between: what we wanted.
      if (httpFailure(err)?.status === 422 && JSON.stringify(httpFailure(err)?.response?.data ?? '').includes('already_exists')) return;
      throw this.toUserError(err, `create the label ${label.name}`);
    }
  }

  async create(issue: { title: string; body: string; labels: string[] }): Promise<TrackedIssue> {
    await this.beforeWrite();
    const res = await this.call('open an issue', () => this.octokit.rest.issues.create({ owner: this.owner, repo: this.repo, ...issue }));
    return toTracked(res.data);
  }

  async comment(issue: number, body: string): Promise<{ url: string }> {
    await this.beforeWrite();
    const res = await this.call(`comment on #${issue}`, () =>
      this.octokit.rest.issues.createComment({ owner: this.owner, repo: this.repo, issue_number: issue, body }),
    );
    return { url: res.data.html_url };
  }

  async update(issue: number, update: IssueUpdate): Promise<TrackedIssue> {
    await this.beforeWrite();
    const res = await this.call(`update #${issue}`, () =>
      this.octokit.rest.issues.update({
        owner: this.owner,
        repo: this.repo,
        issue_number: issue,
        ...(update.title !== undefined ? { title: update.title } : {}),
        ...(update.body !== undefined ? { body: update.body } : {}),
        ...(update.state ? { state: update.state } : {}),
        ...(update.stateReason ? { state_reason: update.stateReason } : {}),
      }),
    );
    return toTracked(res.data);
  }

  private async beforeWrite(): Promise<void> {
    if (this.wrote) await this.sleep(this.options.writeIntervalMs ?? 1000);
    this.wrote = true;
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.toUserError(err, what);
    }
  }

  /** A failed request as the user's problem to fix or wait out; anything that is not an HTTP failure is a bug and passes. */
  private toUserError(err: unknown, what: string): unknown {
    const failure = httpFailure(err);
    if (!failure) return err;
    const head = `GitHub: cannot ${what} in ${this.repository}: HTTP ${failure.status}`;
    const detail = failure.message ? `: ${failure.message}` : '';
    if (rateLimitWait(err, this.options.now ?? systemNow) !== undefined) {
      return new UserError(AlertsErrorCode.RateLimited, `${head} rate limited${detail}`, {
        hint: 'GitHub limits how fast a token may write; the next run will catch up (the plan is the same)',
        cause: err,
      });
    }
    if (failure.status === 401 || failure.status === 403) {
      return new UserError(AlertsErrorCode.Auth, `${head}${detail}`, {
        hint: 'the token needs issues: write on the repository (in a workflow: permissions: issues: write)',
        cause: err,
      });
    }
    if (failure.status === 404) {
      return new UserError(AlertsErrorCode.NotFound, `${head}${detail}`, {
        hint: 'check the repository name; a token only sees repositories it was granted',
        cause: err,
      });
    }
    if (failure.status === 410) {
      return new UserError(AlertsErrorCode.Api, `${head}${detail}`, { hint: 'issues are turned off for the repository: turn them on in its settings', cause: err });
    }
    if (failure.status >= 500 || !failure.response) {
      return new UserError(AlertsErrorCode.Unreachable, `${head}${detail}`, { hint: 'GitHub did not answer; see https://www.githubstatus.com', cause: err });
    }
    return new UserError(AlertsErrorCode.Api, `${head}${detail}`, { hint: 'the message is GitHub\'s', cause: err });
  }
}

/**
 * How long a rate-limited request asks to wait, or undefined when it is not
 * rate limited. Secondary limits send `retry-after`; primary ones
 * `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (epoch seconds); a
 * secondary limit without either means "wait at least a minute" (GitHub's docs).
 */
export function rateLimitWait(err: unknown, now: Now = systemNow): number | undefined {
  const failure = httpFailure(err);
  if (!failure || (failure.status !== 403 && failure.status !== 429)) return undefined;
  const headers = failure.response?.headers ?? {};
  const after = headers['retry-after'];
  if (after !== undefined && /^\d+$/.test(after.trim())) return Number(after.trim()) * 1000;
  if (headers['x-ratelimit-remaining'] === '0' && headers['x-ratelimit-reset'] !== undefined) {
    return Math.max(0, Number(headers['x-ratelimit-reset']) * 1000 - now().getTime());
  }
  if (failure.status === 429 || /secondary rate limit/i.test(failure.message)) return 60_000;
  return undefined;
}

function toTracked(issue: { number: number; html_url: string; title: string; body?: string | null; labels: (string | { name?: string })[] }): TrackedIssue {
  return {
    number: issue.number,
    url: issue.html_url,
    title: issue.title,
    body: issue.body ?? '',
    labels: issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
  };
}
