/**
 * The count a dialect's stream parser gives for a failed read (`eventsBeforeError`) and the
 * passthrough lane's cut of that read (`failedReadEvents`) agree: what leaves is exactly the
 * read's events before the bad one, as sent, whatever the framing (LF, CRLF, CR, comments,
 * `[DONE]`, blank data), with a held event start, and for a stream cut short.
 */
import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../core/errors/gateway-error.ts';
import type { StreamParser } from '../../core/plugin/types.ts';
import type { StreamPart } from '../../core/types/hub.ts';
import { blankLineAfter, eventsBefore, failedReadEvents } from '../../core/pipeline/upstream-error-event.ts';
import { createAnthropicStreamParser } from '../../plugins/provider/anthropic/create-anthropic-stream-parser.ts';
import { createGeminiStreamParser } from '../../plugins/provider/gemini/create-gemini-stream-parser.ts';
import { createOpenAIChatStreamParser } from '../../plugins/provider/openai-compatible/map-openai-chat-stream-event.ts';
import { createResponsesStreamParser } from '../../plugins/provider/openai-responses/create-responses-stream-parser.ts';
import { anthropicOpening, BAD_ANTHROPIC, BAD_CHAT, BAD_RESPONSES, chatChunk, responsesDelta, responsesOpening } from './midstream-kit.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const none = (s: string) => s;

interface Dialect {
  name: string;
  parser(): StreamParser;
  opening: string;
  good(text: string): string;
  bad: string;
}

const geminiChunk = (text: string) => `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }] })}\r\n\r\n`;
const DIALECTS: Dialect[] = [
  { name: 'OpenAI Chat', parser: () => createOpenAIChatStreamParser(), opening: chatChunk('Working'), good: chatChunk, bad: BAD_CHAT },
  {
    name: 'Anthropic', parser: () => createAnthropicStreamParser(), opening: anthropicOpening('Working'),
    good: (text) => `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })}\n\n`,
    bad: BAD_ANTHROPIC,
  },
  { name: 'Responses', parser: () => createResponsesStreamParser(), opening: responsesOpening('Working'), good: (text) => responsesDelta(text, 5), bad: BAD_RESPONSES },
  { name: 'Gemini (SSE)', parser: () => createGeminiStreamParser({ model: 'gemini-2.5-pro' }), opening: geminiChunk('Working'), good: geminiChunk, bad: 'data: {"candidates":[\r\n\r\n' },
];

/** Pushes the opening, then `held` (no error expected), then `read`: the parts of the last push. */
function feed(p: StreamParser, d: Dialect, read: string, held = ''): ReturnType<StreamParser['push']> {
  expect(p.push(enc.encode(d.opening)).some((x) => x.type === 'error')).toBe(false);
  if (held) expect(p.push(enc.encode(held)).some((x) => x.type === 'error')).toBe(false);
  return p.push(enc.encode(read));
}

/** The error of the last part. */
function errorOf(parts: StreamPart[]): GatewayError {
  const last = parts.at(-1);
  if (last?.type !== 'error') throw new Error(`no error part: ${JSON.stringify(last)}`);
  return last.error;
}

/** A malformed frame's error, as the parsers make it (not the upstream's own). */
const MALFORMED = new GatewayError('GW_UPSTREAM_PROTOCOL', 'malformed', { retryable: true });

/** What the lane sends of a failed read (`held` carried from the read before). */
function sent(p: StreamParser, read: string, held = ''): string | undefined {
  const out = failedReadEvents(MALFORMED, p, enc.encode(read), held ? [enc.encode(held)] : [], none);
  return out ? dec.decode(out.bytes) : undefined;
}

for (const d of DIALECTS) {
  describe(`${d.name}: the events before a malformed one`, () => {
    test('in one read, a comment among them: exactly the bytes before the bad event', () => {
      const before = d.good(' on the parser') + ': keep-alive\n\n' + d.good(' and the tests.');
      const p = d.parser();
      const parts = feed(p, d, before + d.bad + d.good(' never'));
      expect(errorOf(parts).code).toBe('GW_UPSTREAM_PROTOCOL');
      expect(parts.filter((x) => x.type === 'text-delta').map((x) => (x as { text: string }).text).join('')).toBe(' on the parser and the tests.');
      expect(sent(p, before + d.bad + d.good(' never'))).toBe(before);
    });

    test('the bad event first in the read: nothing', () => {
      const p = d.parser();
      feed(p, d, d.bad + d.good(' never'));
      expect(sent(p, d.bad + d.good(' never'))).toBeUndefined();
    });

    test('an event begun in the read before (held): it leaves whole', () => {
      const second = d.good(' and the tests.');
      const held = second.slice(0, 25);
      const read = second.slice(25) + d.bad;
      const p = d.parser();
      feed(p, d, read, held);
      expect(sent(p, read, held)).toBe(second);
    });

    test('CRLF and CR line ends: the same cut', () => {
      for (const eol of ['\r\n', '\r']) {
        const frame = (s: string) => s.replace(/\r?\n/g, eol);
        const before = frame(d.good(' on the parser') + d.good(' and the tests.'));
        const p = d.parser();
        feed(p, d, before + frame(d.bad));
        expect(sent(p, before + frame(d.bad))).toBe(before);
      }
    });

    test('a stream cut after an event without its blank line: the parser read it, it leaves with one', () => {
      const last = d.good(' and the tests.').trimEnd();
      const p = d.parser();
      feed(p, d, last);
      const held = [enc.encode(last)];
      const out = failedReadEvents(errorOf(p.end()), p, blankLineAfter(held), held, none);
      expect(dec.decode(out!.bytes)).toBe(`${last}\n\n`);
    });

    test('a stream cut inside a malformed last event: nothing of it leaves', () => {
      const p = d.parser();
      feed(p, d, d.bad.trimEnd());
      const held = [enc.encode(d.bad.trimEnd())];
      expect(failedReadEvents(errorOf(p.end()), p, blankLineAfter(held), held, none)).toBeUndefined();
      expect(eventsBefore(1, blankLineAfter(held), held)).toBeDefined(); // the cut itself would take it: the count decides
    });
  });
}

describe('counting edge cases', () => {
  test('`data: [DONE]` before a malformed Responses event counts as an event (the parser skips it)', () => {
    const before = responsesDelta(' on it', 5) + 'data: [DONE]\n\n';
    const d = DIALECTS[2]!;
    const p = d.parser();
    feed(p, d, before + BAD_RESPONSES);
    expect(sent(p, before + BAD_RESPONSES)).toBe(before);
  });

  test('a blank Gemini data event counts as an event (the parser skips it)', () => {
    const before = geminiChunk(' on it') + 'data: \r\n\r\n' + geminiChunk(' and on');
    const d = DIALECTS[3]!;
    const p = d.parser();
    feed(p, d, before + d.bad);
    expect(sent(p, before + d.bad)).toBe(before);
  });

  test('an event ended by a blank line the byte scan does not see (LF CR LF): fewer events leave, never the bad one', () => {
    const first = chatChunk(' on the parser');
    const odd = chatChunk(' and the tests.').replace(/\n\n$/, '\n\r\n');
    const p = createOpenAIChatStreamParser();
    const d = DIALECTS[0]!;
    const parts = feed(p, d, first + odd + BAD_CHAT);
    expect(parts.filter((x) => x.type === 'text-delta')).toHaveLength(2);
    expect(p.eventsBeforeError).toBe(2);
    expect(sent(p, first + odd + BAD_CHAT)).toBe(first);
  });

  test('an upstream error event that quotes a secret: the events before it leave, not the event', () => {
    const before = chatChunk(' on the parser');
    const error = `data: ${JSON.stringify({ error: { message: 'bad key sk-secret-123456', type: 'invalid_request_error' } })}\n\n`;
    const p = createOpenAIChatStreamParser();
    const err = errorOf(feed(p, DIALECTS[0]!, before + error));
    expect(err.upstream).toBeDefined();
    const out = failedReadEvents(err, p, enc.encode(before + error), [], (s) => s.replaceAll('sk-secret-123456', '[redacted]'));
    expect(dec.decode(out!.bytes)).toBe(before);
    expect(out!.raises).toBe(false);
  });
});
