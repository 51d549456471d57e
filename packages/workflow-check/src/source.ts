import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * One YAML text (a workflow, an action.yml, or a block of a Markdown page)
 * with what the rules need: nodes, the line of any node, and the text of a
 * line (for the `# vX.Y.Z` comment after a pin). `lineOffset` shifts lines of
 * a block to its place in the page.
 */
export class YamlSource {
  readonly doc: Document;
  private readonly counter = new LineCounter();
  private readonly lines: string[];
  constructor(
    readonly file: string,
    readonly text: string,
    readonly lineOffset = 0,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.counter, uniqueKeys: false });
    this.lines = text.split('\n');
  }

  /** The 1-based line of a node in the file. */
  line(node: Node | Pair | null | undefined): number {
    const n = node && 'range' in node ? node : node && 'key' in node ? (node.key as Node) : undefined;
    const offset = n?.range?.[0] ?? 0;
    return this.counter.linePos(offset).line + this.lineOffset;
  }

  column(node: Node | null | undefined): number {
    return this.counter.linePos(node?.range?.[0] ?? 0).col;
  }

  /** A node-like marker at a line and column of the file (for problems inside a block scalar). */
  nodeAtLine(line: number, column: number): Node {
    return this.nodeAtOffset(this.lines.slice(0, line - 1 - this.lineOffset).reduce((n, l) => n + l.length + 1, 0) + column);
  }

  /** A node-like marker at an offset of the text. */
  nodeAtOffset(offset: number): Node {
    return { range: [offset, offset, offset] } as unknown as Node;
  }

  /** The text of a line, by its number in the file. */
  lineText(line: number): string {
    return this.lines[line - 1 - this.lineOffset] ?? '';
  }

  get root(): Node | null {
    return this.doc.contents as Node | null;
  }
}

/** The pair of a key in a mapping. */
export function pairOf(map: unknown, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(map)) return undefined;
  return (map as YAMLMap<Node, Node | null>).items.find((p) => isScalar(p.key) && String(p.key.value) === key);
}

/** The value node of a key in a mapping. */
export function get(map: unknown, key: string): Node | null | undefined {
  return pairOf(map, key)?.value;
}

/** A scalar as text (numbers and booleans as YAML writes them); undefined for anything else. */
export function text(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  return String(node.value);
}

/** Entries of a mapping as [key, value node]. */
export function entries(map: unknown): [string, Node | null, Pair<Node, Node | null>][] {
  if (!isMap(map)) return [];
  return (map as YAMLMap<Node, Node | null>).items.filter((p) => isScalar(p.key)).map((p) => [String((p.key as { value: unknown }).value), p.value, p]);
}

export function items(seq: unknown): Node[] {
  return isSeq(seq) ? ((seq as YAMLSeq<Node>).items as Node[]) : [];
}

/** Every string scalar below a node, with the node (for `steps.x.outputs.y` references). */
export function strings(node: unknown, out: { value: string; node: Node }[] = []): { value: string; node: Node }[] {
  if (isScalar(node)) {
    if (typeof node.value === 'string') out.push({ value: node.value, node });
  } else if (isMap(node)) {
    for (const p of (node as YAMLMap<Node, Node>).items) {
      strings(p.key, out);
      strings(p.value, out);
    }
  } else if (isSeq(node)) for (const i of (node as YAMLSeq<Node>).items) strings(i, out);
  return out;
}

/** A fenced ```yaml / ```yml block of a Markdown page, with the line its first YAML line has in the page. */
export interface MarkdownBlock {
  text: string;
  /** Lines before the block's first line (its line in the page minus 1). */
  lineOffset: number;
}

export function yamlBlocks(markdown: string): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+|~~~+)\s*(ya?ml)\b/i.exec(lines[i] as string);
    if (!open) continue;
    const fence = open[2] as string;
    const indent = (open[1] as string).length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !(lines[j] as string).trim().startsWith(fence); j++) body.push((lines[j] as string).slice(Math.min(indent, (lines[j] as string).search(/\S|$/))));
    blocks.push({ text: body.join('\n'), lineOffset: i + 1 });
    i = j;
  }
  return blocks;
}
