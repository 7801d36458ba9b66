/**
 * The Messages API refuses a request whose tools include one schema that is not valid against
 * JSON Schema draft 2020-12 ("tools.N.custom.input_schema: JSON schema is invalid. It must match
 * JSON Schema draft 2020-12"), and MCP servers still write older drafts' forms: a list in
 * `items`, a boolean `exclusiveMinimum`, `required: true` on a property, counts written as text.
 * The client sends every tool on every turn, so one such server fails every request. On that
 * refusal the gateway sends the turn once more with the schemas upgraded, meaning kept.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { expect, test } from 'bun:test';
import { useAnthropicKit } from './anthropic-upstream-kit.ts';

const kit = useAnthropicKit();

/** An MCP server's tool in draft-04 forms. */
const OLD = {
  type: 'object',
  properties: {
    origin: { type: 'array', items: [{ type: 'number' }, { type: 'number' }], description: 'lng, lat' },
    profile: { type: 'string', required: true, minLength: '1' },
    radius: { type: 'number', minimum: 0, exclusiveMinimum: true },
  },
};
const UPGRADED = {
  type: 'object',
  properties: {
    origin: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }], description: 'lng, lat' },
    profile: { type: 'string', minLength: 1 },
    radius: { type: 'number', exclusiveMinimum: 0 },
  },
  required: ['profile'],
};
const READ = { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'], additionalProperties: false, $schema: 'http://json-schema.org/draft-07/schema#' };

const tools = [
  { name: 'Read', description: 'Reads a file.', input_schema: READ },
  { name: 'mcp__maps__directions', description: 'Directions.', input_schema: OLD },
] as unknown as Anthropic.Tool[];
const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'How far is it?' }];

test('the mock refuses the old forms as the API does (the tests below would catch it)', async () => {
  const direct = new Anthropic({ apiKey: 'sk-ant-up-000001', baseURL: kit.mock.origin, maxRetries: 0 });
  const err = await direct.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, tools, messages }).catch((e: unknown) => e);
  expect(String((err as Error).message)).toContain('tools.1.custom.input_schema: JSON schema is invalid');
});

for (const stream of [false, true]) {
  test(`Claude Code: the turn is served, the refused schema upgraded and the others as sent (${stream ? 'stream' : 'non-stream'})`, async () => {
    const client = new Anthropic({ apiKey: kit.t.key, baseURL: kit.t.url, maxRetries: 0 });
    const before = kit.mock.requests.length;
    const params = { model: 'claude/claude-sonnet-4-5', max_tokens: 50, tools, messages };
    const message = stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params);
    expect(message.content.length).toBeGreaterThan(0);
    expect(kit.mock.requests.length).toBe(before + 2);
    const sent = kit.mock.requests.at(-1)!.body as { tools: Array<{ input_schema: unknown }> };
    expect(sent.tools[0]!.input_schema).toEqual(READ);
    expect(sent.tools[1]!.input_schema).toEqual(UPGRADED);
  });
}

test('an OpenAI client whose function parameters are in the old forms, translated for the Messages API', async () => {
  const openai = new OpenAI({ apiKey: kit.t.key, baseURL: `${kit.t.url}/v1`, maxRetries: 0 });
  const res = await openai.chat.completions.create({
    model: 'claude/claude-sonnet-4-5',
    messages: [{ role: 'user', content: 'How far is it?' }],
    tools: [{ type: 'function', function: { name: 'directions', parameters: OLD as unknown as Record<string, unknown> } }],
  });
  expect(res.choices[0]!.message).toBeDefined();
  const sent = kit.mock.requests.at(-1)!.body as { tools: Array<{ input_schema: unknown }> };
  expect(sent.tools[0]!.input_schema).toEqual(UPGRADED);
});
