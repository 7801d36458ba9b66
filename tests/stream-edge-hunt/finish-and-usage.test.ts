/**
 * The end of a stream on every lane: each upstream finish (stop, max tokens, tool calls, a
 * content filter) reaches each client SDK as its dialect's value, with the final usage the
 * upstream reported (cached tokens included, whether the figures come after the finish as
 * OpenAI's `include_usage` chunk, in the finish chunk itself, or as Gemini's running counts);
 * Anthropic's own reasons (`stop_sequence` with the sequence echoed, `pause_turn`,
 * `model_context_window_exceeded`, `refusal`) as docs/translation.md maps them; and content
 * the hub has no part for (citations, server tool blocks, redacted thinking, block and event
 * types that do not exist yet) never breaks a stream.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { ask, DIALECTS, FORMATS, MODEL, NATIVE, startEdgeGateway, upstreamStream, type Dialect, type EdgeGateway, type Reply } from './edge-kit.ts';

let g: EdgeGateway;
beforeAll(async () => {
  g = await startEdgeGateway();
});
afterAll(async () => {
  await g?.stop();
});

const FINISH: Record<Dialect, Record<NonNullable<Reply['finish']>, string>> = {
  'openai-chat': { stop: 'stop', length: 'length', tool: 'tool_calls', filter: 'content_filter' },
  'anthropic-messages': { stop: 'end_turn', length: 'max_tokens', tool: 'tool_use', filter: 'refusal' },
  'openai-responses': { stop: 'completed', length: 'incomplete', tool: 'completed', filter: 'incomplete' },
  gemini: { stop: 'STOP', length: 'MAX_TOKENS', tool: 'STOP', filter: 'SAFETY' },
};

describe('finish reasons and final usage, every pair', () => {
  for (const finish of ['stop', 'length', 'tool', 'filter'] as const) {
    for (const f of FORMATS) {
      for (const d of DIALECTS) {
        test(`${finish}: ${d} ← ${f}${d === NATIVE[f] ? ' (passthrough)' : ''}`, async () => {
          const reply: Reply = {
            text: ['Hi'], finish, usage: { input: 100, output: 7, cached: 40 },
            ...(finish === 'tool' ? { calls: [{ id: 'call_1', name: 'lookup', args: ['{}'] }] } : {}),
          };
          g.next({ steps: [upstreamStream(f, reply)] });
          const seen = await ask(g, d, MODEL[f]);
          expect(seen.finish).toBe(FINISH[d][finish]);
          if (d === 'openai-responses' && finish === 'length') expect(seen.incomplete).toBe('max_output_tokens');
          if (d === 'openai-responses' && finish === 'filter') expect(seen.incomplete).toBe('content_filter');
          expect(seen.usage).toEqual({ input: 100, output: 7, cached: 40 });
        });
      }
    }
  }
});

describe('where the usage comes from', () => {
  const geminiChunk = (parts: unknown[], usage: Record<string, number>, finish?: string) =>
    `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts }, ...(finish ? { finishReason: finish } : {}), index: 0 }], usageMetadata: usage, modelVersion: 'gemini-2.5-pro', responseId: 'r1' })}\r\n\r\n`;
  const chatChunk = (delta: unknown, finish: string | null = null, usage?: unknown) =>
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
  for (const d of DIALECTS) {
    test(`Gemini's running counts (thoughts, cache) → ${d}: the last figures`, async () => {
      const base = { promptTokenCount: 100, cachedContentTokenCount: 40 };
      g.next({ steps: [
        geminiChunk([{ text: 'think', thought: true }], { ...base, totalTokenCount: 110, thoughtsTokenCount: 10 }),
        geminiChunk([{ text: 'Hello' }], { ...base, candidatesTokenCount: 2, totalTokenCount: 132, thoughtsTokenCount: 30 }),
        geminiChunk([{ text: ' world' }], { ...base, candidatesTokenCount: 5, totalTokenCount: 135, thoughtsTokenCount: 30 }, 'STOP'),
      ] });
      expect((await ask(g, d, MODEL.gemini)).usage).toEqual({ input: 100, output: 35, cached: 40 });
      expect(await g.lastRow()).toMatchObject({ inputTokens: 100, outputTokens: 35 });
    });

    test(`OpenAI usage inside the finish chunk, no [DONE] → ${d}`, async () => {
      g.next({ steps: [chatChunk({ role: 'assistant', content: 'Hi' }), chatChunk({}, 'stop', { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70, prompt_tokens_details: { cached_tokens: 10 } })] });
      expect((await ask(g, d, MODEL.chat)).usage).toEqual({ input: 50, output: 20, cached: 10 });
    });
  }
});

describe("Anthropic's own stop reasons", () => {
  const expected: Record<string, Record<Dialect, string>> = {
    stop_sequence: { 'openai-chat': 'stop', 'anthropic-messages': 'stop_sequence', 'openai-responses': 'completed', gemini: 'STOP' },
    pause_turn: { 'openai-chat': 'stop', 'anthropic-messages': 'pause_turn', 'openai-responses': 'completed', gemini: 'OTHER' },
    model_context_window_exceeded: { 'openai-chat': 'length', 'anthropic-messages': 'model_context_window_exceeded', 'openai-responses': 'incomplete', gemini: 'MAX_TOKENS' },
    refusal: { 'openai-chat': 'content_filter', 'anthropic-messages': 'refusal', 'openai-responses': 'incomplete', gemini: 'SAFETY' },
  };
  for (const [reason, byDialect] of Object.entries(expected)) {
    for (const d of DIALECTS) {
      test(`${reason} → ${d}`, async () => {
        const sequence = reason === 'stop_sequence' ? '###' : null;
        const stream = upstreamStream('anthropic', { text: ['Hi'], finish: 'stop' })
          .replace('"stop_reason":"end_turn","stop_sequence":null', `"stop_reason":"${reason}","stop_sequence":${JSON.stringify(sequence)}`);
        g.next({ steps: [stream] });
        const seen = await ask(g, d, MODEL.anthropic, { stop: ['###'] });
        expect(seen.finish).toBe(byDialect[d]);
        if (d === 'anthropic-messages') expect(seen.stopSequence).toBe(sequence);
      });
    }
  }
});

describe('content the hub has no part for', () => {
  const named = (json: Record<string, unknown> & { type: string }) => `event: ${json.type}\ndata: ${JSON.stringify(json)}\n\n`;
  const stream = [
    named({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } }),
    named({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }),
    named({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me think 🤔' } }),
    named({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM' } }),
    named({ type: 'content_block_stop', index: 0 }),
    named({ type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' } }),
    named({ type: 'content_block_stop', index: 1 }),
    named({ type: 'content_block_start', index: 2, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} } }),
    named({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"query":"x"}' } }),
    named({ type: 'content_block_stop', index: 2 }),
    named({ type: 'content_block_start', index: 3, content_block: { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [{ type: 'web_search_result', url: 'https://e.com', title: 'E', encrypted_content: 'abc' }] } }),
    named({ type: 'content_block_stop', index: 3 }),
    named({ type: 'content_block_start', index: 4, content_block: { type: 'text', text: '', citations: [] } }),
    named({ type: 'content_block_delta', index: 4, delta: { type: 'citations_delta', citation: { type: 'web_search_result_location', url: 'https://e.com', title: 'E', encrypted_index: 'x', cited_text: 'c' } } }),
    named({ type: 'content_block_delta', index: 4, delta: { type: 'text_delta', text: 'Cited answer.' } }),
    named({ type: 'content_block_stop', index: 4 }),
    named({ type: 'content_block_start', index: 5, content_block: { type: 'mystery_block', foo: 1 } }),
    named({ type: 'content_block_delta', index: 5, delta: { type: 'mystery_delta', bar: 2 } }),
    named({ type: 'content_block_stop', index: 5 }),
    named({ type: 'brand_new_event', x: 1 }),
    named({ type: 'content_block_start', index: 6, content_block: { type: 'text', text: 'Tail' } }),
    named({ type: 'content_block_stop', index: 6 }),
    named({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 9 } }),
    named({ type: 'message_stop' }),
  ].join('');
  for (const d of DIALECTS) {
    test(`Anthropic citations, server tools, redacted thinking and unknown types → ${d}`, async () => {
      g.next({ steps: [stream] });
      const seen = await ask(g, d, MODEL.anthropic);
      expect(seen.text).toBe('Cited answer.Tail');
      expect(seen.reasoning).toBe('Let me think 🤔');
      expect(seen.calls).toEqual([]);
      expect(seen.usage).toMatchObject({ input: 10, output: 9 });
    });
  }
});
