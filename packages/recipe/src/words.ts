/**
 * Shell-like word splitting without a shell, for `configure.flags`,
 * `configure.cmake_flags`, `build.make_args` and string smoke tests.
 *
 * Hand-written on purpose: libraries such as shell-quote also expand or
 * interpret operators, and we want the opposite: nothing is ever run or
 * expanded here. The rules:
 * - words are separated by runs of spaces, tabs and newlines (so a YAML `>-`
 *   folded block and a plain string split the same way);
 * - '...' keeps everything literally; "..." keeps everything but lets `\"` and
 *   `\\` escape; outside quotes a backslash escapes the next character;
 * - `;`, `|`, `&`, `<`, `>` and `$` are ordinary characters (llvm's
 *   `-DLLVM_ENABLE_PROJECTS=clang;lld` stays one word).
 */
export class WordSplitError extends Error {}

export function splitWords(input: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) {
        words.push(current);
        current = '';
        inWord = false;
      }
      i++;
      continue;
    }
    inWord = true;
    if (ch === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new WordSplitError(`unterminated single quote at character ${i + 1}`);
      current += input.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      i++;
      let closed = false;
      while (i < input.length) {
        const c = input[i] as string;
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === '\\' && (input[i + 1] === '"' || input[i + 1] === '\\')) {
          current += input[i + 1];
          i += 2;
          continue;
        }
        current += c;
        i++;
      }
      if (!closed) throw new WordSplitError('unterminated double quote');
      continue;
    }
    if (ch === '\\') {
      if (i + 1 >= input.length) throw new WordSplitError('trailing backslash');
      const next = input[i + 1] as string;
      // A backslash-newline joins lines, as in a shell.
      if (next !== '\n') current += next;
      i += 2;
      continue;
    }
    current += ch;
    i++;
  }
  if (inWord) words.push(current);
  return words;
}

/** A string is split into words; a list is taken as the words themselves. */
export function toWords(value: string | string[] | undefined | null): string[] {
  if (value === undefined || value === null) return [];
  return typeof value === 'string' ? splitWords(value) : [...value];
}

/**
 * The variables a build word may reference. They are expanded by the builder
 * (see `expandBuildVars`), never by a shell.
 */
export const BUILD_VARIABLES = ['PREFIX', 'JOBS'] as const;
export type BuildVariable = (typeof BUILD_VARIABLES)[number];

/** `$(nproc)` in old recipes means "the number of CPUs": read as `${JOBS}`. */
const LEGACY_NPROC = /\$\(nproc\)/g;
const VAR_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Rewrite legacy forms into `${NAME}` references; returns the word and any unknown references. */
export function normalizeBuildWord(word: string): { word: string; unknown: string[] } {
  const unknown: string[] = [];
  const replaced = word.replace(LEGACY_NPROC, '${JOBS}').replace(VAR_REF, (m, a?: string, b?: string) => {
    const name = (a ?? b) as string;
    if ((BUILD_VARIABLES as readonly string[]).includes(name)) return `\${${name}}`;
    unknown.push(name);
    return m;
  });
  if (/\$\(/.test(replaced) || /`/.test(replaced)) unknown.push(replaced.match(/\$\([^)]*\)?|`[^`]*`?/)?.[0] ?? '$(');
  return { word: replaced, unknown };
}

/** Expand `${PREFIX}`/`${JOBS}` in one normalized word; other text is kept byte for byte. */
export function expandBuildVars(word: string, vars: Record<BuildVariable, string>): string {
  return word.replace(/\$\{(PREFIX|JOBS)\}/g, (_m, name: BuildVariable) => vars[name]);
}
