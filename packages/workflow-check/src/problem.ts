/** One thing wrong in a workflow, an action.yml or a documented snippet. */
export interface WorkflowProblem {
  /** The file, relative to the root checked. */
  file: string;
  line: number;
  column?: number;
  /** The rule's id (`pinned-action`, `schema`, `actionlint:expression`, ...): see docs/workflow-check.md. */
  rule: string;
  message: string;
  /** The job id, when the problem is in a job. */
  job?: string;
  /** The step: its 1-based position and its id, name or action, e.g. `3 (build)`. */
  step?: string;
}

/** `file:line:col [rule] job J, step S: message` — one line a person can jump from. */
export function formatProblem(p: WorkflowProblem): string {
  const where = [p.job === undefined ? undefined : `job ${p.job}`, p.step === undefined ? undefined : `step ${p.step}`].filter(Boolean).join(', ');
  return `${p.file}:${p.line}${p.column === undefined ? '' : `:${p.column}`} [${p.rule}]${where ? ` ${where}` : ''}: ${p.message}`;
}

export function formatProblems(problems: readonly WorkflowProblem[]): string {
  return problems.map(formatProblem).join('\n');
}

/** Problems in file order, then line, column and rule: the same input always prints the same list. */
export function sortProblems(problems: WorkflowProblem[]): WorkflowProblem[] {
  return problems.sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || (a.column ?? 0) - (b.column ?? 0) || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message),
  );
}
