/**
 * Bun's native YAML parser for config text in the subset where it and the `yaml` package give
 * the same result. The `yaml` package stays the reference (it locates errors and refuses
 * duplicate keys); loading it costs ~3 MB of memory and tens of ms at start-up, so a gateway
 * whose config is plain YAML never loads it.
 *
 * The native parser differs on duplicate keys (it keeps the last), merge keys (it merges),
 * several documents (it returns an array), complex keys, null keys and some hex and octal
 * numbers. `plainYaml` therefore accepts only text made of block mappings and sequences, quoted
 * and plain scalars, block scalars and one-line flow collections, with no anchor, alias, tag,
 * directive, document marker, merge key, repeated key, null key or hex or octal number; anything
 * else answers `undefined` and the caller uses the `yaml` package. A differential fuzz test
 * (`plain-yaml-fuzz.test.ts`) holds it to that.
 */
export function plainYaml(text: string): { value: unknown } | undefined {
  if (!isPlainSubset(text)) return undefined;
  try {
    return { value: Bun.YAML.parse(text) };
  } catch {
    return undefined;
  }
}

/** A mapping being read: the column of its keys and the keys seen so far. */
interface MapLevel {
  indent: number;
  keys: Set<string>;
}

/** Matches a block scalar header (`|`, `>-`, `|2+`…) as a whole value. */
const BLOCK_SCALAR = /^[|>][-+0-9]*$/;

/**
 * Plain scalars the two parsers read apart: hex and octal numbers (with a sign the package keeps
 * the text and Bun makes a number; past 2^53 the other way round).
 */
const BASED_NUMBER = /^[-+]?0[xo]/i;

/** A value left to the package: an anchor, alias or tag, or a hex or octal number. */
const UNREAD_VALUE = /^(?:[&*!]|[-+]?0[xo])/i;

/** Plain keys that are null, which the package makes the key `""` and Bun the key `"null"`. */
const NULL_KEY = /^(?:~|null|Null|NULL)?$/;

/**
 * True when every line is in the subset above and no mapping repeats a key. Line-based:
 * comments are cut, quoted text is masked, block scalar bodies are skipped by indentation.
 */
export function isPlainSubset(text: string): boolean {
  if (text.includes('\t') || text.includes('\r')) return false;
  const levels: MapLevel[] = [];
  /** Column of the key that opened a block scalar; its body is every deeper line. */
  let blockOwner = -1;
  for (const raw of text.split('\n')) {
    const indent = raw.length - raw.trimStart().length;
    if (blockOwner >= 0) {
      if (raw.trim() === '' || indent > blockOwner) continue;
      blockOwner = -1;
    }
    const line = stripComment(raw);
    if (line === undefined) return false;
    if (line.trim() === '') continue;
    if (indent === 0 && /^(---|\.\.\.|%)/.test(line)) return false;
    while (levels.length && levels[levels.length - 1]!.indent > indent) levels.pop();
    let rest = line.slice(indent);
    let col = indent;
    if (rest === '-' || rest.startsWith('- ')) {
      // A sequence item: what follows it, if a `key: value`, opens a new mapping at its column.
      const after = rest.slice(1).trimStart();
      col += rest.length - after.length;
      rest = after;
      if (rest === '') continue;
      if (rest === '-' || rest.startsWith('- ')) return false;
      while (levels.length && levels[levels.length - 1]!.indent >= col) levels.pop();
    }
    const entry = splitEntry(rest);
    if (entry === false) return false;
    if (entry === undefined) {
      // A scalar or a flow collection as a sequence item; a bare line elsewhere is a
      // continued scalar, which this reader does not follow.
      if (col === indent) return false;
      if (!plainValue(rest)) return false;
      continue;
    }
    let level = levels[levels.length - 1];
    if (!level || level.indent < col) {
      level = { indent: col, keys: new Set() };
      levels.push(level);
    }
    if (level.keys.has(entry.key)) return false;
    level.keys.add(entry.key);
    if (BLOCK_SCALAR.test(entry.value)) blockOwner = col; // the key's column, not a sequence dash's
    else if (entry.value !== '' && !plainValue(entry.value)) return false;
  }
  return true;
}

/**
 * The line without its comment, quoted text masked by `"…"`/`'…'` placeholders of the same
 * quotes (so later checks never look inside strings); undefined for a quote left open or an
 * escape sequence (the native parser and the package may not decode it alike).
 */
function stripComment(line: string): string | undefined {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '#' && (i === 0 || line[i - 1] === ' ')) break;
    if ((c === '"' || c === "'") && startsScalar(line, i)) {
      const end = closingQuote(line, i);
      if (end < 0) return undefined;
      out += line.slice(i, end + 1);
      i = end;
      continue;
    }
    out += c;
  }
  return out.trimEnd();
}

/** A quote opens a quoted scalar only where a scalar may start. */
function startsScalar(line: string, i: number): boolean {
  const before = line.slice(0, i).trimEnd();
  return before === '' || /[:,[{-]$/.test(before);
}

function closingQuote(line: string, start: number): number {
  const q = line[start];
  for (let i = start + 1; i < line.length; i++) {
    if (q === '"' && line[i] === '\\') return -1;
    if (line[i] !== q) continue;
    if (q === "'" && line[i + 1] === "'") {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}

/**
 * `key: value` or `key:` split at the first `: ` outside quotes; `undefined` when the text is
 * no mapping entry; `false` for a key this reader does not accept (complex, merge, tagged).
 */
function splitEntry(text: string): { key: string; value: string } | false | undefined {
  const at = entryColon(text);
  if (at < 0) return undefined;
  const raw = text.slice(0, at).trim();
  const key = unquote(raw);
  if (key === undefined || key === '<<' || /^[?&*!|>@`%]/.test(key) || NULL_KEY.test(raw) || BASED_NUMBER.test(raw)) return false;
  return { key, value: text.slice(at + 1).trim() };
}

/** Index of the `:` that ends a key (followed by a space or the end), outside quotes and brackets. */
function entryColon(text: string): number {
  if (/^["']/.test(text)) {
    const end = closingQuote(text, 0);
    if (end < 0) return -1;
    let at = end + 1;
    while (text[at] === ' ') at++;
    return text[at] === ':' && (at + 1 === text.length || text[at + 1] === ' ') ? at : -1;
  }
  if (/^[[{]/.test(text)) return -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ':' && (i + 1 === text.length || text[i + 1] === ' ')) return i;
  }
  return -1;
}

function unquote(key: string): string | undefined {
  if (key.startsWith('"')) return key.length >= 2 && key.endsWith('"') ? key.slice(1, -1) : undefined;
  if (key.startsWith("'")) return key.length >= 2 && key.endsWith("'") ? key.slice(1, -1).replaceAll("''", "'") : undefined;
  return key;
}

/**
 * A value on one line: a quoted or plain scalar, or a flow collection that closes on this
 * line with no repeated key in any of its mappings. Anchors, aliases and tags are refused.
 */
function plainValue(value: string): boolean {
  if (UNREAD_VALUE.test(value)) return false;
  if (!/^[[{]/.test(value)) return !/^[|>]/.test(value);
  return flowIsPlain(value);
}

/** One open flow collection: the keys of a mapping (none for a sequence), and whether its current entry's value was a nested collection. */
interface FlowLevel {
  keys: Set<string> | undefined;
  nested: boolean;
}

/** Walks one flow collection; every `{ }` gets its own key set. */
function flowIsPlain(text: string): boolean {
  const stack: FlowLevel[] = [];
  let token = '';
  /** Records `key` in the mapping `level`; false when it repeats or is not accepted. */
  const addKey = (level: FlowLevel, rawKey: string): boolean => {
    const raw = rawKey.trim();
    const key = unquote(raw);
    if (key === undefined || key === '' || key === '<<' || /^[?&*!]/.test(key) || NULL_KEY.test(raw) || BASED_NUMBER.test(raw) || level.keys!.has(key)) return false;
    level.keys!.add(key);
    return true;
  };
  /** Ends the current entry of the innermost collection (at `,` or its closing bracket). */
  const endEntry = (): boolean => {
    const level = stack[stack.length - 1]!;
    const t = token.trim();
    token = '';
    if (level.nested) {
      level.nested = false;
      return t === '';
    }
    if (t === '') return true;
    if (UNREAD_VALUE.test(t)) return false;
    const at = entryColon(t);
    if (!level.keys) return at < 0;
    if (!addKey(level, at < 0 ? t : t.slice(0, at))) return false;
    return at < 0 || !UNREAD_VALUE.test(t.slice(at + 1).trim());
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const end = closingQuote(text, i);
      if (end < 0) return false;
      token += text.slice(i, end + 1);
      i = end;
    } else if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      const t = token.trim();
      token = '';
      if (parent?.keys) {
        // `key: {…}` inside a mapping: the key is recorded here, the value is the new collection.
        if (!t.endsWith(':') || !addKey(parent, t.slice(0, -1))) return false;
      } else if (t !== '') {
        return false;
      }
      if (parent) parent.nested = true;
      stack.push({ keys: c === '{' ? new Set() : undefined, nested: false });
    } else if (c === '}' || c === ']') {
      const level = stack[stack.length - 1];
      if (!level || (c === '}') !== (level.keys !== undefined) || !endEntry()) return false;
      stack.pop();
    } else if (c === ',') {
      if (stack.length === 0 || !endEntry()) return false;
    } else {
      if (stack.length === 0 && c !== ' ') return false;
      token += c;
    }
  }
  return stack.length === 0;
}
