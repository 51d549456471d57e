import { Command, CommanderError } from 'commander';
import { describeError, errorMessage, formatLocation, isUserError } from '@potions/core';
import { registerCommands } from './commands/index';
import { USAGE_ERROR } from './options';
import { ExitCode, isJsonReported, printJson } from './output';

/** Build the `potions` program. Commands live in `commands/`, one file per command group. */
export function createProgram(): Command {
  const program = new Command('potions')
    .description('Build, verify, sign and distribute pre-compiled developer tools')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Run the CLI; returns the process exit code instead of exiting, so tests can call it. */
export async function run(argv: string[]): Promise<number> {
  const program = createProgram();
  // Commands set process.exitCode for "ran, but found problems"; start each run clean.
  process.exitCode = undefined;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage mistakes with 2.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    // With --json, stdout always holds one document, also when the command failed.
    if (argv.includes('--json') && !isJsonReported(err)) {
      printJson(
        isUserError(err)
          ? { ok: false, error: err.message, code: err.code, where: formatLocation(err.location) || undefined, hint: err.hint }
          : { ok: false, error: errorMessage(err), code: 'E_INTERNAL' },
      );
    }
    process.stderr.write(`error: ${describeError(err)}\n`);
    // A wrong command line (an option value of the wrong form, ambiguous arguments) exits like commander's own parse errors.
    if (!isUserError(err)) return ExitCode.Internal;
    return err.code === USAGE_ERROR ? ExitCode.Usage : ExitCode.Failure;
  }
}
