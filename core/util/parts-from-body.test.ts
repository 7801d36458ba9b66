import { expect, test } from 'bun:test';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { StreamParser } from '../plugin/types.ts';
import type { StreamPart } from '../types/hub.ts';
import { partsFromBody } from './parts-from-body.ts';

function body(chunks: string[], then: 'end' | 'reset' = 'end') {
  const state = { cancelled: false };
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (i < chunks.length) ctl.enqueue(new TextEncoder().encode(chunks[i++]!));
      else if (then === 'reset') ctl.error(new Error('ECONNRESET'));
      else ctl.close();
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

/** A text part per chunk; throws on a chunk that says "bad". */
const parser: StreamParser = {
  push: (b) => {
    const text = new TextDecoder().decode(b);
    if (text === 'bad') throw new TypeError("undefined is not an object (evaluating 'json.candidates[0]')");
    return [{ type: 'text-delta', text }];
  },
  end: () => [{ type: 'finish', reason: 'stop' }],
};

async function all(stream: ReadableStream<StreamPart>): Promise<string[]> {
  const out: string[] = [];
  for await (const p of stream) out.push(p.type === 'error' ? `${(p.error as GatewayError).code}: ${p.error.message}` : p.type === 'text-delta' ? p.text : p.type);
  return out;
}

test('a parser that throws on what arrived: one retryable 502 part naming the upstream, and the body is cancelled', async () => {
  const b = body(['Hi', 'bad', 'never']);
  const parts = partsFromBody(b.stream, parser, 'Gemini upstream');
  expect(await all(parts)).toEqual([
    'Hi',
    "GW_UPSTREAM_PROTOCOL: The Gemini upstream sent a reply the gateway cannot read (undefined is not an object (evaluating 'json.candidates[0]')).",
  ]);
  expect(b.state.cancelled).toBe(true);
});

test('a read that fails is a broken connection, not an unreadable reply', async () => {
  const parts = partsFromBody(body(['Hi'], 'reset').stream, parser, 'Gemini upstream');
  expect(await all(parts)).toEqual(['Hi', 'GW_UPSTREAM_CONNECT: The connection to the Gemini upstream broke mid-stream.']);
});

test('a clean end gives the parser\'s last parts', async () => {
  expect(await all(partsFromBody(body(['a', 'b']).stream, parser))).toEqual(['a', 'b', 'finish']);
});
