import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/**
 * Fallback before the commit point is invisible to the client; after it, exactly one error
 * event and no `[DONE]`. A client that leaves aborts the upstream at once.
 */
let a: MockOpenAI;
let b: MockOpenAI;
let t: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  a = await startMockOpenAI();
  b = await startMockOpenAI();
  // Port 9 on loopback: nothing listens there, so the connection is refused.
  t = await startTestGateway(`
providers:
  a: { type: openai, base_url: "${a.url}", keys: [sk-a-1234567], allow_private_network: true, timeouts: { first_byte_ms: 300 } }
  b: { type: openai, base_url: "${b.url}", keys: [sk-b-1234567], allow_private_network: true }
  dead: { type: openai, base_url: "http://127.0.0.1:9/v1", keys: [sk-d-1234567], allow_private_network: true }
combos:
  ab: { models: [a/gpt-4o, b/gpt-4o] }
  dead-then-b: { models: [dead/gpt-4o, b/gpt-4o] }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await a.stop();
  await b.stop();
});

const ask = (model: string, content = 'fallback please') =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content }] });

async function lastRow() {
  t.gw.usage.flush();
  return t.gw.usage.recent(1)[0];
}

describe('fallback before the commit point', () => {
  test('first target 500 → second serves invisibly', async () => {
    a.script([{ status: 500 }]);
    const r = await ask('ab');
    expect(r.choices[0].message.content).toBe('fallback please');
    expect(b.requests.at(-1)?.completed).toBe(true);
    const row = await lastRow();
    expect(row.provider).toBe('b');
    expect(row.attempts).toBe(2);
  });

  test('first target refuses the body as too large (413, a proxy\'s HTML page) → second serves', async () => {
    const page = '<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 Request Entity Too Large</h1></center><hr><center>openresty</center></body></html>';
    a.script([{ status: 413, body: page, headers: { 'content-type': 'text/html' } }]);
    const r = await ask('ab', 'a long session');
    expect(r.choices[0].message.content).toBe('a long session');
    expect((await lastRow()).provider).toBe('b');
  });

  test('connection refused → second serves', async () => {
    const r = await ask('dead-then-b', 'after refusal');
    expect(r.choices[0].message.content).toBe('after refusal');
  });

  test('slow first byte → second serves, without waiting for the slow one', async () => {
    a.script([{ firstByteDelayMs: 3000 }]);
    const t0 = performance.now();
    const r = await ask('ab', 'too slow');
    expect(r.choices[0].message.content).toBe('too slow');
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  test('stream: failure before any content falls back invisibly', async () => {
    a.script([{ dropAfterChunks: 0 }]);
    const stream = await client.chat.completions.create({ model: 'ab', stream: true, messages: [{ role: 'user', content: 'still streams' }] });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('still streams');
  });

  test('a request too long for the first model falls back to the next; another 400 does not', async () => {
    const before = b.requests.length;
    a.script([{
      status: 400,
      body: { error: { message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9500 tokens. Please reduce the length of the messages.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } },
    }]);
    const r = await ask('ab', 'a very long prompt');
    expect(r.choices[0].message.content).toBe('a very long prompt');
    expect(b.requests.length).toBe(before + 1);
    expect(await lastRow()).toMatchObject({ provider: 'b', attempts: 2, status: 'ok' });

    a.script([{ status: 400, body: { error: { message: "Invalid value for 'temperature'.", type: 'invalid_request_error', param: 'temperature', code: 'invalid_value' } } }]);
    const err = await ask('ab', 'bad param').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('temperature');
    expect(b.requests.length).toBe(before + 1);
  });

  test('a single target that always fails passes its error through', async () => {
    a.script([{ status: 503, body: { error: { message: 'The engine is currently overloaded', type: 'server_error' } } }]);
    const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'a/gpt-4o', messages: [{ role: 'user', content: 'x' }] } });
    // Upstream 5xx reach the client as 502 (bad gateway) with the upstream's message.
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain('The engine is currently overloaded');
  });
});

describe('after the commit point', () => {
  test('mid-stream upstream drop → one error event, no [DONE], usage row error_midstream', async () => {
    a.script([{ dropAfterChunks: 2 }]);
    const res = await t.fetch('/v1/chat/completions', {
      method: 'POST', json: { model: 'ab', stream: true, messages: [{ role: 'user', content: 'one two three four five six' }] },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    const frames = text.split('\n\n').filter((f) => f.startsWith('data: '));
    const errors = frames.filter((f) => f.includes('"error"'));
    expect(errors).toHaveLength(1);
    expect(text).not.toContain('[DONE]');
    expect(text).not.toContain('"finish_reason":"stop"');
    expect(b.requests.filter((r) => JSON.stringify(r.body).includes('one two three four five six'))).toHaveLength(0);
    const row = await lastRow();
    expect(row.status).toBe('error_midstream');
    expect(row.provider).toBe('a');
  });

  test('the SDK surfaces a mid-stream error as an exception', async () => {
    a.script([{ dropAfterChunks: 2 }]);
    const stream = await client.chat.completions.create({ model: 'a/gpt-4o', stream: true, messages: [{ role: 'user', content: 'a b c d e f g' }] });
    let got = '';
    const consume = async () => {
      for await (const c of stream) got += c.choices[0]?.delta.content ?? '';
    };
    await expect(consume()).rejects.toThrow();
    expect(got.length).toBeGreaterThan(0);
  });

  test('client disconnect mid-stream closes the upstream within 1 s; usage row client_cancelled', async () => {
    a.script([{ chunkDelayMs: 200 }]);
    const ctl = new AbortController();
    const res = await t.fetch('/v1/chat/completions', {
      method: 'POST', signal: ctl.signal,
      json: { model: 'a/gpt-4o', stream: true, messages: [{ role: 'user', content: 'w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12' }] },
    });
    const reader = res.body!.getReader();
    await reader.read();
    const closedBefore = a.closedConnections;
    const t0 = performance.now();
    ctl.abort();
    await a.waitFor(() => a.closedConnections > closedBefore, 1000);
    expect(performance.now() - t0).toBeLessThan(1000);
    await Bun.sleep(50);
    const row = await lastRow();
    expect(row.status).toBe('client_cancelled');
  });
});

describe('a non-streamed request the client leaves while the upstream answers', () => {
  test('the call it started counts: client_cancelled with an estimate of the input, named provider', async () => {
    b.script([{ firstByteDelayMs: 400 }]);
    const seen = b.requests.length;
    const ctl = new AbortController();
    const pending = t.fetch('/v1/chat/completions', {
      method: 'POST', signal: ctl.signal,
      json: { model: 'b/gpt-4o', messages: [{ role: 'user', content: 'a long question '.repeat(50) }] },
    }).catch(() => undefined);
    await b.waitFor(() => b.requests.length > seen, 1000);
    ctl.abort();
    await pending;
    await Bun.sleep(100);
    const row = await lastRow();
    expect(row).toMatchObject({ status: 'client_cancelled', provider: 'b', estimated: true });
    expect(row.inputTokens).toBeGreaterThan(100);
  });
});

describe('keep-alive while the upstream is silent', () => {
  test('an SSE comment is sent every keepalive interval', async () => {
    await t.writeConfig(`
server: { keepalive_ms: 100 }
providers:
  a: { type: openai, base_url: "${a.url}", keys: [sk-a-1234567], allow_private_network: true }
`);
    a.script([{ chunkDelayMs: 350 }]);
    const res = await t.fetch('/v1/chat/completions', {
      method: 'POST', json: { model: 'a/gpt-4o', stream: true, messages: [{ role: 'user', content: 'slow words here' }] },
    });
    const text = await res.text();
    expect(text).toContain(': keep-alive\n\n');
    expect(text).toContain('[DONE]');
  });
});
