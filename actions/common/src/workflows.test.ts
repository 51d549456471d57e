import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// The reusable workflows call this repository's actions as `potions/actions/<name>@v1`.
// GitHub only finds a wrong input name when a release runs; check every call here instead.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const workflowsDir = path.join(root, '.github', 'workflows');

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

function ourSteps(): { file: string; job: string; action: string; step: Step }[] {
  const out: { file: string; job: string; action: string; step: Step }[] = [];
  for (const file of readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f))) {
    const wf = parse(readFileSync(path.join(workflowsDir, file), 'utf8')) as { jobs: Record<string, { steps?: Step[] }> };
    for (const [job, def] of Object.entries(wf.jobs)) {
      for (const step of def.steps ?? []) {
        const m = /^potions\/actions\/([a-z0-9-]+)@v\d+$/.exec(step.uses ?? '');
        if (m?.[1]) out.push({ file, job, action: m[1], step });
      }
    }
  }
  return out;
}

describe('reusable workflows', () => {
  const steps = ourSteps();

  it('call the suite’s own actions', () => {
    expect(steps.map((s) => s.action)).toEqual(expect.arrayContaining(['build-recipe']));
  });

  it.each(steps.map((s) => [`${s.file} ${s.job} ${s.action}`, s] as const))('%s: action exists and every input is declared', (_name, s) => {
    const actionFile = path.join(root, 'actions', s.action, 'action.yml');
    expect(existsSync(actionFile)).toBe(true);
    const action = parse(readFileSync(actionFile, 'utf8')) as { inputs?: Record<string, { required?: boolean }> };
    const declared = Object.keys(action.inputs ?? {});
    const given = Object.keys(s.step.with ?? {});
    expect(given.filter((k) => !declared.includes(k))).toEqual([]);
    const required = Object.entries(action.inputs ?? {})
      .filter(([, v]) => v.required)
      .map(([k]) => k);
    expect(required.filter((k) => !given.includes(k))).toEqual([]);
  });
});
