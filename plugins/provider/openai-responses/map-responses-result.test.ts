import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import { mapResponsesError, readResponsesError } from './map-responses-error.ts';
import { mapResponsesResult } from './map-responses-result.ts';

const FIXTURES = `${import.meta.dir}/../../../../shared/fixtures`;
const fixture = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/openai/${name}`, 'utf8'));

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('mapResponsesResult', () => {
  test('responses-text.json', () => {
    const body = fixture('responses-text.json');
    expect(mapResponsesResult(body)).toEqual({
      id: body.id,
      model: 'gpt-5.4',
      created: 1741476542,
      content: [{ type: 'text', text: body.output[0].content[0].text }],
      finishReason: 'stop',
      rawFinishReason: 'completed',
      usage: { inputTokens: 36, outputTokens: 87, cachedInputTokens: 0, reasoningTokens: 0 },
      // The upstream's own items (by reference): what a Responses client on the passthrough lane saw.
      providerMetadata: { 'openai-responses': { ...(body.service_tier ? { service_tier: body.service_tier } : {}), output: body.output } },
    });
  });

  test('responses-function-call.json', () => {
    const result = mapResponsesResult(fixture('responses-function-call.json'));
    expect(result.content).toEqual([
      { type: 'tool-call', id: 'call_unLAR8MvFNptuiZK6K6HCy5k', name: 'get_current_weather', arguments: '{"location":"Boston, MA","unit":"celsius"}' },
    ]);
    expect(result.finishReason).toBe('tool-calls');
    expect(result.usage).toEqual({ inputTokens: 291, outputTokens: 23, reasoningTokens: 0 });
  });

  test('reasoning keeps its encrypted payload, origin and id; refusals are text; built-in tool items are skipped', () => {
    const result = mapResponsesResult({
      id: 'resp_1', model: 'm', status: 'completed', service_tier: 'flex',
      output: [
        { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'a' }, { type: 'summary_text', text: 'b' }], encrypted_content: 'gAAAA' },
        { id: 'ws_1', type: 'web_search_call', status: 'completed' },
        { id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] },
      ],
    });
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'a\n\nb', redacted: 'gAAAA', origin: 'openai-responses', providerOptions: { 'openai-responses': { id: 'rs_1' } } },
      { type: 'text', text: 'No.' },
    ]);
    expect(result.providerMetadata?.['openai-responses']?.service_tier).toBe('flex');
    // Built-in tool items carry no hub content, but the upstream's output keeps them.
    expect((result.providerMetadata?.['openai-responses']?.output as Array<{ id: string }>).map((o) => o.id)).toEqual(['rs_1', 'ws_1', 'msg_1']);
  });

  test('incomplete → length; failed → the mapped error; not a response → protocol error', () => {
    expect(mapResponsesResult({ id: 'r', status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [] }).finishReason).toBe('length');
    const failed = thrown(() => mapResponsesResult({ id: 'r', status: 'failed', error: { code: 'server_error', message: 'Boom' }, output: [] }));
    expect(isGatewayError(failed) && [failed.code, failed.retryable, failed.message]).toEqual(['GW_UPSTREAM_ERROR', true, 'Boom']);
    const notResponse = thrown(() => mapResponsesResult({ object: 'list' }));
    expect(isGatewayError(notResponse) && notResponse.code).toBe('GW_UPSTREAM_PROTOCOL');
  });
});

describe('mapResponsesError', () => {
  test('error-429.json: rate limit, wait read from the message when no header says', () => {
    const err = mapResponsesError(429, fixture('error-429.json'), new Headers());
    expect([err.code, err.status, err.retryable, err.retryAfterMs]).toEqual(['GW_RATE_LIMITED', 429, true, 20000]);
    expect(err.upstream).toMatchObject({ status: 429, type: 'requests', code: 'rate_limit_exceeded' });
  });

  test('retry-after headers win over the message', () => {
    const err = mapResponsesError(429, fixture('error-429.json'), new Headers({ 'retry-after-ms': '1500', 'x-request-id': 'req_9', 'set-cookie': 'a=b' }));
    expect(err.retryAfterMs).toBe(1500);
    expect(err.upstream?.headers).toEqual({ 'retry-after-ms': '1500', 'x-request-id': 'req_9' });
  });

  test('error-401.json: 502 for the client, upstream 401 kept, retryable for rotation', () => {
    const err = mapResponsesError(401, fixture('error-401.json'));
    expect([err.code, err.status, err.retryable, err.upstream?.status, err.upstream?.code]).toEqual(['GW_UPSTREAM_ERROR', 502, true, 401, 'invalid_api_key']);
  });

  test('insufficient_quota is quota exhaustion; 400 keeps param; 503 stays unavailable', () => {
    expect(mapResponsesError(429, { error: { message: 'q', type: 'insufficient_quota', code: 'insufficient_quota', param: null } }).code).toBe('GW_QUOTA_EXHAUSTED');
    const bad = mapResponsesError(400, { error: { message: "Unknown parameter: 'x'.", type: 'invalid_request_error', code: 'unknown_parameter', param: 'x' } });
    expect([bad.code, bad.status, bad.retryable, bad.param]).toEqual(['GW_BAD_REQUEST', 400, false, 'x']);
    expect([mapResponsesError(503, 'Service Unavailable').code, mapResponsesError(503, 'Service Unavailable').message]).toEqual(['GW_UNAVAILABLE', 'Service Unavailable']);
  });

  test('the account secret never reaches the message; HTML pages are not shown', async () => {
    const secret = 'sk-live-0123456789abcdef';
    const err = await readResponsesError(new Response(JSON.stringify({ error: { message: `bad key ${secret}` } }), { status: 401 }), secret);
    expect(err.message).toBe('bad key ***');
    expect(mapResponsesError(502, '<html>bad gateway</html>').message).toBe('The Responses upstream answered HTTP 502.');
  });
});
