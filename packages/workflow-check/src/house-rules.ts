/**
 * The house rules, as code: what a release workflow of this suite must do to
 * be safe and to behave under partial failure. Each rule reports with the
 * file, line, job and step, and says what to write instead.
 */
import { isSeq, type Node } from 'yaml';
import { PLATFORMS } from '@potions/core';
import { actionName, type JobInfo, type StepInfo } from './model';
import type { Resolution, UsesResolver } from './resolve';
import { entries, get, items, pairOf, strings, text, type YamlSource } from './source';

/** Every rule id a house rule reports under (docs/workflow-check.md describes each). */
export const HOUSE_RULES = [
  'pinned-action',
  'permissions',
  'expression-in-run',
  'checkout-credentials',
  'timeout',
  'build-matrix',
  'publish-concurrency',
  'action-not-found',
  'action-inputs',
  'action-outputs',
  'action-metadata',
  'runner-label',
] as const;
export type HouseRule = (typeof HOUSE_RULES)[number];

export interface HouseRuleOptions {
  /** `owner/repo` of the repository checked: its actions are resolved from the root and may use a release ref. */
  repository: string;
  /** Actions (`owner/repo[/path]`, no ref) whose steps need an OIDC token: a job using one may ask for `id-token: write`. */
  idTokenActions: readonly string[];
  /** Actions that publish: a job using one needs a `concurrency` group. */
  publishActions: readonly string[];
  /** Actions that build recipes: a job with a matrix using one is a build matrix. */
  buildActions: readonly string[];
  /** Contexts whose values must not be written into `run:` (they become shell code). */
  untrustedContexts: readonly string[];
  /** Whether a `runs-on` label names a current GitHub-hosted runner (undefined: the label is not checked). */
  runnerLabel?: (label: string) => 'known' | 'retired' | 'unknown';
}

export interface Report {
  (rule: HouseRule, node: Node | null | undefined, message: string, where?: { job?: JobInfo; step?: StepInfo }): void;
}

const SHA = /^[0-9a-f]{40}$/;
const RELEASE_REF = /^v\d+(\.\d+){0,2}$/;
const VERSION_COMMENT = /#\s*v?\d+\.\d+\.\d+\b/;

/** Checks that need no other file: pins, permissions, expressions in run, checkout, timeouts, matrices, publishing. */
export function checkWorkflowRules(src: YamlSource, jobs: readonly JobInfo[], options: HouseRuleOptions, report: Report): void {
  const wf = src.root;
  checkPermissions(wf, jobs, options, report);
  for (const job of jobs) {
    checkJobTimeout(job, report);
    checkBuildMatrix(wf, job, options, report);
    checkPublishConcurrency(wf, job, options, report);
    checkRunnerLabels(job, options, report);
    if (job.uses && job.usesNode) checkPin(src, job.uses, job.usesNode, options, report, { job });
    checkSteps(src, job, options, report);
  }
}

/** The step rules, also for the steps of a composite action and documented snippets. */
export function checkSteps(src: YamlSource, job: JobInfo, options: HouseRuleOptions, report: Report): void {
  for (const step of job.steps) {
    const where = { job, step };
    if (step.uses && step.usesNode) checkPin(src, step.uses, step.usesNode, options, report, where);
    if (step.run) checkExpressions(src, step.run, 'run:', options, report, where);
    if (step.uses && actionName(step.uses) === 'actions/github-script') {
      const script = get(step.with, 'script');
      if (script) checkExpressions(src, script, 'the script input of actions/github-script', options, report, where);
    }
    if (step.uses && actionName(step.uses) === 'actions/checkout') {
      const persist = text(get(step.with, 'persist-credentials'));
      if (persist !== 'false') {
        report('checkout-credentials', step.usesNode, 'actions/checkout leaves the token in .git/config for every later step (and any build script) to read: add `with: persist-credentials: false`', where);
      }
    }
  }
}

function checkPin(src: YamlSource, uses: string, node: Node, options: HouseRuleOptions, report: Report, where: { job?: JobInfo; step?: StepInfo }): void {
  if (uses.startsWith('./')) return;
  if (uses.startsWith('docker://')) {
    if (!/@sha256:[0-9a-f]{64}$/.test(uses)) report('pinned-action', node, `${uses} is not pinned: name the image by digest (docker://image@sha256:<64 hex>)`, where);
    return;
  }
  const at = uses.lastIndexOf('@');
  const ref = at < 0 ? '' : uses.slice(at + 1);
  const name = actionName(uses);
  const own = name.split('/').slice(0, 2).join('/') === options.repository;
  if (own) {
    if (!RELEASE_REF.test(ref) && !SHA.test(ref)) {
      report('pinned-action', node, `${uses}: this repository's own actions are used at a release (vX, vX.Y.Z) or a full commit SHA, not "${ref || 'no ref'}"`, where);
    }
    return;
  }
  if (!SHA.test(ref)) {
    report('pinned-action', node, `${uses} is not pinned: a tag or branch can be moved to other code; use the full 40-hex commit SHA of a release with its version as a comment (${name}@<sha> # vX.Y.Z)`, where);
  } else if (!VERSION_COMMENT.test(src.lineText(src.line(node)))) {
    report('pinned-action', node, `${uses} is pinned without a "# vX.Y.Z" comment: say which release the SHA is, so that updates can be reviewed`, where);
  }
}

/** `${{ ... }}` that reads a context the user, an event or an earlier step controls. */
function checkExpressions(src: YamlSource, node: Node, where: string, options: HouseRuleOptions, report: Report, at: { job?: JobInfo; step?: StepInfo }): void {
  const value = text(node) ?? '';
  for (const m of value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
    const expr = (m[1] as string).trim();
    const bad = options.untrustedContexts.find((c) => new RegExp(`(^|[^\\w.-])${c.replace('.', '\\.')}\\b`).test(expr));
    if (!bad) continue;
    const env = envName(expr);
    report(
      'expression-in-run',
      lineNode(src, node, m[0]),
      `\${{ ${expr} }} in ${where} is pasted into the script before it runs, so its value becomes code; pass it through env: (${env}: \${{ ${expr} }}) and use "$${env}"`,
      at,
    );
  }
}

/** A stand-in node where `needle` is inside a (block) scalar, so the problem points at that line. */
function lineNode(src: YamlSource, node: Node, needle: string): Node {
  const first = src.line(node);
  const last = src.line(src.nodeAtOffset(node.range?.[1] ?? 0));
  for (let line = first; line <= last; line++) {
    const at = src.lineText(line).indexOf(needle);
    if (at >= 0) return src.nodeAtLine(line, at);
  }
  return node;
}

function envName(expr: string): string {
  const last = /([A-Za-z0-9_-]+)\s*$/.exec(expr)?.[1] ?? 'VALUE';
  return last.replace(/-/g, '_').toUpperCase();
}

const isWrite = (v: string | undefined): boolean => v === 'write';

function checkPermissions(wf: Node | null, jobs: readonly JobInfo[], options: HouseRuleOptions, report: Report): void {
  const top = pairOf(wf, 'permissions');
  const topValue = top?.value;
  if (!top && jobs.some((j) => !pairOf(j.node, 'permissions') && !j.uses)) {
    report('permissions', get(wf, 'jobs') ?? wf, 'no permissions at the top of the workflow: its jobs get the repository\'s default token, which may write everything; add `permissions: contents: read` and grant more per job');
  }
  if (top) checkPermissionValue(topValue, true, undefined, options, report);
  for (const job of jobs) {
    const p = pairOf(job.node, 'permissions');
    if (p) checkPermissionValue(p.value, false, job, options, report);
  }
}

function checkPermissionValue(value: Node | null | undefined, workflowLevel: boolean, job: JobInfo | undefined, options: HouseRuleOptions, report: Report): void {
  const where = { job };
  const scalar = text(value);
  if (scalar === 'write-all') {
    report('permissions', value, `${workflowLevel ? 'the workflow asks' : 'asks'} for write-all: grant each scope it needs by name (contents: read, ...)`, where);
    return;
  }
  for (const [scope, v, pair] of entries(value)) {
    const level = text(v);
    if (scope === 'id-token' && level === 'write') {
      if (workflowLevel) {
        report('permissions', pair.key as Node, 'id-token: write at the top gives every job an OIDC token; grant it only in the job that signs or publishes', where);
      } else if (job && !needsIdToken(job, options)) {
        report(
          'permissions',
          pair.key as Node,
          `id-token: write, but the job runs none of the actions that use an OIDC token (${options.idTokenActions.join(', ')}); remove it`,
          where,
        );
      }
    } else if (workflowLevel && isWrite(level)) {
      report('permissions', pair.key as Node, `${scope}: write at the top gives it to every job; grant it in the job that needs it`, where);
    }
  }
}

function needsIdToken(job: JobInfo, options: HouseRuleOptions): boolean {
  if (job.uses) return true; // a called workflow gets no more than its caller's job grants
  return job.steps.some((s) => s.uses !== undefined && options.idTokenActions.includes(actionName(s.uses)));
}

function checkJobTimeout(job: JobInfo, report: Report): void {
  if (job.uses) return; // a reusable-workflow call takes no timeout-minutes; the called jobs have their own
  const timeout = get(job.node, 'timeout-minutes');
  if (timeout === undefined) {
    report('timeout', job.key, 'no timeout-minutes: a hung step holds the runner for 6 hours; set one a little above the job\'s usual time', { job });
    return;
  }
  const jobMinutes = Number(text(timeout));
  if (!Number.isFinite(jobMinutes)) return;
  for (const step of job.steps) {
    const t = get(step.node, 'timeout-minutes');
    const minutes = Number(text(t));
    if (t && Number.isFinite(minutes) && minutes >= jobMinutes) {
      report('timeout', t, `step timeout-minutes ${minutes} is not shorter than the job's ${jobMinutes}: the job is cancelled first and the step records nothing`, { job, step });
    }
  }
}

const usesAny = (job: JobInfo, names: readonly string[]): boolean => job.steps.some((s) => s.uses !== undefined && names.includes(actionName(s.uses)));

function checkBuildMatrix(wf: Node | null, job: JobInfo, options: HouseRuleOptions, report: Report): void {
  const strategy = get(job.node, 'strategy');
  const matrix = get(strategy, 'matrix');
  if (!matrix) return;
  const platform = get(matrix, 'platform');
  if (!platform && !usesAny(job, options.buildActions)) return;
  const failFast = text(get(strategy, 'fail-fast'));
  if (failFast !== 'false') {
    report('build-matrix', pairOf(strategy, 'fail-fast')?.value ?? pairOf(job.node, 'strategy')?.key as Node, 'build matrix without fail-fast: false: one platform failing would cancel the others', { job });
  }
  const listed = platformsOf(wf, platform);
  if (listed && PLATFORMS.some((p) => !listed.includes(p))) {
    report('build-matrix', platform, `the build matrix lists ${listed.join(', ') || 'no platform'}; it must cover the four platforms (${PLATFORMS.join(', ')})`, { job });
  }
  const map = runnerMap(text(get(job.node, 'runs-on')));
  if (map) {
    const missing = PLATFORMS.filter((p) => !(p in map));
    if (missing.length > 0) report('build-matrix', get(job.node, 'runs-on'), `the runner map has no runner for ${missing.join(', ')}`, { job });
  }
}

/** The platforms of a matrix's `platform` key: a literal list, or the default of the input it reads; undefined when decided at run time. */
function platformsOf(wf: Node | null, platform: Node | null | undefined): string[] | undefined {
  if (!platform) return undefined;
  if (isSeq(platform)) return items(platform).map((i) => text(i) ?? '');
  const expr = text(platform) ?? '';
  const input = /fromJSON\(\s*inputs\.([A-Za-z0-9_-]+)\s*\)/.exec(expr)?.[1];
  if (!input) return undefined;
  for (const trigger of ['workflow_call', 'workflow_dispatch']) {
    const def = text(get(get(get(get(get(wf, 'on'), trigger), 'inputs'), input), 'default'));
    if (def === undefined) continue;
    try {
      const list = JSON.parse(def) as unknown;
      return Array.isArray(list) ? list.map(String) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** `fromJSON('{"linux-amd64":"ubuntu-24.04",...}')[matrix.platform]`: the map, or undefined. */
export function runnerMap(runsOn: string | undefined): Record<string, string> | undefined {
  const m = /fromJSON\('(\{[^']*\})'\)/.exec(runsOn ?? '');
  if (!m) return undefined;
  try {
    return JSON.parse(m[1] as string) as Record<string, string>;
  } catch {
    return undefined;
  }
}

function checkPublishConcurrency(wf: Node | null, job: JobInfo, options: HouseRuleOptions, report: Report): void {
  if (!usesAny(job, options.publishActions)) return;
  const concurrency = get(job.node, 'concurrency') ?? get(wf, 'concurrency');
  if (!concurrency) {
    report('publish-concurrency', job.key, 'publishes without a concurrency group: two runs could write the manifest at once; add concurrency: { group: ..., cancel-in-progress: false }', { job });
    return;
  }
  if (text(get(concurrency, 'cancel-in-progress')) === 'true') {
    report('publish-concurrency', get(concurrency, 'cancel-in-progress'), 'publishes with cancel-in-progress: true: a newer run would stop a publish half-way', { job });
  }
}

function checkRunnerLabels(job: JobInfo, options: HouseRuleOptions, report: Report): void {
  const known = options.runnerLabel;
  const runsOn = get(job.node, 'runs-on');
  if (!known || !runsOn) return;
  const labels: { label: string; node: Node }[] = [];
  const value = text(runsOn);
  const map = runnerMap(value);
  if (map) labels.push(...Object.values(map).map((label) => ({ label, node: runsOn })));
  else if (value !== undefined && !value.includes('${{')) labels.push({ label: value, node: runsOn });
  else for (const i of items(runsOn)) if (text(i) && !(text(i) as string).includes('${{')) labels.push({ label: text(i) as string, node: i });
  for (const { label, node } of labels) {
    const status = known(label);
    if (status === 'retired') report('runner-label', node, `runner "${label}" is retired on GitHub: a job asking for it never starts`, { job });
    else if (status === 'unknown' && map) report('runner-label', node, `runner "${label}" in the runner map is not a GitHub-hosted runner label`, { job });
  }
}

/**
 * Checks that read other files: every `uses:` of this repository resolves the
 * way GitHub resolves it, its `with:` matches the action's inputs (or the
 * called workflow's inputs and secrets), and `steps.<id>.outputs.<name>` /
 * `needs.<job>.outputs.<name>` name outputs that exist.
 */
export async function checkUses(src: YamlSource, jobs: readonly JobInfo[], resolver: UsesResolver, report: Report): Promise<void> {
  for (const job of jobs) {
    if (job.uses && job.usesNode) {
      const r = await resolver.resolve(job.uses);
      checkResolution(job.uses, job.usesNode, r, { job }, report);
      if (r.kind === 'workflow') {
        checkWith(get(job.node, 'with'), job.usesNode, r.inputs, `${job.uses} (${r.file})`, 'input', { job }, report);
        const secrets = get(job.node, 'secrets');
        if (text(secrets) !== 'inherit') checkWith(secrets, job.usesNode, r.secrets, `${job.uses} (${r.file})`, 'secret', { job }, report);
      }
    }
    const byId = new Map<string, { step: StepInfo; resolution: Resolution }>();
    for (const step of job.steps) {
      if (!step.uses || !step.usesNode) continue;
      const r = await resolver.resolve(step.uses);
      checkResolution(step.uses, step.usesNode, r, { job, step }, report);
      if (r.kind === 'action') checkWith(step.with, step.usesNode, r.inputs, `${step.uses} (${r.file})`, 'input', { job, step }, report);
      if (step.id) byId.set(step.id, { step, resolution: r });
    }
    for (const { value, node } of strings(job.node)) {
      for (const m of value.matchAll(/\bsteps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
        const hit = byId.get(m[1] as string);
        if (hit && hit.resolution.kind === 'action' && !hit.resolution.outputs.has(m[2] as string)) {
          report('action-outputs', node, `steps.${m[1]}.outputs.${m[2]}: ${hit.step.uses} has no output "${m[2]}" (it has: ${[...hit.resolution.outputs].join(', ') || 'none'})`, { job });
        }
      }
    }
  }
  const callers = new Map(jobs.filter((j) => j.uses && j.id).map((j) => [j.id as string, j]));
  for (const job of jobs) {
    for (const { value, node } of strings(job.node)) {
      for (const m of value.matchAll(/\bneeds\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
        const called = callers.get(m[1] as string);
        if (!called?.uses) continue;
        const r = await resolver.resolve(called.uses);
        if (r.kind === 'workflow' && !r.outputs.has(m[2] as string)) {
          report('action-outputs', node, `needs.${m[1]}.outputs.${m[2]}: ${r.file} has no workflow_call output "${m[2]}" (it has: ${[...r.outputs].join(', ') || 'none'})`, { job });
        }
      }
    }
  }
}

function checkResolution(uses: string, node: Node, r: Resolution, where: { job?: JobInfo; step?: StepInfo }, report: Report): void {
  if (r.kind !== 'missing') return;
  report('action-not-found', node, `${uses} does not resolve: GitHub opens ${r.looked.join(' or ')} from the repository root and there is none${r.hint ? ` (${r.hint})` : ''}`, where);
}

function checkWith(
  given: Node | null | undefined,
  at: Node,
  declared: Map<string, { required: boolean }>,
  what: string,
  noun: 'input' | 'secret',
  where: { job?: JobInfo; step?: StepInfo },
  report: Report,
): void {
  const keys = entries(given);
  for (const [key, , pair] of keys) {
    if (!declared.has(key)) report('action-inputs', pair.key as Node, `${what} has no ${noun} "${key}" (it has: ${[...declared.keys()].join(', ') || 'none'})`, where);
  }
  const names = new Set(keys.map(([k]) => k));
  for (const [key, p] of declared) {
    if (p.required && !names.has(key)) report('action-inputs', at, `${what} requires the ${noun} "${key}", which is not given`, where);
  }
}

/** action.yml rules: the runtime this suite declares, the entry files exist, kebab-case names. */
export async function checkActionMetadata(
  src: YamlSource,
  exists: (relative: string) => Promise<boolean>,
  dir: string,
  report: Report,
): Promise<void> {
  const runs = get(src.root, 'runs');
  const using = text(get(runs, 'using'));
  if (using && /^node\d+$/.test(using)) {
    if (using !== 'node24') report('action-metadata', get(runs, 'using'), `runs.using: ${using}: the actions of this suite run on node24 (GitHub retires older Node runtimes)`);
    for (const key of ['main', 'pre', 'post']) {
      const file = text(get(runs, key));
      if (file && !(await exists(`${dir}/${file}`))) report('action-metadata', get(runs, key), `runs.${key}: ${file} does not exist (relative to ${dir || 'the root'}/)`);
    }
  }
  for (const section of ['inputs', 'outputs']) {
    for (const [name, , pair] of entries(get(src.root, section))) {
      if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) report('action-metadata', pair.key as Node, `${section.slice(0, -1)} "${name}" is not kebab-case (lower-case words joined by -)`);
    }
  }
}
