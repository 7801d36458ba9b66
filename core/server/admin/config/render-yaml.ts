import { Document, isCollection, isScalar, Scalar, stringify, visit } from 'yaml';

/** Block indent of 2, no folding; double-quoted strings as JSON (escapes on one line, never folded). */
const OPTS = { indent: 2, lineWidth: 0, doubleQuotedAsJSON: true } as const;

/** True for values YAML writes as a scalar (everything but plain objects and arrays). */
export function isScalarValue(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/** A string YAML would write on several lines (a block scalar, or a folded plain one). */
function multiLine(value: unknown): value is string {
  return typeof value === 'string' && /[\n\r]/.test(value);
}

/**
 * One scalar as YAML text, always on one line (it replaces a node in place, at any column). A
 * string keeps the quote style of the scalar it replaces (`old`), so `"${KEY}"` stays
 * double-quoted; a string with line breaks is double-quoted (`"a\nb"`); YAML still quotes
 * whenever the text needs it.
 */
export function renderScalar(value: unknown, old?: unknown): string {
  const quote = multiLine(value) ? 'QUOTE_DOUBLE' : isScalar(old) && (old.type === 'QUOTE_DOUBLE' || old.type === 'QUOTE_SINGLE') ? old.type : undefined;
  if (typeof value === 'string' && quote) {
    const s = new Scalar(value);
    s.type = quote;
    return stringify(s, OPTS).replace(/\n$/, '');
  }
  return stringify(value, OPTS).replace(/\n$/, '');
}

/**
 * A collection in block style; lines after the first are indented by `indent` spaces, so the
 * text can replace a node that starts at that column.
 */
export function renderBlock(value: unknown, indent: number): string {
  const lines = stringify(value, OPTS).replace(/\n$/, '').split('\n');
  return lines.map((l, i) => (i === 0 || l === '' ? l : ' '.repeat(indent) + l)).join('\n');
}

/** A value in flow style on one line: `{ a: 1, b: [ x, y ] }` (strings with line breaks double-quoted). */
export function renderFlow(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Map(_k, n) {
      n.flow = true;
    },
    Seq(_k, n) {
      n.flow = true;
    },
    Scalar(_k, n) {
      if (multiLine(n.value)) n.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString(OPTS).replace(/\n$/, '');
}

/** True for a collection node written in flow style (`{…}` / `[…]`). */
export function isFlowCollection(node: unknown): boolean {
  return isCollection(node) && Boolean(node.flow);
}

/** Column of `offset` within its line. */
export function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** Offset of the start of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset of the newline ending the line holding `offset` (or the text's end). */
export function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : i;
}

/** The end of a node's value without the trailing newline a block collection's range includes. */
export function trimmedEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && (text[e - 1] === '\n' || text[e - 1] === '\r')) e--;
  return e;
}
