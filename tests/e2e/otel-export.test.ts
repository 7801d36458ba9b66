/**
 * The `otel` plugin in a running gateway: requests from the openai SDK (one with a W3C
 * `traceparent`), a fallback in a combo, a stream, a failure; a local OTLP/HTTP collector
 * receives the spans as JSON. The collector can be made to fail; shutdown flushes what waits.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

interface Span {
  traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number;
  startTimeUnixNano: string; endTimeUnixNano: string; status: { code: number; message?: string };
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

/** A local OTLP/HTTP collector: records every export; answers `status` (200 unless told). */
function startCollector() {
  const exports: Array<{ headers: Headers; body: string }> = [];
  let status = 200;
  const server = Bun.serve({
    hostname: '127.0.0.1', port: 0,
    async fetch(req) {
      const body = await req.text();
      if (new URL(req.url).pathname !== '/v1/traces' || req.method !== 'POST') return new Response('no', { status: 404 });
      if (status !== 200) return new Response('{}', { status });
      exports.push({ headers: req.headers, body });
      return Response.json({});
    },
  });
  const spans = (): Span[] => exports.flatMap((e) => JSON.parse(e.body).resourceSpans.flatMap((r: { scopeSpans: Array<{ spans: Span[] }> }) => r.scopeSpans.flatMap((s) => s.spans)));
  return {
    url: `http://127.0.0.1:${server.port}`, exports, spans,
    fail(code: number) { status = code; },
    async waitFor(pred: (all: Span[]) => boolean, ms = 5000): Promise<Span[]> {
      const until = Date.now() + ms;
      while (!pred(spans())) {
        if (Date.now() > until) throw new Error(`collector: condition not met; ${spans().length} spans`);
        await Bun.sleep(20);
      }
      return spans();
    },
    stop: () => server.stop(true),
  };
}

const attr = (s: Span, key: string) => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  return v && Object.values(v)[0];
};
const CANARY = 'sk-canary-0tel5ecret';
/** Shaped like no known key pattern: only the gateway's own list of secrets can mask it. */
const PLAIN_KEY = 'gsk_live_abcdef0123456789XYZ';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

let bad: MockOpenAI;
let good: MockOpenAI;
let collector: ReturnType<typeof startCollector>;
let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  bad = await startMockOpenAI();
  good = await startMockOpenAI();
  collector = startCollector();
  gw = await startTestGateway(`
providers:
  bad: { type: openai, base_url: "${bad.url}", keys: [${CANARY}], allow_private_network: true }
  plain: { type: openai, base_url: "${bad.url}", keys: [${PLAIN_KEY}], allow_private_network: true }
  good: { type: openai, base_url: "${good.url}", keys: [sk-good-1234567], allow_private_network: true, pricing: { gpt-4o-mini: { input: 1, output: 2 } } }
combos:
  team: { models: [bad/gpt-4o-mini, good/gpt-4o-mini] }
plugins:
  - otel: { endpoint: "${collector.url}", interval_ms: 100, allow_private_network: true, headers: { authorization: "Bearer collector-token" } }
`);
  client = new OpenAI({ apiKey: gw.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.stop();
  await bad?.stop();
  await good?.stop();
  collector?.stop();
});

describe('otel plugin', () => {
  test('a fallback: the request span joins the client trace, with a child span per attempt', async () => {
    bad.script([{ status: 500 }]);
    const res = await client.chat.completions.create(
      { model: 'team', messages: [{ role: 'user', content: 'trace me' }] },
      { headers: { traceparent: `00-${TRACE}-${PARENT}-01` } },
    );
    expect(res.choices[0]?.message.content).toContain('trace me');
    const spans = (await collector.waitFor((all) => all.filter((s) => s.traceId === TRACE).length >= 3)).filter((s) => s.traceId === TRACE);
    const root = spans.find((s) => s.kind === 2)!;
    const attempts = spans.filter((s) => s.kind === 3).sort((a, b) => Number(attr(a, 'switchyard.attempt')) - Number(attr(b, 'switchyard.attempt')));
    expect(root).toMatchObject({ parentSpanId: PARENT, name: 'chat team', status: { code: 1 } });
    expect(attr(root, 'gen_ai.request.model')).toBe('team');
    expect(attr(root, 'gen_ai.provider.name')).toBe('good');
    expect(attr(root, 'gen_ai.response.model')).toBe('gpt-4o-mini');
    expect(attr(root, 'gen_ai.usage.input_tokens')).toBe(String(res.usage!.prompt_tokens));
    expect(attr(root, 'gen_ai.usage.output_tokens')).toBe(String(res.usage!.completion_tokens));
    expect(attr(root, 'switchyard.cost_usd')).toBeCloseTo((res.usage!.prompt_tokens * 1 + res.usage!.completion_tokens * 2) / 1e6, 12);
    expect(attr(root, 'switchyard.request_id')).toBe(res._request_id ?? expect.any(String));
    expect(attempts.map((s) => s.name)).toEqual(['chat bad/gpt-4o-mini', 'chat good/gpt-4o-mini']);
    for (const a of attempts) expect(a.parentSpanId).toBe(root.spanId);
    expect(attempts[0]!.status.code).toBe(2);
    expect(attr(attempts[0]!, 'http.response.status_code')).toBe('500');
    expect(attempts[1]!.status).toEqual({ code: 1 });
    // The request span covers its attempts.
    expect(BigInt(root.startTimeUnixNano) <= BigInt(attempts[0]!.startTimeUnixNano)).toBe(true);
    expect(BigInt(root.endTimeUnixNano) >= BigInt(attempts[1]!.endTimeUnixNano) - 1_000_000n).toBe(true);
  });

  test('a stream: one span from arrival to the end of the stream, a new trace without traceparent', async () => {
    const before = collector.spans().length;
    const stream = await client.chat.completions.create({ model: 'good/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'stream trace' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toContain('stream trace');
    const spans = (await collector.waitFor((all) => all.slice(before).some((s) => s.kind === 2))).slice(before);
    const root = spans.find((s) => s.kind === 2)!;
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.traceId).not.toBe(TRACE);
    expect(root.parentSpanId).toBeUndefined();
    expect(attr(root, 'switchyard.stream')).toBe(true);
    expect(Number(attr(root, 'switchyard.ttft_ms'))).toBeGreaterThanOrEqual(0);
  });

  test('a key the upstream echoes in its error (no known key shape) is masked in spans and in the failure events', async () => {
    const before = collector.spans().length;
    const events: string[] = [];
    const offs = [gw.gw.bus.on('attempt:failed', (e) => void events.push(JSON.stringify(e))), gw.gw.bus.on('request:failed', (e) => void events.push(JSON.stringify(e)))];
    bad.script([{ status: 401, body: { error: { message: `Incorrect API key provided: ${PLAIN_KEY}. You can find your API key at …`, type: 'invalid_request_error', code: 'invalid_api_key' } } }]);
    await client.chat.completions.create({ model: 'plain/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    await collector.waitFor((all) => all.slice(before).some((s) => s.kind === 2));
    await gw.settled();
    for (const off of offs) off();
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.join('\n')).not.toContain(PLAIN_KEY);
    expect(collector.exports.map((e) => e.body).join('\n')).not.toContain(PLAIN_KEY);
  });

  test('a failed request is an error span; no provider or client key ever leaves in an export', async () => {
    const before = collector.spans().length;
    const err = await client.chat.completions.create({ model: 'nowhere/none', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    const spans = (await collector.waitFor((all) => all.slice(before).some((s) => s.kind === 2))).slice(before);
    const root = spans.find((s) => s.kind === 2)!;
    expect(root.status.code).toBe(2);
    expect(attr(root, 'http.response.status_code')).toBe('404');
    expect(attr(root, 'error.type')).toBe('GW_MODEL_NOT_FOUND');
    const all = collector.exports.map((e) => e.body).join('\n');
    expect(all).not.toContain(CANARY);
    expect(all).not.toContain(gw.key);
    expect(collector.exports.every((e) => e.headers.get('authorization') === 'Bearer collector-token')).toBe(true);
    expect(collector.exports.every((e) => e.headers.get('content-type') === 'application/json')).toBe(true);
  });

  test('while the collector fails, requests are served; the spans arrive once it is back', async () => {
    collector.fail(503);
    const before = collector.spans().length;
    for (let i = 0; i < 3; i++) {
      const r = await client.chat.completions.create({ model: 'good/gpt-4o-mini', messages: [{ role: 'user', content: `down ${i}` }] });
      expect(r.choices[0]?.message.content).toContain(`down ${i}`);
    }
    await Bun.sleep(300);
    expect(collector.spans().length).toBe(before);
    collector.fail(200);
    const spans = await collector.waitFor((all) => all.slice(before).filter((s) => s.kind === 2).length >= 3, 8000);
    expect(spans.slice(before).filter((s) => s.kind === 2)).toHaveLength(3);
  });
});

describe('otel plugin at shutdown', () => {
  test('spans still waiting for their interval are sent when the gateway stops', async () => {
    const c = startCollector();
    const g = await startTestGateway(`
providers:
  good: { type: openai, base_url: "${good.url}", keys: [sk-good-1234567], allow_private_network: true }
plugins:
  - otel: { endpoint: "${c.url}", interval_ms: 600000, allow_private_network: true }
`);
    const r = await g.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'good/gpt-4o-mini', messages: [{ role: 'user', content: 'bye' }] } });
    expect(r.status).toBe(200);
    await Bun.sleep(50);
    expect(c.spans()).toHaveLength(0);
    await g.stop();
    expect(c.spans().filter((s) => s.kind === 2)).toHaveLength(1);
    c.stop();
  });
});
