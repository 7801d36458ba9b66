import { describe, expect, test } from 'bun:test';
import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import { convertToOpenAIChatRequest } from './convert-to-openai-chat-request.ts';
import { applyOpenAIQuirks, readOpenAIQuirks } from './openai-quirks.ts';

const noQuirks = readOpenAIQuirks({});
const base: ChatRequest = { model: 'client-model', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] };

describe('convertToOpenAIChatRequest', () => {
  test('minimal request uses the target model and string content', () => {
    expect(convertToOpenAIChatRequest(base, { model: 'gpt-4o', quirks: noQuirks, official: true })).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  test('echo_reasoning: every tool-calling turn sends its reasoning back (DeepSeek, Kimi thinking), an empty one when none was kept', () => {
    const req: ChatRequest = {
      ...base,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'first question' }] },
        { role: 'assistant', content: [{ type: 'reasoning', text: 'old thoughts' }, { type: 'tool-call', id: 'a', name: 'ls', arguments: '{}' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'a', content: [{ type: 'text', text: 'x' }] }] },
        { role: 'assistant', content: [{ type: 'text', text: 'done' }] },
        { role: 'user', content: [{ type: 'text', text: 'second question' }] },
        { role: 'assistant', content: [{ type: 'reasoning', text: 'new thoughts' }, { type: 'tool-call', id: 'b', name: 'ls', arguments: '{}' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'b', content: [{ type: 'text', text: 'y' }] }] },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'c', name: 'ls', arguments: '{}' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c', content: [{ type: 'text', text: 'z' }] }] },
      ],
    };
    const quirks = readOpenAIQuirks({ reasoning_field: 'reasoning_content', echo_reasoning: true });
    const wire = convertToOpenAIChatRequest(req, { model: 'deepseek-chat', quirks, official: false }) as { messages: Array<Record<string, unknown>> };
    const withCalls = wire.messages.filter((m) => m.tool_calls);
    expect(withCalls.map((m) => m.reasoning_content)).toEqual(['old thoughts', 'new thoughts', '']);
    // A turn without calls sends none: DeepSeek ignores it there.
    expect(wire.messages.filter((m) => m.role === 'assistant' && !m.tool_calls).some((m) => 'reasoning_content' in m)).toBe(false);
    // Without the quirk, reasoning never goes back.
    const plain = convertToOpenAIChatRequest(req, { model: 'gpt-4o', quirks: noQuirks, official: true }) as { messages: Array<Record<string, unknown>> };
    expect(plain.messages.some((m) => 'reasoning_content' in m)).toBe(false);
  });

  test('parallel tool results, one hub message each (Anthropic and Responses clients): their images follow the last of them', () => {
    const req: ChatRequest = {
      ...base,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'read both' }] },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'a', name: 'read', arguments: '{}' }, { type: 'tool-call', id: 'b', name: 'read', arguments: '{}' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'a', content: [{ type: 'image', url: 'https://x.test/a.png' }] }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'b', content: [{ type: 'text', text: 'b.ts' }] }] },
        { role: 'user', content: [{ type: 'text', text: 'and?' }] },
      ],
    };
    const wire = convertToOpenAIChatRequest(req, { model: 'gpt-4o', quirks: noQuirks, official: true }) as { messages: Array<{ role: string; content: unknown }> };
    expect(wire.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'user', 'user']);
    expect(wire.messages[4]!.content).toEqual([{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }]);
  });

  test('full request: messages of every kind, tools, sampling, format, stream usage', () => {
    const req: ChatRequest = {
      model: 'x',
      stream: true,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'dev' }], providerOptions: { openai: { role: 'developer' } } },
        {
          role: 'user',
          name: 'ann',
          content: [
            { type: 'text', text: 'see' },
            { type: 'image', data: 'AAA', mediaType: 'image/jpeg', detail: 'high' },
            { type: 'image', url: 'https://x.test/i.png' },
            { type: 'file', data: 'JVB', mediaType: 'application/pdf', filename: 'a.pdf' },
            { type: 'file', mediaType: 'application/octet-stream', providerOptions: { openai: { fileId: 'file-1' } } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'secret thoughts', signature: 'sig' },
            { type: 'text', text: 'calling' },
            { type: 'tool-call', id: 'call_1', name: 'f', arguments: '{"a":1}' },
            { type: 'tool-call', id: 'call_2', name: 'g', arguments: '' },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: 'one' }] },
            { type: 'tool-result', toolCallId: 'call_2', content: [{ type: 'text', text: 'two' }, { type: 'image', url: 'https://x.test/r.png' }] },
            { type: 'text', text: 'thanks' },
          ],
        },
      ],
      tools: [{ name: 'f', description: 'F', parameters: { type: 'object' }, strict: true }, { name: 'g', parameters: {} }],
      toolChoice: { type: 'tool', name: 'f' },
      parallelToolCalls: false,
      maxTokens: 64,
      temperature: 0.2,
      topP: 0.5,
      topK: 40,
      stop: ['x'],
      seed: 1,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      n: 1,
      responseFormat: { type: 'json_schema', name: 's', schema: { type: 'object' }, strict: true },
      reasoning: { effort: 'high' },
      user: 'u',
      providerOptions: { openai: { store: true, logit_bias: { '1': 2 }, temperature: 1.5 } },
    };
    const body = convertToOpenAIChatRequest(req, { model: 'gpt-4o', quirks: noQuirks, official: true });
    expect(body.messages).toEqual([
      { role: 'developer', content: 'dev' },
      {
        role: 'user',
        name: 'ann',
        content: [
          { type: 'text', text: 'see' },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAA', detail: 'high' } },
          { type: 'image_url', image_url: { url: 'https://x.test/i.png' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVB', filename: 'a.pdf' } },
          { type: 'file', file: { file_id: 'file-1' } },
        ],
      },
      {
        role: 'assistant',
        content: 'calling',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          { id: 'call_2', type: 'function', function: { name: 'g', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'one' },
      { role: 'tool', tool_call_id: 'call_2', content: 'two' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.test/r.png' } }] },
      { role: 'user', content: 'thanks' },
    ]);
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'f', description: 'F', parameters: { type: 'object' }, strict: true } },
      { type: 'function', function: { name: 'g', parameters: {} } },
    ]);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'f' } });
    expect(body.parallel_tool_calls).toBe(false);
    expect(body.max_tokens).toBe(64);
    expect(body.top_k).toBeUndefined(); // OpenAI itself has no top_k
    expect(body.temperature).toBe(0.2); // mapped value wins over providerOptions
    expect(body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 's', schema: { type: 'object' }, strict: true } });
    expect(body.reasoning_effort).toBe('high');
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.store).toBe(true);
    expect(body.logit_bias).toEqual({ '1': 2 });
    expect(JSON.stringify(body)).not.toContain('secret thoughts');
  });

  test('compatible servers: system role, top_k, no tool_choice without tools', () => {
    const req: ChatRequest = {
      ...base,
      messages: [{ role: 'system', content: [{ type: 'text', text: 's' }], providerOptions: { openai: { role: 'developer' } } }, ...base.messages],
      topK: 5,
      toolChoice: 'auto',
      parallelToolCalls: true,
    };
    const body = convertToOpenAIChatRequest(req, { model: 'llama', quirks: noQuirks, official: false });
    expect((body.messages as Array<{ role: string }>)[0].role).toBe('system');
    expect(body.top_k).toBe(5);
    expect(body.tool_choice).toBeUndefined();
    expect(body.parallel_tool_calls).toBeUndefined();
  });

  test('a thinking budget (Anthropic / Gemini clients) becomes the nearest reasoning_effort', () => {
    const opts = { model: 'm', quirks: noQuirks, official: true };
    const effort = (reasoning: ChatRequest['reasoning']) => convertToOpenAIChatRequest({ ...base, reasoning }, opts).reasoning_effort;
    expect(effort({ enabled: true, budgetTokens: 1024 })).toBe('low');
    expect(effort({ enabled: true, budgetTokens: 8192 })).toBe('medium');
    expect(effort({ enabled: true, budgetTokens: 32000 })).toBe('high');
    expect(effort({ enabled: true })).toBe('medium');
    expect(effort({ effort: 'minimal', budgetTokens: 32000 })).toBe('minimal');
    expect(effort({ enabled: false, budgetTokens: 4096 })).toBeUndefined();
    expect(effort({ includeThoughts: true })).toBeUndefined();
  });

  test('a file known only by URL is unsupported', () => {
    const req: ChatRequest = { ...base, messages: [{ role: 'user', content: [{ type: 'file', url: 'https://x.test/a.pdf', mediaType: 'application/pdf' }] }] };
    try {
      convertToOpenAIChatRequest(req, { model: 'm', quirks: noQuirks, official: true });
      throw new Error('should throw');
    } catch (e) {
      expect(isGatewayError(e) && e.code).toBe('GW_UNSUPPORTED');
    }
  });
});

describe('quirks', () => {
  test('max_tokens_field, no_stream_usage, drop_params, max_temperature', () => {
    const q = readOpenAIQuirks({ max_tokens_field: 'max_completion_tokens', no_stream_usage: true, drop_params: ['temperature', 'seed', 7], max_temperature: 1 });
    expect(q.dropParams).toEqual(['temperature', 'seed']);
    const body = convertToOpenAIChatRequest({ ...base, stream: true, maxTokens: 10, temperature: 1.5, seed: 3 }, { model: 'o3', quirks: q, official: true });
    expect(body.max_completion_tokens).toBe(10);
    expect(body.max_tokens).toBeUndefined();
    expect(body.stream_options).toBeUndefined();
    expect(body.temperature).toBeUndefined();
    expect(body.seed).toBeUndefined();
    const clamp = applyOpenAIQuirks({ temperature: 1.7, max_completion_tokens: 5 }, readOpenAIQuirks({ max_temperature: 1, max_tokens_field: 'max_tokens' }));
    expect(clamp).toEqual({ temperature: 1, max_tokens: 5 });
  });

  test('allowed_params and allowed_message_fields keep only what a strict upstream takes, without touching the client\'s messages', () => {
    const q = readOpenAIQuirks({
      allowed_params: ['model', 'messages', 'max_tokens'],
      allowed_message_fields: { user: ['role', 'content'], assistant: ['role', 'content', 'tool_calls'], constructor: 'not a list' },
    });
    const replayed = { role: 'assistant', content: 'Hello.', refusal: null, annotations: [], reasoning_content: 'The user greets me.' };
    const messages = [{ role: 'user', content: 'Hi', name: 'ann' }, replayed, { role: 'tool', tool_call_id: 'x', content: 'ok', extra: 1 }, { role: 'constructor', content: 'odd' }];
    const body = applyOpenAIQuirks({ model: 'm', messages, max_tokens: 5, store: true, service_tier: 'auto', verbosity: 'low' }, q);
    expect(body).toEqual({
      model: 'm', max_tokens: 5,
      messages: [
        { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' },
        // Roles not listed are left as they are.
        { role: 'tool', tool_call_id: 'x', content: 'ok', extra: 1 }, { role: 'constructor', content: 'odd' },
      ],
    });
    // A fallback to another target still has the client's own messages.
    expect(messages[1]).toBe(replayed);
    expect(replayed.reasoning_content).toBe('The user greets me.');
    // Nothing to remove: the same array goes.
    const clean = [{ role: 'user', content: 'Hi' }];
    expect(applyOpenAIQuirks({ model: 'm', messages: clean }, q).messages).toBe(clean);
  });

  test('rename_message_fields moves a replayed reasoning_content to the upstream\'s reasoning, before the allow-list; its own field wins', () => {
    const q = readOpenAIQuirks({
      rename_message_fields: { reasoning_content: 'reasoning', same: 'same', bad: 3 },
      allowed_message_fields: { assistant: ['role', 'content', 'reasoning'] },
    });
    const replayed = { role: 'assistant', content: 'Hello.', reasoning_content: 'A greeting.', refusal: null };
    const both = { role: 'assistant', content: 'Hi.', reasoning_content: 'old', reasoning: 'own' };
    const body = applyOpenAIQuirks({ messages: [{ role: 'user', content: 'Hi' }, replayed, both] }, q);
    expect(body.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.', reasoning: 'A greeting.' },
      { role: 'assistant', content: 'Hi.', reasoning: 'own' },
    ]);
    expect(replayed).toEqual({ role: 'assistant', content: 'Hello.', reasoning_content: 'A greeting.', refusal: null });
  });

  test('empty_content: a turn without text carries "" or null; null only beside tool calls', () => {
    const calls = [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }];
    const messages = [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: null, tool_calls: calls },
      { role: 'assistant', content: '' },
      { role: 'assistant', content: 'text', tool_calls: calls },
    ];
    expect(applyOpenAIQuirks({ messages }, readOpenAIQuirks({ empty_content: '' })).messages).toEqual([
      messages[0], { role: 'assistant', content: '', tool_calls: calls }, messages[2], messages[3],
    ]);
    expect(applyOpenAIQuirks({ messages }, readOpenAIQuirks({ empty_content: null })).messages).toEqual(messages);
    const empty = [{ role: 'assistant', content: '', tool_calls: calls }];
    expect(applyOpenAIQuirks({ messages: empty }, readOpenAIQuirks({ empty_content: null })).messages).toEqual([{ role: 'assistant', content: null, tool_calls: calls }]);
    expect(applyOpenAIQuirks({ messages }, readOpenAIQuirks({})).messages).toBe(messages);
  });

  test('string_content: a list of text parts goes as one string; a list with an image stays a list', () => {
    const image = [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }];
    const body = applyOpenAIQuirks({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b', cache_control: { type: 'ephemeral' } }] },
        { role: 'user', content: image },
        { role: 'assistant', content: 'plain' },
        { role: 'user', content: [] },
      ],
    }, readOpenAIQuirks({ string_content: true }));
    expect(body.messages).toEqual([
      { role: 'system', content: 'a\n\nb' }, { role: 'user', content: image }, { role: 'assistant', content: 'plain' }, { role: 'user', content: [] },
    ]);
  });

  test('non_stream_defaults: set on a request that is not streamed, unless the client set it', () => {
    const q = readOpenAIQuirks({ non_stream_defaults: { enable_thinking: false } });
    expect(applyOpenAIQuirks({ model: 'qwen3-32b', stream: false }, q)).toEqual({ model: 'qwen3-32b', stream: false, enable_thinking: false });
    expect(applyOpenAIQuirks({ model: 'qwen3-32b' }, q)).toEqual({ model: 'qwen3-32b', enable_thinking: false });
    expect(applyOpenAIQuirks({ model: 'qwen3-32b', stream: true }, q)).toEqual({ model: 'qwen3-32b', stream: true });
    expect(applyOpenAIQuirks({ model: 'qwen3-32b', enable_thinking: true }, q)).toEqual({ model: 'qwen3-32b', enable_thinking: true });
  });

  test('json_object_as_schema: JSON mode goes as a schema that takes any object; a schema or text format is left as it is', () => {
    const q = readOpenAIQuirks({ json_object_as_schema: true });
    expect(applyOpenAIQuirks({ response_format: { type: 'json_object' } }, q)).toEqual({
      response_format: { type: 'json_schema', json_schema: { name: 'json_object', schema: { type: 'object' } } },
    });
    const schema = { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'string' } } } } };
    expect(applyOpenAIQuirks({ response_format: schema }, q).response_format).toBe(schema);
    expect(applyOpenAIQuirks({ response_format: { type: 'text' } }, q).response_format).toEqual({ type: 'text' });
  });

  test('system_as_user folds system text into the first user turn', () => {
    const q = readOpenAIQuirks({ system_as_user: true });
    const body = applyOpenAIQuirks({
      messages: [
        { role: 'system', content: 'rules' },
        { role: 'developer', content: [{ type: 'text', text: 'more' }] },
        { role: 'user', content: 'question' },
        { role: 'user', content: [{ type: 'text', text: 'second' }] },
      ],
    }, q);
    expect(body.messages).toEqual([
      { role: 'user', content: 'rules\n\nmore\n\nquestion' },
      { role: 'user', content: [{ type: 'text', text: 'second' }] },
    ]);
    const arr = applyOpenAIQuirks({ messages: [{ role: 'system', content: 's' }, { role: 'user', content: [{ type: 'text', text: 'q' }] }] }, q);
    expect(arr.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 's' }, { type: 'text', text: 'q' }] }]);
    const none = applyOpenAIQuirks({ messages: [{ role: 'system', content: 's' }] }, q);
    expect(none.messages).toEqual([{ role: 'user', content: 's' }]);
  });

  test('reasoning_efforts: an effort the model does not take goes as the next one up, else the highest; none only when taken', () => {
    const send = (effort: NonNullable<ChatRequest['reasoning']>['effort'], allowed: string[]) =>
      convertToOpenAIChatRequest({ ...base, reasoning: { effort } }, { model: 'm', quirks: readOpenAIQuirks({ reasoning_efforts: allowed }), official: false }).reasoning_effort;
    expect([send('low', ['none', 'high']), send('medium', ['none', 'high']), send('none', ['none', 'high'])]).toEqual(['high', 'high', 'none']);
    expect([send('xhigh', ['low', 'medium', 'high']), send('none', ['low', 'medium', 'high'])]).toEqual(['high', undefined]);
  });

  test('strict_alternation merges neighbours of the same role', () => {
    const body = applyOpenAIQuirks({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
        { role: 'assistant', content: 'c' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'x' }] },
        { role: 'tool', content: 'r', tool_call_id: 'x' },
      ],
    }, readOpenAIQuirks({ strict_alternation: true }));
    expect(body.messages).toEqual([
      { role: 'user', content: 'a\n\nb' },
      { role: 'assistant', content: 'c' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'x' }] },
      { role: 'tool', content: 'r', tool_call_id: 'x' },
    ]);
  });

  test('no quirks: body untouched', () => {
    const body = { model: 'm', max_tokens: 3, temperature: 2, messages: [{ role: 'system', content: 's' }], stream_options: { include_usage: true } };
    const copy = structuredClone(body);
    expect(applyOpenAIQuirks(body, noQuirks)).toEqual(copy);
  });
});

describe('translated-lane fixes', () => {
  const opts = { model: 'gpt-4o', quirks: noQuirks, official: true };

  test('n is never sent: the hub result carries one choice (a Gemini candidateCount would bill n answers for one)', () => {
    expect(convertToOpenAIChatRequest({ ...base, n: 3 }, opts).n).toBeUndefined();
  });

  test('a json_schema whose root is an array goes as {value: …} (OpenAI takes object roots only)', () => {
    const schema = { type: 'array', items: { type: 'string' } };
    const body = convertToOpenAIChatRequest({ ...base, responseFormat: { type: 'json_schema', name: 'list', schema, strict: true } }, opts);
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'list',
        schema: { type: 'object', properties: { value: schema }, required: ['value'], additionalProperties: false },
        strict: true,
      },
    });
  });

  test('an object root is sent as it is', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const body = convertToOpenAIChatRequest({ ...base, responseFormat: { type: 'json_schema', name: 'o', schema } }, opts);
    expect((body.response_format as { json_schema: { schema: unknown } }).json_schema.schema).toBe(schema);
  });

  test('drop_params: [reasoning_effort] removes the effort derived from a thinking budget', () => {
    const quirks = readOpenAIQuirks({ drop_params: ['reasoning_effort'] });
    const body = convertToOpenAIChatRequest({ ...base, reasoning: { enabled: true } }, { ...opts, quirks });
    expect(body.reasoning_effort).toBeUndefined();
  });

  test('a tier asked in another dialect (serviceTier) goes to OpenAI itself, not to other compatible servers', () => {
    const req: ChatRequest = { ...base, serviceTier: 'priority' };
    expect(convertToOpenAIChatRequest(req, { model: 'gpt-5', quirks: noQuirks, official: true }).service_tier).toBe('priority');
    expect(convertToOpenAIChatRequest(req, { model: 'llama', quirks: noQuirks, official: false }).service_tier).toBeUndefined();
    // An OpenAI Chat client's own field travels with its other fields, to any compatible server.
    const own: ChatRequest = { ...req, providerOptions: { openai: { service_tier: 'flex' } } };
    expect(convertToOpenAIChatRequest(own, { model: 'llama', quirks: noQuirks, official: false }).service_tier).toBe('flex');
  });
});

test('OpenAI itself gets a prompt_cache_key from the session (user), hashed; a client\'s own key stays; other servers get none', () => {
  const req: ChatRequest = { model: 'm', stream: false, user: 'user_abc_account_1_session_9', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] };
  const official = convertToOpenAIChatRequest(req, { model: 'gpt-5', quirks: noQuirks, official: true });
  expect(official.prompt_cache_key).toMatch(/^sy-[0-9a-f]{32}$/);
  expect(JSON.stringify(official.prompt_cache_key)).not.toContain('session_9');
  const own = convertToOpenAIChatRequest({ ...req, providerOptions: { openai: { prompt_cache_key: 'mine' } } }, { model: 'gpt-5', quirks: noQuirks, official: true });
  expect(own.prompt_cache_key).toBe('mine');
  expect(convertToOpenAIChatRequest(req, { model: 'deepseek-chat', quirks: noQuirks, official: false }).prompt_cache_key).toBeUndefined();
  expect(convertToOpenAIChatRequest({ ...req, user: undefined }, { model: 'gpt-5', quirks: noQuirks, official: true }).prompt_cache_key).toBeUndefined();
});
