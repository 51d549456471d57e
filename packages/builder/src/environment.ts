import path from 'node:path';
import type { Platform } from '@potions/core';
import type { BuildJob } from './build-job';
import type { BuildLayout } from './build-steps';
import { linkTimeRunpath } from './runpath';
import { SANDBOX_SYSTEM_DIRS } from './sandbox';

/** A dependency already built and extracted for this build. */
export interface DependencyPrefix {
  name: string;
  /** Where its artifact was extracted (and relocated to). */
  prefix: string;
}

export interface EnvironmentOptions {
  spec: BuildJob;
  layout: BuildLayout;
  jobs: number;
  sourceDateEpoch: number;
  dependencies: DependencyPrefix[];
  /** The environment the builder runs in; only a few variables pass through. */
  inherited: NodeJS.ProcessEnv;
  /**
   * The steps run in the sandbox or a container, where the host's home
   * folder does not exist: `HOME` is the build's own temporary folder, and
   * `PATH` keeps only the folders that exist in there (`isolatedPath`).
   */
  isolated?: 'sandbox' | 'container';
}

/** What the build may see of the outer environment. Everything else is dropped. */
const PASS_THROUGH = ['HOME', 'USER', 'LOGNAME', 'CC', 'CXX', 'MAKE', 'GOPATH', 'GOCACHE', 'GOMODCACHE', 'CARGO_HOME', 'RUSTUP_HOME'];
/** What passes into the sandbox or a container: no path into the host's home folder. */
const PASS_THROUGH_ISOLATED = ['USER', 'LOGNAME', 'CC', 'CXX', 'MAKE'];
/** `PATH` in a container: the build image's. */
export const CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * `PATH` of isolated steps: in the sandbox, the host's `PATH` without the
 * folders the sandbox does not have (the home folder's, `/opt`'s), so that
 * no folder of the host's is named in the build; in a container, the image's.
 */
export function isolatedPath(isolated: 'sandbox' | 'container', hostPath: string | undefined): string {
  if (isolated === 'container') return CONTAINER_PATH;
  const kept = (hostPath ?? '').split(':').filter((dir) => SANDBOX_SYSTEM_DIRS.some((sys) => dir === sys || dir.startsWith(`${sys}/`)));
  return kept.length > 0 ? [...new Set(kept)].join(':') : CONTAINER_PATH;
}

const join = (parts: (string | undefined)[], sep: string): string => parts.filter((p): p is string => !!p).join(sep);

/**
 * The controlled environment of every build step: the recipe's values as
 * variables (`PREFIX`, `VERSION`, `PLATFORM`, `SOURCE_DIR`, `BUILD_DIR`,
 * `JOBS`, `SOURCE_DATE_EPOCH`), the search paths of the dependencies already
 * built, a C locale and UTC. `CFLAGS`/`CXXFLAGS` map the random work folder to
 * a fixed name (`-ffile-prefix-map`), so that it leaks into no binary.
 */
export function buildEnvironment(opts: EnvironmentOptions): Record<string, string> {
  const { spec, layout, inherited } = opts;
  const env: Record<string, string> = {};
  for (const key of opts.isolated ? PASS_THROUGH_ISOLATED : PASS_THROUGH) {
    const v = inherited[key];
    if (v !== undefined) env[key] = v;
  }
  const deps = opts.dependencies;
  const depBins = deps.map((d) => path.join(d.prefix, 'bin'));
  const depLibs = deps.map((d) => path.join(d.prefix, 'lib'));
  const depPkg = deps.flatMap((d) => [path.join(d.prefix, 'lib', 'pkgconfig'), path.join(d.prefix, 'share', 'pkgconfig')]);
  const mapFlag = `-ffile-prefix-map=${layout.workDir}=/potions-build`;
  const tmp = path.join(layout.workDir, 'tmp');

  Object.assign(env, {
    PATH: join([...depBins, opts.isolated ? isolatedPath(opts.isolated, inherited.PATH) : (inherited.PATH ?? '/usr/local/bin:/usr/bin:/bin')], ':'),
    HOME: env.HOME ?? tmp,
    TMPDIR: tmp,
    LANG: 'C',
    LC_ALL: 'C',
    TZ: 'UTC',
    SOURCE_DATE_EPOCH: String(opts.sourceDateEpoch),
    PREFIX: layout.prefix,
    POTIONS_PREFIX: layout.prefix,
    VERSION: spec.version,
    PLATFORM: spec.platform,
    NAME: spec.name,
    SOURCE_DIR: layout.sourceDir,
    BUILD_DIR: layout.buildDir,
    JOBS: String(opts.jobs),
    MAKEFLAGS: '',
    CFLAGS: join(['-O2', mapFlag], ' '),
    CXXFLAGS: join(['-O2', mapFlag], ' '),
  });
  if (deps.length > 0) {
    env.PKG_CONFIG_PATH = join(depPkg, ':');
    env.CPPFLAGS = deps.map((d) => `-I${path.join(d.prefix, 'include')}`).join(' ');
    env.LDFLAGS = depLibs.map((l) => `-L${l}`).join(' ');
    // Programs built and run during the build (configure checks, tests) find the libraries.
    env[libraryPathVariable(spec.platform)] = join(depLibs, ':');
    env.CMAKE_PREFIX_PATH = deps.map((d) => d.prefix).join(':');
  }
  if (!spec.platform.startsWith('darwin')) Object.assign(env, linkTimeRunpathVariables(spec.buildType, linkTimeRunpath(deps), env.LDFLAGS));
  return env;
}

/**
 * Where each build system takes the link-time search path on Linux (see
 * docs/relocation.md for why each form, tested on real builds):
 *
 * - `LD_RUN_PATH` for every build: GNU ld uses it for any link that passes
 *   no `-rpath` of its own (a recipe script that calls `cc` without
 *   `$LDFLAGS`, a Makefile that sets its own LDFLAGS). An environment
 *   variable is never re-read by a shell or by make, so `$ORIGIN` stays.
 * - `gnu_autotools`, `make`: `LDFLAGS` with `-Wl,-rpath,\$$ORIGIN/...`. The
 *   value reaches a Makefile as it is (configure substitutes it; a plain
 *   Makefile reads it from the environment): make turns `$$` into `$`, the
 *   recipe's shell turns `\$` into `$`, and libtool keeps it. configure's own
 *   test links see the escaped text, which is harmless there.
 * - `meson`: `LDFLAGS` with a plain `$ORIGIN` (meson quotes it for ninja and
 *   the shell, and keeps a user's rpath at install).
 * - `cmake`: `CMAKE_INSTALL_RPATH` (see `build-steps.ts`); CMake pads the
 *   build-tree path and rewrites it at install.
 * - `cargo`: `RUSTFLAGS=-C link-arg=-Wl,-rpath,$ORIGIN/...` (no shell between).
 * - `go`: `CGO_LDFLAGS` (used when cgo links with the system linker).
 * - `custom`: only `LD_RUN_PATH`: a script uses `$LDFLAGS` as it is, and an
 *   escaped `$` would reach the linker as text.
 */
function linkTimeRunpathVariables(buildType: BuildJob['buildType'], runpath: readonly string[], ldflags: string | undefined): Record<string, string> {
  const flags = (escape: (p: string) => string): string => runpath.map((p) => `-Wl,-rpath,${escape(p)}`).join(' ');
  const out: Record<string, string> = { LD_RUN_PATH: runpath.join(':') };
  const withLdflags = (extra: string): string => join([ldflags, extra], ' ');
  switch (buildType) {
    case 'gnu_autotools':
    case 'make':
      out.LDFLAGS = withLdflags(flags((p) => p.replace(/\$/g, '\\$$$$')));
      break;
    case 'meson':
      out.LDFLAGS = withLdflags(flags((p) => p));
      break;
    case 'cargo':
      out.RUSTFLAGS = runpath.map((p) => `-C link-arg=-Wl,-rpath,${p}`).join(' ');
      break;
    case 'go':
      out.CGO_LDFLAGS = flags((p) => p);
      break;
    default:
      break;
  }
  return out;
}

export function libraryPathVariable(platform: Platform): string {
  return platform.startsWith('darwin') ? 'DYLD_FALLBACK_LIBRARY_PATH' : 'LD_LIBRARY_PATH';
}
