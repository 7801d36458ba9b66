import { expect, test } from 'bun:test';
import { repairArguments, toolArgumentsObject } from './tool-arguments.ts';

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
