import * as api from './index';

test('the public surface is what docs/cdn.md describes', () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      'CACHE_SETTINGS_PHASE',
      'CLOUDFLARE_API_BASE',
      'CLOUDFLARE_DEFAULT_BATCH',
      'CLOUDFLARE_MAX_BATCH',
      'CdnErrorCode',
      'CloudflareApi',
      'CloudflarePurger',
      'DEFAULT_BAN_HEADER',
      'DEFAULT_CLOUDFLARE_TOKEN_ENV',
      'HttpPurger',
      'IMMUTABLE_TTL_SECONDS',
      'POTIONS_RULE_REF_PREFIX',
      'applyCloudflareCacheRules',
      'banExpression',
      'batches',
      'cdnConfigFromObject',
      'cdnFromConfig',
      'cdnUrl',
      'desiredCacheRules',
      'entryFiles',
      'manifestEntries',
      'normalizePurgeRequest',
      'planCacheRules',
      'prefixWithoutScheme',
      'purgeTargets',
    ].sort(),
  );
});

test('every error code is E_CDN_*', () => {
  for (const code of Object.values(api.CdnErrorCode)) expect(code).toMatch(/^E_CDN_[A-Z_]+$/);
});
