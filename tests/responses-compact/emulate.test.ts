/**
 * `POST /v1/responses/compact` on upstreams without OpenAI's compaction endpoint (Anthropic
 * Messages, OpenAI Chat): the gateway runs one summarization request there (the client's
 * instructions as system prompt, its conversation, then the request for a handoff summary) and
 * answers with a compacted history made of plain user messages — the user's own recent
 * messages and one carrying the summary — which the next `POST /v1/responses` takes on that
 * same upstream. Client: the `openai` SDK.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { CompactedResponse } from 'openai/resources/responses/responses';
import type { MessagesBody } from '../helpers/mock-anthropic-upstream.ts';
import {
  compactBody, FOLLOW_UP, INSTRUCTIONS, isSummaryRequest, lastUsageRow, lastUserText, MODEL, startCompactGateway, SUMMARY, TASK,
  type CompactGateway, type Json,
} from './compact-kit.ts';

let g: CompactGateway;
beforeAll(async () => {
  g = await startCompactGateway();
});
afterAll(async () => {
  await g?.stop();
});

/** The output items as text: `role: text` per message. */
function outline(compacted: CompactedResponse): string[] {
  return compacted.output.map((item) => {
    const m = item as unknown as { type: string; role: string; content: Array<{ type: string; text: string }> };
    expect(m.type).toBe('message');
    expect(m.content.map((c) => c.type)).toEqual(['input_text']);
    return `${m.role}: ${m.content[0]!.text}`;
  });
}

/** The compacted history: the user's messages (not the injected environment context), then the summary. */
function expectCompactedHistory(compacted: CompactedResponse): void {
  expect(compacted.object).toBe('response.compaction');
  const lines = outline(compacted);
  expect(lines.slice(0, 2)).toEqual([`user: ${TASK}`, `user: ${FOLLOW_UP}`]);
  expect(lines).toHaveLength(3);
  expect(lines[2]).toStartWith('user: ');
  expect(lines[2]).toEndWith(`\n${SUMMARY}`);
  expect(lines.join('\n')).not.toContain('environment_context');
  expect(compacted.usage.input_tokens).toBeGreaterThan(0);
  expect(compacted.usage.output_tokens).toBeGreaterThan(0);
}

describe('compaction emulated on an Anthropic upstream', () => {
  let compacted: CompactedResponse;

  test('the upstream gets one summarization request with the instructions; the client gets user messages and the summary', async () => {
    const before = g.anthropic.requests.length;
    compacted = await g.client.responses.compact(compactBody(MODEL.anthropic) as never);

    const seen = g.anthropic.requests.slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.path).toBe('/v1/messages');
    const sent = seen[0]!.body as MessagesBody;
    expect(sent.stream).not.toBe(true);
    expect(JSON.stringify(sent.system)).toContain(INSTRUCTIONS);
    expect(isSummaryRequest(sent.messages)).toBe(true);
    // The history went along, tool call and result included; tools are declared but not to be called.
    const history = JSON.stringify(sent.messages);
    expect(history).toContain('1 fail: expected 2, received 3');
    expect(history).toContain('"tool_use"');
    expect(sent.tool_choice).toEqual({ type: 'none' });
    expect((sent.tools ?? []).map((t) => t.name)).toEqual(['shell', 'update_plan', 'apply_patch']);

    expectCompactedHistory(compacted);
    const row = await lastUsageRow(g);
    expect(row).toMatchObject({ modelRequested: MODEL.anthropic, provider: 'ant', upstreamModel: 'claude-sonnet-4-5', status: 'ok', attempts: 1, estimated: false });
    expect(row.inputTokens).toBe(compacted.usage.input_tokens);
  });

  test('the next /v1/responses turn on the compacted history works and carries the summary', async () => {
    const before = g.anthropic.requests.length;
    const next = await g.client.responses.create({
      model: MODEL.anthropic, instructions: INSTRUCTIONS, store: false,
      input: [...(compacted.output as never[]), { role: 'user', content: 'Go on.' }],
    });
    expect(next.status).toBe('completed');
    const sent = g.anthropic.requests.slice(before)[0]!.body as MessagesBody;
    expect(JSON.stringify(sent.messages)).toContain(SUMMARY);
    expect(lastUserText(sent.messages)).toContain('Go on.');
  });

  test('compacting the compacted history again summarizes the earlier summary instead of keeping it', async () => {
    const again = await g.client.responses.compact(compactBody(MODEL.anthropic, [
      ...(compacted.output as unknown as Json[]), { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Go on.' }] },
    ]) as never);
    const lines = outline(again);
    expect(lines.slice(0, 3)).toEqual([`user: ${TASK}`, `user: ${FOLLOW_UP}`, 'user: Go on.']);
    expect(lines).toHaveLength(4);
    expect(lines.filter((l) => l.includes(SUMMARY))).toHaveLength(1);
  });
});

describe('compaction emulated on an OpenAI Chat upstream', () => {
  let compacted: CompactedResponse;

  test('the upstream gets one summarization request with the instructions; the client gets user messages and the summary', async () => {
    const before = g.chat.requests.length;
    compacted = await g.client.responses.compact(compactBody(MODEL.chat) as never);

    const seen = g.chat.requests.slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.path).toBe('/v1/chat/completions');
    const sent = seen[0]!.body as { messages: Array<{ role: string; content: unknown }>; stream?: boolean; tool_choice?: unknown; tools?: Json[] };
    expect(sent.stream).not.toBe(true);
    expect(sent.messages[0]).toMatchObject({ role: 'system' });
    expect(JSON.stringify(sent.messages[0])).toContain(INSTRUCTIONS);
    expect(isSummaryRequest(sent.messages)).toBe(true);
    expect(JSON.stringify(sent.messages)).toContain('call_shell_1');
    expect(sent.tool_choice).toBe('none');

    expectCompactedHistory(compacted);
    expect(await lastUsageRow(g)).toMatchObject({ modelRequested: MODEL.chat, provider: 'oai', status: 'ok' });
  });

  test('the next /v1/responses turn on the compacted history works and carries the summary', async () => {
    const before = g.chat.requests.length;
    const next = await g.client.responses.create({
      model: MODEL.chat, instructions: INSTRUCTIONS, store: false,
      input: [...(compacted.output as never[]), { role: 'user', content: 'Go on.' }],
    });
    expect(next.status).toBe('completed');
    expect(next.output_text).toBe('ok');
    const sent = g.chat.requests.slice(before)[0]!.body as { messages: Array<{ role: string; content: unknown }> };
    expect(JSON.stringify(sent.messages)).toContain(SUMMARY);
    expect(lastUserText(sent.messages)).toBe('Go on.');
  });
});
