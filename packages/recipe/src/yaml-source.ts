import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

/** A parsed YAML file that can say on which line a field path is. */
export interface YamlSource {
  value: unknown;
  /** Line (1-based) of the value at `path`, or of its nearest existing parent. */
  lineOf(path: readonly (string | number)[], which?: 'key' | 'value'): number | undefined;
  /** Problems the YAML parser found, with their lines. Duplicate keys are among them. */
  errors: { message: string; line?: number }[];
}

export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc: Document.Parsed = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const errors: { message: string; line?: number }[] = doc.errors.map((e) => ({
    message: e.code === 'DUPLICATE_KEY' ? `duplicated key: ${firstLine(e.message)}` : firstLine(e.message),
    line: e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line,
  }));
  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;

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
      errors.push({ message: firstLine((err as Error).message) });
    }
  }
  return { value, lineOf, errors };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
