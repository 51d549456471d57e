import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, type Node } from 'yaml';
import { UserError } from '@potions/core';
import { actionlint, runnerLabelStatus, RUNNER_LABELS_NEWER_THAN_ACTIONLINT } from './actionlint';
import { WorkflowCheckErrorCode } from './errors';
import { checkActionMetadata, checkSteps, checkUses, checkWorkflowRules, type HouseRuleOptions, type Report } from './house-rules';
import { jobsOf, stepsOf, type JobInfo, type StepInfo } from './model';
import { sortProblems, type WorkflowProblem } from './problem';
import { UsesResolver } from './resolve';
import { schemaErrors } from './schema';
import { get, items, yamlBlocks, YamlSource } from './source';

export interface CheckWorkflowsOptions {
  /** The repository root: `uses:` of this repository and `./` resolve from here, and problems name files relative to it. */
  root: string;
  /**
   * Files to check, relative to `root` or absolute: workflows (`*.yml`),
   * action metadata (`action.yml`), and Markdown pages, whose ```yaml blocks
   * are checked as workflows (a block with `jobs:`) or as steps (a list).
   */
  files: readonly string[];
  /** `owner/repo` of the repository checked (default `potions/actions`). */
  repository?: string;
  /** Run actionlint too (default true). */
  actionlint?: boolean;
  /** Actions that use an OIDC token (default: this repository's sign, mirror-sync and manifest-publish, and the common cloud logins and attestations). */
  idTokenActions?: readonly string[];
  /** Actions that publish (default: this repository's mirror-sync and manifest-publish). */
  publishActions?: readonly string[];
  /** Actions that build recipes (default: this repository's build-recipe). */
  buildActions?: readonly string[];
  /** Contexts that must not be written into run: (default `UNTRUSTED_CONTEXTS`). */
  untrustedContexts?: readonly string[];
}

/**
 * Contexts whose values an outsider, an upstream project or an earlier step
 * decides: written into `run:` as `${{ }}` they become shell code. `env` and
 * `secrets` are here too: through env: the shell reads them as data.
 */
export const UNTRUSTED_CONTEXTS: readonly string[] = ['inputs', 'github.event', 'github.head_ref', 'matrix', 'needs', 'steps', 'env', 'secrets'];

const DEFAULT_REPOSITORY = 'potions/actions';

function defaults(opts: CheckWorkflowsOptions): Omit<HouseRuleOptions, 'runnerLabel'> {
  const repo = (opts.repository ?? DEFAULT_REPOSITORY).toLowerCase();
  return {
    repository: repo,
    idTokenActions: (
      opts.idTokenActions ?? [
        `${repo}/sign`,
        `${repo}/mirror-sync`,
        `${repo}/manifest-publish`,
        'actions/attest-build-provenance',
        'actions/attest',
        'aws-actions/configure-aws-credentials',
        'google-github-actions/auth',
        'azure/login',
      ]
    ).map((a) => a.toLowerCase()),
    publishActions: (opts.publishActions ?? [`${repo}/mirror-sync`, `${repo}/manifest-publish`]).map((a) => a.toLowerCase()),
    buildActions: (opts.buildActions ?? [`${repo}/build-recipe`]).map((a) => a.toLowerCase()),
    untrustedContexts: opts.untrustedContexts ?? UNTRUSTED_CONTEXTS,
  };
}

/**
 * Check workflows, action metadata and the YAML in Markdown pages offline:
 * GitHub's schema (`@actions/workflow-parser`), actionlint, and the house
 * rules (docs/workflow-check.md). Returns every problem, sorted; an empty list
 * means the files passed. A file that cannot be read is a UserError.
 */
export async function checkWorkflows(opts: CheckWorkflowsOptions): Promise<WorkflowProblem[]> {
  const root = path.resolve(opts.root);
  const options: HouseRuleOptions = { ...defaults(opts), runnerLabel: opts.actionlint === false ? undefined : await runnerLabelStatus() };
  const resolver = new UsesResolver(root, options.repository);
  const problems: WorkflowProblem[] = [];
  for (const f of opts.files) {
    const abs = path.resolve(root, f);
    const rel = path.relative(root, abs).split(path.sep).join('/');
    let content: string;
    try {
      content = await fs.readFile(abs, 'utf8');
    } catch (err) {
      throw new UserError(WorkflowCheckErrorCode.File, `cannot read ${rel}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { location: { file: rel } });
    }
    const ctx: FileContext = { root, rel, options, resolver, problems, actionlint: opts.actionlint !== false };
    if (rel.endsWith('.md')) await checkMarkdown(ctx, content);
    else if (/(^|\/)action\.ya?ml$/.test(rel)) await checkAction(ctx, new YamlSource(rel, content));
    else await checkWorkflow(ctx, new YamlSource(rel, content));
  }
  return sortProblems(dedupe(problems));
}

interface FileContext {
  root: string;
  rel: string;
  options: HouseRuleOptions;
  resolver: UsesResolver;
  problems: WorkflowProblem[];
  actionlint: boolean;
}

function reporter(ctx: FileContext, src: YamlSource): Report {
  return (rule, node, message, where) => {
    ctx.problems.push({
      file: ctx.rel,
      line: src.line(node ?? undefined),
      column: node ? src.column(node) : undefined,
      rule,
      message,
      job: where?.job?.id,
      step: where?.step?.label,
    });
  };
}

async function checkWorkflow(ctx: FileContext, src: YamlSource): Promise<void> {
  const before = ctx.problems.length;
  for (const e of schemaErrors('workflow', ctx.rel, src.text)) {
    ctx.problems.push({ file: ctx.rel, line: e.line + src.lineOffset, column: e.column, rule: 'schema', message: e.message });
  }
  if (src.doc.errors.length > 0) return; // not YAML: the schema errors say where
  const jobs = jobsOf(src);
  if (ctx.actionlint) {
    for (const f of await actionlint(src.text, ctx.rel)) {
      const label = /^label "([^"]+)" is unknown/.exec(f.message)?.[1];
      if (f.kind === 'runner-label' && label && RUNNER_LABELS_NEWER_THAN_ACTIONLINT.includes(label.toLowerCase())) continue;
      // Its unknown-label message lists every label it knows: the first sentence is what a person needs.
      const message = label && f.kind === 'runner-label' ? `label "${label}" is unknown: not a GitHub-hosted runner label (actionlint's list, and the labels newer than it)` : f.message;
      ctx.problems.push({ file: ctx.rel, line: f.line + src.lineOffset, column: f.column, rule: `actionlint:${f.kind}`, message });
    }
  }
  const report = reporter(ctx, src);
  checkWorkflowRules(src, jobs, ctx.options, report);
  await checkUses(src, jobs, ctx.resolver, report);
  place(ctx.problems.slice(before), src, jobs);
}

async function checkAction(ctx: FileContext, src: YamlSource): Promise<void> {
  for (const e of schemaErrors('action', ctx.rel, src.text)) {
    ctx.problems.push({ file: ctx.rel, line: e.line, column: e.column, rule: 'schema', message: e.message });
  }
  if (src.doc.errors.length > 0) return;
  const report = reporter(ctx, src);
  const dir = path.posix.dirname(ctx.rel);
  const exists = (relative: string): Promise<boolean> =>
    fs.stat(path.resolve(ctx.root, path.posix.normalize(relative))).then(
      (s) => s.isFile(),
      () => false,
    );
  await checkActionMetadata(src, exists, dir === '.' ? '' : dir, report);
  const steps = get(get(src.root, 'runs'), 'steps');
  if (steps) await checkStepList(ctx, src, steps);
}

async function checkStepList(ctx: FileContext, src: YamlSource, seq: Node): Promise<void> {
  const job: JobInfo = { node: seq, key: seq, steps: stepsOf(seq) };
  const report = reporter(ctx, src);
  checkSteps(src, job, ctx.options, report);
  await checkUses(src, [job], ctx.resolver, report);
}

/** Workflows and step lists in ```yaml blocks; other blocks (fragments, configuration) are left alone. */
async function checkMarkdown(ctx: FileContext, content: string): Promise<void> {
  for (const block of yamlBlocks(content)) {
    const src = new YamlSource(ctx.rel, block.text, block.lineOffset);
    if (src.doc.errors.length > 0) continue;
    const root = src.root;
    if (isMap(root) && get(root, 'jobs') && get(root, 'on') !== undefined) await checkWorkflow(ctx, src);
    else if (isSeq(root) && items(root).every((s) => isMap(s) && (get(s, 'uses') !== undefined || get(s, 'run') !== undefined))) await checkStepList(ctx, src, root);
    else if (isMap(root) && isSeq(get(root, 'steps'))) await checkStepList(ctx, src, get(root, 'steps') as Node);
  }
}

/** Name the job and step of problems that came with a line only (schema, actionlint). */
function place(problems: WorkflowProblem[], src: YamlSource, jobs: readonly JobInfo[]): void {
  const lastLine = (n: Node): number => src.line(src.nodeAtOffset(Math.max(0, (n.range?.[1] ?? 1) - 1)));
  for (const p of problems) {
    if (p.job !== undefined) continue;
    const job = jobs.find((j) => p.line >= src.line(j.key) && p.line <= lastLine(j.node));
    if (!job) continue;
    p.job = job.id;
    const step: StepInfo | undefined = job.steps.find((s) => p.line >= src.line(s.node) && p.line <= lastLine(s.node));
    if (step) p.step = step.label;
  }
}

/** actionlint also flags untrusted input in run:; the house rule says the same with the fix, so keep one. */
function dedupe(problems: WorkflowProblem[]): WorkflowProblem[] {
  const ours = problems.filter((p) => p.rule === 'expression-in-run');
  return problems.filter((p) => {
    const name = p.rule === 'actionlint:expression' ? /^"([^"]+)" is potentially untrusted/.exec(p.message)?.[1] : undefined;
    return !name || !ours.some((o) => o.file === p.file && o.job === p.job && o.step === p.step && o.message.includes(name));
  });
}

/**
 * The files a repository of this suite keeps workflows in: `.github/workflows/*.yml`,
 * every `action.yml` (outside node_modules and testdata), `README.md` and `docs/**\/*.md`.
 */
export async function findWorkflowFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(path.join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        // Test fixtures are wrong on purpose; dot-folders other than .github hold no workflows.
        if (e.name === 'node_modules' || e.name === 'testdata' || (e.name.startsWith('.') && e.name !== '.github')) continue;
        await walk(rel);
      } else if (/^action\.ya?ml$/.test(e.name)) out.push(rel);
      else if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(rel)) out.push(rel);
      else if (rel === 'README.md' || /^docs\/.+\.md$/.test(rel)) out.push(rel);
    }
  };
  await walk('');
  return out.sort();
}
