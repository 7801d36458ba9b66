/**
 * Per-request state is tied to the request's life: whatever way a request ends (the client
 * leaves mid-stream or while the upstream is silent, the upstream fails, drops the connection or
 * sends garbage), nothing of it stays in the process-wide sweepers, the keep-alive sweeper or
 * the snapshot holds (a hold kept would pin a replaced config and its plugins for good).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { keepalives } from '../../core/pipeline/keepalive-sweeper.ts';
import { sweeper } from '../../core/util/deadline-sweeper.ts';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startMockGemini, type MockGemini } from '../helpers/mock-gemini-upstream.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startMockResponses, type MockResponses } from '../helpers/mock-responses-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let oa: MockOpenAI;
let an: MockAnthropic;
let gm: MockGemini;
let rs: MockResponses;
let t: TestGateway;

beforeAll(async () => {
  [oa, an, gm, rs] = await Promise.all([
    startMockOpenAI({ chunkDelayMs: 2 }), startMockAnthropic({ eventDelayMs: 2 }), startMockGemini({ chunkDelayMs: 2 }), startMockResponses(),
  ]);
  t = await startTestGateway(`
server: { keepalive_ms: 1000 }
providers:
  oa: { type: openai, base_url: ${oa.url}, keys: [sk-test-oa-000000], allow_private_network: true }
  an: { type: anthropic, base_url: ${an.url}, keys: [sk-ant-test-000000], allow_private_network: true }
  gm: { type: gemini, base_url: ${gm.url}, keys: [AIza-test-0000000000], allow_private_network: true }
  rs: { type: openai-responses, base_url: ${rs.url}, keys: [sk-test-rs-000000], allow_private_network: true }
plugins:
  - rate-limit: { keys: { rpm: 1000000 }, providers: { oa: { max_concurrent: 1000 }, an: { max_concurrent: 1000 } } }
  - idempotency: {}
  - circuit-breaker: { failures: 1000000 }
  - cooldown: {}
  - quota: {}
`);
});
afterAll(async () => {
  await t.stop();
  await Promise.all([oa.stop(), an.stop(), gm.stop(), rs.stop()]);
});

type Dialect = 'chat' | 'messages';
const body = (dialect: Dialect, model: string, stream: boolean, n: number) => dialect === 'chat'
  ? { model, stream, messages: [{ role: 'user', content: `hello ${n}` }] }
  : { model, stream, max_tokens: 50, messages: [{ role: 'user', content: `hello ${n}` }] };
const path = (dialect: Dialect) => (dialect === 'chat' ? '/v1/chat/completions' : '/v1/messages');
let n = 0;

/** Sends one request; `leave` aborts it after the first chunk (or after `ms` when nothing comes). */
async function send(dialect: Dialect, model: string, stream: boolean, leave?: { ms?: number }): Promise<void> {
  const ac = new AbortController();
  const headers = { 'idempotency-key': `k-${++n}`, ...(dialect === 'messages' ? { 'anthropic-version': '2023-06-01' } : {}) };
  const timer = leave?.ms === undefined ? undefined : setTimeout(() => ac.abort(), leave.ms);
  try {
    const res = await t.fetch(path(dialect), { method: 'POST', json: body(dialect, model, stream, n), headers, signal: ac.signal });
    if (leave && leave.ms === undefined && res.body) {
      const reader = res.body.getReader();
      await reader.read();
      ac.abort();
      await reader.read().catch(() => undefined);
    } else {
      await res.text();
    }
  } catch {
    // the client left
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for the requests to end (their streams close on the next reads), then reads what they left. */
async function leftBehind() {
  for (let i = 0; i < 100 && (t.gw.host.inflight() > 0 || sweeper.size > 0); i++) await Bun.sleep(10);
  await t.settled();
  return { inflight: t.gw.host.inflight(), sweeper: sweeper.size, keepalives: (keepalives as unknown as { live: { size: number } }).live.size };
}
const nothing = { inflight: 0, sweeper: 0, keepalives: 0 };

describe('every way a request ends leaves nothing behind', () => {
  test('OpenAI upstream: client leaves mid-stream or while it hangs, it fails, drops, sends garbage', async () => {
    for (let i = 0; i < 20; i++) await send('chat', 'oa/gpt-4o', true, {});
    oa.script(Array.from({ length: 20 }, () => ({ dropAfterChunks: 1 })));
    for (let i = 0; i < 20; i++) await send('chat', 'oa/gpt-4o', true);
    oa.script(Array.from({ length: 20 }, () => ({ status: 500 })));
    for (let i = 0; i < 20; i++) await send('chat', 'oa/gpt-4o', i % 2 === 0);
    oa.script(Array.from({ length: 20 }, () => ({ malformed: true })));
    for (let i = 0; i < 20; i++) await send('messages', 'oa/gpt-4o', i % 2 === 0);
    oa.script(Array.from({ length: 10 }, () => ({ hang: true })));
    for (let i = 0; i < 10; i++) await send('chat', 'oa/gpt-4o', i % 2 === 0, { ms: 20 });
    expect(await leftBehind()).toEqual(nothing);
  });

  test('Anthropic upstream (passthrough and translated lanes): the same endings', async () => {
    for (let i = 0; i < 20; i++) await send(i % 2 === 0 ? 'messages' : 'chat', 'an/claude-sonnet-4-5', true, {});
    an.script(Array.from({ length: 20 }, () => ({ dropAfterEvents: 2 })));
    for (let i = 0; i < 20; i++) await send(i % 2 === 0 ? 'messages' : 'chat', 'an/claude-sonnet-4-5', true);
    an.script(Array.from({ length: 20 }, () => ({ streamErrorAfterEvents: 2 })));
    for (let i = 0; i < 20; i++) await send(i % 2 === 0 ? 'messages' : 'chat', 'an/claude-sonnet-4-5', true);
    an.script(Array.from({ length: 20 }, () => ({ status: 529 })));
    for (let i = 0; i < 20; i++) await send('messages', 'an/claude-sonnet-4-5', i % 2 === 0);
    an.script(Array.from({ length: 10 }, () => ({ hang: true })));
    for (let i = 0; i < 10; i++) await send('messages', 'an/claude-sonnet-4-5', i % 2 === 0, { ms: 20 });
    expect(await leftBehind()).toEqual(nothing);
  });

  test('Gemini and Responses upstreams: the same endings', async () => {
    for (let i = 0; i < 20; i++) await send('chat', i % 2 === 0 ? 'gm/gemini-2.5-flash' : 'rs/gpt-5', true, {});
    gm.configure({ dropAfterChunks: 1, failTimes: Number.MAX_SAFE_INTEGER });
    for (let i = 0; i < 10; i++) await send('chat', 'gm/gemini-2.5-flash', true);
    gm.configure({ dropAfterChunks: undefined, malformedAfterChunks: 1 });
    for (let i = 0; i < 10; i++) await send('messages', 'gm/gemini-2.5-flash', true);
    gm.configure({ malformedAfterChunks: undefined, hang: true });
    for (let i = 0; i < 10; i++) await send('chat', 'gm/gemini-2.5-flash', i % 2 === 0, { ms: 20 });
    gm.configure({ hang: undefined });
    rs.script(Array.from({ length: 10 }, () => ({ dropAfterEvents: 2 })));
    for (let i = 0; i < 10; i++) await send('chat', 'rs/gpt-5', true);
    rs.script(Array.from({ length: 10 }, () => ({ status: 503 })));
    for (let i = 0; i < 10; i++) await send('messages', 'rs/gpt-5', i % 2 === 0);
    expect(await leftBehind()).toEqual(nothing);
  });
});
