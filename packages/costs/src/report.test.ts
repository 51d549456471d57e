import { costsReport, costsReportMarkdown, costsReportTables, formatUsd } from './report';
import { sampleCostInput } from './testing';

const now = () => new Date('2026-11-30T00:00:00.000Z');

describe('costsReport', () => {
  const scenarios = [
    { kind: 'archive', olderThanDays: 90, storageClass: 'STANDARD_IA', mirrors: ['r2'] },
    { kind: 'keep-last', versions: 3 },
    { kind: 'move', mirror: 'wasabi', provider: 'r2' },
  ] as const;

  it('gives the estimate, storage per package, savings and the age of the prices', () => {
    const report = costsReport(sampleCostInput(), { scenarios, now });
    expect(report.generatedAt).toBe('2026-11-30T00:00:00.000Z');
    expect(report.estimate.mirrors.map((m) => m.mirror)).toEqual(['r2', 'wasabi']);
    expect(report.packages.map((p) => p.package)).toEqual(['hello', 'terraform', 'ripgrep', 'jq']);
    expect(report.packages[0]).toMatchObject({ versions: 5, objects: 80 });
    expect(report.savings.map((s) => s.title)).toEqual([
      'Move objects older than 90 days to STANDARD_IA on r2',
      'Delete all but the newest 3 versions of each package',
      'Move mirror wasabi to r2',
    ]);
    expect(report.prices).toEqual({
      ages: [
        expect.objectContaining({ provider: 'wasabi', ageDays: 0, verified: false }),
        expect.objectContaining({ provider: 'r2', ageDays: 0 }),
        expect.objectContaining({ provider: 's3', ageDays: 0 }),
      ],
      stale: false,
      unverified: ['wasabi', 'r2', 's3'],
    });
  });

  it('prints tables for the terminal and a markdown job summary, the same for the same input', () => {
    const report = costsReport(sampleCostInput(), { scenarios, now });
    const tables = costsReportTables(report);
    expect(tables.map((t) => t.title)).toEqual(['Monthly cost per mirror', 'Cost lines', 'Storage and bandwidth per provider', 'Storage per package', 'What a change would save']);
    const perMirror = tables[0]!;
    expect(perMirror.rows.map((r) => r[0])).toEqual(['r2', 'wasabi', 'total']);
    expect(perMirror.rows[0]![1]).toBe('Cloudflare R2');
    expect(perMirror.notes.join('\n')).toContain('Not yet checked against the live pricing pages: wasabi, r2, s3.');
    const md = costsReportMarkdown(report);
    expect(md.startsWith('## Storage cost\n\n### Monthly cost per mirror\n\n| mirror | provider | objects | stored |')).toBe(true);
    expect(md).toContain('| Move mirror wasabi to r2 |');
    expect(costsReportMarkdown(costsReport(sampleCostInput(), { scenarios, now }))).toBe(md);
  });
});

describe('formatUsd', () => {
  it.each([
    [12.345, '$12.35'],
    [0, '$0.00'],
    [0.004, '< $0.01'],
    [-3, '-$3.00'],
    [-0.001, '> -$0.01'],
    [null, 'not priced'],
  ])('%p is %p', (usd, text) => {
    expect(formatUsd(usd)).toBe(text);
  });
});
