/**
 * Usage blocks that are not the plain OpenAI / Anthropic / Gemini shape, billed with the preset
 * prices of the providers that send them: usage only on the finish chunk, Anthropic's cumulative
 * `message_delta`, xAI's reasoning counted beside `completion_tokens`, Moonshot's top-level
 * `cached_tokens` and per-choice stream usage, OpenRouter's cache writes, the cost OpenRouter and xAI report, Gemini's tool-use
 * prompt tokens, Anthropic's one-hour cache writes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { ask, rowOf, type Client } from './client-calls.ts';
import { gatewayYaml } from './cost-gateway.ts';
import { geminiSse, namedSse, openaiSse, startScriptedUpstream, type Scripted, type ScriptedUpstream } from './scripted-upstream.ts';
import { anthropicStream, BILLED, costOf, geminiUsage, OPENAI_USAGE, openaiStream, TEXT } from './wire-replies.ts';

let up: ScriptedUpstream;
let t: TestGateway;

beforeAll(async () => {
  up = await startScriptedUpstream();
  const o = up.origin;
  const net = 'allow_private_network: true';
  t = await startTestGateway(gatewayYaml(o, `
  xai-grok: xai/grok-4
  kimi: moonshot/kimi-k2-0905-preview
  router: openrouter/anthropic/claude-sonnet-4.5
  gpt4o: openai/gpt-4o
  sonnet: anthropic/claude-sonnet-4-5
  flash: gemini/gemini-2.5-flash
`).replace('aliases:', `  xai: { preset: xai, base_url: "${o}/v1", keys: [xai-1234567], ${net} }
  moonshot: { preset: moonshot, base_url: "${o}/v1", keys: [sk-moon-1234567], ${net} }
  openrouter: { preset: openrouter, base_url: "${o}/v1", keys: [sk-or-1234567], ${net}, pricing: { anthropic/claude-sonnet-4.5: { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 } } }
  openai: { type: openai, base_url: "${o}/v1", keys: [sk-openai-1234567], ${net} }
  anthropic: { type: anthropic, base_url: "${o}", keys: [sk-ant-9876543], ${net} }
  gemini: { type: gemini, base_url: "${o}", keys: [AIza-preset-1234567], ${net} }
aliases:`));
});
afterAll(async () => {
  await t?.stop();
  await up?.stop();
});

interface Want { input: number; output: number; cached: number; reasoning: number; cacheWrite?: number }
interface Price { input: number; output: number; cachedInput: number; cacheWrite: number; cacheWrite1h?: number }

/** Sends one request, with `reply` scripted, and checks the row's tokens and cost. */
async function billed(client: Client, model: string, stream: boolean, reply: Scripted, want: Want, price: Price, cost?: number) {
  up.next(reply);
  const r = await ask(t, client, model, stream);
  expect(r.status).toBe(200);
  const row = await rowOf(t, r.requestId);
  expect({
    status: row.status, estimated: row.estimated, input: row.inputTokens, output: row.outputTokens, cached: row.cachedTokens, reasoning: row.reasoningTokens,
  }).toEqual({ status: 'ok', estimated: false, input: want.input, output: want.output, cached: want.cached, reasoning: want.reasoning });
  expect(row.costUsd).toBeCloseTo(cost ?? costOf({ cacheWrite: 0, ...want }, price), 10);
  return { r, row };
}

const GW_PRICE: Price = { input: 2, output: 8, cachedInput: 0.5, cacheWrite: 2.5 };

describe('where the usage arrives', () => {
  test('OpenAI stream with the usage on the finish chunk only (no separate usage chunk)', async () => {
    for (const client of ['openai', 'anthropic'] as const) {
      const { r } = await billed(client, 'to-openai', true, { sse: openaiStream(OPENAI_USAGE, 'finish-chunk') }, BILLED.openai, GW_PRICE);
      expect(r.usage?.input).toBe(1200);
    }
  });

  test('OpenAI stream with the usage chunk last, after the finish, when the client did not ask for it: billed, not shown', async () => {
    up.next({ sse: openaiStream() });
    const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'to-openai', stream: true, messages: [{ role: 'user', content: 'hi' }] } });
    const raw = await res.text();
    expect(raw).not.toContain('"usage":{');
    const row = await rowOf(t, res.headers.get('x-request-id')!);
    expect([row.inputTokens, row.outputTokens, row.cachedTokens, row.reasoningTokens, row.estimated]).toEqual([1200, 300, 1000, 200, false]);
    expect(row.costUsd).toBeCloseTo(costOf(BILLED.openai), 10);
  });

  test('Anthropic message_delta with cumulative usage (input and cache figures repeated) is not double-counted', async () => {
    const delta = {
      input_tokens: 150, cache_creation_input_tokens: 50, cache_read_input_tokens: 1000, output_tokens: 300,
      output_tokens_details: { thinking_tokens: 200 },
    };
    for (const client of ['anthropic', 'openai'] as const) {
      const { r } = await billed(client, 'to-anthropic', true, { sse: anthropicStream(delta) }, BILLED.anthropic, GW_PRICE);
      expect(r.usage).toMatchObject({ input: 1200, output: 300, cached: 1000 });
    }
  });
});

describe('provider quirks, at preset prices', () => {
  const GROK4: Price = { input: 3, output: 15, cachedInput: 0.75, cacheWrite: 3 };
  // xAI counts reasoning beside completion_tokens: total = prompt + completion + reasoning.
  const xaiUsage = {
    prompt_tokens: 1200, completion_tokens: 100, total_tokens: 1500,
    prompt_tokens_details: { text_tokens: 1200, audio_tokens: 0, image_tokens: 0, cached_tokens: 1000 },
    completion_tokens_details: { reasoning_tokens: 200, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    num_sources_used: 0,
  };
  const xaiJson = {
    json: {
      id: 'xai-1', object: 'chat.completion', created: 1, model: 'grok-4',
      choices: [{ index: 0, message: { role: 'assistant', content: TEXT.join(''), reasoning_content: 'thinking' }, finish_reason: 'stop' }], usage: xaiUsage,
    },
  };

  test('xAI: reasoning tokens reported beside completion_tokens are billed as output', async () => {
    await billed('openai', 'xai-grok', false, xaiJson, BILLED.openai, GROK4);
    await billed('openai', 'xai-grok', true, { sse: openaiStream(xaiUsage) }, BILLED.openai, GROK4);
    // A translated client is told the output it pays for.
    const { r } = await billed('anthropic', 'xai-grok', false, xaiJson, BILLED.openai, GROK4);
    expect(r.usage).toMatchObject({ input: 1200, output: 300, cached: 1000 });
  });

  test('xAI: the cost it reports in ticks (usage.cost_in_usd_ticks, 10^10 a dollar) is what the row bills', async () => {
    const usage = { ...xaiUsage, cost_in_usd_ticks: 37756000 };
    await billed('openai', 'xai-grok', false, { json: { ...xaiJson.json, usage } }, BILLED.openai, GROK4, 0.0037756);
    await billed('gemini', 'xai-grok', true, { sse: openaiStream(usage) }, BILLED.openai, GROK4, 0.0037756);
  });

  const KIMI: Price = { input: 0.6, output: 2.5, cachedInput: 0.15, cacheWrite: 0.6 };
  // Moonshot: cache hits as a top-level `cached_tokens`; in streams, usage inside the choice.
  const kimiUsage = { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500, cached_tokens: 1000 };
  const kimiWant = { input: 1200, output: 300, cached: 1000, reasoning: 0 };

  test('Moonshot: top-level cached_tokens billed at the cached price', async () => {
    await billed('openai', 'kimi', false, {
      json: {
        id: 'cmpl-1', object: 'chat.completion', created: 1, model: 'kimi-k2-0905-preview',
        choices: [{ index: 0, message: { role: 'assistant', content: TEXT.join('') }, finish_reason: 'stop' }], usage: kimiUsage,
      },
    }, kimiWant, KIMI);
  });

  test('Moonshot stream: the usage inside the last choice is read (not estimated)', async () => {
    const head = { id: 'cmpl-2', object: 'chat.completion.chunk', created: 1, model: 'kimi-k2-0905-preview' };
    const sse = openaiSse([
      { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      ...TEXT.map((content) => ({ ...head, choices: [{ index: 0, delta: { content }, finish_reason: null }] })),
      { ...head, choices: [{ index: 0, delta: {}, finish_reason: 'stop', usage: kimiUsage }] },
    ]);
    await billed('openai', 'kimi', true, { sse }, kimiWant, KIMI);
    await billed('anthropic', 'kimi', true, { sse }, kimiWant, KIMI);
  });

  test('OpenRouter: prompt cache writes (prompt_tokens_details.cache_write_tokens) at the cache-write price', async () => {
    const SONNET: Price = { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 };
    const usage = {
      prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500,
      prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 150, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    };
    const want = { input: 1200, output: 300, cached: 1000, reasoning: 0, cacheWrite: 150 };
    await billed('openai', 'router', false, {
      json: {
        id: 'gen-1', object: 'chat.completion', created: 1, model: 'anthropic/claude-sonnet-4.5', provider: 'Anthropic',
        choices: [{ index: 0, message: { role: 'assistant', content: TEXT.join('') }, finish_reason: 'stop' }], usage,
      },
    }, want, SONNET);
  });

  test('OpenRouter: the cost it reports (usage.cost, USD) is what the row bills, over the price table, whole and streamed, to every client', async () => {
    const SONNET: Price = { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 };
    const usage = (cost: unknown) => ({
      prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500, cost, is_byok: false,
      prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 0, audio_tokens: 0 }, cost_details: { upstream_inference_cost: null },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    const want = { input: 1200, output: 300, cached: 1000, reasoning: 0 };
    const json = (cost: unknown) => ({
      json: {
        id: 'gen-2', object: 'chat.completion', created: 1, model: 'anthropic/claude-sonnet-4.5', provider: 'Google',
        choices: [{ index: 0, message: { role: 'assistant', content: TEXT.join('') }, finish_reason: 'stop' }], usage: usage(cost),
      },
    });
    await billed('openai', 'router', false, json(0.0123456), want, SONNET, 0.0123456);
    await billed('openai', 'router', true, { sse: openaiStream(usage(0.0042)) }, want, SONNET, 0.0042);
    await billed('anthropic', 'router', true, { sse: openaiStream(usage(0.0042)) }, want, SONNET, 0.0042);
    await billed('gemini', 'router', false, json(0.0042), want, SONNET, 0.0042);
    // A cost that is not a number from 0 to 1,000 dollars is not believed: the price table bills.
    for (const junk of [-1, 5000, '0.01', null]) await billed('openai', 'router', false, json(junk), want, SONNET);
  });

  test('OpenAI preset: cached prompt tokens at gpt-4o\'s cached price, reasoning inside completion_tokens', async () => {
    const GPT4O: Price = { input: 2.5, output: 10, cachedInput: 1.25, cacheWrite: 2.5 };
    await billed('openai', 'gpt4o', true, { sse: openaiStream() }, BILLED.openai, GPT4O);
    await billed('gemini', 'gpt4o', false, {
      json: {
        id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: OPENAI_USAGE,
      },
    }, BILLED.openai, GPT4O);
  });

  test('Anthropic preset: cache reads, five-minute and one-hour writes each at their price', async () => {
    const usage = {
      input_tokens: 100, cache_read_input_tokens: 1000, cache_creation_input_tokens: 100,
      cache_creation: { ephemeral_5m_input_tokens: 40, ephemeral_1h_input_tokens: 60 }, output_tokens: 300,
    };
    const want = { input: 1200, output: 300, cached: 1000, reasoning: 0 };
    // claude-sonnet-4-5: $3 in, $15 out, $0.30 read, $3.75 5-minute write, $6 one-hour write.
    const cost = (100 * 3 + 1000 * 0.3 + 40 * 3.75 + 60 * 6 + 300 * 15) / 1e6;
    const message = { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage };
    await billed('openai', 'sonnet', false, { json: message }, want, GW_PRICE, cost);
    const start = { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } };
    const sse = namedSse([
      { type: 'message_start', message: start },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 300 } },
      { type: 'message_stop' },
    ]);
    await billed('anthropic', 'sonnet', true, { sse }, want, GW_PRICE, cost);
    await billed('responses', 'sonnet', true, { sse }, want, GW_PRICE, cost);
  });

  test('Gemini preset: cached content, thoughts and tool-use prompt tokens', async () => {
    const FLASH: Price = { input: 0.3, output: 2.5, cachedInput: 0.03, cacheWrite: 0.3 };
    const usageMetadata = {
      promptTokenCount: 1100, cachedContentTokenCount: 1000, toolUsePromptTokenCount: 100, candidatesTokenCount: 100, thoughtsTokenCount: 200,
      totalTokenCount: 1500,
    };
    const json = { candidates: [{ content: { parts: [{ text: 'ok' }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata, modelVersion: 'gemini-2.5-flash' };
    for (const client of ['gemini', 'openai'] as const) {
      const { r } = await billed(client, 'flash', false, { json }, { input: 1200, output: 300, cached: 1000, reasoning: 200 }, FLASH);
      expect(r.usage).toMatchObject({ input: 1200, output: 300, cached: 1000 });
    }
  });
});

describe('Gemini usage that changes after the finish chunk', () => {
  const sse = geminiSse([
    { candidates: [{ content: { parts: [{ text: TEXT.join('') }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: geminiUsage(90), modelVersion: 'gemini-x' },
    { candidates: [], usageMetadata: geminiUsage(100), modelVersion: 'gemini-x' },
  ]);

  test('OpenAI and Responses clients: the final figures are billed and shown', async () => {
    for (const client of ['openai', 'responses'] as const) {
      const { r } = await billed(client, 'to-gemini', true, { sse }, BILLED.gemini, GW_PRICE);
      expect(r.usage).toMatchObject({ input: 1200, output: 300, cached: 1000, reasoning: 200 });
    }
  });
});
