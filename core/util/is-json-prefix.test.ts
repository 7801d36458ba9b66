import { expect, test } from 'bun:test';
import { random } from '../../tests/helpers/json-fuzz.ts';
import { isJsonPrefix } from './is-json-prefix.ts';

test('starts of JSON documents, and text that cannot start one', () => {
  const yes = ['', ' ', '{', '{"', '{"{"', '{"a"', '{"a":', '{"a": -', '{"a": 1.', '{"a": 1e+', '{"a": tr', '{"a": "\\u00', '[', '[]', '{}', '[1, [2, {"b": null}], ',
    '{"a": 1}', '"x"', '-0.5e10', 'true', '{":{":', '{"a":{"a":', '{"a": "x{\\"a\\": 1"', ' [ ] '];
  const no = ['}', '{,', '{"a" 1', '{"a": 1,}', '[1,]', '{"a"::', '{"a": 01', '{"a": .5', '{"a": 1e}', '{"a": trUe', '{"a": "\\x"', '{"a": "\\u00g"', '{"a": "tab\tin"}',
    '{"a": 1}}', '{"a": 1} x', '{"a": 1}{', '[}', '{]', '{"ci{"city":"Pa', '{"a":1{"a":1', '{{', 'nul,', '{"a": -}'];
  for (const s of yes) expect([s, isJsonPrefix(s)]).toEqual([s, true]);
  for (const s of no) expect([s, isJsonPrefix(s)]).toEqual([s, false]);
});

/** A random JSON value; keys and strings are made of JSON's own punctuation, to stress the states. */
function value(next: () => number, depth: number): unknown {
  const int = (n: number) => Math.floor(next() * n);
  const text = () => Array.from({ length: int(4) }, () => ['{', '}', '"', ':', ',', '[', '\\', 'a', ' ', '\n', 'é'][int(11)]).join('');
  const k = int(depth > 3 ? 4 : 6);
  if (k === 0) return text();
  if (k === 1) return [0, -1, 2.5, -3e-7, 1e21, 12345678901][int(6)];
  if (k === 2) return [true, false, null][int(3)];
  if (k === 3) return '';
  if (k === 4) return Array.from({ length: int(4) }, () => value(next, depth + 1));
  return Object.fromEntries(Array.from({ length: int(4) }, () => [text(), value(next, depth + 1)]));
}

test('every start of a random document is one; a parsed text is one; a refused start has no one-character completion', () => {
  const next = random(Number(process.env.JSON_PREFIX_SEED ?? 5));
  const chars = ['{', '}', '[', ']', '"', ':', ',', '0', '1', '-', '.', 'e', 't', 'n', ' ', '\\', 'u', 'a'];
  for (let n = 0; n < 400; n++) {
    const doc = JSON.stringify(value(next, 0), null, n % 3 === 0 ? 1 : undefined);
    for (let k = 0; k <= doc.length; k++) expect(isJsonPrefix(doc.slice(0, k))).toBe(true);
    // A random change somewhere: when the result still parses it is a start; when the checker
    // refuses it, no character added makes it parse.
    const at = Math.floor(next() * doc.length);
    const bent = doc.slice(0, at) + chars[Math.floor(next() * chars.length)] + doc.slice(at + 1);
    const parses = (s: string) => {
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    };
    if (parses(bent)) expect([bent, isJsonPrefix(bent)]).toEqual([bent, true]);
    if (!isJsonPrefix(bent)) for (const c of ['', ...chars]) expect([bent + c, parses(bent + c)]).toEqual([bent + c, false]);
  }
});
