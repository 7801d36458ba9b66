/**
 * Anthropic in, Anthropic out through the hub (the non-passthrough lane, e.g. when a
 * transformPart hook is active): the `anthropic` provider's parser and converter chained with
 * the `anthropic-messages` translator must reproduce the recorded wire samples.
 */
import { describe, expect, test } from 'bun:test';
import type { StreamPart } from '../core/types/hub.ts';
import { createSseParser } from '../core/util/sse.ts';
import { convertToAnthropicMessagesRequest } from '../plugins/provider/anthropic/convert-to-anthropic-messages-request.ts';
import { createAnthropicStreamParser } from '../plugins/provider/anthropic/create-anthropic-stream-parser.ts';
import { mapAnthropicResponse } from '../plugins/provider/anthropic/map-anthropic-response.ts';
import { AnthropicStreamEncoder } from '../plugins/translator/anthropic-messages/anthropic-stream-encoder.ts';
import { decodeAnthropicMessagesRequest } from '../plugins/translator/anthropic-messages/decode-anthropic-messages-request.ts';
import { encodeAnthropicMessagesResult } from '../plugins/translator/anthropic-messages/encode-anthropic-messages-result.ts';

const FIX = `${import.meta.dir}/../../shared/fixtures/anthropic`;
type Frame = { event?: string; data: Record<string, unknown> };

function frames(text: string): Frame[] {
  const p = createSseParser();
  return [...p.push(text), ...p.end()].map((e) => ({ event: e.event, data: JSON.parse(e.data) }));
}

/**
 * Frames that carry content, without pings and empty deltas (which the hub drops). The docs
 * sample omits the empty `signature` of a thinking block start that the API sends; it is added.
 */
function content(list: Frame[]): Frame[] {
  for (const f of list) {
    const block = f.data.content_block as Record<string, unknown> | undefined;
    if (block?.type === 'thinking' && block.signature === undefined) block.signature = '';
  }
  return list.filter((f) => {
    if (f.event === 'ping' || f.event === 'message_start' || f.event === 'message_delta') return false;
    const d = f.data.delta as Record<string, unknown> | undefined;
    return !(d && ((d.type === 'thinking_delta' && d.thinking === '') || (d.type === 'input_json_delta' && d.partial_json === '')));
  });
}

async function roundTrip(name: string): Promise<{ fixture: Frame[]; out: Frame[] }> {
  const text = await Bun.file(`${FIX}/${name}`).text();
  const parser = createAnthropicStreamParser();
  const parts: StreamPart[] = [...parser.push(new TextEncoder().encode(text)), ...parser.end()];
  const enc = new AnthropicStreamEncoder({ id: 'req_x', model: 'fallback' });
  let out = '';
  for (const p of parts) out += enc.push(p);
  out += enc.end();
  return { fixture: frames(text), out: frames(out) };
}

describe('stream fixtures survive provider parser → hub → dialect encoder', () => {
  for (const name of ['stream-text.sse', 'stream-tool-use.sse', 'stream-thinking-sdk-fixture.sse', 'stream-thinking-docs.sse']) {
    test(name, async () => {
      const { fixture, out } = await roundTrip(name);
      expect(content(out)).toEqual(content(fixture).map((f) => ({ event: f.event, data: JSON.parse(JSON.stringify(f.data)) })));
      const start = (list: Frame[]) => list[0].data.message as Record<string, unknown>;
      expect(start(out).id).toBe(start(fixture).id);
      expect(start(out).model).toBe(start(fixture).model);
      const delta = (list: Frame[]) => list.find((f) => f.event === 'message_delta')?.data as Record<string, Record<string, unknown>>;
      expect(delta(out).delta.stop_reason).toBe(delta(fixture).delta.stop_reason);
      const outputTokens = delta(fixture).usage?.output_tokens;
      if (outputTokens !== undefined) expect(delta(out).usage.output_tokens).toBe(outputTokens);
      expect(out.filter((f) => f.event === 'ping')).toHaveLength(1);
    });
  }

  test('stream-error-event.sse', async () => {
    const { fixture, out } = await roundTrip('stream-error-event.sse');
    expect(out).toEqual(fixture);
  });

  test('message.json', async () => {
    const fixture = await Bun.file(`${FIX}/message.json`).json();
    const out = encodeAnthropicMessagesResult(mapAnthropicResponse(fixture), { id: 'x', model: 'y' });
    expect(out).toEqual({ ...fixture, usage: { ...fixture.usage, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } });
  });
});

describe('request: dialect decoder → provider converter is lossless for Anthropic features', () => {
  test('a rich Claude Code style body comes out as it went in', () => {
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 32000,
      system: [{ type: 'text', text: 'You are Claude Code.' }, { type: 'text', text: 'Project rules.', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: [
          { type: 'text', text: 'Look at this and the report.' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'Report', citations: { enabled: true } },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'notes' }, title: 'Notes' },
        ] },
        { role: 'assistant', content: [
          { type: 'thinking', thinking: 'Need the tool.', signature: 'EqSignature==' },
          { type: 'redacted_thinking', data: 'EmRedacted' },
          { type: 'text', text: 'Reading the file.' },
          { type: 'tool_use', id: 'toolu_01A', name: 'Read', input: { file_path: '/a.ts' } },
          { type: 'tool_use', id: 'toolu_01B', name: 'Bash', input: { command: 'ls' } },
        ] },
        { role: 'user', content: [
          { type: 'tool_result', tool_use_id: 'toolu_01A', content: 'export {}', cache_control: { type: 'ephemeral' } },
          { type: 'tool_result', tool_use_id: 'toolu_01B', content: [{ type: 'text', text: 'permission denied' }, { type: 'image', source: { type: 'url', url: 'https://example.com/x.png' } }], is_error: true },
          { type: 'text', text: 'Go on.' },
        ] },
      ],
      tools: [
        { name: 'Read', description: 'Read a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] } },
        { name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } }, cache_control: { type: 'ephemeral' } },
        { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
      ],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      thinking: { type: 'enabled', budget_tokens: 10000 },
      stop_sequences: ['</done>'],
      metadata: { user_id: 'user_abc' },
      context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
      stream: true,
    };
    const hub = decodeAnthropicMessagesRequest(body).body;
    const out = convertToAnthropicMessagesRequest(hub, 'claude-sonnet-4-5').body;
    expect(out).toEqual(body);
  });
});
