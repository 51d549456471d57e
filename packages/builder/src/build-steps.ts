import path from 'node:path';
import type { BuildJob } from './build-job';

/** The folders of one build. Everything but `prefix` lives under `workDir`. */
export interface BuildLayout {
  /** A fresh folder for this build; removed afterwards. */
  workDir: string;
  /** Top of the extracted source (its single top folder, when it has one). */
  sourceRoot: string;
  /** Where the top-level build file is: `sourceRoot` + `configure.source_dir`. */
  sourceDir: string;
  /** Where configure and make run: `sourceDir`, or a separate folder when out of tree. */
  buildDir: string;
  /** The `DESTDIR` the install step writes into. */
  stageDir: string;
  /** The fixed install prefix the program is configured for, e.g. `/opt/potions/hello`. */
  prefix: string;
  /** `stageDir` + `prefix`: where the installed files land, and what is packaged. */
  stagedPrefix: string;
}

export type StepName = 'prepare' | 'configure' | 'build' | 'install';

/** One command of a build: an argument vector, never a shell string built from recipe values. */
export interface BuildStep {
  step: StepName;
  argv: string[];
  cwd: string;
  /** Added to (and overriding) the build environment for this step. */
  env?: Record<string, string>;
  /** A short description for logs: `make install`, `configure.script`. */
  label: string;
}

/** The default root of fixed install prefixes; an artifact for NAME is built for `/opt/potions/NAME`. */
export const DEFAULT_PREFIX_ROOT = '/opt/potions';

export function fixedPrefix(name: string, root = DEFAULT_PREFIX_ROOT): string {
  return path.posix.join(root, name);
}

/**
 * A recipe script runs as `/bin/sh -e -c SCRIPT potions-STEP`: the script is
 * the recipe's code, every recipe value (version, name, flags) reaches it
 * through the environment, never pasted into the text.
 */
function script(step: StepName, label: string, text: string, cwd: string, env?: Record<string, string>): BuildStep {
  return { step, label, argv: ['/bin/sh', '-e', '-c', text, `potions-${step}`], cwd, env };
}

/**
 * Expand `$PREFIX`, `${PREFIX}`, `$JOBS`, `${JOBS}`, `$VERSION`, `${VERSION}` inside one
 * flag word, the way the recipe format documents flags; nothing else is
 * interpreted (no globbing, no command substitution, no word splitting).
 */
export function expandFlag(word: string, vars: Record<string, string>): string {
  return word.replace(/\$\{(PREFIX|JOBS|VERSION)\}|\$(PREFIX|JOBS|VERSION)\b/g, (_m, a?: string, b?: string) => vars[(a ?? b) as string] ?? '');
}

export interface PlanOptions {
  jobs: number;
  /** Does `sourceDir/configure` exist (autotools), and what else is there to generate it. */
  hasConfigure: boolean;
  hasAutogen: boolean;
  /** The link-time library search path (`runpath.ts` `linkTimeRunpath`); empty for macOS. */
  runpath?: readonly string[];
}

/**
 * The commands that build and install `spec`, in order (plan, then apply: the
 * plan is data, easy to test and to log). Steps the builder runs itself use
 * the fixed prefix and install into `stageDir` with `DESTDIR`. Recipe scripts
 * see `PREFIX` = the fixed prefix while configuring and building, and
 * `PREFIX` = the staged prefix (plus `DESTDIR`) while installing, so both
 * `make install` and `cp tool "$PREFIX/bin"` put files in the staging folder.
 */
export function planBuildSteps(spec: BuildJob, layout: BuildLayout, opts: PlanOptions): BuildStep[] {
  const steps: BuildStep[] = [];
  const vars = { PREFIX: layout.prefix, JOBS: String(opts.jobs), VERSION: spec.version };
  const flags = spec.configure.flags.map((f) => expandFlag(f, vars));
  const cmakeFlags = spec.configure.cmakeFlags.map((f) => expandFlag(f, vars));
  const makeArgs = spec.build.makeArgs.map((f) => expandFlag(f, vars));
  const installEnv = { PREFIX: layout.stagedPrefix, DESTDIR: layout.stageDir };
  const src = layout.sourceDir;
  const bld = layout.buildDir;
  const jobs = String(opts.jobs);

  if (spec.configure.prepareScript) {
    steps.push(script('prepare', 'configure.prepare_script', spec.configure.prepareScript, src));
  }

  const configureScript = spec.configure.script?.trim() ? spec.configure.script : undefined;
  const customBuild = spec.build.customBuild?.trim() ? spec.build.customBuild : undefined;
  const customInstall = spec.build.customInstall?.trim() ? spec.build.customInstall : undefined;

  // configure
  if (configureScript) {
    steps.push(script('configure', 'configure.script', configureScript, src));
  } else {
    switch (spec.buildType) {
      case 'gnu_autotools':
        if (!opts.hasConfigure) {
          steps.push(
            opts.hasAutogen
              ? { step: 'configure', label: 'autogen.sh', argv: ['/bin/sh', './autogen.sh'], cwd: src }
              : { step: 'configure', label: 'autoreconf -fi', argv: ['autoreconf', '-fi'], cwd: src },
          );
        }
        steps.push({
          step: 'configure',
          label: 'configure',
          argv: [path.join(src, 'configure'), `--prefix=${layout.prefix}`, ...flags],
          cwd: bld,
        });
        break;
      case 'cmake':
        steps.push({
          step: 'configure',
          label: 'cmake',
          argv: [
            'cmake',
            '-S',
            src,
            '-B',
            bld,
            `-DCMAKE_INSTALL_PREFIX=${layout.prefix}`,
            '-DCMAKE_BUILD_TYPE=Release',
            '-DCMAKE_INSTALL_LIBDIR=lib',
            // CMake links with a padded build-tree path and rewrites it to this at install.
            ...(opts.runpath && opts.runpath.length > 0 ? [`-DCMAKE_INSTALL_RPATH=${opts.runpath.join(';')}`] : []),
            ...flags,
            ...cmakeFlags,
          ],
          cwd: src,
        });
        break;
      case 'meson':
        steps.push({
          step: 'configure',
          label: 'meson setup',
          argv: ['meson', 'setup', bld, src, `--prefix=${layout.prefix}`, '--libdir=lib', '--buildtype=release', ...flags],
          cwd: src,
        });
        break;
      default:
        break;
    }
  }

  // build
  if (customBuild) {
    steps.push(script('build', 'build.custom_build', customBuild, bld));
  } else {
    switch (spec.buildType) {
      case 'gnu_autotools':
        steps.push({ step: 'build', label: 'make', argv: ['make', `-j${jobs}`, ...makeArgs], cwd: bld });
        break;
      case 'make':
        steps.push({
          step: 'build',
          label: 'make',
          argv: ['make', `-j${jobs}`, `PREFIX=${layout.prefix}`, `prefix=${layout.prefix}`, ...makeArgs],
          cwd: bld,
        });
        break;
      case 'cmake':
        // build.make_args go to the native build tool (make or ninja), after `--`.
        steps.push({
          step: 'build',
          label: 'cmake --build',
          argv: ['cmake', '--build', bld, '--parallel', jobs, ...(makeArgs.length > 0 ? ['--', ...makeArgs] : [])],
          cwd: src,
        });
        break;
      case 'meson':
        // build.make_args go to ninja through `--ninja-args`. Meson reads a value
        // that starts with `[` as a Python list literal, which a JSON array of
        // strings is: commas and spaces inside one argument survive.
        steps.push({
          step: 'build',
          label: 'meson compile',
          argv: ['meson', 'compile', '-C', bld, '-j', jobs, ...(makeArgs.length > 0 ? [`--ninja-args=${JSON.stringify(makeArgs)}`] : [])],
          cwd: src,
        });
        break;
      case 'cargo':
        steps.push({
          step: 'build',
          label: 'cargo build',
          argv: ['cargo', 'build', '--release', '--jobs', jobs, ...flags],
          cwd: src,
          env: { CARGO_TARGET_DIR: path.join(layout.workDir, 'cargo-target') },
        });
        break;
      case 'go':
        steps.push({
          step: 'build',
          label: 'go build',
          argv: ['go', 'build', '-trimpath', '-ldflags=-buildid=', '-o', path.join(layout.workDir, 'go-bin', spec.name), ...flags, '.'],
          cwd: src,
        });
        break;
      default:
        break;
    }
  }

  // install
  if (customInstall) {
    steps.push(script('install', 'build.custom_install', customInstall, bld, installEnv));
  } else {
    switch (spec.buildType) {
      case 'gnu_autotools':
        steps.push({ step: 'install', label: 'make install', argv: ['make', 'install', `DESTDIR=${layout.stageDir}`, ...makeArgs], cwd: bld });
        break;
      case 'make':
        // Plain Makefiles disagree on DESTDIR (tree uses it for the bin folder):
        // install with the staged prefix instead.
        steps.push({
          step: 'install',
          label: 'make install',
          argv: ['make', 'install', `PREFIX=${layout.stagedPrefix}`, `prefix=${layout.stagedPrefix}`, ...makeArgs],
          cwd: bld,
        });
        break;
      case 'cmake':
        steps.push({ step: 'install', label: 'cmake --install', argv: ['cmake', '--install', bld], cwd: src, env: { DESTDIR: layout.stageDir } });
        break;
      case 'meson':
        steps.push({ step: 'install', label: 'meson install', argv: ['meson', 'install', '-C', bld, '--destdir', layout.stageDir], cwd: src });
        break;
      case 'cargo':
        steps.push({
          step: 'install',
          label: 'cargo install',
          argv: ['cargo', 'install', '--path', '.', '--root', layout.stagedPrefix, '--no-track', '--jobs', jobs, ...flags],
          cwd: src,
          env: { CARGO_TARGET_DIR: path.join(layout.workDir, 'cargo-target') },
        });
        break;
      case 'go':
        steps.push({
          step: 'install',
          label: 'install go binary',
          argv: ['install', '-D', '-m', '755', path.join(layout.workDir, 'go-bin', spec.name), path.join(layout.stagedPrefix, 'bin', spec.name)],
          cwd: src,
        });
        break;
      default:
        break;
    }
  }
  return steps;
}
