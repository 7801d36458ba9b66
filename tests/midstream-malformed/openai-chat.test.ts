/**
 * OpenAI Chat client (`openai` SDK) ← OpenAI upstream on the passthrough lane, after the commit
 * point, when a frame the gateway cannot read (data that is not JSON) arrives in the same read
 * as good chunks: the client gets every chunk before it as sent, then the gateway's one error
 * chunk, and nothing after it (no `[DONE]`). The books (usage row, request log) count exactly
 * the text the client got.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import {
  BAD_CHAT, chatChunk, cut, expectBooksMatch, MODEL, PAUSE, sseEvents, startLoggingGateway, type ScriptedGateway, type Step,
} from './midstream-kit.ts';

let g: ScriptedGateway;
let openai: OpenAI;

beforeAll(async () => {
  g = await startLoggingGateway();
  openai = new OpenAI({ apiKey: g.t.key, baseURL: `${g.t.url}/v1`, maxRetries: 0, timeout: 10_000 });
});
afterAll(async () => {
  await g?.stop();
});

const AFTER = `${chatChunk(' never')}data: [DONE]\n\n`;

/** Streams with the SDK: the text it yielded and what it threw. */
async function sdkChat(steps: Step[]): Promise<{ text: string; thrown: unknown }> {
  g.next({ steps });
  let text = '';
  let thrown: unknown;
  try {
    const stream = await openai.chat.completions.create({ model: MODEL.chat, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
  } catch (e) {
    thrown = e;
  }
  return { text, thrown };
}

/** The raw stream's events: the content of each chunk, then the last event (the error). */
async function rawChat(steps: Step[]): Promise<{ raw: string; events: unknown[] }> {
  g.next({ steps });
  const res = await g.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: MODEL.chat, stream: true, messages: [{ role: 'user', content: 'hi' }] } });
  const raw = await res.text();
  return { raw, events: sseEvents(raw).map((e) => e.data) };
}

function expectOneErrorAtEnd(events: unknown[]): void {
  expect(events).not.toContain('[DONE]');
  const errors = events.filter((e) => typeof e === 'object' && e !== null && 'error' in e);
  expect(errors).toHaveLength(1);
  expect(events.at(-1)).toBe(errors[0]);
}

describe('OpenAI Chat client ← OpenAI upstream (passthrough): a malformed chunk mid-stream', () => {
  test('two good chunks and a malformed one in ONE read: both chunks reach the client, then one error, no [DONE]', async () => {
    const steps: Step[] = [chatChunk('Working'), PAUSE, chatChunk(' on the parser') + chatChunk(' and the tests.') + BAD_CHAT + AFTER];
    const { text, thrown } = await sdkChat(steps);
    expect(text).toBe('Working on the parser and the tests.');
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    await expectBooksMatch(g, text);

    const { raw, events } = await rawChat(steps);
    expect(raw.startsWith(chatChunk('Working') + chatChunk(' on the parser') + chatChunk(' and the tests.'))).toBe(true);
    expect(raw).not.toContain('lost');
    expect(raw).not.toContain('never');
    expectOneErrorAtEnd(events);
  });

  test('a good chunk split across two reads (held), the malformed one right after its end: the chunk leaves whole', async () => {
    const [head, tail] = cut(chatChunk(' and the tests.'), 30);
    const steps: Step[] = [chatChunk('Working'), PAUSE, chatChunk(' on the parser') + head, PAUSE, tail + BAD_CHAT + AFTER];
    const { text, thrown } = await sdkChat(steps);
    expect(text).toBe('Working on the parser and the tests.');
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    await expectBooksMatch(g, text);

    const { raw, events } = await rawChat(steps);
    expect(raw).toContain(chatChunk(' and the tests.'));
    expectOneErrorAtEnd(events);
  });

  test('the malformed chunk split across two reads: the chunks before it, one error, no half event', async () => {
    const [head, tail] = cut(BAD_CHAT, 40);
    const steps: Step[] = [chatChunk('Working'), PAUSE, chatChunk(' on the parser') + chatChunk(' and the tests.') + head, PAUSE, tail + AFTER];
    const { text, thrown } = await sdkChat(steps);
    expect(text).toBe('Working on the parser and the tests.');
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    await expectBooksMatch(g, text);

    const { raw, events } = await rawChat(steps);
    expect(raw).not.toContain('lost');
    expectOneErrorAtEnd(events);
  });

  test('a stream cut after a last chunk without its blank line: that chunk reaches the client, completed, then one error', async () => {
    const steps: Step[] = [chatChunk('Working'), PAUSE, chatChunk(' on the parser') + chatChunk(' and the tests.').trimEnd()];
    const { text, thrown } = await sdkChat(steps);
    expect(text).toBe('Working on the parser and the tests.');
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    await expectBooksMatch(g, text);

    const { events } = await rawChat(steps);
    expectOneErrorAtEnd(events);
  });
});
