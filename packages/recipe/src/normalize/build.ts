import type { BuildSpec, ConfigureSpec } from '../model';
import { quote } from '../quote';
import type { BuildType, RawBuild, RawConfigure } from '../schema';
import { WordSplitError, normalizeBuildWord, toWords } from '../words';
import { nonEmpty, relativePathProblem } from './fields';
import type { IssueSink, Path } from './issues';

const DEFAULT_TIMEOUT_MINUTES = 60;

function wordsOf(value: string | string[] | undefined, path: Path, issues: IssueSink): string[] {
  let words: string[];
  try {
    words = toWords(value);
  } catch (err) {
    if (!(err instanceof WordSplitError)) throw err;
    issues.error('E_WORDS', `cannot split ${typeof value === 'string' ? quote(value) : quote(JSON.stringify(value))} into words: ${err.message}`, path);
    return [];
  }
  return words.map((w, i) => {
    const { word, unknown } = normalizeBuildWord(w);
    if (unknown.length > 0) {
      issues.warn(
        'W_VARIABLE',
        `${quote(w)} refers to ${unknown.map((u) => (u.startsWith('$') || u.startsWith('`') ? u : `$${u}`)).join(', ')}; only $PREFIX and $JOBS are expanded (no shell runs), the rest is passed literally`,
        typeof value === 'string' ? path : [...path, i],
      );
    }
    return word;
  });
}

/** A `configure` section (at the top or in `source_build`, under `base`). */
export function normalizeConfigure(raw: RawConfigure | null | undefined, base: Path, issues: IssueSink): ConfigureSpec {
  const c = raw ?? {};
  const flags = wordsOf(c.flags, [...base, 'flags'], issues);
  const cmakeFlags = wordsOf(c.cmake_flags, [...base, 'cmake_flags'], issues);
  if (c.source_dir !== undefined) {
    const problem = relativePathProblem(c.source_dir);
    if (problem) issues.error('E_PATH', problem, [...base, 'source_dir']);
  }
  return {
    script: nonEmpty(c.script),
    flags,
    cmakeFlags,
    sourceDir: c.source_dir,
    prepareScript: nonEmpty(c.prepare_script),
  };
}

/** A `build` section (at the top or in `source_build`, under `base`). */
export function normalizeBuild(raw: RawBuild | null | undefined, buildType: BuildType, base: Path, issues: IssueSink): BuildSpec {
  const b = raw ?? {};
  if (b.custom_build !== undefined && b.script !== undefined) {
    issues.error('E_CONFLICT', 'build.script and build.custom_build are the same step; keep one', [...base, 'script']);
  }
  const makeArgs = wordsOf(b.make_args, [...base, 'make_args'], issues);
  if (b.out_of_tree === true && buildType === 'make') {
    issues.warn('W_NO_EFFECT', 'out_of_tree does not suit build_type make: a plain Makefile builds in its own folder', [...base, 'out_of_tree']);
  } else if (b.out_of_tree === true && ['custom', 'cargo', 'go'].includes(buildType)) {
    issues.warn('W_NO_EFFECT', `out_of_tree has no effect with build_type ${buildType}`, [...base, 'out_of_tree']);
  }
  return {
    timeoutMinutes: b.timeout_minutes ?? DEFAULT_TIMEOUT_MINUTES,
    outOfTree: b.out_of_tree ?? (buildType === 'cmake' || buildType === 'meson'),
    makeArgs,
    customBuild: nonEmpty(b.custom_build ?? b.script),
    customInstall: nonEmpty(b.custom_install),
  };
}

/** Why configure.flags are never passed to a command, or undefined when some step takes them. */
function unusedFlagsReason(configure: ConfigureSpec, build: BuildSpec, buildType: BuildType): string | undefined {
  if (buildType === 'make') return 'build_type make runs no configure step (pass make variables with build.make_args)';
  if (buildType === 'custom') return 'build_type custom runs no configure step (use configure.script)';
  if (['gnu_autotools', 'cmake', 'meson'].includes(buildType) && configure.script !== undefined) {
    return `configure.script replaces the configure step of build_type ${buildType} that takes them`;
  }
  if (buildType === 'cargo' && build.customBuild && build.customInstall) {
    return 'build.custom_build and build.custom_install replace the cargo build and cargo install of build_type cargo that take them';
  }
  if (buildType === 'go' && build.customBuild) return 'build.custom_build replaces the go build of build_type go that takes them';
  return undefined;
}

/**
 * Warn about every word list the build type would never pass to a command.
 * This mirrors the builder's steps (packages/builder/src/build-steps.ts):
 * - configure.flags: `./configure`, `cmake`, `meson setup` (unless configure.script
 *   replaces that step), `cargo build`/`cargo install`, `go build`; never with make or custom;
 * - configure.cmake_flags: `cmake` only, unless configure.script replaces it;
 * - build.make_args: `make` and `make install` (gnu_autotools, make) unless both are
 *   replaced by custom scripts, and `cmake --build ... --`; never with meson, cargo, go, custom.
 */
function checkNoEffect(configure: ConfigureSpec, build: BuildSpec, buildType: BuildType, cBase: Path, bBase: Path, issues: IssueSink): void {
  if (configure.flags.length > 0) {
    const why = unusedFlagsReason(configure, build, buildType);
    if (why) issues.warn('W_NO_EFFECT', `configure.flags have no effect: ${why}`, [...cBase, 'flags']);
  }
  if (configure.cmakeFlags.length > 0) {
    if (buildType !== 'cmake') issues.warn('W_NO_EFFECT', `configure.cmake_flags are passed to cmake only, and build_type is ${buildType}`, [...cBase, 'cmake_flags']);
    else if (configure.script !== undefined) issues.warn('W_NO_EFFECT', 'configure.cmake_flags have no effect: configure.script replaces the cmake step', [...cBase, 'cmake_flags']);
  }
  if (build.makeArgs.length > 0) {
    if (['gnu_autotools', 'make'].includes(buildType)) {
      if (build.customBuild && build.customInstall) {
        issues.warn('W_NO_EFFECT', 'build.make_args have no effect: build.custom_build and build.custom_install replace both make steps', [...bBase, 'make_args']);
      }
    } else if (buildType !== 'cmake') {
      issues.warn('W_NO_EFFECT', `build.make_args are passed to make, which build_type ${buildType} does not run`, [...bBase, 'make_args']);
    }
  }
}

/** `configure` and `build` of one build (the recipe's own, or its source_build's under `base`), checked against the build type. */
export function normalizeSteps(
  raw: { configure?: RawConfigure | null; build?: RawBuild | null },
  buildType: BuildType,
  base: Path,
  issues: IssueSink,
): { configure: ConfigureSpec; build: BuildSpec } {
  const cBase = [...base, 'configure'];
  const bBase = [...base, 'build'];
  const configure = normalizeConfigure(raw.configure, cBase, issues);
  const build = normalizeBuild(raw.build, buildType, bBase, issues);
  checkNoEffect(configure, build, buildType, cBase, bBase, issues);
  return { configure, build };
}
