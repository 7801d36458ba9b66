/**
 * What `POST /v1/responses/compact` refuses, in OpenAI's error JSON with the right status
 * (raw fetch, and the `openai` SDK, which maps statuses to its error classes), and what it
 * resolves before any upstream call: a `previous_response_id` becomes the stored conversation.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { compactBody, lastUsageRow, MODEL, startCompactGateway, TASK, type CompactGateway, type Json } from './compact-kit.ts';

let g: CompactGateway;
beforeAll(async () => {
  g = await startCompactGateway();
});
afterAll(async () => {
  await g?.stop();
});

/** Upstream requests so far, all four upstreams together. */
function upstreamCalls(): number {
  return g.scripted.server.requests.length + g.responses.requests.length + g.anthropic.requests.length + g.chat.requests.length;
}

async function expectOpenAIError(res: Response, status: number, fields: Partial<Record<'type' | 'param' | 'code', unknown>>): Promise<string> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  const { error } = (await res.json()) as { error: Json };
  expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof error.message).toBe('string');
  expect(error).toMatchObject(fields);
  return String(error.message);
}

describe('refused before any upstream call', () => {
  test('no client key: 401', async () => {
    const before = upstreamCalls();
    const res = await fetch(`${g.gw.url}/v1/responses/compact`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(compactBody(MODEL.anthropic)),
    });
    await expectOpenAIError(res, 401, { code: 'invalid_api_key' });
    const sdk = new OpenAI({ apiKey: 'sk-not-a-gateway-key', baseURL: `${g.gw.url}/v1`, maxRetries: 0 });
    expect(await sdk.responses.compact(compactBody(MODEL.anthropic) as never).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(upstreamCalls()).toBe(before);
  });

  test('a body that is not JSON: 400', async () => {
    const res = await g.gw.fetch('/v1/responses/compact', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": "ant/claude-sonnet-4-5", "input": [' });
    await expectOpenAIError(res, 400, { type: 'invalid_request_error' });
  });

  test('no input: 400 naming input', async () => {
    const before = upstreamCalls();
    const res = await g.gw.fetch('/v1/responses/compact', { method: 'POST', json: { model: MODEL.anthropic, instructions: 'x' } });
    await expectOpenAIError(res, 400, { type: 'invalid_request_error', param: 'input' });
    const err = await g.client.responses.compact({ model: MODEL.anthropic, input: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('input');
    expect(upstreamCalls()).toBe(before);
  });

  test('a malformed item: 400 naming it; a stream: 400 naming stream', async () => {
    const bad = await g.gw.fetch('/v1/responses/compact', {
      method: 'POST', json: compactBody(MODEL.anthropic, [{ type: 'function_call', name: 'shell', arguments: '{}' }]),
    });
    await expectOpenAIError(bad, 400, { param: 'input[0].call_id' });
    const stream = await g.gw.fetch('/v1/responses/compact', { method: 'POST', json: { ...compactBody(MODEL.anthropic), stream: true } });
    await expectOpenAIError(stream, 400, { param: 'stream' });
  });

  test('an unknown model: 404 model_not_found, and the refusal has its usage row', async () => {
    const res = await g.gw.fetch('/v1/responses/compact', { method: 'POST', json: compactBody('nowhere/model-x') });
    await expectOpenAIError(res, 404, { code: 'model_not_found' });
    expect(await lastUsageRow(g)).toMatchObject({ modelRequested: 'nowhere/model-x', status: 'rejected', httpStatus: 404 });
  });
});

describe('stored responses', () => {
  test('a previous_response_id is replaced by the stored conversation: the upstream gets the whole input', async () => {
    const first = await g.client.responses.create({ model: MODEL.chat, input: TASK });
    g.scripted.next({ json: { id: 'resp_c1', object: 'response.compaction', created_at: 1767225600, output: [], usage: { input_tokens: 10, output_tokens: 2, total_tokens: 12 } } });
    await g.client.responses.compact({
      model: MODEL.responses, previous_response_id: first.id, input: [{ role: 'user', content: 'And the docs.' }],
    } as never);
    const sent = g.scripted.lastBody();
    expect(sent).not.toHaveProperty('previous_response_id');
    const input = sent.input as Json[];
    expect(input.map((i) => i.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(input[0])).toContain(TASK);
    expect(JSON.stringify(input[2])).toContain('And the docs.');
  });

  test('an unknown previous_response_id: 400 naming it', async () => {
    const res = await g.gw.fetch('/v1/responses/compact', { method: 'POST', json: { model: MODEL.responses, previous_response_id: 'resp_unknown' } });
    await expectOpenAIError(res, 400, { param: 'previous_response_id' });
  });
});
