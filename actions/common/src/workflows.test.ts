import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// The reusable workflows call this repository's actions as `potions/actions/<name>@v1`.
// GitHub only finds a wrong input, output or runner name when a release runs; check them here instead.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const workflowsDir = path.join(root, '.github', 'workflows');

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  'runs-on'?: string | string[];
  outputs?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, { inputs?: Record<string, unknown>; secrets?: Record<string, unknown>; outputs?: Record<string, { value: string }> } | null>;
  jobs: Record<string, Job>;
}

/**
 * GitHub-hosted runner labels that exist today (docs "GitHub-hosted runners", standard and arm64 images).
 * Retired ones (macos-13, ubuntu-20.04, windows-2019) are left out on purpose: a job asking for one never starts.
 */
const HOSTED_LABELS = [
  'ubuntu-latest',
  'ubuntu-24.04',
  'ubuntu-22.04',
  'ubuntu-24.04-arm',
  'ubuntu-22.04-arm',
  'macos-latest',
  'macos-26',
  'macos-15',
  'macos-15-intel',
  'macos-14',
  'windows-latest',
  'windows-2025',
  'windows-2022',
  'windows-11-arm',
];

const workflows: { file: string; wf: Workflow }[] = readdirSync(workflowsDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((file) => ({ file, wf: parse(readFileSync(path.join(workflowsDir, file), 'utf8')) as Workflow }));

function actionYml(name: string): { inputs?: Record<string, { required?: boolean }>; outputs?: Record<string, unknown> } {
  return parse(readFileSync(path.join(root, name, 'action.yml'), 'utf8'));
}

function ourAction(step: Step): string | undefined {
  return /^potions\/actions\/([a-z0-9-]+)@v\d+$/.exec(step.uses ?? '')?.[1];
}

function ourSteps(): { file: string; job: string; action: string; step: Step }[] {
  const out: { file: string; job: string; action: string; step: Step }[] = [];
  for (const { file, wf } of workflows) {
    for (const [job, def] of Object.entries(wf.jobs)) {
      for (const step of def.steps ?? []) {
        const action = ourAction(step);
        if (action) out.push({ file, job, action, step });
      }
    }
  }
  return out;
}

/** Every match of `re` (with two groups) in the text of `value`. */
function refs(value: unknown, re: RegExp): [string, string][] {
  return [...JSON.stringify(value).matchAll(re)].map((m) => [m[1]!, m[2]!]);
}

/** The runner labels a job can ask for: a literal, or every value of a `fromJSON('{...}')[...]` map. */
function runnerLabels(runsOn: Job['runs-on']): string[] {
  if (runsOn === undefined) return [];
  if (Array.isArray(runsOn)) return runsOn;
  const map = /fromJSON\('(\{[^']*\})'\)/.exec(runsOn);
  if (map) return Object.values(JSON.parse(map[1]!) as Record<string, string>);
  return [runsOn];
}

describe('reusable workflows', () => {
  const steps = ourSteps();

  it('call the suite’s own actions', () => {
    expect(steps.map((s) => s.action)).toEqual(expect.arrayContaining(['build-recipe', 'mirror-sync', 'manifest-publish']));
  });

  it.each(steps.map((s) => [`${s.file} ${s.job} ${s.action}`, s] as const))('%s: action exists and every input is declared', (_name, s) => {
    expect(existsSync(path.join(root, s.action, 'action.yml'))).toBe(true);
    const action = actionYml(s.action);
    const declared = Object.keys(action.inputs ?? {});
    const given = Object.keys(s.step.with ?? {});
    expect(given.filter((k) => !declared.includes(k))).toEqual([]);
    const required = Object.entries(action.inputs ?? {})
      .filter(([, v]) => v.required)
      .map(([k]) => k);
    expect(required.filter((k) => !given.includes(k))).toEqual([]);
  });

  it.each(workflows.map((w) => [w.file, w.wf] as const))('%s: every needs.X.outputs.Y is an output of a job it needs', (_file, wf) => {
    const wrong: string[] = [];
    for (const [name, job] of Object.entries(wf.jobs)) {
      const needs = job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
      for (const [x, y] of refs(job, /needs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
        if (!needs.includes(x) || !(y in (wf.jobs[x]?.outputs ?? {}))) wrong.push(`${name}: needs.${x}.outputs.${y}`);
      }
    }
    for (const [x, y] of refs(wf.on.workflow_call?.outputs ?? {}, /jobs\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
      if (!(y in (wf.jobs[x]?.outputs ?? {}))) wrong.push(`on.workflow_call.outputs: jobs.${x}.outputs.${y}`);
    }
    expect(wrong).toEqual([]);
  });

  it.each(workflows.map((w) => [w.file, w.wf] as const))('%s: every steps.ID.outputs.Z is an output of that step', (_file, wf) => {
    const wrong: string[] = [];
    for (const [name, job] of Object.entries(wf.jobs)) {
      const byId = new Map((job.steps ?? []).filter((s) => s.id).map((s) => [s.id!, s]));
      for (const [id, z] of refs(job, /steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
        const step = byId.get(id);
        const action = step && ourAction(step);
        const ok =
          step === undefined
            ? false
            : action
              ? z in (actionYml(action).outputs ?? {})
              : step.run !== undefined
                ? new RegExp(`\\b${z}=`).test(step.run) && step.run.includes('GITHUB_OUTPUT')
                : true; // a third-party action: not checked here
        if (!ok) wrong.push(`${name}: steps.${id}.outputs.${z}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each(workflows.map((w) => [w.file, w.wf] as const))('%s: every inputs.X and secrets.X is declared', (_file, wf) => {
    const call = wf.on.workflow_call;
    const dispatch = (wf.on as Record<string, { inputs?: Record<string, unknown> } | null>).workflow_dispatch;
    const inputs = Object.keys({ ...(call?.inputs ?? {}), ...(dispatch?.inputs ?? {}) });
    const secrets = Object.keys(call?.secrets ?? {});
    const used = (re: RegExp): string[] => [...JSON.stringify(wf.jobs).matchAll(re)].map((m) => m[1]!);
    expect(used(/\binputs\.([A-Za-z0-9_-]+)/g).filter((x) => !inputs.includes(x))).toEqual([]);
    // GITHUB_TOKEN is always there; everything else a called workflow gets must be declared.
    if (call) expect(used(/\bsecrets\.([A-Za-z0-9_-]+)/g).filter((x) => x !== 'GITHUB_TOKEN' && !secrets.includes(x))).toEqual([]);
  });

  it.each(workflows.map((w) => [w.file, w.wf] as const))('%s: every runs-on label is a current GitHub-hosted runner', (_file, wf) => {
    const labels = Object.values(wf.jobs).flatMap((j) => runnerLabels(j['runs-on']));
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.filter((l) => !HOSTED_LABELS.includes(l))).toEqual([]);
  });

  it('release.yml builds each platform on a runner of that platform', () => {
    const release = workflows.find((w) => w.file === 'release.yml')!.wf;
    const runsOn = release.jobs.build!['runs-on'] as string;
    const map = JSON.parse(/fromJSON\('(\{[^']*\})'\)/.exec(runsOn)![1]!) as Record<string, string>;
    expect(map).toEqual({ 'darwin-x86_64': 'macos-15-intel', 'darwin-arm64': 'macos-15', 'linux-amd64': 'ubuntu-24.04', 'linux-arm64': 'ubuntu-24.04-arm' });
    const platforms = JSON.parse((release.on.workflow_call!.inputs!.platforms as { default: string }).default) as string[];
    expect(platforms.filter((p) => !(p in map))).toEqual([]);
  });

  it('release.yml asks for id-token: write in the publish job only, and resolves the version once', () => {
    const text = readFileSync(path.join(workflowsDir, 'release.yml'), 'utf8');
    const release = parse(text) as Workflow & { permissions?: Record<string, string>; jobs: Record<string, Job & { permissions?: Record<string, string> }> };
    expect(release.permissions?.['id-token']).toBeUndefined();
    expect(Object.entries(release.jobs).filter(([, j]) => j.permissions?.['id-token'] === 'write').map(([n]) => n)).toEqual(['publish']);
    const build = release.jobs.build!.steps!.find((s) => s.id === 'build')!;
    expect(build.with?.version).toBe('${{ needs.plan.outputs.version }}');
  });
});

describe('invalidate-cache.yml', () => {
  const wf = workflows.find((w) => w.file === 'invalidate-cache.yml')!.wf;
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
