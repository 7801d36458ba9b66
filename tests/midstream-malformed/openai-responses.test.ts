/**
 * Responses client (`openai` SDK, `responses.create({ stream: true })`) ← Responses upstream on
 * the passthrough lane, after the commit point, when an event the gateway cannot read (data that
 * is not JSON) arrives in the same read as good events: the client gets every event before it
 * as sent, then the gateway's one `error` event continuing the sequence numbers, and nothing
 * after it. The books (usage row, request log) count exactly the text the client got.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import {
  BAD_RESPONSES, cut, expectBooksMatch, MODEL, PAUSE, responsesDelta, responsesOpening, sseEvents, startLoggingGateway,
  type ScriptedGateway, type Step,
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

type Event = { type: string; sequence_number: number; delta?: string };

/** The opening (sequence 0–4, first delta) and two good deltas (5, 6). */
const OPENING = responsesOpening('Working');
const GOOD_5 = responsesDelta(' on the parser', 5);
const GOOD_6 = responsesDelta(' and the tests.', 6);
const AFTER = responsesDelta(' never', 8);

/** Streams with the SDK: the events it yielded and what it threw. */
async function sdkResponses(steps: Step[]): Promise<{ events: Event[]; thrown: unknown }> {
  g.next({ steps });
  const events: Event[] = [];
  let thrown: unknown;
  try {
    const stream = await openai.responses.create({ model: MODEL.responses, input: 'Refactor the parser.', stream: true, store: false });
    for await (const e of stream) events.push(e as unknown as Event);
  } catch (e) {
    thrown = e;
  }
  return { events, thrown };
}

const textOf = (events: Event[]) => events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');

/** The raw stream: its text and its events. */
async function rawResponses(steps: Step[]): Promise<{ raw: string; events: Event[] }> {
  g.next({ steps });
  const res = await g.t.fetch('/v1/responses', { method: 'POST', json: { model: MODEL.responses, input: 'hi', stream: true, store: false } });
  const raw = await res.text();
  return { raw, events: sseEvents(raw).map((e) => e.data as Event) };
}

/** Events 0–6 as sent, then the gateway's `error` event with sequence number 7, and nothing more. */
function expectSequenceThenOneError(events: Event[]): void {
  expect(events.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  expect(events.filter((e) => e.type === 'error')).toHaveLength(1);
  expect(events.at(-1)!.type).toBe('error');
}

describe('Responses client ← Responses upstream (passthrough): a malformed event mid-stream', () => {
  test('two good deltas and a malformed event in ONE read: both deltas reach the client, then one error event', async () => {
    const steps: Step[] = [OPENING, PAUSE, GOOD_5 + GOOD_6 + BAD_RESPONSES + AFTER];
    const { events, thrown } = await sdkResponses(steps);
    expect(textOf(events)).toBe('Working on the parser and the tests.');
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    await expectBooksMatch(g, textOf(events));

    const { raw, events: wire } = await rawResponses(steps);
    expect(raw.startsWith(OPENING + GOOD_5 + GOOD_6)).toBe(true);
    expect(raw).not.toContain('lost');
    expect(raw).not.toContain('never');
    expectSequenceThenOneError(wire);
  });

  test('a good delta split across two reads (held), the malformed event right after its end: the delta leaves whole', async () => {
    const [head, tail] = cut(GOOD_6, 45);
    const steps: Step[] = [OPENING, PAUSE, GOOD_5 + head, PAUSE, tail + BAD_RESPONSES + AFTER];
    const { events, thrown } = await sdkResponses(steps);
    expect(textOf(events)).toBe('Working on the parser and the tests.');
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    await expectBooksMatch(g, textOf(events));

    const { raw, events: wire } = await rawResponses(steps);
    expect(raw).toContain(GOOD_6);
    expectSequenceThenOneError(wire);
  });

  test('the malformed event split across two reads: the deltas before it, one error, no half event', async () => {
    const [head, tail] = cut(BAD_RESPONSES, 60);
    const steps: Step[] = [OPENING, PAUSE, GOOD_5 + GOOD_6 + head, PAUSE, tail + AFTER];
    const { events, thrown } = await sdkResponses(steps);
    expect(textOf(events)).toBe('Working on the parser and the tests.');
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    await expectBooksMatch(g, textOf(events));

    const { raw, events: wire } = await rawResponses(steps);
    expect(raw).not.toContain('lost');
    expectSequenceThenOneError(wire);
  });

  test('a request that is stored (the reply is recorded through a wrapped parser): the same, both deltas then one error', async () => {
    g.next({ steps: [OPENING, PAUSE, GOOD_5 + GOOD_6 + BAD_RESPONSES + AFTER] });
    const res = await g.t.fetch('/v1/responses', { method: 'POST', json: { model: MODEL.responses, input: 'hi', stream: true } });
    const raw = await res.text();
    expect(raw.startsWith(OPENING + GOOD_5 + GOOD_6)).toBe(true);
    expectSequenceThenOneError(sseEvents(raw).map((e) => e.data as Event));
    await expectBooksMatch(g, 'Working on the parser and the tests.');
  });

  test('a stream cut after a last delta without its blank line: that delta reaches the client, completed, then one error', async () => {
    const steps: Step[] = [OPENING, PAUSE, GOOD_5 + GOOD_6.trimEnd()];
    const { events, thrown } = await sdkResponses(steps);
    expect(textOf(events)).toBe('Working on the parser and the tests.');
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    await expectBooksMatch(g, textOf(events));

    const { events: wire } = await rawResponses(steps);
    expectSequenceThenOneError(wire);
  });
});
