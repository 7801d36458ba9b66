import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createSseParser } from '../../core/util/sse.ts';
import { startMockAnthropic, type MockAnthropic } from './mock-anthropic-upstream.ts';

const FIX = `${import.meta.dir}/../../../shared/fixtures/anthropic`;
let mock: MockAnthropic;
beforeAll(async () => { mock = await startMockAnthropic(); });
afterAll(async () => { await mock.stop(); });

const ok = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${mock.url}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });
}

async function problem(body: unknown): Promise<string> {
  const res = await post(body);
  expect(res.status).toBe(400);
  const json = await res.json();
  expect(json.type).toBe('error');
  expect(json.error.type).toBe('invalid_request_error');
  return json.error.message;
}

describe('mock Anthropic upstream', () => {
  test('answers a valid request with the message shape of message.json', async () => {
    const fixture = await Bun.file(`${FIX}/message.json`).json();
    const res = await post(ok);
    expect(res.status).toBe(200);
    const msg = await res.json();
    expect(Object.keys(msg).sort()).toEqual(Object.keys(fixture).sort());
    expect(msg.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(mock.requests.at(-1)?.headers['anthropic-version']).toBe('2023-06-01');
  });

  test('enforces the API rules', async () => {
    expect(await problem({ ...ok, max_tokens: undefined })).toContain('max_tokens');
    expect(await problem({ ...ok, n: 2 })).toContain('Extra inputs');
    expect(await problem({ ...ok, temperature: 1.5 })).toContain('temperature');
    expect(await problem({ ...ok, messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] })).toContain('alternate');
    expect(await problem({ ...ok, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: 'r' }] }] })).toContain('tool_use_id');
    expect(await problem({ ...ok, thinking: { type: 'enabled', budget_tokens: 2000 } })).toContain('max_tokens');
    expect(await problem({
      ...ok, messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 'foreign' }, { type: 'text', text: 'b' }] }, { role: 'user', content: 'c' }],
    })).toContain('signature');
    expect(await problem({
      ...ok, messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] }, { role: 'user', content: 'no result' }],
    })).toContain('tool_result');
    expect(await problem({ ...ok, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] })).toContain('non-empty');
    const noVersion = await post(ok, { 'anthropic-version': '' });
    expect(noVersion.status).toBe(400);
  });

  test('streams in the fixture event order: text, ping after the first block, tool_use fragments', async () => {
    const fixture = await Bun.file(`${FIX}/stream-tool-use.sse`).text();
    const tools = [{ name: 'get_weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }];
    const res = await post({ ...ok, stream: true, tools, messages: [{ role: 'user', content: 'weather in Paris?' }] });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = (text: string) => {
      const p = createSseParser();
      return [...p.push(text), ...p.end()].map((e) => e.event);
    };
    const dedupe = (list: Array<string | undefined>) => list.filter((e, i) => e !== list[i - 1]);
    expect(dedupe(events(await res.text()))).toEqual(dedupe(events(fixture)));
  });

  test('scripted faults: 529, retry-after, then normal', async () => {
    mock.script([{ overloaded: true }, { status: 429, retryAfter: 5 }]);
    const first = await post(ok);
    expect(first.status).toBe(529);
    expect(await first.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_mock529' });
    const limited = await post(ok);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '5']);
    expect((await post(ok)).status).toBe(200);
  });

  test('faults in streams: drop, malformed frame, error event; client disconnects are seen', async () => {
    const stream = { ...ok, stream: true };
    mock.script([{ dropAfterEvents: 2 }]);
    await expect(post(stream).then((r) => r.text())).rejects.toThrow();
    mock.script([{ malformed: true }]);
    expect(await (await post(stream)).text()).toContain('data: {"type":"content_block_delta","index":0,\n');
    mock.script([{ streamErrorAfterEvents: 1 }]);
    const errText = await (await post(stream)).text();
    expect(errText.endsWith('event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n')).toBe(true);
    expect(errText).not.toContain('message_stop');
    mock.script([{ hang: true }]);
    const ac = new AbortController();
    const pending = fetch(`${mock.url}/messages`, { method: 'POST', body: JSON.stringify(ok), headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' }, signal: ac.signal }).catch(() => 'aborted');
    await mock.waitFor(() => mock.requests.at(-1)?.fault?.hang === true);
    ac.abort();
    expect(await pending).toBe('aborted');
    await mock.waitFor(() => mock.closedConnections > 0);
  });
});
