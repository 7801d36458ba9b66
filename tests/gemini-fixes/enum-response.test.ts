/**
 * `responseMimeType: text/x.enum` from a Gemini client to an OpenAI-compatible upstream.
 * OpenAI's structured output refuses a schema whose root is not an object, and Gemini answers
 * an enum request with the bare value (`positive`, not `"positive"`): the upstream must get an
 * object root, and the client the bare value, streamed or not.
 */
import { FinishReason, Type } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { openaiChunk, openaiCompletion, openaiStream, openaiUsage } from '../gemini-cli-hunt/scripted-upstream.ts';
import { startHunt, type Hunt } from '../gemini-cli-hunt/start-hunt.ts';

type Json = Record<string, any>;

let h: Hunt;
beforeAll(async () => {
  h = await startHunt(`
providers:
  oai: { type: openai, base_url: UPSTREAM/v1, keys: [sk-oai-upstream-1], allow_private_network: true, models: [gpt-4o] }
`);
});
afterAll(() => h.stop());
beforeEach(() => h.up.reset());

const VALUES = ['positive', 'negative', 'neutral'];

/** What OpenAI checks of `response_format` before answering (it answers 400 otherwise). */
function expectOpenAiAccepts(body: Json): Json {
  const rf = body.response_format;
  expect(rf.type).toBe('json_schema');
  expect(rf.json_schema.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
  expect(rf.json_schema.schema.type).toBe('object');
  return rf.json_schema.schema;
}

function expectEnumInside(schema: Json): void {
  const [inner] = Object.values(schema.properties as Record<string, Json>);
  expect(inner).toMatchObject({ type: 'string', enum: VALUES });
  expect(schema.required).toEqual(Object.keys(schema.properties));
  expect(schema.additionalProperties).toBe(false);
}

describe('text/x.enum → OpenAI-compatible upstream', () => {
  test('generateContent with an OpenAPI responseSchema: an object root upstream, the bare value back', async () => {
    h.up.next(openaiCompletion({ role: 'assistant', content: '{"value":"negative"}' }, 'stop'));
    const r = await h.ai.models.generateContent({
      model: 'oai/gpt-4o',
      contents: 'The food was cold and late.',
      config: { responseMimeType: 'text/x.enum', responseSchema: { type: Type.STRING, enum: VALUES } },
    });
    expectEnumInside(expectOpenAiAccepts(h.up.requests[0]!.body as Json));
    expect(r.text).toBe('negative');
    expect(r.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
  });

  test('streamGenerateContent with responseJsonSchema: the bare value, however the upstream splits it', async () => {
    h.up.next(openaiStream([
      openaiChunk({ role: 'assistant', content: '' }),
      openaiChunk({ content: '{"val' }),
      openaiChunk({ content: 'ue":"pos' }),
      openaiChunk({ content: 'itive"}' }),
      openaiChunk({}, 'stop'),
      openaiUsage(12, 5),
    ]));
    let text = '';
    for await (const c of await h.ai.models.generateContentStream({
      model: 'oai/gpt-4o',
      contents: 'Loved it.',
      config: { responseMimeType: 'text/x.enum', responseJsonSchema: { type: 'string', enum: VALUES } },
    })) text += c.text ?? '';
    expectEnumInside(expectOpenAiAccepts(h.up.requests[0]!.body as Json));
    expect(text).toBe('positive');
  });

  test('a JSON schema request (application/json) is unchanged: the JSON comes back as JSON', async () => {
    h.up.next(openaiCompletion({ role: 'assistant', content: '{"mood":"neutral"}' }, 'stop'));
    const r = await h.ai.models.generateContent({
      model: 'oai/gpt-4o',
      contents: 'It was fine.',
      config: { responseMimeType: 'application/json', responseSchema: { type: Type.OBJECT, properties: { mood: { type: Type.STRING, enum: VALUES } }, required: ['mood'] } },
    });
    expect((h.up.requests[0]!.body as Json).response_format.json_schema.name).toBe('response');
    expect(JSON.parse(r.text ?? '')).toEqual({ mood: 'neutral' });
  });
});
