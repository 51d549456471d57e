import { PLATFORMS } from '@potions/core';
import { parseRecipe } from '@potions/recipe';
import { planSchedule, parseBuildRef, scheduleOutputs, type Schedule, type ScheduleInput, type ScheduleLeg } from './index';
import { scheduleViolations, tinyRecipe, tinyRecipeText, type TinyRecipe } from './testing';

const legsOf = (s: Schedule): ScheduleLeg[] => s.matrices.flatMap((m) => m.matrix.include);
const waveOf = (s: Schedule, id: string): number | undefined => legsOf(s).find((l) => l.id === id)?.wave;
const idsIn = (s: Schedule, wave: number): string[] => legsOf(s).filter((l) => l.wave === wave).map((l) => l.id).sort();

function plan(recipes: TinyRecipe[], opts: Omit<ScheduleInput, 'recipes'> = {}): Schedule {
  const loaded = recipes.map((r) => tinyRecipe(r));
  const s = planSchedule({ recipes: loaded, ...opts });
  expect(scheduleViolations(s, loaded)).toEqual([]);
  return s;
}

/** app needs liba and libb, which both need zlib; cmake has no recipe (from the build machine). */
const APP: TinyRecipe[] = [
  { name: 'app', dependencies: ['liba', 'libb'], buildDependencies: ['cmake'] },
  { name: 'liba', dependencies: ['zlib'] },
  { name: 'libb', dependencies: ['zlib'] },
  { name: 'zlib', version: '1.3.1' },
  { name: 'unrelated' },
];

describe('planSchedule', () => {
  it('orders a recipe and its dependencies into waves, per platform, dependencies first', () => {
    const s = plan(APP, { select: { patterns: ['app'] }, versions: { app: '2.0', liba: '1.1', libb: '0.9' }, platforms: ['linux-amd64', 'darwin-arm64'] });
    expect(s.selected).toEqual(['app']);
    expect(s.platforms).toEqual(['darwin-arm64', 'linux-amd64']);
    expect(idsIn(s, 0)).toEqual(['zlib-darwin-arm64', 'zlib-linux-amd64']);
    expect(idsIn(s, 1)).toEqual(['liba-darwin-arm64', 'liba-linux-amd64', 'libb-darwin-arm64', 'libb-linux-amd64']);
    expect(idsIn(s, 2)).toEqual(['app-darwin-arm64', 'app-linux-amd64']);
    expect(s.waves.map((w) => [w.index, w.legs, w.matrices])).toEqual([[0, 2, [0]], [1, 4, [1]], [2, 2, [2]]]);
    expect(s.host).toEqual(['cmake']);
    expect(s.unresolved).toEqual([]);
    const app = legsOf(s).find((l) => l.id === 'app-linux-amd64');
    expect(app).toEqual({
      id: 'app-linux-amd64',
      recipe: 'app',
      file: 'recipes/app.yml',
      version: '2.0',
      platform: 'linux-amd64',
      runner: 'ubuntu-24.04',
      wave: 2,
      timeout: 60,
      needs: ['liba-linux-amd64', 'libb-linux-amd64', 'zlib-linux-amd64'],
    });
    expect(legsOf(s).find((l) => l.id === 'zlib-darwin-arm64')).toMatchObject({ version: '1.3.1', runner: 'macos-15' });
    expect(s.criticalPath.legs).toEqual(['zlib-darwin-arm64', 'liba-darwin-arm64', 'app-darwin-arm64']);
    expect(s.criticalPath.minutes).toBeUndefined();
    expect(legsOf(s).some((l) => l.recipe === 'unrelated')).toBe(false);
  });

  it('builds every recipe for the four platforms when nothing is selected, on the default runners', () => {
    const s = plan(APP);
    expect(s.selected).toEqual(['app', 'liba', 'libb', 'unrelated', 'zlib']);
    expect(s.legs).toBe(20);
    expect(Object.fromEntries(legsOf(s).filter((l) => l.recipe === 'zlib').map((l) => [l.platform, l.runner]))).toEqual({
      'darwin-x86_64': 'macos-15-intel',
      'darwin-arm64': 'macos-15',
      'linux-amd64': 'ubuntu-24.04',
      'linux-arm64': 'ubuntu-24.04-arm',
    });
    expect(s.unresolved).toEqual(['app', 'liba', 'libb', 'unrelated']);
    expect(legsOf(s).find((l) => l.id === 'app-linux-arm64')?.version).toBeNull();
  });

  it('takes runner labels from the caller over the defaults', () => {
    const s = plan([{ name: 'zlib' }], { runners: { 'linux-arm64': 'my-arm-runner' } });
    expect(s.runners['linux-arm64']).toBe('my-arm-runner');
    expect(legsOf(s).find((l) => l.platform === 'linux-arm64')?.runner).toBe('my-arm-runner');
    expect(() => plan([{ name: 'zlib' }], { runners: { 'windows-x64': 'windows-2025' } })).toThrow(expect.objectContaining({ code: 'E_SCHEDULE_OPTION', message: expect.stringContaining('"windows-x64" is not a platform') }));
  });

  it('reuses a dependency the cache or the manifest holds, and builds its dependants earlier', () => {
    const s = plan(APP, {
      select: { patterns: ['app'] },
      versions: { app: '2.0', liba: '1.1', libb: '0.9' },
      platforms: ['linux-amd64', 'linux-arm64'],
      available: [parseBuildRef('zlib@1.3.1@linux-amd64'), parseBuildRef('liba@1.1@linux-amd64')],
    });
    expect(s.reused).toEqual([
      { name: 'liba', version: '1.1', platform: 'linux-amd64' },
      { name: 'zlib', version: '1.3.1', platform: 'linux-amd64' },
    ]);
    expect(waveOf(s, 'zlib-linux-amd64')).toBeUndefined();
    expect(waveOf(s, 'libb-linux-amd64')).toBe(0);
    expect(waveOf(s, 'app-linux-amd64')).toBe(1);
    expect(waveOf(s, 'app-linux-arm64')).toBe(2);
    // Another version in the cache is not this one.
    const other = plan(APP, { select: { patterns: ['zlib'] }, available: [parseBuildRef('zlib@1.2.0@linux-amd64')] });
    expect(waveOf(other, 'zlib-linux-amd64')).toBe(0);
  });

  it('skips a requested build that is published already (a backfill builds only the missing platform), unless asked to rebuild', () => {
    const available = PLATFORMS.filter((p) => p !== 'linux-arm64').map((p) => parseBuildRef(`zlib@1.3.1@${p}`));
    const s = plan(APP, { select: { patterns: ['zlib'] }, available });
    expect(legsOf(s).map((l) => l.id)).toEqual(['zlib-linux-arm64']);
    expect(s.skipped.map((k) => [k.recipe, k.platform])).toEqual([
      ['zlib', 'darwin-x86_64'],
      ['zlib', 'darwin-arm64'],
      ['zlib', 'linux-amd64'],
    ]);
    expect(s.skipped[0]?.reason).toBe('zlib@1.3.1@darwin-x86_64 is in the cache or the manifest already');
    expect(plan(APP, { select: { patterns: ['zlib'] }, available, rebuild: true }).legs).toBe(4);
  });

  it('leaves out a platform a recipe has no download for, with the reason, and what needs it there', () => {
    const recipes: TinyRecipe[] = [
      { name: 'tool', dependencies: ['linuxlib'] },
      { name: 'linuxlib', platforms: ['linux-amd64', 'linux-arm64'] },
      { name: 'macapp', dependencies: ['base'], platforms: ['darwin-arm64'] },
      { name: 'base' },
    ];
    const s = plan(recipes, { select: { patterns: ['tool', 'macapp'] } });
    expect(s.excluded).toEqual([
      { recipe: 'macapp', platform: 'darwin-x86_64', code: 'no-platform', reason: 'the recipe lists no darwin-x86_64 download (it lists: darwin-arm64)' },
      { recipe: 'macapp', platform: 'linux-amd64', code: 'no-platform', reason: 'the recipe lists no linux-amd64 download (it lists: darwin-arm64)' },
      { recipe: 'macapp', platform: 'linux-arm64', code: 'no-platform', reason: 'the recipe lists no linux-arm64 download (it lists: darwin-arm64)' },
      { recipe: 'tool', platform: 'darwin-x86_64', code: 'dependency', reason: 'needs linuxlib, which does not build for darwin-x86_64' },
      { recipe: 'tool', platform: 'darwin-arm64', code: 'dependency', reason: 'needs linuxlib, which does not build for darwin-arm64' },
    ]);
    // base is built only where macapp is: nothing else needs it.
    expect(legsOf(s).filter((l) => l.recipe === 'base').map((l) => l.platform)).toEqual(['darwin-arm64']);
    expect(legsOf(s).filter((l) => l.recipe === 'tool').map((l) => l.platform).sort()).toEqual(['linux-amd64', 'linux-arm64']);
  });

  it('reports recipes with errors and a second recipe of one name, and leaves out what needs them', () => {
    const broken = parseRecipe(tinyRecipeText('broken').replace('build_type: make', 'build_type: bazel'), 'recipes/broken.yml');
    const loaded = [tinyRecipe({ name: 'user', dependencies: ['broken'] }), broken, tinyRecipe({ name: 'zlib' }), tinyRecipe({ name: 'zlib' }, 'other')];
    const s = planSchedule({ recipes: loaded, platforms: ['linux-amd64'] });
    expect(scheduleViolations(s, loaded)).toEqual([]);
    expect(s.invalid).toEqual([
      expect.objectContaining({ name: 'broken', file: 'recipes/broken.yml', code: 'E_BUILD_TYPE', line: 3, field: 'build_type', selected: true }),
      { name: 'zlib', file: 'recipes/zlib.yml', code: 'E_DUPLICATE_NAME', message: 'recipe "zlib" is also defined in other/zlib.yml; that one is used', line: 1, field: 'name', selected: false },
    ]);
    expect(s.excluded).toEqual([{ recipe: 'user', platform: 'linux-amd64', code: 'dependency', reason: 'needs broken, whose recipe has errors' }]);
    expect(legsOf(s).map((l) => `${l.id} ${l.file}`)).toEqual(['zlib-linux-amd64 other/zlib.yml']);
  });

  it('names a dependency cycle as a UserError with the recipe file', () => {
    const recipes: TinyRecipe[] = [{ name: 'a', dependencies: ['b'] }, { name: 'b', dependencies: ['c'] }, { name: 'c', dependencies: ['a'] }, { name: 'd' }];
    const loaded = recipes.map((r) => tinyRecipe(r));
    let caught: unknown;
    try {
      planSchedule({ recipes: loaded, select: { patterns: ['c'] } });
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'E_SCHEDULE_CYCLE', message: 'dependency cycle: c -> a -> b -> c', location: { file: 'recipes/c.yml', field: 'dependencies' } });
    // A cycle among recipes the run does not need does not stop it.
    expect(planSchedule({ recipes: loaded, select: { patterns: ['d'] } }).legs).toBe(4);
  });

  it('cuts a wave into matrices of near equal size within the limit, critical legs first', () => {
    const recipes: TinyRecipe[] = [{ name: 'top', dependencies: ['mid'] }, { name: 'mid' }, ...Array.from({ length: 9 }, (_, i) => ({ name: `leaf${i}` }))];
    const s = plan(recipes, { platforms: ['linux-amd64'], maxLegsPerMatrix: 3 });
    expect(s.matrices.map((m) => [m.wave, m.matrix.include.length])).toEqual([[0, 3], [0, 3], [0, 2], [0, 2], [1, 1]]);
    expect(s.waves[0]?.matrices).toEqual([0, 1, 2, 3]);
    // mid starts the longest chain: it goes first.
    expect(s.matrices[0]?.matrix.include[0]?.id).toBe('mid-linux-amd64');
    expect(() => plan(recipes, { maxLegsPerMatrix: 257 })).toThrow(expect.objectContaining({ code: 'E_SCHEDULE_OPTION', hint: 'GitHub makes at most 256 jobs from one matrix' }));
    expect(() => plan(recipes, { maxLegsPerMatrix: 0 })).toThrow(/maxLegsPerMatrix must be a whole number from 1 to 256, got 0/);
  });

  it('finds the critical path in minutes and estimates each wave with max-parallel', () => {
    const recipes: TinyRecipe[] = [
      { name: 'app', dependencies: ['slowlib', 'fastlib'] },
      { name: 'slowlib', dependencies: ['zlib'] },
      { name: 'fastlib', dependencies: ['zlib'] },
      { name: 'zlib' },
      { name: 'solo' },
    ];
    const s = plan(recipes, {
      platforms: ['linux-amd64'],
      durations: { app: 10, slowlib: 30, fastlib: 2, zlib: 4, 'solo@linux-amd64': 20, solo: 99 },
      maxParallel: 1,
    });
    expect(s.criticalPath).toEqual({ legs: ['zlib-linux-amd64', 'slowlib-linux-amd64', 'app-linux-amd64'], minutes: 44 });
    // One at a time: wave 0 is zlib + solo (24), wave 1 slowlib + fastlib (32), wave 2 app (10).
    expect(s.matrices.map((m) => m.minutes)).toEqual([24, 32, 10]);
    expect(s.minutes).toBe(66);
    expect(s.missingDurations).toEqual([]);
    const unlimited = plan(recipes, { platforms: ['linux-amd64'], durations: { slowlib: 30, zlib: 4 } });
    // app, fastlib and solo count as the median of 30 and 4.
    expect(unlimited.missingDurations).toEqual(['app', 'fastlib', 'solo']);
    expect(unlimited.criticalPath.minutes).toBe(4 + 30 + 17);
    expect(unlimited.waves.map((w) => w.minutes)).toEqual([17, 30, 17]);
    expect(() => plan(recipes, { durations: { app: -1 } })).toThrow(/the duration of app must be a number of minutes of at least 0, got -1/);
  });

  it('takes versions as given, static ones from the recipe, and refuses a bad one', () => {
    const s = plan(APP, { select: { patterns: ['liba'] }, versions: { liba: '1.1', zlib: '1.3.2' }, platforms: ['linux-amd64'] });
    expect(legsOf(s).map((l) => [l.recipe, l.version])).toEqual([
      ['zlib', '1.3.2'],
      ['liba', '1.1'],
    ]);
    expect(() => plan(APP, { versions: { nope: '1' } })).toThrow(expect.objectContaining({ code: 'E_SCHEDULE_VERSION', message: 'a version is given for "nope", which no recipe is' }));
    expect(() => plan(APP, { versions: { app: '1.0; rm -rf /' } })).toThrow(expect.objectContaining({ code: 'E_SCHEDULE_VERSION' }));
    expect(() => parseBuildRef('zlib@1.3.1')).toThrow(/"zlib@1.3.1" is not name@version@platform/);
    expect(() => parseBuildRef('zlib@1.3.1@windows')).toThrow(expect.objectContaining({ code: 'E_SCHEDULE_VERSION' }));
  });

  it('refuses platforms that are not the four, and an empty list', () => {
    expect(() => plan(APP, { platforms: ['linux-riscv64'] })).toThrow(expect.objectContaining({ code: 'E_SCHEDULE_OPTION', message: 'unknown platform "linux-riscv64"' }));
    expect(() => plan(APP, { platforms: [] })).toThrow('no platform to build for');
  });
});

describe('selecting recipes', () => {
  it('takes names and globs over names, and says what a typo should have been', () => {
    expect(plan(APP, { select: { patterns: ['lib*', 'unrelated'] } }).selected).toEqual(['liba', 'libb', 'unrelated']);
    expect(plan(APP, { select: { patterns: ['{zlib,app}'] } }).selected).toEqual(['app', 'zlib']);
    expect(() => plan(APP, { select: { patterns: ['zlb'] } })).toThrow(expect.objectContaining({ code: 'E_SCHEDULE_UNKNOWN_RECIPE', message: 'no recipe named "zlb"' }));
    expect(() => plan([...APP, { name: 'libjpeg-turbo' }], { select: { patterns: ['jpeg-turbo'] } })).toThrow(
      expect.objectContaining({ hint: 'did you mean "libjpeg-turbo"?' }),
    );
    expect(() => plan(APP, { select: { patterns: ['py*'] } })).toThrow(expect.objectContaining({ code: 'E_SCHEDULE_NO_MATCH', message: 'the pattern "py*" matches no recipe name' }));
  });

  it('selects the recipes whose file or key file changed, and reports the other changes', () => {
    const hello = parseRecipe(
      [
        'name: hello',
        'version: {source: "static:2.12"}',
        'build_type: gnu_autotools',
        'download:',
        '  download_url: "https://ftp.gnu.org/gnu/hello/hello-{version}.tar.gz"',
        '  platforms: {linux-amd64: }',
        'security:',
        '  verify_signature: true',
        '  signature_url: "https://ftp.gnu.org/gnu/hello/hello-{version}.tar.gz.sig"',
        '  gpg_keys_url: "keys/hello.asc"',
        '',
      ].join('\n'),
      '/repo/recipes/hello.yml',
    );
    const loaded = [hello, ...APP.map((r) => tinyRecipe(r, '/repo/recipes'))];
    const select = (changedFiles: string[], withDependants = false) => planSchedule({ recipes: loaded, root: '/repo', select: { changedFiles, withDependants } });
    const s = select(['recipes/zlib.yml', './recipes/keys/hello.asc', 'README.md', 'recipes/gone.yml']);
    expect(s.selected).toEqual(['hello', 'zlib']);
    expect(s.ignoredChanges).toEqual(['README.md', 'recipes/gone.yml']);
    expect(legsOf(s).find((l) => l.recipe === 'hello')?.file).toBe('recipes/hello.yml');
    expect(select([]).selected).toEqual([]);
    expect(select([]).legs).toBe(0);
    expect(select(['recipes/zlib.yml'], true).selected).toEqual(['app', 'liba', 'libb', 'zlib']);
  });
});

describe('scheduleOutputs', () => {
  it('fills every build slot of the workflow, empty ones skipped by matrix-count', () => {
    const s = plan(APP, { platforms: ['linux-amd64'] });
    const out = scheduleOutputs(s, 4);
    expect(out['matrix-count']).toBe('3');
    expect(out['wave-count']).toBe('3');
    expect(out.legs).toBe('5');
    expect((JSON.parse(out['matrix-1'] as string) as { include: ScheduleLeg[] }).include.map((l) => l.id).sort()).toEqual(['unrelated-linux-amd64', 'zlib-linux-amd64']);
    expect(out['matrix-4']).toBe('{"include":[]}');
    expect(() => scheduleOutputs(s, 2)).toThrow(expect.objectContaining({ code: 'E_SCHEDULE_TOO_MANY_MATRICES', message: 'the schedule needs 3 matrices (5 legs in 3 waves) but the workflow has 2 build jobs' }));
  });
});
