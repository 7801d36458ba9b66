import { describe, expect, test } from 'bun:test';
import type { CallResult } from '../../../core/plugin/types.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { ReplyCapture } from './capture-call-result.ts';
import { IdempotencyStore } from './idempotency-store.ts';
import { replayCallResult } from './replay-call-result.ts';
import { requestFingerprint, stableJson } from './request-fingerprint.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

async function drain<T>(s: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of s) out.push(x);
  return out;
}

function partsStream(parts: StreamPart[]): ReadableStream<StreamPart> {
  return new ReadableStream({ start(c) { for (const p of parts) c.enqueue(p); c.close(); } });
}

describe('fingerprint', () => {
  test('key order does not matter; key, header, route and body do', () => {
    expect(stableJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } })).toBe('{"a":{"c":[3,{"e":0,"f":1}],"d":2},"b":1}');
    const base = requestFingerprint('key_a', 'k1', 'POST', '/v1/chat/completions', { a: 1, b: 2 });
    expect(requestFingerprint('key_a', 'k1', 'POST', '/v1/chat/completions', { b: 2, a: 1 })).toBe(base);
    expect(requestFingerprint('key_b', 'k1', 'POST', '/v1/chat/completions', { a: 1, b: 2 })).not.toBe(base);
    expect(requestFingerprint('key_a', 'k2', 'POST', '/v1/chat/completions', { a: 1, b: 2 })).not.toBe(base);
    expect(requestFingerprint('key_a', 'k1', 'POST', '/v1/messages', { a: 1, b: 2 })).not.toBe(base);
    expect(requestFingerprint('key_a', 'k1', 'POST', '/v1/chat/completions', { a: 1, b: 3 })).not.toBe(base);
  });
});

describe('store', () => {
  test('leader, waiters, replay within the ttl, then expiry', async () => {
    const s = new IdempotencyStore({ maxEntries: 10, maxBytes: 1000 });
    expect(s.claim('fp', 'r1', 0).role).toBe('leader');
    const w = s.claim('fp', 'r2', 1);
    expect(w.role).toBe('wait');
    s.startCapture('r1')!.wrap({ type: 'result', result: { id: 'x', n: 1 } });
    let woke = false;
    if (w.role === 'wait') void w.done.then(() => (woke = true));
    s.finish('r1', true, 10, 100);
    await Bun.sleep(0);
    expect(woke).toBe(true);
    const r = s.claim('fp', 'r2', 20);
    expect(r.role === 'replay' && r.reply).toEqual({ kind: 'result', result: { id: 'x', n: 1 } });
    expect(s.claim('fp', 'r3', 2000).role).toBe('leader');
  });

  test('a failed leader leaves nothing; a full store bypasses', () => {
    const s = new IdempotencyStore({ maxEntries: 1, maxBytes: 1000 });
    expect(s.claim('a', 'r1', 0).role).toBe('leader');
    expect(s.claim('b', 'r2', 0).role).toBe('bypass');
    s.startCapture('r1')!.wrap({ type: 'result', result: {} });
    s.finish('r1', false, 1, 100);
    expect(s.size).toBe(0);
    expect(s.claim('a', 'r3', 2).role).toBe('leader');
    s.finish('r3', true, 3, 100); // ended well, but nothing was recorded (short-circuited later)
    expect(s.size).toBe(0);
  });
});

describe('capture and replay', () => {
  test('normalized stream: recorded on the way, replayed as fresh parts', async () => {
    const cap = new ReplyCapture(10_000);
    const parts: StreamPart[] = [{ type: 'start', id: 'a', model: 'm' }, { type: 'text-delta', text: 'hi' }, { type: 'finish', reason: 'stop' }];
    const wrapped = cap.wrap({ type: 'stream', parts: partsStream(parts) }) as Extract<CallResult, { type: 'stream' }>;
    expect(cap.reply()).toBeUndefined();
    expect(await drain(wrapped.parts)).toEqual(parts);
    const stored = cap.reply()!;
    const replay = replayCallResult(stored) as Extract<CallResult, { type: 'stream' }>;
    expect(await drain(replay.parts)).toEqual(parts);
  });

  test('a stream with an error part, or too large, is not kept', async () => {
    const bad = new ReplyCapture(10_000);
    const w = bad.wrap({ type: 'stream', parts: partsStream([{ type: 'text-delta', text: 'x' }, { type: 'error', error: new Error('x') as never }]) });
    await drain((w as Extract<CallResult, { type: 'stream' }>).parts);
    expect(bad.reply()).toBeUndefined();
    const big = new ReplyCapture(10);
    big.wrap({ type: 'result', result: { text: 'much longer than ten bytes' } });
    expect(big.reply()).toBeUndefined();
  });

  test('passthrough bytes: streamed replies replay as a stream with the parsed parts', async () => {
    const cap = new ReplyCapture(10_000);
    const body = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(enc.encode('data: b\n\n')); c.enqueue(enc.encode('data: [DONE]\n\n')); c.close(); } });
    const seen: string[] = [];
    const res: CallResult = {
      type: 'passthrough', status: 200, headers: new Headers({ 'content-type': 'text/event-stream' }),
      parser: { push: (c) => (seen.push(dec.decode(c)), [{ type: 'usage', usage: { inputTokens: 1, outputTokens: 2 } }]), end: () => [] },
      prelude: [enc.encode('data: a\n\n')], reader: body.getReader(), parts: [{ type: 'text-delta', text: 'a' }],
    };
    const w = cap.wrap(res) as Extract<CallResult, { type: 'passthrough' }>;
    const bytes: string[] = [];
    for (;;) {
      const r = await w.reader!.read();
      if (r.done) break;
      w.parser.push(r.value);
      bytes.push(dec.decode(r.value));
    }
    w.parser.end();
    expect(seen.length).toBe(2);
    const replay = replayCallResult(cap.reply()!) as Extract<CallResult, { type: 'passthrough' }>;
    expect(replay.headers.get('content-type')).toBe('text/event-stream');
    expect(replay.parts.map((p) => p.type)).toEqual(['text-delta', 'usage', 'usage']);
    const again = (await drain(new ReadableStream({ pull: async (c) => { const r = await replay.reader!.read(); if (r.done) c.close(); else c.enqueue(r.value); } }))).map((c) => dec.decode(c as Uint8Array));
    expect(again.join('')).toBe('data: a\n\n' + bytes.join(''));
    expect(replay.parser.push(enc.encode('x'))).toEqual([]);
  });

  test('a complete passthrough reply replays as one body', () => {
    const cap = new ReplyCapture(10_000);
    cap.wrap({ type: 'passthrough', status: 200, headers: new Headers(), parser: { push: () => [], end: () => [] }, prelude: [enc.encode('{"a":'), enc.encode('1}')], parts: [] });
    const replay = replayCallResult(cap.reply()!) as Extract<CallResult, { type: 'passthrough' }>;
    expect(replay.reader).toBeUndefined();
    expect(dec.decode(replay.prelude[0])).toBe('{"a":1}');
  });
});
