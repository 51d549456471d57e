/**
 * Every error code `@potions/cdn` throws, in one place, so that callers (the
 * CLI, the actions, the invalidation workflow) compare by `code`. All of them
 * are `UserError`s: a configuration to fix, a token to grant, or a CDN that
 * refused or did not answer; a bug in this package throws a plain error.
 */
export const CdnErrorCode = {
  /** The `cdn:` section of the mirrors configuration is malformed. */
  Config: 'E_CDN_CONFIG',
  /** The environment variable that should hold the API token is unset or empty. */
  TokenMissing: 'E_CDN_TOKEN_MISSING',
  /** A URL or prefix handed to a purger is not an absolute http(s) URL. */
  BadUrl: 'E_CDN_BAD_URL',
  /** The CDN's API refused the token (401/403): wrong token or missing permission. */
  Auth: 'E_CDN_AUTH',
  /** The CDN's API answered `success: false` (errors carry Cloudflare's code and message). */
  Api: 'E_CDN_API',
  /** Still rate limited (HTTP 429) after the allowed retries. */
  RateLimited: 'E_CDN_RATE_LIMITED',
  /** No answer (network error, timeout, 5xx) after the allowed retries. */
  Unreachable: 'E_CDN_UNREACHABLE',
  /** An answer that is not the documented response shape. */
  BadResponse: 'E_CDN_BAD_RESPONSE',
  /** A cache refused PURGE or BAN (403/405/501): its VCL or ACL does not allow this client. */
  PurgeRefused: 'E_CDN_PURGE_REFUSED',
} as const;

export type CdnErrorCode = (typeof CdnErrorCode)[keyof typeof CdnErrorCode];
