import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { HttpClient, OutboundInit } from '../../../core/http/types.ts';
import type { Attempt, CallContext, CallResult } from '../../../core/plugin/types.ts';
import { OtlpExporter } from './otlp-exporter.ts';
import { encodeOtlpTraces, nanos, type FinishedSpan } from './encode-otlp-traces.ts';
import { tracesUrl } from './setup-otel.ts';
import { createSpanRecorder } from './span-recorder.ts';
import { parseTraceparent, randomId } from './trace-context.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child() { return silent; } } as never;

describe('trace context', () => {
  test('a valid traceparent is read; invalid ones start a new trace', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true,
    });
    expect(parseTraceparent('00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-00')?.sampled).toBe(false);
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra')?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    for (const bad of [undefined, '', 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01']) {
      expect(parseTraceparent(bad)).toBeUndefined();
    }
    expect(randomId(16)).toMatch(/^[0-9a-f]{32}$/);
    expect(randomId(8)).toMatch(/^[0-9a-f]{16}$/);
  });

  test('the traces URL', () => {
    expect(tracesUrl('http://127.0.0.1:4318')).toBe('http://127.0.0.1:4318/v1/traces');
    expect(tracesUrl('https://otel.example.com/otlp/')).toBe('https://otel.example.com/otlp/v1/traces');
    expect(tracesUrl('https://otel.example.com/v1/traces')).toBe('https://otel.example.com/v1/traces');
  });
});

describe('OTLP JSON', () => {
  test('ids in hex, times in nanoseconds as strings, typed attributes, status', () => {
    expect(nanos(1_700_000_000_123.5)).toBe('1700000000123500000'); // epoch ms keep ~0.2 µs in a double
    expect(nanos(0.000001)).toBe('1');
    expect(nanos(5.9999999999)).toBe('6000000');
    const tricky = 'a "quoted" \\ name\n\u0001 ünï';
    const decoded = JSON.parse(encodeOtlpTraces([{
      traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: tricky, kind: 3, startMs: 1, endMs: 2, attributes: { [tricky]: tricky }, error: tricky,
    }], { serviceName: 's', version: '1' })).resourceSpans[0].scopeSpans[0].spans[0];
    expect(decoded.name).toBe(tricky);
    expect(decoded.attributes).toEqual([{ key: tricky, value: { stringValue: tricky } }]);
    expect(decoded.status).toEqual({ code: 2, message: tricky });
    const body = JSON.parse(encodeOtlpTraces([{
      traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: 'c'.repeat(16), name: 'chat m', kind: 2,
      startMs: 1000, endMs: 1002.5, attributes: { s: 'x', i: 3, d: 0.25, b: true, none: undefined }, error: 'boom',
    }], { serviceName: 'switchyard', version: '9.9.9' }));
    const rs = body.resourceSpans[0];
    expect(rs.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'switchyard' } }, { key: 'service.version', value: { stringValue: '9.9.9' } },
    ]);
    expect(rs.scopeSpans[0].scope).toEqual({ name: 'switchyard', version: '9.9.9' });
    expect(rs.scopeSpans[0].spans[0]).toEqual({
      traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: 'c'.repeat(16), name: 'chat m', kind: 2,
      startTimeUnixNano: '1000000000', endTimeUnixNano: '1002500000',
      attributes: [
        { key: 's', value: { stringValue: 'x' } }, { key: 'i', value: { intValue: '3' } },
        { key: 'd', value: { doubleValue: 0.25 } }, { key: 'b', value: { boolValue: true } },
      ],
      status: { code: 2, message: 'boom' },
    });
  });
});

function fakeCall(id: string, traceparent?: string): CallContext {
  const headers = new Headers(traceparent ? { traceparent } : {});
  return { id, operation: 'chat', dialect: 'openai-chat', startedAt: performance.now(), http: { headers } } as unknown as CallContext;
}
const attempt = (n: number) => ({ n, provider: { name: 'up', baseUrl: 'https://api.example.com/v1' }, target: { provider: 'up', model: 'm1' }, account: { id: 'key-1' } }) as unknown as Attempt;

describe('span recorder', () => {
  test('a request span with attempt children; the client trace is joined', async () => {
    const out: FinishedSpan[] = [];
    const r = createSpanRecorder({ sampleRatio: 1, emit: (s) => out.push(s), redact: (t) => t.replaceAll('sk-secret', '[redacted]') });
    const call = fakeCall('req_1', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    r.beforeRequest({ model: 'combo', stream: true }, call);
    const failure = new GatewayError('GW_UPSTREAM_HTTP', 'bad key sk-secret', { status: 502, upstream: { status: 401 } as never });
    await expect(r.wrapCall(() => Promise.reject(failure), attempt(1), call)).rejects.toBe(failure);
    const ok = { type: 'result', result: {} } as CallResult;
    expect(await r.wrapCall(() => Promise.resolve(ok), attempt(2), call)).toBe(ok);
    r.completed({
      id: 'req_1', provider: 'up', model: 'm1', requestedModel: 'combo', latencyMs: 12.5, cached: false, status: 'ok',
      usage: { inputTokens: 10, outputTokens: 4 }, costUsd: 0.001, keyId: 'key_abc', ttftMs: 3,
    });
    expect(out).toHaveLength(3);
    const [first, second, root] = out as [FinishedSpan, FinishedSpan, FinishedSpan];
    expect(root).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7', kind: 2, name: 'chat combo' });
    expect(root.endMs - root.startMs).toBeCloseTo(12.5, 6);
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'combo', 'gen_ai.provider.name': 'up', 'gen_ai.response.model': 'm1',
      'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 4, 'switchyard.cost_usd': 0.001, 'switchyard.request_id': 'req_1',
      'switchyard.stream': true, 'http.response.status_code': 200,
    });
    expect(root.error).toBeUndefined();
    for (const child of [first, second]) expect(child).toMatchObject({ traceId: root.traceId, parentSpanId: root.spanId, kind: 3, name: 'chat up/m1' });
    expect(first.attributes).toMatchObject({ 'switchyard.attempt': 1, 'error.type': 'GW_UPSTREAM_HTTP', 'http.response.status_code': 401, 'server.address': 'api.example.com' });
    expect(first.error).toBe('bad key [redacted]');
    expect(second.error).toBeUndefined();
    expect(r.openCount()).toBe(0);
  });

  test('sampling: the ratio for new traces, the parent flag for joined ones; failures end as errors', () => {
    const out: FinishedSpan[] = [];
    const r = createSpanRecorder({ sampleRatio: 0.5, emit: (s) => out.push(s), redact: (t) => t, random: () => 0.7 });
    r.beforeRequest({ model: 'm', stream: false }, fakeCall('a'));
    r.beforeRequest({ model: 'm', stream: false }, fakeCall('b', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00'));
    r.beforeRequest({ model: 'm', stream: false }, fakeCall('c', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'));
    expect(r.openCount()).toBe(1);
    r.failed({ id: 'c', status: 429, code: 'GW_RATE_LIMITED', message: 'slow down', latencyMs: 1, usageStatus: 'error' });
    expect(out[0]).toMatchObject({ error: 'slow down', attributes: { 'error.type': 'GW_RATE_LIMITED', 'http.response.status_code': 429 } });
  });
});

function fakeHttp(answer: (body: string) => number | Error): HttpClient & { bodies: string[]; inits: OutboundInit[] } {
  const bodies: string[] = [];
  const inits: OutboundInit[] = [];
  return {
    bodies, inits,
    async fetch(_url, init) {
      inits.push(init!);
      const a = answer(String(init?.body));
      if (a instanceof Error) throw a;
      if (a < 300) bodies.push(String(init?.body));
      return new Response('{}', { status: a });
    },
  };
}
const span = (i: number): FinishedSpan => ({ traceId: 'a'.repeat(32), spanId: i.toString(16).padStart(16, '0'), name: `s${i}`, kind: 2, startMs: 1, endMs: 2, attributes: {} });
const spanNames = (body: string) => JSON.parse(body).resourceSpans[0].scopeSpans[0].spans.map((s: { name: string }) => s.name);

describe('OTLP exporter', () => {
  test('full batches go at once, the rest on flush; headers and the private-network flag are passed', async () => {
    const http = fakeHttp(() => 200);
    const ex = new OtlpExporter({
      url: 'http://127.0.0.1:4318/v1/traces', headers: { authorization: 'Basic abc' }, http, allowPrivateNetwork: true,
      resource: { serviceName: 's', version: '1' }, log: silent, intervalMs: 60_000, maxBatch: 2, maxQueue: 10,
    });
    for (let i = 0; i < 5; i++) ex.add(span(i));
    await ex.close();
    expect(http.bodies.map(spanNames)).toEqual([['s0', 's1'], ['s2', 's3'], ['s4']]);
    expect(http.inits[0]).toMatchObject({ method: 'POST', allowPrivateNetwork: true, headers: { authorization: 'Basic abc', 'content-type': 'application/json' } });
    expect(ex.stats).toMatchObject({ sentBatches: 3, sentSpans: 5, dropped: 0 });
  });

  test('a collector that fails: spans kept and retried after a backoff; the queue is capped, oldest dropped', async () => {
    let status = 503;
    let now = 0;
    const http = fakeHttp(() => status);
    const ex = new OtlpExporter({
      url: 'http://c/v1/traces', headers: {}, http, allowPrivateNetwork: false, resource: { serviceName: 's', version: '1' },
      log: silent, intervalMs: 60_000, maxBatch: 10, maxQueue: 4, now: () => now,
    });
    for (let i = 0; i < 3; i++) ex.add(span(i));
    await ex.flush();
    expect(ex.stats.failures).toBe(1);
    expect(ex.pending()).toBe(3);
    for (let i = 3; i < 6; i++) ex.add(span(i));
    expect(ex.pending()).toBe(4);
    expect(ex.stats.dropped).toBe(2);
    await ex.flush(); // still inside the 1 s backoff: nothing is sent
    expect(http.inits).toHaveLength(1);
    now = 1000;
    status = 200;
    await ex.flush();
    expect(http.bodies.map(spanNames)).toEqual([['s2', 's3', 's4', 's5']]);
    await ex.close();
  });

  test('a batch the collector refuses for good (400, 413, 401) is dropped, not retried; 429 and 5xx are retried', async () => {
    const answers = [400, 200, 503, 200];
    let now = 0;
    const http = fakeHttp(() => answers.shift() ?? 200);
    const ex = new OtlpExporter({
      url: 'http://c/v1/traces', headers: {}, http, allowPrivateNetwork: false, resource: { serviceName: 's', version: '1' },
      log: silent, intervalMs: 60_000, maxBatch: 2, maxQueue: 100, now: () => now,
    });
    for (let i = 0; i < 4; i++) ex.add(span(i));
    await ex.flush();
    // The refused batch went away at once and did not hold up the next one.
    expect(http.bodies.map(spanNames)).toEqual([['s2', 's3']]);
    expect(ex.stats).toMatchObject({ dropped: 2, failures: 1, sentSpans: 2 });
    expect(ex.pending()).toBe(0);
    ex.add(span(4));
    await ex.flush(); // 503: kept for a retry
    expect(ex.pending()).toBe(1);
    now = 1000;
    await ex.flush();
    expect(http.bodies.map(spanNames)).toEqual([['s2', 's3'], ['s4']]);
    expect(ex.stats.dropped).toBe(2);
    await ex.close();
  });

  test('a network error is a failure like a bad status', async () => {
    const http = fakeHttp(() => new Error('connection refused'));
    const ex = new OtlpExporter({
      url: 'http://c/v1/traces', headers: {}, http, allowPrivateNetwork: false, resource: { serviceName: 's', version: '1' },
      log: silent, intervalMs: 60_000, maxBatch: 10, maxQueue: 10,
    });
    ex.add(span(1));
    await ex.flush();
    expect(ex.stats.failures).toBe(1);
    expect(ex.pending()).toBe(1);
    await ex.close(10);
  });
});
