import { Command } from 'commander';
import { describeError, errorMessage, escapeControlChars, formatLocation, isUserError, type UserError } from '@potions/core';
import { registerCommands, type RegisterCommands } from './commands/index';
import { CliErrorCode } from './errors';
import { environmentPathError } from './fs-errors';
import { ExitCode, isJsonReported, printJson } from './output';

export interface RunOptions {
  /** Register these commands instead of the groups of `commands/` (tests: a command with test dependencies). */
  register?: RegisterCommands;
}

/**
 * Build the `potions` program for this command line. Commands live in
 * `commands/`, one file per command group; only the group the command line
 * names is imported (see commands/index.ts).
 */
export async function createProgram(argv: readonly string[], options: RunOptions = {}): Promise<Command> {
  const program = new Command('potions')
    .description('Build, verify, sign and distribute pre-compiled developer tools')
    .showHelpAfterError()
    // Commander's own messages quote what was typed (an unknown option, a bad value): shown escaped.
    .configureOutput({ outputError: (text, write) => write(escapeControlChars(text)) })
    .exitOverride();
  if (options.register) options.register(program);
  else await registerCommands(program, argv);
  return program;
}

/** Commander's own errors (usage, --help), told by code: a bundle may hold another copy of its class. */
interface CommanderFailure {
  code: string;
  exitCode: number;
  message: string;
}

function isCommanderError(err: unknown): err is CommanderFailure {
  const e = err as Partial<CommanderFailure> | null;
  return typeof e === 'object' && e !== null && typeof e.code === 'string' && e.code.startsWith('commander.') && typeof e.exitCode === 'number';
}

/** Run the CLI; returns the process exit code instead of exiting, so tests can call it. */
export async function run(argv: string[], options: RunOptions = {}): Promise<number> {
  // Commands set process.exitCode for "ran, but found problems"; start each run clean.
  process.exitCode = undefined;
  const json = argv.includes('--json');
  try {
    const program = await createProgram(argv, options);
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
  } catch (err) {
    if (isCommanderError(err)) {
      // --help ends here with code 0; usage mistakes with 2, after commander printed the message (and the help).
      if (err.exitCode === 0) return ExitCode.Ok;
      if (json) printJson({ ok: false, error: err.message.replace(/^error: /, ''), code: CliErrorCode.Usage });
      return ExitCode.Usage;
    }
    const failure: unknown = isUserError(err) ? err : (environmentPathError(err) ?? err);
    // With --json, stdout always holds one document, also when the command failed.
    if (json && !isJsonReported(err)) printJson(failureJson(failure));
    process.stderr.write(`error: ${escapeControlChars(describeError(failure))}\n`);
    if (!isUserError(failure)) return ExitCode.Internal;
    // A wrong command line (an option value of the wrong form, ambiguous arguments) exits like commander's own parse errors.
    return failure.code === CliErrorCode.Usage ? ExitCode.Usage : ExitCode.Failure;
  }
}

function failureJson(err: unknown): Record<string, unknown> {
  if (!isUserError(err)) return { ok: false, error: errorMessage(err), code: 'E_INTERNAL' };
  const e: UserError = err;
  return { ok: false, error: e.message, code: e.code, where: formatLocation(e.location) || undefined, hint: e.hint };
}
