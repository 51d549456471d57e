/**
 * Cache rules for a Cloudflare zone in front of the mirrors, through the
 * Rulesets API (`http_request_cache_settings` phase entry point):
 *
 * - content-addressed artifacts (`artifacts/sha256/<hex>/…`) and per-version
 *   manifests (`manifests/manifest-<n>.json`) never change under their key:
 *   cached at the edge and in browsers for a year;
 * - `manifest.json`, the one mutable pointer, is cached only as long as the
 *   mirror says (`Cache-Control: public, max-age=60`, set by the publisher),
 *   or for `manifestEdgeTtlSeconds` when given (Cloudflare accepts an edge TTL
 *   under 2 hours only on Business and Enterprise plans); publishing and
 *   withdrawing purge it anyway.
 *
 * Idempotent: read the entry point, plan, write only when a rule differs.
 * Rules whose `ref` starts with `potions_` are ours; every other rule of the
 * zone is kept as it is, in its place.
 */
import { isDeepStrictEqual } from 'node:util';
import { ARTIFACTS_PREFIX } from '@potions/mirrors';
import { MANIFEST_KEY, manifestVersionKey } from '@potions/manifest';
import { UserError } from '@potions/core';
import { CloudflareApi, type CloudflareApiOptions } from './cloudflare-api';
import { assertZoneId } from './cloudflare-purger';
import { CdnErrorCode } from './errors';

export const CACHE_SETTINGS_PHASE = 'http_request_cache_settings';
export const POTIONS_RULE_REF_PREFIX = 'potions_';
/** A year: what the mirrors already send for immutable keys (`max-age=31536000, immutable`). */
export const IMMUTABLE_TTL_SECONDS = 31_536_000;

export interface TtlSetting {
  mode: 'respect_origin' | 'bypass_by_default' | 'override_origin';
  /** Seconds, with `override_origin`. */
  default?: number;
}

/** A rule as the Rulesets API takes it (the fields Potions sets, plus any the API returns). */
export interface CloudflareRule {
  id?: string;
  ref?: string;
  description?: string;
  expression: string;
  action: string;
  action_parameters?: Record<string, unknown>;
  enabled?: boolean;
  [field: string]: unknown;
}

export interface CacheRulesOptions {
  /** Where the CDN serves the mirrors' keys: `https://dl.example.com` or `https://dl.example.com/potions`. */
  baseUrl: string;
  /** Edge and browser TTL of immutable keys. Default a year. */
  immutableTtlSeconds?: number;
  /** Edge TTL of `manifest.json`; default: what the mirror's `Cache-Control` says. */
  manifestEdgeTtlSeconds?: number;
}

export type RuleChange = 'add' | 'update' | 'remove' | 'same';

export interface CacheRulesPlan {
  /** True when the entry point must be written. */
  changed: boolean;
  /** Per Potions rule `ref`: what the write does to it. */
  changes: { ref: string; change: RuleChange }[];
  /** Every rule of the entry point after the write, in order (the PUT body's `rules`). */
  rules: CloudflareRule[];
}

export interface CacheRulesResult extends CacheRulesPlan {
  /** False with `dryRun` or when nothing changed. */
  written: boolean;
  /** The entry point's version after the call (undefined when it does not exist and nothing was written). */
  version?: string;
}

/** The rules Potions wants, in order. Pure. */
export function desiredCacheRules(options: CacheRulesOptions): CloudflareRule[] {
  const base = parseBase(options.baseUrl);
  const immutableTtl = ttlSeconds(options.immutableTtlSeconds ?? IMMUTABLE_TTL_SECONDS, 'cdn.cacheRules.immutableTtlSeconds');
  const host = `http.host eq ${quote(base.host)}`;
  const path = (key: string): string => `${base.path}/${key}`;
  // manifests/manifest-1.json → manifests/: the folder of the per-version copies.
  const versionsKey = manifestVersionKey(1);
  const versionsFolder = versionsKey.slice(0, versionsKey.lastIndexOf('/') + 1);
  const manifestEdge: TtlSetting =
    options.manifestEdgeTtlSeconds === undefined
      ? { mode: 'respect_origin' }
      : { mode: 'override_origin', default: ttlSeconds(options.manifestEdgeTtlSeconds, 'cdn.cacheRules.manifestEdgeTtlSeconds') };
  return [
    {
      ref: `${POTIONS_RULE_REF_PREFIX}immutable`,
      description: 'Potions: artifacts and per-version manifests never change under their key',
      expression: `(${host} and (starts_with(http.request.uri.path, ${quote(path(ARTIFACTS_PREFIX))}) or starts_with(http.request.uri.path, ${quote(path(versionsFolder))})))`,
      action: 'set_cache_settings',
      action_parameters: {
        cache: true,
        edge_ttl: { mode: 'override_origin', default: immutableTtl },
        browser_ttl: { mode: 'override_origin', default: immutableTtl },
      },
      enabled: true,
    },
    {
      ref: `${POTIONS_RULE_REF_PREFIX}manifest`,
      description: 'Potions: the manifest pointer changes with every publish',
      expression: `(${host} and http.request.uri.path eq ${quote(path(MANIFEST_KEY))})`,
      action: 'set_cache_settings',
      action_parameters: {
        cache: true,
        edge_ttl: manifestEdge,
        browser_ttl: { mode: 'respect_origin' },
      },
      enabled: true,
    },
  ];
}

/**
 * Compare the entry point's rules with the desired ones. Ours are replaced in
 * place or appended; stale `potions_` rules are removed; the rest is kept.
 * Read-only fields the API returns (`version`, `last_updated`) are dropped
 * from the rules to write. Pure.
 */
export function planCacheRules(existing: readonly CloudflareRule[], desired: readonly CloudflareRule[]): CacheRulesPlan {
  const wanted = new Map(desired.map((r) => [r.ref!, r]));
  const placed = new Set<string>();
  const changes: { ref: string; change: RuleChange }[] = [];
  const rules: CloudflareRule[] = [];
  for (const rule of existing) {
    const ref = typeof rule.ref === 'string' ? rule.ref : undefined;
    const ours = ref !== undefined && ref.startsWith(POTIONS_RULE_REF_PREFIX);
    if (!ours) {
      rules.push(writable(rule));
      continue;
    }
    const want = wanted.get(ref);
    if (!want || placed.has(ref)) {
      changes.push({ ref, change: 'remove' });
      continue;
    }
    placed.add(ref);
    const same = sameRule(rule, want);
    changes.push({ ref, change: same ? 'same' : 'update' });
    rules.push(same ? writable(rule) : { ...(rule.id ? { id: rule.id } : {}), ...want });
  }
  for (const want of desired) {
    if (placed.has(want.ref!)) continue;
    changes.push({ ref: want.ref!, change: 'add' });
    rules.push({ ...want });
  }
  return { changed: changes.some((c) => c.change !== 'same'), changes, rules };
}

const COMPARED = ['expression', 'action', 'action_parameters', 'description'] as const;

function sameRule(have: CloudflareRule, want: CloudflareRule): boolean {
  return COMPARED.every((f) => isDeepStrictEqual(have[f], want[f])) && (have.enabled ?? true) === (want.enabled ?? true);
}

function writable(rule: CloudflareRule): CloudflareRule {
  const { version: _version, last_updated: _lastUpdated, ...rest } = rule;
  return rest;
}

export interface ApplyCacheRulesOptions extends CloudflareApiOptions, CacheRulesOptions {
  zoneId: string;
  /** Plan only: read the entry point, write nothing. */
  dryRun?: boolean;
}

/** Bring the zone's cache rules in line with `desiredCacheRules`; writes only when something differs. */
export async function applyCloudflareCacheRules(options: ApplyCacheRulesOptions): Promise<CacheRulesResult> {
  assertZoneId(options.zoneId);
  const desired = desiredCacheRules(options);
  const api = new CloudflareApi(options);
  const counter = { retries: 0 };
  const path = `/zones/${options.zoneId}/rulesets/phases/${CACHE_SETTINGS_PHASE}/entrypoint`;
  const current = rulesetOf(await api.call('GET', path, undefined, counter, { allowNotFound: true }), path);
  const plan = planCacheRules(current?.rules ?? [], desired);
  if (!plan.changed || options.dryRun) {
    api.reporter.info(`cloudflare: cache rules ${plan.changed ? 'would change (dry run)' : 'are up to date'}`);
    return { ...plan, written: false, ...(current?.version !== undefined ? { version: current.version } : {}) };
  }
  const written = rulesetOf(await api.call('PUT', path, { rules: plan.rules }, counter), path);
  if (!written) throw new UserError(CdnErrorCode.BadResponse, `cloudflare: PUT ${path} returned no ruleset`);
  const after = planCacheRules(written.rules ?? [], desired);
  if (after.changed) {
    throw new UserError(CdnErrorCode.BadResponse, `cloudflare: PUT ${path} returned rules that differ from those written`, {
      hint: 'another writer may have changed the cache rules at the same time; run again',
    });
  }
  api.reporter.info(`cloudflare: cache rules written (${plan.changes.filter((c) => c.change !== 'same').map((c) => `${c.change} ${c.ref}`).join(', ')})`);
  return { ...plan, written: true, ...(written.version !== undefined ? { version: written.version } : {}) };
}

function rulesetOf(result: unknown, path: string): { rules?: CloudflareRule[]; version?: string } | undefined {
  if (result === undefined) return undefined;
  const r = result as { rules?: unknown; version?: unknown };
  if (typeof result !== 'object' || result === null || (r.rules !== undefined && !Array.isArray(r.rules))) {
    throw new UserError(CdnErrorCode.BadResponse, `cloudflare: ${path}: the result is not a ruleset`);
  }
  return {
    ...(Array.isArray(r.rules) ? { rules: r.rules as CloudflareRule[] } : {}),
    ...(r.version !== undefined ? { version: String(r.version) } : {}),
  };
}

function parseBase(baseUrl: string): { host: string; path: string } {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new UserError(CdnErrorCode.Config, `baseUrl must be an absolute URL, got ${JSON.stringify(baseUrl)}`, { location: { field: 'cdn.baseUrl' } });
  }
  return { host: u.hostname, path: u.pathname.replace(/\/+$/, '') };
}

function ttlSeconds(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1 || value > IMMUTABLE_TTL_SECONDS) {
    throw new UserError(CdnErrorCode.Config, `${field} must be a whole number of seconds from 1 to ${IMMUTABLE_TTL_SECONDS}, got ${value}`, {
      location: { field },
    });
  }
  return value;
}

/** A string literal of Cloudflare's rules language. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
