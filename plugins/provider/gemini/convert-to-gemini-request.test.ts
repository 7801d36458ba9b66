import { describe, expect, test } from 'bun:test';
import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatRequest, Message } from '../../../core/types/hub.ts';
import { validateGeminiRequest } from '../../../tests/helpers/mock-gemini-upstream.ts';
import { convertToGeminiRequest, SKIP_SIGNATURE } from './convert-to-gemini-request.ts';

const req = (messages: Message[], extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'gemini-2.5-flash', messages, stream: false, ...extra });

const WEATHER_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  properties: { location: { type: 'string', format: 'uri', description: 'City' }, unit: { type: ['string', 'null'], enum: ['c', 'f', null] } },
  required: ['location'],
};

/** An OpenAI-style conversation with two parallel calls of one tool and their results. */
const toolConversation: Message[] = [
  { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
  { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
  {
    role: 'assistant',
    content: [
      { type: 'text', text: 'Checking.' },
      { type: 'tool-call', id: 'call_a', name: 'get_weather', arguments: '{"location":"Paris"}' },
      { type: 'tool-call', id: 'call_b', name: 'get_weather', arguments: '{"location":"Rome"}' },
    ],
  },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_a', content: [{ type: 'text', text: '{"temp":21}' }] }] },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_b', content: [{ type: 'text', text: 'sunny' }] }] },
  { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
];

describe('convertToGeminiRequest', () => {
  test('system → systemInstruction; roles; tool results named from their calls; turns merged', () => {
    const body = convertToGeminiRequest(req(toolConversation));
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'model',
        parts: [
          { text: 'Checking.' },
          { functionCall: { name: 'get_weather', args: { location: 'Paris' } } },
          { functionCall: { name: 'get_weather', args: { location: 'Rome' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 21 } } },
          { functionResponse: { name: 'get_weather', response: { output: 'sunny' } } },
          { text: 'Thanks' },
        ],
      },
    ]);
    expect(validateGeminiRequest(body)).toBeUndefined();
  });

  test('a tool result whose call is unknown and carries no name → 400', () => {
    const bad = req([
      { role: 'user', content: [{ type: 'text', text: 'x' }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'nope', content: [{ type: 'text', text: 'r' }] }] },
    ]);
    let err: unknown;
    try {
      convertToGeminiRequest(bad);
    } catch (e) {
      err = e;
    }
    expect(isGatewayError(err) && err.status === 400 && err.message.includes('nope')).toBe(true);
  });

  test('an error result is {error}; a named result without a known call uses its name', () => {
    const body = convertToGeminiRequest(req([
      { role: 'user', content: [{ type: 'text', text: 'x' }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', name: 'lookup', isError: true, content: [{ type: 'text', text: 'boom' }] }] },
    ]));
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'x' }, { functionResponse: { name: 'lookup', response: { error: 'boom' } } }] },
    ]);
  });

  test('a response names the id Gemini gave its call (FunctionResponse.id), and only then', () => {
    const body = convertToGeminiRequest(req([
      { role: 'user', content: [{ type: 'text', text: 'x' }] },
      { role: 'assistant', content: [
        { type: 'tool-call', id: 'fc_9', name: 'ls', arguments: '{}', providerOptions: { gemini: { id: 'fc_9' } } },
        { type: 'tool-call', id: 'call_r_1', name: 'ls', arguments: '{}' },
      ] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'fc_9', content: [{ type: 'text', text: 'a' }] }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_r_1', content: [{ type: 'text', text: 'b' }] }] },
    ]));
    expect(body.contents.at(-1)!.parts).toEqual([
      { functionResponse: { id: 'fc_9', name: 'ls', response: { output: 'a' } } },
      { functionResponse: { name: 'ls', response: { output: 'b' } } },
    ]);
  });

  test('images: base64, data URL and http URL', () => {
    const body = convertToGeminiRequest(req([{
      role: 'user',
      content: [
        { type: 'image', data: 'AAAA', mediaType: 'image/png' },
        { type: 'image', url: 'data:image/webp;base64,BBBB' },
        { type: 'image', url: 'https://example.com/cat.jpg?x=1' },
        { type: 'file', url: 'https://generativelanguage.googleapis.com/v1beta/files/abc', mediaType: 'application/pdf' },
      ],
    }]));
    expect(body.contents[0].parts).toEqual([
      { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
      { inlineData: { mimeType: 'image/webp', data: 'BBBB' } },
      { fileData: { fileUri: 'https://example.com/cat.jpg?x=1', mimeType: 'image/jpeg' } },
      { fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc', mimeType: 'application/pdf' } },
    ]);
  });

  test('tools are sanitized and pass the API rules; tool choice → toolConfig', () => {
    const body = convertToGeminiRequest(req(toolConversation.slice(0, 2), {
      tools: [
        { name: 'get_weather', description: 'Weather', parameters: WEATHER_SCHEMA },
        { name: 'ping', parameters: { type: 'object', properties: {}, additionalProperties: false } },
      ],
      toolChoice: { type: 'tool', name: 'get_weather' },
    }));
    expect(body.tools).toEqual([{
      functionDeclarations: [
        {
          name: 'get_weather',
          description: 'Weather',
          parameters: {
            type: 'object',
            properties: { location: { type: 'string', description: 'City' }, unit: { type: 'string', enum: ['c', 'f'], nullable: true } },
            required: ['location'],
          },
        },
        { name: 'ping' },
      ],
    }]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } });
    expect(validateGeminiRequest(body)).toBeUndefined();
    for (const [choice, mode] of [['auto', 'AUTO'], ['none', 'NONE'], ['required', 'ANY']] as const) {
      const b = convertToGeminiRequest(req(toolConversation.slice(0, 2), { tools: [{ name: 'ping', parameters: {} }], toolChoice: choice }));
      expect(b.toolConfig).toEqual({ functionCallingConfig: { mode } });
    }
  });

  test('empty text (an OpenAI client\'s assistant turn of tool calls with content "") is left out: Gemini refuses an empty text part', () => {
    const body = convertToGeminiRequest(req([
      { role: 'user', content: [{ type: 'text', text: 'Read a' }] },
      { role: 'assistant', content: [{ type: 'text', text: '' }, { type: 'tool-call', id: 'c1', name: 'read', arguments: '{"p":"a"}' }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', name: 'read', content: [{ type: 'text', text: 'A' }] }] },
      { role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'Thanks' }] },
    ]));
    expect(JSON.stringify(body.contents)).not.toContain('"text":""');
    expect(validateGeminiRequest(body)).toBeUndefined();
    expect(validateGeminiRequest({ contents: [{ role: 'user', parts: [{ text: '' }] }] })).toContain('empty text parameter');
  });

  test('generation settings, stop, max tokens, json_schema response format', () => {
    const body = convertToGeminiRequest(req(toolConversation.slice(1, 2), {
      temperature: 0.2, topP: 0.9, topK: 40, maxTokens: 100, stop: ['END'], seed: 7, n: 2,
      presencePenalty: 0.1, frequencyPenalty: 0.3,
      responseFormat: { type: 'json_schema', name: 'x', schema: { type: 'object', additionalProperties: false, properties: { a: { type: 'string' } } } },
    }));
    expect(body.generationConfig).toEqual({
      // n: 2 is not sent (candidateCount): the result carries one candidate, a second would be paid for and dropped.
      temperature: 0.2, topP: 0.9, topK: 40, maxOutputTokens: 100, stopSequences: ['END'], seed: 7,
      presencePenalty: 0.1, frequencyPenalty: 0.3,
      responseMimeType: 'application/json', responseSchema: { type: 'object', properties: { a: { type: 'string' } } },
    });
    expect(validateGeminiRequest(body)).toBeUndefined();
    expect(convertToGeminiRequest(req(toolConversation.slice(1, 2))).generationConfig).toBeUndefined();
  });

  test('reasoning → thinkingConfig: effort budgets, explicit budget, off, dynamic, thinkingLevel', () => {
    const tc = (r: ChatRequest['reasoning'], gemini?: Record<string, unknown>) =>
      convertToGeminiRequest(req(toolConversation.slice(1, 2), { reasoning: r, providerOptions: gemini ? { gemini } : undefined })).generationConfig?.thinkingConfig;
    expect(tc({ effort: 'low' })).toEqual({ thinkingBudget: 1024 });
    expect(tc({ effort: 'medium', includeThoughts: true })).toEqual({ thinkingBudget: 8192, includeThoughts: true });
    expect(tc({ effort: 'high' })).toEqual({ thinkingBudget: 24576 });
    expect(tc({ effort: 'high', budgetTokens: 3000 })).toEqual({ thinkingBudget: 3000 });
    expect(tc({ enabled: false })).toEqual({ thinkingBudget: 0 });
    expect(tc({ effort: 'none' })).toEqual({ thinkingBudget: 0 });
    expect(tc({ enabled: true })).toEqual({ thinkingBudget: -1 });
    // gemini-2.5-flash takes no thinkingLevel (Gemini 3 does): the level goes as its budget.
    expect(tc({ effort: 'high' }, { thinkingLevel: 'low' })).toEqual({ thinkingBudget: 1024 });
    expect(tc(undefined)).toBeUndefined();
  });

  test('thinking fits the model: Pro cannot turn it off, budgets are clamped, Gemini 3 takes levels', () => {
    const tc = (model: string, r: ChatRequest['reasoning'], gemini?: Record<string, unknown>) =>
      convertToGeminiRequest({ ...req(toolConversation.slice(1, 2), { reasoning: r, providerOptions: gemini ? { gemini } : undefined }), model }).generationConfig?.thinkingConfig;
    expect(tc('gemini-2.5-pro', { enabled: false })).toEqual({ thinkingBudget: 128 });
    expect(tc('gemini-2.5-pro', { budgetTokens: 64_000 })).toEqual({ thinkingBudget: 32768 });
    expect(tc('gemini-2.5-flash', { budgetTokens: 32_000 })).toEqual({ thinkingBudget: 24576 });
    expect(tc('gemini-2.5-flash-lite', { budgetTokens: 100 })).toEqual({ thinkingBudget: 512 });
    expect(tc('gemini-2.5-flash-lite', { enabled: false })).toEqual({ thinkingBudget: 0 });
    expect(tc('gemini-3-pro-preview', { effort: 'none' })).toEqual({ thinkingLevel: 'low' });
    expect(tc('gemini-3-pro-preview', { effort: 'high' }, { thinkingLevel: 'high' })).toEqual({ thinkingLevel: 'high' });
    expect(tc('gemini-2.5-pro', { enabled: true })).toEqual({ thinkingBudget: -1 });
    expect(tc('gemma-3-27b-it', { budgetTokens: 99_999 })).toEqual({ thinkingBudget: 99_999 }); // unknown family: as asked
  });

  test('Gemini-only options travel from providerOptions.gemini', () => {
    const body = convertToGeminiRequest(req(toolConversation.slice(1, 2), {
      providerOptions: {
        gemini: {
          safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
          cachedContent: 'cachedContents/abc',
          tools: [{ googleSearch: {} }],
          generationConfig: { responseModalities: ['TEXT'] },
        },
      },
    }));
    expect(body.safetySettings).toEqual([{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }]);
    expect(body.cachedContent).toBe('cachedContents/abc');
    expect(body.tools).toEqual([{ googleSearch: {} }]);
    expect(body.generationConfig).toEqual({ responseModalities: ['TEXT'] });
  });

  test('thought signatures go back only when Gemini made them, in the place Gemini put them', () => {
    const history: Message[] = [
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'hmm', signature: 'THOUGHT_SIG', origin: 'gemini' },
          { type: 'reasoning', text: 'claude thinking', signature: 'ANTHROPIC_SIG', origin: 'anthropic' },
          { type: 'reasoning', text: '', signature: 'CALL_SIG', origin: 'gemini' },
          { type: 'tool-call', id: 'c1', name: 'f', arguments: '{}' },
          { type: 'tool-call', id: 'c2', name: 'g', arguments: 'not json', providerOptions: { gemini: { thoughtSignature: 'OWN', id: 'native-2' } } },
        ],
      },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', content: [{ type: 'text', text: '1' }] }, { type: 'tool-result', toolCallId: 'c2', content: [{ type: 'text', text: '2' }] }] },
      { role: 'assistant', content: [{ type: 'text', text: 'answer' }, { type: 'reasoning', text: '', signature: 'TRAILING', origin: 'gemini' }] },
    ];
    const body = convertToGeminiRequest(req(history));
    expect(body.contents[1].parts).toEqual([
      { text: 'hmm', thought: true, thoughtSignature: 'THOUGHT_SIG' },
      { functionCall: { name: 'f', args: {} }, thoughtSignature: 'CALL_SIG' },
      { functionCall: { name: 'g', args: {}, id: 'native-2' }, thoughtSignature: 'OWN' },
    ]);
    expect(body.contents[3].parts).toEqual([{ text: 'answer', thoughtSignature: 'TRAILING' }]);
    expect(JSON.stringify(body)).not.toContain('ANTHROPIC_SIG');
  });

  test('Gemini 3: a function call from elsewhere gets the documented dummy signature', () => {
    const current = toolConversation.slice(0, 5);
    const body = convertToGeminiRequest(req(current, { model: 'gemini-3-pro-preview' }));
    expect(body.contents[1].parts[1]).toEqual({ functionCall: { name: 'get_weather', args: { location: 'Paris' } }, thoughtSignature: SKIP_SIGNATURE });
    expect(body.contents[1].parts[2].thoughtSignature).toBeUndefined();
    expect(validateGeminiRequest(body, 'gemini-3-pro-preview')).toBeUndefined();
    const older = convertToGeminiRequest(req(current));
    expect(validateGeminiRequest(older, 'gemini-3-pro-preview')).toContain('thought_signature');
  });
});

describe('output limit with thinking', () => {
  const user: Message[] = [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }];
  test('a thinking budget that would take the whole maxOutputTokens grows it, within the model\'s limit; a smaller one leaves it', () => {
    const high = convertToGeminiRequest(req(user, { maxTokens: 2000, reasoning: { effort: 'high' } }));
    expect(high.generationConfig).toMatchObject({ maxOutputTokens: 2000 + 24576, thinkingConfig: { thinkingBudget: 24576 } });
    const capped = convertToGeminiRequest(req(user, { maxTokens: 20000, reasoning: { effort: 'high' } }), { maxOutputTokens: 30000 });
    expect(capped.generationConfig?.maxOutputTokens).toBe(30000);
    const roomy = convertToGeminiRequest(req(user, { maxTokens: 8000, reasoning: { effort: 'low' } }));
    expect(roomy.generationConfig?.maxOutputTokens).toBe(8000);
  });

  test('at most 5 stop sequences go (Gemini refuses more)', () => {
    const r = convertToGeminiRequest(req(user, { stop: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }));
    expect(r.generationConfig?.stopSequences).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
