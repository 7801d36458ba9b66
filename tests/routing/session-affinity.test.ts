/**
 * `strategy: session` end to end with the `openai` SDK: a conversation keeps its provider from
 * turn to turn, conversations spread over the combo, `x-session-id` and `prompt_cache_key` name
 * a session, and accounts of one provider follow the same rule.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let mocks: MockOpenAI[];
let t: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  mocks = await Promise.all([startMockOpenAI(), startMockOpenAI(), startMockOpenAI()]);
  const [a, b, c] = mocks;
  t = await startTestGateway(`
providers:
  a: { type: openai, base_url: "${a!.url}", keys: [sk-a-1234567], allow_private_network: true }
  b: { type: openai, base_url: "${b!.url}", keys: [sk-b-1234567], allow_private_network: true }
  c: { type: openai, base_url: "${c!.url}", keys: [sk-c1-123456, sk-c2-123456, sk-c3-123456], allow_private_network: true, account_strategy: session }
combos:
  pool: { strategy: session, models: [a/gpt-4o, b/gpt-4o, c/gpt-4o] }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  for (const m of mocks) await m.stop();
});

/** Sends a request; answers the provider and account that served it (from its usage row). */
async function ask(messages: OpenAI.Chat.ChatCompletionMessageParam[], opts: { headers?: Record<string, string>; body?: Record<string, unknown> } = {}) {
  await client.chat.completions.create({ model: 'pool', messages, ...opts.body } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, { headers: opts.headers });
  await t.settled();
  t.gw.usage.flush();
  const row = t.gw.usage.recent(1)[0]!;
  return { provider: row.provider, account: row.account };
}

describe('session affinity', () => {
  test('every turn of a conversation goes to the same provider (and account)', async () => {
    const history: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Refactor the parser' }];
    const first = await ask(history);
    for (let turn = 0; turn < 4; turn++) {
      history.push({ role: 'assistant', content: `step ${turn}` }, { role: 'user', content: `and then ${turn}?` });
      expect(await ask(history)).toEqual(first);
    }
  });

  test('conversations spread over the combo', async () => {
    const used = new Set<string>();
    const accounts = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const r = await ask([{ role: 'user', content: `task number ${i}` }]);
      used.add(r.provider!);
      if (r.provider === 'c') accounts.add(r.account!);
    }
    expect([...used].sort()).toEqual(['a', 'b', 'c']);
    expect(accounts.size).toBeGreaterThan(1);
  });

  test('x-session-id and prompt_cache_key name the session whatever the messages say', async () => {
    const byHeader = await ask([{ role: 'user', content: 'one' }], { headers: { 'x-session-id': 'sess-42' } });
    for (const text of ['two', 'three', 'four']) expect(await ask([{ role: 'user', content: text }], { headers: { 'x-session-id': 'sess-42' } })).toEqual(byHeader);
    const byKey = await ask([{ role: 'user', content: 'alpha' }], { body: { prompt_cache_key: 'pk-7' } });
    for (const text of ['beta', 'gamma']) expect(await ask([{ role: 'user', content: text }], { body: { prompt_cache_key: 'pk-7' } })).toEqual(byKey);
  });

  test('a provider that fails sends the conversation on, to the same next one each time', async () => {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'a conversation that meets a failure' }];
    const home = await ask(messages);
    mocks[['a', 'b', 'c'].indexOf(home.provider!)]!.script([{ status: 500 }, { status: 500 }]);
    const moved = await ask(messages);
    expect(moved.provider).not.toBe(home.provider);
    expect(await ask(messages)).toEqual(moved);
    expect(await ask(messages)).toEqual(home);
  });
});
