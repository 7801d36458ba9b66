/**
 * `POST /v1/responses/input_tokens` with the `openai` SDK (`responses.inputTokens.count`) as the
 * client: routed like a response, it answers the count of the target's upstream (OpenAI's own
 * `input_tokens` for the client's request, its stored conversation put in `input`; Anthropic's
 * `count_tokens` or Gemini's `countTokens` for the converted request), and the local estimate
 * when no target can count or the upstream fails. Auth, scope and lookup errors stay as they were.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { inputTokens, type MessagesBody } from '../helpers/mock-anthropic-replies.ts';
import { estimateResponsesInputTokens } from '../../plugins/translator/openai-responses/count-responses-tokens.ts';
import { ANTHROPIC_KEY, GEMINI_COUNT, RESPONSES_COUNT, RESPONSES_KEY, startCountKit, type CountKit } from './exact-counts-kit.ts';

let kit: CountKit;
let client: OpenAI;

const openai = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${kit.gw.url}/v1`, maxRetries: 0 });

beforeAll(async () => {
  kit = await startCountKit();
  client = openai(kit.gw.key);
});
afterAll(async () => {
  await kit?.stop();
});
beforeEach(() => kit.reset());

const TOOLS: OpenAI.Responses.Tool[] = [{
  type: 'function', name: 'get_weather', description: 'Weather of a city', strict: false,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
}];
/** A Codex-like turn: instructions, tools, a finished function call, the next question. */
function params(model: string): OpenAI.Responses.InputTokenCountParams {
  return {
    model,
    instructions: 'You are a careful assistant.',
    tools: TOOLS,
    input: [
      { role: 'user', content: 'What is the weather in Paris?' },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_1', output: 'Sunny, 21 °C' },
      { role: 'user', content: 'Should I take an umbrella?' },
    ],
  };
}
const estimateOf = (p: OpenAI.Responses.InputTokenCountParams) => estimateResponsesInputTokens(p as Record<string, unknown>, []);

describe('input_tokens: the upstream counts', () => {
  test('a Responses upstream gets the client\'s own request with the target model and the account key', async () => {
    const p = params('resp/gpt-5.4');
    const r = await client.responses.inputTokens.count(p);
    expect(r).toEqual({ object: 'response.input_tokens', input_tokens: RESPONSES_COUNT });
    const [seen] = kit.resp.requests;
    expect(seen.path).toBe('/v1/responses/input_tokens');
    expect(seen.headers.authorization).toBe(`Bearer ${RESPONSES_KEY}`);
    expect(seen.body).toEqual({ ...p, model: 'gpt-5.4' });
  });

  test('a stored conversation is counted as its items ahead of the input, and the count does not join it', async () => {
    const conv = await client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'Remember: my city is Paris.' }] });
    const r = await client.responses.inputTokens.count({ model: 'resp/gpt-5.4', conversation: conv.id, input: 'Which city is mine?' });
    expect(r.input_tokens).toBe(RESPONSES_COUNT);
    const body = kit.resp.lastBody() as { input: Array<{ content: unknown }>; conversation?: unknown };
    expect(body.conversation).toBeUndefined();
    expect(JSON.stringify(body.input)).toContain('my city is Paris');
    expect(JSON.stringify(body.input.at(-1))).toContain('Which city is mine?');
    const items = await client.conversations.items.list(conv.id);
    expect(items.data).toHaveLength(1);
  });

  test('→ an Anthropic upstream: its count_tokens of the converted request', async () => {
    const r = await client.responses.inputTokens.count(params('claude/claude-sonnet-4-5'));
    const [seen] = kit.anthropicCounts();
    expect(seen.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    const body = seen.body as MessagesBody & Record<string, unknown>;
    expect(body).toMatchObject({ model: 'claude-sonnet-4-5', system: [{ type: 'text', text: 'You are a careful assistant.' }] });
    expect(body.max_tokens).toBeUndefined();
    expect(JSON.stringify(body.messages)).toContain('"tool_result"');
    expect(r.input_tokens).toBe(inputTokens(body));
  });

  test('→ a Gemini upstream: its countTokens of the converted request', async () => {
    const r = await client.responses.inputTokens.count(params('gem/gemini-2.5-flash'));
    expect(r.input_tokens).toBe(GEMINI_COUNT);
    const req = (kit.gem.lastBody() as { generateContentRequest: Record<string, unknown> }).generateContentRequest;
    expect(req.model).toBe('models/gemini-2.5-flash');
    expect(JSON.stringify(req.contents)).toContain('"functionResponse"');
  });
});

describe('input_tokens: the estimate when the upstream cannot count', () => {
  test('an upstream 500', async () => {
    kit.resp.script([{ status: 500 }]);
    const p = params('resp/gpt-5.4');
    const r = await client.responses.inputTokens.count(p);
    expect(kit.resp.requests).toHaveLength(1);
    expect(r).toEqual({ object: 'response.input_tokens', input_tokens: estimateOf(p) });
  });

  test('an upstream that does not answer in time (the provider\'s 300 ms limit)', async () => {
    kit.resp.script([{ hang: true }]);
    const p = params('rslow/gpt-5.4');
    const r = await client.responses.inputTokens.count(p);
    expect(kit.resp.requests).toHaveLength(1);
    expect(r.input_tokens).toBe(estimateOf(p));
  });

  test('a compatible server without the endpoint (404)', async () => {
    kit.resp.script([{ status: 404 }]);
    const p = params('resp/gpt-5.4');
    const r = await client.responses.inputTokens.count(p);
    expect(kit.resp.requests).toHaveLength(1);
    expect(r.input_tokens).toBe(estimateOf(p));
  });

  test('a target that cannot count (OpenAI Chat) is not asked: alone, the estimate; in a combo, the next target that can count answers', async () => {
    const p = params('chat/gpt-4o-mini');
    expect((await client.responses.inputTokens.count(p)).input_tokens).toBe(estimateOf(p));
    expect((await client.responses.inputTokens.count(params('chat-then-gemini'))).input_tokens).toBe(GEMINI_COUNT);
    expect(kit.oai.requests).toHaveLength(0);
    expect(kit.gem.requests).toHaveLength(1);
  });
});

describe('input_tokens: the client\'s own errors stay', () => {
  test('without a valid key: 401 and no upstream call; with it, the upstream\'s count', async () => {
    const err = await openai('not-a-key').responses.inputTokens.count(params('resp/gpt-5.4')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(kit.resp.requests).toHaveLength(0);
    expect((await client.responses.inputTokens.count(params('resp/gpt-5.4'))).input_tokens).toBe(RESPONSES_COUNT);
  });

  test('a model outside the key\'s scopes: 403, an unknown previous_response_id: 400, no upstream call; inside them, the upstream\'s count', async () => {
    const scoped = openai(kit.scopedKey);
    expect(await scoped.responses.inputTokens.count(params('resp/gpt-5.4')).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const unknown = await client.responses.inputTokens.count({ ...params('resp/gpt-5.4'), previous_response_id: 'resp_nope' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.BadRequestError);
    expect((unknown as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('previous_response_id');
    expect(kit.resp.requests).toHaveLength(0);
    const r = await scoped.responses.inputTokens.count(params('claude/claude-sonnet-4-5'));
    expect(r.input_tokens).toBe(inputTokens(kit.anthropicCounts()[0].body as MessagesBody));
  });
});
