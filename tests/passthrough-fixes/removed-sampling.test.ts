/**
 * Claude Opus 4.7 and later took away the sampling parameters: `temperature`, `top_p` or `top_k`
 * in a request is a 400 ("'temperature' is deprecated for this model."), at Anthropic and
 * wherever the model is served (OpenRouter: "temperature is deprecated for this model.", see
 * tests/provider-fixes/reasoning-model-params.test.ts). Cline,
 * Aider and most OpenAI-format clients send a temperature on every turn, so every turn failed.
 * A model whose id says so (Opus 4.7 and later) gets none before the request goes; under another
 * name, the gateway sends the turn once more without it, and the model's later turns go without it.
 */
import Anthropic from '@anthropic-ai/sdk';
import { expect, test } from 'bun:test';
import { UPSTREAM_KEY, useAnthropicKit } from './anthropic-upstream-kit.ts';

const kit = useAnthropicKit({ mock: { servesAs: { 'house-opus': 'claude-opus-4-8', 'team-opus': 'claude-opus-4-7' } } });

/** A Messages request with a temperature (the SDK's types no longer list it: newer models refuse it). */
function withTemperature(model: string, temperature: number): Anthropic.MessageCreateParamsNonStreaming {
  return { model, max_tokens: 100, temperature, messages: [{ role: 'user', content: 'Hi' }] } as Anthropic.MessageCreateParamsNonStreaming;
}

test('the mock refuses a temperature for Opus 4.8 and takes it for Opus 4.6 (the tests below would catch it)', async () => {
  const direct = new Anthropic({ apiKey: UPSTREAM_KEY, baseURL: kit.mock.origin, maxRetries: 0 });
  const err = await direct.messages.create(withTemperature('claude-opus-4-8', 0)).catch((e: unknown) => e);
  expect((err as Error).message).toContain("'temperature' is deprecated for this model.");
  expect((await direct.messages.create(withTemperature('claude-opus-4-6', 0))).content.length).toBeGreaterThan(0);
});

test('an OpenAI client\'s temperature and top_p to Opus 4.8: left out before the request goes', async () => {
  const res = await kit.openai.chat.completions.create({ model: 'claude/claude-opus-4-8', temperature: 0, top_p: 0.9, messages: [{ role: 'user', content: 'Hi' }] });
  expect(res.choices[0]!.message.content?.length).toBeGreaterThan(0);
  expect(kit.mock.requests).toHaveLength(1);
  expect(kit.mock.requests[0]!.body).not.toContainAnyKeys(['temperature', 'top_p', 'top_k']);
});

test('the same model under a deployment name: served without it, and the next turn goes without it at once', async () => {
  const ask = () => kit.openai.chat.completions.create({ model: 'claude/house-opus', temperature: 0, messages: [{ role: 'user', content: 'Hi' }] });
  expect((await ask()).choices[0]!.message.content?.length).toBeGreaterThan(0);
  expect(kit.mock.requests.map((r) => (r.body as { temperature?: number }).temperature)).toEqual([0, undefined]);
  await ask();
  expect(kit.mock.requests).toHaveLength(3);
  expect((kit.mock.requests[2]!.body as { temperature?: number }).temperature).toBeUndefined();
});

test('an Anthropic SDK client\'s own temperature (passthrough) under a deployment name: served without it', async () => {
  const msg = await kit.anthropic.messages.create(withTemperature('claude/team-opus', 0.3));
  expect(msg.content.length).toBeGreaterThan(0);
  expect(kit.mock.requests.map((r) => (r.body as { temperature?: number }).temperature)).toEqual([0.3, undefined]);
});
