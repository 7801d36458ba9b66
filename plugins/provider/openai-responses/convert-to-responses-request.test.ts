import { describe, expect, test } from 'bun:test';
import type { ChatRequest } from '../../../core/types/hub.ts';
import { validateResponsesRequest } from '../../../tests/helpers/mock-responses-validate.ts';
import { convertToResponsesRequest } from './convert-to-responses-request.ts';

const base: ChatRequest = { model: 'client-model', messages: [], stream: false };

describe('convertToResponsesRequest', () => {
  test('a tool-use conversation becomes instructions + input items the API accepts', () => {
    const req: ChatRequest = {
      ...base,
      stream: true,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'system', content: [{ type: 'text', text: 'Use tools.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'image', data: 'iVBORw0KGgo=', mediaType: 'image/png' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'plan', redacted: 'gAAAAB-enc', origin: 'openai-responses', providerOptions: { 'openai-responses': { id: 'rs_1' } } },
            { type: 'reasoning', text: 'foreign', signature: 'sig', origin: 'anthropic' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool-call', id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_a', content: [{ type: 'text', text: '18C' }] }] },
        { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }], providerOptions: { 'openai-responses': { role: 'developer' } } },
      ],
      tools: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      toolChoice: { type: 'tool', name: 'get_weather' },
      parallelToolCalls: false,
      maxTokens: 5,
      temperature: 0.3,
      topP: 0.8,
      seed: 7,
      responseFormat: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true },
      reasoning: { effort: 'high', includeThoughts: true },
      metadata: { team: 'a', n: 3 },
      user: 'u1',
    };
    const body = convertToResponsesRequest(req, 'gpt-5.4');
    expect(body).toEqual({
      model: 'gpt-5.4',
      instructions: 'Be brief.\n\nUse tools.',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }, { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'auto' }] },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'plan' }], encrypted_content: 'gAAAAB-enc' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
        { type: 'function_call', call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_a', output: '18C' },
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Answer in French.' }] },
      ],
      tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }],
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
      max_output_tokens: 16,
      temperature: 0.3,
      top_p: 0.8,
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } },
      reasoning: { effort: 'high', summary: 'auto' },
      metadata: { team: 'a' },
      user: 'u1',
      stream: true,
      store: false,
      include: ['reasoning.encrypted_content'],
    });
    expect(validateResponsesRequest(body)).toBeUndefined();
  });

  test('providerOptions wire fields merge last; protected fields stay', () => {
    const body = convertToResponsesRequest({
      ...base,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      tools: [{ name: 'f', parameters: { type: 'object' }, strict: true }],
      reasoning: { effort: 'low' },
      providerOptions: {
        'openai-responses': {
          tools: [{ type: 'web_search' }],
          include: ['reasoning.encrypted_content', 'web_search_call.action.sources'],
          reasoning: { summary: 'detailed' },
          text: { verbosity: 'low' },
          prompt_cache_key: 'k',
          model: 'evil',
          store: true,
          stream: true,
        },
      },
    }, 'gpt-5.4');
    expect(body.model).toBe('gpt-5.4');
    expect(body.store).toBe(false);
    expect(body.stream).toBe(false);
    expect(body.tools).toEqual([{ type: 'function', name: 'f', parameters: { type: 'object' }, strict: true }, { type: 'web_search' }]);
    expect(body.include).toEqual(['reasoning.encrypted_content', 'web_search_call.action.sources']);
    expect(body.reasoning).toEqual({ effort: 'low', summary: 'detailed' });
    expect(body.text).toEqual({ verbosity: 'low' });
    expect(body.prompt_cache_key).toBe('k');
    expect(validateResponsesRequest(body)).toBeUndefined();
  });

  test('no reasoning asked and none sent back: no include; a bare budget maps to an effort', () => {
    const plain = convertToResponsesRequest({ ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }, 'm');
    expect(plain).toEqual({ model: 'm', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }], stream: false, store: false });
    const budget = convertToResponsesRequest({ ...base, messages: [], reasoning: { budgetTokens: 8000, enabled: true } }, 'm');
    expect(budget.reasoning).toEqual({ effort: 'medium' });
    expect(budget.include).toEqual(['reasoning.encrypted_content']);
    expect(convertToResponsesRequest({ ...base, messages: [], reasoning: { enabled: false } }, 'm').reasoning).toBeUndefined();
  });

  test('stop sequences are refused with a 400, not dropped', () => {
    const req: ChatRequest = { model: 'm', stream: false, stop: ['END'], messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] };
    let err: unknown;
    try {
      convertToResponsesRequest(req, 'gpt-5.4');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'GW_UNSUPPORTED', status: 400 });
    expect(convertToResponsesRequest({ ...req, stop: [] }, 'gpt-5.4').model).toBe('gpt-5.4');
  });

  test('tool results with images, files, raw native items and json_object format', () => {
    const item = { type: 'custom_tool_call', call_id: 'c9', name: 'apply_patch', input: 'patch' };
    const body = convertToResponsesRequest({
      ...base,
      responseFormat: { type: 'json' },
      messages: [
        { role: 'user', content: [{ type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf', filename: 'a.pdf' }] },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'shot', arguments: '' }] },
        { role: 'user', content: [{ type: 'tool-result', toolCallId: 'c1', content: [{ type: 'text', text: 'see' }, { type: 'image', url: 'https://x/y.png' }] }, { type: 'text', text: 'and?' }] },
        { role: 'assistant', content: [], providerOptions: { 'openai-responses': { item } } },
      ],
    }, 'm');
    expect(body.input).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' }] },
      { type: 'function_call', call_id: 'c1', name: 'shot', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'see' }, { type: 'input_image', image_url: 'https://x/y.png', detail: 'auto' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'and?' }] },
      item,
    ]);
    expect(body.text).toEqual({ format: { type: 'json_object' } });
    expect(validateResponsesRequest(body)).toBeUndefined();
  });
});

test('a tool result of several texts keeps them apart, one per line (as the Anthropic and Gemini providers send them)', () => {
  const body = convertToResponsesRequest({
    ...base,
    messages: [
      { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'read', arguments: '{}' }] },
      { role: 'user', content: [{ type: 'tool-result', toolCallId: 'c1', content: [{ type: 'text', text: 'line one' }, { type: 'text', text: 'line two' }] }] },
    ],
  }, 'm');
  expect(body.input).toContainEqual({ type: 'function_call_output', call_id: 'c1', output: 'line one\nline two' });
});
