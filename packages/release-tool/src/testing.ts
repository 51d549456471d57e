/**
 * Test doubles (`@potions/release-tool/testing`), never reachable from index.ts:
 *
 * - `startFakeGitHubChecks`: GitHub's two CI endpoints on 127.0.0.1 (port 0),
 *   `GET /repos/{owner}/{repo}/commits/{ref}/check-runs` and
 *   `GET /repos/{owner}/{repo}/commits/{ref}/status`. It checks the documented
 *   request shapes (method, path, a User-Agent, the Accept media type, the
 *   token as `Authorization`, `per_page` up to 100, `page`, `filter`) and
 *   answers with the documented response shapes: `{ total_count, check_runs }`
 *   with `Link` pagination, and the combined status `{ state, statuses,
 *   total_count, sha, ... }` whose `state` is derived as GitHub documents it.
 *   Unknown commits get 422, a bad token 401, anything else 404.
 * - `makeReleaseRepo`: a bare repository as the remote and a clone of it as
 *   the working copy, in a temporary folder, with the suite's layout (root
 *   `<name>/action.yml`, a reusable workflow using them, docs, a changelog).
 *   Identity is set in the clone's own config; global and system git config
 *   are kept out.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnExec } from '@potions/core';

export interface FakeCheckRun {
  name: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion?: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | 'stale' | null;
}

export interface FakeStatus {
  context: string;
  state: 'error' | 'failure' | 'pending' | 'success';
}

export interface FakeGitHubChecks {
  apiUrl: string;
  owner: string;
  repo: string;
  token: string;
  /** What CI reported on a commit (full id). A commit never set is unknown to GitHub (422). */
  setCommit(sha: string, report: { checkRuns?: FakeCheckRun[]; statuses?: FakeStatus[] }): void;
  /** Answer the next requests with these HTTP statuses before anything else (a 5xx to test retries). */
  failNext(...statuses: number[]): void;
  requests: { method: string; path: string; query: URLSearchParams; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
const OBJECT_ID = /^[0-9a-f]{40}$/;

export async function startFakeGitHubChecks(options: { owner?: string; repo?: string; token?: string; private?: boolean } = {}): Promise<FakeGitHubChecks> {
  const owner = options.owner ?? 'potions';
  const repo = options.repo ?? 'actions';
  const token = options.token ?? 'ghs_fakeReadToken0123456789';
  const commits = new Map<string, { checkRuns: FakeCheckRun[]; statuses: FakeStatus[] }>();
  const failures: number[] = [];
  const requests: FakeGitHubChecks['requests'] = [];
  let nextId = 1000;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-api-version-selected': '2022-11-28', ...headers });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, message: string, doc = DOCS): void => send(status, { message, documentation_url: doc, status: String(status) });
    const failure = failures.shift();
    if (failure !== undefined) return fail(failure, failure >= 500 ? 'Server Error' : 'Failure');
    if (req.method !== 'GET') return fail(404, 'Not Found');
    if (!req.headers['user-agent']) return fail(403, 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header');
    if (!/application\/(vnd\.github(\.v3)?\+)?json/.test(String(req.headers.accept ?? ''))) return fail(415, 'Unsupported media type');
    const auth = req.headers.authorization;
    if (auth !== undefined && auth !== `token ${token}` && auth !== `Bearer ${token}`) return fail(401, 'Bad credentials');
    const m = /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/(check-runs|status)$/.exec(url.pathname);
    if (!m || m[1]?.toLowerCase() !== owner.toLowerCase() || m[2]?.toLowerCase() !== repo.toLowerCase()) return fail(404, 'Not Found');
    if (options.private && auth === undefined) return fail(404, 'Not Found');
    const perPage = Number(url.searchParams.get('per_page') ?? '30');
    const page = Number(url.searchParams.get('page') ?? '1');
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100 || !Number.isInteger(page) || page < 1) return fail(422, 'Invalid request: per_page is 1 to 100, page from 1');
    const sha = m[3] as string;
    const report = OBJECT_ID.test(sha) ? commits.get(sha) : undefined;
    if (!report) return fail(422, `No commit found for SHA: ${sha}`, `${DOCS}/commits/statuses#get-the-combined-status-for-a-specific-reference`);
    const slice = <T>(all: T[]): T[] => all.slice((page - 1) * perPage, page * perPage);
    const link = (total: number): Record<string, string> => {
      if (page * perPage >= total) return {};
      const next = new URL(url.href.replace('http://127.0.0.1', `http://${req.headers.host}`));
      next.searchParams.set('page', String(page + 1));
      return { link: `<${next.href}>; rel="next"` };
    };
    if (m[4] === 'check-runs') {
      const filter = url.searchParams.get('filter') ?? 'latest';
      if (filter !== 'latest' && filter !== 'all') return fail(422, 'Invalid request: filter is latest or all');
      const runs = report.checkRuns.map((r) => ({
        id: nextId++,
        head_sha: sha,
        node_id: 'CR_fake',
        external_id: '',
        url: `${apiUrl}/repos/${owner}/${repo}/check-runs/1`,
        html_url: `https://github.com/${owner}/${repo}/runs/1`,
        details_url: `https://github.com/${owner}/${repo}/actions/runs/1/job/1`,
        status: r.status,
        conclusion: r.status === 'completed' ? (r.conclusion ?? 'success') : null,
        started_at: '2026-01-01T00:00:00Z',
        completed_at: r.status === 'completed' ? '2026-01-01T00:05:00Z' : null,
        output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: '' },
        name: r.name,
        check_suite: { id: 1 },
        app: { id: 15368, slug: 'github-actions', name: 'GitHub Actions' },
        pull_requests: [],
      }));
      return send(200, { total_count: runs.length, check_runs: slice(runs) }, link(runs.length));
    }
    const statuses = report.statuses.map((s, i) => ({
      url: `${apiUrl}/repos/${owner}/${repo}/statuses/${sha}`,
      avatar_url: null,
      id: i + 1,
      node_id: 'SC_fake',
      state: s.state,
      description: null,
      target_url: `https://ci.example/${i}`,
      context: s.context,
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
    }));
    const states = report.statuses.map((s) => s.state);
    const state = states.some((s) => s === 'error' || s === 'failure') ? 'failure' : states.length === 0 || states.includes('pending') ? 'pending' : 'success';
    return send(
      200,
      {
        state,
        statuses: slice(statuses),
        sha,
        total_count: statuses.length,
        repository: { id: 1, name: repo, full_name: `${owner}/${repo}` },
        commit_url: `${apiUrl}/repos/${owner}/${repo}/commits/${sha}`,
        url: `${apiUrl}/repos/${owner}/${repo}/commits/${sha}/status`,
      },
      link(statuses.length),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl,
    owner,
    repo,
    token,
    requests,
    setCommit: (sha, report) => commits.set(sha, { checkRuns: report.checkRuns ?? [], statuses: report.statuses ?? [] }),
    failNext: (...statuses) => failures.push(...statuses),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReleaseRepo {
  /** The temporary folder holding both. */
  root: string;
  /** The bare repository (the remote, `origin` of the clone). */
  remote: string;
  /** The clone to release from. */
  work: string;
  /** The environment for git in tests: no global or system config. */
  env: Record<string, string>;
  /** `git ARGS` in the clone (or `cwd`); its output, or an error with it. */
  git(args: string[], cwd?: string): Promise<string>;
  /** Write files in the clone, commit them and push to the remote's main; returns the commit. */
  commit(files: Record<string, string>, subject: string): Promise<string>;
  /** The remote's refs: name → object. */
  remoteRefs(): Promise<Map<string, string>>;
  cleanup(): Promise<void>;
}

export const FIXTURE_WORKFLOW = `# A reusable workflow of the suite (as .github/workflows/release.yml is).
# Callers write:
#   uses: potions/actions/.github/workflows/release.yml@v1
name: release
on:
  workflow_call:
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-24.04
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
        with:
          persist-credentials: false
      - id: build
        uses: potions/actions/build-recipe@v1
      - name: a script that only mentions an action
        run: |
          echo "uses: potions/actions/mirror-sync@v1"
  publish:
    needs: build
    runs-on: ubuntu-24.04
    timeout-minutes: 30
    steps:
      - uses: "potions/actions/mirror-sync@v1" # the mirrors
      - uses: 'Potions/Actions/manifest-publish@main'
`;

export const FIXTURE_CHANGELOG = `# Changelog

Every release of the suite.

## [Unreleased]

<!-- Notes for the next release go here. -->

- The reusable workflow pins its own actions.
`;

function gitEnv(root: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('GIT_')) env[k] = v;
  return { ...env, HOME: root, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' };
}

export async function makeReleaseRepo(): Promise<ReleaseRepo> {
  const root = await mkdtemp(path.join(tmpdir(), 'potions-reltool-'));
  const remote = path.join(root, 'remote.git');
  const work = path.join(root, 'work');
  const env = gitEnv(root);
  const git = async (args: string[], cwd = work): Promise<string> => {
    const chunks: Buffer[] = [];
    const res = await spawnExec({ argv: ['git', ...args], cwd, env, timeoutMs: 60_000, onOutput: (c) => chunks.push(c) });
    const out = Buffer.concat(chunks).toString('utf8');
    if (res.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed (${res.exitCode}): ${out}`);
    return out;
  };
  await git(['init', '--quiet', '--bare', '--initial-branch=main', remote], root);
  await git(['clone', '--quiet', remote, work], root);
  await git(['config', 'user.name', 'Release Tester']);
  await git(['config', 'user.email', 'release-tester@example.invalid']);
  await git(['config', 'commit.gpgSign', 'false']);
  await git(['config', 'tag.gpgSign', 'false']);
  await git(['checkout', '--quiet', '-B', 'main']);
  const commit = async (files: Record<string, string>, subject: string): Promise<string> => {
    for (const [name, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(work, name)), { recursive: true });
      await writeFile(path.join(work, name), content);
    }
    await git(['add', '--all']);
    await git(['commit', '--quiet', '--allow-empty', '-m', subject]);
    await git(['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
    return (await git(['rev-parse', 'HEAD'])).trim();
  };
  const action = (name: string): string => `name: ${name}\ndescription: the ${name} action\nruns:\n  using: node24\n  main: ../actions/${name}/dist/index.js\n`;
  await commit(
    {
      'build-recipe/action.yml': action('build-recipe'),
      'mirror-sync/action.yml': action('mirror-sync'),
      'manifest-publish/action.yaml': action('manifest-publish'),
      '.github/workflows/release.yml': FIXTURE_WORKFLOW,
      '.github/workflows/ci.yml': 'name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo test\n',
      'docs/usage.md': '```yaml\n- uses: potions/actions/mirror-sync@v1\n```\n',
      'CHANGELOG.md': FIXTURE_CHANGELOG,
    },
    'actions: build-recipe, mirror-sync and manifest-publish at the root',
  );
  return {
    root,
    remote,
    work,
    env,
    git,
    commit,
    remoteRefs: async () => {
      const out = await git(['for-each-ref', '--format=%(refname) %(objectname)'], remote);
      return new Map(
        out
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(' ') as [string, string]),
      );
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
