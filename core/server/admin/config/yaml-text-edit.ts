import { isCollection, isMap, isNode, isScalar, isSeq, parseDocument, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import {
  columnOf, isFlowCollection, isScalarValue, lineEnd, lineStart, renderBlock, renderFlow, renderScalar, trimmedEnd,
} from './render-yaml.ts';

/** A path into the YAML document: map keys and list indexes. */
export type YamlPath = ReadonlyArray<string | number>;

/** Where a value node sits: as the value of a map pair, or as an item of a list. */
type Slot = { kind: 'pair'; pair: Pair } | { kind: 'item' } | { kind: 'root' };

/**
 * Surgical edits of YAML text: only the text of the changed node is rewritten, so comments,
 * blank lines, alignment and key order elsewhere stay byte-for-byte. Each function takes and
 * returns the whole text; they throw an Error when the path crosses a scalar.
 *
 * These are the fidelity layer only: `config-editor.ts` checks every result against the
 * `yaml` Document API (`setIn`/`deleteIn`) and falls back to it if the two ever disagree.
 */
export function setInText(text: string, path: YamlPath, value: unknown): string {
  const doc = parseDocument(text);
  const existing = doc.getIn(path, true);
  // Descend into maps and equal-length lists so only changed leaves are rewritten.
  if (isMap(existing) && !existing.flow && isPlainObject(value) && Object.keys(value).length > 0) return mergeMap(text, path, existing, value);
  if (isSeq(existing) && !existing.flow && Array.isArray(value) && value.length === existing.items.length && value.length > 0) {
    let t = text;
    value.forEach((item, i) => {
      if (!deepEqual(jsAt(t, [...path, i]), item)) t = setInText(t, [...path, i], item);
    });
    return t;
  }
  return setRaw(text, doc.contents, path, value);
}

function mergeMap(text: string, path: YamlPath, existing: YAMLMap, value: Record<string, unknown>): string {
  let t = text;
  for (const [k, v] of Object.entries(value)) if (!deepEqual(jsAt(t, [...path, k]), v)) t = setInText(t, [...path, k], v);
  const gone = existing.items.map((p) => keyText(p.key)).filter((k) => !Object.hasOwn(value, k));
  for (const k of gone) t = deleteInText(t, [...path, k]);
  return t;
}

/** Deletes the key or list item at `path`; a path that does not exist leaves the text as is. */
export function deleteInText(text: string, path: YamlPath): string {
  const doc = parseDocument(text);
  const parentPath = path.slice(0, -1);
  const parent = parentPath.length ? doc.getIn(parentPath, true) : doc.contents;
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = findPair(parent, last);
    if (!pair) return text;
    if (parent.flow) return replaceNode(text, parent, renderFlow(without(parent.toJSON(), keyText(pair.key))));
    if (parent.items.length === 1 && parentPath.length > 0) return setRaw(text, doc.contents, parentPath, {});
    return removeRange(text, pairStart(text, parent, pair), nextStart(text, parent.items, pair));
  }
  if (isSeq(parent) && typeof last === 'number') {
    const item = parent.items[last];
    if (item === undefined) return text;
    if (parent.flow) return replaceNode(text, parent, renderFlow((parent.toJSON() as unknown[]).filter((_, i) => i !== last)));
    if (parent.items.length === 1 && parentPath.length > 0) return setRaw(text, doc.contents, parentPath, []);
    const start = lineStart(text, dashOffset(text, item));
    return text.slice(0, start) + text.slice(Math.min(text.length, lineEnd(text, endOf(text, item)) + 1));
  }
  return text;
}

/** Rewrites the list at `path` in a new order (`order[i]` = old index of the new i-th item). */
export function reorderInText(text: string, path: YamlPath, order: readonly number[]): string {
  const doc = parseDocument(text);
  const seq = doc.getIn(path, true);
  if (!isSeq(seq)) throw new Error(`${path.join('.')} is not a list`);
  if (seq.flow) return replaceNode(text, seq, renderFlow(order.map((i) => (seq.toJSON() as unknown[])[i])));
  // Chunk i runs from the end of item i-1's last line to the end of item i's last line, so a
  // comment line above an item moves with it; the first chunk starts at the first dash.
  const items = seq.items;
  const ends = items.map((it) => lineEnd(text, endOf(text, it)));
  const starts = items.map((it, i) => (i === 0 ? lineStart(text, dashOffset(text, it)) : ends[i - 1]! + 1));
  const chunks = items.map((_, i) => text.slice(starts[i], ends[i]));
  return text.slice(0, starts[0]) + order.map((i) => chunks[i]).join('\n') + text.slice(ends[ends.length - 1]);
}

function setRaw(text: string, root: unknown, path: YamlPath, value: unknown): string {
  let node: unknown = root;
  let slot: Slot = { kind: 'root' };
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const rest = path.slice(i + 1);
    const sub = nest(rest, value);
    if (isMap(node)) {
      const pair = findPair(node, key);
      if (!pair) return addPair(text, node, slot, String(key), sub);
      if (rest.length > 0 && isCollection(pair.value)) {
        node = pair.value;
        slot = { kind: 'pair', pair };
        continue;
      }
      return replaceValue(text, pair.value, sub, { kind: 'pair', pair });
    }
    if (isSeq(node) && typeof key === 'number') {
      if (key === node.items.length) return appendItem(text, node, slot, sub);
      const item = node.items[key];
      if (item === undefined) throw new Error(`index ${key} is out of range`);
      if (rest.length > 0 && isCollection(item)) {
        node = item;
        slot = { kind: 'item' };
        continue;
      }
      return replaceValue(text, item, sub, { kind: 'item' });
    }
    if (i === 0 && (node === null || (isScalar(node) && node.value === null))) return appendRoot(text, String(key), sub);
    throw new Error(`cannot set ${path.join('.')}: ${path.slice(0, i).join('.') || 'the document'} is not a map or list`);
  }
  throw new Error('empty path');
}

function replaceValue(text: string, old: unknown, value: unknown, slot: Slot): string {
  const empty = isEmptyCollection(value);
  if (!isNode(old) || (isScalar(old) && old.value === null && old.range && old.range[0] === old.range[1])) {
    if (slot.kind !== 'pair') throw new Error('cannot place a value here');
    return afterKey(text, slot.pair, old, value);
  }
  const [s, e] = [old.range![0], endOf(text, old)];
  if (isScalarValue(value) || empty) {
    const rendered = isScalarValue(value) ? renderScalar(value, old) : renderFlow(value);
    if (isCollection(old) && !old.flow && slot.kind === 'pair') return afterKey(text, slot.pair, old, value);
    return text.slice(0, s) + rendered + text.slice(e);
  }
  if (isFlowCollection(old)) return text.slice(0, s) + renderFlow(value) + text.slice(e);
  if (isCollection(old) || slot.kind !== 'pair') return text.slice(0, s) + renderBlock(value, columnOf(text, s)) + text.slice(e);
  return afterKey(text, slot.pair, old, value);
}

/** Replaces everything from the end of the pair's key to the end of its value with `: value`. */
function afterKey(text: string, pair: Pair, old: unknown, value: unknown): string {
  const key = pair.key as { range?: [number, number, number] };
  const keyEnd = key.range![1];
  const end = isNode(old) && old.range ? endOf(text, old) : colonEnd(text, keyEnd);
  const col = columnOf(text, key.range![0]);
  return text.slice(0, keyEnd) + valueAfterColon(value, col) + text.slice(end);
}

function valueAfterColon(value: unknown, col: number): string {
  if (isScalarValue(value)) return `: ${renderScalar(value)}`;
  if (isEmptyCollection(value)) return `: ${renderFlow(value)}`;
  return `:\n${' '.repeat(col + 2)}${renderBlock(value, col + 2)}`;
}

function addPair(text: string, map: YAMLMap, slot: Slot, key: string, value: unknown): string {
  if (map.flow) {
    if (map.items.length === 0 && slot.kind === 'pair') return afterKey(text, slot.pair, map, { [key]: value });
    return replaceNode(text, map, renderFlow({ ...(map.toJSON() as object), [key]: value }));
  }
  const first = map.items[0]!.key as { range: [number, number, number] };
  const col = columnOf(text, first.range[0]);
  const at = lineEnd(text, pairEnd(text, map.items[map.items.length - 1]!));
  return `${text.slice(0, at)}\n${' '.repeat(col)}${renderScalar(key)}${valueAfterColon(value, col)}${text.slice(at)}`;
}

function appendItem(text: string, seq: YAMLSeq, slot: Slot, value: unknown): string {
  if (seq.flow) {
    if (seq.items.length === 0 && slot.kind === 'pair') return afterKey(text, slot.pair, seq, [value]);
    return replaceNode(text, seq, renderFlow([...(seq.toJSON() as unknown[]), value]));
  }
  const dash = dashOffset(text, seq.items[0]);
  const col = columnOf(text, dash);
  const at = lineEnd(text, endOf(text, seq.items[seq.items.length - 1]));
  const body = isScalarValue(value) || isEmptyCollection(value) ? (isScalarValue(value) ? renderScalar(value) : renderFlow(value)) : renderBlock(value, col + 2);
  return `${text.slice(0, at)}\n${' '.repeat(col)}- ${body}${text.slice(at)}`;
}

function appendRoot(text: string, key: string, value: unknown): string {
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${sep}${renderScalar(key)}${valueAfterColon(value, 0)}\n`;
}

// ---------------------------------------------------------------------------------------------

function replaceNode(text: string, node: unknown, rendered: string): string {
  const n = node as { range: [number, number, number] };
  return text.slice(0, n.range[0]) + rendered + text.slice(endOf(text, node));
}

function removeRange(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(end);
}

/** End of a node's own text (a block collection's trailing newline excluded). */
function endOf(text: string, node: unknown): number {
  const r = (node as { range?: [number, number, number] }).range!;
  return trimmedEnd(text, r[0], r[1]);
}

function pairEnd(text: string, pair: Pair): number {
  return isNode(pair.value) && pair.value.range ? endOf(text, pair.value) : (pair.key as { range: [number, number, number] }).range[1];
}

/** Where a pair's lines start; for a map inside a list item (`- a: 1`) the dash stays. */
function pairStart(text: string, map: YAMLMap, pair: Pair): number {
  const keyStart = (pair.key as { range: [number, number, number] }).range[0];
  const ls = lineStart(text, keyStart);
  return /^\s*$/.test(text.slice(ls, keyStart)) ? ls : keyStart;
}

/** Where the text after a pair resumes: the next pair's key for the first pair of a list item, else the next line. */
function nextStart(text: string, items: Pair[], pair: Pair): number {
  const keyStart = (pair.key as { range: [number, number, number] }).range[0];
  const ls = lineStart(text, keyStart);
  const i = items.indexOf(pair);
  if (!/^\s*$/.test(text.slice(ls, keyStart)) && items[i + 1]) return (items[i + 1]!.key as { range: [number, number, number] }).range[0];
  return Math.min(text.length, lineEnd(text, pairEnd(text, pair)) + 1);
}

function dashOffset(text: string, item: unknown): number {
  const start = (item as { range: [number, number, number] }).range[0];
  return text.lastIndexOf('-', start - 1);
}

function colonEnd(text: string, keyEnd: number): number {
  const colon = text.indexOf(':', keyEnd);
  return colon < 0 ? keyEnd : colon + 1;
}

function findPair(map: YAMLMap, key: string | number): Pair | undefined {
  return map.items.find((p) => keyText(p.key) === String(key)) as Pair | undefined;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function nest(rest: YamlPath, value: unknown): unknown {
  return rest.reduceRight<unknown>((v, k) => (typeof k === 'number' ? [v] : { [k]: v }), value);
}

function without(obj: unknown, key: string): Record<string, unknown> {
  const { [key]: _drop, ...rest } = obj as Record<string, unknown>;
  return rest;
}

function isEmptyCollection(v: unknown): boolean {
  return (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsAt(text: string, path: YamlPath): unknown {
  const n = parseDocument(text).getIn(path, true);
  return isNode(n) ? n.toJSON() : n;
}

/** Structural equality of JSON-like values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
