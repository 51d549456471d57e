import { PLATFORMS, platformOs, type Platform } from '@potions/core';
import { CleanupError, parseCleanup, type CleanupRule } from './cleanup';
import type {
  ArtifactSpec,
  BuildSpec,
  ConfigureSpec,
  PlatformSpec,
  Recipe,
  Sha256Pin,
  SignatureSpec,
  SmokeTest,
  SourceBuildSpec,
  UrlTemplate,
  VersionSource,
  VersionSpec,
} from './model';
import { isSafeVersion, SAFE_TOKEN_HINT } from './names';
import { quote, sanitize, TEMPLATE_QUOTE_MAX } from './quote';
import type { BuildType, RawBuild, RawConfigure, RawRecipe } from './schema';
import { BUILTIN_PLACEHOLDERS, TemplateError, renderTemplate, templatePlaceholders } from './template';
import { WordSplitError, normalizeBuildWord, splitWords, toWords } from './words';

export type Path = readonly (string | number)[];

/** Where normalize reports problems; the loader adds file and line. */
export interface IssueSink {
  error(code: string, message: string, path: Path): void;
  warn(code: string, message: string, path: Path): void;
}

/** Characters a platform value may hold: URL-safe text plus `{version}`. */
const PLATFORM_VALUE = /^[A-Za-z0-9._~\/:+@=-]*$/;
const CUSTOM_KEY = /^[a-z_][a-z0-9_]*$/;
const SAMPLE_VERSION = '1.2.3';
const DEFAULT_TIMEOUT_MINUTES = 60;

/** The value of {arch} when a platform entry does not set one: the part after the dash. */
export function defaultPlatformValues(platform: Platform): Record<string, string> {
  return { os: platformOs(platform), arch: platform.slice(platform.indexOf('-') + 1), suffix: '' };
}

function pinOf(raw: string | Record<string, string> | undefined): Sha256Pin | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return raw.toLowerCase();
  return Object.fromEntries(Object.entries(raw).map(([v, d]) => [v, d.toLowerCase()]));
}

function parseSource(source: string): VersionSource {
  const colon = source.indexOf(':');
  const kind = source.slice(0, colon);
  const rest = source.slice(colon + 1);
  if (kind === 'github-release' || kind === 'github-tag') return { kind, repo: rest };
  if (kind === 'url') return { kind, url: rest };
  return { kind: 'static', version: rest };
}

/** What is wrong with a path that must stay inside a folder, as a message about the value; undefined when fine. */
function relativePathProblem(p: string): string | undefined {
  if (p === '') return 'the path is empty';
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return `${quote(p)} must be a relative path`;
  if (p.split(/[\\/]/).includes('..')) return `${quote(p)} must not contain ".."`;
  if (/[\0\n\r]/.test(p)) return `${quote(p)} contains a control character`;
  return undefined;
}

export function normalizeRecipe(raw: RawRecipe, sink: IssueSink, fileBase?: string): Recipe | undefined {
  let ok = true;
  const error = (code: string, message: string, path: Path): void => {
    ok = false;
    sink.error(code, message, path);
  };
  const warn = sink.warn.bind(sink);

  if (fileBase !== undefined && fileBase !== raw.name) {
    warn('W_FILE_NAME', `the file is named ${quote(fileBase)} but the recipe is ${quote(raw.name)}; plan looks recipes up by name`, ['name']);
  }

  // ---- version ----
  const source = parseSource(raw.version.source);
  if (source.kind === 'static' && !isSafeVersion(source.version)) {
    error('E_VERSION', `static version ${quote(source.version)} is not a valid version: use ${SAFE_TOKEN_HINT}`, ['version', 'source']);
  }
  if (source.kind === 'url') {
    try {
      new URL(source.url);
    } catch {
      error('E_URL', `${quote(source.url, TEMPLATE_QUOTE_MAX)} is not a URL`, ['version', 'source']);
    }
  }
  const compile = (pattern: string | undefined, field: string): string | undefined => {
    if (pattern === undefined || pattern === '') return undefined;
    try {
      new RegExp(pattern);
      return pattern;
    } catch (err) {
      error('E_REGEX', `${quote(pattern)} is not a valid regular expression: ${sanitize((err as Error).message, 120)}`, ['version', field]);
      return undefined;
    }
  };
  const extractPattern = compile(raw.version.extract_pattern, 'extract_pattern');
  const excludePatterns = compile(raw.version.exclude_patterns, 'exclude_patterns');
  let cleanup: CleanupRule[] = [];
  try {
    cleanup = parseCleanup(raw.version.cleanup);
  } catch (err) {
    if (!(err instanceof CleanupError)) throw err;
    error('E_CLEANUP', err.message, ['version', 'cleanup']);
  }
  for (const rule of cleanup) {
    if (rule.kind === 'remove') {
      warn(
        'W_CLEANUP_LEGACY',
        `${quote(rule.text)} is read as: remove ${quote(rule.strings[0] ?? '')} and remove ${quote(rule.strings[1] ?? '')} (replacing one with the other cannot give a version); write "s/${rule.strings[0]}//;s/${rule.strings[1]?.replace(/\./g, '\\.')}$//" to say so`,
        ['version', 'cleanup'],
      );
    }
    if (rule.kind === 'replace' && rule.replace !== '' && !/^[A-Za-z0-9._+-]*$/.test(rule.replace)) {
      error(
        'E_CLEANUP',
        `${quote(rule.text)} would put ${quote(rule.replace)} into the version, which becomes a file name (${SAFE_TOKEN_HINT}); URL templates percent-encode the version themselves, so drop this rule`,
        ['version', 'cleanup'],
      );
    }
  }
  if (source.kind === 'url' && !extractPattern) {
    error('E_VERSION', 'a url: version source needs extract_pattern to find versions in the page', ['version']);
  }
  if (source.kind === 'static' && (extractPattern || cleanup.length > 0)) {
    warn('W_NO_EFFECT', 'extract_pattern and cleanup have no effect on a static: version', ['version']);
  }
  const version: VersionSpec = { source, extractPattern, excludePatterns, cleanup };

  // ---- official binary ----
  const topOfficial = raw.official_binary;
  const dlOfficial = raw.download.official_binary;
  if (topOfficial !== undefined && dlOfficial !== undefined && topOfficial !== dlOfficial) {
    error('E_CONFLICT', `official_binary is ${topOfficial} here but download.official_binary is ${dlOfficial}`, ['official_binary']);
  }
  const officialBinary = dlOfficial ?? topOfficial ?? false;

  // ---- platforms ----
  const platforms: Partial<Record<Platform, PlatformSpec>> = {};
  const customKeys = new Set<string>();
  const declared = PLATFORMS.filter((p) => p in raw.download.platforms);
  if (declared.length === 0) error('E_PLATFORMS', `no platform listed; use any of: ${PLATFORMS.join(', ')}`, ['download', 'platforms']);
  for (const p of declared) {
    const entry = raw.download.platforms[p] ?? {};
    const values: Record<string, string> = {};
    for (const [key, v] of Object.entries(entry)) {
      if (key === 'sha256') continue;
      const path = ['download', 'platforms', p, key];
      if (key === 'version') {
        error('E_PLATFORM_KEY', '"version" is not a per-platform value; it comes from version.source', path);
        continue;
      }
      if (!CUSTOM_KEY.test(key)) {
        error('E_PLATFORM_KEY', `${quote(key)} cannot be a placeholder name (lower-case letters, digits and _ only)`, path);
        continue;
      }
      const text = String(v);
      if (!PLATFORM_VALUE.test(text.replace(/\{version\}/g, ''))) {
        error('E_PLATFORM_VALUE', `${quote(text)} may only hold URL characters (letters, digits, . _ ~ / : + @ = -) and {version}`, path);
        continue;
      }
      values[key] = text;
      if (!(BUILTIN_PLACEHOLDERS as readonly string[]).includes(key)) customKeys.add(key);
    }
    platforms[p] = { values, sha256: pinOf(entry.sha256 as string | Record<string, string> | undefined) };
  }

  // ---- templates ----
  const allowed = new Set<string>([...BUILTIN_PLACEHOLDERS, ...customKeys]);
  const usedKeys = new Set<string>();
  const checkTemplate = (template: string | undefined, path: Path, perPlatform: boolean): void => {
    if (template === undefined) return;
    let names: string[];
    try {
      names = templatePlaceholders(template);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      error('E_PLACEHOLDER', `${quote(template, TEMPLATE_QUOTE_MAX)}: ${err.message}`, path);
      return;
    }
    for (const n of names) usedKeys.add(n);
    const unknown = names.filter((n) => !allowed.has(n));
    if (unknown.length > 0) {
      error(
        'E_PLACEHOLDER',
        `${quote(template, TEMPLATE_QUOTE_MAX)} uses unknown placeholder ${unknown.map((u) => `{${u}}`).join(', ')}; known: ${[...allowed].map((a) => `{${a}}`).join(', ')}`,
        path,
      );
      return;
    }
    for (const p of perPlatform ? declared : ([] as Platform[])) {
      const spec = platforms[p];
      if (!spec) continue;
      const missing = names.filter((n) => customKeys.has(n) && spec.values[n] === undefined);
      if (missing.length > 0) {
        error('E_PLACEHOLDER', `${path.join('.')} uses ${missing.map((m) => `{${m}}`).join(', ')} but this platform does not set ${missing.join(', ')}`, ['download', 'platforms', p]);
        continue;
      }
      let url: string;
      try {
        url = renderPlatformTemplate(template, p, spec, SAMPLE_VERSION);
      } catch (err) {
        error('E_PLACEHOLDER', (err as Error).message, ['download', 'platforms', p]);
        continue;
      }
      if (!checkUrl(url, path, template)) return;
    }
    if (!perPlatform) {
      try {
        checkUrl(renderTemplate(template, { version: SAMPLE_VERSION }), path, template);
      } catch (err) {
        error('E_PLACEHOLDER', `${quote(template, TEMPLATE_QUOTE_MAX)}: ${(err as Error).message}; only {version} is known here`, path);
      }
    }
  };
  /** Check a URL; messages show the template as written (and the rendered example when it differs). */
  const checkUrl = (url: string, path: Path, template = url): boolean => {
    const shown = `${quote(template, TEMPLATE_QUOTE_MAX)}${template !== url ? ` (rendered for version ${SAMPLE_VERSION}: ${quote(url, TEMPLATE_QUOTE_MAX)})` : ''}`;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      error('E_URL', `${shown} is not a URL`, path);
      return false;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      error('E_URL', `${shown}: only https: and http: URLs can be downloaded`, path);
      return false;
    }
    return true;
  };

  const artifact = (
    a: {
      download_url?: string;
      mirror?: string;
      mirrors?: string[];
      method?: 'http' | 'git';
      git_url?: string;
      git_tag_prefix?: string;
      sha256?: string | Record<string, string>;
    },
    sec: { verify_signature?: boolean; gpg_keys_url?: string; signature_url?: string; gpg_fingerprints?: string[] } | undefined,
    base: string[],
    secBase: string[],
    perPlatform: boolean,
  ): ArtifactSpec => {
    const method = a.method ?? 'http';
    const urls: UrlTemplate[] = [];
    if (method === 'git') {
      if (!a.git_url) error('E_DOWNLOAD', 'method: git needs git_url', [...base, 'method']);
      else checkUrl(a.git_url, [...base, 'git_url']);
      for (const k of ['download_url', 'mirror', 'mirrors'] as const) {
        if (a[k] !== undefined) error('E_CONFLICT', `${k} cannot be used with method: git (the source is cloned from git_url)`, [...base, k]);
      }
      if (a.git_url && /\{/.test(a.git_url)) error('E_PLACEHOLDER', 'git_url takes no placeholders; the tag is git_tag_prefix + version', [...base, 'git_url']);
    } else {
      if (a.git_url !== undefined || a.git_tag_prefix !== undefined) {
        warn('W_NO_EFFECT', 'git_url and git_tag_prefix are used only with method: git', [...base, a.git_url !== undefined ? 'git_url' : 'git_tag_prefix']);
      }
      if (a.download_url === undefined && (perPlatform && raw.build_type === 'custom' && !officialBinary)) {
        warn('W_NO_DOWNLOAD', 'no download_url: the custom steps start in an empty folder and must fetch what they need, which Potions cannot verify', base);
      } else if (a.download_url === undefined) {
        error('E_DOWNLOAD', 'download_url is required (or method: git with git_url)', base);
      }
      const add = (template: string | undefined, field: Path): void => {
        if (template === undefined) return;
        checkTemplate(template, field, perPlatform);
        urls.push({ field: field.join('.'), template });
      };
      add(a.download_url, [...base, 'download_url']);
      add(a.mirror, [...base, 'mirror']);
      (a.mirrors ?? []).forEach((m, i) => add(m, [...base, 'mirrors', i]));
    }
    const fingerprints: string[] = [];
    (sec?.gpg_fingerprints ?? []).forEach((f, i) => {
      const fp = f.replace(/^0x/, '').replace(/ /g, '').toUpperCase();
      if (!/^[0-9A-F]{40}$/.test(fp)) error('E_FINGERPRINT', `${quote(f)} is not a 40-hex-digit fingerprint`, [...secBase, 'gpg_fingerprints', i]);
      else fingerprints.push(fp);
    });
    const signature: SignatureSpec = {
      verify: sec?.verify_signature ?? false,
      signatureUrl: sec?.signature_url,
      keysUrl: sec?.gpg_keys_url,
      fingerprints,
    };
    if (sec?.signature_url !== undefined) checkTemplate(sec.signature_url, [...secBase, 'signature_url'], perPlatform);
    if (sec?.gpg_keys_url !== undefined) {
      if (/\{/.test(sec.gpg_keys_url)) error('E_PLACEHOLDER', 'gpg_keys_url takes no placeholders', [...secBase, 'gpg_keys_url']);
      else if (/^[a-z][a-z0-9+.-]*:/i.test(sec.gpg_keys_url)) checkUrl(sec.gpg_keys_url, [...secBase, 'gpg_keys_url']);
      // A path is a key file kept beside the recipe (reviewed with it): relative, inside the recipe's folder.
      else if (sec.gpg_keys_url.startsWith('/') || sec.gpg_keys_url.split(/[\\/]/).includes('..')) {
        error('E_URL', `${quote(sec.gpg_keys_url, TEMPLATE_QUOTE_MAX)} must be a URL or a path inside the recipe's folder`, [...secBase, 'gpg_keys_url']);
      }
    }
    if (signature.verify) {
      if (!signature.signatureUrl) error('E_SIGNATURE', 'verify_signature: true needs signature_url', [...secBase, 'verify_signature']);
      if (fingerprints.length === 0 && !signature.keysUrl) {
        error('E_SIGNATURE', 'verify_signature: true needs gpg_fingerprints (or gpg_keys_url)', [...secBase, 'verify_signature']);
      } else if (fingerprints.length === 0) {
        warn('W_SIGNATURE', 'keys from gpg_keys_url are trusted on first use; pin them with gpg_fingerprints', [...secBase, 'gpg_keys_url']);
      }
    } else if (signature.signatureUrl !== undefined || fingerprints.length > 0) {
      warn('W_SIGNATURE', 'signature settings are present but verify_signature is not true: no signature is checked', [...secBase, 'verify_signature']);
    }
    const sha256 = pinOf(a.sha256);
    return { method, urls, gitUrl: a.git_url, gitTagPrefix: a.git_tag_prefix ?? '', sha256, signature };
  };

  const download = artifact(raw.download, raw.security, ['download'], ['security'], true);
  if (download.method === 'git' && officialBinary) {
    error('E_CONFLICT', 'an official binary cannot be cloned with method: git', ['download', 'method']);
  }
  for (const key of customKeys) {
    if (!usedKeys.has(key)) warn('W_UNUSED', `platform key ${quote(key)} is not used by any URL template`, ['download', 'platforms']);
  }
  if (source.kind !== 'static' && download.method === 'http' && raw.download.download_url && !raw.download.download_url.includes('{version}')) {
    const inSuffix = declared.some((p) => (platforms[p]?.values.suffix ?? '').includes('{version}'));
    if (!inSuffix) {
      warn('W_FIXED_URL', 'download_url has no {version}: every version would download the same file', ['download', 'download_url']);
    }
  }
  const pins: [Sha256Pin | undefined, Path][] = [
    [download.sha256, ['download', 'sha256']],
    ...declared.map((p): [Sha256Pin | undefined, Path] => [platforms[p]?.sha256, ['download', 'platforms', p, 'sha256']]),
  ];
  for (const [pin, path] of pins) {
    if (typeof pin === 'string' && source.kind !== 'static') {
      warn('W_SHA256', 'a single sha256 pins one file, but the version changes with each release; use a map {version: sha256}', path);
    }
  }
  const insecure = download.urls.find((u) => u.template.startsWith('http:'));
  if (insecure && !download.signature.verify && !download.sha256 && !declared.every((p) => platforms[p]?.sha256)) {
    warn('W_HTTP', `${quote(insecure.template, TEMPLATE_QUOTE_MAX)} is plain http with no pinned sha256 or signature: the download can be tampered with`, insecure.field.split('.'));
  }

  // ---- configure / build ----
  const configure = normalizeConfigure(raw.configure ?? undefined, raw.build_type, ['configure'], error, warn);
  const build = normalizeBuild(raw.build ?? undefined, raw.build_type, ['build'], error, warn);
  checkNoEffect(configure, build, raw.build_type, ['configure'], ['build'], warn);
  if (raw.build_type === 'custom' && !build.customInstall && !build.customBuild && !raw.binary_relpath) {
    warn('W_NO_INSTALL', 'build_type custom with no build.custom_build, build.custom_install or binary_relpath: nothing is built or installed', ['build_type']);
  }
  if (raw.binary_relpath !== undefined) {
    const problem = relativePathProblem(raw.binary_relpath);
    if (problem) error('E_PATH', problem, ['binary_relpath']);
  }
  if (raw.homepage !== undefined) {
    try {
      new URL(raw.homepage);
    } catch {
      warn('W_URL', `homepage ${quote(raw.homepage, TEMPLATE_QUOTE_MAX)} is not a URL`, ['homepage']);
    }
  }

  // ---- dependencies ----
  const deps = (list: string[] | null | undefined, field: string): string[] => {
    const out: string[] = [];
    (list ?? []).forEach((d, i) => {
      if (d === raw.name) error('E_DEPENDENCY', `${quote(raw.name)} depends on itself`, [field, i]);
      else if (out.includes(d)) warn('W_DUPLICATE', `${quote(d)} is listed twice`, [field, i]);
      else out.push(d);
    });
    return out;
  };
  const dependencies = deps(raw.dependencies, 'dependencies');
  const buildDependencies = deps(raw.build_dependencies, 'build_dependencies');
  const requires = deps(raw.requires, 'requires');

  // ---- smoke tests ----
  const smokeTests: SmokeTest[] = [];
  (raw.smoke_test ?? []).forEach((t, i) => {
    const path = ['smoke_test', i];
    const command = typeof t === 'object' && !Array.isArray(t) ? t.command : t;
    let argv: string[];
    try {
      argv = typeof command === 'string' ? splitWords(command) : [...command];
    } catch (err) {
      error('E_WORDS', `cannot split ${quote(String(command))}: ${(err as Error).message}`, path);
      return;
    }
    if (argv.length === 0 || argv[0] === '') {
      error('E_SMOKE_TEST', 'the command is empty', path);
      return;
    }
    const expect = typeof t === 'object' && !Array.isArray(t) ? t.expect : undefined;
    if (expect !== undefined) {
      try {
        new RegExp(expect);
      } catch (err) {
        error('E_REGEX', `expect ${quote(expect)} is not a valid regular expression: ${sanitize((err as Error).message, 120)}`, [...path, 'expect']);
      }
    }
    const exitCode = typeof t === 'object' && !Array.isArray(t) ? (t.exit_code ?? 0) : 0;
    smokeTests.push({ argv, expect, exitCode });
  });

  // ---- source_build ----
  let sourceBuild: SourceBuildSpec | undefined;
  if (raw.source_build) {
    const sb = raw.source_build;
    if (!officialBinary) {
      warn('W_NO_EFFECT', 'source_build is the fallback for official binaries; this recipe already builds from source', ['source_build']);
    }
    const a = artifact(sb, sb.security, ['source_build'], ['source_build', 'security'], false);
    const sbConfigure = normalizeConfigure(sb.configure, sb.build_type, ['source_build', 'configure'], error, warn);
    const sbBuild = normalizeBuild(sb.build, sb.build_type, ['source_build', 'build'], error, warn);
    checkNoEffect(sbConfigure, sbBuild, sb.build_type, ['source_build', 'configure'], ['source_build', 'build'], warn);
    sourceBuild = {
      ...a,
      buildType: sb.build_type,
      configure: sbConfigure,
      build: sbBuild,
      dependencies: deps(sb.dependencies, 'source_build.dependencies'),
      buildDependencies: deps(sb.build_dependencies, 'source_build.build_dependencies'),
    };
  }

  if (!ok) return undefined;
  return {
    name: raw.name,
    description: raw.description,
    homepage: raw.homepage,
    license: raw.license,
    version,
    buildType: raw.build_type,
    officialBinary,
    binaryRelpath: raw.binary_relpath,
    download: { ...download, platforms },
    scanVulnerabilities: raw.security?.scan_vulnerabilities ?? true,
    configure,
    build,
    dependencies,
    buildDependencies,
    requires,
    smokeTests,
    sourceBuild,
  };
}

type Report = (code: string, message: string, path: Path) => void;

function wordsOf(value: string | string[] | undefined, path: Path, error: Report, warn: Report): string[] {
  let words: string[];
  try {
    words = toWords(value);
  } catch (err) {
    if (!(err instanceof WordSplitError)) throw err;
    error('E_WORDS', `cannot split ${typeof value === 'string' ? quote(value) : quote(JSON.stringify(value))} into words: ${err.message}`, path);
    return [];
  }
  return words.map((w, i) => {
    const { word, unknown } = normalizeBuildWord(w);
    if (unknown.length > 0) {
      warn(
        'W_VARIABLE',
        `${quote(w)} refers to ${unknown.map((u) => (u.startsWith('$') || u.startsWith('`') ? u : `$${u}`)).join(', ')}; only $PREFIX and $JOBS are expanded (no shell runs), the rest is passed literally`,
        typeof value === 'string' ? path : [...path, i],
      );
    }
    return word;
  });
}

function normalizeConfigure(raw: RawConfigure | undefined, buildType: BuildType, base: string[], error: Report, warn: Report): ConfigureSpec {
  const c = raw ?? {};
  const flags = wordsOf(c.flags, [...base, 'flags'], error, warn);
  const cmakeFlags = wordsOf(c.cmake_flags, [...base, 'cmake_flags'], error, warn);
  if (c.source_dir !== undefined) {
    const problem = relativePathProblem(c.source_dir);
    if (problem) error('E_PATH', problem, [...base, 'source_dir']);
  }
  return {
    script: nonEmpty(c.script),
    flags,
    cmakeFlags,
    sourceDir: c.source_dir,
    prepareScript: nonEmpty(c.prepare_script),
  };
}

function normalizeBuild(raw: RawBuild | undefined, buildType: BuildType, base: string[], error: Report, warn: Report): BuildSpec {
  const b = raw ?? {};
  if (b.custom_build !== undefined && b.script !== undefined) {
    error('E_CONFLICT', 'build.script and build.custom_build are the same step; keep one', [...base, 'script']);
  }
  const makeArgs = wordsOf(b.make_args, [...base, 'make_args'], error, warn);
  if (b.out_of_tree === true && buildType === 'make') {
    warn('W_NO_EFFECT', 'out_of_tree does not suit build_type make: a plain Makefile builds in its own folder', [...base, 'out_of_tree']);
  } else if (b.out_of_tree === true && ['custom', 'cargo', 'go'].includes(buildType)) {
    warn('W_NO_EFFECT', `out_of_tree has no effect with build_type ${buildType}`, [...base, 'out_of_tree']);
  }
  return {
    timeoutMinutes: b.timeout_minutes ?? DEFAULT_TIMEOUT_MINUTES,
    outOfTree: b.out_of_tree ?? (buildType === 'cmake' || buildType === 'meson'),
    makeArgs,
    customBuild: nonEmpty(b.custom_build ?? b.script),
    customInstall: nonEmpty(b.custom_install),
  };
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
function checkNoEffect(configure: ConfigureSpec, build: BuildSpec, buildType: BuildType, cBase: string[], bBase: string[], warn: Report): void {
  const replacedConfigure = configure.script !== undefined;
  if (configure.flags.length > 0) {
    let why: string | undefined;
    if (buildType === 'make') why = 'build_type make runs no configure step (pass make variables with build.make_args)';
    else if (buildType === 'custom') why = 'build_type custom runs no configure step (use configure.script)';
    else if (['gnu_autotools', 'cmake', 'meson'].includes(buildType) && replacedConfigure) {
      why = `configure.script replaces the configure step of build_type ${buildType} that takes them`;
    } else if (buildType === 'cargo' && build.customBuild && build.customInstall) {
      why = 'build.custom_build and build.custom_install replace the cargo build and cargo install of build_type cargo that take them';
    } else if (buildType === 'go' && build.customBuild) why = 'build.custom_build replaces the go build of build_type go that takes them';
    if (why) warn('W_NO_EFFECT', `configure.flags have no effect: ${why}`, [...cBase, 'flags']);
  }
  if (configure.cmakeFlags.length > 0) {
    if (buildType !== 'cmake') warn('W_NO_EFFECT', `configure.cmake_flags are passed to cmake only, and build_type is ${buildType}`, [...cBase, 'cmake_flags']);
    else if (replacedConfigure) warn('W_NO_EFFECT', 'configure.cmake_flags have no effect: configure.script replaces the cmake step', [...cBase, 'cmake_flags']);
  }
  if (build.makeArgs.length > 0) {
    if (['gnu_autotools', 'make'].includes(buildType)) {
      if (build.customBuild && build.customInstall) {
        warn('W_NO_EFFECT', 'build.make_args have no effect: build.custom_build and build.custom_install replace both make steps', [...bBase, 'make_args']);
      }
    } else if (buildType !== 'cmake') {
      warn('W_NO_EFFECT', `build.make_args are passed to make, which build_type ${buildType} does not run`, [...bBase, 'make_args']);
    }
  }
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s;
}

/**
 * Render one URL template for a platform: platform values (with defaults for
 * os/arch/suffix) first get their own `{version}` replaced, then fill the
 * template. The version is percent-encoded (`+` becomes `%2B`).
 */
export function renderPlatformTemplate(template: string, platform: Platform, spec: PlatformSpec | undefined, version: string): string {
  const values: Record<string, string> = { ...defaultPlatformValues(platform) };
  for (const [k, v] of Object.entries(spec?.values ?? {})) values[k] = renderTemplate(v, { version });
  values.version = encodeURIComponent(version);
  return renderTemplate(template, values);
}
