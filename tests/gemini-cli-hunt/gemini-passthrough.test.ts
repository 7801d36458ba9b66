/**
 * Gemini CLI's traffic through the gateway to a Gemini upstream (the passthrough lane), with the
 * official `@google/genai` SDK as the client: what the upstream receives must be what the SDK
 * would have sent Google itself, and what comes back must be Google's bytes.
 */
import { ApiError, FunctionCallingConfigMode, GoogleGenAI, Type, type GenerateContentParameters } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { geminiStream, googleError, json } from './scripted-upstream.ts';
import { startHunt, type Hunt } from './start-hunt.ts';

const UPSTREAM_KEY = 'AIzaSy-upstream-key-1';
let h: Hunt;
/** The same SDK talking to the upstream directly: the reference for what Google would get. */
let direct: GoogleGenAI;

beforeAll(async () => {
  h = await startHunt(`
providers:
  gem: { type: gemini, base_url: UPSTREAM, keys: [${UPSTREAM_KEY}], allow_private_network: true, models: [gemini-2.5-pro, gemini-2.5-flash] }
`);
  direct = new GoogleGenAI({ apiKey: 'AIzaSy-direct', httpOptions: { baseUrl: h.up.url, apiVersion: 'v1beta' } });
});
afterAll(() => h.stop());
beforeEach(() => h.up.reset());

/** A Gemini CLI chat turn: system prompt, tools in both schema styles, tool config, thinking, sampling, an image and a tool round trip. */
const CLI_TURN = {
  model: 'gemini-2.5-pro',
  contents: [
    { role: 'user', parts: [{ text: 'What is in a.png? Then list /src.' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] },
    { role: 'model', parts: [{ functionCall: { id: 'fc-1', name: 'list_directory', args: { path: '/src' } }, thoughtSignature: 'CiQBsigOld' }] },
    { role: 'user', parts: [{ functionResponse: { id: 'fc-1', name: 'list_directory', response: { output: 'a.ts\nb.ts' } } }] },
  ],
  config: {
    systemInstruction: 'You are an interactive CLI agent.',
    tools: [{ functionDeclarations: [
      { name: 'list_directory', description: 'Lists a directory.', parametersJsonSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
      { name: 'glob', description: 'Finds files.', parameters: { type: Type.OBJECT, properties: { pattern: { type: Type.STRING }, path: { type: Type.STRING, nullable: true } }, required: ['pattern'] } },
    ] }],
    toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } },
    thinkingConfig: { thinkingBudget: -1, includeThoughts: true },
    temperature: 0, topP: 1, maxOutputTokens: 8192, stopSequences: ['<END>'], candidateCount: 1,
  },
} satisfies GenerateContentParameters;

const CHUNKS = [
  { candidates: [{ content: { parts: [{ text: '**Looking at the files**', thought: true }], role: 'model' }, index: 0 }], usageMetadata: { promptTokenCount: 40, totalTokenCount: 45, thoughtsTokenCount: 5 }, modelVersion: 'gemini-2.5-pro', responseId: 'resp-1' },
  { candidates: [{ content: { parts: [{ functionCall: { name: 'read_file', args: { absolute_path: '/src/a.ts' } }, thoughtSignature: 'CiQBsigNew' }, { functionCall: { name: 'read_file', args: { absolute_path: '/src/b.ts' } } }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 20, totalTokenCount: 65, thoughtsTokenCount: 5 }, modelVersion: 'gemini-2.5-pro', responseId: 'resp-1' },
];

async function collect(stream: AsyncGenerator<unknown>): Promise<Array<Record<string, any>>> {
  const out: Array<Record<string, any>> = [];
  for await (const c of stream) out.push(c as Record<string, any>);
  return out;
}

describe('Gemini CLI → gateway → Gemini upstream (passthrough)', () => {
  test('streamGenerateContent: the upstream gets the body the SDK would send Google, and the SDK parses the reply', async () => {
    h.up.next(geminiStream(CHUNKS), geminiStream(CHUNKS));
    const viaDirect = await collect(await direct.models.generateContentStream(CLI_TURN));
    const viaGateway = await collect(await h.ai.models.generateContentStream(CLI_TURN));
    const [toGoogle, toUpstream] = h.up.requests;
    expect(toUpstream.path).toBe('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    expect(toUpstream.body).toEqual(toGoogle.body);
    expect(JSON.stringify(toUpstream.body)).toBe(JSON.stringify(toGoogle.body));
    expect(toUpstream.headers['x-goog-api-key']).toBe(UPSTREAM_KEY);
    expect(JSON.stringify(toUpstream)).not.toContain(h.gw.key);

    expect(viaGateway.map((c) => c.candidates)).toEqual(viaDirect.map((c) => c.candidates));
    const last = viaGateway[viaGateway.length - 1];
    expect(last.functionCalls).toEqual([{ name: 'read_file', args: { absolute_path: '/src/a.ts' } }, { name: 'read_file', args: { absolute_path: '/src/b.ts' } }]);
    expect(last.candidates[0].content.parts[0].thoughtSignature).toBe('CiQBsigNew');
    expect(last.usageMetadata).toMatchObject({ promptTokenCount: 40, candidatesTokenCount: 20, thoughtsTokenCount: 5, totalTokenCount: 65 });
  });

  test('the SSE bytes come back as Google sent them; the key may come as ?key= and the model as models/…', async () => {
    h.up.next(geminiStream(CHUNKS));
    const res = await fetch(`${h.gw.url}/v1beta/models/models%2Fgemini-2.5-pro:streamGenerateContent?alt=sse&key=${h.gw.key}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(await res.text()).toBe(CHUNKS.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join(''));
    const sent = h.up.requests[0];
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    expect(sent.path).not.toContain(h.gw.key);
    expect(sent.headers['x-goog-api-key']).toBe(UPSTREAM_KEY);
  });

  test('generateContent with responseJsonSchema and thinking off: body unchanged, JSON text parsed', async () => {
    const reply = { candidates: [{ content: { parts: [{ text: '{"next_speaker":"user","reasoning":"done"}' }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 9, totalTokenCount: 21 }, modelVersion: 'gemini-2.5-flash', responseId: 'r-json' };
    h.up.next(json(reply), json(reply));
    const params = {
      model: 'models/gemini-2.5-flash',
      contents: 'Who speaks next?',
      config: {
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object', properties: { reasoning: { type: 'string' }, next_speaker: { type: 'string', enum: ['user', 'model'] } }, required: ['reasoning', 'next_speaker'] },
        thinkingConfig: { thinkingBudget: 0 },
      },
    } satisfies GenerateContentParameters;
    await direct.models.generateContent(params);
    const r = await h.ai.models.generateContent(params);
    expect(h.up.requests[1].path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(h.up.requests[1].body).toEqual(h.up.requests[0].body);
    expect(JSON.parse(r.text ?? '')).toEqual({ next_speaker: 'user', reasoning: 'done' });
    expect(r.usageMetadata?.totalTokenCount).toBe(21);
  });

  test('429 RESOURCE_EXHAUSTED with RetryInfo reaches the SDK as Google sent it, with the wait', async () => {
    const details = [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '31s' },
    ];
    h.up.next(googleError(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.', details));
    const err = await h.ai.models.generateContentStream(CLI_TURN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(429);
    const body = JSON.parse((err as ApiError).message) as { error: { status: string; details: Array<Record<string, unknown>> } };
    expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(body.error.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '31s' });
  });

  test('an error chunk after content: the SDK raises with the status Google gave', async () => {
    h.up.next(geminiStream([CHUNKS[0], { error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } }]));
    const got: unknown[] = [];
    const err = await (async () => {
      for await (const c of await h.ai.models.generateContentStream(CLI_TURN)) got.push(c);
    })().catch((e: unknown) => e);
    expect(got).toHaveLength(1);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(503);
  });
});
