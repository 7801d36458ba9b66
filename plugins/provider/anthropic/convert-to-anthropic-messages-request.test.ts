import { describe, expect, test } from 'bun:test';
import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatRequest, Message } from '../../../core/types/hub.ts';
import { convertToAnthropicMessagesRequest } from './convert-to-anthropic-messages-request.ts';

const MODEL = 'claude-sonnet-4-5';
const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const req = (r: Partial<ChatRequest>): ChatRequest => ({ model: 'alias', messages: [user('hi')], stream: false, ...r });
const convert = (r: Partial<ChatRequest>, opts = {}) => convertToAnthropicMessagesRequest(req(r), MODEL, opts);
const body = (r: Partial<ChatRequest>, opts = {}) => convert(r, opts).body;

const toolLoop: Message[] = [
  user('Weather in Paris?'),
  { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: 'sunny' }] }] },
];

describe('convertToAnthropicMessagesRequest: prompt', () => {
  test('system and developer-style messages go to top-level system; model and max_tokens set', () => {
    const b = body({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        user('hi'),
        { role: 'system', content: [{ type: 'text', text: 'Cached.', providerOptions: { anthropic: { cache_control: { type: 'ephemeral' } } } }] },
      ],
    });
    expect(b.model).toBe(MODEL);
    expect(b.max_tokens).toBe(16384);
    expect(b.system).toEqual([{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Cached.', cache_control: { type: 'ephemeral' } }]);
    expect(b.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });

  test('consecutive same-role messages merge; tool results become user tool_result blocks first', () => {
    const b = body({
      messages: [
        user('a'), user('b'),
        { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: 'f', arguments: '{"x":1}' }, { type: 'tool-call', id: 'call_2', name: 'f', arguments: '' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: 'one' }] }] },
        user('and?'),
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_2', content: [{ type: 'text', text: 'bad' }], isError: true }] },
      ],
    });
    expect(b.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      { role: 'assistant', content: [
        { type: 'tool_use', id: 'call_1', name: 'f', input: { x: 1 } },
        { type: 'tool_use', id: 'call_2', name: 'f', input: {} },
      ] },
      { role: 'user', content: [
        { type: 'tool_result', tool_use_id: 'call_1', content: 'one' },
        { type: 'tool_result', tool_use_id: 'call_2', content: 'bad', is_error: true },
        { type: 'text', text: 'and?' },
      ] },
    ]);
  });

  test('whitespace-only text (an OpenAI-format model\'s "\\n\\n" before its tool calls) is dropped: the API refuses it', () => {
    const b = body({
      messages: [
        user('List files'),
        { role: 'assistant', content: [{ type: 'text', text: '\n\n' }, { type: 'tool-call', id: 'c1', name: 'ls', arguments: '{}' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', content: [{ type: 'text', text: 'a.ts' }] }] },
      ],
    });
    const assistant = (b.messages as Array<{ role: string; content: Array<{ type: string }> }>)[1]!;
    expect(assistant.content.map((c) => c.type)).toEqual(['tool_use']);
  });

  test('tool-call ids made elsewhere (Moonshot, Gemini clients) are made valid for Anthropic, call and result alike', () => {
    const b = body({
      messages: [
        user('Weather?'),
        { role: 'assistant', content: [{ type: 'tool-call', id: 'functions.get_weather:0', name: 'get_weather', arguments: '{}' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'functions.get_weather:0', content: [{ type: 'text', text: 'sunny' }] }] },
      ],
    });
    const blocks = (b.messages as Array<{ content: Array<Record<string, unknown>> }>).flatMap((m) => m.content);
    expect(blocks.find((x) => x.type === 'tool_use')!.id).toBe('functions_get_weather_0');
    expect(blocks.find((x) => x.type === 'tool_result')!.tool_use_id).toBe('functions_get_weather_0');
  });

  test('tool results with images keep blocks', () => {
    const b = body({
      messages: [
        { role: 'assistant', content: [{ type: 'tool-call', id: 't', name: 'shot', arguments: '{}' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't', content: [{ type: 'text', text: 'here' }, { type: 'image', data: 'AAA', mediaType: 'image/png' }] }] },
      ],
    });
    expect((b.messages as Array<{ content: unknown[] }>)[1].content[0]).toEqual({
      type: 'tool_result', tool_use_id: 't',
      content: [{ type: 'text', text: 'here' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAA' } }],
    });
  });

  test('images: URL → url source, data URL and data → base64; PDFs and text files → documents', () => {
    const b = body({
      messages: [{ role: 'user', content: [
        { type: 'image', url: 'https://example.com/a.png' },
        { type: 'image', url: 'data:image/jpeg;base64,/9j/4AAQ' },
        { type: 'image', data: 'iVBOR', mediaType: 'image/png', providerOptions: { anthropic: { cache_control: { type: 'ephemeral' } } } },
        { type: 'file', data: 'JVBER', mediaType: 'application/pdf', filename: 'r.pdf' },
        { type: 'file', data: Buffer.from('plain').toString('base64'), mediaType: 'text/plain' },
      ] }],
    });
    expect((b.messages as Array<{ content: unknown[] }>)[0].content).toEqual([
      { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' }, cache_control: { type: 'ephemeral' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBER' }, title: 'r.pdf' },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain' } },
    ]);
  });

  test('unsupported file types are a 400', () => {
    let err: unknown;
    try {
      body({ messages: [{ role: 'user', content: [{ type: 'file', data: 'AA', mediaType: 'audio/wav' }] }] });
    } catch (e) {
      err = e;
    }
    expect(isGatewayError(err) && err.status === 400).toBe(true);
  });

  test('reasoning: Anthropic signatures go back as thinking, foreign ones are dropped', () => {
    const b = body({
      messages: [
        user('q'),
        { role: 'assistant', content: [
          { type: 'reasoning', text: 'mine', signature: 'EqSig', origin: 'anthropic' },
          { type: 'reasoning', text: '', redacted: 'opaque', origin: 'anthropic' },
          { type: 'reasoning', text: 'theirs', signature: 'gem-sig', origin: 'gemini' },
          { type: 'reasoning', text: 'unsigned' },
          { type: 'reasoning', text: '', redacted: 'enc', origin: 'openai-responses' },
          { type: 'text', text: 'answer' },
        ] },
        user('next'),
      ],
    });
    expect((b.messages as Array<{ content: unknown[] }>)[1].content).toEqual([
      { type: 'thinking', thinking: 'mine', signature: 'EqSig' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'text', text: 'answer' },
    ]);
  });

  test('empty texts dropped, an emptied message disappears, prefill loses trailing whitespace', () => {
    const b = body({
      messages: [
        user('a'),
        { role: 'assistant', content: [{ type: 'reasoning', text: 'x', signature: 's', origin: 'openai' }] },
        { role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'b' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Sure: ' }] },
      ],
    });
    expect(b.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Sure:' }] },
    ]);
  });

  test('raw Anthropic blocks kept by the dialect are sent unchanged', () => {
    const block = { type: 'search_result', source: 'https://x', title: 'T', content: [{ type: 'text', text: 'found' }] };
    const b = body({ messages: [{ role: 'user', content: [{ type: 'text', text: 'rendered', providerOptions: { anthropic: { block } } }] }] });
    expect((b.messages as Array<{ content: unknown[] }>)[0].content).toEqual([block]);
  });
});

describe('convertToAnthropicMessagesRequest: options', () => {
  const tools = [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];

  test('tools → input_schema; tool_choice mapping; parallel flag', () => {
    const b = body({ tools: [...tools, { name: 'noargs', parameters: {} }], toolChoice: 'required', parallelToolCalls: false });
    expect(b.tools).toEqual([
      { name: 'get_weather', description: 'Weather', input_schema: tools[0].parameters },
      { name: 'noargs', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(b.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(body({ tools, toolChoice: 'auto' }).tool_choice).toEqual({ type: 'auto' });
    expect(body({ tools, toolChoice: 'none' }).tool_choice).toEqual({ type: 'none' });
    expect(body({ tools, toolChoice: { type: 'tool', name: 'get_weather' } }).tool_choice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(body({ tools }).tool_choice).toBeUndefined();
    expect(body({ toolChoice: 'required' }).tool_choice).toBeUndefined();
  });

  test('server tools from an Anthropic client are appended', () => {
    const server = { type: 'web_search_20250305', name: 'web_search' };
    expect(body({ tools, providerOptions: { anthropic: { serverTools: [server] } } }).tools).toEqual([
      { name: 'get_weather', description: 'Weather', input_schema: tools[0].parameters }, server,
    ]);
  });

  test('reasoning effort → thinking budget; max_tokens stays above the budget', () => {
    expect(body({ reasoning: { effort: 'low' } }).thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(body({ reasoning: { effort: 'medium' } }).thinking).toEqual({ type: 'enabled', budget_tokens: 4096 });
    const high = body({ reasoning: { effort: 'high' }, maxTokens: 1000 });
    expect(high.thinking).toEqual({ type: 'enabled', budget_tokens: 16384 });
    expect(high.max_tokens).toBe(17384);
    const given = body({ reasoning: { effort: 'high', budgetTokens: 2000 }, maxTokens: 8000 });
    expect([given.thinking, given.max_tokens]).toEqual([{ type: 'enabled', budget_tokens: 2000 }, 8000]);
    expect(body({ reasoning: { budgetTokens: 10 } }).thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(body({ reasoning: { effort: 'none' } }).thinking).toBeUndefined();
    expect(body({ reasoning: { enabled: false, effort: 'high' } }).thinking).toBeUndefined();
    expect(body({ reasoning: { enabled: true }, providerOptions: { anthropic: { thinking: { type: 'adaptive' } } } }).thinking).toEqual({ type: 'adaptive' });
  });

  test('sampling: clamped temperature, top_p dropped beside it, nothing forbidden with thinking', () => {
    expect(body({ temperature: 1.7, topP: 0.5, topK: 5 })).toMatchObject({ temperature: 1, top_k: 5 });
    expect(body({ temperature: 1.7, topP: 0.5 }).top_p).toBeUndefined();
    expect(body({ topP: 0.5 }).top_p).toBe(0.5);
    const t = body({ temperature: 0.3, topK: 5, topP: 0.97, reasoning: { effort: 'low' } });
    expect([t.temperature, t.top_k, t.top_p]).toEqual([undefined, undefined, 0.97]);
  });

  test('thinking + forced tool choice → auto; thinking dropped for a foreign tool loop', () => {
    expect(body({ tools, toolChoice: 'required', reasoning: { effort: 'low' } }).tool_choice).toEqual({ type: 'auto' });
    const loop = body({ messages: toolLoop, tools, reasoning: { effort: 'low' } });
    expect(loop.thinking).toBeUndefined();
    const signed: Message[] = [toolLoop[0], { ...toolLoop[1], content: [{ type: 'reasoning', text: 'r', signature: 'S', origin: 'anthropic' }, ...toolLoop[1].content] }, toolLoop[2]];
    expect(body({ messages: signed, tools, reasoning: { effort: 'low' } }).thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
  });

  test('json_schema → forced json_output tool (tool trick)', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const plan = convert({ responseFormat: { type: 'json_schema', name: 'out', schema } });
    expect(plan.jsonTool).toBe('json_output');
    expect(plan.body.tools).toEqual([{ name: 'json_output', description: expect.any(String), input_schema: schema }]);
    expect(plan.body.tool_choice).toEqual({ type: 'tool', name: 'json_output' });
    const withTools = convert({ tools, responseFormat: { type: 'json_schema', name: 'out', schema } });
    expect(withTools.body.tool_choice).toEqual({ type: 'any' });
    expect((withTools.body.tools as unknown[]).length).toBe(2);
    expect(convert({ responseFormat: { type: 'json' } }).body.tools).toEqual([
      { name: 'json_output', description: expect.any(String), input_schema: { type: 'object', additionalProperties: true } },
    ]);
  });

  test('JSON format beside a tool the client forces by name, or beside tool_choice none: the same rules as Bedrock', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    const responseFormat = { type: 'json_schema' as const, name: 'out', schema };
    // A forced tool stays forced: the model must call it this turn; the JSON tool answers later.
    const named = convert({ tools, toolChoice: { type: 'tool', name: tools[0]!.name }, responseFormat });
    expect(named.body.tool_choice).toEqual({ type: 'tool', name: tools[0]!.name });
    expect((named.body.tools as Array<{ name: string }>).map((t) => t.name)).toContain('json_output');
    // none: the answer still comes as JSON (the forced JSON tool), and no client tool is called.
    const none = convert({ tools, toolChoice: 'none', responseFormat });
    expect(none.jsonTool).toBe('json_output');
    expect(none.body.tool_choice).toEqual({ type: 'tool', name: 'json_output' });
    expect(convert({ toolChoice: 'none', responseFormat }).body.tool_choice).toEqual({ type: 'tool', name: 'json_output' });
    // Without a JSON format, none stays none.
    expect(convert({ tools, toolChoice: 'none' }).body.tool_choice).toEqual({ type: 'none' });
  });

  test('a client tool already named json_output: the JSON tool takes json_output_2 (two tools of one name are a 400)', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    const own = [{ name: 'json_output', description: 'the client\'s own', parameters: { type: 'object', properties: {} } }];
    const plan = convert({ tools: own, responseFormat: { type: 'json_schema', name: 'out', schema } });
    expect(plan.jsonTool).toBe('json_output_2');
    expect((plan.body.tools as Array<{ name: string }>).map((t) => t.name)).toEqual(['json_output', 'json_output_2']);
    // Without the clash the name stays json_output.
    expect(convert({ responseFormat: { type: 'json_schema', name: 'out', schema } }).jsonTool).toBe('json_output');
  });

  test('json_schema whose root is not an object: input_schema wraps it as {value: …} (Anthropic takes object schemas only)', () => {
    const schema = { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } };
    const plan = convert({ responseFormat: { type: 'json_schema', name: 'list', schema } });
    expect(plan.jsonTool).toBe('json_output');
    expect(plan.jsonWrapped).toBe(true);
    expect((plan.body.tools as Array<{ input_schema: unknown }>)[0]!.input_schema).toEqual({
      type: 'object', properties: { value: schema }, required: ['value'], additionalProperties: false,
    });
    const object = convert({ responseFormat: { type: 'json_schema', name: 'o', schema: { type: 'object', properties: {} } } });
    expect(object.jsonWrapped).toBeUndefined();
    expect(convert({ responseFormat: { type: 'json' } }).jsonWrapped).toBeUndefined();
  });

  test('native structured output when configured or sent by an Anthropic client', () => {
    const schema = { type: 'object', properties: {} };
    const native = convert({ responseFormat: { type: 'json_schema', name: 'o', schema } }, { structuredOutput: 'native' });
    expect(native.jsonTool).toBeUndefined();
    expect(native.body.output_config).toEqual({ format: { type: 'json_schema', schema } });
    const fromClient = convert({
      responseFormat: { type: 'json_schema', name: 'o', schema },
      providerOptions: { anthropic: { extra: { output_config: { effort: 'low', format: { type: 'json_schema', schema } } } } },
    });
    expect(fromClient.jsonTool).toBeUndefined();
    expect(fromClient.body.output_config).toEqual({ effort: 'low', format: { type: 'json_schema', schema } });
  });

  test('stop sequences, user, stream, extras and default max_tokens', () => {
    const b = body({ stop: ['END', '  '], user: 'u1', stream: true, providerOptions: { anthropic: { extra: { context_management: { edits: [] } } } } });
    expect(b).toMatchObject({ stop_sequences: ['END'], metadata: { user_id: 'u1' }, stream: true, context_management: { edits: [] } });
    expect(convertToAnthropicMessagesRequest(req({}), 'claude-3-haiku-20240307').body.max_tokens).toBe(4096);
    expect(convertToAnthropicMessagesRequest(req({}), 'claude-3-5-haiku-latest').body.max_tokens).toBe(8192);
    expect(convertToAnthropicMessagesRequest(req({}), 'MiniMax-M2').body.max_tokens).toBe(4096);
    expect(body({}, { defaultMaxTokens: 999 }).max_tokens).toBe(999);
    expect(body({ maxTokens: 50 }).max_tokens).toBe(50);
  });
});
