import { describe, expect, test } from 'bun:test';
import type { ToolDefinition } from '../../../core/types/hub.ts';
import { startsHarmony } from './harmony-text.ts';
import { createToolTextSplitter, splitToolText, type ToolTextSegment } from './text-tool-calls.ts';

const TOOLS: ToolDefinition[] = [
  { name: 'Read', parameters: { type: 'object', properties: { file_path: { type: 'string' } } } },
  { name: 'shell', parameters: { type: 'object', properties: { command: { type: 'array' } } } },
];

/** `text` pushed in pieces of `size` characters, neighbours of one kind joined. */
function streamed(text: string, size: number): ToolTextSegment[] {
  const s = createToolTextSplitter(TOOLS);
  const raw: ToolTextSegment[] = [];
  for (let i = 0; i < text.length; i += size) raw.push(...s.push(text.slice(i, i + size)));
  raw.push(...s.flush());
  const out: ToolTextSegment[] = [];
  for (const seg of raw) {
    const last = out.at(-1);
    if ('text' in seg && last && 'text' in last) out[out.length - 1] = { text: last.text + seg.text };
    else if ('reasoning' in seg && last && 'reasoning' in last) out[out.length - 1] = { reasoning: last.reasoning + seg.reasoning };
    else out.push(seg);
  }
  return out;
}

/** The whole text and every split give the same segments. */
function each(text: string, expected: ToolTextSegment[]): void {
  expect(splitToolText(text, TOOLS)).toEqual(expected);
  for (const size of [1, 2, 3, 7, 13]) expect([size, streamed(text, size)]).toEqual([size, expected]);
}

describe('gpt-oss Harmony messages passed on as text', () => {
  test('the analysis channel is reasoning; a message to functions.NAME is a call of it', () => {
    each('<|channel|>analysis<|message|>Need to read the file.<|end|><|start|>assistant<|channel|>commentary to=functions.Read <|constrain|>json<|message|>{"file_path":"/a"}<|call|>', [
      { reasoning: 'Need to read the file.' }, { call: { name: 'Read', arguments: '{"file_path":"/a"}' } },
    ]);
  });

  test('the final channel is the answer; the end tokens are left out', () => {
    each('<|channel|>analysis<|message|>Simple.<|end|><|start|>assistant<|channel|>final<|message|>Hello there!<|return|>', [
      { reasoning: 'Simple.' }, { text: 'Hello there!' },
    ]);
    each('<|start|>assistant<|channel|>final<|message|>Only an answer.', [{ text: 'Only an answer.' }]);
  });

  test('the recipient before the channel, `json` glued to the name, no end token at the end of the output', () => {
    each('<|start|>assistant to=functions.shelljson<|channel|>commentary<|message|>{"command":["ls","-la"]}<|call|>', [
      { call: { name: 'shell', arguments: '{"command":["ls","-la"]}' } },
    ]);
    each('<|channel|>commentary to=functions.Read json<|message|>{"file_path":"/c"}', [{ call: { name: 'Read', arguments: '{"file_path":"/c"}' } }]);
  });

  test('a preamble to the user, then two calls', () => {
    each('<|channel|>commentary<|message|>Reading both.<|end|><|start|>assistant<|channel|>commentary to=functions.Read<|message|>{"file_path":"/a"}<|call|>'
      + '<|start|>assistant<|channel|>commentary to=functions.Read<|message|>{"file_path":"/b"}<|call|>', [
      { text: 'Reading both.' }, { call: { name: 'Read', arguments: '{"file_path":"/a"}' } }, { call: { name: 'Read', arguments: '{"file_path":"/b"}' } },
    ]);
  });

  test('a call of a tool the request did not declare (gpt-oss\'s own browser), or unreadable arguments, stays text', () => {
    const browser = '<|channel|>commentary to=browser.search <|constrain|>json<|message|>{"query":"bun"}<|call|>';
    each(browser, [{ text: browser }]);
    const broken = '<|channel|>commentary to=functions.Read<|message|>not json at all<|call|>';
    each(broken, [{ text: broken }]);
  });

  test('only an output that starts with a Harmony message is read so; other markup keeps its own forms', () => {
    expect([startsHarmony(' <|chan'), startsHarmony('<|channel|>final'), startsHarmony('<|tool_call'), startsHarmony('Hello')]).toEqual([undefined, true, false, false]);
    each('See <|channel|>final<|message|> in the docs.', [{ text: 'See <|channel|>final<|message|> in the docs.' }]);
    each('<tool_call>{"name": "Read", "arguments": {"file_path": "/h"}}</tool_call>', [{ call: { name: 'Read', arguments: '{"file_path":"/h"}' } }]);
    each('<', [{ text: '<' }]);
  });
});
