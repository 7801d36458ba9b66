import { describe, expect, test } from 'bun:test';
import type { ChatRequest, Message } from '../../../core/types/hub.ts';
import { convertToBedrockRequest } from './convert-to-bedrock-request.ts';

const CLAUDE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA = 'amazon.nova-pro-v1:0';
const req = (messages: Message[], extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'm', stream: false, messages, ...extra });
const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const weather = { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
const toolTurn: Message[] = [
  user('weather?'),
  { role: 'assistant', content: [{ type: 'tool-call', id: 'call.1:x', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call.1:x', content: [{ type: 'text', text: 'sunny' }] }] },
];

describe('messages', () => {
  test('system anywhere → system; same-role turns merge; blank text is dropped; a prefill is trimmed', () => {
    const body = convertToBedrockRequest(req([
      { role: 'system', content: [{ type: 'text', text: 'Be terse.' }] },
      user('a'), user('  '), user('b'),
      { role: 'assistant', content: [{ type: 'text', text: 'so far ' }] },
    ]), NOVA);
    expect(body).toEqual({
      system: [{ text: 'Be terse.' }],
      messages: [{ role: 'user', content: [{ text: 'a' }, { text: 'b' }] }, { role: 'assistant', content: [{ text: 'so far' }] }],
    });
  });

  test('tool calls → toolUse (ids fitted to Converse), results → toolResult first in the user turn', () => {
    const body = convertToBedrockRequest(req([...toolTurn.slice(0, 2), { role: 'user', content: [{ type: 'text', text: 'also' }] }, toolTurn[2]!], { tools: [weather] }), NOVA);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'weather?' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'call_1_x', name: 'get_weather', input: { city: 'Paris' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'call_1_x', content: [{ text: 'sunny' }] } }, { text: 'also' }] },
    ]);
  });

  test('ids over 64 characters that share their start (two calls of one MCP tool) stay apart, and each result keeps its call', () => {
    const ids = ['1', '2'].map((n) => `codex_mcp__codex_apps__google_calendar.search_events_with_attendees_exec-${n.repeat(36)}`);
    const body = convertToBedrockRequest(req([
      user('two searches'),
      { role: 'assistant', content: ids.map((id) => ({ type: 'tool-call' as const, id, name: 'get_weather', arguments: '{}' })) },
      { role: 'tool', content: ids.map((id) => ({ type: 'tool-result' as const, toolCallId: id, content: [{ type: 'text' as const, text: id.slice(-1) }] })) },
    ], { tools: [weather] }), NOVA);
    const [, calls, results] = body.messages as any[];
    const callIds = calls.content.map((b: any) => b.toolUse.toolUseId);
    expect(new Set(callIds).size).toBe(2);
    for (const id of callIds) expect(id.length).toBeLessThanOrEqual(64);
    expect(results.content.map((b: any) => b.toolResult.toolUseId)).toEqual(callIds);
  });

  test('an error result carries status error; an empty one says so', () => {
    const body = convertToBedrockRequest(req([...toolTurn.slice(0, 2), { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call.1:x', content: [], isError: true }] }], { tools: [weather] }), NOVA);
    expect((body.messages as any[])[2].content[0]).toEqual({ toolResult: { toolUseId: 'call_1_x', content: [{ text: '(no output)' }], status: 'error' } });
  });

  test('images and documents go as bytes; a URL is refused with GW_UNSUPPORTED', () => {
    const body = convertToBedrockRequest(req([{ role: 'user', content: [
      { type: 'image', url: 'data:image/jpeg;base64,AAAA' },
      { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf', filename: 'Q3 report (final).pdf' },
    ] }]), NOVA);
    expect((body.messages as any[])[0].content).toEqual([
      { image: { format: 'jpeg', source: { bytes: 'AAAA' } } },
      { document: { format: 'pdf', name: 'Q3 report (final)', source: { bytes: 'JVBERi0=' } } },
    ]);
    expect(() => convertToBedrockRequest(req([{ role: 'user', content: [{ type: 'image', url: 'https://example.com/cat.png' }] }]), NOVA))
      .toThrow(expect.objectContaining({ code: 'GW_UNSUPPORTED', status: 400 }));
  });

  test('reasoning goes back only when Bedrock signed it', () => {
    const body = convertToBedrockRequest(req([user('q'), { role: 'assistant', content: [
      { type: 'reasoning', text: 'mine', signature: 'sig', origin: 'bedrock' },
      { type: 'reasoning', text: 'theirs', signature: 'other', origin: 'anthropic' },
      { type: 'reasoning', text: '', redacted: 'b64', origin: 'bedrock' },
      { type: 'text', text: 'answer' },
    ] }, user('next')]), CLAUDE);
    expect((body.messages as any[])[1].content).toEqual([
      { reasoningContent: { reasoningText: { text: 'mine', signature: 'sig' } } },
      { reasoningContent: { redactedContent: 'b64' } },
      { text: 'answer' },
    ]);
  });

  test('cache_control from an Anthropic client becomes a cachePoint after the block (system, messages, tools)', () => {
    const cc = { anthropic: { cache_control: { type: 'ephemeral' } } };
    const body = convertToBedrockRequest(req([
      { role: 'system', content: [{ type: 'text', text: 'sys', providerOptions: cc }] },
      { role: 'user', content: [{ type: 'text', text: 'hi', providerOptions: cc }] },
    ], { tools: [{ ...weather, providerOptions: cc }] }), CLAUDE);
    expect(body.system).toEqual([{ text: 'sys' }, { cachePoint: { type: 'default' } }]);
    expect((body.messages as any[])[0].content).toEqual([{ text: 'hi' }, { cachePoint: { type: 'default' } }]);
    expect((body.toolConfig as any).tools[1]).toEqual({ cachePoint: { type: 'default' } });
  });

  test('at most 4 cache points: the earliest marks beyond them are left out (Converse refuses a fifth)', () => {
    const cc = { anthropic: { cache_control: { type: 'ephemeral' } } };
    const marked = (text: string, role: 'user' | 'assistant'): Message => ({ role, content: [{ type: 'text', text, providerOptions: cc }] });
    const body = convertToBedrockRequest(req([
      { role: 'system', content: [{ type: 'text', text: 'sys', providerOptions: cc }] },
      marked('one', 'user'), marked('a', 'assistant'), marked('two', 'user'), marked('b', 'assistant'), marked('three', 'user'),
    ], { tools: [{ ...weather, providerOptions: cc }] }), CLAUDE);
    const points = (list: any[]) => list.filter((b) => 'cachePoint' in b).length;
    expect(points((body.toolConfig as any).tools)).toBe(0);
    expect(points(body.system as any[])).toBe(0);
    expect((body.messages as any[]).map((m) => points(m.content))).toEqual([0, 1, 1, 1, 1]);
  });
});

describe('tools', () => {
  test('tool choices: auto, required → any, a named tool; none sends no tools', () => {
    const choice = (toolChoice: ChatRequest['toolChoice']) => (convertToBedrockRequest(req([user('x')], { tools: [weather], toolChoice }), NOVA).toolConfig as any)?.toolChoice;
    expect([choice('auto'), choice('required'), choice({ type: 'tool', name: 'get_weather' }), choice(undefined)]).toEqual([{ auto: {} }, { any: {} }, { tool: { name: 'get_weather' } }, undefined]);
    expect(convertToBedrockRequest(req([user('x')], { tools: [weather], toolChoice: 'none' }), NOVA).toolConfig).toBeUndefined();
  });

  test('a history with tool blocks always has a toolConfig: undeclared tools get a bare schema', () => {
    expect(convertToBedrockRequest(req(toolTurn), NOVA).toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object', properties: {} } } } }],
    });
    expect((convertToBedrockRequest(req(toolTurn, { tools: [weather], toolChoice: 'none' }), NOVA).toolConfig as any)).toEqual({
      tools: [{ toolSpec: { name: 'get_weather', description: 'Weather', inputSchema: { json: weather.parameters } } }],
    });
  });

  test('a schema without a root type becomes an object schema', () => {
    const body = convertToBedrockRequest(req([user('x')], { tools: [{ name: 'noop', parameters: {} }] }), NOVA);
    expect((body.toolConfig as any).tools[0].toolSpec.inputSchema).toEqual({ json: { type: 'object', properties: {} } });
  });
});

describe('inference settings and thinking', () => {
  test('temperature and top p within 0..1, blank stops dropped; Claude drops top p beside temperature', () => {
    const r = req([user('x')], { maxTokens: 100, temperature: 1.7, topP: 0.9, stop: ['END', ' '] });
    expect(convertToBedrockRequest(r, NOVA).inferenceConfig).toEqual({ maxTokens: 100, temperature: 1, topP: 0.9, stopSequences: ['END'] });
    expect(convertToBedrockRequest(r, CLAUDE).inferenceConfig).toEqual({ maxTokens: 100, temperature: 1, stopSequences: ['END'] });
  });

  test('the model\'s output limit caps maxTokens', () => {
    expect(convertToBedrockRequest(req([user('x')], { maxTokens: 100_000 }), NOVA, { maxOutputTokens: 10_000 }).inferenceConfig).toEqual({ maxTokens: 10_000 });
  });

  test('Claude thinking: budget by effort, room for the answer, no temperature; top_k otherwise', () => {
    const body = convertToBedrockRequest(req([user('x')], { reasoning: { effort: 'medium' }, temperature: 0.5, topK: 5 }), CLAUDE);
    expect(body.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 4096 } });
    expect(body.inferenceConfig).toEqual({ maxTokens: 8192 });
    expect(convertToBedrockRequest(req([user('x')], { topK: 5 }), CLAUDE).additionalModelRequestFields).toEqual({ top_k: 5 });
  });

  test('a thinking budget at or above the output limit is kept below it', () => {
    const body = convertToBedrockRequest(req([user('x')], { reasoning: { budgetTokens: 50_000 }, maxTokens: 60_000 }), CLAUDE, { maxOutputTokens: 32_000 });
    expect([(body.inferenceConfig as any).maxTokens, (body.additionalModelRequestFields as any).thinking.budget_tokens]).toEqual([32_000, 31_999]);
  });

  test('no thinking for other vendors, nor for a turn continuing a tool loop begun without it', () => {
    expect(convertToBedrockRequest(req([user('x')], { reasoning: { effort: 'high' } }), NOVA).additionalModelRequestFields).toBeUndefined();
    const body = convertToBedrockRequest(req(toolTurn, { tools: [weather], reasoning: { effort: 'high' }, toolChoice: 'required' }), CLAUDE);
    expect(body.additionalModelRequestFields).toBeUndefined();
    expect((body.toolConfig as any).toolChoice).toEqual({ any: {} });
  });

  test('with thinking on, a forced tool choice becomes auto', () => {
    const body = convertToBedrockRequest(req([user('x')], { tools: [weather], reasoning: { effort: 'low' }, toolChoice: 'required' }), CLAUDE);
    expect((body.toolConfig as any).toolChoice).toEqual({ auto: {} });
  });
});
