import { describe, expect, test } from 'bun:test';
import { isGatewayError, type GatewayError } from '../../../core/errors/gateway-error.ts';
import { decodeOpenAIChatRequest } from './decode-openai-chat-request.ts';

const user = (content: unknown) => ({ role: 'user', content });

function fails(body: unknown): GatewayError {
  try {
    void decodeOpenAIChatRequest(body).body; // the hub form is built lazily: read it
  } catch (e) {
    if (isGatewayError(e)) return e;
    throw e;
  }
  throw new Error('expected a GatewayError');
}

describe('decodeOpenAIChatRequest: valid bodies', () => {
  test('minimal body', () => {
    const req = decodeOpenAIChatRequest({ model: 'gpt-4o', messages: [user('hi')] });
    expect(req.operation).toBe('chat');
    expect(req.model).toBe('gpt-4o');
    expect(req.stream).toBe(false);
    expect(req.body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
    expect(req.body.providerOptions).toBeUndefined();
  });

  test('every standard field maps to the hub or providerOptions.openai', () => {
    const body = {
      model: 'openai/gpt-4o',
      messages: [
        { role: 'developer', content: 'be terse' },
        { role: 'system', content: [{ type: 'text', text: 'sys' }], name: 'boss' },
        {
          role: 'user',
          name: 'ann',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url: 'https://x.test/a.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBER', filename: 'a.pdf' } },
            { type: 'file', file: { file_id: 'file-123' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          reasoning_content: 'hmm',
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"SF"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }] },
      ],
      tools: [
        { type: 'function', function: { name: 'get_weather', description: 'w', parameters: { type: 'object' }, strict: true } },
        { type: 'function', function: { name: 'noop' } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
      max_tokens: 50,
      max_completion_tokens: 100,
      temperature: 0.5,
      top_p: 0.9,
      n: 1,
      stop: 'END',
      seed: 42,
      presence_penalty: 0.1,
      frequency_penalty: -0.1,
      logit_bias: { '50256': -100 },
      logprobs: true,
      top_logprobs: 2,
      user: 'u-1',
      stream: true,
      stream_options: { include_usage: true },
      reasoning_effort: 'low',
      metadata: { team: 'a' },
      store: false,
      service_tier: 'auto',
      prediction: { type: 'content', content: 'x' },
      modalities: ['text'],
      some_vendor_flag: { deep: [1, 2] },
    };
    const req = decodeOpenAIChatRequest(body);
    const c = req.body;
    expect(req.stream).toBe(true);
    expect(req.raw).toBe(body as unknown as Record<string, unknown>);
    expect(c.messages[0]).toEqual({
      role: 'system', content: [{ type: 'text', text: 'be terse' }], providerOptions: { openai: { role: 'developer' } },
    });
    expect(c.messages[1]).toEqual({ role: 'system', name: 'boss', content: [{ type: 'text', text: 'sys' }] });
    expect(c.messages[2].name).toBe('ann');
    expect(c.messages[2].content).toEqual([
      { type: 'text', text: 'look' },
      { type: 'image', url: 'https://x.test/a.png', detail: 'low' },
      { type: 'image', data: 'iVBOR', mediaType: 'image/png' },
      { type: 'file', data: 'JVBER', mediaType: 'application/pdf', filename: 'a.pdf' },
      { type: 'file', mediaType: 'application/octet-stream', providerOptions: { openai: { fileId: 'file-123' } } },
    ]);
    expect(c.messages[3].content).toEqual([
      { type: 'reasoning', text: 'hmm' },
      { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{"city":"SF"}' },
    ]);
    expect(c.messages[4]).toEqual({
      role: 'tool',
      content: [{ type: 'tool-result', toolCallId: 'call_1', name: 'get_weather', content: [{ type: 'text', text: 'sunny' }] }],
    });
    expect(c.messages[5].content).toEqual([{ type: 'text', text: 'no' }]);
    expect(c.tools).toEqual([
      { name: 'get_weather', description: 'w', parameters: { type: 'object' }, strict: true },
      { name: 'noop', parameters: { type: 'object', properties: {} } },
    ]);
    expect(c.toolChoice).toEqual({ type: 'tool', name: 'get_weather' });
    expect(c.parallelToolCalls).toBe(false);
    expect(c.responseFormat).toEqual({ type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true });
    expect(c.maxTokens).toBe(100);
    expect([c.temperature, c.topP, c.n, c.seed, c.presencePenalty, c.frequencyPenalty]).toEqual([0.5, 0.9, 1, 42, 0.1, -0.1]);
    expect(c.stop).toEqual(['END']);
    expect(c.user).toBe('u-1');
    expect(c.streamUsage).toBe(true);
    expect(c.reasoning).toEqual({ effort: 'low' });
    expect(c.metadata).toEqual({ team: 'a' });
    expect(c.providerOptions?.openai).toEqual({
      logit_bias: { '50256': -100 },
      logprobs: true,
      top_logprobs: 2,
      metadata: { team: 'a' },
      store: false,
      service_tier: 'auto',
      prediction: { type: 'content', content: 'x' },
      modalities: ['text'],
      some_vendor_flag: { deep: [1, 2] },
    });
  });

  test('response formats, stop arrays, tool choice strings', () => {
    const base = { model: 'm', messages: [user('x')] };
    expect(decodeOpenAIChatRequest({ ...base, response_format: { type: 'json_object' } }).body.responseFormat).toEqual({ type: 'json' });
    expect(decodeOpenAIChatRequest({ ...base, response_format: { type: 'text' } }).body.responseFormat).toEqual({ type: 'text' });
    expect(decodeOpenAIChatRequest({ ...base, stop: ['a', 'b'] }).body.stop).toEqual(['a', 'b']);
    for (const choice of ['none', 'auto', 'required'] as const) {
      expect(decodeOpenAIChatRequest({ ...base, tool_choice: choice }).body.toolChoice).toBe(choice);
    }
    // include_usage only matters for streams
    expect(decodeOpenAIChatRequest({ ...base, stream_options: { include_usage: true } }).body.streamUsage).toBeUndefined();
    // null means "not set"
    const nulls = decodeOpenAIChatRequest({ ...base, temperature: null, tools: null, stop: null, max_tokens: null });
    expect(nulls.body.temperature).toBeUndefined();
    expect(nulls.body.tools).toBeUndefined();
    expect(nulls.body.providerOptions).toBeUndefined();
  });

  test('allowed_tools restricts the tool list and keeps the mode', () => {
    const req = decodeOpenAIChatRequest({
      model: 'm',
      messages: [user('x')],
      tools: ['a', 'b', 'c'].map((name) => ({ type: 'function', function: { name } })),
      tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'b' } }] } },
    });
    expect(req.body.tools?.map((t) => t.name)).toEqual(['b']);
    expect(req.body.toolChoice).toBe('required');
  });

  test('legacy functions / function_call / function role', () => {
    const req = decodeOpenAIChatRequest({
      model: 'm',
      functions: [{ name: 'f', parameters: { type: 'object' } }],
      function_call: { name: 'f' },
      messages: [
        user('x'),
        { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } },
        { role: 'function', name: 'f', content: 'done' },
      ],
    });
    expect(req.body.tools).toEqual([{ name: 'f', parameters: { type: 'object' } }]);
    expect(req.body.toolChoice).toEqual({ type: 'tool', name: 'f' });
    const call = req.body.messages[1].content[0];
    const result = req.body.messages[2].content[0];
    expect(call.type).toBe('tool-call');
    expect(result.type).toBe('tool-result');
    if (call.type === 'tool-call' && result.type === 'tool-result') expect(result.toolCallId).toBe(call.id);
  });
});

describe('decodeOpenAIChatRequest: bad bodies → 400 with param', () => {
  const cases: Array<[string, unknown, string | undefined, RegExp]> = [
    ['not an object', [1, 2], undefined, /JSON object/],
    ['null body', null, undefined, /JSON object/],
    ['missing model', { messages: [user('x')] }, 'model', /Missing required parameter: 'model'/],
    ['empty model', { model: '', messages: [user('x')] }, 'model', /must not be empty/],
    ['missing messages', { model: 'm' }, 'messages', /Missing required parameter/],
    ['empty messages', { model: 'm', messages: [] }, 'messages', /at least one message/],
    ['unknown role', { model: 'm', messages: [{ role: 'bot', content: 'x' }] }, 'messages[0].role', /received "bot"/],
    ['missing content', { model: 'm', messages: [{ role: 'user' }] }, 'messages[0].content', /Missing required/],
    ['unknown part type', { model: 'm', messages: [user([{ type: 'video' }])] }, 'messages[0].content[0].type', /received "video"/],
    ['image url not a string', { model: 'm', messages: [user([{ type: 'image_url', image_url: { url: 3 } }])] },
      'messages[0].content[0].image_url.url', /expected string/],
    ['tool message without id', { model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id', /Missing/],
    ['temperature too high', { model: 'm', messages: [user('x')], temperature: 3 }, 'temperature', /<=2/],
    ['top_p negative', { model: 'm', messages: [user('x')], top_p: -1 }, 'top_p', />=0/],
    ['n zero', { model: 'm', messages: [user('x')], n: 0 }, 'n', />=1/],
    ['max_tokens fractional', { model: 'm', messages: [user('x')], max_tokens: 1.5 }, 'max_tokens', /integer/],
    ['stop number', { model: 'm', messages: [user('x')], stop: 5 }, 'stop', /received 5/],
    ['bad tool_choice', { model: 'm', messages: [user('x')], tool_choice: 'any' }, 'tool_choice', /received "any"/],
    ['tool type', { model: 'm', messages: [user('x')], tools: [{ type: 'custom', custom: {} }] }, 'tools[0].type', /"function"/],
    ['json_schema without schema object', { model: 'm', messages: [user('x')], response_format: { type: 'json_schema' } },
      'response_format.json_schema', /Missing required/],
    ['stream not boolean', { model: 'm', messages: [user('x')], stream: 'yes' }, 'stream', /boolean/],
    ['bad reasoning_effort', { model: 'm', messages: [user('x')], reasoning_effort: 'max' }, 'reasoning_effort', /"max"/],
  ];
  for (const [name, body, param, message] of cases) {
    test(name, () => {
      const err = fails(body);
      expect(err.status).toBe(400);
      expect(err.code).toBe('GW_BAD_REQUEST');
      expect(err.param).toBe(param);
      expect(err.message).toMatch(message);
    });
  }

  test('input_audio is refused as unsupported, naming the part', () => {
    const err = fails({
      model: 'm',
      messages: [user('a'), user([{ type: 'text', text: 'x' }, { type: 'input_audio', input_audio: { data: 'AAA', format: 'wav' } }])],
    });
    expect(err.status).toBe(400);
    expect(err.code).toBe('GW_UNSUPPORTED');
    expect(err.param).toBe('messages[1].content[1]');
  });

  test('a file part needs data or an id', () => {
    const err = fails({ model: 'm', messages: [user([{ type: 'file', file: { filename: 'a.pdf' } }])] });
    expect(err.status).toBe(400);
    expect(err.param).toBe('messages[0].content[0]');
  });

  test('error messages do not echo long values', () => {
    const err = fails({ model: 'm', messages: [{ role: 'x'.repeat(5000), content: 'y' }] });
    expect(err.message.length).toBeLessThan(300);
  });
});
