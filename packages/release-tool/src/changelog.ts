/**
 * CHANGELOG.md, in the shape of keepachangelog.com: a preamble, a
 * `## [Unreleased]` section of hand-written notes, then one `## [X.Y.Z] - DATE`
 * section per release, newest first. A cut moves the notes under the new
 * version and adds the commit subjects since the previous release, grouped.
 * Pure functions: the planner reads the files and the commits.
 */
import semver from 'semver';
import type { CommitSubject } from './repository';

export const CHANGELOG_FILE = 'CHANGELOG.md';

export const DEFAULT_CHANGELOG_PREAMBLE = [
  '# Changelog',
  '',
  'Every release of Potions Actions, newest first. A release is the tag `vX.Y.Z`; the tag `vX`',
  'points at the newest release of major X. How releases are cut and rolled back: docs/releasing.md.',
].join('\n');

export interface ChangelogSection {
  /** The `## ...` line. */
  heading: string;
  /** `X.Y.Z` for a release section. */
  version?: string;
  unreleased: boolean;
  /** Everything up to the next `## ` heading, trimmed. */
  body: string;
}

export interface Changelog {
  preamble: string;
  sections: ChangelogSection[];
}

const UNRELEASED = /^##\s+\[?\s*unreleased\s*\]?\s*$/i;
const RELEASED = /^##\s+\[?v?(\d+\.\d+\.\d+)\]?/;

/** Split a changelog at its `## ` headings (not those inside fenced code). */
export function parseChangelog(text: string): Changelog {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const preamble: string[] = [];
  const sections: { heading: string; lines: string[] }[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const f = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (f && (fence === undefined || f.startsWith(fence))) fence = fence === undefined ? f : undefined;
    if (fence === undefined && /^##\s/.test(line)) {
      sections.push({ heading: line.trimEnd(), lines: [] });
    } else {
      (sections.at(-1)?.lines ?? preamble).push(line);
    }
  }
  return {
    preamble: preamble.join('\n').trim(),
    sections: sections.map((s) => {
      const version = RELEASED.exec(s.heading)?.[1];
      return {
        heading: s.heading,
        ...(version && semver.valid(version) ? { version } : {}),
        unreleased: UNRELEASED.test(s.heading),
        body: s.lines.join('\n').trim(),
      };
    }),
  };
}

export function renderChangelog(c: Changelog): string {
  const parts = [c.preamble, ...c.sections.map((s) => (s.body ? `${s.heading}\n\n${s.body}` : s.heading))].filter(Boolean);
  return `${parts.join('\n\n')}\n`;
}

export interface CommitGroup {
  title: string;
  entries: { text: string; sha: string }[];
}

const CONVENTIONAL: Record<string, string> = {
  feat: 'Features',
  fix: 'Fixes',
  perf: 'Performance',
  revert: 'Reverts',
  docs: 'Documentation',
  refactor: 'Refactoring',
  test: 'Tests',
  build: 'Build and CI',
  ci: 'Build and CI',
  chore: 'Chores',
  style: 'Style',
};
const CONVENTIONAL_ORDER = ['Breaking changes', ...new Set(Object.values(CONVENTIONAL))];
const OTHER = 'Other';

/**
 * Group commit subjects: Conventional Commits (`fix(scope)!: ...`) by their
 * type, breaking ones first; this repository's `scope: ...` subjects by scope
 * (`cdn`, `core, recipe`); anything else under "Other". Groups keep the
 * commits' order (oldest first).
 */
export function groupCommits(commits: readonly CommitSubject[]): CommitGroup[] {
  const groups = new Map<string, CommitGroup>();
  const add = (title: string, text: string, sha: string): void => {
    const g = groups.get(title) ?? { title, entries: [] };
    g.entries.push({ text, sha });
    groups.set(title, g);
  };
  for (const c of commits) {
    const conventional = /^(\w+)(?:\(([^)]{1,40})\))?(!)?:\s+(.+)$/.exec(c.subject);
    const type = conventional?.[1]?.toLowerCase();
    if (conventional && type && CONVENTIONAL[type]) {
      const text = conventional[2] ? `${conventional[2]}: ${conventional[4]}` : (conventional[4] as string);
      add(conventional[3] ? 'Breaking changes' : (CONVENTIONAL[type] as string), text, c.sha);
      continue;
    }
    const scoped = /^([\w./@-]+(?:,\s*[\w./@-]+)*):\s+(.+)$/.exec(c.subject);
    if (scoped && (scoped[1] as string).length <= 40) add((scoped[1] as string).replace(/,\s*/g, ', '), scoped[2] as string, c.sha);
    else add(OTHER, c.subject, c.sha);
  }
  const rank = (title: string): number => {
    const i = CONVENTIONAL_ORDER.indexOf(title);
    return i >= 0 ? i : title === OTHER ? 1000 : 100;
  };
  return [...groups.values()].sort((a, b) => rank(a.title) - rank(b.title) || a.title.localeCompare(b.title));
}

/**
 * A subject as Markdown text: control characters out, and `<` `>` outside
 * code spans escaped so that `<name>` shows instead of vanishing as an HTML
 * tag. Written here because the subjects are our own commits (no other
 * escaping is wanted: their backticks and emphasis are meant).
 */
export function subjectMarkdown(subject: string): string {
  const clean = subject.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean
    .split(/(`+[^`]*`+)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[<>]/g, '\\$&')))
    .join('');
}

export function renderCommitGroups(groups: readonly CommitGroup[]): string {
  return groups
    .map((g) => [`**${g.title}**`, '', ...g.entries.map((e) => `- ${subjectMarkdown(e.text)} (${e.sha.slice(0, 7)})`)].join('\n'))
    .join('\n\n');
}

export interface ReleaseChangelogInput {
  /** `X.Y.Z`. */
  version: string;
  /** `YYYY-MM-DD`. */
  date: string;
  /** Commits since the previous release, oldest first. */
  commits: readonly CommitSubject[];
  /** The previous release's tag (`v1.0.0`), if there is one. */
  previousTag?: string;
  /** CHANGELOG.md at the commit released, if it has one. */
  current?: string;
  /** CHANGELOG.md of the previous release, if it has one: the record of what was released. */
  previous?: string;
}

export interface ReleaseChangelog {
  /** The whole new CHANGELOG.md. */
  text: string;
  /** The new release's section, heading included (also the tag's message). */
  section: string;
  /** Hand-written lines moved from `## [Unreleased]` into the release. */
  notesMoved: number;
  /** List items of `## [Unreleased]` left out because an earlier release already lists them. */
  notesDropped: string[];
}

/** HTML comments stay in `## [Unreleased]` (a template for the next notes); everything else is a note. */
function splitTemplate(body: string): { template: string; notes: string } {
  const template: string[] = [];
  const notes = body.replace(/<!--[\s\S]*?-->/g, (c) => {
    template.push(c);
    return '';
  });
  return { template: template.join('\n'), notes: notes.replace(/\n{3,}/g, '\n\n').trim() };
}

const ITEM = /^\s*[-*+]\s+(.*\S)\s*$/;

/**
 * The CHANGELOG.md of a release: the released sections of both files (the
 * commit's and the previous release's, so that history is kept whether or not
 * the last release's changelog was merged back), the notes of
 * `## [Unreleased]` and the commit subjects under the new version, and an
 * empty `## [Unreleased]` above it.
 */
export function releaseChangelog(input: ReleaseChangelogInput): ReleaseChangelog {
  const current = parseChangelog(input.current ?? `${DEFAULT_CHANGELOG_PREAMBLE}\n\n## [Unreleased]\n`);
  const previous = input.previous ? parseChangelog(input.previous) : undefined;

  const released = new Map<string, ChangelogSection>();
  const opaque: ChangelogSection[] = [];
  for (const s of [...current.sections, ...(previous?.sections ?? [])]) {
    if (s.unreleased) continue;
    if (!s.version) {
      if (previous?.sections.includes(s)) continue;
      opaque.push(s);
    } else if (!released.has(s.version)) {
      released.set(s.version, s);
    }
  }
  // A section for this very version written by hand: its text is notes of the release.
  const handWritten = released.get(input.version);
  released.delete(input.version);

  const unreleased = current.sections.find((s) => s.unreleased);
  const { template, notes: unreleasedNotes } = splitTemplate(unreleased?.body ?? '');
  const known = new Set<string>();
  for (const s of released.values()) for (const line of s.body.split('\n')) if (ITEM.test(line)) known.add(line.trim());
  const notesDropped: string[] = [];
  const kept = unreleasedNotes.split('\n').filter((line) => {
    if (ITEM.test(line) && known.has(line.trim())) {
      notesDropped.push(line.trim());
      return false;
    }
    return true;
  });
  const notes = [kept.join('\n').trim(), handWritten?.body ?? ''].filter(Boolean).join('\n\n');

  const since = input.previousTag ? ` since ${input.previousTag}` : '';
  const commitsBlock = input.commits.length
    ? `### Commits${since}\n\n${renderCommitGroups(groupCommits(input.commits))}`
    : `No commits${since}.`;
  const heading = `## [${input.version}] - ${input.date}`;
  const body = [notes, commitsBlock].filter(Boolean).join('\n\n');
  const newSection: ChangelogSection = { heading, version: input.version, unreleased: false, body };

  const ordered = [...released.values()].sort((a, b) => semver.rcompare(a.version as string, b.version as string));
  const text = renderChangelog({
    preamble: current.preamble || DEFAULT_CHANGELOG_PREAMBLE,
    sections: [{ heading: unreleased?.heading ?? '## [Unreleased]', unreleased: true, body: template }, newSection, ...ordered, ...opaque],
  });
  return {
    text,
    section: `${heading}\n\n${body}`,
    notesMoved: kept.filter((l) => l.trim()).length + (handWritten?.body ? handWritten.body.split('\n').filter((l) => l.trim()).length : 0),
    notesDropped,
  };
}
