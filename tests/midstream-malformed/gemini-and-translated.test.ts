/**
 * The same fault for Gemini's SSE passthrough (a `data:` chunk that is not JSON after two good
 * chunks in one read), and on the translated lane, where the upstream's parts go one by one to
 * the client's encoder: every chunk before the bad one reaches the client, then one error, and
 * the books count exactly that text. (The translated lane never lost them: its tests guard it.)
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import {
  anthropicFrames, anthropicOpening, BAD_ANTHROPIC, BAD_CHAT, chatChunk, cut, expectBooksMatch, MODEL, PAUSE, sseEvents,
  startLoggingGateway, type ScriptedGateway, type Step,
} from './midstream-kit.ts';

let g: ScriptedGateway;

beforeAll(async () => {
  g = await startLoggingGateway();
});
afterAll(async () => {
  await g?.stop();
});

const geminiChunk = (text: string) =>
  `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }], modelVersion: 'gemini-2.5-pro' })}\r\n\r\n`;
const BAD_GEMINI = 'data: {"candidates":[{"content":{"role":"model","parts":[{"text":"lost"}\r\n\r\n';

async function geminiStream(steps: Step[]): Promise<{ raw: string; events: Array<Record<string, unknown>> }> {
  g.next({ steps });
  const res = await g.t.fetch(`/v1beta/models/${MODEL.gemini}:streamGenerateContent?alt=sse`, {
    method: 'POST', json: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
  });
  const raw = await res.text();
  return { raw, events: sseEvents(raw).map((e) => e.data as Record<string, unknown>) };
}

const geminiText = (events: Array<Record<string, unknown>>) =>
  events.map((e) => ((e.candidates as Array<{ content: { parts: Array<{ text: string }> } }> | undefined)?.[0]?.content.parts[0]?.text ?? '')).join('');

describe('Gemini client ← Gemini upstream (passthrough, SSE): a malformed chunk mid-stream', () => {
  test('two good chunks and a malformed one in ONE read: both reach the client, then one error chunk', async () => {
    const { raw, events } = await geminiStream([geminiChunk('Working'), PAUSE, geminiChunk(' on the parser') + geminiChunk(' and the tests.') + BAD_GEMINI + geminiChunk(' never')]);
    expect(geminiText(events)).toBe('Working on the parser and the tests.');
    expect(raw).not.toContain('lost');
    expect(raw).not.toContain('never');
    expect(events.filter((e) => 'error' in e)).toHaveLength(1);
    expect(events.at(-1)).toHaveProperty('error');
    await expectBooksMatch(g, geminiText(events));
  });

  test('a good chunk split across two reads (held), the malformed one right after its end: the chunk leaves whole', async () => {
    const [head, tail] = cut(geminiChunk(' and the tests.'), 40);
    const { events } = await geminiStream([geminiChunk('Working'), PAUSE, geminiChunk(' on the parser') + head, PAUSE, tail + BAD_GEMINI]);
    expect(geminiText(events)).toBe('Working on the parser and the tests.');
    expect(events.at(-1)).toHaveProperty('error');
    await expectBooksMatch(g, geminiText(events));
  });
});

describe('translated lane: a malformed event after good ones in one read', () => {
  test('OpenAI Chat client ← Anthropic upstream: the deltas before it, then one error', async () => {
    const delta = (text: string) => anthropicFrames([{ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }]);
    g.next({ steps: [anthropicOpening('Working'), PAUSE, delta(' on the parser') + delta(' and the tests.') + BAD_ANTHROPIC + delta(' never')] });
    const openai = new OpenAI({ apiKey: g.t.key, baseURL: `${g.t.url}/v1`, maxRetries: 0, timeout: 10_000 });
    let text = '';
    let thrown: unknown;
    try {
      const stream = await openai.chat.completions.create({ model: MODEL.anthropic, stream: true, messages: [{ role: 'user', content: 'hi' }] });
      for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    } catch (e) {
      thrown = e;
    }
    expect(text).toBe('Working on the parser and the tests.');
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    await expectBooksMatch(g, text, 1);
  });

  test('OpenAI Chat client ← Anthropic upstream, the stream cut after a delta without its blank line: that delta too, then one error', async () => {
    const delta = (text: string) => anthropicFrames([{ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }]);
    g.next({ steps: [anthropicOpening('Working'), PAUSE, delta(' on the parser') + delta(' and the tests.').trimEnd()] });
    const res = await g.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: MODEL.anthropic, stream: true, messages: [{ role: 'user', content: 'hi' }] } });
    const events = sseEvents(await res.text()).map((e) => e.data as { choices?: Array<{ delta: { content?: string } }>; error?: unknown });
    const text = events.map((e) => e.choices?.[0]?.delta.content ?? '').join('');
    expect(text).toBe('Working on the parser and the tests.');
    expect(events.filter((e) => e.error)).toHaveLength(1);
    expect(events.at(-1)!.error).toBeDefined();
    await expectBooksMatch(g, text, 1);
  });

  test('Anthropic client ← OpenAI upstream: the deltas before it, then one error', async () => {
    g.next({ steps: [chatChunk('Working'), PAUSE, chatChunk(' on the parser') + chatChunk(' and the tests.') + BAD_CHAT + chatChunk(' never')] });
    const anthropic = new Anthropic({ apiKey: g.t.key, baseURL: g.t.url, maxRetries: 0, timeout: 10_000 });
    let text = '';
    let thrown: unknown;
    try {
      const stream = await anthropic.messages.create({ model: MODEL.chat, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] });
      for await (const e of stream) if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
    } catch (e) {
      thrown = e;
    }
    expect(text).toBe('Working on the parser and the tests.');
    expect(thrown).toBeInstanceOf(Anthropic.APIError);
    await expectBooksMatch(g, text);
  });
});
