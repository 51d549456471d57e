/**
 * The `cdn:` section of the mirrors configuration, and the factory that turns
 * it into a purger (and, for Cloudflare, cache rules). Secrets never live in
 * the file: only the name of the environment variable that holds the token.
 *
 * ```yaml
 * cdn:
 *   provider: cloudflare
 *   baseUrl: https://dl.example.com          # where the CDN serves the mirrors' keys
 *   zoneId: 023e105f4ecef8ad9ca31a8372d0c353
 *   apiTokenEnv: POTIONS_CLOUDFLARE_API_TOKEN # the default
 * ```
 * ```yaml
 * cdn:
 *   provider: http-purge
 *   baseUrl: https://cache.example.com/potions
 * ```
 */
import { UserError, type Now, type Reporter } from '@potions/core';
import { z } from 'zod';
import { applyCloudflareCacheRules, type CacheRulesResult } from './cache-rules';
import { CloudflarePurger, CLOUDFLARE_MAX_BATCH } from './cloudflare-purger';
import { CdnErrorCode } from './errors';
import { DEFAULT_BAN_HEADER, HttpPurger } from './http-purger';
import type { CdnPurger } from './purger';
import type { CdnRetryOptions } from './transient';

export const DEFAULT_CLOUDFLARE_TOKEN_ENV = 'POTIONS_CLOUDFLARE_API_TOKEN';

export interface CloudflareCdnConfig {
  provider: 'cloudflare';
  baseUrl: string;
  zoneId: string;
  apiTokenEnv: string;
  batchSize?: number;
  cacheRules?: { immutableTtlSeconds?: number; manifestEdgeTtlSeconds?: number };
}

export interface HttpPurgeCdnConfig {
  provider: 'http-purge';
  baseUrl: string;
  banHeader: string;
  /** A header and the variable holding its value, for caches that want a key (Fastly: `Fastly-Key`). */
  auth?: { header: string; valueEnv: string };
}

export type CdnConfig = CloudflareCdnConfig | HttpPurgeCdnConfig;

const ENV_NAME = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const HEADER_NAME = z.string().regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name');
const BASE_URL = z
  .url({ protocol: /^https?$/, error: 'an http(s) URL such as https://dl.example.com' })
  .refine((u) => !new URL(u).search && !new URL(u).hash, 'a URL without ?query or #fragment')
  .transform((u) => u.replace(/\/+$/, ''));
const TTL = z.number().int().min(1).max(31_536_000);

const cloudflareSchema = z.strictObject({
  provider: z.literal('cloudflare'),
  baseUrl: BASE_URL,
  zoneId: z.string().regex(/^[0-9a-f]{32}$/, "32 lower-case hex digits (the zone's Overview page)"),
  apiTokenEnv: ENV_NAME.default(DEFAULT_CLOUDFLARE_TOKEN_ENV),
  batchSize: z.number().int().min(1).max(CLOUDFLARE_MAX_BATCH).optional(),
  cacheRules: z.strictObject({ immutableTtlSeconds: TTL.optional(), manifestEdgeTtlSeconds: TTL.optional() }).optional(),
});

const httpPurgeSchema = z.strictObject({
  provider: z.literal('http-purge'),
  baseUrl: BASE_URL,
  banHeader: HEADER_NAME.default(DEFAULT_BAN_HEADER),
  auth: z.strictObject({ header: HEADER_NAME, valueEnv: ENV_NAME }).optional(),
});

const cdnSchema = z.discriminatedUnion('provider', [cloudflareSchema, httpPurgeSchema], {
  error: 'provider: one of cloudflare, http-purge',
});

/** Field names that would hold a secret: refused with a message saying where secrets go. */
const SECRET_KEY = /token|secret|password|key$|^value$/i;
const ALLOWED_SECRETISH = new Set(['apiTokenEnv', 'valueEnv']);

/**
 * Validate the `cdn:` section (already parsed from YAML or JSON). `file` and
 * `field` only name the place in messages.
 */
export function cdnConfigFromObject(value: unknown, file = '<config>', field = 'cdn'): CdnConfig {
  const secret = findSecretField(value);
  if (secret) {
    throw new UserError(CdnErrorCode.Config, `${JSON.stringify(secret.key)} is not allowed here: secrets never go in the file`, {
      location: { file, field: `${field}.${secret.path}` },
      hint: `put the token in an environment variable and name it with ${secret.path.startsWith('auth') ? 'auth.valueEnv' : 'apiTokenEnv'} (default ${DEFAULT_CLOUDFLARE_TOKEN_ENV}); remove the value from the file and rotate it if the file was shared`,
    });
  }
  const parsed = cdnSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = [field, ...issue.path.map(String)].join('.');
    const found = valueAt(value, issue.path);
    throw new UserError(CdnErrorCode.Config, `${issue.message}${found === undefined ? '' : ` (found ${JSON.stringify(found)})`}`, {
      location: { file, field: at },
      hint: 'see docs/cdn.md for the cdn: section',
    });
  }
  return parsed.data;
}

export interface CdnDeps {
  /** Where the token variables are read. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  reporter: Reporter;
  fetch?: typeof fetch;
  now?: Now;
  retry?: CdnRetryOptions;
  /** Cloudflare's API base; tests point it at a local server. */
  cloudflareApiBase?: string;
}

/** A configured CDN: its purger and, where the CDN takes them through an API, its cache rules. */
export interface Cdn {
  readonly config: CdnConfig;
  readonly purger: CdnPurger;
  /**
   * Bring the CDN's cache rules in line (Cloudflare); undefined where they
   * live in the cache's own configuration (Varnish's VCL, nginx).
   */
  readonly applyCacheRules?: (options?: { dryRun?: boolean }) => Promise<CacheRulesResult>;
}

/** Build the purger (and cache rules) a `cdn:` section describes; reads and masks the token now. */
export function cdnFromConfig(config: CdnConfig, deps: CdnDeps): Cdn {
  const env = deps.env ?? process.env;
  const common = {
    reporter: deps.reporter,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
  };
  if (config.provider === 'cloudflare') {
    const token = readSecret(env, config.apiTokenEnv, 'the Cloudflare API token', deps.reporter);
    const api = { ...common, token, ...(deps.cloudflareApiBase ? { apiBase: deps.cloudflareApiBase } : {}) };
    return {
      config,
      purger: new CloudflarePurger({ ...api, zoneId: config.zoneId, ...(config.batchSize ? { batchSize: config.batchSize } : {}) }),
      applyCacheRules: (options = {}) =>
        applyCloudflareCacheRules({ ...api, zoneId: config.zoneId, baseUrl: config.baseUrl, ...config.cacheRules, ...options }),
    };
  }
  const auth = config.auth ? { header: config.auth.header, value: readSecret(env, config.auth.valueEnv, `the ${config.auth.header} value`, deps.reporter) } : undefined;
  return { config, purger: new HttpPurger({ ...common, banHeader: config.banHeader, ...(auth ? { auth } : {}) }) };
}

function readSecret(env: NodeJS.ProcessEnv, name: string, what: string, reporter: Reporter): string {
  const value = env[name]?.trim();
  if (!value) {
    throw new UserError(CdnErrorCode.TokenMissing, `${what} is not set: the environment variable ${name} is ${name in env ? 'empty' : 'unset'}`, {
      hint: `set ${name} (a repository or environment secret in GitHub Actions)`,
    });
  }
  reporter.secret(value);
  return value;
}

function findSecretField(value: unknown, prefix = ''): { key: string; path: string } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (SECRET_KEY.test(key) && !ALLOWED_SECRETISH.has(key)) return { key, path };
    const nested = findSecretField(v, path);
    if (nested) return nested;
  }
  return undefined;
}

function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = doc;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return typeof v === 'object' ? undefined : v;
}
