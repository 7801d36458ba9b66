import { describe, expect, test } from 'bun:test';
import { type GatewayError } from '../../../core/errors/gateway-error.ts';
import { caught as rejection } from '../../../core/http/test-support.ts';
import type { Attempt, CallContext, PluginContext, ProviderAdapter, ProviderRuntime } from '../../../core/plugin/types.ts';
import type { ChatRequest, StreamPart } from '../../../core/types/hub.ts';
import { createMockAdapter } from './create-mock-adapter.ts';
import { planMockReply, sampleArguments, selectBehaviour } from './plan-mock-reply.ts';
import plugin from './plugin.ts';

const adapter = createMockAdapter();
const call = {} as CallContext;
let fetched = 0;

function attempt(model: string, options: Record<string, unknown> = {}): Attempt & { ctl: AbortController } {
  const ctl = new AbortController();
  const provider: ProviderRuntime = {
    name: 'demo', type: 'mock', baseUrl: '', accounts: [], accountStrategy: 'fill-first', models: [], headers: {},
    allowPrivateNetwork: false, timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1, totalMs: 1 }, quirks: {}, pricing: {}, options,
  };
  return {
    n: 1, last: true, target: { provider: 'demo', model }, provider, signal: ctl.signal, passthrough: false, ctl,
    fetch: async () => {
      fetched++;
      throw new Error('the mock provider must not use the network');
    },
  };
}

const req = (text: string, over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'demo/x', stream: false, messages: [{ role: 'system', content: [{ type: 'text', text: 'sys' }] }, { role: 'user', content: [{ type: 'text', text }] }], ...over,
});

async function collect(s: ReadableStream<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const p of s) out.push(p);
  return out;
}


const textOf = (parts: StreamPart[]) => parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('');

describe('mock provider', () => {
  test('plugin provides the `mock` adapter, without passthrough', () => {
    const got: ProviderAdapter[] = [];
    plugin.setup({ provide: (_k: string, a: ProviderAdapter) => got.push(a) } as unknown as PluginContext);
    expect(got.map((a) => a.id)).toEqual(['mock']);
    expect(got[0].nativeDialect).toBeUndefined();
    expect(plugin.autoload).toBe(true);
  });

  test('behaviour selection', () => {
    expect(selectBehaviour('echo')).toEqual({ behaviour: 'echo' });
    expect(selectBehaviour('demo/slow-250')).toEqual({ behaviour: 'slow', arg: '250' });
    expect(selectBehaviour('fail-429')).toEqual({ behaviour: 'fail-429' });
    expect(selectBehaviour('midstream-drop')).toEqual({ behaviour: 'midstream-drop' });
    expect(selectBehaviour('anything-else')).toEqual({ behaviour: 'echo' });
  });

  test('echo: generate and stream agree; usage is chars / 4', async () => {
    const r = await adapter.chat!.generate(req('hello mock world'), attempt('echo'), call);
    expect(r.content).toEqual([{ type: 'text', text: 'hello mock world' }]);
    expect(r.finishReason).toBe('stop');
    expect(r.usage).toEqual({ inputTokens: Math.ceil('syshello mock world'.length / 4), outputTokens: Math.ceil(16 / 4) });
    const parts = await collect(await adapter.chat!.stream(req('hello mock world', { stream: true }), attempt('echo'), call));
    expect(parts[0]).toMatchObject({ type: 'start', model: 'echo' });
    expect(textOf(parts)).toBe('hello mock world');
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop', usage: r.usage });
    expect(fetched).toBe(0);
  });

  test('tools: a call to the first tool with arguments from its required properties', async () => {
    const tools = [
      { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' }, n: { type: 'integer' }, unit: { enum: ['c', 'f'] }, opt: { type: 'string' } }, required: ['q', 'n', 'unit'] } },
      { name: 'other', parameters: {} },
    ];
    const r = await adapter.chat!.generate(req('find', { tools }), attempt('tools'), call);
    expect(r.finishReason).toBe('tool-calls');
    expect(r.content[0]).toMatchObject({ type: 'tool-call', name: 'lookup' });
    expect(r.content[0].type === 'tool-call' && JSON.parse(r.content[0].arguments)).toEqual({ q: 'mock', n: 0, unit: 'c' });
    const parts = await collect(await adapter.chat!.stream(req('find', { tools, stream: true }), attempt('tools'), call));
    expect(parts.map((p) => p.type)).toEqual(['start', 'tool-call-start', 'tool-call-delta', 'tool-call-end', 'finish']);
    expect(sampleArguments({ type: 'object' })).toEqual({});
    const none = await adapter.chat!.generate(req('find'), attempt('tools'), call);
    expect(none.finishReason).toBe('stop');
  });

  test('think: reasoning first, then the text; reasoning tokens counted', async () => {
    const parts = await collect(await adapter.chat!.stream(req('why', { stream: true }), attempt('think'), call));
    const types = parts.map((p) => p.type);
    expect(types.indexOf('reasoning-end')).toBeLessThan(types.indexOf('text-delta'));
    expect(types[1]).toBe('reasoning-delta');
    expect(textOf(parts)).toBe('why');
    const fin = parts.at(-1);
    expect(fin?.type === 'finish' && fin.usage?.reasoningTokens).toBeGreaterThan(0);
  });

  test('fail-500 and fail-429 throw retryable errors before any output', async () => {
    const e500 = await rejection(adapter.chat!.stream(req('x', { stream: true }), attempt('fail-500'), call));
    expect([e500.status, e500.retryable, e500.upstream?.status]).toEqual([502, true, 500]);
    const e429 = await rejection(adapter.chat!.generate(req('x'), attempt('fail-429'), call));
    expect([e429.code, e429.status, e429.retryable, e429.retryAfterMs]).toEqual(['GW_RATE_LIMITED', 429, true, 1000]);
  });

  test('slow-N delays each part; aborting stops it', async () => {
    const t0 = performance.now();
    const parts = await collect(await adapter.chat!.stream(req('a b', { stream: true }), attempt('slow-30'), call));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(30 * (parts.length - 1));
    const a = attempt('slow-1000');
    const p = adapter.chat!.generate(req('x'), a, call);
    setTimeout(() => a.ctl.abort(), 20);
    const t1 = performance.now();
    expect((await rejection(p)).code).toBe('GW_CLIENT_CLOSED');
    expect(performance.now() - t1).toBeLessThan(500);
  });

  test('midstream-drop: some text, then one retryable error part, no finish', async () => {
    const parts = await collect(await adapter.chat!.stream(req('one two three four five six', { stream: true }), attempt('midstream-drop'), call));
    const text = textOf(parts);
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan('one two three four five six'.length);
    expect(parts.at(-1)?.type === 'error' && (parts.at(-1) as { error: GatewayError }).error.retryable).toBe(true);
    expect(parts.some((p) => p.type === 'finish')).toBe(false);
    expect((await rejection(adapter.chat!.generate(req('x'), attempt('midstream-drop'), call))).retryable).toBe(true);
  });

  test('chunk_delay_ms option; deterministic plans; model list', async () => {
    expect(planMockReply(req('same'), 'think')).toEqual(planMockReply(req('same'), 'think'));
    expect(planMockReply(req('x'), 'echo', 15).delayMs).toBe(15);
    const a = attempt('echo', { chunk_delay_ms: 20 });
    const t0 = performance.now();
    await collect(await adapter.chat!.stream(req('a b c', { stream: true }), a, call));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(60);
    expect(await adapter.listModels!(a.provider)).toContain('midstream-drop');
  });
});
