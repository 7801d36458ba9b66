import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { mapOpenAIError, mapOpenAIErrorBody } from './map-openai-error.ts';

const FIX = `${import.meta.dir}/../../../../shared/fixtures/openai`;

const res = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } });

describe('mapOpenAIError', () => {
  test('429 fixture: rate limited, retryable, upstream type/code kept, Retry-After read', async () => {
    const err = await mapOpenAIError(res(429, readFileSync(`${FIX}/error-429.json`, 'utf8'), { 'retry-after': '30', 'x-request-id': 'req_1', 'set-cookie': 'a=b' }));
    expect(err.code).toBe('GW_RATE_LIMITED');
    expect(err.status).toBe(429);
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(30_000);
    expect(err.upstream).toMatchObject({ status: 429, type: 'requests', code: 'rate_limit_exceeded' });
    expect(err.upstream?.headers).toEqual({ 'retry-after': '30', 'x-request-id': 'req_1' });
    expect(err.message).toStartWith('Rate limit reached');
  });

  test('429 without headers: the wait is read from "try again in 20s"', async () => {
    const err = await mapOpenAIError(res(429, readFileSync(`${FIX}/error-429.json`, 'utf8')));
    expect(err.retryAfterMs).toBe(20_000);
  });

  test('401 fixture: status passes through, not retryable', async () => {
    const err = await mapOpenAIError(res(401, readFileSync(`${FIX}/error-401.json`, 'utf8')));
    expect(err.status).toBe(401);
    expect(err.retryable).toBe(false);
    expect(err.upstream?.code).toBe('invalid_api_key');
  });

  test('pydantic validation lists (Mistral\'s 422 `message`, a FastAPI server\'s `detail`) become a line naming each field', () => {
    const detail = [{ type: 'extra_forbidden', loc: ['body', 'messages', 1, 'assistant', 'reasoning_content'], msg: 'Extra inputs are not permitted', input: 'x' }];
    const mistral = mapOpenAIErrorBody(422, { object: 'error', message: { detail }, type: 'invalid_request_error', param: null, code: null });
    expect(mistral.message).toBe('messages.1.assistant.reasoning_content: Extra inputs are not permitted');
    expect(mistral.param).toBe('messages.1.assistant.reasoning_content');
    const fastapi = mapOpenAIErrorBody(422, { detail: [...detail, { type: 'missing', loc: ['body', 'model'], msg: 'Field required' }] });
    expect(fastapi.message).toBe('messages.1.assistant.reasoning_content: Extra inputs are not permitted; model: Field required');
    expect(fastapi.param).toBeUndefined();
  });

  test('status table', () => {
    const cases: Array<[number, string, number, boolean]> = [
      [400, 'GW_BAD_REQUEST', 400, false],
      [404, 'GW_MODEL_NOT_FOUND', 404, false],
      [408, 'GW_UPSTREAM_TIMEOUT', 408, true],
      [409, 'GW_BAD_REQUEST', 409, true],
      [413, 'GW_BODY_TOO_LARGE', 413, false],
      [422, 'GW_BAD_REQUEST', 422, false],
      [500, 'GW_UPSTREAM_ERROR', 502, true],
      [503, 'GW_UPSTREAM_ERROR', 502, true],
      [504, 'GW_UPSTREAM_TIMEOUT', 504, true],
    ];
    for (const [status, code, gw, retryable] of cases) {
      const err = mapOpenAIErrorBody(status, { error: { message: 'm', type: 't', param: 'p', code: null } });
      expect([err.code, err.status, err.retryable, err.upstream?.status, err.param]).toEqual([code, gw, retryable, status, 'p']);
    }
  });

  test('other body shapes: {error:string}, {detail}, {message}, plain text, HTML', async () => {
    expect(mapOpenAIErrorBody(404, { error: 'model "x" not found' }).message).toBe('model "x" not found');
    expect(mapOpenAIErrorBody(422, { detail: 'bad field' }).message).toBe('bad field');
    expect(mapOpenAIErrorBody(400, { message: 'oops', code: 12 }).upstream?.code).toBe('12');
    expect((await mapOpenAIError(new Response('upstream said no', { status: 500 }))).message).toBe('upstream said no');
    expect((await mapOpenAIError(new Response('<html><body>502 Bad Gateway</body></html>', { status: 502 }))).message).toBe('Upstream returned HTTP 502.');
    expect((await mapOpenAIError(new Response(null, { status: 503 }))).message).toBe('Upstream returned HTTP 503.');
  });

  test('a huge error body is cut, long messages are clipped', async () => {
    const big = JSON.stringify({ error: { message: 'x'.repeat(200_000) } });
    const err = await mapOpenAIError(res(400, big));
    expect(err.message.length).toBeLessThanOrEqual(1000);
  });
});

describe('insufficient_quota', () => {
  const noCredit = { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } };

  test('a 429 out of credit is GW_QUOTA_EXHAUSTED and not retryable (waiting brings no credit back)', () => {
    const err = mapOpenAIErrorBody(429, noCredit);
    expect([err.code, err.status, err.retryable]).toEqual(['GW_QUOTA_EXHAUSTED', 429, false]);
    expect(err.upstream).toMatchObject({ status: 429, type: 'insufficient_quota', code: 'insufficient_quota' });
  });

  test('recognized by its type alone too; an ordinary 429 stays a retryable rate limit', () => {
    expect(mapOpenAIErrorBody(429, { error: { message: 'm', type: 'insufficient_quota', code: null } }).code).toBe('GW_QUOTA_EXHAUSTED');
    // Moonshot, a one-api / new-api reseller, Zhipu, SiliconFlow.
    for (const body of [
      { error: { message: 'Your account org-x is suspended, please check your plan and billing details', type: 'exceeded_current_quota_error' } },
      { error: { message: '用户额度不足, 剩余额度: ＄0.000000', type: 'new_api_error', code: 'insufficient_user_quota' } },
      { error: { code: '1113', message: '余额不足或无可用资源包,请充值。' } },
      { code: 30001, message: 'Sorry, your account balance is insufficient', data: null },
    ]) expect([body, mapOpenAIErrorBody(429, body).code]).toEqual([body, 'GW_QUOTA_EXHAUSTED']);
    expect(mapOpenAIErrorBody(429, { error: { message: 'Rate limit reached for requests', code: 'rate_limit_exceeded' } }).code).toBe('GW_RATE_LIMITED');
    const limited = mapOpenAIErrorBody(429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } });
    expect([limited.code, limited.retryable]).toEqual(['GW_RATE_LIMITED', true]);
  });
});
