/**
 * Reports as tables: one model that the CLI prints as aligned text (its
 * `formatTable`), an action writes to the job summary, and `markdownTables`
 * turns into GitHub-flavoured markdown. Shared by the metrics and costs reports.
 */
export interface ReportTable {
  title: string;
  headers: string[];
  rows: string[][];
  /** Sentences printed under the table. */
  notes: string[];
}

/** A cell safe inside a markdown table: pipes escaped, line breaks flattened. */
export function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function markdownTable(table: ReportTable, level = 3): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(markdownCell).join(' | ')} |`;
  const out = [`${'#'.repeat(level)} ${markdownCell(table.title)}`, ''];
  if (table.rows.length > 0) {
    out.push(line(table.headers), `|${table.headers.map(() => ' --- ').join('|')}|`, ...table.rows.map(line), '');
  }
  for (const note of table.notes) out.push(note, '');
  return out.join('\n');
}

export function markdownTables(tables: readonly ReportTable[], level = 3): string {
  return tables.map((t) => markdownTable(t, level)).join('\n');
}

/** `99.912%`: three decimals, enough to tell 99.9% from just below it. */
export function formatPercent(ratio: number | null): string {
  if (ratio === null) return 'no data';
  if (ratio === 1) return '100%';
  if (ratio === 0) return '0%';
  return `${(ratio * 100).toFixed(3)}%`;
}

export function formatSeconds(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return 'no data';
  return `${(ms / 1000).toFixed(2)} s`;
}


/** A short duration: `42 ms` under a second, else `1.25 s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return 'no data';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** `2,000,000`: digits grouped by thousands, the same in every locale. */
export function formatCount(n: number): string {
  const whole = Math.round(n);
  return `${whole < 0 ? '-' : ''}${String(Math.abs(whole)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}
