/**
 * The `openai` SDK's Responses client through a real gateway: the passthrough lane
 * (Responses → `openai-responses` upstream), the normalized lane (Responses → the hub `mock`
 * provider, and Responses → Responses with a transformPart hook), and Chat Completions clients
 * served by the `openai-responses` provider.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startMockResponses, type MockResponses } from '../../../tests/helpers/mock-responses-upstream.ts';
import { startTestGateway, type TestGateway } from '../../../tests/helpers/test-gateway.ts';

let up: MockResponses;
let t: TestGateway;
let client: OpenAI;

const weather: OpenAI.Responses.FunctionTool = {
  type: 'function', name: 'get_weather', strict: false,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

beforeAll(async () => {
  up = await startMockResponses();
  t = await startTestGateway(`
providers:
  oai: { type: openai-responses, base_url: "${up.url}", keys: [sk-upstream-resp-1], allow_private_network: true, models: [gpt-5.4] }
  local: { type: mock }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await up.stop();
});

describe('Responses client → openai-responses upstream (passthrough)', () => {
  test('non-stream: model rewritten, provider key sent, response as the upstream sent it', async () => {
    const r = await client.responses.create({ model: 'oai/gpt-5.4', input: 'say hello', store: false });
    expect(r.output_text).toBe('say hello');
    const seen = up.requests.at(-1)!;
    expect(seen.headers.authorization).toBe('Bearer sk-upstream-resp-1');
    expect((seen.body as { model: string }).model).toBe('gpt-5.4');
    expect(r.id).toStartWith('resp_mock');
  });

  test('stream with a function call and its follow-up turn', async () => {
    const final = await client.responses.stream({ model: 'oai/gpt-5.4', input: 'What is the weather in Paris?', tools: [weather] }).finalResponse();
    const call = final.output.find((o) => o.type === 'function_call');
    expect(call?.type === 'function_call' && JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
    const next = await client.responses.stream({
      model: 'oai/gpt-5.4', tools: [weather],
      input: [{ role: 'user', content: 'What is the weather in Paris?' }, ...final.output as OpenAI.Responses.ResponseInputItem[],
        { type: 'function_call_output', call_id: call!.type === 'function_call' ? call!.call_id : '', output: '18C' }],
    }).finalResponse();
    expect(next.output_text).toBe('The tool answered: 18C');
  });
});

describe('Responses client → hub providers (normalized lane)', () => {
  test('mock echo, streamed, ends with response.completed and usage', async () => {
    const types: string[] = [];
    const stream = client.responses.stream({ model: 'local/echo', input: 'alpha beta gamma' });
    stream.on('event', (e) => types.push(e.type));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('alpha beta gamma');
    expect(final.status).toBe('completed');
    expect(final.usage?.total_tokens).toBeGreaterThan(0);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
  });

  test('mock tools and think, non-stream', async () => {
    const tools = await client.responses.create({ model: 'local/tools', input: 'weather?', tools: [weather] });
    expect(tools.output.map((o) => o.type)).toContain('function_call');
    const think = await client.responses.create({ model: 'local/think', input: 'why?', reasoning: { effort: 'low', summary: 'auto' } });
    expect(think.output[0].type).toBe('reasoning');
  });

  test('built-in tools are refused for a provider that is not a Responses API; web search is only left out', async () => {
    const err = await client.responses.create({ model: 'local/echo', input: 'x', tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain('file_search');
    const served = await client.responses.create({ model: 'local/echo', input: 'x', tools: [{ type: 'web_search' }] });
    expect(served.output_text).toBe('x');
  });

  test('a mid-stream failure reaches the SDK as an error', async () => {
    const err = await client.responses.stream({ model: 'local/midstream-drop', input: 'one two three four five six' }).finalResponse().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
  });

  test('an unknown stored response is a 404', async () => {
    const err = await client.responses.retrieve('resp_123').catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.message).toContain("Response 'resp_123' not found.");
  });
});

describe('Responses client → openai-responses upstream through the hub (transformPart on)', () => {
  let t2: TestGateway;
  let c2: OpenAI;
  beforeAll(async () => {
    t2 = await startTestGateway(`
providers:
  oai: { type: openai-responses, base_url: "${up.url}", keys: [sk-upstream-resp-1], allow_private_network: true }
plugins:
  - ./identity.ts
`);
    await Bun.write(`${t2.dataDir}/identity.ts`, `export default { name: 'identity', kind: 'observer', apiVersion: 1,
      setup(ctx) { ctx.hook('transformPart', (p) => p); } };`);
    await t2.gw.reload();
    c2 = new OpenAI({ baseURL: `${t2.url}/v1`, apiKey: t2.key, maxRetries: 0 });
  });
  afterAll(() => t2.stop());

  test('reasoning with encrypted content survives two turns; built-in tools and extras reach the upstream', async () => {
    expect(t2.gw.host.current.hooks.transformPart).toHaveLength(1);
    const first = await c2.responses.stream({
      model: 'oai/gpt-5.4', input: 'What is the weather in Oslo?', tools: [weather, { type: 'web_search' }],
      reasoning: { effort: 'low', summary: 'auto' }, include: ['reasoning.encrypted_content'], store: false, prompt_cache_key: 'pc-1',
    }).finalResponse();
    const sent = up.requests.at(-1)!.body as Record<string, unknown>;
    expect(sent.tools).toEqual([{ ...weather, description: undefined }, { type: 'web_search' }].map((x) => JSON.parse(JSON.stringify(x))));
    expect(sent.prompt_cache_key).toBe('pc-1');
    expect(first.output.map((o) => o.type)).toEqual(['reasoning', 'function_call']);
    const reasoning = first.output[0];
    expect(reasoning.type === 'reasoning' && reasoning.encrypted_content).toStartWith('gAAAA');
    const call = first.output[1];
    const next = await c2.responses.create({
      model: 'oai/gpt-5.4', tools: [weather], reasoning: { effort: 'low' }, include: ['reasoning.encrypted_content'],
      input: [{ role: 'user', content: 'What is the weather in Oslo?' }, ...first.output as OpenAI.Responses.ResponseInputItem[],
        { type: 'function_call_output', call_id: call.type === 'function_call' ? call.call_id : '', output: '-3C' }],
    });
    const second = up.requests.at(-1)!;
    expect(second.rejected).toBeUndefined();
    expect((second.body as { input: Array<{ type?: string; encrypted_content?: string }> }).input[1].encrypted_content)
      .toBe(reasoning.type === 'reasoning' ? reasoning.encrypted_content! : '');
    expect(next.output_text).toBe('The tool answered: -3C');
  });
});

describe('Chat Completions client → openai-responses provider', () => {
  test('stream text and a tool call', async () => {
    const stream = await client.chat.completions.create({ model: 'oai/gpt-5.4', stream: true, messages: [{ role: 'user', content: 'hello chat' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('hello chat');
    const r = await client.chat.completions.create({
      model: 'oai/gpt-5.4', messages: [{ role: 'user', content: 'weather in Rome?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weather.parameters! } }],
    });
    expect(r.choices[0].finish_reason).toBe('tool_calls');
    expect(JSON.parse(r.choices[0].message.tool_calls![0].type === 'function' ? r.choices[0].message.tool_calls![0].function.arguments : '')).toEqual({ city: 'Rome' });
    expect(up.requests.at(-1)!.rejected).toBeUndefined();
    expect((up.requests.at(-1)!.body as { store: boolean }).store).toBe(false);
  });
});
