import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RUNNERS } from '@potions/schedule';
import {
  actionlintRunnerLabels,
  checkWorkflows,
  findWorkflowFiles,
  formatProblems,
  HOUSE_RULES,
  RETIRED_RUNNER_LABELS,
  runnerLabelStatus,
  schemaErrors,
} from './index';
import { expectedText, problemsText, workflowFixtures } from './testing';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TESTDATA = path.join(HERE, 'testdata');
const REPO = path.resolve(HERE, '../../..');

describe('fixtures: one workflow per rule, and a good one', () => {
  let fixtures: Awaited<ReturnType<typeof workflowFixtures>>;
  beforeAll(async () => {
    fixtures = await workflowFixtures(TESTDATA);
  });

  it('covers every house rule, GitHub\'s schema and actionlint, and a workflow with no problem', async () => {
    const expected = (await Promise.all(fixtures.map((f) => expectedText(TESTDATA, f)))).join('\n');
    const rules = new Set([...expected.matchAll(/ \[([a-z:-]+)\]/g)].map((m) => m[1]));
    expect([...HOUSE_RULES, 'schema'].filter((r) => !rules.has(r))).toEqual([]);
    expect([...rules].some((r) => r?.startsWith('actionlint:'))).toBe(true);
    expect(await expectedText(TESTDATA, fixtures.find((f) => f.input === 'workflows/good.input.yml')!)).toBe('');
  });

  it('every fixture gives exactly its expected problems', async () => {
    for (const f of fixtures) {
      const actual = await problemsText({ root: TESTDATA, files: [f.input] });
      expect(`${f.input}\n${actual}`).toBe(`${f.input}\n${await expectedText(TESTDATA, f)}`);
    }
  });
});

describe('checkWorkflows', () => {
  it('names the file, line, job and step of each problem', async () => {
    const problems = await checkWorkflows({ root: TESTDATA, files: ['workflows/checkout-credentials.input.yml'] });
    expect(problems[0]).toEqual({
      file: 'workflows/checkout-credentials.input.yml',
      line: 10,
      column: 15,
      rule: 'checkout-credentials',
      message: 'actions/checkout leaves the token in .git/config for every later step (and any build script) to read: add `with: persist-credentials: false`',
      job: 'one',
      step: '1 (actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8)',
    });
  });

  it('resolves this repository\'s actions from the root, as GitHub does, whatever the repository is called', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-wfcheck-'));
    try {
      await fs.mkdir(path.join(dir, 'actions/tool'), { recursive: true });
      await fs.writeFile(path.join(dir, 'actions/tool/action.yml'), 'name: t\ndescription: t\nruns:\n  using: node24\n  main: index.js\n');
      await fs.writeFile(path.join(dir, 'wf.yml'), 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    steps:\n      - uses: Acme/Tools/tool@v2\n');
      const problems = await checkWorkflows({ root: dir, files: ['wf.yml'], repository: 'acme/tools', actionlint: false });
      expect(formatProblems(problems)).toBe(
        'wf.yml:8:15 [action-not-found] job a, step 1 (Acme/Tools/tool@v2): Acme/Tools/tool@v2 does not resolve: GitHub opens tool/action.yml or tool/action.yaml from the repository root and there is none (actions/tool/action.yml exists, but GitHub reads the path from the repository root)',
      );
      await fs.mkdir(path.join(dir, 'tool'));
      await fs.writeFile(path.join(dir, 'tool/action.yml'), 'name: t\ndescription: t\nruns:\n  using: node24\n  main: ../actions/tool/index.js\n');
      expect(await checkWorkflows({ root: dir, files: ['wf.yml'], repository: 'acme/tools', actionlint: false })).toEqual([]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a file that cannot be read is a UserError naming it', async () => {
    await expect(checkWorkflows({ root: TESTDATA, files: ['workflows/nope.yml'], actionlint: false })).rejects.toMatchObject({
      code: 'E_WORKFLOW_FILE',
      message: 'cannot read workflows/nope.yml: ENOENT',
    });
  });

  it('GitHub\'s schema accepts node24 actions and refuses unknown runtimes', () => {
    const action = (using: string): string => `name: x\ndescription: y\nruns:\n  using: ${using}\n  main: dist/index.js\n`;
    expect(schemaErrors('action', 'action.yml', action('node24'))).toEqual([]);
    expect(schemaErrors('action', 'action.yml', action('node99'))).not.toEqual([]);
  });
});

describe('runner labels come from the tools', () => {
  it('actionlint knows the current hosted labels; the newer ones are added and the retired ones refused', async () => {
    const labels = await actionlintRunnerLabels();
    expect([...labels]).toEqual(expect.arrayContaining(['ubuntu-24.04', 'ubuntu-24.04-arm', 'macos-15', 'macos-15-intel', 'windows-2025']));
    const status = await runnerLabelStatus();
    expect(RETIRED_RUNNER_LABELS.map(status)).toEqual(RETIRED_RUNNER_LABELS.map(() => 'retired'));
    expect(status('ubuntu-16.04')).toBe('unknown');
  });

  it('the planner\'s default runner of each platform is a current GitHub-hosted runner', async () => {
    const status = await runnerLabelStatus();
    expect(Object.fromEntries(Object.entries(DEFAULT_RUNNERS).map(([p, label]) => [p, status(label)]))).toEqual({
      'darwin-x86_64': 'known',
      'darwin-arm64': 'known',
      'linux-amd64': 'known',
      'linux-arm64': 'known',
    });
  });
});

describe('this repository', () => {
  // Printed, not asserted: the workflows are being rewritten (issue 11); this is the list of what to fix.
  it('reports what its workflows, actions and docs break today', async () => {
    const files = await findWorkflowFiles(REPO);
    expect(files).toEqual(expect.arrayContaining(['.github/workflows/release.yml', 'README.md', 'mirror-sync/action.yml', 'docs/publishing.md']));
    expect(files.filter((f) => f.includes('testdata') || f.includes('node_modules'))).toEqual([]);
    const problems = await checkWorkflows({ root: REPO, files });
    process.stdout.write(`workflow-check on this repository: ${problems.length} problems in ${files.length} files\n${formatProblems(problems)}\n`);
  });
});
