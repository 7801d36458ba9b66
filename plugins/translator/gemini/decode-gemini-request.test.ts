import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { isGatewayError, type GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import { decodeGeminiRequest } from './decode-gemini-request.ts';
import { parseModelAction } from './parse-model-action.ts';

const FIXTURES = `${import.meta.dir}/../../../../shared/fixtures/gemini`;
const fixture = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8')) as { url: string; body: Record<string, unknown> };

/** Decodes a fixture the way the route does: model and method from its URL. */
function decodeFixture(name: string): ChatRequest {
  const fx = fixture(name);
  const tail = new URL(`http://x${fx.url}`).pathname.replace(/^\/v1(alpha|beta)\/models\//, '');
  const { model, action } = parseModelAction(tail);
  const req = decodeGeminiRequest(fx.body, model, action === 'streamGenerateContent');
  expect(req.raw).toBe(fx.body);
  return req.body as ChatRequest;
}

function failure(body: unknown): GatewayError {
  try {
    decodeGeminiRequest(body, 'm', false);
  } catch (e) {
    if (isGatewayError(e)) return e;
    throw e;
  }
  throw new Error('expected a GatewayError');
}

const user = (text: string) => ({ role: 'user', parts: [{ text }] });

describe('parseModelAction', () => {
  test('splits at the last colon; models may hold / and :', () => {
    expect(parseModelAction('gemini-2.5-flash:generateContent')).toEqual({ model: 'gemini-2.5-flash', action: 'generateContent' });
    expect(parseModelAction('groq/llama-3.3-70b:streamGenerateContent')).toEqual({ model: 'groq/llama-3.3-70b', action: 'streamGenerateContent' });
    expect(parseModelAction('groq%2Fllama-3.3-70b:generateContent')).toEqual({ model: 'groq/llama-3.3-70b', action: 'generateContent' });
    expect(parseModelAction('local/qwen3:8b:countTokens')).toEqual({ model: 'local/qwen3:8b', action: 'countTokens' });
    expect(parseModelAction('models/gemini-2.5-pro:generateContent').model).toBe('gemini-2.5-pro');
  });

  test('an unknown method is 404, a missing model 400', () => {
    for (const [tail, status] of [['gemini-2.5-flash:predict', 404], ['gemini-2.5-flash', 404], [':generateContent', 400]] as const) {
      let err: unknown;
      try {
        parseModelAction(tail);
      } catch (e) {
        err = e;
      }
      expect(isGatewayError(err) && err.status).toBe(status);
    }
  });
});

describe('decodeGeminiRequest: the recorded SDK requests', () => {
  test('functionCall fixture: parametersJsonSchema kept as JSON Schema, ANY + one allowed name → that tool', () => {
    const chat = decodeFixture('generateContent-functionCall.request.json');
    expect(chat.model).toBe('gemini-2.5-flash');
    expect(chat.stream).toBe(false);
    expect(chat.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'put word: hello and word: world into a string' }] }]);
    const declared = (fixture('generateContent-functionCall.request.json').body.tools as Array<{ functionDeclarations: Array<{ parametersJsonSchema: unknown }> }>)[0];
    expect(chat.tools).toEqual([{
      name: 'concatStringFunction',
      description: 'this is a concat string function',
      parameters: declared.functionDeclarations[0].parametersJsonSchema as Record<string, unknown>,
    }]);
    expect(chat.toolChoice).toEqual({ type: 'tool', name: 'concatStringFunction' });
    expect(chat.providerOptions?.gemini?.toolConfig).toEqual({ functionCallingConfig: { allowedFunctionNames: ['concatStringFunction'], mode: 'ANY' } });
  });

  test('stream functionCall fixture: OpenAPI `parameters` (OBJECT, NUMBER) become JSON Schema', () => {
    const chat = decodeFixture('streamGenerateContent-functionCall.request.json');
    expect(chat.stream).toBe(true);
    expect(chat.model).toBe('gemini-2.0-flash');
    expect(chat.tools?.[0].parameters).toEqual({
      type: 'object', properties: { denominator: { type: 'number' }, numerator: { type: 'number' } },
    });
  });

  test('responseJsonSchema fixture → json_schema response format', () => {
    const chat = decodeFixture('generateContent-responseJsonSchema.request.json');
    expect(chat.responseFormat?.type).toBe('json_schema');
    const schema = (chat.responseFormat as { schema: Record<string, unknown> }).schema;
    expect(schema.required).toContain('nullableObjectField');
    expect(chat.providerOptions).toBeUndefined();
  });

  test('thought fixture: max tokens, candidate count, includeThoughts', () => {
    const chat = decodeFixture('generateContent-thought.request.json');
    expect(chat).toMatchObject({ model: 'gemini-2.0-flash-thinking-exp', maxTokens: 20, n: 1, reasoning: { includeThoughts: true } });
  });

  test('systemInstruction fixture: a system message first', () => {
    const chat = decodeFixture('streamGenerateContent-systemInstruction.request.json');
    expect(chat.messages[0]).toEqual({ role: 'system', content: [{ type: 'text', text: 'I say high you say low, and then tell me why is the sky blue.' }] });
    expect(chat.messages[1]).toEqual({ role: 'user', content: [{ type: 'text', text: 'high' }] });
    expect(chat.streamUsage).toBe(true);
  });
});

test('int64 limits written as strings by @google/genai (proto3 JSON) become JSON Schema integers', () => {
  const r = decodeGeminiRequest({
    contents: [{ role: 'user', parts: [{ text: 'a' }] }],
    tools: [{ functionDeclarations: [{ name: 'f', parameters: {
      type: 'OBJECT', minProperties: '1', properties: { tags: { type: 'ARRAY', minItems: '1', maxItems: '5', items: { type: 'STRING', maxLength: '20' } } },
    } }] }],
  }, 'm', false);
  expect((r.body as ChatRequest).tools?.[0].parameters).toEqual({
    type: 'object', minProperties: 1, properties: { tags: { type: 'array', minItems: 1, maxItems: 5, items: { type: 'string', maxLength: 20 } } },
  });
});

describe('decodeGeminiRequest: allowedFunctionNames', () => {
  const tools = [{ functionDeclarations: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }];
  const decode = (functionCallingConfig: Record<string, unknown>) => decodeGeminiRequest({
    contents: [{ role: 'user', parts: [{ text: 'hi' }] }], tools, toolConfig: { functionCallingConfig },
  }, 'm', false).body as ChatRequest;

  test('ANY or VALIDATED with several names: only those tools reach a non-Gemini upstream', () => {
    const any = decode({ mode: 'ANY', allowedFunctionNames: ['a', 'b'] });
    expect(any.tools?.map((t) => t.name)).toEqual(['a', 'b']);
    expect(any.toolChoice).toBe('required');
    const validated = decode({ mode: 'VALIDATED', allowedFunctionNames: ['c'] });
    expect(validated.tools?.map((t) => t.name)).toEqual(['c']);
    expect(validated.toolChoice).toBe('auto');
  });

  test('no names, AUTO, or names that match nothing: every tool stays', () => {
    for (const cfg of [{ mode: 'ANY' }, { mode: 'AUTO' }, { mode: 'ANY', allowedFunctionNames: ['zzz'] }]) {
      expect(decode(cfg).tools?.map((t) => t.name)).toEqual(['a', 'b', 'c']);
    }
  });
});

describe('decodeGeminiRequest: conversations', () => {
  test('snake_case bodies (Google curl samples) decode like camelCase ones', () => {
    const camel = decodeGeminiRequest({
      systemInstruction: { parts: [{ text: 'sys' }] },
      contents: [{ role: 'user', parts: [{ text: 'a' }, { inlineData: { mimeType: 'image/png', data: 'QUJD' } }] }],
      generationConfig: { maxOutputTokens: 5, stopSequences: ['x'], thinkingConfig: { thinkingBudget: 0 } },
      tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', properties: { snake_case_arg: { type: 'STRING' } } } }] }],
      toolConfig: { functionCallingConfig: { mode: 'NONE' } },
    }, 'm', false);
    const snake = decodeGeminiRequest({
      system_instruction: { parts: [{ text: 'sys' }] },
      contents: [{ role: 'user', parts: [{ text: 'a' }, { inline_data: { mime_type: 'image/png', data: 'QUJD' } }] }],
      generation_config: { max_output_tokens: 5, stop_sequences: ['x'], thinking_config: { thinking_budget: 0 } },
      tools: [{ function_declarations: [{ name: 'f', parameters: { type: 'OBJECT', properties: { snake_case_arg: { type: 'STRING' } } } }] }],
      tool_config: { function_calling_config: { mode: 'NONE' } },
    }, 'm', false);
    expect(snake.body).toEqual(camel.body);
    const chat = camel.body as ChatRequest;
    expect(chat.tools?.[0].parameters).toEqual({ type: 'object', properties: { snake_case_arg: { type: 'string' } } });
    expect(chat).toMatchObject({ maxTokens: 5, stop: ['x'], toolChoice: 'none', reasoning: { enabled: false } });
    expect(chat.messages[1].content[1]).toEqual({ type: 'image', data: 'QUJD', mediaType: 'image/png' });
  });

  test('calls without ids get stable ids; responses pair by id, else by name in order', () => {
    const body = {
      contents: [
        user('weather in Paris and Rome, then the time'),
        { role: 'model', parts: [
          { functionCall: { name: 'weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG1' },
          { functionCall: { name: 'weather', args: { city: 'Rome' } } },
          { functionCall: { name: 'time', args: {}, id: 'native-t' } },
        ] },
        { role: 'user', parts: [
          { functionResponse: { name: 'time', response: { output: '12:00' }, id: 'native-t' } },
          { functionResponse: { name: 'weather', response: { temp: 20 }, id: 'weather-123-cli-made-up' } },
          { functionResponse: { name: 'weather', response: { error: 'unavailable' } } },
          { text: 'and?' },
        ] },
      ],
    };
    const chat = decodeGeminiRequest(body, 'm', false).body as ChatRequest;
    expect(chat.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'tool-call', id: 'call_weather_0', name: 'weather', arguments: '{"city":"Paris"}', providerOptions: { gemini: { thoughtSignature: 'SIG1' } } },
        { type: 'tool-call', id: 'call_weather_1', name: 'weather', arguments: '{"city":"Rome"}' },
        // The client's own id is kept for a Gemini upstream.
        { type: 'tool-call', id: 'native-t', name: 'time', arguments: '{}', providerOptions: { gemini: { id: 'native-t' } } },
      ],
    });
    expect(chat.messages.slice(2)).toEqual([
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'native-t', name: 'time', content: [{ type: 'text', text: '12:00' }] }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_weather_0', name: 'weather', content: [{ type: 'text', text: '{"temp":20}' }] }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_weather_1', name: 'weather', isError: true, content: [{ type: 'text', text: 'unavailable' }] }] },
      { role: 'user', content: [{ type: 'text', text: 'and?' }] },
    ]);
    // Same history, same ids: decoding is deterministic.
    expect((decodeGeminiRequest(body, 'm', false).body as ChatRequest).messages).toEqual(chat.messages);
  });

  test('thoughts and signatures: Gemini ones stay Gemini, wrapped foreign ones regain their origin', () => {
    const chat = decodeGeminiRequest({
      contents: [
        user('q'),
        { role: 'model', parts: [
          { text: 'pondering', thought: true, thoughtSignature: 'G1' },
          { text: 'claude said', thought: true, thoughtSignature: 'swy1:anthropic:ANTH' },
          { text: 'answer', thoughtSignature: 'G2' },
          { text: '', thoughtSignature: 'G3' },
        ] },
        user('more'),
      ],
    }, 'm', false).body as ChatRequest;
    expect(chat.messages[1].content).toEqual([
      { type: 'reasoning', text: 'pondering', signature: 'G1', origin: 'gemini' },
      { type: 'reasoning', text: 'claude said', signature: 'ANTH', origin: 'anthropic' },
      { type: 'text', text: 'answer', providerOptions: { gemini: { thoughtSignature: 'G2' } } },
      { type: 'reasoning', text: '', signature: 'G3', origin: 'gemini' },
    ]);
  });

  test('a streamed reply kept chunk by chunk: one assistant turn, one text, the foreign signature with the thinking it signs', () => {
    const chat = decodeGeminiRequest({
      contents: [
        user('q'),
        { role: 'model', parts: [{ text: 'Let me ', thought: true }] },
        { role: 'model', parts: [{ text: 'think.', thought: true }] },
        { role: 'model', parts: [{ text: '', thought: true, thoughtSignature: 'swy1:anthropic:ANTH' }] },
        { role: 'model', parts: [{ text: 'Hel' }] },
        { role: 'model', parts: [{ text: 'lo' }, { functionCall: { name: 'f', args: {} } }] },
        { role: 'model', parts: [{ text: '' }] },
        user('more'),
      ],
    }, 'm', false).body as ChatRequest;
    expect(chat.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(chat.messages[1].content).toEqual([
      { type: 'reasoning', text: 'Let me think.', signature: 'ANTH', origin: 'anthropic' },
      { type: 'text', text: 'Hello' },
      { type: 'tool-call', id: 'call_f_0', name: 'f', arguments: '{}' },
    ]);
  });

  test('a function response\'s own media (Gemini 3 multimodal responses, snake_case too): images join the result, files follow it', () => {
    const call = { role: 'model', parts: [{ functionCall: { name: 'read_many_files', args: {} } }] };
    const camel = decodeGeminiRequest({ contents: [user('q'), call, { role: 'user', parts: [{ functionResponse: {
      name: 'read_many_files', response: { output: 'Binary content provided (2 item(s)).' },
      parts: [{ inlineData: { mimeType: 'image/png', data: 'UE5H' } }, { inlineData: { mimeType: 'application/pdf', data: 'JVBE' } }],
    } }] }] }, 'm', false).body as ChatRequest;
    const snake = decodeGeminiRequest({ contents: [user('q'), call, { role: 'user', parts: [{ function_response: {
      name: 'read_many_files', response: { output: 'Binary content provided (2 item(s)).' },
      parts: [{ inline_data: { mime_type: 'image/png', data: 'UE5H' } }, { inline_data: { mime_type: 'application/pdf', data: 'JVBE' } }],
    } }] }] }, 'm', false).body as ChatRequest;
    expect(snake.messages).toEqual(camel.messages);
    expect(camel.messages.slice(2)).toEqual([
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_read_many_files_0', name: 'read_many_files', content: [
        { type: 'text', text: 'Binary content provided (2 item(s)).' },
        { type: 'image', data: 'UE5H', mediaType: 'image/png' },
      ] }] },
      { role: 'user', content: [{ type: 'file', data: 'JVBE', mediaType: 'application/pdf' }] },
    ]);
  });

  test('a wrapped foreign signature keeps the body off the passthrough lane; Gemini ones do not', () => {
    const body = (sig: string) => ({ contents: [user('q'), { role: 'model', parts: [{ functionCall: { name: 'f', args: {} }, thoughtSignature: sig }] }, user('more')] });
    const own = body('CmockSig1');
    expect(decodeGeminiRequest(own, 'm', false).raw).toBe(own);
    expect(decodeGeminiRequest(body('swy1:anthropic:EqSig'), 'm', false).raw).toBeUndefined();
    const snake = { contents: [user('q'), { role: 'model', parts: [{ text: 't', thought: true, thought_signature: 'swy1:openai-responses:x' }] }, user('m')] };
    expect(decodeGeminiRequest(snake, 'm', false).raw).toBeUndefined();
  });

  test('media parts: inline image and PDF, file URIs', () => {
    const chat = decodeGeminiRequest({
      contents: [{ role: 'user', parts: [
        { inlineData: { mimeType: 'application/pdf', data: 'JVBE' } },
        { fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc', mimeType: 'image/jpeg' } },
        { fileData: { fileUri: 'https://www.youtube.com/watch?v=x' } },
      ] }],
    }, 'm', false).body as ChatRequest;
    expect(chat.messages[0].content).toEqual([
      { type: 'file', data: 'JVBE', mediaType: 'application/pdf' },
      { type: 'image', url: 'https://generativelanguage.googleapis.com/v1beta/files/abc', mediaType: 'image/jpeg' },
      { type: 'file', url: 'https://www.youtube.com/watch?v=x', mediaType: 'application/octet-stream' },
    ]);
  });

  test('generation settings and Gemini-only options', () => {
    const chat = decodeGeminiRequest({
      contents: [user('x')],
      generationConfig: {
        temperature: 0.5, topP: 0.8, topK: 20, seed: 3, presencePenalty: 0.1, frequencyPenalty: 0.2, candidateCount: 2,
        responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { a: { type: 'STRING', nullable: true } } },
        thinkingConfig: { thinkingLevel: 'HIGH', includeThoughts: true }, responseModalities: ['TEXT'],
      },
      safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
      tools: [{ googleSearch: {} }, { functionDeclarations: [{ name: 'noargs' }] }],
      cachedContent: 'cachedContents/1',
    }, 'm', true).body as ChatRequest;
    expect(chat).toMatchObject({
      stream: true, temperature: 0.5, topP: 0.8, topK: 20, seed: 3, presencePenalty: 0.1, frequencyPenalty: 0.2, n: 2,
      responseFormat: { type: 'json_schema', name: 'response', schema: { type: 'object', properties: { a: { type: ['string', 'null'] } } } },
      reasoning: { effort: 'high', enabled: true, includeThoughts: true },
      tools: [{ name: 'noargs', parameters: { type: 'object', properties: {} } }],
    });
    expect(chat.providerOptions?.gemini).toEqual({
      tools: [{ googleSearch: {} }],
      thinkingLevel: 'HIGH',
      generationConfig: { responseModalities: ['TEXT'] },
      safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
      cachedContent: 'cachedContents/1',
    });
    const dynamic = decodeGeminiRequest({ contents: [user('x')], generationConfig: { thinkingConfig: { thinkingBudget: -1 } } }, 'm', false).body as ChatRequest;
    expect(dynamic.reasoning).toEqual({ enabled: true });
    const budget = decodeGeminiRequest({ contents: [user('x')], generationConfig: { thinkingConfig: { thinkingBudget: 2048 } } }, 'm', false).body as ChatRequest;
    expect(budget.reasoning).toEqual({ enabled: true, budgetTokens: 2048 });
  });

  test('invalid bodies: 400 with the field path, in Google\'s wording', () => {
    expect(failure([1, 2]).message).toContain('GenerateContentRequest');
    expect(failure({ contents: [] })).toMatchObject({ status: 400, param: 'contents' });
    const role = failure({ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] });
    expect(role).toMatchObject({ status: 400, code: 'GW_BAD_REQUEST', param: 'contents[0].role' });
    expect(role.message).toContain('role must be "user" or "model"');
    expect(failure({ contents: [{ role: 'user' }] }).param).toBe('contents[0].parts');
    expect(failure({ contents: [{ role: 'user', parts: [{ functionResponse: { name: '', response: {} } }] }] }).param).toBe('contents[0].parts[0].functionResponse.name');
    expect(failure({ contents: [user('x')], generationConfig: { maxOutputTokens: 'many' } }).param).toBe('generationConfig.maxOutputTokens');
  });
});
