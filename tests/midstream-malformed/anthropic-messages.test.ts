/**
 * Anthropic client (`@anthropic-ai/sdk`) ← Anthropic upstream on the passthrough lane, after the
 * commit point, when an event the gateway cannot read (data that is not JSON) arrives in the
 * same read as good events: the client gets every event before it as sent, then the gateway's
 * one `event: error`, and nothing after it (no later delta, no `message_stop`). The books (usage
 * row, request log) count exactly the text the client got.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import {
  anthropicFrames, anthropicOpening, BAD_ANTHROPIC, cut, expectBooksMatch, MODEL, PAUSE, sseEvents, startLoggingGateway,
  type ScriptedGateway, type Step,
} from './midstream-kit.ts';

let g: ScriptedGateway;
let anthropic: Anthropic;

beforeAll(async () => {
  g = await startLoggingGateway();
  anthropic = new Anthropic({ apiKey: g.t.key, baseURL: g.t.url, maxRetries: 0, timeout: 10_000 });
});
afterAll(async () => {
  await g?.stop();
});

const delta = (text: string) => anthropicFrames([{ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }]);
const AFTER = delta(' never') + anthropicFrames([{ type: 'content_block_stop', index: 0 }, { type: 'message_stop' }]);
/** `message_start` reports one output token: the row counts at least that. */
const REPORTED = 1;

/** Streams with the SDK: the text it yielded and what it threw. */
async function sdkMessages(steps: Step[]): Promise<{ text: string; thrown: unknown }> {
  g.next({ steps });
  let text = '';
  let thrown: unknown;
  try {
    const stream = await anthropic.messages.create({ model: MODEL.anthropic, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    for await (const e of stream) if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
  } catch (e) {
    thrown = e;
  }
  return { text, thrown };
}

/** The raw stream: its text and the event names. */
async function rawMessages(steps: Step[]): Promise<{ raw: string; names: Array<string | undefined> }> {
  g.next({ steps });
  const res = await g.t.fetch('/v1/messages', { method: 'POST', json: { model: MODEL.anthropic, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] } });
  const raw = await res.text();
  return { raw, names: sseEvents(raw).map((e) => e.event) };
}

function expectOneErrorAtEnd(names: Array<string | undefined>): void {
  expect(names.filter((n) => n === 'error')).toHaveLength(1);
  expect(names.at(-1)).toBe('error');
  expect(names).not.toContain('message_stop');
}

describe('Anthropic client ← Anthropic upstream (passthrough): a malformed event mid-stream', () => {
  test('two good deltas and a malformed event in ONE read: both deltas reach the client, then one error event', async () => {
    const steps: Step[] = [anthropicOpening('Working'), PAUSE, delta(' on the parser') + delta(' and the tests.') + BAD_ANTHROPIC + AFTER];
    const { text, thrown } = await sdkMessages(steps);
    expect(text).toBe('Working on the parser and the tests.');
    expect(thrown).toBeInstanceOf(Anthropic.APIError);
    await expectBooksMatch(g, text, REPORTED);

    const { raw, names } = await rawMessages(steps);
    expect(raw.startsWith(anthropicOpening('Working') + delta(' on the parser') + delta(' and the tests.'))).toBe(true);
    expect(raw).not.toContain('lost');
    expect(raw).not.toContain('never');
    expectOneErrorAtEnd(names);
  });

  test('a good delta split across two reads (held), the malformed event right after its end: the delta leaves whole', async () => {
    const [head, tail] = cut(delta(' and the tests.'), 40);
    const steps: Step[] = [anthropicOpening('Working'), PAUSE, delta(' on the parser') + head, PAUSE, tail + BAD_ANTHROPIC + AFTER];
    const { text, thrown } = await sdkMessages(steps);
    expect(text).toBe('Working on the parser and the tests.');
    expect(thrown).toBeInstanceOf(Anthropic.APIError);
    await expectBooksMatch(g, text, REPORTED);

    const { raw, names } = await rawMessages(steps);
    expect(raw).toContain(delta(' and the tests.'));
    expectOneErrorAtEnd(names);
  });

  test('the malformed event split across two reads: the deltas before it, one error, no half event', async () => {
    const [head, tail] = cut(BAD_ANTHROPIC, 50);
    const steps: Step[] = [anthropicOpening('Working'), PAUSE, delta(' on the parser') + delta(' and the tests.') + head, PAUSE, tail + AFTER];
    const { text, thrown } = await sdkMessages(steps);
    expect(text).toBe('Working on the parser and the tests.');
    expect(thrown).toBeInstanceOf(Anthropic.APIError);
    await expectBooksMatch(g, text, REPORTED);

    const { raw, names } = await rawMessages(steps);
    expect(raw).not.toContain('lost');
    expectOneErrorAtEnd(names);
  });

  test('a stream cut after a last delta without its blank line: that delta reaches the client, completed, then one error', async () => {
    const steps: Step[] = [anthropicOpening('Working'), PAUSE, delta(' on the parser') + delta(' and the tests.').trimEnd()];
    const { text, thrown } = await sdkMessages(steps);
    expect(text).toBe('Working on the parser and the tests.');
    expect(thrown).toBeInstanceOf(Anthropic.APIError);
    await expectBooksMatch(g, text, REPORTED);

    const { names } = await rawMessages(steps);
    expectOneErrorAtEnd(names);
  });
});
