/**
 * Helpers for tests that check workflows: fixture pairs (`*.input.yml` or
 * `*.input.md`, or an `action.yml`, beside `*.expected.txt`, one formatted
 * problem per line) and a checker that prints problems the way a person
 * reads them.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { checkWorkflows, type CheckWorkflowsOptions } from './check';
import { formatProblems } from './problem';

export interface WorkflowFixture {
  /** The input, relative to the fixture root (the root `uses:` resolve from). */
  input: string;
  /** The expected problems file, relative to the fixture root. */
  expected: string;
}

/** Every fixture pair below `root`, in a stable order. */
export async function workflowFixtures(root: string): Promise<WorkflowFixture[]> {
  const out: WorkflowFixture[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of (await fs.readdir(path.join(root, dir), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(rel);
      else if (/\.input\.(ya?ml|md)$/.test(e.name)) out.push({ input: rel, expected: rel.replace(/\.input\.(ya?ml|md)$/, '.expected.txt') });
      else if (/^action\.ya?ml$/.test(e.name)) {
        const expected = `${dir ? `${dir}/` : ''}action.expected.txt`;
        if (await fs.stat(path.join(root, expected)).then(() => true, () => false)) out.push({ input: rel, expected });
      }
    }
  };
  await walk('');
  return out;
}

/** The problems of some files as text, one per line (empty when there are none). */
export async function problemsText(options: CheckWorkflowsOptions): Promise<string> {
  return formatProblems(await checkWorkflows(options));
}

/** The expected problems of a fixture as text (a missing file is an empty list). */
export async function expectedText(root: string, fixture: WorkflowFixture): Promise<string> {
  const text = await fs.readFile(path.join(root, fixture.expected), 'utf8').catch(() => '');
  return text.trimEnd();
}
