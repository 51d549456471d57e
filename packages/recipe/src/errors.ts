/**
 * Codes of this package, in two kinds.
 *
 * `RecipeErrorCode`: what the functions of this package throw (a `UserError`
 * each); compare errors by `code`.
 *
 * `RecipeIssueCode`: what `recipes check` reports about a recipe, with file,
 * line and field: errors (`E_`) make the recipe unusable, warnings (`W_`) do
 * not. They name a rule of the recipe format, like a linter's rule names, and
 * are documented in docs/recipe-format.md. A file that cannot be read at all
 * in a folder becomes an issue with its `RecipeErrorCode` (`E_RECIPE_FILE`).
 */
export const RecipeErrorCode = {
  /** A recipe file over 1 MiB (never read). */
  TooLarge: 'E_RECIPE_TOO_LARGE',
  /** A recipe file that cannot be read: missing, a folder, a FIFO, no permission. */
  File: 'E_RECIPE_FILE',
  /** A path given to read recipes from does not exist, or holds no recipe. */
  Path: 'E_RECIPE_PATH',
  /** A recipe that has errors, used where a valid one is needed. */
  Invalid: 'E_RECIPE_INVALID',
  /** No recipe of that name among those read. */
  Unknown: 'E_RECIPE_UNKNOWN',
  /** Recipes that depend on each other in a circle. */
  Cycle: 'E_RECIPE_CYCLE',
  /** A version given for a plan that cannot be one (it becomes a file name). */
  Version: 'E_RECIPE_VERSION',
  /** The recipe does not list the platform asked for. */
  Platform: 'E_RECIPE_PLATFORM',
  /** The recipe lists the platform but has nothing to download for it. */
  NoDownload: 'E_RECIPE_NO_DOWNLOAD',
  /** Looking up versions failed (network, HTTP status, not the JSON expected). */
  VersionFetch: 'E_RECIPE_VERSION_FETCH',
  /** The version source answered, but nothing was left after extract_pattern, exclude_patterns and cleanup. */
  NoVersion: 'E_RECIPE_NO_VERSION',
} as const;

export type RecipeErrorCode = (typeof RecipeErrorCode)[keyof typeof RecipeErrorCode];

/** The rules a recipe is checked against; each is described in docs/recipe-format.md. */
export const RecipeIssueCode = {
  Yaml: 'E_YAML',
  Schema: 'E_SCHEMA',
  Missing: 'E_MISSING',
  Name: 'E_NAME',
  Version: 'E_VERSION',
  BuildType: 'E_BUILD_TYPE',
  Platform: 'E_PLATFORM',
  Platforms: 'E_PLATFORMS',
  PlatformKey: 'E_PLATFORM_KEY',
  PlatformValue: 'E_PLATFORM_VALUE',
  Placeholder: 'E_PLACEHOLDER',
  Url: 'E_URL',
  Regex: 'E_REGEX',
  Cleanup: 'E_CLEANUP',
  Words: 'E_WORDS',
  Download: 'E_DOWNLOAD',
  Conflict: 'E_CONFLICT',
  Signature: 'E_SIGNATURE',
  Fingerprint: 'E_FINGERPRINT',
  Path: 'E_PATH',
  SmokeTest: 'E_SMOKE_TEST',
  Dependency: 'E_DEPENDENCY',
  DuplicateName: 'E_DUPLICATE_NAME',
  Cycle: 'E_CYCLE',
  UnknownKey: 'W_UNKNOWN_KEY',
  FileName: 'W_FILE_NAME',
  Dangling: 'W_DANGLING',
  CleanupLegacy: 'W_CLEANUP_LEGACY',
  NoEffect: 'W_NO_EFFECT',
  NoInstall: 'W_NO_INSTALL',
  NoDownload: 'W_NO_DOWNLOAD',
  FixedUrl: 'W_FIXED_URL',
  SignatureUnchecked: 'W_SIGNATURE',
  Sha256: 'W_SHA256',
  Http: 'W_HTTP',
  Variable: 'W_VARIABLE',
  Duplicate: 'W_DUPLICATE',
  Unused: 'W_UNUSED',
  HomepageUrl: 'W_URL',
} as const;

export type RecipeIssueCode = (typeof RecipeIssueCode)[keyof typeof RecipeIssueCode];
