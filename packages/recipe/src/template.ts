import { platformOs, type Platform } from '@potions/core';
import type { PlatformSpec } from './model';

/**
 * URL templates: `{version}`, `{os}`, `{arch}`, `{suffix}` and any custom key
 * of a platform entry (`{target}`). `{version}` may also appear inside a
 * platform value (`suffix: "-{version}-linux.tar.gz"`).
 */
export const BUILTIN_PLACEHOLDERS = ['version', 'os', 'arch', 'suffix'] as const;

const PLACEHOLDER = /\{([^{}]*)\}/g;
const PLACEHOLDER_NAME = /^[a-z_][a-z0-9_]*$/;

export class TemplateError extends Error {
  constructor(
    message: string,
    readonly placeholder?: string,
  ) {
    super(message);
  }
}

/** The placeholder names a template uses, in order of first use; throws on malformed braces. */
export function templatePlaceholders(template: string): string[] {
  const names: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1] as string;
    if (!PLACEHOLDER_NAME.test(name)) {
      throw new TemplateError(`"{${name}}" is not a placeholder name (lower-case letters, digits, _)`, name);
    }
    if (!names.includes(name)) names.push(name);
  }
  const stripped = template.replace(PLACEHOLDER, '');
  if (/[{}]/.test(stripped)) throw new TemplateError('unbalanced "{" or "}"');
  return names;
}

/**
 * Replace every `{name}` with `values[name]`. A placeholder without a value is
 * an error, never left in the output or replaced by an empty string.
 */
export function renderTemplate(template: string, values: Readonly<Record<string, string | undefined>>): string {
  templatePlaceholders(template);
  return template.replace(PLACEHOLDER, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new TemplateError(`unknown placeholder {${name}}`, name);
    return value;
  });
}

/** The value of {os}, {arch} and {suffix} when a platform entry does not set one: {arch} is the part after the dash. */
export function defaultPlatformValues(platform: Platform): Record<string, string> {
  return { os: platformOs(platform), arch: platform.slice(platform.indexOf('-') + 1), suffix: '' };
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
