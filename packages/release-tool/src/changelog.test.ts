import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CHANGELOG_PREAMBLE, groupCommits, parseChangelog, releaseChangelog, renderChangelog, subjectMarkdown } from './changelog';

const sha = (n: number): string => String(n).repeat(40).slice(0, 40);

describe('parseChangelog / renderChangelog', () => {
  test('sections at ## headings, not inside fenced code; round trip', () => {
    const text = '# Changelog\n\nIntro.\n\n## [Unreleased]\n\n- a\n\n```md\n## not a heading\n```\n\n## [1.2.0] - 2026-01-02\n\n- b\n\n## 1.1.0\n\n- c\n';
    const c = parseChangelog(text);
    expect(c.preamble).toBe('# Changelog\n\nIntro.');
    expect(c.sections.map((s) => [s.heading, s.version, s.unreleased])).toEqual([
      ['## [Unreleased]', undefined, true],
      ['## [1.2.0] - 2026-01-02', '1.2.0', false],
      ['## 1.1.0', '1.1.0', false],
    ]);
    expect(c.sections[0]?.body).toBe('- a\n\n```md\n## not a heading\n```');
    expect(renderChangelog(c)).toBe(text);
  });
});

describe('groupCommits', () => {
  test('conventional types (breaking first), this repository\'s scopes, and the rest', () => {
    const groups = groupCommits([
      { sha: sha(1), subject: 'cdn: purge by prefix' },
      { sha: sha(2), subject: 'fix(sign): keyless on forks' },
      { sha: sha(3), subject: 'feat!: drop node 20' },
      { sha: sha(4), subject: 'core, recipe: one code union' },
      { sha: sha(5), subject: 'Merge branch x' },
      { sha: sha(6), subject: 'cdn: cache rules' },
      { sha: sha(7), subject: 'feat: withdraw a release' },
    ]);
    expect(groups.map((g) => [g.title, g.entries.map((e) => e.text)])).toEqual([
      ['Breaking changes', ['drop node 20']],
      ['Features', ['withdraw a release']],
      ['Fixes', ['sign: keyless on forks']],
      ['cdn', ['purge by prefix', 'cache rules']],
      ['core, recipe', ['one code union']],
      ['Other', ['Merge branch x']],
    ]);
  });

  test('subjects keep their code spans; < and > outside them are escaped', () => {
    expect(subjectMarkdown('uses: <name>/action.yml and `a <b>`\u0007')).toBe('uses: \\<name\\>/action.yml and `a <b>` ');
  });
});

describe('releaseChangelog', () => {
  const base = { version: '1.1.0', date: '2026-07-20', commits: [{ sha: sha(1), subject: 'cdn: purge' }], previousTag: 'v1.0.0' };

  test('no CHANGELOG.md yet: one is made with the default preamble', () => {
    const out = releaseChangelog({ ...base, version: '1.0.0', previousTag: undefined });
    expect(out.text).toMatch(/^# Changelog\n\nEvery release of Potions Actions/);
    expect(out.text).toContain(`## [Unreleased]\n\n## [1.0.0] - 2026-07-20\n\n### Commits\n\n**cdn**\n\n- purge (${sha(1).slice(0, 7)})\n`);
    expect(out.notesMoved).toBe(0);
  });

  test('notes move under the version, the template comment stays; history comes from both files', () => {
    const current = '# Log\n\n## [Unreleased]\n\n<!-- write notes here -->\n\n- New: withdraw.\n- Old: shipped before.\n\n## [0.9.0] - 2025-01-01\n\n- ancient\n';
    const previous = '# Log\n\n## [Unreleased]\n\n## [1.0.0] - 2026-07-01\n\n- Old: shipped before.\n\n## [0.9.0] - 2025-01-01\n\n- ancient (as released)\n';
    const out = releaseChangelog({ ...base, current, previous });
    expect(out.notesDropped).toEqual(['- Old: shipped before.']);
    expect(out.notesMoved).toBe(1);
    expect(out.text).toBe(
      [
        '# Log',
        '',
        '## [Unreleased]',
        '',
        '<!-- write notes here -->',
        '',
        '## [1.1.0] - 2026-07-20',
        '',
        '- New: withdraw.',
        '',
        '### Commits since v1.0.0',
        '',
        '**cdn**',
        '',
        `- purge (${sha(1).slice(0, 7)})`,
        '',
        '## [1.0.0] - 2026-07-01',
        '',
        '- Old: shipped before.',
        '',
        '## [0.9.0] - 2025-01-01',
        '',
        '- ancient',
        '',
      ].join('\n'),
    );
    expect(out.section).toBe(`## [1.1.0] - 2026-07-20\n\n- New: withdraw.\n\n### Commits since v1.0.0\n\n**cdn**\n\n- purge (${sha(1).slice(0, 7)})`);
  });

  test('a section written by hand for this version becomes its notes; no commits is said', () => {
    const current = '# Log\n\n## [Unreleased]\n\n## [1.1.0]\n\nHand-written.\n';
    const out = releaseChangelog({ ...base, commits: [], current });
    expect(out.section).toBe('## [1.1.0] - 2026-07-20\n\nHand-written.\n\nNo commits since v1.0.0.');
    expect(out.text.match(/## \[1\.1\.0\]/g)).toHaveLength(1);
  });
});

test("this repository's CHANGELOG.md is one the tool takes: the preamble and an [Unreleased] section", async () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const c = parseChangelog(await readFile(path.join(root, 'CHANGELOG.md'), 'utf8'));
  expect(c.preamble).toBe(DEFAULT_CHANGELOG_PREAMBLE);
  expect(c.sections[0]?.unreleased).toBe(true);
});
