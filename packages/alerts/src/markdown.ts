/**
 * Text from outside (error messages, log lines, file names, recipe values)
 * must not become markup in an issue: no HTML, no links or images, no
 * `@mentions` that notify people, no `#123` references, no fake Potions
 * markers. Two ways in: `markdownText` for a short inline value, and
 * `markdownCodeBlock` for anything longer (nothing renders inside a fenced
 * block, and its fence is always longer than any backtick run in the text).
 */

/** Control characters other than tab and newline; an issue has no use for them and a terminal escape hides text. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const ZERO_WIDTH_SPACE = '&#8203;';

/** Backslash-escapes every ASCII punctuation CommonMark gives a meaning to, except `#`, `@` and `&`, which are handled apart. */
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()+\-.!|~:]/g;

/**
 * One line of plain text, safe inside markdown: newlines become spaces,
 * `& < >` become entities, markdown punctuation is backslash-escaped, and a
 * zero-width space follows every `@` and `#` so that nobody is mentioned and
 * no issue is referenced.
 */
export function markdownText(text: string): string {
  return text
    .replace(CONTROL, '')
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_PUNCTUATION, '\\$&')
    .replace(/[@#]/g, `$&${ZERO_WIDTH_SPACE}`);
}

/**
 * Text shown as it is, in a fenced code block: nothing inside renders (no
 * HTML, no mentions, no links). The fence is one backtick longer than the
 * longest run of backticks in the text, so the text cannot close it.
 */
export function markdownCodeBlock(text: string, info = 'text'): string {
  const clean = text.replace(CONTROL, '').replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info.replace(/[^A-Za-z0-9+-]/g, '')}\n${clean}\n${fence}`;
}

/** An issue title: one line, no control characters, at most 256 characters (GitHub's limit). */
export function issueTitle(text: string): string {
  const line = text.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
  return line.length <= 256 ? line : `${line.slice(0, 255)}…`;
}

/** An http(s) URL fit for a markdown link target, or undefined when it is not one. */
export function linkTarget(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return url.toString().replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/ /g, '%20');
}
