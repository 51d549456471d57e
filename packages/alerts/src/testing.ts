/**
 * Test doubles other packages may use (`@potions/alerts/testing`):
 *
 * - `startFakeGitHub`: GitHub's REST API for the calls alerting makes, on
 *   127.0.0.1. It checks the documented request shapes (method, path, token,
 *   User-Agent, JSON body fields and their limits) and answers with the
 *   documented response shapes: issue objects, `Link` pagination, 201 on
 *   create, 404/422 errors, and canned failures such as a 403 secondary rate
 *   limit with `retry-after`. GitHub itself cannot be reached from the test machines.
 * - `MemoryIssueTracker`: an `IssueTracker` in memory.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IssueTracker, IssueUpdate, LabelSpec, TrackedIssue } from './tracker';

export interface FakeIssue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: 'completed' | 'not_planned' | 'reopened' | null;
  labels: string[];
  comments: string[];
  /** Set for pull requests, which the issues API lists too. */
  pull_request?: { url: string };
}

export interface CannedGitHubResponse {
  status: number;
  headers?: Record<string, string>;
  message?: string;
  /** Only for a request with this method (and path, when given); other requests pass it by. */
  match?: { method: string; path?: RegExp };
}

export interface FakeGitHub {
  /** The API base URL to use instead of https://api.github.com. */
  apiUrl: string;
  owner: string;
  repo: string;
  token: string;
  issues: FakeIssue[];
  labels: Map<string, { name: string; color: string; description: string | null }>;
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: unknown }[];
  /** Answer the next (matching) requests with these, in order, before any check. */
  failNext(...responses: CannedGitHubResponse[]): void;
  /** Add an issue (or, with `pull_request`, a pull request) as if someone had opened it. */
  seed(issue: Partial<FakeIssue> & { title: string }): FakeIssue;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
const CREATE_FIELDS = new Set(['title', 'body', 'labels', 'assignees', 'assignee', 'milestone', 'type']);
const UPDATE_FIELDS = new Set(['title', 'body', 'state', 'state_reason', 'labels', 'assignees', 'assignee', 'milestone', 'type']);

export async function startFakeGitHub(options: { owner?: string; repo?: string; token?: string } = {}): Promise<FakeGitHub> {
  const owner = options.owner ?? 'potions';
  const repo = options.repo ?? 'recipes';
  const token = options.token ?? 'ghs_fake0123456789';
  const canned: CannedGitHubResponse[] = [];
  const issues: FakeIssue[] = [];
  const labels = new Map<string, { name: string; color: string; description: string | null }>();
  const requests: FakeGitHub['requests'] = [];
  let nextNumber = 1;
  let base = '';

  const htmlUrl = (n: number): string => `https://github.com/${owner}/${repo}/issues/${n}`;
  const labelView = (name: string) => ({ id: name.length, name, color: labels.get(name)?.color ?? 'ededed', description: labels.get(name)?.description ?? null, default: false });
  const issueView = (i: FakeIssue) => ({
    id: 1000 + i.number,
    node_id: `I_${i.number}`,
    url: `${base}/repos/${owner}/${repo}/issues/${i.number}`,
    html_url: htmlUrl(i.number),
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason,
    labels: i.labels.map(labelView),
    comments: i.comments.length,
    user: { login: 'potions-bot' },
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    closed_at: i.state === 'closed' ? '2026-01-01T00:00:00Z' : null,
    ...(i.pull_request ? { pull_request: i.pull_request } : {}),
  });
  const seed = (issue: Partial<FakeIssue> & { title: string }): FakeIssue => {
    const created: FakeIssue = { number: nextNumber++, body: null, state: 'open', state_reason: null, labels: [], comments: [], ...issue };
    for (const l of created.labels) if (!labels.has(l)) labels.set(l, { name: l, color: 'ededed', description: null });
    issues.push(created);
    return created;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const send = (status: number, data: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-media-type': 'github.v3; format=json', ...headers });
        res.end(data === undefined ? '' : JSON.stringify(data));
      };
      const error = (status: number, message: string, extra: Record<string, unknown> = {}): void =>
        send(status, { message, documentation_url: DOCS, status: String(status), ...extra });
      const invalid = (resource: string, field: string, code: string, message?: string): void =>
        error(422, 'Validation Failed', { errors: [{ resource, field, code, ...(message ? { message } : {}) }] });

      const at = canned.findIndex((c) => !c.match || (c.match.method === req.method && (!c.match.path || c.match.path.test(req.url ?? ''))));
      const next = at >= 0 ? canned.splice(at, 1)[0] : undefined;
      if (next) return send(next.status, { message: next.message ?? `canned ${next.status}`, documentation_url: DOCS }, next.headers);
      // GitHub refuses requests without a User-Agent.
      if (!req.headers['user-agent']) return error(403, 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header');
      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${token}` && auth !== `Bearer ${token}`) return error(401, 'Bad credentials');
      if (!/application\/(vnd\.github[.+a-z0-9-]*|json)/.test(String(req.headers.accept ?? ''))) return error(415, 'Unsupported Accept header');
      if (raw && !(req.headers['content-type'] ?? '').startsWith('application/json')) return error(415, 'Unsupported Content-Type');
      if (raw && body === undefined) return error(400, 'Problems parsing JSON');

      const url = new URL(req.url ?? '/', 'http://x');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (parts[0] !== 'repos' || parts[1] !== owner || parts[2] !== repo) return error(404, 'Not Found');
      const [, , , collection, id, sub] = parts;
      const doc = (body ?? {}) as Record<string, unknown>;

      if (collection === 'issues' && id === undefined && req.method === 'GET') {
        const state = url.searchParams.get('state') ?? 'open';
        const wanted = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
        const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
        const page = Number(url.searchParams.get('page') ?? 1);
        // GitHub lists newest first.
        const matching = [...issues]
          .reverse()
          .filter((i) => (state === 'all' || i.state === state) && wanted.every((l) => i.labels.includes(l)));
        const last = Math.max(1, Math.ceil(matching.length / perPage));
        const pageItems = matching.slice((page - 1) * perPage, page * perPage);
        const link = (p: number): string => {
          const u = new URL(`${base}${url.pathname}`);
          url.searchParams.forEach((v, k) => u.searchParams.set(k, v));
          u.searchParams.set('page', String(p));
          return u.toString();
        };
        const rels = [page < last ? `<${link(page + 1)}>; rel="next"` : '', page < last ? `<${link(last)}>; rel="last"` : '', page > 1 ? `<${link(1)}>; rel="first"` : '', page > 1 ? `<${link(page - 1)}>; rel="prev"` : ''].filter(Boolean);
        return send(200, pageItems.map(issueView), rels.length ? { link: rels.join(', ') } : {});
      }
      if (collection === 'issues' && id === undefined && req.method === 'POST') {
        const unknown = Object.keys(doc).filter((k) => !CREATE_FIELDS.has(k));
        if (unknown.length) return invalid('Issue', unknown[0]!, 'invalid');
        if (typeof doc.title !== 'string' || !doc.title) return invalid('Issue', 'title', 'missing_field');
        if (doc.title.length > 256) return invalid('Issue', 'title', 'custom', 'title is too long (maximum is 256 characters)');
        if (doc.body !== undefined && (typeof doc.body !== 'string' || doc.body.length > 65536)) return invalid('Issue', 'body', 'custom', 'body is too long (maximum is 65536 characters)');
        if (doc.labels !== undefined && (!Array.isArray(doc.labels) || doc.labels.some((l) => typeof l !== 'string'))) return invalid('Issue', 'labels', 'invalid');
        const created = seed({ title: doc.title, body: (doc.body as string | undefined) ?? null, labels: (doc.labels as string[] | undefined) ?? [] });
        return send(201, issueView(created), { location: issueView(created).url });
      }
      const issue = collection === 'issues' && id !== undefined ? issues.find((i) => i.number === Number(id)) : undefined;
      if (collection === 'issues' && id !== undefined && !issue) return error(404, 'Not Found');
      if (issue && sub === 'comments' && req.method === 'POST') {
        if (typeof doc.body !== 'string' || !doc.body) return invalid('IssueComment', 'body', 'missing_field');
        if (doc.body.length > 65536) return invalid('IssueComment', 'body', 'custom', 'body is too long (maximum is 65536 characters)');
        issue.comments.push(doc.body);
        const n = issue.comments.length;
        return send(201, { id: issue.number * 1000 + n, html_url: `${htmlUrl(issue.number)}#issuecomment-${issue.number * 1000 + n}`, body: doc.body, user: { login: 'potions-bot' } });
      }
      if (issue && sub === undefined && req.method === 'PATCH') {
        const unknown = Object.keys(doc).filter((k) => !UPDATE_FIELDS.has(k));
        if (unknown.length) return invalid('Issue', unknown[0]!, 'invalid');
        if (doc.state !== undefined && doc.state !== 'open' && doc.state !== 'closed') return invalid('Issue', 'state', 'invalid');
        if (doc.state_reason !== undefined && !['completed', 'not_planned', 'reopened', null].includes(doc.state_reason as string)) {
          return invalid('Issue', 'state_reason', 'invalid');
        }
        if (doc.title !== undefined && (typeof doc.title !== 'string' || doc.title.length > 256)) return invalid('Issue', 'title', 'invalid');
        if (doc.body !== undefined && (typeof doc.body !== 'string' || doc.body.length > 65536)) return invalid('Issue', 'body', 'invalid');
        if (typeof doc.title === 'string') issue.title = doc.title;
        if (typeof doc.body === 'string') issue.body = doc.body;
        if (doc.state === 'closed') {
          issue.state = 'closed';
          issue.state_reason = (doc.state_reason as FakeIssue['state_reason']) ?? 'completed';
        } else if (doc.state === 'open') {
          issue.state = 'open';
          issue.state_reason = 'reopened';
        }
        return send(200, issueView(issue));
      }
      if (collection === 'labels' && id !== undefined && req.method === 'GET') {
        return labels.has(id) ? send(200, labelView(id)) : error(404, 'Not Found');
      }
      if (collection === 'labels' && id === undefined && req.method === 'POST') {
        if (typeof doc.name !== 'string' || !doc.name) return invalid('Label', 'name', 'missing_field');
        if (typeof doc.color !== 'string' || !/^[0-9a-fA-F]{6}$/.test(doc.color)) return invalid('Label', 'color', 'invalid');
        if (labels.has(doc.name)) return invalid('Label', 'name', 'already_exists');
        labels.set(doc.name, { name: doc.name, color: doc.color, description: (doc.description as string | undefined) ?? null });
        return send(201, labelView(doc.name));
      }
      return error(404, 'Not Found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: base,
    owner,
    repo,
    token,
    issues,
    labels,
    requests,
    failNext: (...responses) => void canned.push(...responses),
    seed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An `IssueTracker` in memory: what it holds, and every write, in order. */
export class MemoryIssueTracker implements IssueTracker {
  readonly issues: (TrackedIssue & { state: 'open' | 'closed'; stateReason?: string; comments: string[] })[] = [];
  readonly labels = new Map<string, LabelSpec>();
  readonly writes: string[] = [];
  constructor(readonly repository = 'potions/recipes') {}

  async listOpen(label: string): Promise<TrackedIssue[]> {
    return this.issues.filter((i) => i.state === 'open' && i.labels.includes(label)).map(({ number, url, title, body, labels }) => ({ number, url, title, body, labels: [...labels] }));
  }
  async ensureLabel(label: LabelSpec): Promise<void> {
    if (!this.labels.has(label.name)) {
      this.labels.set(label.name, label);
      this.writes.push(`label ${label.name}`);
    }
  }
  async create(issue: { title: string; body: string; labels: string[] }): Promise<TrackedIssue> {
    const number = this.issues.length + 1;
    const created = { number, url: `https://github.com/${this.repository}/issues/${number}`, ...issue, labels: [...issue.labels], state: 'open' as const, comments: [] };
    this.issues.push(created);
    this.writes.push(`create #${number}`);
    return { number, url: created.url, title: created.title, body: created.body, labels: [...created.labels] };
  }
  async comment(issue: number, body: string): Promise<{ url: string }> {
    const found = this.find(issue);
    found.comments.push(body);
    this.writes.push(`comment #${issue}`);
    return { url: `${found.url}#issuecomment-${found.comments.length}` };
  }
  async update(issue: number, update: IssueUpdate): Promise<TrackedIssue> {
    const found = this.find(issue);
    if (update.title !== undefined) found.title = update.title;
    if (update.body !== undefined) found.body = update.body;
    if (update.state) {
      found.state = update.state;
      found.stateReason = update.stateReason ?? 'completed';
    }
    this.writes.push(`update #${issue}${update.state ? ` ${update.state} ${found.stateReason}` : ''}`);
    return { number: found.number, url: found.url, title: found.title, body: found.body, labels: [...found.labels] };
  }
  private find(n: number) {
    const found = this.issues.find((i) => i.number === n);
    if (!found) throw new Error(`no issue #${n}`);
    return found;
  }
}
