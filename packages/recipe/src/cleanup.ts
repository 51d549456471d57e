/**
 * `version.cleanup`: turns a tag or a matched string into the version.
 *
 * The corpus uses these forms (see docs/recipe-format.md):
 * - `find:replace`: replace every `find` with `replace` (`v:` strips "v",
 *   `_:.` turns `8_11_1` into `8.11.1`);
 * - sed substitutions `s/re/repl/flags` with any separator (`s|kustomize/v||`),
 *   `g` for every match, otherwise the first only;
 * - several rules joined by `;` (`s/R_//g;s/_/./g`, `s/v//;+:%2B`);
 * - the legacy prefix-and-extension form `tree-:.tgz` (a replacement that is
 *   a file extension): remove both `tree-` and `.tgz`. Read that way because
 *   replacing `tree-` with `.tgz` can never yield a version; check warns.
 */
import { quote, sanitize } from './quote';
export type CleanupRule =
  | { kind: 'replace'; find: string; replace: string; text: string }
  | { kind: 'remove'; strings: string[]; text: string }
  | { kind: 'sed'; pattern: string; replacement: string; global: boolean; text: string };

export class CleanupError extends Error {}

const EXTENSION = /^\.[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

/** Split on `;` outside sed expressions. */
function splitRules(text: string): string[] {
  const rules: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === 's' && text.length > i + 1 && !/[A-Za-z0-9\s\\:]/.test(text[i + 1] as string)) {
      // A sed expression: s<sep>pattern<sep>replacement<sep>flags
      const sep = text[i + 1] as string;
      let j = i + 2;
      let seps = 0;
      while (j < text.length && seps < 2) {
        if (text[j] === '\\') j += 2;
        else {
          if (text[j] === sep) seps++;
          j++;
        }
      }
      if (seps < 2) throw new CleanupError(`sed expression ${quote(text.slice(i))} needs three ${quote(sep)} separators`);
      while (j < text.length && /[gI0-9]/.test(text[j] as string)) j++;
      rules.push(text.slice(i, j));
      if (j < text.length && text[j] !== ';') {
        throw new CleanupError(`unexpected ${quote(text.slice(j))} after sed expression ${quote(text.slice(i, j))}`);
      }
      i = j + 1;
    } else {
      const end = text.indexOf(';', i);
      const stop = end < 0 ? text.length : end;
      rules.push(text.slice(i, stop));
      i = stop + 1;
    }
  }
  return rules.filter((r) => r.trim() !== '');
}

function parseSed(text: string): CleanupRule {
  const sep = text[1] as string;
  const parts: string[] = [];
  let cur = '';
  for (let i = 2; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      const n = text[i + 1] as string;
      // An escaped separator is the separator itself; other escapes stay for the regex.
      cur += n === sep ? n : `\\${n}`;
      i++;
    } else if (c === sep && parts.length < 2) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  if (parts.length < 2) throw new CleanupError(`sed expression ${quote(text)} needs three ${quote(sep)} separators`);
  const flags = cur;
  const [pattern = '', replacement = ''] = parts;
  try {
    new RegExp(pattern);
  } catch (err) {
    throw new CleanupError(`invalid regular expression ${quote(pattern)} in ${quote(text)}: ${sanitize((err as Error).message, 120)}`);
  }
  if (/[^gI0-9]/.test(flags)) throw new CleanupError(`unknown sed flags ${quote(flags)} in ${quote(text)}`);
  // sed's `&` and `\1` become JavaScript's `$&` and `$1`; a literal `$` is escaped.
  const jsReplacement = replacement
    .replace(/\$/g, '$$$$')
    .replace(/\\([1-9])/g, '$$$1')
    .replace(/(^|[^\\])&/g, '$1$$&')
    .replace(/\\&/g, '&');
  return { kind: 'sed', pattern, replacement: jsReplacement, global: flags.includes('g'), text };
}

export function parseCleanup(text: string | undefined): CleanupRule[] {
  if (!text) return [];
  return splitRules(text).map((rule): CleanupRule => {
    if (/^s[^A-Za-z0-9\s\\:]/.test(rule)) return parseSed(rule);
    const colon = rule.indexOf(':');
    if (colon < 0) {
      throw new CleanupError(`${quote(rule)} is neither "find:replace" nor a sed expression "s/pattern/replacement/"`);
    }
    const find = rule.slice(0, colon);
    const replace = rule.slice(colon + 1);
    if (find === '') throw new CleanupError(`${quote(rule)} has nothing to find before ":"`);
    if (EXTENSION.test(replace)) return { kind: 'remove', strings: [find, replace], text: rule };
    return { kind: 'replace', find, replace, text: rule };
  });
}

export function applyCleanup(value: string, rules: readonly CleanupRule[]): string {
  let out = value;
  for (const rule of rules) {
    if (rule.kind === 'replace') out = out.split(rule.find).join(rule.replace);
    else if (rule.kind === 'remove') for (const s of rule.strings) out = out.split(s).join('');
    else out = out.replace(new RegExp(rule.pattern, rule.global ? 'g' : ''), rule.replacement);
  }
  return out.trim();
}
