import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { printable, quote, sanitize } from './quote';

/** A parsed YAML file that can say on which line a field path is. */
export interface YamlSource {
  value: unknown;
  /** Line (1-based) of the value at `path`, or of its nearest existing parent. */
  lineOf(path: readonly (string | number)[], which?: 'key' | 'value'): number | undefined;
  /** Problems the YAML parser found, with their lines. Duplicate keys are among them. */
  errors: YamlProblem[];
}

export interface YamlProblem {
  message: string;
  line?: number;
  /** Dotted key path, when the problem belongs to one (a duplicated key). */
  field?: string;
}

/**
 * Every key that appears twice in one mapping, with the path of the mapping
 * and the lines of both: the parser only says "Map keys must be unique".
 */
function duplicateKeys(doc: Document.Parsed, lineAt: (offset: number | undefined) => number | undefined): YamlProblem[] {
  const out: YamlProblem[] = [];
  const walk = (node: unknown, path: string[]): void => {
    if (isMap(node)) {
      const seen = new Map<string, number | undefined>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key !== undefined) {
          const line = lineAt((pair.key as Node).range?.[0]);
          if (seen.has(key)) {
            const first = seen.get(key);
            out.push({
              message: `the key ${quote(key)} appears twice (lines ${first ?? '?'} and ${line ?? '?'}); keys of a mapping must be unique, keep one`,
              line,
              field: [...path, key].map((k) => printable(k, 60)).join('.'),
            });
          } else seen.set(key, line);
        }
        walk(pair.value, key === undefined ? path : [...path, key]);
      }
    } else if (isSeq(node)) node.items.forEach((n, i) => walk(n, [...path, String(i)]));
  };
  walk(doc.contents, []);
  return out;
}

export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc: Document.Parsed = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;
  const duplicates = doc.errors.some((e) => e.code === 'DUPLICATE_KEY') ? duplicateKeys(doc, lineAt) : [];
  const errors: YamlProblem[] = doc.errors
    // Duplicated keys are reported with their path and both lines instead (when the walk found them).
    .filter((e) => !(e.code === 'DUPLICATE_KEY' && duplicates.length > 0))
    .map((e) => ({
      message: `invalid YAML: ${e.code === 'DUPLICATE_KEY' ? 'duplicated key: ' : ''}${firstLine(e.message)}`,
      line: e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line,
    }));
  errors.push(...duplicates);
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));

  const lineOf = (path: readonly (string | number)[], which: 'key' | 'value' = 'value'): number | undefined => {
    let node: unknown = doc.contents;
    let line = lineAt((node as Node | null)?.range?.[0]);
    for (const [i, seg] of path.entries()) {
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return line;
        const keyLine = lineAt((pair.key as Node).range?.[0]);
        if (last && which === 'key') return keyLine;
        node = pair.value;
        // A null value (`darwin-x86_64:`) has no node of its own: the key's line stands for it.
        line = lineAt((node as Node | null)?.range?.[0]) ?? keyLine;
        if (node && isScalar(node) && node.value === null) line = keyLine;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
        if (node === undefined) return line;
        line = lineAt((node as Node).range?.[0]) ?? line;
      } else return line;
    }
    return line;
  };

  let value: unknown = undefined;
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      errors.push({ message: `invalid YAML: ${firstLine((err as Error).message)}` });
    }
  }
  return { value, lineOf, errors };
}

function firstLine(message: string): string {
  return sanitize((message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, ''));
}
