import { escapeControlChars } from '@potions/core';

/** Exit codes every command shares. */
export const ExitCode = {
  Ok: 0,
  /** The work failed, or the input has errors (a recipe defect, a failed download). */
  Failure: 1,
  /** The command line itself was wrong: an unknown option, a missing argument, an option value of the wrong form (`E_USAGE`). */
  Usage: 2,
  /** A bug in Potions. */
  Internal: 70,
} as const;

/**
 * Print human text on stderr (stdout is for `--json`), one line or several,
 * with control characters shown as escapes (`escapeControlChars`): names and
 * messages from files and servers cannot drive the terminal.
 */
export function printHuman(text: string): void {
  process.stderr.write(`${escapeControlChars(text)}\n`);
}

/** Print one JSON document on stdout (human output goes to stderr). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A plain-text table with aligned columns, for terminals and logs. Cells are
 * data (file names, mirror errors, a sync-result file): their control
 * characters are shown as escapes (`escapeControlChars`).
 */
export function formatTable(headers: string[], rawRows: string[][]): string {
  const rows = rawRows.map((r) => r.map(escapeControlChars));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const JSON_REPORTED = Symbol.for('potions.cli.jsonReported');

/**
 * A command that printed its own, richer `{ "ok": false, ... }` document marks
 * the error it then throws, so that `run()` does not print a second one.
 */
export function jsonReported<E>(err: E): E {
  if (typeof err === 'object' && err !== null) (err as Record<symbol, unknown>)[JSON_REPORTED] = true;
  return err;
}

export function isJsonReported(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[JSON_REPORTED] === true;
}
