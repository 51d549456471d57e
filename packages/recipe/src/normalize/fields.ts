import type { Sha256Pin } from '../model';
import { quote } from '../quote';

/** A pinned digest as written (one for every version, or a map version -> digest), lower-cased. */
export function pinOf(raw: string | Record<string, string> | undefined): Sha256Pin | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return raw.toLowerCase();
  return Object.fromEntries(Object.entries(raw).map(([v, d]) => [v, d.toLowerCase()]));
}

/** What is wrong with a path that must stay inside a folder, as a message about the value; undefined when fine. */
export function relativePathProblem(p: string): string | undefined {
  if (p === '') return 'the path is empty';
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return `${quote(p)} must be a relative path`;
  if (p.split(/[\\/]/).includes('..')) return `${quote(p)} must not contain ".."`;
  if (/[\0\n\r]/.test(p)) return `${quote(p)} contains a control character`;
  return undefined;
}

/** A script that is only white space is no script. */
export function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s;
}
