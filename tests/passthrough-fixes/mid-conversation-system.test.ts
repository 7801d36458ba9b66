/**
 * Claude Code 2.1.154 and later put `{role: "system"}` entries in `messages` (the
 * `mid-conversation-system-2026-04-07` beta: skill and hook context at the point it applies).
 * Anthropic takes them; vendors' Anthropic-format endpoints refuse the beta flag, or the role
 * itself ("messages[1].role: unknown variant `system`, expected `user` or `assistant`": DeepSeek),
 * and every turn failed (claude-code #63569, cc-switch #3281). The gateway sends the turn once more
 * with each entry as a `<system-reminder>` block where it stood, as Claude Code itself does
 * without the beta, and the model's later turns go so at once.
 */
import Anthropic from '@anthropic-ai/sdk';
import { expect, test } from 'bun:test';
import { useAnthropicKit } from './anthropic-upstream-kit.ts';

const BETA = 'mid-conversation-system-2026-04-07';
const kit = useAnthropicKit({
  mock: { refuseBetas: [BETA] },
  config: '  vendor: { type: anthropic, base_url: "UPSTREAM", keys: [sk-ant-up-000001], allow_private_network: true }\n',
});

type Json = Record<string, any>;
const turn = () => kit.anthropic.beta.messages.create({
  model: 'vendor/deepseek-v4-pro', max_tokens: 200, betas: [BETA],
  system: [{ type: 'text', text: 'You are Claude Code.' }],
  messages: [
    { role: 'user', content: 'fix the failing test' },
    { role: 'system', content: 'The user is in plan mode: do not edit files.' },
  ],
} as unknown as Anthropic.Beta.MessageCreateParamsNonStreaming);

test('the flag and the entries refused: the turn goes with a reminder in the user turn, and the next at once', async () => {
  const msg = await turn();
  expect(msg.content.length).toBeGreaterThan(0);
  expect(kit.mock.requests).toHaveLength(2);
  const sent = kit.mock.requests[1]!;
  expect(sent.headers['anthropic-beta'] ?? '').not.toContain(BETA);
  expect((sent.body as Json).messages).toEqual([
    { role: 'user', content: [{ type: 'text', text: 'fix the failing test' }, { type: 'text', text: '<system-reminder>\nThe user is in plan mode: do not edit files.\n</system-reminder>' }] },
  ]);
  await turn();
  expect(kit.mock.requests).toHaveLength(3);
  expect((kit.mock.requests[2]!.body as Json).messages).toEqual((sent.body as Json).messages);
});

test('the role refused without the flag (an endpoint that ignores betas): the same, after one refusal', async () => {
  const ask = () => kit.anthropic.messages.create({
    model: 'vendor/kimi-k2', max_tokens: 200,
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'run the tests' },
      { role: 'system', content: 'Hook: tests must run with --bail.' },
    ],
  } as unknown as Anthropic.MessageCreateParamsNonStreaming);
  await ask();
  expect(kit.mock.requests).toHaveLength(2);
  expect((kit.mock.requests[0]!.body as Json).messages.at(-1).role).toBe('system');
  expect((kit.mock.requests[1]!.body as Json).messages.at(-1).content.at(-1).text).toBe('<system-reminder>\nHook: tests must run with --bail.\n</system-reminder>');
  await ask();
  expect(kit.mock.requests).toHaveLength(3);
});
