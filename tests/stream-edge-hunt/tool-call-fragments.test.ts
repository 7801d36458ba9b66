/**
 * Tool calls as the upstreams really stream them, to every client dialect: OpenAI Chat
 * fragments keyed by `index` (interleaved, several calls in one chunk, the id and name arriving
 * after the first fragment, no arguments at all), Anthropic `input_json_delta` cut anywhere
 * (inside a string, an escape, a multi-byte character), Gemini calls that come whole. Each
 * client's SDK must end with the calls the upstream made: names, ids where the dialect has
 * them, and arguments that parse to the same JSON.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { ask, DIALECTS, MODEL, NATIVE, startEdgeGateway, type Dialect, type EdgeGateway, type Seen, type Step } from './edge-kit.ts';

let g: EdgeGateway;
beforeAll(async () => {
  g = await startEdgeGateway();
});
afterAll(async () => {
  await g?.stop();
});

const chatChunk = (delta: unknown, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-t1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-chat', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const chatEnd = chatChunk({}, 'tool_calls') +
  `data: ${JSON.stringify({ id: 'chatcmpl-t1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-chat', choices: [], usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 } })}\n\ndata: [DONE]\n\n`;
const role = chatChunk({ role: 'assistant', content: null });
const call = (index: number, extra: Record<string, unknown>, fn: Record<string, unknown>) => chatChunk({ tool_calls: [{ index, ...extra, function: fn }] });

/** The calls as `[name, arguments]`, plus the ids where the client dialect carries the upstream's. */
function callsOf(seen: Seen): Array<[string, unknown]> {
  return seen.calls.map((c) => [c.name, c.args]);
}

async function expectCalls(d: Dialect, model: string, steps: Step[], expected: Array<[string, unknown]>, ids?: string[]): Promise<void> {
  g.next({ steps });
  const seen = await ask(g, d, model);
  expect(callsOf(seen)).toEqual(expected);
  // Gemini clients get the upstream's ids only from a Gemini upstream.
  if (ids && d !== 'gemini') expect(seen.calls.map((c) => c.id)).toEqual(ids);
}

const translated = (native: Dialect) => DIALECTS.filter((d) => d !== native);

describe('OpenAI Chat upstream → every other client', () => {
  for (const d of translated(NATIVE.chat)) {
    test(`${d}: the id and name arrive in a later chunk than the first argument fragment`, async () => {
      await expectCalls(d, MODEL.chat, [
        role,
        call(0, {}, { arguments: '{"city":' }),
        call(0, { id: 'call_late', type: 'function' }, { name: 'get_weather', arguments: '"Paris"}' }),
        chatEnd,
      ], [['get_weather', { city: 'Paris' }]], ['call_late']);
    });

    test(`${d}: the name comes first, the id with the arguments in the next chunk`, async () => {
      await expectCalls(d, MODEL.chat, [
        role,
        call(0, { type: 'function' }, { name: 'get_weather', arguments: '' }),
        call(0, { id: 'call_next' }, { arguments: '{"city":"Paris"}' }),
        chatEnd,
      ], [['get_weather', { city: 'Paris' }]]);
    });

    test(`${d}: parallel calls whose fragments interleave by index`, async () => {
      await expectCalls(d, MODEL.chat, [
        role,
        call(0, { id: 'call_a', type: 'function' }, { name: 'get_weather', arguments: '' }),
        call(1, { id: 'call_b', type: 'function' }, { name: 'lookup', arguments: '{"q":' }),
        call(0, {}, { arguments: '{"city":"Pa' }),
        call(1, {}, { arguments: '"東京"}' }),
        call(0, {}, { arguments: 'ris"}' }),
        chatEnd,
      ], [['get_weather', { city: 'Paris' }], ['lookup', { q: '東京' }]], ['call_a', 'call_b']);
    });

    test(`${d}: two whole calls in one chunk, and servers that send each call whole at index 0`, async () => {
      await expectCalls(d, MODEL.chat, [
        role,
        chatChunk({ tool_calls: [
          { index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { index: 1, id: 'call_b', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } },
        ] }),
        call(0, { id: 'call_c', type: 'function' }, { name: 'lookup', arguments: '{"q":"y"}' }),
        chatEnd,
      ], [['get_weather', { city: 'Paris' }], ['lookup', { q: 'x' }], ['lookup', { q: 'y' }]], ['call_a', 'call_b', 'call_c']);
    });

    test(`${d}: calls without any arguments get {}`, async () => {
      await expectCalls(d, MODEL.chat, [
        role,
        call(0, { id: 'call_a', type: 'function' }, { name: 'lookup', arguments: '' }),
        call(1, { id: 'call_b', type: 'function' }, { name: 'lookup' }),
        chatEnd,
      ], [['lookup', {}], ['lookup', {}]], ['call_a', 'call_b']);
    });
  }
});

const named = (json: Record<string, unknown> & { type: string }) => `event: ${json.type}\ndata: ${JSON.stringify(json)}\n\n`;
const anthropicStart = named({ type: 'message_start', message: { id: 'msg_t1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } } });
const anthropicEnd = named({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 6 } }) + named({ type: 'message_stop' });
const toolBlock = (index: number, id: string, name: string, fragments: string[], input: unknown = {}) =>
  named({ type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input } }) +
  fragments.map((f) => named({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: f } })).join('') +
  named({ type: 'content_block_stop', index });

describe('Anthropic upstream → every client', () => {
  const args = '{"q":"a \\"quoted\\" \\u00e9 and 🗼 and \\\\ end","n":[1,2,{"k":null}]}';
  // Cut everywhere that matters: inside a key, right after a backslash, inside \u00e9, inside the emoji's surrogate pair.
  const cuts = [3, args.indexOf('\\"') + 1, args.indexOf('\\u00') + 3, args.indexOf('🗼') + 1, args.length - 5];
  const fragments = cuts.map((c, i) => args.slice(i === 0 ? 0 : cuts[i - 1], c)).concat(args.slice(cuts.at(-1)));
  for (const d of DIALECTS) {
    test(`${d}: input_json_delta cut inside keys, escapes and characters; a call whose input comes whole on its start`, async () => {
      await expectCalls(d, MODEL.anthropic, [
        anthropicStart,
        toolBlock(0, 'toolu_01', 'lookup', fragments),
        toolBlock(1, 'toolu_02', 'get_weather', [], { city: 'Paris' }),
        toolBlock(2, 'toolu_03', 'lookup', ['']),
        anthropicEnd,
      ], [['lookup', JSON.parse(args)], ['get_weather', { city: 'Paris' }], ['lookup', {}]], ['toolu_01', 'toolu_02', 'toolu_03']);
    });
  }
});

describe('Gemini upstream → every client', () => {
  const chunk = (parts: unknown[], finish?: string) => `data: ${JSON.stringify({
    candidates: [{ content: { role: 'model', parts }, ...(finish ? { finishReason: finish } : {}), index: 0 }],
    ...(finish ? { usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 6, totalTokenCount: 11 } } : {}),
    modelVersion: 'gemini-2.5-pro', responseId: 'gem-t1',
  })}\r\n\r\n`;
  for (const d of DIALECTS) {
    test(`${d}: two whole calls in one chunk (with ids), one without arguments`, async () => {
      await expectCalls(d, MODEL.gemini, [
        chunk([{ functionCall: { id: 'g1', name: 'get_weather', args: { city: '東京' } } }, { functionCall: { id: 'g2', name: 'lookup', args: {} } }]),
        chunk([{ functionCall: { name: 'lookup' } }], 'STOP'),
      ], [['get_weather', { city: '東京' }], ['lookup', {}], ['lookup', {}]]);
    });
  }
});
