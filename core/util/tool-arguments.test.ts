import { describe, expect, test } from 'bun:test';
import { repairArguments, streamArgumentsRepair, toolArgumentsObject, wireArguments } from './tool-arguments.ts';
import { random } from '../../tests/helpers/json-fuzz.ts';

test('tool arguments: the object models wrote, else {} (blank, invalid, an array, a scalar)', () => {
  expect(toolArgumentsObject('{"city": "Paris"}')).toEqual({ city: 'Paris' });
  for (const text of ['', '  ', '{"city":', '[1,2]', '"x"', '42', 'null']) expect(toolArgumentsObject(text)).toEqual({});
});

test('slips whose meaning is not in doubt are set right', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    // A Markdown fence around the object.
    ['```json\n{"path": "a.ts"}\n```', { path: 'a.ts' }],
    ['```\n{"path": "a.ts"}```', { path: 'a.ts' }],
    // Raw control characters inside strings (a file written with real newlines and tabs).
    ['{"path": "a.py", "content": "def f():\n\treturn 1\r\n"}', { path: 'a.py', content: 'def f():\n\treturn 1\r\n' }],
    ['{"s": "bell\u0007"}', { s: 'bell\u0007' }],
    // A comma before the closing brace or bracket.
    ['{"a": 1, "b": [1, 2, ],\n}', { a: 1, b: [1, 2] }],
    // Anything after the object: the arguments sent twice, an end-of-call token.
    ['{"city":"Paris"}{"city":"Paris"}', { city: 'Paris' }],
    ['{"city":"Paris"}<|tool_call_end|>', { city: 'Paris' }],
    // Strings that only look like the slips stay as written.
    ['{"code": "x = [1, 2,]", "q": "\\"}", "more": "```"}', { code: 'x = [1, 2,]', q: '"}', more: '```' }],
  ];
  for (const [text, object] of cases) expect([text, toolArgumentsObject(text)]).toEqual([text, object]);
});

test('what is not repaired: text cut before its object closes, arrays, prose', () => {
  for (const text of ['{"command": "rm -rf build && make', '{"a": {"b": 1}', '[{"a": 1}]', 'call it with city Paris', '{a: 1}']) {
    expect([text, toolArgumentsObject(text)]).toEqual([text, {}]);
  }
});

test('valid arguments are not rewritten', () => {
  const text = '{"a": 1,\n  "b": "x"}';
  expect(repairArguments(text)).toBe(text);
});

/** `text` pushed in fragments of `size` characters (0: one fragment), then ended; the outputs joined, and each push's output. */
function streamed(text: string, size: number): { joined: string; outs: string[] } {
  const r = streamArgumentsRepair();
  const outs: string[] = [];
  const step = size || text.length || 1;
  for (let i = 0; i < text.length; i += step) outs.push(r.push(text.slice(i, i + step)));
  outs.push(r.end());
  return { joined: outs.join(''), outs };
}

const SLIPS = [
  '```json\n{"path": "a.ts"}\n```',
  '```\n{"path": "a.ts"}```',
  '```json {"path": "a.ts"}```',
  '{"path": "a.py", "content": "def f():\n\treturn 1\r\n"}',
  '{"s": "bell\u0007"}',
  '{"a": 1, "b": [1, 2, ],\n}',
  '{"a": [1, 2 , \n ] , }',
  '{"city":"Paris"}{"city":"Paris"}',
  '{"city":"Paris"}<|tool_call_end|>',
  '{"code": "x = [1, 2,]", "q": "\\"}", "more": "```"}',
  '  \n{"a": {"b": [{}, {"c": "d,"},]},}',
];

test('streamed: every split of a slip gives what repairArguments gives for the whole', () => {
  for (const text of SLIPS) {
    const whole = repairArguments(text);
    expect(whole).toBeDefined();
    for (const size of [0, 1, 2, 3, 5, 8]) expect([text, size, streamed(text, size).joined]).toEqual([text, size, whole!]);
  }
});

test('streamed: valid JSON goes out fragment by fragment as it came (only a comma waits for what follows it)', () => {
  const text = '{"command": ["bash", "-lc", "ls -la"], "workdir": "/home/dev", "n": {"deep": [1, 2]}}';
  const { outs } = streamed(text, 4);
  expect(outs.join('')).toBe(text);
  const fragments = text.match(/[\s\S]{1,4}/g)!;
  fragments.forEach((_, i) => {
    const got = fragments.slice(0, i + 1).join('');
    const sent = outs.slice(0, i + 1).join('');
    expect(got.startsWith(sent)).toBe(true);
    expect([got, got.slice(sent.length)]).toEqual([got, /^,\s*$/.test(got.slice(sent.length)) ? got.slice(sent.length) : '']);
  });
  expect(outs.at(-1)).toBe('');
});

test('streamed: what is not an object passes through; text cut off ends as it came', () => {
  for (const text of ['[{"a": 1}]', 'call it with city Paris', '"x"', '```python\nprint(1)\n```']) {
    for (const size of [0, 1, 3]) expect([text, size, streamed(text, size).joined]).toEqual([text, size, text]);
  }
  for (const size of [0, 1, 3]) expect(streamed('{"a": [1,', size).joined).toBe('{"a": [1,');
  // An opening fence whose object never closes: the fence goes, the object stays unreadable as sent.
  expect(streamed('```json\n{"a": 1', 2).joined).toBe('{"a": 1');
});

test('streamed cumulatively (each fragment restating the ones before): the object once, wherever the later cuts fall', () => {
  // The first fragment is the first token (`{` or `{"`): a restatement of it cannot be valid
  // JSON added on, so the server shows itself as one that restates from the second fragment.
  for (const text of ['{"city": "Paris", "unit": "C"}', '{"q": "{\\"a\\": 1} and {", "n": [{"x": {}}]}', '{"a": 1, "b": [1, 2, ],}', '{"a": {"a": {"a": 1}}}']) {
    const whole = repairArguments(text) ?? text;
    for (const first of [1, 2]) {
      for (const size of [1, 2, 3, 5, 8]) {
        const r = streamArgumentsRepair();
        let out = r.push(text.slice(0, first));
        for (let end = first + size; end < text.length + size; end += size) out += r.push(text.slice(0, Math.min(end, text.length)));
        out += r.end();
        expect([text, first, size, out]).toEqual([text, first, size, whole]);
      }
    }
  }
});

test('streamed: a valid object split anywhere is never read as a restatement', () => {
  const next = random(Number(process.env.TOOL_ARGS_SEED ?? 11));
  const int = (n: number) => Math.floor(next() * n);
  const pieces = ['{', '}', '"', 'a', '{"a', '":', ' ', '\\"', '1', ','];
  const value = (depth: number): unknown => {
    const k = int(depth > 3 ? 3 : 5);
    if (k === 0) return Array.from({ length: int(3) }, () => pieces[int(pieces.length)]).join('');
    if (k === 1) return int(100);
    if (k === 2) return null;
    if (k === 3) return Array.from({ length: int(3) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: int(4) }, () => [pieces[int(pieces.length)]! + int(9), value(depth + 1)]));
  };
  for (let n = 0; n < 500; n++) {
    const text = JSON.stringify({ [pieces[int(pieces.length)]!]: value(0), b: value(1) });
    const r = streamArgumentsRepair();
    let out = '';
    for (let i = 0; i < text.length;) {
      const size = 1 + int(6);
      out += r.push(text.slice(i, i + size));
      i += size;
    }
    expect(out + r.end()).toBe(text);
  }
});

describe('wireArguments', () => {
  test('JSON as written; repaired when the meaning is clear; {} for blank or cut-off text', () => {
    expect(wireArguments('{"a": 1}')).toBe('{"a": 1}');
    expect(wireArguments('{"a": "x\ny"}')).toBe('{"a": "x\\ny"}');
    expect(wireArguments('  ')).toBe('{}');
    expect(wireArguments('{"path": "a.txt", "content": "hel')).toBe('{}');
  });
});
