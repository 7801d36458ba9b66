/**
 * OpenAI refuses a whole request for one tool schema it cannot take, and so do Azure, Copilot and
 * Together:
 * - an array without `items` ("Invalid schema for function 'droplet_create': In
 *   context=('properties', 'Tags'), array schema missing items."): MCP servers declare many
 *   (DigitalOcean's server has 17). `items: {}` is what a missing `items` means: a converted
 *   request gets it before it goes; a client's own request (passthrough) after such a refusal,
 *   sent once more, and the model's later requests at once;
 * - a pattern Python's `re` cannot compile ("Invalid schema for function 'Artifact':
 *   '^(?!__.*__$)[^\p{Cc}…' is not a 'regex'."): Claude Code's own Artifact tool carries one, so
 *   every Claude Code turn routed to OpenAI failed. The tool's patterns go after the refusal.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockResponses, type MockResponses } from '../helpers/mock-responses-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { UPSTREAM_KEY, useOpenAIKit } from './openai-upstream-kit.ts';

const kit = useOpenAIKit();

/** DigitalOcean's droplet tool as its MCP server declares it: two arrays without items. */
const DROPLET = {
  type: 'object',
  properties: { Name: { type: 'string' }, Tags: { type: 'array', description: 'Tags' }, SSHKeys: { type: 'array' } },
  required: ['Name'],
};
const chatTool = { type: 'function' as const, function: { name: 'droplet_create', parameters: DROPLET } };
type Sent = { tools: Array<{ function?: { parameters: typeof DROPLET }; parameters?: typeof DROPLET }> };
const sentProps = (body: unknown): Record<string, unknown> => {
  const t = (body as Sent).tools[0]!;
  return (t.function?.parameters ?? t.parameters)!.properties;
};

describe('Chat Completions upstream', () => {
  test('the mock refuses the tool as OpenAI does (the tests below would catch it)', async () => {
    const direct = new OpenAI({ apiKey: UPSTREAM_KEY, baseURL: kit.mock.url, maxRetries: 0 });
    const err = await direct.chat.completions.create({ model: 'gpt-4o', tools: [chatTool], messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toContain("Invalid schema for function 'droplet_create': In context=('properties', 'Tags'), array schema missing items.");
  });

  test('Claude Code (converted): one request, the arrays sent with items: {}', async () => {
    const client = new Anthropic({ apiKey: kit.t.key, baseURL: kit.t.url, maxRetries: 0 });
    const before = kit.mock.requests.length;
    const msg = await client.messages.create({
      model: 'oai/gpt-4o', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }],
      tools: [{ name: 'droplet_create', input_schema: DROPLET as Anthropic.Tool.InputSchema }],
    });
    expect(msg.content.length).toBeGreaterThan(0);
    expect(kit.mock.requests.length).toBe(before + 1);
    expect(sentProps(kit.mock.requests.at(-1)!.body)).toEqual({ Name: { type: 'string' }, Tags: { type: 'array', description: 'Tags', items: {} }, SSHKeys: { type: 'array', items: {} } });
  });

  test('an OpenAI client (passthrough): served after the refusal, and its next turn goes fixed at once', async () => {
    const client = new OpenAI({ apiKey: kit.t.key, baseURL: `${kit.t.url}/v1`, maxRetries: 0 });
    const ask = () => client.chat.completions.create({ model: 'oai/gpt-4.1', tools: [chatTool], messages: [{ role: 'user', content: 'hello' }], stream: true });
    const before = kit.mock.requests.length;
    let text = '';
    for await (const chunk of await ask()) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('hello');
    expect(kit.mock.requests.length).toBe(before + 2);
    for await (const chunk of await ask()) void chunk;
    expect(kit.mock.requests.length).toBe(before + 3);
    expect(sentProps(kit.mock.requests.at(-1)!.body).Tags).toEqual({ type: 'array', description: 'Tags', items: {} });
  });
});

describe('Responses upstream', () => {
  let up: MockResponses;
  let t: TestGateway;
  beforeAll(async () => {
    up = await startMockResponses({ apiKey: UPSTREAM_KEY });
    t = await startTestGateway(`providers:
  resp: { type: openai-responses, base_url: "${up.url}", keys: [${UPSTREAM_KEY}], allow_private_network: true }
`);
  });
  afterAll(async () => {
    await t.stop();
    await up.stop();
  });

  test('Codex (passthrough): served after the refusal, and its next turn goes fixed at once', async () => {
    const client = new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    const tools = [{ type: 'function' as const, name: 'droplet_create', parameters: DROPLET, strict: false }];
    const ask = () => client.responses.create({ model: 'resp/gpt-5.4', input: 'hello', tools, store: false });
    expect((await ask()).status).toBe('completed');
    expect(up.requests.length).toBe(2);
    expect((await ask()).status).toBe('completed');
    expect(up.requests.length).toBe(3);
    expect(sentProps(up.requests.at(-1)!.body).SSHKeys).toEqual({ type: 'array', items: {} });
  });

  test('Claude Code\'s Artifact tool (converted): served after one refusal, its next turn at once', async () => {
    const client = new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 });
    const ask = () => client.messages.create({ model: 'resp/gpt-5.4', max_tokens: 100, tools: [ARTIFACT], messages: [{ role: 'user', content: 'hello' }] });
    const before = up.requests.length;
    await ask();
    expect(up.requests.length).toBe(before + 2);
    expect(sentProps(up.requests.at(-1)!.body).doc_id).toEqual({ type: 'string', description: 'Document id' });
    await ask();
    expect(up.requests.length).toBe(before + 3);
  });

  test('Claude Code (converted): one request, the arrays sent with items: {}', async () => {
    const client = new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 });
    const before = up.requests.length;
    await client.messages.create({
      model: 'resp/gpt-5.5', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }],
      tools: [{ name: 'droplet_create', input_schema: DROPLET as Anthropic.Tool.InputSchema }],
    });
    expect(up.requests.length).toBe(before + 1);
    expect(sentProps(up.requests.at(-1)!.body).Tags).toEqual({ type: 'array', description: 'Tags', items: {} });
  });
});

/** Claude Code's Artifact tool as it ships: a JavaScript-only pattern (Unicode property classes). */
const ARTIFACT: Anthropic.Tool = {
  name: 'Artifact',
  input_schema: {
    type: 'object',
    properties: {
      doc_id: { type: 'string', pattern: '^(?!__.*__$)[^\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}"\\\\./[\\]]{1,200}$', description: 'Document id' },
      content: { type: 'string' },
    },
    required: ['doc_id', 'content'],
  },
};

describe('a pattern Python cannot compile', () => {
  test('Claude Code to a Chat Completions upstream: served after one refusal, its next turn at once, the pattern left out', async () => {
    const client = new Anthropic({ apiKey: kit.t.key, baseURL: kit.t.url, maxRetries: 0 });
    const ask = () => client.messages.create({ model: 'oai/gpt-5.4', max_tokens: 100, tools: [ARTIFACT], messages: [{ role: 'user', content: 'hello' }] });
    const before = kit.mock.requests.length;
    expect((await ask()).content.length).toBeGreaterThan(0);
    expect(kit.mock.requests.length).toBe(before + 2);
    expect(sentProps(kit.mock.requests.at(-1)!.body).doc_id).toEqual({ type: 'string', description: 'Document id' });
    await ask();
    expect(kit.mock.requests.length).toBe(before + 3);
  });
});

describe('an older draft\'s forms', () => {
  test('a `type: any` (an MCP server\'s GraphQL tool) and `properties: null`: served after the refusals, the next turn at once', async () => {
    const client = new Anthropic({ apiKey: kit.t.key, baseURL: kit.t.url, maxRetries: 0 });
    const tools: Anthropic.Tool[] = [
      { name: 'query_graphql', input_schema: { type: 'object', properties: { query: { type: 'string' }, variables: { type: 'any' } } } as Anthropic.Tool.InputSchema },
      { name: 'ping', input_schema: { type: 'object', properties: null } as unknown as Anthropic.Tool.InputSchema },
    ];
    const ask = () => client.messages.create({ model: 'oai/gpt-4.1-mini', max_tokens: 100, tools, messages: [{ role: 'user', content: 'hello' }] });
    const before = kit.mock.requests.length;
    expect((await ask()).content.length).toBeGreaterThan(0);
    expect(kit.mock.requests.length).toBe(before + 3);
    const sent: unknown[] = (kit.mock.requests.at(-1)!.body as Sent).tools.map((t) => t.function!.parameters);
    expect(sent).toEqual([{ type: 'object', properties: { query: { type: 'string' }, variables: {} } }, { type: 'object' }]);
    await ask();
    expect(kit.mock.requests.length).toBe(before + 4);
  });
});
