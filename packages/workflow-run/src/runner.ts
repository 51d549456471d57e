/**
 * A reusable workflow of this repository, run job by job on this machine the
 * way GitHub's runner runs it: the file parsed, each job's `if`, matrix,
 * permissions, runner and container evaluated, every step's `if`, `with`,
 * `env` and timeout evaluated with GitHub's expression engine, each action of
 * this repository resolved from the repository root (`uses:
 * <owner>/<repo>/<name>@ref` opens `<root>/<name>/action.yml`) and its
 * committed bundle started with node and `INPUT_*`, `GITHUB_OUTPUT`,
 * `GITHUB_ENV`, `GITHUB_PATH`, `GITHUB_STATE`, `GITHUB_STEP_SUMMARY`,
 * `GITHUB_WORKSPACE`, `RUNNER_TEMP`; `run:` steps in bash as GitHub starts
 * them; job outputs handed along `needs`; the workflow's outputs at the end.
 * A re-run keeps the jobs it does not re-run, as "Re-run failed jobs" does.
 *
 * What only GitHub has is stood in for by the `standIns` (checkout, artifact
 * upload and download: see `artifacts.ts`), a local cache service
 * (`cache-server.ts`) and the OIDC token endpoint the caller passes for jobs
 * granted `id-token: write`. Jobs run one after another and legs of a matrix
 * one after another, all on this machine, each in the same workspace and
 * temporary folder paths (emptied first), as each job on a fresh hosted
 * runner: `runs-on` and `container` are evaluated and recorded, not honoured.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { evaluateCondition, evaluateText, evaluateValue, type Contexts, type StatusFunctions } from './expressions';
import { expandMatrix, type MatrixLeg } from './matrix';

export type JobResult = 'success' | 'failure' | 'skipped' | 'cancelled';

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  title?: string;
}

export interface StepRun {
  index: number;
  id?: string;
  name: string;
  uses?: string;
  outcome: 'success' | 'failure' | 'skipped';
  conclusion: 'success' | 'failure' | 'skipped';
  outputs: Record<string, string>;
  /** The inputs the step got (`with:` evaluated, action defaults added). */
  inputs: Record<string, string>;
  summary: string;
  log: string;
  annotations: Annotation[];
}

export interface LegRun {
  matrix?: MatrixLeg;
  result: JobResult;
  attempt: number;
  steps: StepRun[];
  runsOn: unknown;
  container?: string;
  timeoutMinutes?: number;
  permissions: Record<string, string>;
  environment?: string;
  concurrency?: { group: string; cancelInProgress: boolean };
  outputs: Record<string, string>;
}

export interface JobRun {
  id: string;
  result: JobResult;
  outputs: Record<string, string>;
  legs: LegRun[];
  /** The attempt that last ran it. */
  attempt: number;
}

export interface WorkflowRun {
  runId: string;
  attempt: number;
  inputs: Record<string, unknown>;
  jobs: Record<string, JobRun>;
  outputs: Record<string, string>;
}

/** What a stand-in for a third-party action gets: its evaluated inputs and the leg it runs in. */
export interface StandInContext {
  inputs: Record<string, string>;
  workspace: string;
  temp: string;
  attempt: number;
}

/** Does what the action would; throws to fail the step. */
export type StandIn = (ctx: StandInContext) => Promise<{ outputs?: Record<string, string>; warnings?: string[] }>;

export interface RunWorkflowOptions {
  /** The repository holding the workflow and its actions (this one). */
  root: string;
  /** The workflow file, relative to `root`. */
  workflow: string;
  /** `owner/repo` of `root`: `uses: <owner>/<repo>/<path>@ref` resolves to `<root>/<path>`. */
  repository: string;
  /** The calling repository: what `github.*` describes. */
  caller: { repository: string; sha?: string; ref?: string; eventName?: string; actor?: string };
  /** The `with:` of the calling job. */
  inputs: Record<string, unknown>;
  /** The `secrets:` of the calling job. */
  secrets: Record<string, string>;
  /** Where workspaces and temporary folders go. */
  work: string;
  runId: string;
  /** Stand-ins for third-party actions, by `owner/repo` (without ref). */
  standIns: Record<string, StandIn>;
  /** Every step's base environment (PATH, HOME, ...). */
  env?: Record<string, string>;
  /** `ACTIONS_CACHE_URL` of a cache service, given to every step. */
  cacheUrl?: string;
  /** The OIDC token endpoint (`ACTIONS_ID_TOKEN_REQUEST_URL`, `_TOKEN`), given only to jobs granted `id-token: write`. */
  oidc?: Record<string, string>;
  /** The node that runs node20/node24 actions. Default: this process's. */
  node?: string;
  /** A re-run of this run: the jobs not re-run keep their results. */
  previous?: WorkflowRun;
  /** 'failed': the failed jobs (the failed legs of a matrix) and their dependants; or these jobs and their dependants. */
  rerun?: 'failed' | readonly string[];
  /** Told each step's result as it ends. */
  onStep?: (job: string, leg: LegRun, step: StepRun) => void;
}

interface Workflow {
  on: Record<string, { inputs?: Record<string, { type?: string; default?: unknown; required?: boolean }>; secrets?: Record<string, { required?: boolean }>; outputs?: Record<string, { value: string }> } | null>;
  env?: Record<string, unknown>;
  permissions?: unknown;
  jobs: Record<string, Job>;
}

interface Job {
  name?: string;
  needs?: string | string[];
  if?: unknown;
  'runs-on'?: unknown;
  container?: unknown;
  'timeout-minutes'?: unknown;
  permissions?: unknown;
  environment?: unknown;
  concurrency?: unknown;
  strategy?: { matrix?: unknown; 'fail-fast'?: unknown; 'max-parallel'?: unknown };
  env?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  steps?: Step[];
  uses?: string;
}

interface Step {
  id?: string;
  name?: string;
  if?: unknown;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'timeout-minutes'?: unknown;
  'working-directory'?: string;
  'continue-on-error'?: unknown;
}

const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);

/** Jobs in an order where each comes after what it needs; a cycle or an unknown need throws. */
function jobOrder(jobs: Record<string, Job>): string[] {
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`jobs need each other in a circle at ${id}`);
    const job = jobs[id];
    if (!job) throw new Error(`a job needs "${id}", which the workflow does not have`);
    state.set(id, 'visiting');
    for (const n of needsOf(job)) visit(n);
    state.set(id, 'done');
    out.push(id);
  };
  for (const id of Object.keys(jobs)) visit(id);
  return out;
}

/** The jobs to run again in a re-run, with every job that needs one of them. */
function rerunSet(wf: Workflow, previous: WorkflowRun, rerun: 'failed' | readonly string[]): Set<string> {
  const set = new Set<string>(rerun === 'failed' ? Object.values(previous.jobs).filter((j) => j.result === 'failure' || j.result === 'cancelled').map((j) => j.id) : rerun);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [id, job] of Object.entries(wf.jobs)) {
      if (!set.has(id) && needsOf(job).some((n) => set.has(n))) {
        set.add(id);
        grew = true;
      }
    }
  }
  return set;
}

function inputsOf(wf: Workflow, given: Record<string, unknown>): Record<string, unknown> {
  const declared = wf.on.workflow_call?.inputs ?? {};
  for (const k of Object.keys(given)) if (!(k in declared)) throw new Error(`Invalid input, ${k} is not defined in the referenced workflow.`);
  const out: Record<string, unknown> = {};
  for (const [k, d] of Object.entries(declared)) {
    const v = k in given ? given[k] : d.default;
    if (v === undefined) {
      if (d.required) throw new Error(`Input required and not supplied: ${k}`);
      out[k] = d.type === 'boolean' ? false : d.type === 'number' ? 0 : '';
      continue;
    }
    if (d.type === 'boolean') out[k] = v === true || v === 'true';
    else if (d.type === 'number') {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`Input ${k} must be a number, got ${JSON.stringify(v)}`);
      out[k] = n;
    } else out[k] = String(v);
  }
  return out;
}

function secretsOf(wf: Workflow, given: Record<string, string>): Record<string, string> {
  const declared = wf.on.workflow_call?.secrets ?? {};
  for (const k of Object.keys(given)) if (!(k in declared)) throw new Error(`Invalid secret, ${k} is not defined in the referenced workflow.`);
  for (const [k, d] of Object.entries(declared)) if (d.required && !given[k]) throw new Error(`Secret ${k} is required, but not provided while calling.`);
  return { ...given, GITHUB_TOKEN: 'ghs_local-stand-in-token' };
}

/** `name=value` lines and `name<<DELIMITER` blocks, as GITHUB_OUTPUT and GITHUB_ENV hold them. */
export function parseKeyValueFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, key, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++] as string);
      if (i >= lines.length) throw new Error(`no closing ${delimiter} for ${key}`);
      out[key] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** `::error title=T::message` and the like from a step's output. */
function annotationsOf(log: string): Annotation[] {
  const out: Annotation[] = [];
  for (const m of log.matchAll(/^::(error|warning|notice)( [^:]*)?::(.*)$/gm)) {
    const title = /title=([^,]*)/.exec(m[2] ?? '')?.[1];
    const unescape = (s: string) => s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
    out.push({ level: m[1] as Annotation['level'], message: unescape(m[3] as string), ...(title ? { title: unescape(title) } : {}) });
  }
  return out;
}

const isWrite = (permissions: Record<string, string>, scope: string): boolean => permissions[scope] === 'write' || permissions['*'] === 'write';

function permissionsOf(value: unknown): Record<string, string> {
  if (value === 'write-all') return { '*': 'write' };
  if (value === 'read-all') return { '*': 'read' };
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  return {};
}

interface ProcessResult {
  exitCode: number | null;
  timedOut: boolean;
  log: string;
}

function runProcess(argv: string[], cwd: string, env: Record<string, string>, timeoutMs: number | undefined): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            try {
              process.kill(-(child.pid as number), 'SIGKILL');
            } catch {
              child.kill('SIGKILL');
            }
          }, timeoutMs);
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(err);
    });
    child.on('close', (exitCode) => {
      if (timer) clearTimeout(timer);
      resolve({ exitCode, timedOut, log: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

interface ActionMetadata {
  inputs?: Record<string, { default?: unknown; required?: boolean }>;
  runs: { using: string; main?: string };
}

/** The status functions of a step: success while no earlier step of the job failed. */
function stepStatus(steps: readonly StepRun[]): StatusFunctions {
  const failed = () => steps.some((s) => s.conclusion === 'failure');
  return { success: () => !failed(), failure: failed, cancelled: () => false };
}

/** Run a workflow_call workflow (or re-run some of its jobs), as GitHub would for a calling job with these inputs and secrets. */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRun> {
  const file = path.join(options.root, options.workflow);
  const wf = parse(await fs.readFile(file, 'utf8')) as Workflow;
  if (!wf.on || !('workflow_call' in wf.on)) throw new Error(`${options.workflow} is not a reusable workflow (no on.workflow_call)`);
  const inputs = options.previous ? options.previous.inputs : inputsOf(wf, options.inputs);
  const secrets = secretsOf(wf, options.secrets);
  const attempt = options.previous ? options.previous.attempt + 1 : 1;
  const rerun = options.previous ? rerunSet(wf, options.previous, options.rerun ?? 'failed') : undefined;
  const [owner] = options.caller.repository.split('/');
  const run: WorkflowRun = { runId: options.runId, attempt, inputs, jobs: {}, outputs: {} };
  const github = (jobId: string, workspace = ''): Record<string, unknown> => ({
    repository: options.caller.repository,
    repository_owner: owner,
    run_id: options.runId,
    run_attempt: String(attempt),
    run_number: '1',
    server_url: 'https://github.com',
    api_url: 'https://api.github.com',
    sha: options.caller.sha ?? 'a'.repeat(40),
    ref: options.caller.ref ?? 'refs/heads/main',
    event_name: options.caller.eventName ?? 'workflow_dispatch',
    actor: options.caller.actor ?? 'potions-bot',
    workflow: 'release',
    workflow_ref: `${options.caller.repository}/.github/workflows/release.yml@${options.caller.ref ?? 'refs/heads/main'}`,
    job: jobId,
    token: secrets.GITHUB_TOKEN,
    workspace,
    event: {},
  });

  for (const jobId of jobOrder(wf.jobs)) {
    const job = wf.jobs[jobId] as Job;
    const kept = options.previous?.jobs[jobId];
    if (kept && rerun && !rerun.has(jobId)) {
      run.jobs[jobId] = kept;
      continue;
    }
    if (job.uses) throw new Error(`job ${jobId} calls another workflow; not supported here`);
    const needs = Object.fromEntries(needsOf(job).map((n) => [n, { result: run.jobs[n]?.result ?? 'skipped', outputs: run.jobs[n]?.outputs ?? {} }]));
    const needResults = Object.values(needs).map((n) => n.result);
    const jobStatus: StatusFunctions = {
      success: () => needResults.every((r) => r === 'success'),
      failure: () => needResults.some((r) => r === 'failure'),
      cancelled: () => false,
    };
    const jobContexts: Contexts = { github: github(jobId), inputs, needs, vars: {} };
    if (!evaluateCondition(job.if, jobContexts, jobStatus)) {
      run.jobs[jobId] = { id: jobId, result: 'skipped', outputs: {}, legs: [], attempt };
      continue;
    }
    const matrix = job.strategy?.matrix === undefined ? undefined : expandMatrix(evaluateValue(job.strategy.matrix, jobContexts));
    const legs: LegRun[] = [];
    const combos: (MatrixLeg | undefined)[] = matrix ?? [undefined];
    // Re-run failed jobs: each leg of a matrix is a job of its own, so a job re-run because it failed keeps
    // the legs that passed; a job re-run because something it needs re-ran runs every leg again.
    const keepPassedLegs = options.rerun === 'failed' && !needsOf(job).some((n) => rerun?.has(n));
    for (const [index, combo] of combos.entries()) {
      const previousLeg = kept?.legs.find((l) => JSON.stringify(l.matrix) === JSON.stringify(combo));
      if (keepPassedLegs && previousLeg && previousLeg.result === 'success') {
        legs.push(previousLeg);
        continue;
      }
      legs.push(await runLeg(options, wf, jobId, job, { index, combo, total: combos.length, needs, inputs, secrets, attempt, github }));
    }
    const result: JobResult = legs.some((l) => l.result === 'failure') ? 'failure' : 'success';
    const last = legs[legs.length - 1] as LegRun;
    run.jobs[jobId] = { id: jobId, result, outputs: last.outputs, legs, attempt: Math.max(...legs.map((l) => l.attempt)) };
  }

  const jobsContext = Object.fromEntries(Object.entries(run.jobs).map(([id, j]) => [id, { result: j.result, outputs: j.outputs }]));
  for (const [name, output] of Object.entries(wf.on.workflow_call?.outputs ?? {})) {
    run.outputs[name] = evaluateText(output.value, { github: github(''), inputs, jobs: jobsContext, vars: {} });
  }
  return run;
}

interface LegInput {
  index: number;
  combo: MatrixLeg | undefined;
  total: number;
  needs: Record<string, { result: JobResult; outputs: Record<string, string> }>;
  inputs: Record<string, unknown>;
  secrets: Record<string, string>;
  attempt: number;
  github: (jobId: string, workspace?: string) => Record<string, unknown>;
}

async function runLeg(options: RunWorkflowOptions, wf: Workflow, jobId: string, job: Job, leg: LegInput): Promise<LegRun> {
  // As on a fresh hosted runner: the same workspace and temporary folder paths for every job
  // (caches are versioned by the paths they hold), emptied before each job.
  const base = path.join(options.work, 'runner', '_work');
  const repoName = options.caller.repository.split('/')[1] ?? 'repo';
  const workspace = path.join(base, repoName, repoName);
  const temp = path.join(base, '_temp');
  for (const dir of [workspace, temp]) {
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { recursive: true });
  }
  const matrix = leg.combo ?? {};
  const strategy = { 'fail-fast': job.strategy?.['fail-fast'] ?? true, 'job-index': leg.index, 'job-total': leg.total, 'max-parallel': job.strategy?.['max-parallel'] ?? leg.total };
  const runner = { os: 'Linux', arch: 'X64', name: 'potions-local-runner', temp, tool_cache: path.join(options.work, 'runner', '_tool'), environment: 'github-hosted' };
  const github = leg.github(jobId, workspace);
  const early: Contexts = { github, inputs: leg.inputs, needs: leg.needs, matrix, strategy, vars: {} };
  const permissions = permissionsOf(job.permissions ?? wf.permissions);
  const containerValue = job.container === undefined ? undefined : evaluateValue(job.container, early);
  const container = typeof containerValue === 'string' ? containerValue : ((containerValue as { image?: string } | undefined)?.image ?? undefined);
  const timeout = job['timeout-minutes'] === undefined ? undefined : Number(evaluateValue(job['timeout-minutes'], early));
  if (timeout !== undefined && !(timeout > 0)) throw new Error(`job ${jobId}: timeout-minutes evaluates to ${String(timeout)}, not a number of minutes`);
  const environmentValue = job.environment === undefined ? undefined : evaluateValue(job.environment, early);
  const environment = typeof environmentValue === 'string' ? environmentValue : (environmentValue as { name?: string } | undefined)?.name;
  const concurrencyValue = job.concurrency === undefined ? undefined : evaluateValue(job.concurrency, early);
  const concurrency =
    concurrencyValue === undefined
      ? undefined
      : typeof concurrencyValue === 'string'
        ? { group: concurrencyValue, cancelInProgress: false }
        : { group: String((concurrencyValue as { group: unknown }).group), cancelInProgress: (concurrencyValue as { 'cancel-in-progress'?: unknown })['cancel-in-progress'] === true };
  const result: LegRun = {
    ...(leg.combo ? { matrix: leg.combo } : {}),
    result: 'success',
    attempt: leg.attempt,
    steps: [],
    runsOn: evaluateValue(job['runs-on'], early),
    ...(container ? { container } : {}),
    ...(timeout !== undefined ? { timeoutMinutes: timeout } : {}),
    permissions,
    ...(environment ? { environment } : {}),
    ...(concurrency ? { concurrency } : {}),
    outputs: {},
  };
  const workflowEnv = Object.fromEntries(Object.entries(wf.env ?? {}).map(([k, v]) => [k, evaluateText(v, { github, inputs: leg.inputs, secrets: leg.secrets, vars: {} })]));
  const jobEnv = Object.fromEntries(Object.entries(job.env ?? {}).map(([k, v]) => [k, evaluateText(v, { ...early, secrets: leg.secrets, env: workflowEnv, runner })]));
  const addedEnv: Record<string, string> = {};
  const addedPath: string[] = [];
  const stepsContext: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
  const eventPath = path.join(temp, 'event.json');
  await fs.writeFile(eventPath, '{}\n');

  for (const [i, step] of (job.steps ?? []).entries()) {
    const status = stepStatus(result.steps);
    const jobContext = { status: status.failure() ? 'failure' : 'success', ...(container ? { container: { id: 'stand-in', network: '' } } : {}) };
    const env = { ...workflowEnv, ...jobEnv, ...addedEnv };
    const contexts: Contexts = { ...early, secrets: leg.secrets, runner, job: jobContext, steps: stepsContext, env };
    const name = step.name ?? (step.uses ? step.uses : `Run ${(step.run ?? '').split('\n')[0]}`);
    const record: StepRun = { index: i, ...(step.id ? { id: step.id } : {}), name, ...(step.uses ? { uses: step.uses } : {}), outcome: 'skipped', conclusion: 'skipped', outputs: {}, inputs: {}, summary: '', log: '', annotations: [] };
    if (!evaluateCondition(step.if, contexts, status)) {
      result.steps.push(record);
      if (step.id) stepsContext[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      options.onStep?.(jobId, result, record);
      continue;
    }
    const stepEnv = { ...env, ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluateText(v, contexts, status)])) };
    const withValues = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, evaluateText(v, contexts, status)]));
    const stepTimeout = step['timeout-minutes'] === undefined ? undefined : Number(evaluateValue(step['timeout-minutes'], contexts, status));
    if (stepTimeout !== undefined && !(stepTimeout > 0)) throw new Error(`job ${jobId}, step ${name}: timeout-minutes evaluates to ${String(stepTimeout)}`);
    if (stepTimeout !== undefined && timeout !== undefined && stepTimeout >= timeout) throw new Error(`job ${jobId}, step ${name}: timeout-minutes ${stepTimeout} is not shorter than the job's ${timeout}`);
    const files = { output: path.join(temp, `output-${i}`), env: path.join(temp, `env-${i}`), path: path.join(temp, `path-${i}`), state: path.join(temp, `state-${i}`), summary: path.join(temp, `summary-${i}`) };
    for (const f of Object.values(files)) await fs.writeFile(f, '');
    const runnerEnv: Record<string, string> = {
      ...(options.env ?? {}),
      PATH: [...addedPath, options.env?.PATH ?? process.env.PATH ?? '/usr/bin:/bin'].join(':'),
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: String(github.repository),
      GITHUB_REPOSITORY_OWNER: String(github.repository_owner),
      GITHUB_RUN_ID: options.runId,
      GITHUB_RUN_ATTEMPT: String(leg.attempt),
      GITHUB_RUN_NUMBER: '1',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_SHA: String(github.sha),
      GITHUB_REF: String(github.ref),
      GITHUB_EVENT_NAME: String(github.event_name),
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_WORKFLOW: 'release',
      GITHUB_WORKFLOW_REF: String(github.workflow_ref),
      GITHUB_JOB: jobId,
      GITHUB_ACTION: step.id ?? `__step${i}`,
      GITHUB_ACTOR: String(github.actor),
      GITHUB_OUTPUT: files.output,
      GITHUB_ENV: files.env,
      GITHUB_PATH: files.path,
      GITHUB_STATE: files.state,
      GITHUB_STEP_SUMMARY: files.summary,
      RUNNER_OS: runner.os,
      RUNNER_ARCH: runner.arch,
      RUNNER_NAME: runner.name,
      RUNNER_TEMP: temp,
      RUNNER_TOOL_CACHE: runner.tool_cache,
      TMPDIR: temp,
      ACTIONS_RUNTIME_TOKEN: 'local-runtime-token',
      ...(options.cacheUrl ? { ACTIONS_CACHE_URL: options.cacheUrl } : {}),
      ...(options.oidc && isWrite(permissions, 'id-token') ? options.oidc : {}),
      ...stepEnv,
    };
    let ok: boolean;
    try {
      if (step.run !== undefined) {
        if (step.shell !== undefined && step.shell !== 'bash') throw new Error(`shell ${step.shell} is not supported here`);
        const script = path.join(temp, `step-${i}.sh`);
        await fs.writeFile(script, evaluateText(step.run, contexts, status));
        const cwd = step['working-directory'] ? path.resolve(workspace, evaluateText(step['working-directory'], contexts, status)) : workspace;
        const r = await runProcess(['bash', '--noprofile', '--norc', '-eo', 'pipefail', script], cwd, runnerEnv, stepTimeout && stepTimeout * 60_000);
        record.log = r.log;
        ok = r.exitCode === 0 && !r.timedOut;
      } else if (step.uses) {
        const { ok: passed, log, inputs, warnings } = await runAction(options, step.uses, withValues, runnerEnv, contexts, status, { workspace, temp, attempt: leg.attempt }, stepTimeout);
        record.log = log;
        record.inputs = inputs;
        record.annotations.push(...warnings.map((message) => ({ level: 'warning' as const, message })));
        ok = passed;
      } else {
        throw new Error(`job ${jobId}, step ${i + 1}: neither uses nor run`);
      }
    } catch (err) {
      record.log += `\n${(err as Error).message}`;
      record.annotations.push({ level: 'error', message: (err as Error).message });
      ok = false;
    }
    record.annotations.push(...annotationsOf(record.log));
    record.outputs = parseKeyValueFile(await fs.readFile(files.output, 'utf8'));
    record.summary = await fs.readFile(files.summary, 'utf8');
    Object.assign(addedEnv, parseKeyValueFile(await fs.readFile(files.env, 'utf8')));
    addedPath.unshift(...(await fs.readFile(files.path, 'utf8')).split('\n').filter(Boolean).reverse());
    const continueOnError = step['continue-on-error'] !== undefined && evaluateValue(step['continue-on-error'], contexts, status) === true;
    record.outcome = ok ? 'success' : 'failure';
    record.conclusion = ok || continueOnError ? 'success' : 'failure';
    if (step.id) stepsContext[step.id] = { outputs: record.outputs, outcome: record.outcome, conclusion: record.conclusion };
    result.steps.push(record);
    options.onStep?.(jobId, result, record);
  }
  result.result = result.steps.some((s) => s.conclusion === 'failure') ? 'failure' : 'success';
  const final: Contexts = { ...early, secrets: leg.secrets, runner, job: { status: result.result }, steps: stepsContext, env: { ...workflowEnv, ...jobEnv, ...addedEnv } };
  result.outputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([k, v]) => [k, evaluateText(v, final)]));
  return result;
}

/** One `uses:` step: an action of this repository started from its committed bundle, or a stand-in. */
async function runAction(
  options: RunWorkflowOptions,
  uses: string,
  withValues: Record<string, string>,
  env: Record<string, string>,
  contexts: Contexts,
  status: StatusFunctions,
  leg: { workspace: string; temp: string; attempt: number },
  timeoutMinutes: number | undefined,
): Promise<{ ok: boolean; log: string; inputs: Record<string, string>; warnings: string[] }> {
  const at = uses.lastIndexOf('@');
  if (uses.startsWith('./') || uses.startsWith('docker://') || at < 0) throw new Error(`uses: ${uses} is not supported here`);
  const name = uses.slice(0, at);
  const parts = name.split('/');
  const repo = parts.slice(0, 2).join('/');
  if (repo.toLowerCase() === options.repository.toLowerCase()) {
    // Where GitHub looks: the path after owner/repo, from the repository root.
    const dir = path.join(options.root, ...parts.slice(2));
    const metadataFile = path.join(dir, 'action.yml');
    const meta = parse(await fs.readFile(metadataFile, 'utf8').catch(() => {
      throw new Error(`Can't find 'action.yml' for action '${uses}' (looked for ${path.relative(options.root, metadataFile)})`);
    })) as ActionMetadata;
    if (!/^node(20|24)$/.test(meta.runs.using) || !meta.runs.main) throw new Error(`${uses}: runs.using ${meta.runs.using} is not supported here`);
    const declared = meta.inputs ?? {};
    const inputs: Record<string, string> = {};
    for (const [k, d] of Object.entries(declared)) {
      if (k in withValues) inputs[k] = withValues[k] as string;
      else if (d.default !== undefined) inputs[k] = evaluateText(d.default, contexts, status);
    }
    const unexpected = Object.keys(withValues).filter((k) => !(k in declared));
    for (const k of unexpected) inputs[k] = withValues[k] as string;
    const inputEnv = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]));
    const r = await runProcess([options.node ?? process.execPath, path.resolve(dir, meta.runs.main)], leg.workspace, { ...env, ...inputEnv }, timeoutMinutes && timeoutMinutes * 60_000);
    const warnings = unexpected.length > 0 ? [`Unexpected input(s) ${unexpected.map((k) => `'${k}'`).join(', ')}, valid inputs are [${Object.keys(declared).map((k) => `'${k}'`).join(', ')}]`] : [];
    return { ok: r.exitCode === 0 && !r.timedOut, log: r.timedOut ? `${r.log}\nThe action has timed out.` : r.log, inputs, warnings };
  }
  const standIn = options.standIns[name];
  if (!standIn) throw new Error(`no stand-in for ${name}`);
  const r = await standIn({ inputs: withValues, ...leg });
  await fs.appendFile(env.GITHUB_OUTPUT as string, Object.entries(r.outputs ?? {}).map(([k, v]) => `${k}=${v}\n`).join(''));
  return { ok: true, log: '', inputs: withValues, warnings: r.warnings ?? [] };
}
