import { describe, expect, test } from 'bun:test';
import { Bus } from '../../../bus/bus.ts';
import { createRequestTraces } from './request-traces.ts';

function emitRequest(bus: Bus, id: string, fail = false) {
  bus.emit('request:received', { id, dialect: 'openai-chat', model: 'combo', stream: false, operation: 'chat' });
  bus.emit('request:routed', { id, plan: { targets: [{ provider: 'a', model: 'm' }, { provider: 'b', model: 'm' }], strategy: 'fill-first' } });
  bus.emit('attempt:started', { id, provider: 'a', model: 'm', n: 1, account: 'k1' });
  bus.emit('attempt:failed', { id, provider: 'a', model: 'm', n: 1, status: 500, code: 'GW_UPSTREAM_ERROR', error: 'boom', retryable: true });
  bus.emit('attempt:started', { id, provider: 'b', model: 'm', n: 2 });
  if (fail) bus.emit('attempt:failed', { id, provider: 'b', model: 'm', n: 2, status: 502, code: 'GW_UPSTREAM_CONNECT', error: 'down', retryable: true });
  else bus.emit('attempt:succeeded', { id, provider: 'b', model: 'm', n: 2, latencyMs: 12.4 });
}

describe('request traces', () => {
  test('route, attempts and events of one request, in order', () => {
    const bus = new Bus();
    let t = 1000;
    const traces = createRequestTraces(bus, { now: () => t++ });
    emitRequest(bus, 'r1');
    bus.emit('plugin:loaded', { name: 'x', kind: 'guard', source: 's', generation: 1 }); // no id: not traced
    const trace = traces.get('r1')!;
    expect(trace.id).toBe('r1');
    expect(trace.startedAt).toBe(1000);
    expect(trace.route).toEqual({ targets: [{ provider: 'a', model: 'm' }, { provider: 'b', model: 'm' }], strategy: 'fill-first' });
    expect(trace.attempts).toEqual([
      { n: 1, provider: 'a', account: 'k1', model: 'm', startedAt: 1002, outcome: 'failed', status: 500, code: 'GW_UPSTREAM_ERROR', error: 'boom', latencyMs: 1 },
      { n: 2, provider: 'b', account: null, model: 'm', startedAt: 1004, outcome: 'succeeded', status: 200, code: null, error: null, latencyMs: 12 },
    ]);
    expect(trace.events.map((e) => [e.type, e.at])).toEqual([
      ['request:received', 1000], ['request:routed', 1001], ['attempt:started', 1002], ['attempt:failed', 1003],
      ['attempt:started', 1004], ['attempt:succeeded', 1005],
    ]);
    expect((trace.events[3]!.data as { error: string }).error).toBe('boom');
    expect(traces.get('nope')).toBeUndefined();
  });

  test('interleaved requests keep their own events', () => {
    const bus = new Bus();
    const traces = createRequestTraces(bus);
    bus.emit('request:received', { id: 'a', dialect: 'd', model: 'm', stream: true, operation: 'chat' });
    bus.emit('request:received', { id: 'b', dialect: 'd', model: 'm', stream: true, operation: 'chat' });
    bus.emit('stream:first-part', { id: 'a', ttftMs: 3 });
    bus.emit('stream:first-part', { id: 'b', ttftMs: 4 });
    bus.emit('stream:first-part', { id: 'a', ttftMs: 5 });
    expect(traces.get('a')!.events.map((e) => e.type)).toEqual(['request:received', 'stream:first-part', 'stream:first-part']);
    expect(traces.get('b')!.events.map((e) => (e.data as { ttftMs?: number }).ttftMs)).toEqual([undefined, 4]);
  });

  test('only the last `capacity` requests are kept; a reused slot starts empty', () => {
    const bus = new Bus();
    const traces = createRequestTraces(bus, { capacity: 3 });
    for (let i = 0; i < 5; i++) emitRequest(bus, `r${i}`, i % 2 === 1);
    expect(traces.get('r0')).toBeUndefined();
    expect(traces.get('r1')).toBeUndefined();
    for (const id of ['r2', 'r3', 'r4']) {
      const trace = traces.get(id)!;
      expect(trace.events.length).toBe(6);
      expect(trace.events.every((e) => (e.data as { id: string }).id === id)).toBe(true);
      expect(trace.attempts.map((a) => a.outcome)).toEqual(['failed', id === 'r3' ? 'failed' : 'succeeded']);
    }
  });

  test('past maxEvents nothing more is listed, but route and attempts still follow', () => {
    const bus = new Bus();
    const traces = createRequestTraces(bus, { maxEvents: 2 });
    emitRequest(bus, 'r');
    const trace = traces.get('r')!;
    expect(trace.events.map((e) => e.type)).toEqual(['request:received', 'request:routed']);
    expect(trace.attempts.map((a) => `${a.n}:${a.outcome}`)).toEqual(['1:failed', '2:succeeded']);
  });

  test('close removes the listener', () => {
    const bus = new Bus();
    const traces = createRequestTraces(bus);
    traces.close();
    emitRequest(bus, 'r');
    expect(traces.get('r')).toBeUndefined();
  });
});
