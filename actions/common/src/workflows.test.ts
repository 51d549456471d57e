import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { PLATFORMS } from '@potions/core';
import { LEG_OVERHEAD_MINUTES, LEG_STEP_IDS } from '@potions/schedule';
import { checkWorkflows, findWorkflowFiles, formatProblems } from '@potions/workflow-check';

// Every workflow, every action.yml, the README's and the docs' workflows (the caller workflow of
// docs/caller-workflow.md among them), checked the way GitHub would take them: uses: resolved from
// the repository root, GitHub's schema, actionlint, and the house rules (docs/workflow-check.md).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (file: string) => parse(readFileSync(path.join(root, file), 'utf8')) as Workflow;

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  'timeout-minutes'?: number | string;
}
interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; matrix?: unknown };
  'timeout-minutes'?: number | string;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, { inputs?: Record<string, { type?: string; default?: unknown }>; outputs?: Record<string, { value: string }> } | null>;
  jobs: Record<string, Job>;
}

describe('workflows, actions and documented workflows', () => {
  it('every one passes the checks: each uses: resolves from the root, schema, actionlint, pins, permissions, timeouts', async () => {
    const files = await findWorkflowFiles(root);
    expect(files).toEqual(expect.arrayContaining(['.github/workflows/release.yml', '.github/workflows/ci.yml', 'docs/caller-workflow.md', 'docs/publishing.md', 'README.md', 'plan/action.yml', 'collect/action.yml', 'leg-record/action.yml']));
    expect(formatProblems(await checkWorkflows({ root, files }))).toBe('');
  });
});

describe('release.yml', () => {
  const wf = read('.github/workflows/release.yml');
  const inputs = wf.on.workflow_call!.inputs!;
  const plan = wf.jobs.plan!;
  const planStep = plan.steps!.find((s) => s.id === 'plan')!;
  const slots = Number(planStep.with!.slots);
  const builds = Object.keys(wf.jobs).filter((j) => /^build-\d+$/.test(j));

  it('has a build job per slot of the plan, each one matrix after the one before, skipped when unused', () => {
    const planAction = parse(readFileSync(path.join(root, 'plan/action.yml'), 'utf8')) as { outputs: Record<string, unknown> };
    expect(builds).toEqual(Array.from({ length: slots }, (_, i) => `build-${i + 1}`));
    expect(Object.keys(planAction.outputs).filter((o) => /^matrix-\d+$/.test(o))).toHaveLength(slots);
    for (const [i, id] of builds.entries()) {
      const job = wf.jobs[id]!;
      expect(job.needs).toEqual(i === 0 ? 'plan' : ['plan', `build-${i}`]);
      expect(job.if).toContain(`fromJSON(needs.plan.outputs.matrix-count) >= ${i + 1}`);
      expect(job.if).toContain('!cancelled()');
      expect(job.strategy).toMatchObject({ 'fail-fast': false, matrix: `\${{ fromJSON(needs.plan.outputs.matrix-${i + 1}) }}` });
      expect(plan.outputs![`matrix-${i + 1}`]).toBe(`\${{ steps.plan.outputs.matrix-${i + 1} }}`);
    }
    expect(wf.jobs.collect!.needs).toEqual(['plan', ...builds]);
  });

  it('each leg runs the steps its status record knows, then records and uploads the record whatever happened', () => {
    for (const id of builds) {
      const steps = wf.jobs[id]!.steps!;
      const ids = steps.map((s) => s.id).filter(Boolean);
      expect(ids).toEqual([...Object.values(LEG_STEP_IDS), 'record']);
      const record = steps.findIndex((s) => s.id === 'record');
      expect(steps.slice(record).map((s) => s.if)).toEqual(['${{ always() }}', '${{ always() }}']);
      expect(steps.slice(record).some((s) => s.run !== undefined)).toBe(false);
      expect(steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@')).map((s) => s.with?.overwrite)).toEqual([true, true]);
      // The build step's timeout is the recipe's; the others are fixed and fit in the job's overhead with room for its set-up.
      expect(steps.find((s) => s.id === 'build')!['timeout-minutes']).toBe('${{ matrix.buildTimeout }}');
      expect(wf.jobs[id]!['timeout-minutes']).toBe('${{ matrix.jobTimeout }}');
      const fixed = steps.filter((s) => s.id !== 'build').map((s) => Number(s['timeout-minutes']));
      expect(fixed.every((m) => m > 0)).toBe(true);
      expect(fixed.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(LEG_OVERHEAD_MINUTES - 10);
      expect(JSON.stringify(wf.jobs[id])).not.toContain('secrets.');
      expect(wf.jobs[id]!.permissions).toEqual({ contents: 'read' });
    }
  });

  it('asks for id-token: write and reads secrets in the publish job only', () => {
    expect(Object.entries(wf.jobs).filter(([, j]) => j.permissions?.['id-token'] === 'write').map(([n]) => n)).toEqual(['publish']);
    expect(Object.entries(wf.jobs).filter(([, j]) => JSON.stringify(j).includes('secrets.')).map(([n]) => n)).toEqual(['publish']);
  });

  it('leaves min-mirrors and min-platforms empty by default, so the configuration decides', () => {
    // A default of 1 here overrode minMirrors of the mirrors file (the end-to-end test shows the file's 2 is honoured).
    expect(inputs['min-mirrors']).toEqual(expect.objectContaining({ type: 'string', default: '' }));
    expect(inputs['min-platforms']).toEqual(expect.objectContaining({ type: 'string', default: '' }));
    const sync = wf.jobs.publish!.steps!.find((s) => s.id === 'sync')!;
    expect(sync.with!['min-mirrors']).toBe('${{ inputs.min-mirrors }}');
    expect(String(inputs.platforms!.default).split(',')).toEqual(expect.arrayContaining([...PLATFORMS]));
  });

  it('hands the status of each platform from the collect job to the caller', () => {
    const outputs = wf.on.workflow_call!.outputs!;
    for (const p of PLATFORMS) {
      expect(wf.jobs.collect!.outputs![`status-${p}`]).toBe(`\${{ fromJSON(steps.collect.outputs.platforms)['${p}'] }}`);
      expect(outputs[`status-${p}`]!.value).toBe(`\${{ jobs.collect.outputs.status-${p} }}`);
    }
  });
});

describe('dependabot.yml', () => {
  it('keeps the pinned third-party actions current', () => {
    const config = parse(readFileSync(path.join(root, '.github/dependabot.yml'), 'utf8')) as { version: number; updates: { 'package-ecosystem': string; directory: string }[] };
    expect(config.version).toBe(2);
    expect(config.updates).toEqual([expect.objectContaining({ 'package-ecosystem': 'github-actions', directory: '/' })]);
  });
});

describe('invalidate-cache.yml', () => {
  const wf = read('.github/workflows/invalidate-cache.yml');
  const step = wf.jobs.invalidate!.steps!.find((s) => s.run)!;

  it('deletes each key once and reports, without failing, a key that is already gone', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'potions-invalidate-'));
    try {
      // A fake gh: the list names one key per ref (twice for a key on two refs); deleting "gone" answers 404.
      writeFileSync(
        path.join(dir, 'gh'),
        [
          '#!/usr/bin/env bash',
          'if [ "$1 $2" = "cache list" ]; then printf "potions-build-jq-a\\npotions-build-jq-a\\npotions-build-gone\\n"; exit 0; fi',
          'if [ "$1 $2" = "cache delete" ]; then echo "$3" >> "$LOG"; [ "$3" = potions-build-gone ] && { echo "HTTP 404: Not Found" >&2; exit 1; }; exit 0; fi',
          'exit 2',
        ].join('\n'),
        { mode: 0o755 },
      );
      const summary = path.join(dir, 'summary.md');
      const stdout = execFileSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
        env: { PATH: `${dir}:${process.env.PATH}`, LOG: path.join(dir, 'deleted'), GITHUB_STEP_SUMMARY: summary, PREFIX: '' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(readFileSync(path.join(dir, 'deleted'), 'utf8').split('\n').filter(Boolean)).toEqual(['potions-build-gone', 'potions-build-jq-a']);
      expect(readFileSync(summary, 'utf8')).toContain('Deleted 1 cache key(s) starting with `potions-build-`');
      expect(stdout).toContain('::warning title=invalidate-cache::1 of 2 cache key(s) could not be deleted');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
