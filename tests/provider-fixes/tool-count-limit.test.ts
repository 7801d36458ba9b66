/**
 * OpenAI's Chat API takes at most 128 tools ("Invalid 'tools': array too long. Expected an array
 * with maximum length 128, but got an array with length 150 instead."), and so do Copilot's and
 * Azure's. A coding agent with a few MCP servers sends more on every turn, so every turn of a
 * Claude Code or Codex session routed there was refused. On that refusal the gateway sends the
 * turn once more with the tools cut to the stated count, keeping the ones the conversation
 * called, and fits the model's later turns before they go.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { expect, test } from 'bun:test';
import { UPSTREAM_KEY, useOpenAIKit } from './openai-upstream-kit.ts';

const kit = useOpenAIKit({ maxTools: 128 });

/** Claude Code's own tools first, then 140 of its MCP servers'. */
const names = ['Bash', 'Read', 'Edit', ...Array.from({ length: 140 }, (_, i) => `mcp__srv__tool_${i}`)];
const tools: Anthropic.Tool[] = names.map((name) => ({ name, description: `Does ${name}.`, input_schema: { type: 'object', properties: {} } }));
const sentTools = () => (kit.mock.requests.at(-1)!.body as { tools: Array<{ function: { name: string } }> }).tools.map((x) => x.function.name);

test('the mock refuses 129 tools as OpenAI does (the tests below would catch it)', async () => {
  const direct = new OpenAI({ apiKey: UPSTREAM_KEY, baseURL: kit.mock.url, maxRetries: 0 });
  const many = Array.from({ length: 129 }, (_, i) => ({ type: 'function' as const, function: { name: `f${i}`, parameters: { type: 'object' } } }));
  const err = await direct.chat.completions.create({ model: 'gpt-4o', tools: many, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('array_above_max_length');
});

test('Claude Code with 143 tools: served; 128 go, the called MCP tool among them; the next turn goes fitted at once', async () => {
  const client = new Anthropic({ apiKey: kit.t.key, baseURL: kit.t.url, maxRetries: 0 });
  const messages: Anthropic.MessageParam[] = [
    { role: 'user', content: 'Look it up.' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'mcp__srv__tool_139', input: {} }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'found it' }] },
  ];
  const ask = () => client.messages.stream({ model: 'oai/gpt-4o', max_tokens: 100, tools, messages }).finalMessage();
  const before = kit.mock.requests.length;
  expect((await ask()).content.length).toBeGreaterThan(0);
  expect(kit.mock.requests.length).toBe(before + 2);
  const sent = sentTools();
  expect(sent.length).toBe(128);
  expect(sent.slice(0, 3)).toEqual(['Bash', 'Read', 'Edit']);
  expect(sent).toContain('mcp__srv__tool_139');
  expect(sent.at(-2)).toBe('mcp__srv__tool_123');
  expect(sent.includes('mcp__srv__tool_124')).toBe(false);
  expect((await ask()).content.length).toBeGreaterThan(0);
  expect(kit.mock.requests.length).toBe(before + 3);
  expect(sentTools()).toEqual(sent);
});

test('Codex (Responses client) with a forced tool past the first 128: served, the forced tool kept', async () => {
  const openai = new OpenAI({ apiKey: kit.t.key, baseURL: `${kit.t.url}/v1`, maxRetries: 0 });
  const fns = names.map((name) => ({ type: 'function' as const, name, parameters: { type: 'object', properties: {} }, strict: false }));
  const res = await openai.responses.create({
    model: 'oai/gpt-4.1', input: 'Run it.', tools: fns, tool_choice: { type: 'function', name: 'mcp__srv__tool_130' }, store: false,
  });
  expect(res.status).toBe('completed');
  const sent = sentTools();
  expect(sent.length).toBe(128);
  expect(sent).toContain('mcp__srv__tool_130');
  expect((kit.mock.requests.at(-1)!.body as { tool_choice: unknown }).tool_choice).toEqual({ type: 'function', function: { name: 'mcp__srv__tool_130' } });
});

test('an OpenAI Chat client gets the upstream refusal, as from OpenAI itself: its request is its own', async () => {
  const openai = new OpenAI({ apiKey: kit.t.key, baseURL: `${kit.t.url}/v1`, maxRetries: 0 });
  const many = names.map((name) => ({ type: 'function' as const, function: { name, parameters: { type: 'object' } } }));
  const err = await openai.chat.completions.create({ model: 'oai/gpt-4o-mini', tools: many, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect(String((err as Error).message)).toContain("array too long");
});
