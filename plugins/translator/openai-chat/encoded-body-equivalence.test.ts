/**
 * The pipeline drives this translator's part encoder in one stream layer (`encodedBody`)
 * instead of `trackParts` → `encodeStream` → `finishBody`. Both must give the client the same
 * bytes and the tracker the same parts and end, for every way a stream can go.
 */
import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { awaitPartsCommit } from '../../../core/pipeline/await-commit.ts';
import { finishBody, trackParts, type StreamTracker } from '../../../core/pipeline/client-stream.ts';
import { encodedBody } from '../../../core/pipeline/encoded-body.ts';
import type { StreamPart } from '../../../core/types/hub.ts';
import { createOpenAIChatChunkEncoder, encodeOpenAIChatStream } from './encode-openai-chat-stream.ts';

const OPTS = { id: 'chatcmpl-x', model: 'm', streamUsage: true, created: 1 };
const usage = { inputTokens: 3, outputTokens: 2 };
const boom = () => new GatewayError('GW_UPSTREAM_ERROR', 'upstream said sk-secretsecret123 is bad', { retryable: true });
const safe = (e: GatewayError) => new GatewayError(e.code, e.message.replace(/sk-\w+/, 'sk-***'));

/** A source of parts that may fail after them, or stay open; records whether it was cancelled. */
function source(parts: StreamPart[], after: 'close' | 'fail' | 'stay open' = 'close') {
  const state = { cancelled: false };
  let i = 0;
  const stream = new ReadableStream<StreamPart>({
    pull(ctl) {
      if (i < parts.length) ctl.enqueue(parts[i++]!);
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

async function viaChain(parts: StreamPart[], failAfter: boolean, commit: boolean) {
  const src = source(parts, failAfter ? 'fail' : 'close');
  const tr = tracker();
  const input = commit ? await awaitPartsCommit(src.stream) : src.stream;
  const body = finishBody(encodeOpenAIChatStream(trackParts(input, tr.t, safe), OPTS), (k) => tr.t.onEnd(k));
  const text = await new Response(body).text();
  return { text, seen: tr.seen, ends: tr.ends, cancelled: src.state.cancelled };
}

async function viaEncoder(parts: StreamPart[], failAfter: boolean, commit: boolean) {
  const src = source(parts, failAfter ? 'fail' : 'close');
  const tr = tracker();
  const input = commit ? await awaitPartsCommit(src.stream) : src.stream;
  const body = encodedBody(input, tr.t, safe, createOpenAIChatChunkEncoder(OPTS), (k) => tr.t.onEnd(k));
  const text = await new Response(body).text();
  return { text, seen: tr.seen, ends: tr.ends, cancelled: src.state.cancelled };
}

const start: StreamPart = { type: 'start', id: 'up-1', model: 'up-model' };
const CASES: Record<string, { parts: StreamPart[]; failAfter?: boolean }> = {
  'text then finish': { parts: [start, { type: 'text-delta', text: 'Hel' }, { type: 'text-delta', text: 'lo' }, { type: 'finish', reason: 'stop', usage }] },
  'tool call': {
    parts: [start, { type: 'tool-call-start', id: 'c1', name: 'f', index: 0 }, { type: 'tool-call-delta', id: 'c1', index: 0, argumentsDelta: '{"a":1}' },
      { type: 'tool-call-end', id: 'c1', index: 0 }, { type: 'finish', reason: 'tool-calls' }, { type: 'usage', usage }],
  },
  'error part before finish': { parts: [start, { type: 'text-delta', text: 'a' }, { type: 'error', error: boom() }, { type: 'text-delta', text: 'never' }] },
  'error part after finish': { parts: [start, { type: 'text-delta', text: 'a' }, { type: 'finish', reason: 'stop' }, { type: 'error', error: boom() }, { type: 'text-delta', text: 'x' }] },
  'source ends without finish': { parts: [start, { type: 'text-delta', text: 'a' }] },
  'read failure mid-stream': { parts: [start, { type: 'text-delta', text: 'a' }], failAfter: true },
  'empty deltas only, then finish': { parts: [start, { type: 'text-delta', text: '' }, { type: 'reasoning-delta', text: 'r' }, { type: 'finish', reason: 'length' }] },
};

describe('encodedBody = trackParts → encodeStream → finishBody', () => {
  for (const [name, c] of Object.entries(CASES)) {
    for (const commit of [false, true]) {
      test(`${name}${commit ? ' (after the commit point)' : ''}`, async () => {
        const a = await viaChain(c.parts, c.failAfter ?? false, commit);
        const b = await viaEncoder(c.parts, c.failAfter ?? false, commit);
        expect(b.text).toBe(a.text);
        expect(b.seen).toEqual(a.seen);
        expect(b.ends).toEqual(a.ends);
        expect(b.cancelled).toBe(a.cancelled);
        expect(b.text).not.toContain('sk-secretsecret123');
      });
    }
  }

  test('a client that leaves cancels the source and ends once with cancel', async () => {
    const src = source([start, { type: 'text-delta', text: 'a' }, { type: 'text-delta', text: 'b' }], 'stay open');
    const tr = tracker();
    const body = encodedBody(await awaitPartsCommit(src.stream), tr.t, safe, createOpenAIChatChunkEncoder(OPTS), (k) => tr.t.onEnd(k));
    const reader = body.getReader();
    await reader.read();
    await reader.cancel('gone');
    expect(src.state.cancelled).toBe(true);
    expect(tr.ends).toEqual(['cancel']);
  });
});
