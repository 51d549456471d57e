import * as core from '@actions/core';

/**
 * `text` safe to put in the job summary's HTML: the summary is rendered as
 * Markdown with inline HTML, and its values come from recipes, inputs, file
 * names and error messages, so `<img src=x onerror=...>` must stay text.
 */
export function escapeSummaryHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Append a headed table to the job summary; a no-op outside GitHub (no summary
 * file). Every heading, cell and note is escaped (notes keep their Markdown:
 * `**bold**` and `` `code` `` still render; HTML does not). An empty cell is
 * written as an empty `<td></td>` (`@actions/core` would leave it unclosed).
 */
export async function writeSummaryTable(heading: string, headers: string[], rows: string[][], notes: string[] = []): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const cell = (tag: 'th' | 'td', text: string): string => `<${tag}>${escapeSummaryHtml(text)}</${tag}>`;
  const table = [
    '<table>',
    `<tr>${headers.map((h) => cell('th', h)).join('')}</tr>`,
    ...rows.map((r) => `<tr>${r.map((c) => cell('td', c)).join('')}</tr>`),
    '</table>',
  ].join('');
  const summary = core.summary.addHeading(escapeSummaryHtml(heading), 3).addRaw(table, true);
  for (const note of notes) summary.addRaw(`\n${escapeSummaryHtml(note)}\n`);
  await summary.write();
}
