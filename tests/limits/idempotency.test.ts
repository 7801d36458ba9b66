import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { chat, post } from './limits-kit.ts';

let up: MockOpenAI;
let t: TestGateway | undefined;
beforeAll(async () => {
  up = await startMockOpenAI({ chunkDelayMs: 20 });
});
afterAll(() => up.stop());
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const config = (plugin = '{}') => `
providers:
  up: { type: openai, base_url: ${up.url}, keys: [sk-test-idem-000000], allow_private_network: true }
  local: { type: mock }
plugins:
  - idempotency: ${plugin}
`;

const idem = (key: string) => ({ headers: { 'idempotency-key': key } });
const upstreamCalls = () => up.requests.filter((r) => r.path.startsWith('/v1/chat/completions')).length;

describe('idempotency (real gateway, mock upstream)', () => {
  test('sequential duplicates make one upstream call; the replay is marked and identical', async () => {
    t = await startTestGateway(config());
    const before = upstreamCalls();
    const body = chat('up/gpt-4o-mini', 'sequential please');
    const a = await post(t, body, idem('k-seq'));
    const b = await post(t, body, idem('k-seq'));
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.headers.get('idempotent-replayed')).toBeNull();
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(await b.text()).toBe(await a.text());
    expect(upstreamCalls() - before).toBe(1);
    t.gw.usage.flush();
    const rows = t.gw.usage.recent(5, {});
    expect(rows.map((r) => r.cached).sort()).toEqual([false, true]);
    expect(rows.find((r) => r.cached)?.costUsd).toBe(0);
  });

  test('concurrent duplicate streams wait for the first and make one upstream call', async () => {
    t = await startTestGateway(config());
    const before = upstreamCalls();
    const body = chat('up/gpt-4o-mini', 'one two three four five', { stream: true });
    const res = await Promise.all(Array.from({ length: 5 }, () => post(t!, body, idem('k-conc'))));
    const texts = await Promise.all(res.map((r) => r.text()));
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(upstreamCalls() - before).toBe(1);
    expect(res.filter((r) => r.headers.get('idempotent-replayed') === 'true').length).toBe(4);
    expect(texts[0]).toContain('data: [DONE]');
    for (const x of texts) expect(x).toBe(texts[0]);
  });

  test('the same key and body from another client key makes its own call', async () => {
    t = await startTestGateway(config());
    const other = t.gw.keys.createKey({ name: 'other' }).secret;
    const before = upstreamCalls();
    const body = chat('up/gpt-4o-mini', 'two keys');
    const [a, b] = await Promise.all([post(t, body, idem('shared')), post(t, body, { ...idem('shared'), secret: other })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.headers.get('idempotent-replayed')).toBeNull();
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(upstreamCalls() - before).toBe(2);
  });

  test('another body, no header, or an expired entry is a new call', async () => {
    t = await startTestGateway(config('{ ttl_ms: 150 }'));
    const before = upstreamCalls();
    await post(t, chat('up/gpt-4o-mini', 'first'), idem('k'));
    await post(t, chat('up/gpt-4o-mini', 'second'), idem('k'));
    await post(t, chat('up/gpt-4o-mini', 'first'));
    expect(upstreamCalls() - before).toBe(3);
    const replay = await post(t, chat('up/gpt-4o-mini', 'first'), idem('k'));
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    await Bun.sleep(200);
    const fresh = await post(t, chat('up/gpt-4o-mini', 'first'), idem('k'));
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
    expect(upstreamCalls() - before).toBe(4);
  });

  test('a failed first call is not replayed: its waiter makes the call', async () => {
    t = await startTestGateway(config());
    const before = upstreamCalls();
    up.script([{ status: 500, firstByteDelayMs: 100 }]);
    const body = chat('up/gpt-4o-mini', 'fail first');
    const first = post(t, body, idem('k-fail'));
    await Bun.sleep(30);
    const second = post(t, body, idem('k-fail'));
    const [a, b] = await Promise.all([first, second]);
    expect(a.status).toBeGreaterThanOrEqual(500);
    expect(b.status).toBe(200);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(upstreamCalls() - before).toBe(2);
  });

  test('normalized streams and other dialects replay too', async () => {
    t = await startTestGateway(config());
    let attempts = 0;
    t.gw.bus.on('attempt:started', () => {
      attempts++;
    });
    const body = chat('local/slow-20', 'normalized stream replay', { stream: true });
    const res = await Promise.all(Array.from({ length: 3 }, () => post(t!, body, idem('k-norm'))));
    const texts = await Promise.all(res.map((r) => r.text()));
    await t.settled();
    expect(attempts).toBe(1);
    const content = (s: string) => s.split('\n').filter((l) => l.includes('"content"')).map((l) => JSON.parse(l.slice(6)).choices[0]?.delta?.content ?? '').join('');
    for (const x of texts) expect(content(x)).toBe('normalized stream replay');

    const messages = { model: 'up/gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'anthropic client' }] };
    const send = () => t!.fetch('/v1/messages', { method: 'POST', json: messages, headers: { 'idempotency-key': 'k-anth', 'anthropic-version': '2023-06-01' } });
    const before = upstreamCalls();
    const a = await send();
    const b = await send();
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(await b.json()).toEqual(await a.json());
    expect(upstreamCalls() - before).toBe(1);
  });
});
