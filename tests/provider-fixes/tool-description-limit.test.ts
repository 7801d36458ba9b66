/**
 * OpenAI-compatible endpoints that still cap a tool's description (Azure deployments, Copilot's
 * chat API: "Invalid 'tools[0].function.description': string too long. Expected a string with
 * maximum length 1024") refused every request of a client whose tools say more, as Claude
 * Code's do (its Bash tool's description runs to thousands of characters). On that refusal the
 * gateway sends the turn once more with the longer descriptions cut to the stated length, and
 * cuts them before they go for the model's later requests.
 */
import Anthropic from '@anthropic-ai/sdk';
import { expect, test } from 'bun:test';
import { UPSTREAM_KEY, useOpenAIKit } from './openai-upstream-kit.ts';

const kit = useOpenAIKit({ maxToolDescription: 1024 }, 'azure');

const LONG = `Executes a given bash command in a persistent shell session. ${'Use it with care; quote paths with spaces. '.repeat(80)}`;
const tools: Anthropic.Tool[] = [
  { name: 'Bash', description: LONG, input_schema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } },
  { name: 'Read', description: 'Reads a file.', input_schema: { type: 'object', properties: { file_path: { type: 'string' } } } },
];

test('the mock refuses a long description as those endpoints do (the test below would catch it)', async () => {
  const r = await fetch(`${kit.mock.url}/chat/completions`, {
    method: 'POST', headers: { authorization: `Bearer ${UPSTREAM_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'Bash', description: LONG, parameters: { type: 'object' } } }] }),
  });
  expect(r.status).toBe(400);
  expect(((await r.json()) as { error: { code: string } }).error.code).toBe('string_above_max_length');
});

test('Claude Code through the gateway: served; the long description cut to 1024, the short one as sent; the next turn goes cut at once', async () => {
  const client = new Anthropic({ apiKey: kit.t.key, baseURL: kit.t.url, maxRetries: 0 });
  const ask = () => client.messages.stream({ model: 'azure/gpt-4o', max_tokens: 100, tools, messages: [{ role: 'user', content: 'List the files.' }] }).finalMessage();
  const before = kit.mock.requests.length;
  expect((await ask()).content.length).toBeGreaterThan(0);
  expect(kit.mock.requests.length).toBe(before + 2);
  const sent = (kit.mock.requests.at(-1)!.body as { tools: Array<{ function: { description: string } }> }).tools;
  expect(sent[0]!.function.description.length).toBe(1024);
  expect(sent[0]!.function.description).toBe(`${LONG.slice(0, 1023)}…`);
  expect(sent[1]!.function.description).toBe('Reads a file.');
  expect((await ask()).content.length).toBeGreaterThan(0);
  expect(kit.mock.requests.length).toBe(before + 3);
});
