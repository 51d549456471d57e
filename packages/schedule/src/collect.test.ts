import { collectRun, parseRunPlan, planSchedule, runPlanOf, scheduleOutputs, type LegRecord, type RunPlan } from './index';
import { tinyRecipe } from './testing';

/** lib (static 1.0) and app (2.0, needs lib) on two platforms; yq has no arm64 download; jq is published on linux-amd64 already. */
function plan(runAttempt = 1): RunPlan {
  const recipes = [
    tinyRecipe({ name: 'lib', version: '1.0' }),
    tinyRecipe({ name: 'app', version: '2.0', dependencies: ['lib'] }),
    tinyRecipe({ name: 'yq', version: '4.0', platforms: ['linux-amd64'] }),
    tinyRecipe({ name: 'jq', version: '1.7.1' }),
  ];
  const available = [
    { name: 'jq', version: '1.7.1', platform: 'linux-amd64' as const },
    { name: 'app', version: '2.0', platform: 'darwin-arm64' as const },
  ];
  const schedule = planSchedule({ recipes, platforms: ['linux-amd64', 'linux-arm64'], available });
  return parseRunPlan(scheduleOutputs(schedule, 8, { runAttempt, available }).plan as string);
}

function rec(leg: string, status: LegRecord['status'], attempt = 1, extra: Partial<LegRecord> = {}): LegRecord {
  const [recipe, ...rest] = leg.split('-');
  const platform = rest.join('-') as LegRecord['platform'];
  const version = { lib: '1.0', app: '2.0', yq: '4.0', jq: '1.7.1' }[recipe as string] as string;
  return {
    schemaVersion: 1,
    leg,
    recipe: recipe as string,
    version,
    platform,
    run: { id: '7', attempt, url: `https://github.com/acme/tools/actions/runs/7/attempts/${attempt}` },
    status,
    ...(status === 'success' ? { artifact: { name: `potions-build-${leg}`, id: `id-${leg}-${attempt}` } } : { failedStep: 'build', reason: 'build failed at the download step' }),
    environment: { runner: {} },
    ...extra,
  };
}

describe('collectRun', () => {
  it('carries a partial-platform release: what built goes out, a failed platform is listed with its reason and run, a dependant of a failure says so', () => {
    const p = plan();
    expect(p.legs.map((l) => l.id).sort()).toEqual(['app-linux-amd64', 'app-linux-arm64', 'jq-linux-arm64', 'lib-linux-amd64', 'lib-linux-arm64', 'yq-linux-amd64']);
    const run = collectRun({
      plan: p,
      records: [rec('lib-linux-amd64', 'success'), rec('app-linux-amd64', 'success'), rec('lib-linux-arm64', 'failure'), rec('app-linux-arm64', 'failure'), rec('yq-linux-amd64', 'success'), rec('jq-linux-arm64', 'success')],
    });
    expect(run.platforms).toEqual({ 'darwin-x86_64': 'none', 'darwin-arm64': 'none', 'linux-amd64': 'success', 'linux-arm64': 'partial' });
    expect(run.artifactIds).toEqual(['id-app-linux-amd64-1', 'id-jq-linux-arm64-1', 'id-lib-linux-amd64-1', 'id-yq-linux-amd64-1']);
    expect(run.failures).toEqual([
      {
        name: 'app',
        version: '2.0',
        platform: 'linux-arm64',
        reason: 'build failed at the download step (run attempt 1: https://github.com/acme/tools/actions/runs/7/attempts/1); it builds on lib-linux-arm64, which did not build either',
      },
      { name: 'lib', version: '1.0', platform: 'linux-arm64', reason: 'build failed at the download step (run attempt 1: https://github.com/acme/tools/actions/runs/7/attempts/1)' },
      { name: 'yq', version: '4.0', platform: 'linux-arm64', reason: 'cannot be built for linux-arm64: the recipe lists no linux-arm64 download (it lists: linux-amd64)' },
    ]);
    const jq = run.recipes.find((r) => r.recipe === 'jq');
    expect(jq).toMatchObject({ decision: 'publish', available: 2, platforms: { 'linux-amd64': { status: 'available' }, 'linux-arm64': { status: 'built', attempt: 1 } } });
    expect(run.publish).toBe(true);
    expect(run.counts).toEqual({ legs: 6, built: 4, failed: 2, available: 1, excluded: 1, heldBack: 0 });
  });

  it('holds back a version with fewer platforms than min-platforms, counting what is published already', () => {
    const run = collectRun({
      plan: plan(),
      minPlatforms: 2,
      records: [rec('lib-linux-amd64', 'success'), rec('lib-linux-arm64', 'failure'), rec('app-linux-amd64', 'success'), rec('app-linux-arm64', 'failure'), rec('yq-linux-amd64', 'success'), rec('jq-linux-arm64', 'failure')],
    });
    const decisions = Object.fromEntries(run.recipes.map((r) => [r.recipe, [r.decision, r.available, r.required]]));
    // lib: 1 of 2 -> held back; app: linux-amd64 now and darwin-arm64 before -> 2; yq builds only on linux-amd64 -> 1 required; jq: published on one, failed on the other.
    expect(decisions).toEqual({ lib: ['held-back', 1, 2], app: ['publish', 2, 2], yq: ['publish', 1, 1], jq: ['held-back', 1, 2] });
    expect(run.artifactIds).toEqual(['id-app-linux-amd64-1', 'id-yq-linux-amd64-1']);
    expect(run.failures.map((f) => `${f.name} ${f.platform}`)).toEqual(['app linux-arm64', 'yq linux-arm64']);
    expect(run.counts.heldBack).toBe(2);
  });

  it('never takes a record of an older attempt than the plan, and a leg without a record is missing, not built', () => {
    const run = collectRun({
      plan: plan(2),
      records: [rec('lib-linux-amd64', 'success', 1), rec('app-linux-amd64', 'success', 2), rec('yq-linux-amd64', 'success', 3)],
      unreadable: [{ leg: 'jq-linux-arm64', message: 'Unexpected end of JSON input' }],
    });
    const lib = run.recipes.find((r) => r.recipe === 'lib')?.platforms;
    expect(lib?.['linux-amd64']).toEqual({
      status: 'missing',
      leg: 'lib-linux-amd64',
      attempt: 1,
      reason: "its only status record is from run attempt 1, before this run's plan (attempt 2): the leg did not report in this attempt",
    });
    expect(lib?.['linux-arm64']?.reason).toBe('its job left no status record (the runner was lost, or the run was cancelled before the job ran)');
    expect(run.recipes.find((r) => r.recipe === 'jq')?.platforms['linux-arm64']?.reason).toBe('its status record cannot be read (Unexpected end of JSON input)');
    expect(run.artifactIds).toEqual(['id-app-linux-amd64-2', 'id-yq-linux-amd64-3']);
    expect(run.platforms['linux-amd64']).toBe('partial');
    expect(run.platforms['linux-arm64']).toBe('failure');
  });

  it('a run where nothing is left to build publishes nothing', () => {
    const schedule = planSchedule({
      recipes: [tinyRecipe({ name: 'jq', version: '1.7.1' })],
      platforms: ['linux-amd64'],
      available: [{ name: 'jq', version: '1.7.1', platform: 'linux-amd64' }],
    });
    const run = collectRun({ plan: runPlanOf(schedule, 1), records: [] });
    expect(run).toMatchObject({ publish: false, artifactIds: [], failures: [], recipes: [{ recipe: 'jq', decision: 'unchanged' }] });
    expect(() => collectRun({ plan: runPlanOf(schedule, 1), records: [], minPlatforms: 0 })).toThrow(expect.objectContaining({ code: 'E_SCHEDULE_OPTION' }));
  });
});

describe('the plan output', () => {
  it('gives each leg its container (Linux only) and job timeout, and the run plan the collect job reads back', () => {
    const schedule = planSchedule({ recipes: [tinyRecipe({ name: 'jq', version: '1.7.1', timeoutMinutes: 30 })], platforms: ['linux-arm64', 'darwin-arm64'] });
    const image = `ghcr.io/acme/build-env@sha256:${'c'.repeat(64)}`;
    const out = scheduleOutputs(schedule, 2, { containers: { 'linux-arm64': image, 'darwin-arm64': image }, runAttempt: 3 });
    const legs = (JSON.parse(out['matrix-1'] as string) as { include: { id: string; container: string; buildTimeout: number; jobTimeout: number }[] }).include;
    expect(legs.map((l) => [l.id, l.container, l.buildTimeout, l.jobTimeout])).toEqual([
      ['jq-darwin-arm64', '', 30, 90],
      ['jq-linux-arm64', image, 30, 90],
    ]);
    // A recipe that builds for 8 hours: on hosted runners (6 hours a job) its build step is cut to fit, so it still reports.
    const long = planSchedule({ recipes: [tinyRecipe({ name: 'llvm', version: '19', timeoutMinutes: 480 })], platforms: ['linux-amd64'] });
    const leg = (o: Record<string, string>) => (JSON.parse(o['matrix-1'] as string) as { include: { buildTimeout: number; jobTimeout: number }[] }).include[0];
    expect(leg(scheduleOutputs(long, 1))).toMatchObject({ timeout: 480, buildTimeout: 300, jobTimeout: 360 });
    expect(leg(scheduleOutputs(long, 1, { maxJobMinutes: 1440 }))).toMatchObject({ buildTimeout: 480, jobTimeout: 540 });
    expect(() => scheduleOutputs(long, 1, { maxJobMinutes: 60 })).toThrow(expect.objectContaining({ code: 'E_SCHEDULE_OPTION' }));
    expect(out.platforms).toBe('darwin-arm64,linux-arm64');
    expect(parseRunPlan(out.plan as string)).toMatchObject({ runAttempt: 3, legs: [{ id: 'jq-darwin-arm64' }, { id: 'jq-linux-arm64' }] });
    expect(() => parseRunPlan('{"schemaVersion":1}', 'input "plan"')).toThrow(expect.objectContaining({ code: 'E_SCHEDULE_RUN_PLAN', message: expect.stringMatching(/^input "plan" is not a run plan: runAttempt/) }));
  });
});
