/**
 * Values from a recipe file are shown back to the user in messages and in the
 * terminal. A file can hold anything (binary garbage, escape sequences that
 * move the cursor or recolour the terminal, bidi overrides), so every value a
 * message quotes goes through `quote()`: JSON-style escapes for characters
 * that do not print, and a cut with an ellipsis so that one huge value cannot
 * flood the screen. (JSON.stringify alone leaves C1 controls, bidi overrides
 * and U+FFFD as they are, hence this small function.)
 */

/** Characters that do not print as themselves: controls, format (bidi), separators, private use, unassigned, U+FFFD. */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\uFFFD]/u;

/** Default length (in characters of the escaped text) a quoted value is cut to. */
export const QUOTE_MAX = 60;
/** URL templates are long by nature; they are cut later so the interesting end stays visible. */
export const TEMPLATE_QUOTE_MAX = 200;

function escapeChar(ch: string, quotes: boolean): string {
  if (!quotes && (ch === '"' || ch === '\\')) return ch;
  switch (ch) {
    case '"':
      return '\\"';
    case '\\':
      return '\\\\';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    default:
      break;
  }
  if (!NON_PRINTABLE.test(ch)) return ch;
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/** The text with JSON-style escapes for `"`, `\` and every non-printable character, cut to `max` characters (plus "…"). */
export function printable(text: string, max = Number.POSITIVE_INFINITY, quotes = true): string {
  let out = '';
  for (const ch of text) {
    const e = escapeChar(ch, quotes);
    if (out.length + e.length > max) return `${out}…`;
    out += e;
  }
  return out;
}

/** Free text (a parser's message) with its non-printable characters escaped; quotes and backslashes kept. */
export function sanitize(text: string, max = 300): string {
  return printable(text, max, false);
}

/** `"value"` with escapes, cut to about `max` characters: safe to print in a terminal. */
export function quote(text: string, max = QUOTE_MAX): string {
  return `"${printable(text, max)}"`;
}
