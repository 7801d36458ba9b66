/**
 * Google's OpenAI-compatible endpoint (and proxies in front of Gemini 3) wants a thought signature
 * on every tool call of the history, in `extra_content.google.thought_signature`, and refuses the
 * turn otherwise: "Function call is missing a thought_signature in functionCall parts." An OpenAI
 * client keeps none, and the converted lane has none for calls another model made, so every turn
 * after the first tool call failed (openclaude #67, CLIProxyAPI #2360). The gateway sends the turn
 * once more with Google's placeholder on each call that has none, and the model's later turns go
 * so at once. The mock refuses as Google does.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { expect, test } from 'bun:test';
import { UPSTREAM_KEY, useOpenAIKit } from './openai-upstream-kit.ts';

const kit = useOpenAIKit({ geminiSignatures: true }, 'gcompat');
type Json = Record<string, any>;
const read = { type: 'function' as const, function: { name: 'read', parameters: { type: 'object', properties: { path: { type: 'string' } } } } };
const history = (signature?: string): OpenAI.ChatCompletionMessageParam[] => [
  { role: 'user', content: 'read the readme' },
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read', arguments: '{"path":"README.md"}' }, ...(signature ? { extra_content: { google: { thought_signature: signature } } } : {}) }] } as OpenAI.ChatCompletionMessageParam,
  { role: 'tool', tool_call_id: 'call_1', content: '# Switchyard' },
];
const callOf = (i: number) => (kit.mock.requests[i]!.body as Json).messages[1].tool_calls[0];

test('the mock refuses a call without a signature, as Google does (the tests below would catch it)', async () => {
  const direct = new OpenAI({ baseURL: kit.mock.url, apiKey: UPSTREAM_KEY, maxRetries: 0 });
  const err = await direct.chat.completions.create({ model: 'gemini-3-pro-preview', tools: [read], messages: history() }).catch((e: unknown) => e);
  expect((err as Error).message).toContain('missing a thought_signature');
});

test('an OpenAI client (passthrough): the call goes with the placeholder, a signed one as it was, and the next turn at once', async () => {
  const openai = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: kit.t.key, maxRetries: 0 });
  const before = kit.mock.requests.length;
  const r = await openai.chat.completions.create({ model: 'gcompat/gemini-3-pro-preview', tools: [read], messages: history() });
  expect(r.choices[0]!.message).toBeDefined();
  expect(kit.mock.requests.length - before).toBe(2);
  expect(callOf(before + 1).extra_content).toEqual({ google: { thought_signature: 'skip_thought_signature_validator' } });
  await openai.chat.completions.create({ model: 'gcompat/gemini-3-pro-preview', tools: [read], messages: history('CiQBsig') });
  expect(kit.mock.requests.length - before).toBe(3);
  expect(callOf(before + 2).extra_content).toEqual({ google: { thought_signature: 'CiQBsig' } });
});

test('Claude Code (translated) on another model of that endpoint: served after one refusal', async () => {
  const claude = new Anthropic({ baseURL: kit.t.url, apiKey: kit.t.key, maxRetries: 0 });
  const before = kit.mock.requests.length;
  const msg = await claude.messages.create({
    model: 'gcompat/gemini-3-flash-preview', max_tokens: 300,
    tools: [{ name: 'read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
    messages: [
      { role: 'user', content: 'read the readme' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'read', input: { path: 'README.md' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '# Switchyard' }] },
    ],
  });
  expect(msg.content.length).toBeGreaterThan(0);
  expect(kit.mock.requests.length - before).toBe(2);
});
