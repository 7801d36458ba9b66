/**
 * Reads a stream the gateway sent to a raw-HTTP client the way the real tool would, checking
 * every event against the dialect's published event schema and its framing rules, and folds it
 * into the assistant turn the tool would send back next:
 * - Messages SSE (Claude Code): `message_start` … `message_stop`, content blocks assembled;
 * - Responses SSE (Codex): increasing `sequence_number`, one terminal `response.completed`
 *   whose `output` is replayed;
 * - Gemini SSE (Gemini CLI): `\r\n\r\n` framing, the parts of all chunks, a final finishReason.
 */
import { expect } from 'bun:test';
import { createSseParser, type SseEvent } from '../../../core/util/sse.ts';
import { checkClientEvent } from './check-wire-schemas.ts';

type Json = Record<string, unknown>;

/** All SSE events of a response body. */
export async function readSse(res: Response): Promise<{ text: string; events: Array<SseEvent & { json: Json }> }> {
  const text = await res.text();
  const parser = createSseParser();
  const events = [...parser.push(new TextEncoder().encode(text)), ...parser.end()];
  return { text, events: events.map((e) => ({ ...e, json: JSON.parse(e.data) as Json })) };
}

function expectValidEvents(dialect: Parameters<typeof checkClientEvent>[0], events: Json[]): void {
  const problems = events.flatMap((e, i) => checkClientEvent(dialect, e).map((p) => `event ${i} (${String(e.type ?? '')}): ${p}`));
  expect(problems).toEqual([]);
}

/** A Messages stream → the assistant content blocks (as the SDK accumulates them). */
export async function readMessagesStream(res: Response): Promise<{ content: Json[]; stopReason: string }> {
  const { events } = await readSse(res);
  const data = events.map((e) => e.json);
  expectValidEvents('anthropic-messages', data);
  expect(events.every((e) => e.event === e.json.type)).toBe(true);
  expect(data[0].type).toBe('message_start');
  expect(data.at(-1)?.type).toBe('message_stop');
  const content: Json[] = [];
  const partial = new Map<number, string>();
  let stopReason = '';
  for (const e of data) {
    const index = Number(e.index);
    if (e.type === 'content_block_start') content[index] = { ...(e.content_block as Json) };
    if (e.type === 'content_block_delta') {
      const d = e.delta as Json;
      const block = content[index];
      if (d.type === 'text_delta') block.text = String(block.text) + String(d.text);
      if (d.type === 'thinking_delta') block.thinking = String(block.thinking) + String(d.thinking);
      if (d.type === 'signature_delta') block.signature = String(d.signature);
      if (d.type === 'input_json_delta') partial.set(index, (partial.get(index) ?? '') + String(d.partial_json));
    }
    if (e.type === 'content_block_stop' && partial.has(index)) content[index].input = JSON.parse(partial.get(index) || '{}');
    if (e.type === 'message_delta') stopReason = String((e.delta as Json).stop_reason);
  }
  return { content, stopReason };
}

/** A Responses stream → the final response object (checked: sequence numbers, one terminal event). */
export async function readResponsesStream(res: Response): Promise<Json> {
  const { events } = await readSse(res);
  const data = events.map((e) => e.json);
  expectValidEvents('openai-responses', data);
  expect(data.map((e) => e.sequence_number)).toEqual(data.map((_, i) => i));
  expect(events.every((e) => e.event === e.json.type)).toBe(true);
  expect(data.slice(0, 2).map((e) => e.type)).toEqual(['response.created', 'response.in_progress']);
  const terminal = data.filter((e) => ['response.completed', 'response.failed', 'response.incomplete'].includes(String(e.type)));
  expect(terminal.map((e) => e.type)).toEqual(['response.completed']);
  expect(data.at(-1)).toBe(terminal[0]);
  return terminal[0].response as Json;
}

/** A Gemini SSE stream → the model turn (all parts) and the final finishReason. */
export async function readGeminiStream(res: Response): Promise<{ content: Json; finishReason: string }> {
  const { text, events } = await readSse(res);
  expect(text.endsWith('\r\n\r\n')).toBe(true);
  const chunks = events.map((e) => e.json);
  expectValidEvents('gemini', chunks);
  const candidates = chunks.map((c) => (c.candidates as Json[])[0]);
  const parts = candidates.flatMap((c) => ((c.content as Json | undefined)?.parts as Json[] | undefined) ?? []);
  const finishReason = String(candidates.at(-1)?.finishReason);
  return { content: { role: 'model', parts }, finishReason };
}
