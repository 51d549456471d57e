import { CleanupError, parseCleanup, type CleanupRule } from '../cleanup';
import type { VersionSource, VersionSpec } from '../model';
import { isSafeVersion, SAFE_TOKEN_HINT } from '../names';
import { quote, sanitize, TEMPLATE_QUOTE_MAX } from '../quote';
import type { RawRecipe } from '../schema';
import type { IssueSink } from './issues';

function parseSource(source: string): VersionSource {
  const colon = source.indexOf(':');
  const kind = source.slice(0, colon);
  const rest = source.slice(colon + 1);
  if (kind === 'github-release' || kind === 'github-tag') return { kind, repo: rest };
  if (kind === 'url') return { kind, url: rest };
  return { kind: 'static', version: rest };
}

function checkSource(source: VersionSource, issues: IssueSink): void {
  if (source.kind === 'static' && !isSafeVersion(source.version)) {
    issues.error('E_VERSION', `static version ${quote(source.version)} is not a valid version: use ${SAFE_TOKEN_HINT}`, ['version', 'source']);
  }
  if (source.kind === 'url') {
    try {
      new URL(source.url);
    } catch {
      issues.error('E_URL', `${quote(source.url, TEMPLATE_QUOTE_MAX)} is not a URL`, ['version', 'source']);
    }
  }
}

/** A regular expression as written, or undefined (and an error) when JavaScript cannot compile it. */
function regexOf(pattern: string | undefined, field: string, issues: IssueSink): string | undefined {
  if (pattern === undefined || pattern === '') return undefined;
  try {
    new RegExp(pattern);
    return pattern;
  } catch (err) {
    issues.error('E_REGEX', `${quote(pattern)} is not a valid regular expression: ${sanitize((err as Error).message, 120)}`, ['version', field]);
    return undefined;
  }
}

function cleanupOf(text: string | undefined, issues: IssueSink): CleanupRule[] {
  let cleanup: CleanupRule[] = [];
  try {
    cleanup = parseCleanup(text);
  } catch (err) {
    if (!(err instanceof CleanupError)) throw err;
    issues.error('E_CLEANUP', err.message, ['version', 'cleanup']);
  }
  for (const rule of cleanup) {
    if (rule.kind === 'remove') {
      issues.warn(
        'W_CLEANUP_LEGACY',
        `${quote(rule.text)} is read as: remove ${quote(rule.strings[0] ?? '')} and remove ${quote(rule.strings[1] ?? '')} (replacing one with the other cannot give a version); write "s/${rule.strings[0]}//;s/${rule.strings[1]?.replace(/\./g, '\\.')}$//" to say so`,
        ['version', 'cleanup'],
      );
    }
    if (rule.kind === 'replace' && rule.replace !== '' && !/^[A-Za-z0-9._+-]*$/.test(rule.replace)) {
      issues.error(
        'E_CLEANUP',
        `${quote(rule.text)} would put ${quote(rule.replace)} into the version, which becomes a file name (${SAFE_TOKEN_HINT}); URL templates percent-encode the version themselves, so drop this rule`,
        ['version', 'cleanup'],
      );
    }
  }
  return cleanup;
}

/** The `version` section: where versions come from and how a tag becomes a version. */
export function normalizeVersion(raw: RawRecipe['version'], issues: IssueSink): VersionSpec {
  const source = parseSource(raw.source);
  checkSource(source, issues);
  const extractPattern = regexOf(raw.extract_pattern, 'extract_pattern', issues);
  const excludePatterns = regexOf(raw.exclude_patterns, 'exclude_patterns', issues);
  const cleanup = cleanupOf(raw.cleanup, issues);
  if (source.kind === 'url' && !extractPattern) {
    issues.error('E_VERSION', 'a url: version source needs extract_pattern to find versions in the page', ['version']);
  }
  if (source.kind === 'static' && (extractPattern || cleanup.length > 0)) {
    issues.warn('W_NO_EFFECT', 'extract_pattern and cleanup have no effect on a static: version', ['version']);
  }
  return { source, extractPattern, excludePatterns, cleanup };
}
