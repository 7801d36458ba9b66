import { describe, expect, test } from 'bun:test';
import { isGatewayError, type GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatRequest, ReasoningPart, ToolResultPart } from '../../../core/types/hub.ts';
import { decodeAnthropicMessagesRequest } from './decode-anthropic-messages-request.ts';

const base = { model: 'claude-sonnet-4-5', max_tokens: 1024 };
const decode = (body: Record<string, unknown>): ChatRequest => decodeAnthropicMessagesRequest({ ...base, ...body }).body;

function rejection(body: unknown): GatewayError {
  try {
    decodeAnthropicMessagesRequest(body);
  } catch (e) {
    if (isGatewayError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('decodeAnthropicMessagesRequest', () => {
  test('minimal request: model, stream flag, raw body kept', () => {
    const body = { ...base, messages: [{ role: 'user', content: 'Hello' }], stream: true };
    const req = decodeAnthropicMessagesRequest(body);
    expect(req.operation).toBe('chat');
    expect(req.model).toBe('claude-sonnet-4-5');
    expect(req.stream).toBe(true);
    expect(req.raw).toBe(body);
    expect(req.body.maxTokens).toBe(1024);
    expect(req.body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }]);
  });

  test('system as string and as blocks with cache_control', () => {
    expect(decode({ system: 'Be brief.', messages: [{ role: 'user', content: 'x' }] }).messages[0])
      .toEqual({ role: 'system', content: [{ type: 'text', text: 'Be brief.' }] });
    const req = decode({
      system: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(req.messages[0]).toEqual({
      role: 'system',
      content: [
        { type: 'text', text: 'A' },
        { type: 'text', text: 'B', providerOptions: { anthropic: { cache_control: { type: 'ephemeral' } } } },
      ],
    });
  });

  test('images (base64 and url) and documents', () => {
    const req = decode({
      messages: [{
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' }, cache_control: { type: 'ephemeral' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBER' }, title: 'Report', citations: { enabled: true } },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' } },
        ],
      }],
    });
    const [img1, img2, pdf, txt] = req.messages[0].content;
    expect(img1).toEqual({ type: 'image', data: 'iVBOR', mediaType: 'image/png' });
    expect(img2).toEqual({ type: 'image', url: 'https://example.com/cat.jpg', providerOptions: { anthropic: { cache_control: { type: 'ephemeral' } } } });
    expect(pdf).toMatchObject({ type: 'file', data: 'JVBER', mediaType: 'application/pdf', filename: 'Report' });
    expect(pdf.providerOptions?.anthropic).toEqual({ title: 'Report', citations: { enabled: true } });
    expect(txt).toMatchObject({ type: 'text', text: 'plain words' });
    expect((txt.providerOptions?.anthropic as { block: { type: string } }).block.type).toBe('document');
  });

  test('tool_use and tool_result (string, blocks, is_error) become tool calls and tool messages', () => {
    const req = decode({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'boom' }], is_error: true },
            { type: 'text', text: 'Thanks' },
          ],
        },
      ],
    });
    expect(req.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'user']);
    expect(req.messages[1].content[1]).toEqual({ type: 'tool-call', id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' });
    const r1 = req.messages[2].content[0] as ToolResultPart;
    const r2 = req.messages[3].content[0] as ToolResultPart;
    expect(r1).toEqual({ type: 'tool-result', toolCallId: 'toolu_1', name: 'get_weather', content: [{ type: 'text', text: '18C' }] });
    expect(r2.isError).toBe(true);
    expect(r2.content).toEqual([{ type: 'text', text: 'boom' }]);
    expect(req.messages[4].content).toEqual([{ type: 'text', text: 'Thanks' }]);
  });

  test('thinking with signature → reasoning with origin anthropic; wrapped foreign signature is unwrapped', () => {
    const req = decode({
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'EqQBsig' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'thinking', thinking: 'gem', signature: 'swy1:gemini:abc:def' },
            { type: 'text', text: 'Hello' },
          ],
        },
        { role: 'user', content: 'again' },
      ],
    });
    const [t1, t2, t3] = req.messages[1].content as ReasoningPart[];
    expect(t1).toEqual({ type: 'reasoning', text: 'hmm', signature: 'EqQBsig', origin: 'anthropic' });
    expect(t2).toEqual({ type: 'reasoning', text: '', redacted: 'opaque', origin: 'anthropic' });
    expect(t3).toEqual({ type: 'reasoning', text: 'gem', signature: 'abc:def', origin: 'gemini' });
  });

  test('history with reasoning from another provider is not kept for the passthrough lane', () => {
    const turn = (content: unknown[]) => ({ ...base, messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content }, { role: 'user', content: 'next' }] });
    const own = turn([{ type: 'thinking', thinking: 'a', signature: 'EqQBsig' }, { type: 'redacted_thinking', data: 'opaque' }, { type: 'text', text: 'ok' }]);
    expect(decodeAnthropicMessagesRequest(own).raw).toBe(own);
    expect(decodeAnthropicMessagesRequest(turn([{ type: 'thinking', thinking: 'g', signature: 'swy1:gemini:abc' }])).raw).toBeUndefined();
    expect(decodeAnthropicMessagesRequest(turn([{ type: 'thinking', thinking: 'unsigned', signature: '' }])).raw).toBeUndefined();
    expect(decodeAnthropicMessagesRequest(turn([{ type: 'redacted_thinking', data: 'swy1:openai-responses:gAAA' }])).raw).toBeUndefined();
  });

  test('tools, tool_choice and parallel flag', () => {
    const tools = [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } }, cache_control: { type: 'ephemeral' } }];
    const msgs = [{ role: 'user', content: 'x' }];
    const req = decode({ tools, tool_choice: { type: 'any', disable_parallel_tool_use: true }, messages: msgs });
    expect(req.tools).toEqual([{
      name: 'get_weather', description: 'Weather', parameters: tools[0].input_schema,
      providerOptions: { anthropic: { cache_control: { type: 'ephemeral' } } },
    }]);
    expect(req.toolChoice).toBe('required');
    expect(req.parallelToolCalls).toBe(false);
    expect(decode({ tools, tool_choice: { type: 'tool', name: 'get_weather' }, messages: msgs }).toolChoice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(decode({ tools, tool_choice: { type: 'none' }, messages: msgs }).toolChoice).toBe('none');
    expect(decode({ tools, tool_choice: { type: 'auto' }, messages: msgs }).parallelToolCalls).toBeUndefined();
  });

  test('server tools are kept for Anthropic only', () => {
    const req = decode({
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }, { name: 'f', input_schema: { type: 'object' } }],
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(req.tools?.map((t) => t.name)).toEqual(['f']);
    const a = req.providerOptions?.anthropic as { serverTools: unknown[]; anthropicOnly: string };
    expect(a.serverTools).toEqual([{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }]);
    expect(a.anthropicOnly).toContain('web_search_20250305');
  });

  test('thinking variants and output_config effort', () => {
    const msgs = [{ role: 'user', content: 'x' }];
    expect(decode({ thinking: { type: 'enabled', budget_tokens: 2048 }, messages: msgs }).reasoning)
      .toEqual({ enabled: true, includeThoughts: true, budgetTokens: 2048 });
    const adaptive = decode({ thinking: { type: 'adaptive' }, messages: msgs });
    expect(adaptive.reasoning).toEqual({ enabled: true, includeThoughts: true });
    expect(adaptive.providerOptions?.anthropic?.thinking).toEqual({ type: 'adaptive' });
    expect(decode({ thinking: { type: 'disabled' }, messages: msgs }).reasoning).toEqual({ enabled: false });
    const effort = decode({ output_config: { effort: 'high' }, messages: msgs });
    expect(effort.reasoning).toEqual({ effort: 'high' });
    expect(effort.providerOptions?.anthropic?.extra).toEqual({ output_config: { effort: 'high' } });
  });

  test('sampling, stop sequences, metadata and unknown extras', () => {
    const req = decode({
      messages: [{ role: 'user', content: 'x' }],
      temperature: 0.2, top_p: 0.9, top_k: 40, stop_sequences: ['END'], metadata: { user_id: 'u-1' },
      context_management: { edits: [] }, service_tier: 'auto', brand_new_option: 1,
    });
    expect(req).toMatchObject({ temperature: 0.2, topP: 0.9, topK: 40, stop: ['END'], user: 'u-1' });
    expect(req.providerOptions?.anthropic?.extra).toEqual({ context_management: { edits: [] }, service_tier: 'auto', brand_new_option: 1 });
  });

  test('structured output becomes a json_schema response format', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const req = decode({ output_config: { format: { type: 'json_schema', schema } }, messages: [{ role: 'user', content: 'x' }] });
    expect(req.responseFormat).toEqual({ type: 'json_schema', name: 'output', schema });
  });

  test('unknown block types pass as opaque blocks with a text rendering', () => {
    const block = { type: 'search_result', source: 'https://x', title: 'T', content: [{ type: 'text', text: 'found' }] };
    const req = decode({ messages: [{ role: 'user', content: [block] }] });
    const part = req.messages[0].content[0];
    expect(part.type).toBe('text');
    expect((part as { text: string }).text).toContain('found');
    expect(part.providerOptions?.anthropic?.block).toEqual(block);
  });

  test('invalid bodies: 400 naming the field, never echoing values', () => {
    expect(rejection('nope').status).toBe(400);
    expect(rejection({ model: 'm', messages: [] }).message).toBe('max_tokens: Field required');
    const bad = rejection({ ...base, messages: [{ role: 'user', content: [{ type: 'text' }] }] });
    expect(bad.status).toBe(400);
    expect(bad.code).toBe('GW_BAD_REQUEST');
    expect(bad.message).toContain('messages.0.content.0.text');
    const secret = rejection({ ...base, max_tokens: 'sk-secret-value', messages: [] });
    expect(secret.message).not.toContain('sk-secret-value');
    expect(rejection({ ...base, messages: [{ role: 'robot', content: 'x' }] }).message).toContain('messages.0.role');
    expect(rejection({ ...base, messages: [], tools: [{ name: 'f' }] }).message).toContain('input_schema');
  });
});
