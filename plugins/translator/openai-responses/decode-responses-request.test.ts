import { describe, expect, test } from 'bun:test';
import { isGatewayError, type GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import { sealReasoning } from './reasoning-envelope.ts';
import { decode, readJsonFixture } from './responses-test-kit.ts';

function chat(body: unknown): ChatRequest {
  return decode(body).body;
}

function rejection(body: unknown): GatewayError {
  try {
    decode(body);
  } catch (e) {
    if (isGatewayError(e)) return e;
    throw e;
  }
  throw new Error('decode accepted the body');
}

describe('decodeResponsesRequest', () => {
  test('string input with instructions becomes a system and a user message', () => {
    const req = decode({ model: 'gpt-5.4', input: 'Hello', instructions: 'Be brief.', stream: true });
    expect(req.operation).toBe('chat');
    expect(req.model).toBe('gpt-5.4');
    expect(req.stream).toBe(true);
    expect(req.body.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
    ]);
    expect(req.raw?.instructions).toBe('Be brief.');
  });

  test('a full tool-use history merges one model turn into one assistant message', () => {
    const encrypted = 'gAAAAABo-opaque';
    const body = {
      model: 'm',
      input: [
        { role: 'developer', content: 'Use tools.' },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'Weather?' },
            { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'low' },
          ],
        },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Thinking' }], encrypted_content: encrypted },
        { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
        { type: 'function_call', id: 'fc_1', call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'call_b', name: 'get_time', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_a', output: '18C' },
        { type: 'function_call_output', call_id: 'call_b', output: [{ type: 'input_text', text: 'noon' }] },
        { role: 'assistant', content: 'It is 18C at noon.' },
      ],
    };
    expect(chat(body).messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Use tools.' }], providerOptions: { 'openai-responses': { role: 'developer' } } },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather?' },
          { type: 'image', url: 'https://example.com/a.png', detail: 'low' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Thinking', origin: 'openai-responses', redacted: encrypted, providerOptions: { 'openai-responses': { id: 'rs_1' } } },
          { type: 'text', text: 'Checking.' },
          { type: 'tool-call', id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'tool-call', id: 'call_b', name: 'get_time', arguments: '{}' },
        ],
      },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_a', name: 'get_weather', content: [{ type: 'text', text: '18C' }] }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_b', name: 'get_time', content: [{ type: 'text', text: 'noon' }] }] },
      { role: 'assistant', content: [{ type: 'text', text: 'It is 18C at noon.' }] },
    ]);
  });

  test('the output item of responses-function-call.json goes back in as input', () => {
    const fixture = readJsonFixture<{ output: Array<Record<string, unknown>>; tools: unknown[] }>('openai/responses-function-call.json');
    const call = fixture.output[0];
    const body = chat({
      model: 'gpt-5.4',
      input: [{ role: 'user', content: 'Weather in Boston?' }, call, { type: 'function_call_output', call_id: call.call_id, output: '{"temp":22}' }],
      tools: fixture.tools,
      tool_choice: 'auto',
    });
    expect(body.messages[1].content).toEqual([
      { type: 'tool-call', id: 'call_unLAR8MvFNptuiZK6K6HCy5k', name: 'get_current_weather', arguments: '{"location":"Boston, MA","unit":"celsius"}' },
    ]);
    expect(body.messages[2]).toEqual({
      role: 'tool',
      content: [{ type: 'tool-result', toolCallId: 'call_unLAR8MvFNptuiZK6K6HCy5k', name: 'get_current_weather', content: [{ type: 'text', text: '{"temp":22}' }] }],
    });
    const tool = fixture.tools[0] as { description: string; parameters: Record<string, unknown> };
    expect(body.tools).toEqual([{ name: 'get_current_weather', description: tool.description, parameters: tool.parameters, strict: true }]);
    expect(body.toolChoice).toBe('auto');
  });

  test('allowed_tools of function tools restricts the hub tools and keeps its mode, for every upstream', () => {
    const tools = ['a', 'b', 'c'].map((name) => ({ type: 'function', name, parameters: { type: 'object' } }));
    const choice = { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'a' }, { type: 'function', name: 'c' }] };
    const body = chat({ model: 'm', input: 'hi', tools, tool_choice: choice });
    expect(body.tools?.map((t) => t.name)).toEqual(['a', 'c']);
    expect(body.toolChoice).toBe('required');
    expect(body.nativeOnly).toBeUndefined();
    expect(body.providerOptions?.['openai-responses']?.tool_choice).toEqual(choice);
    const builtIn = chat({ model: 'm', input: 'hi', tools, tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'image_generation' }] } });
    expect(builtIn.nativeOnly?.feature).toBe('tool_choice of type "allowed_tools"');
    expect(builtIn.tools).toHaveLength(3);
  });

  test('tools declared in additional_tools items and namespaces (Codex ≥ 0.147): flat in the hub; a declaration again replaces the first', () => {
    const fn = (name: string, extra: Record<string, unknown> = {}) => ({ type: 'function', name, parameters: { type: 'object' }, ...extra });
    const body = chat({
      model: 'm',
      tools: [],
      input: [
        { type: 'additional_tools', role: 'developer', tools: [fn('shell'), { type: 'namespace', name: 'mcp__fs__', description: 'fs', tools: [fn('read', { description: 'old' }), { type: 'custom', name: 'patch' }] }] },
        { type: 'message', role: 'user', content: 'hi' },
        { type: 'function_call', name: 'read', namespace: 'mcp__fs__', call_id: 'c1', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'x' },
        { type: 'additional_tools', role: 'developer', tools: [{ type: 'namespace', name: 'mcp__fs__', description: 'fs', tools: [fn('read', { description: 'new' })] }] },
      ],
    });
    expect(body.nativeOnly).toBeUndefined();
    expect(body.tools?.map((t) => [t.name, t.description ?? '', t.providerOptions?.['openai-responses']])).toEqual([
      ['shell', '', undefined],
      ['mcp__fs__read', 'new', { namespace: 'mcp__fs__', name: 'read' }],
      ['mcp__fs__patch', '', { custom: true, namespace: 'mcp__fs__', name: 'patch' }],
    ]);
    expect(body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(body.messages[1]!.content).toEqual([{ type: 'tool-call', id: 'c1', name: 'mcp__fs__read', arguments: '{}' }]);
    // A choice names a namespaced tool by its namespace and name too.
    const forced = chat({ model: 'm', input: [{ type: 'additional_tools', role: 'developer', tools: [{ type: 'namespace', name: 'mcp__fs', description: 'fs', tools: [fn('read'), fn('write')] }] }, { type: 'message', role: 'user', content: 'hi' }],
      tool_choice: { type: 'function', name: 'read', namespace: 'mcp__fs' } });
    expect(forced.toolChoice).toEqual({ type: 'tool', name: 'mcp__fs__read' });
    const allowed = chat({ model: 'm', input: [{ type: 'additional_tools', role: 'developer', tools: [{ type: 'namespace', name: 'mcp__fs', description: 'fs', tools: [fn('read'), fn('write')] }] }, { type: 'message', role: 'user', content: 'hi' }],
      tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'write', namespace: 'mcp__fs' }] } });
    expect(allowed.tools?.map((t) => t.name)).toEqual(['mcp__fs__write']);
    // A built-in tool among the declarations still needs a Responses upstream.
    const builtIn = chat({ model: 'm', input: [{ type: 'additional_tools', role: 'developer', tools: [fn('shell'), { type: 'file_search' }] }, { type: 'message', role: 'user', content: 'hi' }] });
    expect(builtIn.nativeOnly?.feature).toBe('the built-in tool "file_search"');
    expect(builtIn.providerOptions?.['openai-responses']?.tools).toEqual([{ type: 'file_search' }]);
  });

  test('settings map onto the hub; Responses-only fields and extras go to providerOptions', () => {
    const req = decode({
      model: 'm',
      input: 'hi',
      tools: [{ type: 'function', name: 'f', parameters: null }, { type: 'web_search' }],
      tool_choice: { type: 'function', name: 'f' },
      parallel_tool_calls: false,
      max_output_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      reasoning: { effort: 'high', summary: 'detailed' },
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true }, verbosity: 'low' },
      store: true,
      include: ['reasoning.encrypted_content'],
      metadata: { team: 'a' },
      client_metadata: { session: 's1' },
      prompt_cache_key: 'pck',
      service_tier: 'flex',
      truncation: 'auto',
      user: 'u1',
      some_future_field: { x: 1 },
    });
    const body = req.body;
    expect(body.tools).toEqual([{ name: 'f', parameters: { type: 'object', properties: {} } }]);
    expect(body.toolChoice).toEqual({ type: 'tool', name: 'f' });
    expect(body.parallelToolCalls).toBe(false);
    expect(body.maxTokens).toBe(300);
    expect(body.temperature).toBe(0.2);
    expect(body.topP).toBe(0.9);
    expect(body.reasoning).toEqual({ effort: 'high', enabled: true, includeThoughts: true });
    expect(body.responseFormat).toEqual({ type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true });
    expect(body.metadata).toEqual({ team: 'a' });
    expect(body.user).toBe('u1');
    expect(body.providerOptions).toEqual({
      'openai-responses': {
        tools: [{ type: 'web_search' }],
        include: ['reasoning.encrypted_content'],
        client_metadata: { session: 's1' },
        prompt_cache_key: 'pck',
        service_tier: 'flex',
        truncation: 'auto',
        some_future_field: { x: 1 },
        reasoning: { summary: 'detailed' },
        text: { verbosity: 'low' },
      },
    });
  });

  test('json_object and text formats', () => {
    expect(chat({ model: 'm', input: 'x', text: { format: { type: 'json_object' } } }).responseFormat).toEqual({ type: 'json' });
    expect(chat({ model: 'm', input: 'x', text: { format: { type: 'text' } } }).responseFormat).toEqual({ type: 'text' });
  });

  test('a gateway reasoning envelope restores the signature of another provider', () => {
    const sealed = sealReasoning({ origin: 'anthropic', signature: 'sig-123' });
    expect(sealed).toStartWith('switchyard.reasoning.v1:');
    const body = chat({
      model: 'm',
      input: [
        { role: 'user', content: 'q' },
        { type: 'reasoning', id: 'rs_x', summary: [{ type: 'summary_text', text: 'hmm' }], encrypted_content: sealed },
        { role: 'assistant', content: 'a' },
      ],
    });
    expect(body.messages[1].content[0]).toEqual({ type: 'reasoning', text: 'hmm', origin: 'anthropic', signature: 'sig-123' });
  });

  test('file data becomes a file part; a data: image URL is kept as a URL', () => {
    const body = chat({
      model: 'm',
      input: [{
        role: 'user',
        content: [
          { type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' },
          { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=' },
        ],
      }],
    });
    expect(body.messages[0].content).toEqual([
      { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf', filename: 'a.pdf' },
      { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
    ]);
  });

  test('items only a Responses upstream understands travel as raw items; a web search\'s record is left out', () => {
    const item = { type: 'mcp_call', id: 'mcp_1', server_label: 'gh', name: 'search', arguments: '{}', output: 'x' };
    const body = chat({ model: 'm', input: [{ role: 'user', content: 'x' }, item] });
    expect(body.messages.slice(1)).toEqual([{ role: 'assistant', content: [], providerOptions: { 'openai-responses': { item } } }]);
    expect(body.nativeOnly?.feature).toBe('input items of type "mcp_call"');
    const searched = chat({ model: 'm', input: [{ role: 'user', content: 'x' }, { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'bun' } }] });
    expect(searched.messages.map((m) => m.role)).toEqual(['user']);
    expect(searched.nativeOnly).toBeUndefined();
  });

  test('optional built-in tools (web search, the client\'s tool search) do not need a Responses upstream; one forced does', () => {
    const tools = [{ type: 'function', name: 'shell', parameters: { type: 'object' } }, { type: 'web_search', external_web_access: false }, { type: 'tool_search', execution: 'client' }];
    const offered = chat({ model: 'm', input: 'hi', tools });
    expect(offered.nativeOnly).toBeUndefined();
    // The client-run tool search is a function any upstream can call; web search waits for a Responses upstream.
    expect(offered.tools?.map((t) => t.name)).toEqual(['shell', 'tool_search']);
    expect(offered.tools?.[1]?.parameters).toMatchObject({ required: ['query'] });
    expect(offered.providerOptions?.['openai-responses']?.tools).toEqual([tools[1]]);
    expect(chat({ model: 'm', input: 'hi', tools, tool_choice: { type: 'web_search' } }).nativeOnly?.feature).toBe('tool_choice of type "web_search"');
    // A search the client ran is the function's call and result; the tools it found are declared.
    const found = chat({ model: 'm', input: [
      { role: 'user', content: 'x' },
      { type: 'tool_search_call', call_id: 'ts1', execution: 'client', arguments: { query: 'issue' }, status: 'completed' },
      { type: 'tool_search_output', call_id: 'ts1', execution: 'client', status: 'completed', tools: [{ type: 'namespace', name: 'mcp__gh', description: 'gh', tools: [{ type: 'function', name: 'create_issue', description: 'Creates an issue.\nMore.', parameters: { type: 'object' } }] }] },
    ], tools });
    expect(found.tools?.map((t) => t.name)).toEqual(['shell', 'tool_search', 'mcp__gh__create_issue']);
    expect(found.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(found.messages[1]!.content).toEqual([{ type: 'tool-call', id: 'ts1', name: 'tool_search', arguments: '{"query":"issue"}' }]);
    expect(found.messages[2]!.content).toEqual([{ type: 'tool-result', toolCallId: 'ts1', name: 'tool_search', content: [{ type: 'text', text: 'Tools found (callable now):\n- mcp__gh__create_issue: Creates an issue.' }] }]);
    // A search OpenAI ran itself is left out for other upstreams.
    const server = chat({ model: 'm', input: [{ role: 'user', content: 'x' }, { type: 'tool_search_call', call_id: 'ts2', execution: 'server', arguments: {} }] });
    expect(server.messages.map((m) => m.role)).toEqual(['user']);
  });

  test('custom (freeform) tools, their calls and outputs become a function with one string parameter', () => {
    const grammar = 'start: "*** Begin Patch" /(.|\\n)*/';
    const body = chat({
      model: 'm',
      tools: [{ type: 'custom', name: 'apply_patch', description: 'Edit files.', format: { type: 'grammar', syntax: 'lark', definition: grammar } }],
      tool_choice: { type: 'custom', name: 'apply_patch' },
      input: [
        { role: 'user', content: 'fix it' },
        { type: 'custom_tool_call', call_id: 'c1', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' },
        { type: 'custom_tool_call_output', call_id: 'c1', output: 'Done!' },
      ],
    });
    expect(body.tools).toEqual([{
      name: 'apply_patch',
      description: `Edit files.\n\nThe input must follow this lark grammar:\n${grammar}`,
      parameters: expect.objectContaining({ type: 'object', required: ['input'] }),
      providerOptions: { 'openai-responses': { custom: true } },
    }]);
    expect(body.toolChoice).toEqual({ type: 'tool', name: 'apply_patch' });
    expect(body.messages.slice(1)).toEqual([
      { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'apply_patch', arguments: JSON.stringify({ input: '*** Begin Patch\n*** End Patch' }) }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', name: 'apply_patch', content: [{ type: 'text', text: 'Done!' }] }] },
    ]);
  });

  test.each([
    [{ model: 'm', input: 'x', previous_response_id: 'resp_1' }, 'previous_response_id', 'stored responses are off; send the full input'],
    [{ model: 'm', input: 'x', conversation: 'conv_1' }, 'conversation', 'stored responses are off'],
    [{ model: 'm', input: 'x', background: true }, 'background', 'background'],
    [{ input: 'x' }, 'model', 'model'],
    [{ model: '', input: 'x' }, 'model', 'must not be empty'],
    [{ model: 'm' }, 'input', 'input is required'],
    [{ model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id', 'call_id'],
    [{ model: 'm', input: [{ type: 'function_call_output', call_id: 'nope', output: 'x' }] }, 'input[0].call_id', 'no function_call with call_id'],
    [{ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]', 'item_reference needs stored responses'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }] }, 'input[0].content[0].file_id', 'keeps no files'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }] }, 'input[0].content[0].file_id', 'keeps no files'],
    [{ model: 'm', input: [{ role: 'robot', content: 'x' }] }, 'input[0].role', 'Invalid'],
    [{ model: 'm', input: 'x', tools: [{ type: 'function', parameters: {} }] }, 'tools[0].name', 'name'],
    [{ model: 'm', input: 'x', tool_choice: { type: 'function' } }, 'tool_choice.name', 'tool_choice.name'],
    [{ model: 'm', input: 'x', temperature: 3 }, 'temperature', 'Invalid'],
    [{ model: 'm', input: [{ role: 'assistant', content: [{ type: 'input_image', image_url: 'https://x/y.png' }] }] }, 'input[0].content[0]', 'only text'],
  ])('400 with param for %j', (body, param, message) => {
    const err = rejection(body);
    expect(err.status).toBe(400);
    expect(err.param).toBe(param);
    expect(err.message).toContain(message);
  });

  test('a body that is not an object is a 400', () => {
    expect(rejection([1, 2]).status).toBe(400);
    expect(rejection('text').status).toBe(400);
  });

  test('a Codex-shaped request decodes (reasoning with content:null, verbosity, prompt_cache_key)', () => {
    const req = decode({
      model: 'gpt-5-codex',
      instructions: 'You are Codex.',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>cwd</environment_context>' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list files' }] },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: '**Listing**' }], content: null, encrypted_content: 'gAAAAB-codex' },
        { type: 'function_call', name: 'shell', arguments: '{"command":["ls"]}', call_id: 'call_1' },
        { type: 'function_call_output', call_id: 'call_1', output: 'a.txt' },
      ],
      tools: [{ type: 'function', name: 'shell', description: 'Runs a command', strict: false, parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'], additionalProperties: false } }],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      reasoning: { effort: 'medium', summary: 'auto' },
      store: false,
      stream: true,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: '0199a-session',
      text: { verbosity: 'low' },
    });
    expect(req.stream).toBe(true);
    expect(req.body.messages.map((m) => m.role)).toEqual(['system', 'user', 'user', 'assistant', 'tool']);
    expect(req.body.messages[3].content).toEqual([
      { type: 'reasoning', text: '**Listing**', origin: 'openai-responses', redacted: 'gAAAAB-codex' },
      { type: 'tool-call', id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}' },
    ]);
    expect(req.body.tools?.[0].strict).toBe(false);
    expect(req.body.providerOptions?.['openai-responses']).toEqual({
      include: ['reasoning.encrypted_content'], prompt_cache_key: '0199a-session', reasoning: { summary: 'auto' }, text: { verbosity: 'low' },
    });
  });

  test('store:true is accepted and stream defaults to false', () => {
    const req = decode({ model: 'm', input: 'x', store: true });
    expect(req.stream).toBe(false);
    expect(req.body.providerOptions).toBeUndefined();
  });
});
