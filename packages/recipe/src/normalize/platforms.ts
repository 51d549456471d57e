import { PLATFORMS, type Platform } from '@potions/core';
import type { PlatformSpec } from '../model';
import { quote } from '../quote';
import type { RawRecipe } from '../schema';
import { BUILTIN_PLACEHOLDERS } from '../template';
import { pinOf } from './fields';
import type { IssueSink } from './issues';

/** Characters a platform value may hold: URL-safe text plus `{version}`. */
const PLATFORM_VALUE = /^[A-Za-z0-9._~/:+@=-]*$/;
const CUSTOM_KEY = /^[a-z_][a-z0-9_]*$/;

/** `download.platforms` after checking: the platforms listed (in the usual order) and their values. */
export interface NormalizedPlatforms {
  declared: Platform[];
  specs: Partial<Record<Platform, PlatformSpec>>;
  /** Placeholder names a platform entry adds beyond os, arch, suffix (`target`). */
  customKeys: Set<string>;
}

function platformSpec(p: Platform, entry: Record<string, unknown>, customKeys: Set<string>, issues: IssueSink): PlatformSpec {
  const values: Record<string, string> = {};
  for (const [key, v] of Object.entries(entry)) {
    if (key === 'sha256') continue;
    const path = ['download', 'platforms', p, key];
    if (key === 'version') {
      issues.error('E_PLATFORM_KEY', '"version" is not a per-platform value; it comes from version.source', path);
      continue;
    }
    if (!CUSTOM_KEY.test(key)) {
      issues.error('E_PLATFORM_KEY', `${quote(key)} cannot be a placeholder name (lower-case letters, digits and _ only)`, path);
      continue;
    }
    const text = String(v);
    if (!PLATFORM_VALUE.test(text.replace(/\{version\}/g, ''))) {
      issues.error('E_PLATFORM_VALUE', `${quote(text)} may only hold URL characters (letters, digits, . _ ~ / : + @ = -) and {version}`, path);
      continue;
    }
    values[key] = text;
    if (!(BUILTIN_PLACEHOLDERS as readonly string[]).includes(key)) customKeys.add(key);
  }
  return { values, sha256: pinOf(entry.sha256 as string | Record<string, string> | undefined) };
}

/** `download.platforms`: which of the four platforms the recipe builds for, and the placeholder values of each. */
export function normalizePlatforms(raw: RawRecipe['download']['platforms'], issues: IssueSink): NormalizedPlatforms {
  const specs: Partial<Record<Platform, PlatformSpec>> = {};
  const customKeys = new Set<string>();
  const declared = PLATFORMS.filter((p) => p in raw);
  if (declared.length === 0) issues.error('E_PLATFORMS', `no platform listed; use any of: ${PLATFORMS.join(', ')}`, ['download', 'platforms']);
  for (const p of declared) specs[p] = platformSpec(p, raw[p] ?? {}, customKeys, issues);
  return { declared, specs, customKeys };
}
