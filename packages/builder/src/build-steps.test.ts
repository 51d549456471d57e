import type { BuildJob } from './build-job';
import { planBuildSteps, type BuildLayout } from './build-steps';

const layout: BuildLayout = {
  workDir: '/w',
  sourceRoot: '/w/src',
  sourceDir: '/w/src',
  buildDir: '/w/src',
  stageDir: '/w/stage',
  prefix: '/opt/potions/t',
  stagedPrefix: '/w/stage/opt/potions/t',
};

const spec = (over: Partial<BuildJob>): BuildJob => ({
  name: 't',
  version: '1.0; rm -rf /',
  platform: 'linux-amd64',
  method: 'source',
  buildType: 'gnu_autotools',
  source: { kind: 'http', urls: ['https://x.example/t.tgz'] },
  configure: { flags: ['--with-x=${PREFIX}/share', '--name=$(touch /tmp/pwned)'], cmakeFlags: [] },
  build: { outOfTree: false, makeArgs: ['V=1'], timeoutMinutes: 1 },
  dependencies: [],
  recipeDigest: 'd',
  ...over,
});

describe('planBuildSteps', () => {
  test('autotools: configure with the fixed prefix, make with the job count, install into DESTDIR', () => {
    const steps = planBuildSteps(spec({}), layout, { jobs: 3, hasConfigure: true, hasAutogen: false });
    expect(steps.map((s) => s.argv)).toEqual([
      ['/w/src/configure', '--prefix=/opt/potions/t', '--with-x=/opt/potions/t/share', '--name=$(touch /tmp/pwned)'],
      ['make', '-j3', 'V=1'],
      ['make', 'install', 'DESTDIR=/w/stage', 'V=1'],
    ]);
  });

  test('recipe scripts get the script text as one argument; values only through the environment', () => {
    const steps = planBuildSteps(
      spec({ buildType: 'custom', configure: { flags: [], cmakeFlags: [], script: './configure --prefix="$PREFIX"' }, build: { outOfTree: false, makeArgs: [], timeoutMinutes: 1, customInstall: 'make install' } }),
      layout,
      { jobs: 2, hasConfigure: true, hasAutogen: false },
    );
    expect(steps[0]?.argv).toEqual(['/bin/sh', '-e', '-c', './configure --prefix="$PREFIX"', 'potions-configure']);
    expect(steps[1]).toMatchObject({ step: 'install', env: { PREFIX: '/w/stage/opt/potions/t', DESTDIR: '/w/stage' } });
    expect(steps.flatMap((s) => s.argv).join(' ')).not.toContain('rm -rf');
  });

  test('plain make installs with the staged PREFIX (Makefiles disagree on DESTDIR)', () => {
    const steps = planBuildSteps(spec({ buildType: 'make' }), layout, { jobs: 2, hasConfigure: false, hasAutogen: false });
    expect(steps.at(-1)?.argv).toEqual(['make', 'install', 'PREFIX=/w/stage/opt/potions/t', 'prefix=/w/stage/opt/potions/t', 'V=1']);
  });

  test('cmake and meson build out of tree; autotools without configure generates it first', () => {
    const out = { ...layout, buildDir: '/w/build' };
    const cmake = planBuildSteps(spec({ buildType: 'cmake', configure: { flags: [], cmakeFlags: ['-DX=1'] } }), out, { jobs: 2, hasConfigure: false, hasAutogen: false });
    expect(cmake.map((s) => s.argv[0])).toEqual(['cmake', 'cmake', 'cmake']);
    expect(cmake[0]?.argv).toEqual(expect.arrayContaining(['-B', '/w/build', '-DCMAKE_INSTALL_PREFIX=/opt/potions/t', '-DX=1']));
    expect(cmake[2]?.env).toEqual({ DESTDIR: '/w/stage' });
    const meson = planBuildSteps(spec({ buildType: 'meson', configure: { flags: [], cmakeFlags: [] } }), out, { jobs: 2, hasConfigure: false, hasAutogen: false });
    expect(meson.at(-1)?.argv).toEqual(['meson', 'install', '-C', '/w/build', '--destdir', '/w/stage']);
    const auto = planBuildSteps(spec({}), layout, { jobs: 2, hasConfigure: false, hasAutogen: true });
    expect(auto[0]?.argv).toEqual(['/bin/sh', './autogen.sh']);
  });
});

describe('build.make_args reach the native build tool', () => {
  const out = { ...layout, buildDir: '/w/build' };
  const opts = { jobs: 4, hasConfigure: false, hasAutogen: false };

  test('cmake: after `--` of cmake --build, never in configure or install', () => {
    const steps = planBuildSteps(spec({ buildType: 'cmake', configure: { flags: [], cmakeFlags: [] }, build: { outOfTree: true, makeArgs: ['V=1', 'prefix=${PREFIX}'], timeoutMinutes: 1 } }), out, opts);
    const build = steps.find((s) => s.step === 'build');
    expect(build?.argv).toEqual(['cmake', '--build', '/w/build', '--parallel', '4', '--', 'V=1', 'prefix=/opt/potions/t']);
    expect(steps.filter((s) => s.step !== 'build').flatMap((s) => s.argv)).not.toContain('V=1');
  });

  test('cmake without make_args: no dangling `--`', () => {
    const steps = planBuildSteps(spec({ buildType: 'cmake', configure: { flags: [], cmakeFlags: [] }, build: { outOfTree: true, makeArgs: [], timeoutMinutes: 1 } }), out, opts);
    expect(steps.find((s) => s.step === 'build')?.argv).toEqual(['cmake', '--build', '/w/build', '--parallel', '4']);
  });

  test('meson: as one --ninja-args list, so an argument with a comma or a space stays whole', () => {
    const steps = planBuildSteps(spec({ buildType: 'meson', configure: { flags: [], cmakeFlags: [] }, build: { outOfTree: true, makeArgs: ['-v', 'a,b c'], timeoutMinutes: 1 } }), out, opts);
    expect(steps.find((s) => s.step === 'build')?.argv).toEqual(['meson', 'compile', '-C', '/w/build', '-j', '4', '--ninja-args=["-v","a,b c"]']);
  });
});
