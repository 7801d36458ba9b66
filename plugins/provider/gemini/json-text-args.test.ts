import { describe, expect, test } from 'bun:test';
import type { ChatRequest, ChatResult, StreamPart } from '../../../core/types/hub.ts';
import { decodeJsonTextArgs, jsonTextArgs } from './json-text-args.ts';

describe('decodeJsonTextArgs', () => {
  test('strings at the paths that parse as JSON become their values; the rest stays as written', () => {
    const args = JSON.stringify({
      headers: '{"Accept":"text/html"}',
      rows: ['{"id":1}', 'not json', { id: 3 }],
      note: '{"left":"alone"}',
      value: '42',
    });
    const out = JSON.parse(decodeJsonTextArgs(args, [['headers'], ['rows', null], ['value'], ['missing', 'deeper']]));
    expect(out).toEqual({ headers: { Accept: 'text/html' }, rows: [{ id: 1 }, 'not json', { id: 3 }], note: '{"left":"alone"}', value: 42 });
  });

  test('arguments that are not JSON, or hold nothing to decode, come back unchanged', () => {
    expect(decodeJsonTextArgs('{"a":', [['a']])).toBe('{"a":');
    const same = '{"a": {"already": "an object"}}';
    expect(decodeJsonTextArgs(same, [['a']])).toBe(same);
  });
});

const TOOLS: ChatRequest['tools'] = [
  { name: 'http_get', parameters: { type: 'object', properties: { url: { type: 'string' }, headers: { type: 'object', additionalProperties: { type: 'string' } } } } },
  { name: 'plain', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
];
const req: ChatRequest = { model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], tools: TOOLS };

describe('jsonTextArgs', () => {
  test('nothing to do when no tool has an argument written as JSON text', () => {
    expect(jsonTextArgs({ ...req, tools: [TOOLS[1]!] })).toBeUndefined();
    expect(jsonTextArgs({ ...req, tools: undefined })).toBeUndefined();
  });

  test('a result: the named tool\'s calls are decoded, other calls are not touched', () => {
    const result: ChatResult = {
      id: 'r', model: 'm', finishReason: 'tool-calls',
      content: [
        { type: 'tool-call', id: 'c1', name: 'http_get', arguments: '{"url":"https://x","headers":"{\\"Accept\\":\\"*/*\\"}"}' },
        { type: 'tool-call', id: 'c2', name: 'plain', arguments: '{"q":"{\\"x\\":1}"}' },
      ],
    } as ChatResult;
    const out = jsonTextArgs(req)!.restoreResult(result);
    expect(out.content.map((p) => (p as { arguments: string }).arguments)).toEqual([
      '{"url":"https://x","headers":{"Accept":"*/*"}}', '{"q":"{\\"x\\":1}"}',
    ]);
  });

  test('a stream: the call\'s deltas are held to its end and sent as one; other parts pass in order', async () => {
    const parts: StreamPart[] = [
      { type: 'text-delta', text: 'Fetching.' },
      { type: 'tool-call-start', id: 'c1', name: 'http_get', index: 0 },
      { type: 'tool-call-delta', id: 'c1', index: 0, argumentsDelta: '{"url":"https://x",' },
      { type: 'tool-call-delta', id: 'c1', index: 0, argumentsDelta: '"headers":"{\\"A\\":\\"b\\"}"}' },
      { type: 'tool-call-end', id: 'c1', index: 0 },
      { type: 'tool-call-start', id: 'c2', name: 'plain', index: 1 },
      { type: 'tool-call-delta', id: 'c2', index: 1, argumentsDelta: '{"q":"x"}' },
      { type: 'tool-call-end', id: 'c2', index: 1 },
    ];
    const input = new ReadableStream<StreamPart>({ start(c) { for (const p of parts) c.enqueue(p); c.close(); } });
    const out: StreamPart[] = [];
    for await (const p of jsonTextArgs(req)!.restoreStream(input)) out.push(p);
    expect(out).toEqual([
      parts[0]!, parts[1]!,
      { type: 'tool-call-delta', id: 'c1', index: 0, argumentsDelta: '{"url":"https://x","headers":{"A":"b"}}' },
      parts[4]!, parts[5]!, parts[6]!, parts[7]!,
    ]);
  });
});
