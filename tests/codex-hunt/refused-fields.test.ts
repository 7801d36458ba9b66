/**
 * A Responses upstream refuses a field by name, and the client sends it on every turn, so every
 * turn failed: OpenAI's "Unsupported parameter: 'reasoning.effort' is not supported with this
 * model." when Codex (or a chat client's reasoning_effort) reaches GPT-4.1 or GPT-4o (a combo's
 * fallback, an alias; LiteLLM #38842), the ChatGPT backend's "Unsupported parameter:
 * prompt_cache_options" (tests/oauth/codex-sdk.test.ts). The gateway sends the turn once more
 * without the field, and the model's later turns go without it at once. The mock validates as the
 * API does.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startMockResponses, type MockResponses } from '../helpers/mock-responses-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let up: MockResponses;
let t: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  up = await startMockResponses({ apiKey: 'sk-rsp-1234567' });
  t = await startTestGateway(`
providers:
  rsp: { type: openai-responses, base_url: "${up.url}", keys: [sk-rsp-1234567], allow_private_network: true }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t?.stop();
  await up?.stop();
});
beforeEach(() => void (up.requests.length = 0));

type Sent = { reasoning?: { effort?: string; summary?: string } };
const sent = () => up.requests.map((r) => r.body as Sent);

test('the mock refuses a reasoning effort for a model that does not reason, as the API does (the tests below would catch it)', async () => {
  const res = await fetch(`${up.url}/responses`, {
    method: 'POST', headers: { authorization: 'Bearer sk-rsp-1234567', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1', input: 'hi', reasoning: { effort: 'low' } }),
  });
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ error: { param: 'reasoning.effort', code: 'unsupported_parameter' } });
});

test('Codex (passthrough) on GPT-4.1: the turn goes without the effort (its summary setting kept), and the next at once', async () => {
  const turn = () => client.responses.create({
    model: 'rsp/gpt-4.1', input: 'Explain the diff.', reasoning: { effort: 'medium', summary: 'auto' }, include: ['reasoning.encrypted_content'], store: false,
  });
  const r = await turn();
  expect(r.output_text.length).toBeGreaterThan(0);
  expect(sent().map((b) => b.reasoning)).toEqual([{ effort: 'medium', summary: 'auto' }, { summary: 'auto' }]);
  await turn();
  expect(sent()).toHaveLength(3);
  expect(sent()[2]!.reasoning).toEqual({ summary: 'auto' });
});

test('an OpenAI Chat client\'s reasoning_effort on GPT-4o (translated): served, and the next request at once', async () => {
  const ask = () => client.chat.completions.create({ model: 'rsp/gpt-4o', reasoning_effort: 'high', messages: [{ role: 'user', content: 'hello there' }] });
  const r = await ask();
  expect(r.choices[0]!.message.content).toBeTruthy();
  expect(sent()).toHaveLength(2);
  expect(sent()[1]!.reasoning?.effort).toBeUndefined();
  await ask();
  expect(sent()).toHaveLength(3);
});

/**
 * A client that keeps a stored reasoning item but rebuilds the assistant's message after it
 * without its id (Continue, agent frameworks) gets "Item 'rs_…' of type 'reasoning' was provided
 * without its required following item." on every later turn. The gateway leaves that reasoning
 * out, and the model's later turns go without it at once.
 */
test('a stored reasoning item replayed without the id of the item after it: left out, and the next turn goes without it at once', async () => {
  const input = [
    { type: 'message' as const, role: 'user' as const, content: 'How many r in strawberry?' },
    { type: 'reasoning' as const, id: 'rs_68636fcc1c6481a2', summary: [{ type: 'summary_text' as const, text: 'Counting letters.' }] },
    { type: 'message' as const, role: 'assistant' as const, content: 'Three.' },
    { type: 'message' as const, role: 'user' as const, content: 'And in raspberry?' },
  ];
  const turn = () => client.responses.create({ model: 'rsp/gpt-5.4', input } as never);
  const r = (await turn()) as { output_text: string };
  expect(r.output_text.length).toBeGreaterThan(0);
  expect(up.requests).toHaveLength(2);
  expect((up.requests[1]!.body as { input: Array<{ type?: string }> }).input.map((i) => i.type ?? 'message')).toEqual(['message', 'message', 'message']);
  await turn();
  expect(up.requests).toHaveLength(3);
});
