/**
 * Pins this repository's own actions in a workflow to one commit: every
 * `uses: OWNER/REPO/<path>@<ref>` of a job or a step becomes
 * `OWNER/REPO/<path>@<sha> # vX.Y.Z`. The `uses:` values are found with the
 * YAML parser (a `uses:` line inside a script or a comment is not one) and
 * replaced where they stand, so the rest of the file keeps its bytes.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar } from 'yaml';
import { UserError } from '@potions/core';
import { ReleaseErrorCode } from './errors';

export const WORKFLOWS_FOLDER = '.github/workflows';

export interface WorkflowPin {
  /** The workflow file, relative to the repository root. */
  file: string;
  line: number;
  /** The value before: `potions/actions/mirror-sync@v1`. */
  uses: string;
  /** The value after: `potions/actions/mirror-sync@<sha>`. */
  pinned: string;
  /** The path inside this repository (`mirror-sync`, `.github/workflows/x.yml`, or `` for the root). */
  path: string;
}

export interface PinnedWorkflow {
  file: string;
  text: string;
  pins: WorkflowPin[];
}

export interface PinOptions {
  /** `owner/name` of this repository (compared without case, as GitHub does). */
  repository: string;
  /** The full commit id the actions are pinned to. */
  commit: string;
  /** `X.Y.Z`, written as the `# vX.Y.Z` comment. */
  version: string;
}

interface Found {
  node: Scalar;
  value: string;
  path: string;
}

function usesNodes(doc: ReturnType<typeof parseDocument>): Scalar[] {
  const out: Scalar[] = [];
  const take = (n: unknown): void => {
    if (isScalar(n) && typeof n.value === 'string') out.push(n);
  };
  const jobs = isMap(doc.contents) ? doc.contents.get('jobs', true) : undefined;
  if (!isMap(jobs)) return out;
  for (const pair of jobs.items) {
    const job = pair.value;
    if (!isMap(job)) continue;
    take(job.get('uses', true));
    const steps = job.get('steps', true);
    if (isSeq(steps)) for (const step of steps.items) if (isMap(step)) take(step.get('uses', true));
  }
  return out;
}

/** `owner/repo[/path]@ref` of this repository, or undefined for anything else. */
function ownUses(value: string, repository: string): { path: string } | undefined {
  const m = /^([^/@\s]+)\/([^/@\s]+)(?:\/([^@\s]*))?@(\S+)$/.exec(value.trim());
  if (!m || `${m[1]}/${m[2]}`.toLowerCase() !== repository.toLowerCase()) return undefined;
  return { path: (m[3] ?? '').replace(/\/+$/, '') };
}

function parse(file: string, text: string): { doc: ReturnType<typeof parseDocument>; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line;
    throw new UserError(ReleaseErrorCode.Workflow, `${file} is not valid YAML: ${err.message.split('\n')[0]}`, { location: { file, ...(line ? { line } : {}) } });
  }
  return { doc, lines };
}

function found(doc: ReturnType<typeof parseDocument>, repository: string): Found[] {
  return usesNodes(doc).flatMap((node) => {
    const own = ownUses(node.value as string, repository);
    return own ? [{ node, value: (node.value as string).trim(), path: own.path }] : [];
  });
}

/** Rewrite one workflow; a file without such a `uses:` comes back unchanged with no pins. */
export function pinWorkflow(file: string, text: string, options: PinOptions): PinnedWorkflow {
  const { doc, lines } = parse(file, text);
  const targets = found(doc, options.repository);
  const pins: WorkflowPin[] = [];
  let out = text;
  // From the end, so that earlier offsets stay valid.
  for (const t of [...targets].sort((a, b) => (b.node.range?.[0] ?? 0) - (a.node.range?.[0] ?? 0))) {
    const [start, end] = t.node.range ?? [0, 0];
    const line = lines.linePos(start).line;
    if (t.node.type !== Scalar.PLAIN && t.node.type !== Scalar.QUOTE_SINGLE && t.node.type !== Scalar.QUOTE_DOUBLE) {
      throw new UserError(ReleaseErrorCode.Workflow, `${file}:${line}: uses: is a block scalar; write it on one line`, { location: { file, line, field: 'uses' } });
    }
    const pinned = `${t.value.slice(0, t.value.lastIndexOf('@'))}@${options.commit}`;
    const quote = t.node.type === Scalar.QUOTE_DOUBLE ? '"' : t.node.type === Scalar.QUOTE_SINGLE ? "'" : '';
    const eol = out.indexOf('\n', end);
    const lineEnd = eol < 0 ? out.length : eol;
    const rest = out.slice(end, lineEnd);
    // A comment after the value is replaced by the version; anything else after it (a flow mapping) stays.
    const tail = /^\s*(#.*)?\r?$/.test(rest) ? ` # v${options.version}${rest.endsWith('\r') ? '\r' : ''}` : rest;
    out = `${out.slice(0, start)}${quote}${pinned}${quote}${tail}${out.slice(lineEnd)}`;
    pins.unshift({ file, line, uses: t.value, pinned, path: t.path });
  }
  verifyPinned(file, out, options, pins.length);
  return { file, text: out, pins };
}

/** Read the result back: every `uses:` of ours names the commit, and none was lost or added. */
function verifyPinned(file: string, text: string, options: PinOptions, expected: number): void {
  const after = found(parse(file, text).doc, options.repository);
  const wrong = after.filter((f) => !f.value.endsWith(`@${options.commit}`));
  if (after.length !== expected || wrong.length > 0) {
    throw new Error(`pinning ${file} went wrong: ${expected} uses: expected at ${options.commit}, found ${after.map((f) => f.value).join(', ')}`);
  }
}

/** Where `uses: OWNER/REPO/<path>@ref` resolves from the repository root, as GitHub does: the action's metadata file. */
export function actionMetadataPaths(path: string): string[] {
  const dir = path ? `${path}/` : '';
  return [`${dir}action.yml`, `${dir}action.yaml`];
}

export function isWorkflowPath(path: string): boolean {
  return path.startsWith(`${WORKFLOWS_FOLDER}/`);
}
