import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startAdminGateway, type AdminGateway } from './admin-kit.ts';

const KEY = 'sk-playground-secret-key-0123456789';

let t: AdminGateway;
let upstream: MockOpenAI;

beforeAll(async () => {
  upstream = await startMockOpenAI({ apiKey: KEY });
  const config = `providers:
  oa:
    type: openai
    base_url: ${upstream.url}
    allow_private_network: true
    keys: ["\${PG_KEY}"]
    models: [gpt-4o-mini]
  an:
    type: anthropic
    base_url: http://127.0.0.1:9
    allow_private_network: true
    keys: ["\${PG_KEY}"]
    models: [claude-sonnet-4-5]
  gm:
    type: gemini
    base_url: http://127.0.0.1:9
    allow_private_network: true
    keys: ["\${PG_KEY}"]
    models: [gemini-2.5-flash]
  rs:
    type: openai-responses
    base_url: http://127.0.0.1:9/v1
    allow_private_network: true
    keys: ["\${PG_KEY}"]
    models: [gpt-5]
aliases:
  fast: oa/gpt-4o-mini
`;
  t = await startAdminGateway(config, { env: { ...process.env, PG_KEY: KEY } });
});
afterAll(async () => {
  await t.stop();
  await upstream.stop();
});

const translate = async (json: unknown) => {
  const res = await t.admin('/api/playground/translate', { method: 'POST', json });
  return { status: res.status, body: await res.json() };
};

const MESSAGES = [{ role: 'user', content: 'Say hi' }];

describe('playground translate', () => {
  test('openai-chat → an anthropic provider: normalized form and the Messages request', async () => {
    const r = await translate({ dialect: 'openai-chat', body: { model: 'an/claude-sonnet-4-5', messages: [{ role: 'system', content: 'Be brief.' }, ...MESSAGES], max_tokens: 50 } });
    expect(r.status).toBe(200);
    expect(r.body.normalized).toMatchObject({ operation: 'chat', model: 'an/claude-sonnet-4-5', stream: false });
    expect(r.body.normalized.body.messages[0].role).toBe('system');
    expect(r.body.route.targets).toMatchObject([{ provider: 'an', model: 'claude-sonnet-4-5' }]);
    expect(r.body.upstream).toMatchObject({ provider: 'an', type: 'anthropic', lane: 'translated', url: 'http://127.0.0.1:9/v1/messages' });
    expect(r.body.upstream.body).toMatchObject({ model: 'claude-sonnet-4-5', system: expect.anything(), max_tokens: 50 });
    expect(r.body.upstream.headers['x-api-key']).toBe('***6789');
    expect(JSON.stringify(r.body)).not.toContain(KEY);
  });

  test('anthropic-messages → a gemini provider', async () => {
    const r = await translate({ dialect: 'anthropic-messages', body: { model: 'gm/gemini-2.5-flash', max_tokens: 64, messages: MESSAGES } });
    expect(r.status).toBe(200);
    expect(r.body.upstream.url).toBe('http://127.0.0.1:9/v1beta/models/gemini-2.5-flash:generateContent');
    expect(r.body.upstream.body.contents[0]).toMatchObject({ role: 'user', parts: [{ text: 'Say hi' }] });
    expect(r.body.upstream.headers['x-goog-api-key']).toBe('***6789');
  });

  test('gemini (model from the URL) → a responses provider, streamed', async () => {
    const r = await translate({ dialect: 'gemini', model: 'rs/gpt-5', body: { contents: [{ role: 'user', parts: [{ text: 'Say hi' }] }], stream: true } });
    expect(r.status).toBe(200);
    expect(r.body.normalized).toMatchObject({ model: 'rs/gpt-5', stream: true });
    expect(r.body.upstream).toMatchObject({ type: 'openai-responses', url: 'http://127.0.0.1:9/v1/responses' });
    expect(r.body.upstream.body).toMatchObject({ model: 'gpt-5', stream: true });
    expect(r.body.upstream.headers.authorization).toBe('Bearer ***6789');
  });

  test('openai-responses → an alias resolved to an openai provider', async () => {
    const r = await translate({ dialect: 'openai-responses', body: { model: 'fast', input: 'Say hi' } });
    expect(r.status).toBe(200);
    expect(r.body.route.targets[0]).toMatchObject({ provider: 'oa', model: 'gpt-4o-mini' });
    expect(r.body.upstream).toMatchObject({ type: 'openai', lane: 'translated', url: `${upstream.url}/chat/completions` });
    expect(r.body.upstream.body.messages).toEqual([{ role: 'user', content: 'Say hi' }]);
  });

  test('same dialect as the provider: passthrough lane, only the model replaced', async () => {
    const r = await translate({ dialect: 'openai-chat', body: { model: 'fast', messages: MESSAGES, temperature: 0.3 } });
    expect(r.body.upstream).toMatchObject({ lane: 'passthrough', body: { model: 'gpt-4o-mini', messages: MESSAGES, temperature: 0.3 } });
  });

  test('a chosen provider outside the plan', async () => {
    const r = await translate({ dialect: 'openai-chat', provider: 'an', body: { model: 'claude-opus-9', messages: MESSAGES } });
    expect(r.body.upstream).toMatchObject({ provider: 'an', model: 'claude-opus-9' });
    expect(r.body.notes).toContain('No router routes the model "claude-opus-9".');
  });

  test('an invalid client body answers 400 with the dialect\'s reason', async () => {
    const r = await translate({ dialect: 'anthropic-messages', body: { model: 'x', messages: 'nope' } });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('anthropic-messages request is not valid');
  });

  test('a dialect no loaded translator serves is a 404 that says so (not an invalid request)', async () => {
    expect((await t.admin('/api/plugins/gemini/disable', { method: 'POST' })).status).toBe(200);
    try {
      const r = await translate({ dialect: 'gemini', body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }, model: 'an/claude-sonnet-4-5' });
      expect(r.status).toBe(404);
      expect(r.body.error).toMatchObject({ code: 'not_found', message: 'No loaded translator serves the gemini dialect.' });
    } finally {
      await t.admin('/api/plugins/gemini/enable', { method: 'POST' });
    }
  });
});

describe('playground chat', () => {
  test('goes through the gateway and shows every hop, with the key masked', async () => {
    const res = await t.admin('/api/playground/chat', { method: 'POST', json: { dialect: 'anthropic-messages', body: { model: 'oa/gpt-4o-mini', max_tokens: 20, messages: MESSAGES } } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(KEY);
    const body = JSON.parse(text);
    expect(body.status).toBe(200);
    expect(body.upstreamRequests).toHaveLength(1);
    expect(body.upstreamRequests[0]).toMatchObject({ url: `${upstream.url}/chat/completions`, method: 'POST' });
    expect(body.upstreamRequests[0].headers.authorization).toBe('Bearer ***6789');
    expect(body.upstreamRequests[0].body.messages).toEqual([{ role: 'user', content: 'Say hi' }]);
    expect(body.upstreamReplies[0].status).toBe(200);
    expect(JSON.parse(body.upstreamReplies[0].body).object).toBe('chat.completion');
    expect(body.reply.body.type).toBe('message');
    expect(body.reply.body.content[0].text).toContain('Say hi');
    expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
    const log = await (await t.admin(`/api/logs/${body.requestId}`)).json();
    expect(log.row.keyId).toBeNull();
  });

  test('the provider test button uses the same path', async () => {
    const ok = await (await t.admin('/api/providers/oa/test', { method: 'POST', json: {} })).json();
    expect(ok).toMatchObject({ ok: true, mode: 'chat', model: 'oa/gpt-4o-mini', status: 200 });
    const down = await (await t.admin('/api/providers/an/test', { method: 'POST', json: {} })).json();
    expect(down.ok).toBe(false);
    expect(down.error).toBeTruthy();
    expect(JSON.stringify(down)).not.toContain(KEY);
  });
});
