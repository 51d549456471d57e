/**
 * `CiStatus` over GitHub's REST API (`@octokit/rest`): what CI reported on a
 * commit is its check runs (GitHub Actions and other apps,
 * `GET /repos/{owner}/{repo}/commits/{ref}/check-runs`, the latest run of each
 * name, every page) and its commit statuses (other CI services,
 * `GET /repos/{owner}/{repo}/commits/{ref}/status`, the latest per context,
 * every page). Needs `checks: read` and `statuses: read`; a public repository
 * answers without a token, within a low rate limit. GETs only, so every
 * network error and 5xx is retried through core's `retry`.
 */
import { Octokit } from '@octokit/rest';
import { errorMessage, retry, silentReporter, UserError, type Reporter, type RetryOptions } from '@potions/core';
import { checkRunState, commitStatusState, type CiReport, type CiStatus, type CommitCheck } from './ci-status';
import { ReleaseErrorCode } from './errors';

export const GITHUB_API_URL = 'https://api.github.com';

export interface GitHubCiStatusOptions {
  /** `owner/name`. */
  repository: string;
  /** Read access to checks and statuses (`GITHUB_TOKEN` in a workflow); masked. Optional for a public repository. */
  token?: string;
  /** Default https://api.github.com; GitHub Enterprise Server: `https://HOST/api/v3`. */
  apiUrl?: string;
  /** For links in messages; default https://github.com. */
  serverUrl?: string;
  fetch?: typeof fetch;
  reporter?: Reporter;
  retry?: Omit<RetryOptions, 'shouldRetry' | 'onRetry'>;
  /** Per request, default 30 000 ms. */
  requestTimeoutMs?: number;
}

const REPOSITORY = /^([A-Za-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,100})$/;
const PER_PAGE = 100;

interface HttpFailure {
  status: number;
  message: string;
}

function httpFailure(err: unknown): HttpFailure | undefined {
  const e = err as Partial<HttpFailure> | null;
  return typeof e === 'object' && e !== null && typeof e.status === 'number' ? (e as HttpFailure) : undefined;
}

/** `owner/name`, checked. */
export function parseRepository(value: string): { owner: string; repo: string } {
  const m = REPOSITORY.exec(value.trim());
  if (!m) throw new UserError(ReleaseErrorCode.Options, `a repository is owner/name, got ${JSON.stringify(value)}`, { location: { field: 'repository' } });
  return { owner: m[1] as string, repo: m[2] as string };
}

export class GitHubCiStatus implements CiStatus {
  private readonly owner: string;
  private readonly repo: string;
  private readonly octokit: Octokit;

  constructor(private readonly options: GitHubCiStatusOptions) {
    ({ owner: this.owner, repo: this.repo } = parseRepository(options.repository));
    const reporter = options.reporter ?? silentReporter;
    if (options.token) reporter.secret(options.token);
    this.octokit = new Octokit({
      ...(options.token ? { auth: options.token } : {}),
      baseUrl: (options.apiUrl ?? GITHUB_API_URL).replace(/\/+$/, ''),
      userAgent: 'potions-release-tool',
      request: { ...(options.fetch ? { fetch: options.fetch } : {}) },
      log: { debug: (m: string) => reporter.debug(m), info: (m: string) => reporter.debug(m), warn: (m: string) => reporter.warn(m), error: (m: string) => reporter.debug(m) },
    });
    this.octokit.hook.wrap('request', (request, endpoint) =>
      retry(async () => request({ ...endpoint, request: { ...endpoint.request, signal: AbortSignal.timeout(options.requestTimeoutMs ?? 30_000) } }), {
        attempts: 4,
        baseMs: 1000,
        maxMs: 20_000,
        ...options.retry,
        shouldRetry: (err) => {
          const failure = httpFailure(err);
          return !failure || failure.status >= 500 || failure.status === 429;
        },
        onRetry: ({ err, attempt, delayMs }) => reporter.info(`GitHub: ${endpoint.method} ${String(endpoint.url)}: ${errorMessage(err)}; try ${attempt + 1} in ${(delayMs / 1000).toFixed(1)} s`),
      }),
    );
  }

  async report(commit: string): Promise<CiReport> {
    const checkRuns = await this.call('list the check runs', () =>
      this.octokit.paginate(this.octokit.rest.checks.listForRef, { owner: this.owner, repo: this.repo, ref: commit, filter: 'latest', per_page: PER_PAGE }),
    );
    const statuses = await this.call('read the commit statuses', () => this.combinedStatuses(commit));
    const checks: CommitCheck[] = [
      ...checkRuns.map((r) => ({
        name: r.name,
        source: 'check-run' as const,
        state: checkRunState(r.status, r.conclusion),
        detail: r.status === 'completed' ? (r.conclusion ?? 'completed') : r.status,
        ...(r.html_url ? { url: r.html_url } : {}),
      })),
      ...statuses.map((s) => ({
        name: s.context,
        source: 'status' as const,
        state: commitStatusState(s.state),
        detail: s.state,
        ...(s.target_url ? { url: s.target_url } : {}),
      })),
    ];
    const server = (this.options.serverUrl ?? 'https://github.com').replace(/\/+$/, '');
    return { commit, checks, source: `${server}/${this.owner}/${this.repo}/commit/${commit}` };
  }

  /** The latest status of every context: the combined status, page by page (its `total_count` counts contexts). */
  private async combinedStatuses(commit: string): Promise<{ context: string; state: string; target_url?: string | null }[]> {
    const out: { context: string; state: string; target_url?: string | null }[] = [];
    for (let page = 1; ; page++) {
      const res = await this.octokit.rest.repos.getCombinedStatusForRef({ owner: this.owner, repo: this.repo, ref: commit, per_page: PER_PAGE, page });
      out.push(...res.data.statuses);
      if (res.data.statuses.length < PER_PAGE || out.length >= res.data.total_count) return out;
    }
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const failure = httpFailure(err);
      const head = `GitHub: cannot ${what} of ${this.owner}/${this.repo}`;
      if (!failure) {
        throw new UserError(ReleaseErrorCode.CiUnavailable, `${head}: ${errorMessage(err)}`, { hint: 'check the network and the API URL', cause: err });
      }
      const hint =
        failure.status === 401 || failure.status === 403
          ? 'the token needs read access to checks and commit statuses (checks: read, statuses: read)'
          : failure.status === 404 || failure.status === 422
            ? 'is the repository name right, and is the commit pushed to GitHub? A private repository also answers 404 without a token'
            : undefined;
      throw new UserError(ReleaseErrorCode.CiUnavailable, `${head}: HTTP ${failure.status}${failure.message ? `: ${failure.message}` : ''}`, { hint, cause: err });
    }
  }
}
