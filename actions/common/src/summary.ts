import * as core from '@actions/core';

/** Append a headed table to the job summary; a no-op outside GitHub (no summary file). */
export async function writeSummaryTable(heading: string, headers: string[], rows: string[][], notes: string[] = []): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const summary = core.summary
    .addHeading(heading, 3)
    .addTable([headers.map((h) => ({ data: h, header: true })), ...rows]);
  for (const note of notes) summary.addRaw(`\n${note}\n`);
  await summary.write();
}
