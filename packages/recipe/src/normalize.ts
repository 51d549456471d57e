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

function relativePathProblem(p: string): string | undefined {
  if (p === '') return 'is empty';
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return 'must be a relative path';
  if (p.split(/[\\/]/).includes('..')) return 'must not contain ".."';
  if (/[\0\n\r]/.test(p)) return 'contains a control character';
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
    warn('W_FILE_NAME', `the file is named "${fileBase}" but the recipe is "${raw.name}"; plan looks recipes up by name`, ['name']);
  }

  // ---- version ----
  const source = parseSource(raw.version.source);
  if (source.kind === 'static' && !isSafeVersion(source.version)) {
    error('E_VERSION', `static version "${source.version}" is not a valid version (${SAFE_TOKEN_HINT})`, ['version', 'source']);
  }
  if (source.kind === 'url') {
    try {
      new URL(source.url);
    } catch {
      error('E_URL', `"${source.url}" is not a URL`, ['version', 'source']);
    }
  }
  const compile = (pattern: string | undefined, field: string): string | undefined => {
    if (pattern === undefined || pattern === '') return undefined;
    try {
      new RegExp(pattern);
      return pattern;
    } catch (err) {
      error('E_REGEX', `"${pattern}" is not a valid regular expression: ${(err as Error).message}`, ['version', field]);
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
        `"${rule.text}" is read as: remove "${rule.strings[0]}" and remove "${rule.strings[1]}" (replacing one with the other cannot give a version); write "s/${rule.strings[0]}//;s/${rule.strings[1]?.replace(/\./g, '\\.')}$//" to say so`,
        ['version', 'cleanup'],
      );
    }
    if (rule.kind === 'replace' && rule.replace !== '' && !/^[A-Za-z0-9._+-]*$/.test(rule.replace)) {
      error(
        'E_CLEANUP',
        `"${rule.text}" would put "${rule.replace}" into the version, which becomes a file name (${SAFE_TOKEN_HINT}); URL templates percent-encode the version themselves, so drop this rule`,
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
        error('E_PLATFORM_KEY', `"${key}" cannot be a placeholder name (lower-case letters, digits and _ only)`, path);
        continue;
      }
      const text = String(v);
      if (!PLATFORM_VALUE.test(text.replace(/\{version\}/g, ''))) {
        error('E_PLATFORM_VALUE', `"${text}" may only hold URL characters (letters, digits, . _ ~ / : + @ = -) and {version}`, path);
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
      error('E_PLACEHOLDER', `"${template}": ${err.message}`, path);
      return;
    }
    for (const n of names) usedKeys.add(n);
    const unknown = names.filter((n) => !allowed.has(n));
    if (unknown.length > 0) {
      error(
        'E_PLACEHOLDER',
        `"${template}" uses unknown placeholder ${unknown.map((u) => `{${u}}`).join(', ')}; known: ${[...allowed].map((a) => `{${a}}`).join(', ')}`,
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
      if (!checkUrl(url, path)) return;
    }
    if (!perPlatform) {
      try {
        checkUrl(renderTemplate(template, { version: SAMPLE_VERSION }), path);
      } catch (err) {
        error('E_PLACEHOLDER', `"${template}": ${(err as Error).message}; only {version} is known here`, path);
      }
    }
  };
  const checkUrl = (url: string, path: Path): boolean => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      error('E_URL', `"${url}" is not a URL`, path);
      return false;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      error('E_URL', `"${url}": only https: and http: URLs can be downloaded`, path);
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
      if (!/^[0-9A-F]{40}$/.test(fp)) error('E_FINGERPRINT', `"${f}" is not a 40-hex-digit fingerprint`, [...secBase, 'gpg_fingerprints', i]);
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
        error('E_URL', `"${sec.gpg_keys_url}" must be a URL or a path inside the recipe's folder`, [...secBase, 'gpg_keys_url']);
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
    if (!usedKeys.has(key)) warn('W_UNUSED', `platform key "${key}" is not used by any URL template`, ['download', 'platforms']);
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
    warn('W_HTTP', `"${insecure.template}" is plain http with no pinned sha256 or signature: the download can be tampered with`, insecure.field.split('.'));
  }

  // ---- configure / build ----
  const configure = normalizeConfigure(raw.configure ?? undefined, raw.build_type, ['configure'], error, warn);
  const build = normalizeBuild(raw.build ?? undefined, raw.build_type, ['build'], error, warn);
  if (raw.build_type === 'custom' && !build.customInstall && !build.customBuild && !raw.binary_relpath) {
    warn('W_NO_INSTALL', 'build_type custom with no build.custom_build, build.custom_install or binary_relpath: nothing is built or installed', ['build_type']);
  }
  if (raw.binary_relpath !== undefined) {
    const problem = relativePathProblem(raw.binary_relpath);
    if (problem) error('E_PATH', `binary_relpath ${problem}`, ['binary_relpath']);
  }
  if (raw.homepage !== undefined) {
    try {
      new URL(raw.homepage);
    } catch {
      warn('W_URL', `homepage "${raw.homepage}" is not a URL`, ['homepage']);
    }
  }

  // ---- dependencies ----
  const deps = (list: string[] | null | undefined, field: string): string[] => {
    const out: string[] = [];
    (list ?? []).forEach((d, i) => {
      if (d === raw.name) error('E_DEPENDENCY', `"${raw.name}" depends on itself`, [field, i]);
      else if (out.includes(d)) warn('W_DUPLICATE', `"${d}" is listed twice`, [field, i]);
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
      error('E_WORDS', `cannot split "${String(command)}": ${(err as Error).message}`, path);
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
        error('E_REGEX', `expect "${expect}" is not a valid regular expression: ${(err as Error).message}`, [...path, 'expect']);
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
    sourceBuild = {
      ...a,
      buildType: sb.build_type,
      configure: normalizeConfigure(sb.configure, sb.build_type, ['source_build', 'configure'], error, warn),
      build: normalizeBuild(sb.build, sb.build_type, ['source_build', 'build'], error, warn),
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
    error('E_WORDS', `cannot split ${JSON.stringify(value)} into words: ${err.message}`, path);
    return [];
  }
  return words.map((w, i) => {
    const { word, unknown } = normalizeBuildWord(w);
    if (unknown.length > 0) {
      warn(
        'W_VARIABLE',
        `"${w}" refers to ${unknown.map((u) => (u.startsWith('$') || u.startsWith('`') ? u : `$${u}`)).join(', ')}; only $PREFIX and $JOBS are expanded (no shell runs), the rest is passed literally`,
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
  if (cmakeFlags.length > 0 && buildType !== 'cmake') {
    warn('W_NO_EFFECT', `cmake_flags are passed to cmake only, and build_type is ${buildType}`, [...base, 'cmake_flags']);
  }
  if (flags.length > 0 && c.script !== undefined) {
    warn('W_NO_EFFECT', 'configure.flags are not used when configure.script replaces the configure step', [...base, 'flags']);
  } else if (flags.length > 0 && buildType === 'custom') {
    warn('W_NO_EFFECT', 'configure.flags have no effect with build_type custom (use configure.script)', [...base, 'flags']);
  }
  if (c.source_dir !== undefined) {
    const problem = relativePathProblem(c.source_dir);
    if (problem) error('E_PATH', `source_dir ${problem}`, [...base, 'source_dir']);
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
  if (makeArgs.length > 0 && !['make', 'gnu_autotools', 'cmake'].includes(buildType)) {
    warn('W_NO_EFFECT', `make_args are passed to make, which build_type ${buildType} does not run`, [...base, 'make_args']);
  }
  if (b.out_of_tree === true && ['custom', 'make', 'cargo', 'go'].includes(buildType)) {
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
