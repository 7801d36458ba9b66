import { describe, expect, test } from 'bun:test';
import * as v from 'valibot';
import { agreementWith, everyFieldValue, fuzzBodies } from '../../../tests/helpers/fast-check-agreement.ts';
import { decodeGeminiRequest, mapGeminiRequest } from './decode-gemini-request.ts';
import { GeminiRequestSchema, type GeminiRequestBody } from './gemini-request-schema.ts';
import { isPlainGeminiBody } from './is-plain-gemini-body.ts';

type Body = Record<string, unknown>;

/** The fast path may only accept what the schema accepts, and must map to the same hub request. */
const expectAgreement = agreementWith({
  fast: isPlainGeminiBody,
  parse: (body) => v.safeParse(GeminiRequestSchema, body, { abortEarly: true }),
  map: (body) => mapGeminiRequest(body as GeminiRequestBody, 'm', true),
});

const hi = { role: 'user', parts: [{ text: 'hi' }] };

/** What Gemini CLI sends, in the shapes it uses. */
const GEMINI_CLI: Body = {
  systemInstruction: { role: 'user', parts: [{ text: 'You are Gemini CLI.' }] },
  contents: [
    { role: 'user', parts: [{ text: 'fix it' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }, { fileData: { fileUri: 'gs://b/o' } }] },
    { role: 'model', parts: [{ text: 'thinking', thought: true, thoughtSignature: 'sig' }, { functionCall: { name: 'read_file', args: { path: 'a.ts' }, id: 'c1' } }] },
    { role: 'user', parts: [{ functionResponse: { name: 'read_file', response: { output: 'x' }, id: 'c1', parts: [{ inlineData: { mimeType: 'image/png', data: 'B' } }] } }] },
    { role: 'model', parts: [{ functionCall: { name: 'noop', args: null } }, { functionCall: { name: 'bare' } }] },
    { parts: [{ functionResponse: { name: 'noop', response: null } }] },
  ],
  tools: [
    { functionDeclarations: [{ name: 'read_file', description: 'Reads a file.', parametersJsonSchema: { type: 'object', properties: { path: { type: 'string' } } } }, { name: 'legacy', parameters: { type: 'OBJECT' } }] },
    { googleSearch: {} },
  ],
  toolConfig: { functionCallingConfig: { mode: 'AUTO', allowedFunctionNames: ['read_file'] } },
  generationConfig: {
    temperature: 0, topP: 0.95, topK: 64, maxOutputTokens: 65536, stopSequences: ['END'], candidateCount: 1, seed: 3,
    responseMimeType: 'text/plain', presencePenalty: 0, frequencyPenalty: 0.5,
    thinkingConfig: { includeThoughts: true, thinkingBudget: -1 },
  },
  safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
  labels: { app: 'cli' },
  session_id: 'extra field',
};

const COMMON: Body[] = [
  { contents: [hi] },
  { contents: [hi], generationConfig: { responseMimeType: 'application/json', responseSchema: { type: 'OBJECT' }, responseJsonSchema: { type: 'object' } } },
  { contents: [hi], generationConfig: { thinkingConfig: { thinkingLevel: 'low' } }, cachedContent: 'cachedContents/x' },
  GEMINI_CLI,
];

const POOL: unknown[] = [
  null, true, false, 0, -1, 1, 1.5, 1e9, '', 'x', [], ['a'], [1], {}, [null], [{}], { a: 'b' }, { a: 1 },
  { functionCallingConfig: { mode: 'ANY' } }, { functionCallingConfig: { mode: 'SOMETIMES' } }, { functionCallingConfig: null },
  { functionCallingConfig: { allowedFunctionNames: [1] } }, { retrievalConfig: {} },
  { temperature: 'hot' }, { maxOutputTokens: 0 }, { maxOutputTokens: 1.5 }, { candidateCount: 2 }, { stopSequences: 'x' },
  { thinkingConfig: { thinkingBudget: 1.5 } }, { thinkingConfig: { includeThoughts: 'yes' } }, { thinkingConfig: null }, { seed: null },
  { responseSchema: [] }, { responseSchema: null }, { topK: 40 }, { temperature: null },
  [{ functionDeclarations: [{ name: 'f' }] }], [{ functionDeclarations: [{ name: '' }] }], [{ functionDeclarations: [{ name: 'f', parameters: [] }] }],
  [{ functionDeclarations: [{ name: 'f', parameters: null }] }], [{ functionDeclarations: [{ name: 'f', description: null }] }],
  [{ functionDeclarations: null }], [{ codeExecution: {} }], [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: 'anything' }] }],
  { parts: [{ text: 's' }] }, { parts: [] }, { parts: null }, { role: 'system', parts: [{ text: 's' }] }, { role: 3, parts: [] },
  JSON.parse('{"a":"b","__proto__":"c"}'),
  JSON.parse('[{"functionDeclarations":[{"name":"f","parameters":{"__proto__":{"x":1},"type":"OBJECT"}}]}]'),
];

const PART_POOL: unknown[] = [
  { text: 'x' }, { text: 3 }, { text: null }, { text: 'x', thought: true }, { text: 'x', thought: 'yes' }, { thoughtSignature: 's', text: 'x' },
  { thoughtSignature: 3 }, {}, { executableCode: { code: 'print(1)' } },
  { inlineData: { mimeType: 'image/png', data: 'A' } }, { inlineData: { data: 'A' } }, { inlineData: null }, { inlineData: { mimeType: 'x', data: 3 } },
  { fileData: { fileUri: 'u' } }, { fileData: { fileUri: 'u', mimeType: 'text/plain' } }, { fileData: { mimeType: 'x' } }, { fileData: { fileUri: 'u', mimeType: null } },
  { functionCall: { name: 'f' } }, { functionCall: { name: 'f', args: {} } }, { functionCall: { name: 'f', args: null } }, { functionCall: { name: '' } },
  { functionCall: { name: 'f', args: [] } }, { functionCall: { name: 'f', args: 'x' } }, { functionCall: { name: 'f', id: 3 } }, { functionCall: null },
  { functionResponse: { name: 'f' } }, { functionResponse: { name: 'f', response: { r: 1 } } }, { functionResponse: { name: 'f', response: [1] } },
  { functionResponse: { name: 'f', parts: [{ inlineData: { mimeType: 'x', data: 'A' } }] } }, { functionResponse: { name: 'f', parts: [{ inlineData: {} }] } },
  { functionResponse: { name: 'f', parts: {} } }, { functionResponse: { response: {} } },
  JSON.parse('{"functionCall":{"name":"f","args":{"constructor":1}}}'), JSON.parse('{"text":"x","__proto__":{"y":1}}'),
  null, 'x', [],
];

const CONTENT_POOL: unknown[] = [
  hi, { role: 'model', parts: [{ text: 'x' }] }, { role: 'function', parts: [] }, { parts: [{ text: 'x' }] }, { role: 'system', parts: [] },
  { role: null, parts: [] }, { role: 'user' }, { role: 'user', parts: null }, null, 'user', [],
  ...PART_POOL.map((p) => ({ role: 'user', parts: [p] })),
  ...PART_POOL.slice(0, 12).map((p) => ({ role: 'model', parts: [{ text: 'a' }, p] })),
];

describe('isPlainGeminiBody', () => {
  test("Gemini CLI's bodies take the fast path and map exactly as the schema's output", () => {
    for (const body of COMMON) expect(expectAgreement(body)).toBe(true);
  });

  test('every schema field with every kind of value: accepted only when the schema accepts it unchanged', () => {
    const keys = [...Object.keys(GeminiRequestSchema.entries), 'extra'];
    expect(everyFieldValue({ contents: [hi] }, keys, POOL, expectAgreement)).toBeGreaterThan(30);
  });

  test('every content and part shape, alone, after a good one, and as the system instruction', () => {
    let fast = 0;
    for (const c of CONTENT_POOL) {
      if (expectAgreement({ contents: [c] })) fast++;
      expectAgreement({ contents: [hi, c] });
      expectAgreement({ contents: [hi], systemInstruction: c });
    }
    expect(fast).toBeGreaterThan(20);
  });

  test('random bodies (fuzz): never accepts what the schema refuses', () => {
    const keys = [...Object.keys(GeminiRequestSchema.entries), 'extra', '__proto__', 'constructor'];
    fuzzBodies(11, { contents: [hi] }, keys, POOL, 'contents', CONTENT_POOL, expectAgreement);
  });

  test('empty or missing contents, and the names the schema drops, are left to the schema', () => {
    expect(isPlainGeminiBody({ contents: [] })).toBe(false);
    expect(isPlainGeminiBody({})).toBe(false);
    expect(() => decodeGeminiRequest({ contents: [] }, 'm', false)).toThrow(/contents/);
    expect(isPlainGeminiBody(JSON.parse('{"contents":[{"parts":[{"text":"x"}]}],"__proto__":{"x":1}}'))).toBe(false);
  });
});
