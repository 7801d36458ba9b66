const VALUE = 0;
const KEY = 1;
const COLON = 2;
const AFTER = 3;
const STRING = 4;
const ESCAPE = 5;
const HEX = 6;
const LITERAL = 7;
const NUMBER = 8;

/** Number states: what the number read so far is, after its last character. */
const MINUS = 0;
const ZERO = 1;
const INT = 2;
const DOT = 3;
const FRAC = 4;
const E = 5;
const E_SIGN = 6;
const EXP = 7;
/** States in which a number may end. */
const ENDS = new Set([ZERO, INT, FRAC, EXP]);

const OBJECT = 1;
const ARRAY = 2;

const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\r' || c === '\t';
const isDigit = (c: string) => c >= '0' && c <= '9';

/**
 * True when `text` is the start of some JSON text (RFC 8259): it can be completed into a valid
 * document, and nothing in it is wrong already. A whole document is its own start; trailing
 * text after a complete value is not. Linear in the length of `text`.
 */
export function isJsonPrefix(text: string): boolean {
  const stack: number[] = [];
  let state = VALUE;
  /** A container was just opened: it may close at once (`{}`, `[]`). */
  let opened = false;
  let key = false;
  let rest = '';
  let num = MINUS;
  let hex = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (state === STRING) {
      if (c === '"') state = key ? COLON : AFTER;
      else if (c === '\\') state = ESCAPE;
      else if (c < ' ') return false;
      continue;
    }
    if (state === ESCAPE) {
      if (c === 'u') {
        hex = 4;
        state = HEX;
      } else if ('"\\/bfnrt'.includes(c)) state = STRING;
      else return false;
      continue;
    }
    if (state === HEX) {
      if (!/[0-9a-fA-F]/.test(c)) return false;
      if (--hex === 0) state = STRING;
      continue;
    }
    if (state === LITERAL) {
      if (c !== rest[0]) return false;
      rest = rest.slice(1);
      if (rest === '') state = AFTER;
      continue;
    }
    if (state === NUMBER) {
      const next = numberStep(num, c);
      if (next !== undefined) {
        num = next;
        continue;
      }
      if (!ENDS.has(num)) return false;
      state = AFTER; // the number ended: this character follows it
    }
    if (isSpace(c)) continue;
    const top = stack[stack.length - 1];
    if (state === VALUE) {
      if (c === '{' || c === '[') {
        stack.push(c === '{' ? OBJECT : ARRAY);
        state = c === '{' ? KEY : VALUE;
        opened = true;
        continue;
      }
      if (c === ']' && opened && top === ARRAY) {
        stack.pop();
        state = AFTER;
        continue;
      }
      opened = false;
      if (c === '"') {
        key = false;
        state = STRING;
      } else if (c === '-' || isDigit(c)) {
        num = c === '-' ? MINUS : c === '0' ? ZERO : INT;
        state = NUMBER;
      } else if (c === 't' || c === 'f' || c === 'n') {
        rest = (c === 't' ? 'true' : c === 'f' ? 'false' : 'null').slice(1);
        state = LITERAL;
      } else return false;
      continue;
    }
    if (state === KEY) {
      if (c === '}' && opened) {
        stack.pop();
        state = AFTER;
      } else if (c === '"') {
        key = true;
        state = STRING;
      } else return false;
      opened = false;
      continue;
    }
    if (state === COLON) {
      if (c !== ':') return false;
      state = VALUE;
      continue;
    }
    // AFTER a value: a comma or the close of its container; nothing after the document's value.
    if (top === undefined) return false;
    opened = false;
    if (c === ',') state = top === OBJECT ? KEY : VALUE;
    else if ((c === '}' && top === OBJECT) || (c === ']' && top === ARRAY)) stack.pop();
    else return false;
  }
  // Whatever is open (a string, a number, a container) can still be completed.
  return true;
}

/** The number state after `c`, or undefined when `c` does not continue the number. */
function numberStep(num: number, c: string): number | undefined {
  const digit = isDigit(c);
  switch (num) {
    case MINUS: return c === '0' ? ZERO : digit ? INT : undefined;
    case ZERO: return c === '.' ? DOT : c === 'e' || c === 'E' ? E : undefined;
    case INT: return digit ? INT : c === '.' ? DOT : c === 'e' || c === 'E' ? E : undefined;
    case DOT: return digit ? FRAC : undefined;
    case FRAC: return digit ? FRAC : c === 'e' || c === 'E' ? E : undefined;
    case E: return digit ? EXP : c === '+' || c === '-' ? E_SIGN : undefined;
    case E_SIGN: return digit ? EXP : undefined;
    default: return digit ? EXP : undefined;
  }
}
