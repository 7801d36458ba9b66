import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../errors/gateway-error.ts';
import type { CallResult } from '../plugin/types.ts';
import type { ChatResult, StreamPart } from '../types/hub.ts';
import { partSize, ReplyCapture } from './reply-capture.ts';

const result: ChatResult = { id: 'r1', model: 'm', content: [{ type: 'text', text: 'hello' }], finishReason: 'stop' };
const parts: StreamPart[] = [
  { type: 'start', id: 'r1', model: 'm' },
  { type: 'text-delta', text: 'hel' },
  { type: 'text-delta', text: 'lo' },
  { type: 'finish', reason: 'stop' },
];

async function drain(res: CallResult): Promise<void> {
  if (res.type !== 'stream') throw new Error('not a stream');
  const reader = res.parts.getReader();
  while (!(await reader.read()).done) { /* read it all */ }
}

/** A passthrough result whose side parser yields `byChunk[i]` for the i-th chunk pushed. */
function passthrough(byChunk: StreamPart[][], atEnd: StreamPart[] = []): CallResult & { type: 'passthrough' } {
  let i = 0;
  return {
    type: 'passthrough', status: 200, headers: new Headers(), prelude: [], parts: [],
    reader: new ReadableStream<Uint8Array>().getReader(),
    parser: { push: () => byChunk[i++] ?? [], end: () => atEnd },
  };
}

describe('ReplyCapture', () => {
  test('a complete result is kept as a copy', () => {
    const c = new ReplyCapture(1e6);
    const res = { type: 'result' as const, result: structuredClone(result) };
    expect(c.wrap(res)).toBe(res);
    (res.result as ChatResult).content.length = 0; // later changes by others do not reach the copy
    expect(c.reply()).toEqual(result);
  });

  test('a normalized stream is recorded as the client reads it, then assembled', async () => {
    const c = new ReplyCapture(1e6);
    const wrapped = c.wrap({ type: 'stream', parts: new ReadableStream({ start: (ctl) => { for (const p of parts) ctl.enqueue(p); ctl.close(); } }) });
    expect(c.reply()).toBeUndefined(); // nothing finished yet
    await drain(wrapped);
    expect(c.reply()).toEqual(result);
  });

  test('the passthrough lane: the side parser\'s parts are recorded, the bytes are not', () => {
    const c = new ReplyCapture(1e6);
    const res = c.wrap(passthrough([parts.slice(0, 2), parts.slice(2)]));
    if (res.type !== 'passthrough') throw new Error('lane changed');
    expect(res.parser.push(new Uint8Array(1))).toEqual(parts.slice(0, 2));
    res.parser.push(new Uint8Array(1));
    res.parser.end();
    expect(c.reply()).toEqual(result);
  });

  test('an error part, or a reply past the cap, keeps nothing', async () => {
    const failing = new ReplyCapture(1e6);
    await drain(failing.wrap({ type: 'stream', parts: new ReadableStream({ start: (ctl) => {
      ctl.enqueue(parts[0]);
      ctl.enqueue({ type: 'error', error: new GatewayError('GW_UPSTREAM_ERROR', 'x') });
      ctl.close();
    } }) }));
    expect(failing.reply()).toBeUndefined();

    const small = new ReplyCapture(100);
    const res = small.wrap(passthrough([[parts[0]!, { type: 'text-delta', text: 'x'.repeat(200) }, parts[3]!]]));
    if (res.type === 'passthrough') res.parser.push(new Uint8Array(1));
    expect(small.reply()).toBeUndefined();
  });

  test('provider metadata on the finish part counts toward the cap (a Responses upstream\'s output rides there)', () => {
    const meta = { 'openai-responses': { output: [{ type: 'message', content: [{ type: 'output_text', text: 'y'.repeat(500) }] }] } };
    expect(partSize({ type: 'finish', reason: 'stop' })).toBe(64);
    expect(partSize({ type: 'finish', reason: 'stop', providerMetadata: meta })).toBeGreaterThan(500);
    const c = new ReplyCapture(300);
    const res = c.wrap(passthrough([[parts[0]!, parts[1]!, { type: 'finish', reason: 'stop', providerMetadata: meta }]]));
    if (res.type === 'passthrough') res.parser.push(new Uint8Array(1));
    expect(c.reply()).toBeUndefined();
  });
});
