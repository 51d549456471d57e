/** Exit codes every command shares. */
export const ExitCode = {
  Ok: 0,
  /** The work failed, or the input has errors (a recipe defect, a failed download). */
  Failure: 1,
  /** The command line itself was wrong. */
  Usage: 2,
  /** A bug in Potions. */
  Internal: 70,
} as const;

/** Print one JSON document on stdout (human output goes to stderr). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain-text table with aligned columns, for terminals and logs. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
