/**
 * Every error code `@potions/alerts` throws or reports, in one place, so that
 * callers compare by `code`. All are `UserError`s (an input, a token, a
 * repository setting, or GitHub itself); a bug throws a plain error.
 */
export const AlertsErrorCode = {
  /** The alerts handed in are malformed (a bad key, a duplicate key, a bad run URL). */
  Input: 'E_ALERTS_INPUT',
  /** The repository is not `owner/name`, or another option is malformed. */
  Options: 'E_ALERTS_OPTIONS',
  /** GitHub refused the token (401), or it lacks permission (403 without a rate limit). */
  Auth: 'E_ALERTS_AUTH',
  /** The repository does not exist or the token cannot see it (404). */
  NotFound: 'E_ALERTS_NOT_FOUND',
  /** Still rate limited (primary or secondary) after the allowed retries, or asked to wait too long. */
  RateLimited: 'E_ALERTS_RATE_LIMITED',
  /** GitHub refused the request (422 validation, 410 issues disabled, ...). */
  Api: 'E_ALERTS_API',
  /** No answer (network, timeout, 5xx) after the allowed retries. */
  Unreachable: 'E_ALERTS_UNREACHABLE',
} as const;

export type AlertsErrorCode = (typeof AlertsErrorCode)[keyof typeof AlertsErrorCode];
