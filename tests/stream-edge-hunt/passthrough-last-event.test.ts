/**
 * An upstream whose stream ends right after its last event's data line (one line end, or none:
 * the blank line that ends an SSE event never comes). The gateway's parser takes that event
 * (the finish, the usage: the request is billed as complete), and the translated lanes send it
 * properly framed. On the passthrough lane it must leave with its blank line too: the official
 * SDKs drop an event that the stream ends in (`@anthropic-ai/sdk` then has no `message_stop`
 * and throws, `@google/genai` throws "Incomplete JSON segment at the end").
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { ask, DIALECTS, FORMATS, MODEL, NATIVE, rawStream, startEdgeGateway, upstreamStream, type EdgeGateway, type Format } from './edge-kit.ts';

let g: EdgeGateway;
beforeAll(async () => {
  g = await startEdgeGateway();
});
afterAll(async () => {
  await g?.stop();
});

const FINISH = { 'openai-chat': 'length', 'anthropic-messages': 'max_tokens', 'openai-responses': 'incomplete', gemini: 'MAX_TOKENS' } as const;

/** The stream of `format` (cut at max tokens), ending after its last data line with `tail` (no blank line). */
function cutShort(format: Format, tail: 'line end' | 'nothing'): { stream: string; missing: string } {
  let s = upstreamStream(format, { text: ['Hello ', 'there'], finish: 'length', usage: { input: 30, output: 4 } });
  // OpenAI Chat: the usage chunk is the last event, as servers that send no [DONE] end.
  if (format === 'chat') s = s.slice(0, -'data: [DONE]\n\n'.length);
  const eol = format === 'gemini' ? '\r\n' : '\n';
  const stream = s.slice(0, -eol.length * 2) + (tail === 'line end' ? eol : '');
  // A line end is followed by one LF (a blank line after CRLF too), no line end by two.
  return { stream, missing: tail === 'line end' ? '\n' : '\n\n' };
}

for (const tail of ['line end', 'nothing'] as const) {
  for (const format of FORMATS) {
    test(`${NATIVE[format]} ← ${format} (passthrough), the stream ends after its last data line and ${tail}: the SDK gets the finish`, async () => {
      const { stream, missing } = cutShort(format, tail);
      g.next({ steps: [stream] });
      const seen = await ask(g, NATIVE[format], MODEL[format]);
      expect(seen.text).toBe('Hello there');
      expect(seen.finish).toBe(FINISH[NATIVE[format]]);
      expect(seen.usage).toMatchObject({ input: 30, output: 4 });
      // The upstream's bytes, and only the line ends that complete its last event.
      g.next({ steps: [stream] });
      const raw = Buffer.from(await rawStream(g, NATIVE[format], MODEL[format])).toString();
      expect(raw).toBe(stream + missing);
    });
  }

  for (const format of FORMATS) {
    for (const d of DIALECTS.filter((x) => x !== NATIVE[format])) {
      test(`${d} ← ${format} (translated), the stream ends after its last data line and ${tail}: the SDK gets the finish`, async () => {
        g.next({ steps: [cutShort(format, tail).stream] });
        const seen = await ask(g, d, MODEL[format]);
        expect(seen.text).toBe('Hello there');
        expect(seen.finish).toBe(FINISH[d]);
      });
    }
  }
}
