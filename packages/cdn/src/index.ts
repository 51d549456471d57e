export { CdnErrorCode } from './errors';
export { normalizePurgeRequest, batches } from './purger';
export type { CdnPurger, PurgeRequest, PurgeResult } from './purger';
export type { CdnRetryOptions } from './transient';
export { CloudflareApi, CLOUDFLARE_API_BASE } from './cloudflare-api';
export type { CloudflareApiOptions, CloudflareError } from './cloudflare-api';
export { CloudflarePurger, CLOUDFLARE_DEFAULT_BATCH, CLOUDFLARE_MAX_BATCH, prefixWithoutScheme } from './cloudflare-purger';
export type { CloudflarePurgerOptions } from './cloudflare-purger';
export {
  desiredCacheRules,
  planCacheRules,
  applyCloudflareCacheRules,
  CACHE_SETTINGS_PHASE,
  POTIONS_RULE_REF_PREFIX,
  IMMUTABLE_TTL_SECONDS,
} from './cache-rules';
export type {
  CloudflareRule,
  TtlSetting,
  CacheRulesOptions,
  CacheRulesPlan,
  CacheRulesResult,
  RuleChange,
  ApplyCacheRulesOptions,
} from './cache-rules';
export { HttpPurger, banExpression, DEFAULT_BAN_HEADER } from './http-purger';
export type { HttpPurgerOptions } from './http-purger';
export { purgeTargets, cdnUrl, entryFiles, manifestEntries } from './targets';
export type { PurgeTargetsInput, ManifestPackagesView } from './targets';
export { cdnConfigFromObject, cdnFromConfig, DEFAULT_CLOUDFLARE_TOKEN_ENV } from './config';
export type { CdnConfig, CloudflareCdnConfig, HttpPurgeCdnConfig, CdnDeps, Cdn } from './config';
