/**
 * The cut-release workflow drives this tool: it passes the house rules and
 * GitHub's schema (@potions/workflow-check, with actionlint), and what it
 * hands the tool (scripts, flags, the check to leave out) is what the tool
 * takes.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { checkWorkflows, formatProblems } from '@potions/workflow-check';
import { runReleaseTool } from './cli';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const FILE = '.github/workflows/cut-release.yml';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  name: string;
  if: string;
  permissions: Record<string, string>;
  'timeout-minutes': number;
  steps: Step[];
}

async function help(command: string): Promise<string> {
  let out = '';
  await runReleaseTool([command, '--help'], { cwd: ROOT, env: {}, stdout: (t) => (out += t), stderr: (t) => (out += t) });
  return out;
}

test('cut-release.yml passes the workflow checks', async () => {
  const problems = await checkWorkflows({ root: ROOT, files: [FILE] });
  expect(formatProblems(problems)).toBe('');
});

test('cut-release.yml hands the tool what it takes, with the least it needs', async () => {
  const wf = parse(await readFile(path.join(ROOT, FILE), 'utf8')) as {
    on: { workflow_dispatch: { inputs: Record<string, unknown> } };
    permissions: Record<string, string>;
    concurrency: { group: string; 'cancel-in-progress': boolean };
    jobs: { cut: Job; rollback: Job };
  };
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts['release:cut']).toBe('tsx packages/release-tool/src/bin.ts cut');
  expect(pkg.scripts['release:rollback']).toBe('tsx packages/release-tool/src/bin.ts rollback');

  expect(Object.keys(wf.on.workflow_dispatch.inputs)).toEqual(['mode', 'version', 'major', 'to', 'reason', 'dry-run']);
  expect(wf.permissions).toEqual({});
  expect(wf.concurrency).toEqual({ group: 'cut-release', 'cancel-in-progress': false });
  expect(wf.jobs.cut.permissions).toEqual({ contents: 'read', checks: 'read', statuses: 'read' });
  expect(wf.jobs.rollback.permissions).toEqual({ contents: 'read' });

  for (const [name, job, script] of [
    ['cut', wf.jobs.cut, 'release:cut'],
    ['rollback', wf.jobs.rollback, 'release:rollback'],
  ] as const) {
    const checkout = job.steps.find((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with).toEqual({ 'fetch-depth': 0, 'persist-credentials': false });
    const token = job.steps.find((s) => s.uses?.startsWith('actions/create-github-app-token@'));
    expect(token?.with).toMatchObject({ 'permission-contents': 'write', 'permission-workflows': 'write' });
    const release = job.steps.find((s) => s.run?.includes(`pnpm --silent ${script} `));
    expect(release?.env?.POTIONS_RELEASE_GIT_TOKEN).toBe('${{ steps.token.outputs.token }}');
    // Every flag the step passes is one the command takes.
    const text = await help(name);
    for (const flag of release?.run?.match(/--[a-z][a-z-]+/g) ?? []) {
      if (flag !== '--silent') expect(`${name}: ${text.includes(`${flag} `) ? flag : `${flag} (unknown)`}`).toBe(`${name}: ${flag}`);
    }
    // Steps before the token is minted see no credential.
    const before = job.steps.slice(0, job.steps.indexOf(token as Step));
    expect(before.some((s) => JSON.stringify(s).includes('token'))).toBe(false);
  }
  // The job's own check run is running while the tool asks about CI: it is left out by its name.
  const cutStep = wf.jobs.cut.steps.find((s) => s.env?.IGNORE_CHECK);
  expect(cutStep?.env?.IGNORE_CHECK).toBe(wf.jobs.cut.name);
  expect(cutStep?.run).toContain('--ignore-check "$IGNORE_CHECK"');
  expect(cutStep?.env?.GITHUB_TOKEN).toBe('${{ github.token }}');
});
