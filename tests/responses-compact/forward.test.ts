/**
 * `POST /v1/responses/compact` on upstreams that speak the Responses API: the request goes to
 * the upstream's own `/responses/compact` and its reply reaches the client byte for byte; an
 * upstream without that endpoint (404) compacts by summary over its `/responses`; a target that
 * fails with 500 falls back to the next one of the combo (here Anthropic, which summarizes).
 * Client: the `openai` SDK (`responses.compact`), raw fetch where bytes are compared.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import {
  compactBody, FOLLOW_UP, INSTRUCTIONS, isSummaryRequest, lastUsageRow, MODEL, startCompactGateway, SUMMARY, TASK, type CompactGateway, type Json,
} from './compact-kit.ts';

let g: CompactGateway;
beforeAll(async () => {
  g = await startCompactGateway();
});
afterAll(async () => {
  await g?.stop();
});

/** What OpenAI's compaction endpoint answers: the user messages, then one encrypted compaction item. */
const COMPACTED = {
  id: 'resp_0a1b2c3d4e5f',
  object: 'response.compaction',
  created_at: 1767225600,
  output: [
    { id: 'msg_01', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: TASK }] },
    { id: 'msg_02', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: FOLLOW_UP }] },
    { id: 'cmp_01', type: 'compaction', encrypted_content: 'gAAAAB-compacted-by-openai' },
  ],
  usage: {
    input_tokens: 5200, input_tokens_details: { cached_tokens: 1200 }, output_tokens: 340, output_tokens_details: { reasoning_tokens: 100 }, total_tokens: 5540,
  },
};

describe('compaction on a Responses upstream', () => {
  test('the SDK\'s responses.compact reaches the upstream\'s /v1/responses/compact with the client\'s body; the reply comes back unchanged', async () => {
    g.scripted.next({ json: COMPACTED, headers: { 'x-request-id': 'req_upstream_compact' } });
    const body = compactBody(MODEL.responses);
    const compacted = await g.client.responses.compact(body as never);

    expect(compacted as unknown).toEqual(COMPACTED);
    const sent = g.scripted.server.requests.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/responses/compact');
    expect(sent.headers.authorization).toBe('Bearer sk-rsp-1234567');
    expect(sent.headers.accept).toBe('application/json');
    // The client's body with the upstream model (its OpenAI reasoning item included).
    expect(sent.body).toEqual({ ...body, model: 'gpt-5-codex' });
    expect(sent.body as Json).not.toHaveProperty('stream');
    expect(sent.body as Json).not.toHaveProperty('store');
  });

  test('the reply\'s bytes are relayed as sent, and the request is billed from its usage', async () => {
    const text = JSON.stringify(COMPACTED);
    g.scripted.next({ json: COMPACTED });
    const res = await g.gw.fetch('/v1/responses/compact', { method: 'POST', json: compactBody(MODEL.responses) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.text()).toBe(text);

    const row = await lastUsageRow(g);
    expect(row).toMatchObject({
      dialect: 'openai-responses', modelRequested: MODEL.responses, provider: 'rsp', upstreamModel: 'gpt-5-codex', status: 'ok', httpStatus: 200,
      inputTokens: 5200, outputTokens: 340, cachedTokens: 1200, reasoningTokens: 100, estimated: false, stream: false,
    });
  });

  test('an upstream error is the client\'s in OpenAI error JSON with its status', async () => {
    g.scripted.next({ status: 400, json: { error: { message: 'Invalid input: item 3 is malformed.', type: 'invalid_request_error', param: 'input', code: 'invalid_value' } } });
    const res = await g.gw.fetch('/v1/responses/compact', { method: 'POST', json: compactBody(MODEL.responses) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).error).toEqual({
      message: 'Invalid input: item 3 is malformed.', type: 'invalid_request_error', param: 'input', code: 'invalid_value',
    });
  });

  test('a Responses upstream without the compaction endpoint (404) compacts by summary over its /v1/responses', async () => {
    const before = g.responses.requests.length;
    const compacted = await g.client.responses.compact(compactBody(MODEL.bare) as never);

    const seen = g.responses.requests.slice(before);
    expect(seen.map((r) => r.path)).toEqual(['/v1/responses/compact', '/v1/responses']);
    const summarize = seen[1]!.body as Json;
    expect(String(summarize.instructions)).toStartWith(INSTRUCTIONS);
    expect(JSON.stringify((summarize.input as Json[]).at(-1))).toContain('handoff summary');
    expect(summarize.tool_choice).toBe('none');
    expect(compacted.output.map((i) => i.type)).toEqual(['message', 'message', 'message']);
    expect(JSON.stringify(compacted.output.at(-1))).toContain(SUMMARY);
  });
});

describe('fallback', () => {
  test('a Responses target that fails with 500 falls back to the next target of the combo, which summarizes', async () => {
    const sent = g.scripted.server.requests.length;
    const asked = g.anthropic.requests.length;
    g.scripted.next({ status: 500, json: { error: { message: 'The server had an error.', type: 'server_error', param: null, code: null } } });
    const compacted = await g.client.responses.compact(compactBody(MODEL.pool) as never);

    expect(g.scripted.server.requests.slice(sent).map((r) => r.path)).toEqual(['/v1/responses/compact']);
    const anthropic = g.anthropic.requests.slice(asked);
    expect(anthropic).toHaveLength(1);
    expect(isSummaryRequest((anthropic[0]!.body as { messages: Array<{ role: string; content: unknown }> }).messages)).toBe(true);
    expect(compacted.object).toBe('response.compaction');
    expect(JSON.stringify(compacted.output.at(-1))).toContain(SUMMARY);
    expect(compacted.output.some((i) => i.type === 'compaction')).toBe(false);

    expect(await lastUsageRow(g)).toMatchObject({ modelRequested: MODEL.pool, provider: 'ant', status: 'ok', attempts: 2 });
  });
});
