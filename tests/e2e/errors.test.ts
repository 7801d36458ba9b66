import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/** Bad input gets a clear OpenAI-shaped error with the right status; the process stays up. */
let up: MockOpenAI;
let t: TestGateway;

beforeAll(async () => {
  up = await startMockOpenAI();
  t = await startTestGateway(`
server: { body_limit_mb: 1 }
providers:
  up: { type: openai, base_url: "${up.url}", keys: [sk-upstream-key-1], allow_private_network: true }
`);
});
afterAll(async () => {
  await t.stop();
  await up.stop();
});

const chat = (body: BodyInit, headers: Record<string, string> = {}) =>
  t.fetch('/v1/chat/completions', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

async function expectError(res: Response, status: number, pattern: RegExp) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { message: string; type: string } };
  expect(body.error.message).toMatch(pattern);
  expect(typeof body.error.type).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+|node_modules|stack/i);
  return body;
}

const valid = { model: 'up/gpt-4o', messages: [{ role: 'user', content: 'hi' }] };

describe('client errors', () => {
  test('no key and bad key → 401', async () => {
    await expectError(await chat(JSON.stringify(valid), { authorization: '' }), 401, /missing api key.*"Authorization: Bearer <key>"/i);
    await expectError(await chat(JSON.stringify(valid), { authorization: 'Bearer sy-nope' }), 401, /invalid api key/i);
    const viaHeader = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST', body: JSON.stringify(valid), headers: { 'x-api-key': t.key, 'content-type': 'application/json' },
    });
    expect(viaHeader.status).toBe(200);
    // The hint names the header the client's own SDK uses.
    const anthropic = await fetch(`${t.url}/v1/messages`, {
      method: 'POST', body: JSON.stringify({ ...valid, max_tokens: 5 }), headers: { 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    });
    expect(anthropic.status).toBe(401);
    expect(((await anthropic.json()) as { error: { message: string } }).error.message).toContain('"x-api-key: <key>"');
  });

  test('unknown model → 404', async () => {
    const body = await expectError(await chat(JSON.stringify({ ...valid, model: 'nobody/none' })), 404, /does not exist/);
    expect(body.error.type).toBe('invalid_request_error');
  });

  test('malformed JSON, wrong types, deep nesting, invalid UTF-8 → 400', async () => {
    await expectError(await chat('{"model": "up/gpt-4o", "messages": [}'), 400, /not valid JSON/);
    await expectError(await chat(JSON.stringify({ ...valid, messages: 'hello' })), 400, /messages/);
    await expectError(await chat(JSON.stringify({ ...valid, temperature: 'hot' })), 400, /temperature/);
    const deep = `{"model":"up/gpt-4o","messages":[{"role":"user","content":"x"}],"metadata":${'['.repeat(100)}${']'.repeat(100)}}`;
    await expectError(await chat(deep), 400, /deeper than 64/);
    const bad = new Uint8Array([...new TextEncoder().encode('{"model":"up/gpt-4o","messages":[{"role":"user","content":"'), 0xc3, 0x28, ...new TextEncoder().encode('"}]}')]);
    await expectError(await chat(bad), 400, /UTF-8/);
  });

  test('a body over the limit → 413 before it is read', async () => {
    const big = JSON.stringify({ ...valid, messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }] });
    const before = up.requests.length;
    // The answer names the setting that raises the limit (an agent's history of screenshots grows past it).
    await expectError(await chat(big), 413, /exceeds the limit of 1 MB\. The gateway's limit is server\.body_limit_mb in its config\./);
    expect(up.requests.length).toBe(before);
  });

  test('upstream 4xx passes through in OpenAI shape with its status', async () => {
    up.script([{ status: 400, body: { error: { message: 'max_tokens is too large', type: 'invalid_request_error', param: 'max_tokens', code: null } } }]);
    const body = await expectError(await chat(JSON.stringify(valid)), 400, /max_tokens is too large/);
    expect(body.error.type).toBe('invalid_request_error');
    up.script([{ status: 422 }]);
    expect((await chat(JSON.stringify(valid))).status).toBe(422);
  });

  test('the process stays up and serves after all of that', async () => {
    const res = await chat(JSON.stringify(valid));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });

  test('unknown /v1 endpoint → 404 JSON', async () => {
    const res = await t.fetch('/v1/nothing-here');
    await expectError(res, 404, /Unknown endpoint/);
  });
});
