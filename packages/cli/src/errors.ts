/** Every error code the CLI itself throws; compare errors by `code`. */
export const CliErrorCode = {
  /** A wrong command line: an unknown option, a missing argument, an option value of the wrong form (exit 2). */
  Usage: 'E_USAGE',
  /** A path the user gave that cannot be used as asked: not a folder, a folder, no permission, too long (exit 1). */
  Path: 'E_CLI_PATH',
  /** `potions doctor --require TYPE`: a program that build type needs is missing on this machine (exit 1). */
  HostToolsMissing: 'E_CLI_HOST_TOOLS_MISSING',
} as const;

export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];
