/**
 * The pipeline drives a translator's part encoder (`createStreamEncoder`) in one stream layer
 * (`encodedBody`) instead of `trackParts` → `encodeStream` → `finishBody`. Both must give the
 * client the same bytes, and the tracker the same parts and end, for every way a stream can
 * go. `describeEncoderEquivalence` runs the cases for one translator's pair.
 */
import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../core/errors/gateway-error.ts';
import { awaitPartsCommit } from '../../core/pipeline/await-commit.ts';
import { finishBody, trackParts, type StreamTracker } from '../../core/pipeline/client-stream.ts';
import { encodedBody } from '../../core/pipeline/encoded-body.ts';
import type { StreamEncoder } from '../../core/plugin/types.ts';
import type { StreamPart } from '../../core/types/hub.ts';

export interface EncoderPair {
  /** The translator's `encodeStream`. */
  chain(parts: ReadableStream<StreamPart>): ReadableStream<Uint8Array>;
  /** The translator's `createStreamEncoder`. */
  encoder(): StreamEncoder;
  /** Rewrites what differs between two runs for reasons other than the lane (random ids, times). */
  normalize?(text: string): string;
}

const usage = { inputTokens: 3, outputTokens: 2 };
const boom = () => new GatewayError('GW_UPSTREAM_ERROR', 'upstream said sk-secretsecret123 is bad', { retryable: true });
const safe = (e: GatewayError) => new GatewayError(e.code, e.message.replace(/sk-\w+/, 'sk-***'));

/** A source of parts that may fail after them, or stay open; records whether it was cancelled. */
function source(parts: StreamPart[], after: 'close' | 'fail' | 'stay open' = 'close') {
  const state = { cancelled: false, read: 0 };
  const stream = new ReadableStream<StreamPart>({
    pull(ctl) {
      if (state.read < parts.length) ctl.enqueue(parts[state.read++]!);
      else if (after === 'fail') ctl.error(new Error('socket reset'));
      else if (after === 'stay open') return new Promise(() => {}); // the upstream is still thinking
      else ctl.close();
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

function tracker() {
  const seen: string[] = [];
  const ends: string[] = [];
  const t: StreamTracker = { onPart: (p) => void seen.push(p.type === 'error' ? `error:${p.error.message}` : p.type), onEnd: (k) => void ends.push(k) };
  return { t, seen, ends };
}

const start: StreamPart = { type: 'start', id: 'up-1', model: 'up-model' };
const CASES: Record<string, { parts: StreamPart[]; failAfter?: boolean }> = {
  'text then finish': { parts: [start, { type: 'text-delta', text: 'Hel' }, { type: 'text-delta', text: 'lo' }, { type: 'finish', reason: 'stop', usage }] },
  'tool call': {
    parts: [start, { type: 'tool-call-start', id: 'c1', name: 'f', index: 0 }, { type: 'tool-call-delta', id: 'c1', index: 0, argumentsDelta: '{"a":1}' },
      { type: 'tool-call-end', id: 'c1', index: 0 }, { type: 'finish', reason: 'tool-calls' }, { type: 'usage', usage }],
  },
  'parts after the finish': { parts: [start, { type: 'text-delta', text: 'a' }, { type: 'finish', reason: 'stop' }, { type: 'usage', usage }, { type: 'text-delta', text: 'late' }] },
  'error part before finish': { parts: [start, { type: 'text-delta', text: 'a' }, { type: 'error', error: boom() }, { type: 'text-delta', text: 'never' }] },
  'error part after finish': { parts: [start, { type: 'text-delta', text: 'a' }, { type: 'finish', reason: 'stop' }, { type: 'error', error: boom() }, { type: 'text-delta', text: 'x' }] },
  'source ends without finish': { parts: [start, { type: 'text-delta', text: 'a' }] },
  'read failure mid-stream': { parts: [start, { type: 'text-delta', text: 'a' }], failAfter: true },
  'read failure after finish': { parts: [start, { type: 'text-delta', text: 'a' }, { type: 'finish', reason: 'stop' }], failAfter: true },
  'empty deltas only, then finish': { parts: [start, { type: 'text-delta', text: '' }, { type: 'reasoning-delta', text: 'r' }, { type: 'finish', reason: 'length' }] },
};

export function describeEncoderEquivalence(name: string, pair: EncoderPair): void {
  const normalize = pair.normalize ?? ((t: string) => t);

  async function run(lane: 'chain' | 'encoder', parts: StreamPart[], failAfter: boolean, commit: boolean) {
    const src = source(parts, failAfter ? 'fail' : 'close');
    const tr = tracker();
    const input = commit ? await awaitPartsCommit(src.stream) : src.stream;
    const body = lane === 'chain'
      ? finishBody(pair.chain(trackParts(input, tr.t, safe)), (k) => tr.t.onEnd(k))
      : encodedBody(input, tr.t, safe, pair.encoder(), (k) => tr.t.onEnd(k));
    const text = normalize(await new Response(body).text());
    await Bun.sleep(1); // what is read after the reply ended (a drained source) is read by now
    return { text, seen: tr.seen, ends: tr.ends, cancelled: src.state.cancelled, read: src.state.read };
  }

  describe(`${name}: encodedBody = trackParts → encodeStream → finishBody`, () => {
    for (const [caseName, c] of Object.entries(CASES)) {
      for (const commit of [false, true]) {
        test(`${caseName}${commit ? ' (after the commit point)' : ''}`, async () => {
          const a = await run('chain', c.parts, c.failAfter ?? false, commit);
          const b = await run('encoder', c.parts, c.failAfter ?? false, commit);
          expect(b.text).toBe(a.text);
          expect(b.seen).toEqual(a.seen);
          expect(b.ends).toEqual(a.ends);
          expect(b.cancelled).toBe(a.cancelled);
          expect(b.read).toBe(a.read);
          expect(b.text).not.toContain('sk-secretsecret123');
        });
      }
    }

    test('a client that leaves cancels the source and ends once with cancel', async () => {
      const src = source([start, { type: 'text-delta', text: 'a' }, { type: 'text-delta', text: 'b' }], 'stay open');
      const tr = tracker();
      const body = encodedBody(await awaitPartsCommit(src.stream), tr.t, safe, pair.encoder(), (k) => tr.t.onEnd(k));
      const reader = body.getReader();
      await reader.read();
      await reader.cancel('gone');
      expect(src.state.cancelled).toBe(true);
      expect(tr.ends).toEqual(['cancel']);
    });
  });
}
