/**
 * HTML escaping: every value that comes from data (package names, versions,
 * reasons, error messages, mirror names) goes through `escapeHtml` before it
 * reaches the page, in text and in attribute values alike. Nothing from the
 * data is ever put in a tag name, an attribute name, a URL, a style or a script.
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type HtmlPart = Html | string | number | readonly HtmlPart[] | null | undefined | false;

function render(part: HtmlPart): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(part as string | number);
}

/** `html\`<td>${name}</td>\`` escapes `name`; nested `html` fragments and arrays of them are kept as they are. */
export function html(strings: TemplateStringsArray, ...values: HtmlPart[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Html(out);
}

/** Markup made by this package itself (never from data). */
export function trusted(text: string): Html {
  return new Html(text);
}
