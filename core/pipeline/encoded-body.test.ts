import { describe, expect, test } from 'bun:test';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { StreamEncoder } from '../plugin/capability-types.ts';
import type { StreamPart } from '../types/hub.ts';
import type { StreamTracker } from './client-stream.ts';
import { encodedBody } from './encoded-body.ts';

/** A line per part, `error: <message>` for an error part, `end` at the end. */
function lineEncoder(opts: { throwOn?: string[] } = {}): StreamEncoder {
  let closed = false;
  return {
    push(p) {
      if (opts.throwOn?.includes(p.type)) throw new TypeError(`encoder broke on ${p.type}`);
      if (p.type === 'error') {
        closed = true;
        return `error: ${p.error.message}\n`;
      }
      return `${p.type}\n`;
    },
    end() {
      closed = true;
      return 'end\n';
    },
    fail: (e: GatewayError) => `error: ${e.message}\n`,
    get closed() {
      return closed;
    },
  };
}

function source(parts: unknown[]) {
  const state = { cancelled: false };
  let i = 0;
  const stream = new ReadableStream<StreamPart>({
    pull(ctl) {
      if (i < parts.length) ctl.enqueue(parts[i++] as StreamPart);
      else return new Promise(() => {}); // the upstream would go on
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

const start = { type: 'start', id: 'r1', model: 'm' };
const text = { type: 'text-delta', text: 'Hi' };

async function run(parts: unknown[], tracker: StreamTracker, enc: StreamEncoder) {
  const src = source(parts);
  const ends: string[] = [];
  const body = encodedBody(src.stream, tracker, (e) => e, enc, (k) => void ends.push(k));
  const out = await new Response(body).text().then((t) => ({ text: t, reset: false }), (e: unknown) => ({ text: String(e), reset: true }));
  return { ...out, ends, cancelled: src.state.cancelled };
}

describe('encodedBody when something breaks after the commit point', () => {
  test('a part that breaks the hub contract ends the stream with one error event and cancels the upstream', async () => {
    const seen: string[] = [];
    const r = await run([start, text, { type: 'tool-call-start', id: 'c1', index: 0 }, text], { onPart: (p) => void seen.push(p.type), onEnd: () => {} }, lineEncoder());
    expect(r.text).toBe('start\ntext-delta\nerror: The upstream sent a reply the gateway cannot read: a tool call without a name.\n');
    expect(seen).toEqual(['start', 'text-delta', 'error']);
    expect(r.cancelled).toBe(true);
    expect(r.ends).toEqual(['done']);
  });

  test('a bug in the books (the tracker throws) still gives the client one error event, not a cut connection', async () => {
    const tracker: StreamTracker = {
      onPart: (p) => {
        if (p.type === 'text-delta') throw new TypeError("undefined is not an object (evaluating 'p.name.length')");
      },
      onEnd: () => {},
    };
    const r = await run([start, text], tracker, lineEncoder());
    expect(r.reset).toBe(false);
    expect(r.text).toBe('start\nerror: Internal gateway error.\n');
    expect(r.cancelled).toBe(true);
    expect(r.ends).toEqual(['error']);
  });

  test('an encoder that cannot write an error event either: the connection is cut, the books still end', async () => {
    const r = await run([start, text], { onPart: () => {}, onEnd: () => {} }, lineEncoder({ throwOn: ['text-delta', 'error'] }));
    expect(r.reset).toBe(true);
    expect(r.cancelled).toBe(true);
    expect(r.ends).toEqual(['error']);
  });
});
