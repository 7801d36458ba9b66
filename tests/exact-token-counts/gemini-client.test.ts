/**
 * Gemini `:countTokens` (Gemini CLI's context bookkeeping) with `@google/genai` as the client:
 * routed like a generation, it answers the count of the target's upstream (Gemini's own
 * `countTokens` for the client's body, Anthropic's `count_tokens` or OpenAI's `input_tokens`
 * for the converted request), and the local estimate when no target can count or the upstream
 * fails. Auth and scope errors stay as they were.
 */
import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { inputTokens, type MessagesBody } from '../helpers/mock-anthropic-replies.ts';
import { countGeminiTokens } from '../../plugins/translator/gemini/gemini-model-routes.ts';
import { ANTHROPIC_KEY, GEMINI_COUNT, GEMINI_KEY, RESPONSES_COUNT, RESPONSES_KEY, startCountKit, type CountKit } from './exact-counts-kit.ts';

let kit: CountKit;
let ai: GoogleGenAI;

const gemini = (apiKey: string) => new GoogleGenAI({ apiKey, httpOptions: { baseUrl: kit.gw.url, apiVersion: 'v1beta' } });

beforeAll(async () => {
  kit = await startCountKit();
  ai = gemini(kit.gw.key);
});
afterAll(async () => {
  await kit?.stop();
});
beforeEach(() => kit.reset());

/** A Gemini CLI-like history: a question, a function call and its response, the next question. */
const CONTENTS = [
  { role: 'user', parts: [{ text: 'What is the weather in Paris?' }] },
  { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
  { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { forecast: 'Sunny, 21 °C' } } }] },
  { role: 'user', parts: [{ text: 'Should I take an umbrella?' }] },
];
const estimate = () => countGeminiTokens({ contents: CONTENTS }).totalTokens;

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe(':countTokens: the upstream counts', () => {
  test('a Gemini upstream gets the client\'s own body on the target model\'s URL, with the account key', async () => {
    const r = await ai.models.countTokens({ model: 'gem/gemini-2.5-flash', contents: CONTENTS });
    expect(r.totalTokens).toBe(GEMINI_COUNT);
    const [seen] = kit.gem.requests;
    expect(seen.path).toBe('/v1beta/models/gemini-2.5-flash:countTokens');
    expect(seen.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(seen.body).toEqual({ contents: CONTENTS });
  });

  test('the documented generateContentRequest form (not the SDK\'s) goes as it is, naming the target model', async () => {
    const generateContentRequest = { model: 'models/gem/gemini-2.5-flash', systemInstruction: { parts: [{ text: 'Be brief.' }] }, contents: CONTENTS };
    const res = await kit.gw.fetch('/v1beta/models/gem/gemini-2.5-flash:countTokens', {
      method: 'POST', headers: { 'x-goog-api-key': kit.gw.key }, json: { generateContentRequest },
    });
    expect(await res.json()).toEqual({ totalTokens: GEMINI_COUNT });
    expect(kit.gem.lastBody()).toEqual({ generateContentRequest: { ...generateContentRequest, model: 'models/gemini-2.5-flash' } });
  });

  test('→ an Anthropic upstream: its count_tokens of the converted request, with the target model and no generation fields', async () => {
    const r = await ai.models.countTokens({ model: 'claude/claude-sonnet-4-5', contents: CONTENTS });
    const [seen] = kit.anthropicCounts();
    expect(seen.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    const body = seen.body as MessagesBody & Record<string, unknown>;
    expect(body.model).toBe('claude-sonnet-4-5');
    expect(body.max_tokens).toBeUndefined();
    expect(body.stream).toBeUndefined();
    expect(JSON.stringify(body.messages)).toContain('"tool_use"');
    expect(r.totalTokens).toBe(inputTokens(body));
  });

  test('→ a Responses upstream: its input_tokens of the converted request', async () => {
    const r = await ai.models.countTokens({ model: 'resp/gpt-5.4', contents: CONTENTS });
    expect(r.totalTokens).toBe(RESPONSES_COUNT);
    const [seen] = kit.resp.requests;
    expect(seen.headers.authorization).toBe(`Bearer ${RESPONSES_KEY}`);
    expect(seen.body).toMatchObject({ model: 'gpt-5.4' });
    expect(JSON.stringify((seen.body as { input: unknown }).input)).toContain('"function_call"');
  });
});

describe(':countTokens: the estimate when the upstream cannot count', () => {
  test('an upstream 500', async () => {
    kit.gem.script([{ status: 500 }]);
    const r = await ai.models.countTokens({ model: 'gem/gemini-2.5-flash', contents: CONTENTS });
    expect(kit.gem.requests).toHaveLength(1);
    expect(r.totalTokens).toBe(estimate());
  });

  test('an upstream that does not answer in time (the provider\'s 300 ms limit)', async () => {
    kit.gem.script([{ hang: true }]);
    const r = await ai.models.countTokens({ model: 'gslow/gemini-2.5-flash', contents: CONTENTS });
    expect(kit.gem.requests).toHaveLength(1);
    expect(r.totalTokens).toBe(estimate());
  });

  test('a target that cannot count (OpenAI Chat) is not asked: alone, the estimate; in a combo, the next target that can count answers', async () => {
    expect((await ai.models.countTokens({ model: 'chat/gpt-4o-mini', contents: CONTENTS })).totalTokens).toBe(estimate());
    expect((await ai.models.countTokens({ model: 'chat-then-gemini', contents: CONTENTS })).totalTokens).toBe(GEMINI_COUNT);
    expect(kit.oai.requests).toHaveLength(0);
    expect(kit.gem.requests).toHaveLength(1);
  });
});

describe(':countTokens: the client\'s own errors stay', () => {
  test('without a valid key: 401 UNAUTHENTICATED and no upstream call; with it, the upstream\'s count', async () => {
    const err = await apiError(gemini('not-a-key').models.countTokens({ model: 'gem/gemini-2.5-flash', contents: CONTENTS }));
    expect(err.status).toBe(401);
    expect(err.message).toContain('UNAUTHENTICATED');
    expect(kit.gem.requests).toHaveLength(0);
    expect((await ai.models.countTokens({ model: 'gem/gemini-2.5-flash', contents: CONTENTS })).totalTokens).toBe(GEMINI_COUNT);
  });

  test('a model outside the key\'s scopes: 403 PERMISSION_DENIED and no upstream call; inside them, the upstream\'s count', async () => {
    const scoped = gemini(kit.scopedKey);
    const err = await apiError(scoped.models.countTokens({ model: 'gem/gemini-2.5-flash', contents: CONTENTS }));
    expect(err.status).toBe(403);
    expect(err.message).toContain('PERMISSION_DENIED');
    expect(kit.gem.requests).toHaveLength(0);
    const r = await scoped.models.countTokens({ model: 'claude/claude-sonnet-4-5', contents: CONTENTS });
    expect(r.totalTokens).toBe(inputTokens(kit.anthropicCounts()[0].body as MessagesBody));
  });
});
