/**
 * Links to the documentation, for messages and hints. They are absolute so
 * that they work where a message ends up: a terminal, a workflow annotation,
 * a job summary. The base is here and nowhere else.
 */
export const DOCS_BASE_URL = 'https://github.com/potions/actions/blob/main/docs/';

/** A page of `docs/` (`recipe-format.md`), optionally at a heading's anchor (`security`). */
export function docUrl(page: `${string}.${'md' | 'json'}`, anchor?: string): string {
  if (!/^[a-z0-9][a-z0-9.-]*\.(md|json)$/.test(page)) throw new Error(`docUrl: not a docs page name: ${page}`);
  return `${DOCS_BASE_URL}${page}${anchor ? `#${anchor.replace(/^#/, '')}` : ''}`;
}
