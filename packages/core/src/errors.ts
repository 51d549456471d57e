/**
 * Errors shared by every package.
 *
 * A `UserError` is a mistake the user can fix (a recipe, an input, a
 * configuration): the CLI and the actions print its message without a stack
 * trace. Anything else is a bug and is reported with a hint to file an issue.
 * Compare errors by `code`, never with `instanceof`: bundled actions can hold
 * two copies of a class.
 */
/** Every error code this package throws; compare errors by `code`. */
export const CoreErrorCode = {
  /** A platform name that is not one of the four (`assertPlatform`). */
  UnknownPlatform: 'E_CORE_PLATFORM',
  /** A build metadata file (`<artifact>.json`) that cannot be read or is not what the builder writes. */
  ArtifactMetadata: 'E_CORE_ARTIFACT_METADATA',
} as const;

export type CoreErrorCode = (typeof CoreErrorCode)[keyof typeof CoreErrorCode];

export class PotionsError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Where in a file a problem is: the CLI prints `file:line field`. */
export interface SourceLocation {
  file?: string;
  line?: number;
  /** Field path such as `download.platforms.linux-amd64.suffix`. */
  field?: string;
}

export class UserError extends PotionsError {
  readonly userError = true as const;
  readonly location?: SourceLocation;
  /** What to do about it, printed after the message. */
  readonly hint?: string;
  constructor(
    code: string,
    message: string,
    options?: { cause?: unknown; location?: SourceLocation; hint?: string },
  ) {
    super(code, message, options);
    this.location = options?.location;
    this.hint = options?.hint;
  }
}

/**
 * The same user error with another hint: how an edge (a CLI command, an
 * action) names its own flags or inputs, which library messages never do.
 * Code, message, location and every other field the error carries (a
 * download's mirrors, its partial file) stay as they were; the original is
 * the cause.
 */
export function withHint(err: UserError, hint: string | undefined): UserError {
  const out = new UserError(err.code, err.message, { cause: err, location: err.location, hint });
  for (const [key, value] of Object.entries(err)) {
    if (!Object.prototype.hasOwnProperty.call(out, key)) (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** True for a user's mistake, also across bundled copies of this module. */
export function isUserError(err: unknown): err is UserError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { userError?: unknown }).userError === true &&
    typeof (err as { code?: unknown }).code === 'string'
  );
}

export function hasCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc) return '';
  const where = [loc.file, loc.line !== undefined ? String(loc.line) : undefined]
    .filter((p) => p !== undefined)
    .join(':');
  return [where, loc.field].filter(Boolean).join(' ');
}

/** One line (or a few) for a person: location, message, hint; a bug gets a report hint. */
export function describeError(err: unknown): string {
  if (isUserError(err)) {
    const where = formatLocation(err.location);
    const head = where ? `${where}: ${err.message}` : err.message;
    return err.hint ? `${head}\n  hint: ${err.hint}` : head;
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return `internal error (a bug in Potions; please report it with this output):\n${message}`;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
