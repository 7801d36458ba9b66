import { afterEach, describe, expect, spyOn, test } from 'bun:test';
import type { CallResult } from '../plugin/types.ts';
import { passthroughBody } from './client-stream.ts';
import { DirectWriter } from './direct-writer.ts';

const enc = new TextEncoder();
const FRAMES = ['data: {"choices":[{"delta":{"content":"hi"}}]}\n\n', 'data: {"choices":[{"delta":{"content":"!"}}]}\n\n', 'data: [DONE]\n\n'];

/** A passthrough reply whose first chunk was read before the commit point, as the pipeline makes it. */
async function reply(upstream: ReadableStream<Uint8Array>): Promise<Extract<CallResult, { type: 'passthrough' }>> {
  const reader = upstream.getReader();
  const first = await reader.read();
  return {
    type: 'passthrough', status: 200, headers: new Headers(), prelude: [first.value!], parts: [], reader,
    parser: { push: () => [], end: () => [] },
  };
}

function body(r: Extract<CallResult, { type: 'passthrough' }>, ends: string[]): ReadableStream<Uint8Array> {
  return passthroughBody(r, { onPart: () => {}, onEnd: () => {} }, (e) => `data: ${e.message}\n\n`, (kind) => void ends.push(kind));
}

describe('passthroughBody', () => {
  test('an SSE event longer than the event cap is not held whole: what arrived leaves, memory stays bounded', async () => {
    const mb = new Uint8Array(1024 * 1024).fill(0x78);
    let sentMb = 0;
    const upstream = new ReadableStream<Uint8Array>({
      pull(c) {
        // One endless event: no blank line ever comes (a hostile or broken upstream).
        if (sentMb < 40) c.enqueue(sentMb++ === 0 ? new Uint8Array([...enc.encode('data: '), ...mb]) : mb);
      },
    });
    const r = await reply(upstream);
    const ends: string[] = [];
    const reader = passthroughBody(r, { onPart: () => {}, onEnd: () => {} }, (e) => `data: ${e.message}\n\n`, (kind) => void ends.push(kind), undefined, true).getReader();
    let got = 0;
    const readSome = (async () => {
      while (got <= 32 * 1024 * 1024) {
        const { value, done } = await reader.read();
        if (done) break;
        got += value.length;
      }
    })();
    await Promise.race([readSome, Bun.sleep(5000)]);
    expect(got).toBeGreaterThan(32 * 1024 * 1024);
    await reader.cancel();
  }, 15_000);

  const spies: Array<{ mockRestore(): void }> = [];
  afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()));

  test('a reply that has all arrived is written in one go, its end included: no flush in between', async () => {
    const upstream = new ReadableStream<Uint8Array>({
      start(c) {
        for (const f of FRAMES) c.enqueue(enc.encode(f));
        c.close();
      },
    });
    const r = await reply(upstream);
    const flush = spyOn(DirectWriter.prototype, 'flush');
    spies.push(flush);
    const ends: string[] = [];
    expect(await new Response(body(r, ends)).text()).toBe(FRAMES.join(''));
    expect(flush).not.toHaveBeenCalled();
    expect(ends).toEqual(['done']);
  });

  test('what was written is sent before a read that has to wait (the first token is not held back)', async () => {
    let more!: ReadableStreamDefaultController<Uint8Array>;
    const upstream = new ReadableStream<Uint8Array>({
      start(c) {
        more = c;
        c.enqueue(enc.encode(FRAMES[0]!));
      },
    });
    const r = await reply(upstream);
    const flush = spyOn(DirectWriter.prototype, 'flush');
    spies.push(flush);
    const ends: string[] = [];
    const reading = new Response(body(r, ends)).text();
    await Bun.sleep(5);
    expect(flush).toHaveBeenCalledTimes(1); // the prelude, sent while the upstream is silent
    more.enqueue(enc.encode(FRAMES[1]!));
    more.enqueue(enc.encode(FRAMES[2]!));
    more.close();
    expect(await reading).toBe(FRAMES.join(''));
    expect(ends).toEqual(['done']);
  });
});
