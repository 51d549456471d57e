import type { Platform } from '@potions/core';
import { quote, TEMPLATE_QUOTE_MAX } from '../quote';
import { BUILTIN_PLACEHOLDERS, TemplateError, renderPlatformTemplate, renderTemplate, templatePlaceholders } from '../template';
import type { IssueSink, Path } from './issues';
import type { NormalizedPlatforms } from './platforms';

/** The version URL templates are rendered with to check that they give URLs. */
export const SAMPLE_VERSION = '1.2.3';

/**
 * Checks URL templates against the platforms of one recipe: known
 * placeholders only, every custom key set on every platform that renders
 * the template, and an http(s) URL as the result. Remembers which custom
 * keys some template used.
 */
export class UrlTemplateChecker {
  readonly usedKeys = new Set<string>();
  private readonly allowed: Set<string>;

  constructor(
    private readonly platforms: NormalizedPlatforms,
    private readonly issues: IssueSink,
  ) {
    this.allowed = new Set<string>([...BUILTIN_PLACEHOLDERS, ...platforms.customKeys]);
  }

  /**
   * Check one template at `path`. `perPlatform`: rendered for every platform
   * listed (download URLs); otherwise only `{version}` is known (source_build).
   */
  checkTemplate(template: string | undefined, path: Path, perPlatform: boolean): void {
    if (template === undefined) return;
    const names = this.placeholders(template, path);
    if (!names) return;
    if (perPlatform) {
      for (const p of this.platforms.declared) if (!this.checkPlatform(template, names, path, p)) return;
      return;
    }
    try {
      this.checkUrl(renderTemplate(template, { version: SAMPLE_VERSION }), path, template);
    } catch (err) {
      this.issues.error('E_PLACEHOLDER', `${quote(template, TEMPLATE_QUOTE_MAX)}: ${(err as Error).message}; only {version} is known here`, path);
    }
  }

  /** Check a URL; messages show the template as written (and the rendered example when it differs). */
  checkUrl(url: string, path: Path, template = url): boolean {
    const shown = `${quote(template, TEMPLATE_QUOTE_MAX)}${template !== url ? ` (rendered for version ${SAMPLE_VERSION}: ${quote(url, TEMPLATE_QUOTE_MAX)})` : ''}`;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      this.issues.error('E_URL', `${shown} is not a URL`, path);
      return false;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      this.issues.error('E_URL', `${shown}: only https: and http: URLs can be downloaded`, path);
      return false;
    }
    return true;
  }

  /** The placeholder names of a template, or undefined (and an error) when it is malformed or uses an unknown one. */
  private placeholders(template: string, path: Path): string[] | undefined {
    let names: string[];
    try {
      names = templatePlaceholders(template);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      this.issues.error('E_PLACEHOLDER', `${quote(template, TEMPLATE_QUOTE_MAX)}: ${err.message}`, path);
      return undefined;
    }
    for (const n of names) this.usedKeys.add(n);
    const unknown = names.filter((n) => !this.allowed.has(n));
    if (unknown.length > 0) {
      this.issues.error(
        'E_PLACEHOLDER',
        `${quote(template, TEMPLATE_QUOTE_MAX)} uses unknown placeholder ${unknown.map((u) => `{${u}}`).join(', ')}; known: ${[...this.allowed].map((a) => `{${a}}`).join(', ')}`,
        path,
      );
      return undefined;
    }
    return names;
  }

  /** Render for one platform; false when the rendered URL is bad (the other platforms would only repeat it). */
  private checkPlatform(template: string, names: readonly string[], path: Path, p: Platform): boolean {
    const spec = this.platforms.specs[p];
    if (!spec) return true;
    const missing = names.filter((n) => this.platforms.customKeys.has(n) && spec.values[n] === undefined);
    if (missing.length > 0) {
      this.issues.error('E_PLACEHOLDER', `${path.join('.')} uses ${missing.map((m) => `{${m}}`).join(', ')} but this platform does not set ${missing.join(', ')}`, ['download', 'platforms', p]);
      return true;
    }
    let url: string;
    try {
      url = renderPlatformTemplate(template, p, spec, SAMPLE_VERSION);
    } catch (err) {
      this.issues.error('E_PLACEHOLDER', (err as Error).message, ['download', 'platforms', p]);
      return true;
    }
    return this.checkUrl(url, path, template);
  }
}
