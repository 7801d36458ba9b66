import { describe, expect, test } from 'bun:test';
import { random } from '../../tests/helpers/json-fuzz.ts';
import { wellFormedJson } from './well-formed-json.ts';

/** Every string of a parsed JSON value, keys included. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      strings(x, out);
    }
  }
  return out;
}

describe('wellFormedJson', () => {
  test('an escaped lone surrogate becomes U+FFFD; pairs, text and escaped backslashes stay', () => {
    const cases: Array<[unknown, unknown]> = [
      [{ t: 'cut \ud83d' }, { t: 'cut \ufffd' }],
      [{ t: '\ude00 low first' }, { t: '\ufffd low first' }],
      [{ t: 'two highs \ud83d\ud83d\ude00' }, { t: 'two highs \ufffd\ud83d\ude00' }],
      [{ '\udbff': ['\udc00x', 'ok 😀'] }, { '\ufffd': ['\ufffdx', 'ok 😀'] }],
      [{ t: 'a backslash, then text: \\ud83d' }, { t: 'a backslash, then text: \\ud83d' }],
      [{ t: 'a backslash, then a lone one: \\\ud83d' }, { t: 'a backslash, then a lone one: \\\ufffd' }],
      [{ t: 'ANSI \u001b[31m red, \u2028' }, { t: 'ANSI \u001b[31m red, \u2028' }],
    ];
    for (const [input, expected] of cases) {
      const text = JSON.stringify(input);
      const repaired = wellFormedJson(text);
      expect(JSON.parse(repaired)).toEqual(expected);
      expect(repaired.toLowerCase()).not.toMatch(/(?<!\\)(?:\\\\)*\\ud[89a-f]/);
    }
  });

  test('a pair written as two escapes (Python json.dumps) is kept, in either case', () => {
    for (const text of ['{"t":"\\ud83d\\ude00"}', '{"t":"\\uD83D\\uDE00 and \\uD83D"}']) {
      const out = JSON.parse(wellFormedJson(text)) as { t: string };
      expect(out.t.startsWith('😀')).toBe(true);
      expect(out.t.isWellFormed()).toBe(true);
    }
  });

  test('text without an escaped surrogate is returned as the same string', () => {
    const text = JSON.stringify({ messages: [{ role: 'user', content: 'héllo 😀 \\u0041 \u0007' }] });
    expect(wellFormedJson(text)).toBe(text);
  });

  test('random strings: the result parses, every string is well formed, and well-formed ones are unchanged', () => {
    const next = random(Number(process.env.WFJ_SEED ?? 7));
    const int = (n: number) => Math.floor(next() * n);
    const units = [0x41, 0x5c, 0x22, 0x75, 0x64, 0x38, 0xd83d, 0xde00, 0xdbff, 0xdc00, 0xd800, 0xdfff, 0x1b, 0xe9];
    for (let n = 0; n < 2000; n++) {
      const s = String.fromCharCode(...Array.from({ length: int(12) }, () => units[int(units.length)]!));
      const value = { [s]: [s, { s }] };
      const text = JSON.stringify(value);
      // The same body as Python's json.dumps writes it: every non-ASCII code unit escaped, pairs too.
      const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      const fixed = s.toWellFormed();
      for (const sent of [text, ascii]) {
        const parsed = JSON.parse(wellFormedJson(sent));
        for (const x of strings(parsed)) expect(x.isWellFormed()).toBe(true);
        expect(parsed).toEqual({ [fixed]: [fixed, { s: fixed }] });
      }
    }
  });
});
