/**
 * Claude's thinking control has two shapes, each refused by the models of the other: Opus 4.7
 * and later take only `{type: "adaptive"}` ("\"thinking.type.enabled\" is not supported for this
 * model. Use \"thinking.type.adaptive\" and \"output_config.effort\" …"), the models before 4.6
 * only `{type: "enabled", budget_tokens}` ("adaptive thinking is not supported on this model").
 * A client writes the shape of the model it asked for, and the gateway may serve another: Claude
 * Code asking for Opus 4.6 served by a combo's Sonnet 4.5, an OpenAI client's reasoning effort
 * served by Opus 4.8. Every such turn failed. A model whose id says it thinks only adaptively
 * (Opus 4.7 and later) gets that shape before the request goes; for any other, the gateway sends
 * the turn once more in the shape the refusal asks for, and the model's later turns go in it at
 * once (a proxy's deployment name or an inference profile says nothing of the model).
 */
import Anthropic from '@anthropic-ai/sdk';
import { expect, test } from 'bun:test';
import { UPSTREAM_KEY, useAnthropicKit } from './anthropic-upstream-kit.ts';

const kit = useAnthropicKit({
  mock: { servesAs: { 'house-opus': 'claude-opus-4-8' } },
  config: `  backup: { type: anthropic, base_url: "UPSTREAM", keys: [${UPSTREAM_KEY}], allow_private_network: true }
aliases:
  claude-opus-4-6: backup/claude-sonnet-4-5
`,
});

type Sent = { thinking?: unknown; output_config?: unknown; max_tokens?: number };
const sent = (i: number) => kit.mock.requests[i]!.body as Sent;

test('the mock refuses each shape where the API does (the tests below would catch it)', async () => {
  const direct = new Anthropic({ apiKey: UPSTREAM_KEY, baseURL: kit.mock.origin, maxRetries: 0 });
  const adaptive = await direct.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 2000, thinking: { type: 'adaptive' }, messages: [{ role: 'user', content: 'x' }] } as never).catch((e: unknown) => e);
  expect((adaptive as Error).message).toContain('adaptive thinking is not supported on this model');
  const enabled = await direct.messages.create({ model: 'claude-opus-4-8', max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
  expect((enabled as Error).message).toMatch(/thinking\.type\.enabled\W+ is not supported for this model/);
});

test('Claude Code\'s adaptive thinking served by Sonnet 4.5: sent again with a budget for its effort, and the next turn goes so at once', async () => {
  const turn = async () => {
    const stream = kit.anthropic.messages.stream({
      model: 'claude-opus-4-6', max_tokens: 32000,
      thinking: { type: 'adaptive' }, output_config: { effort: 'high' },
      messages: [{ role: 'user', content: 'Plan the refactor.' }],
    } as Anthropic.MessageStreamParams);
    return (await stream.finalMessage()).content;
  };
  expect((await turn()).length).toBeGreaterThan(0);
  expect(kit.mock.requests).toHaveLength(2);
  expect(sent(0).thinking).toEqual({ type: 'adaptive' });
  expect(sent(1)).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 16384 }, max_tokens: 32000 });
  expect(sent(1).output_config).toBeUndefined();
  expect((await turn()).length).toBeGreaterThan(0);
  expect(kit.mock.requests).toHaveLength(3);
  expect(sent(2).thinking).toEqual({ type: 'enabled', budget_tokens: 16384 });
});

test('an OpenAI client\'s reasoning effort to Opus 4.8: adaptive with that effort before it goes', async () => {
  const res = await kit.openai.chat.completions.create({ model: 'claude/claude-opus-4-8', reasoning_effort: 'low', max_tokens: 4000, messages: [{ role: 'user', content: 'Why?' }] });
  expect(res.choices[0]!.message.content?.length).toBeGreaterThan(0);
  expect(kit.mock.requests).toHaveLength(1);
  expect(sent(0)).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'low' } });
});

test('the same model under a deployment name: sent again adaptive with that effort, and the next request goes so at once', async () => {
  const ask = () => kit.openai.chat.completions.create({ model: 'claude/house-opus', reasoning_effort: 'high', max_tokens: 20000, messages: [{ role: 'user', content: 'Why?' }] });
  expect((await ask()).choices[0]!.message.content?.length).toBeGreaterThan(0);
  expect(kit.mock.requests).toHaveLength(2);
  expect(sent(0).thinking).toEqual({ type: 'enabled', budget_tokens: 16384 });
  expect(sent(1)).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'high' } });
  await ask();
  expect(kit.mock.requests).toHaveLength(3);
  expect(sent(2)).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'high' } });
});
