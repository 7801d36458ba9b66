import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { createSseParser } from '../../core/util/sse.ts';
import { startMockResponses, type MockResponses } from './mock-responses-upstream.ts';

const FIXTURES = `${import.meta.dir}/../../../shared/fixtures/openai`;
let mock: MockResponses;

beforeAll(async () => {
  mock = await startMockResponses();
});
afterAll(() => mock.stop());

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${mock.url}/responses`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

function events(text: string): Array<{ event?: string; json: Record<string, any> }> {
  const p = createSseParser();
  return [...p.push(text), ...p.end()].map((e) => ({ event: e.event, json: JSON.parse(e.data) }));
}

describe('mock Responses upstream', () => {
  test('a JSON reply has the keys of responses-text.json', async () => {
    const fixture = JSON.parse(readFileSync(`${FIXTURES}/responses-text.json`, 'utf8'));
    const body = await (await post({ model: 'gpt-5.4', input: 'Tell me a story.' })).json();
    expect(Object.keys(body).sort()).toEqual([...Object.keys(fixture), 'service_tier'].sort());
    expect(Object.keys(body.output[0]).sort()).toEqual([...Object.keys(fixture.output[0])].sort());
    expect(body.output[0].content[0].text).toBe('Tell me a story.');
  });

  test('a text stream follows responses-stream.sse: same event order, framing, sequence numbers', async () => {
    const fixtureTypes = events(readFileSync(`${FIXTURES}/responses-stream.sse`, 'utf8')).map((e) => e.event);
    const res = await post({ model: 'gpt-5.4', input: 'Hi there friend', stream: true });
    expect(res.headers.get('content-type')).toStartWith('text/event-stream');
    const text = await res.text();
    expect(text).toStartWith('event: response.created\ndata: {"type":"response.created","response":{');
    const got = events(text);
    expect(got.map((e) => e.event).filter((t, i, a) => t !== a[i - 1])).toEqual(fixtureTypes);
    expect(got.map((e) => e.json.sequence_number)).toEqual(got.map((_, i) => i));
    expect(got.filter((e) => e.event === 'response.output_text.delta').length).toBe(3);
  });

  test('function calls stream argument deltas; reasoning carries encrypted_content when included', async () => {
    const tools = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }];
    const got = events(await (await post({
      model: 'm', input: 'weather in Paris?', tools, stream: true,
      reasoning: { effort: 'low', summary: 'auto' }, include: ['reasoning.encrypted_content'],
    })).text());
    const done = got.filter((e) => e.event === 'response.output_item.done').map((e) => e.json.item);
    expect(done.map((i) => i.type)).toEqual(['reasoning', 'function_call']);
    expect(done[0].encrypted_content).toStartWith('gAAAAB');
    expect(got.filter((e) => e.event === 'response.function_call_arguments.delta').map((e) => e.json.delta).join('')).toBe('{"city":"Paris"}');
  });

  test.each([
    [{ model: 'm', input: 'x', max_tokens: 5 }, 400, "Unknown parameter: 'max_tokens'."],
    [{ input: 'x' }, 400, "Missing required parameter: 'model'."],
    [{ model: 'm', input: [{ type: 'function_call_output', call_id: 'c1', output: 'x' }] }, 400, 'No tool call found for function call output with call_id c1.'],
    [{ model: 'm', input: 'x', tools: [{ type: 'function', function: { name: 'f' } }] }, 400, "Unknown parameter: 'tools[0].function'."],
    [{ model: 'm', input: 'x', max_output_tokens: 5 }, 400, 'Expected a value >= 16'],
    [{ model: 'm', input: [{ type: 'reasoning', id: 'rs_1', summary: [] }], store: false }, 404, 'Items are not persisted when `store` is set to false'],
    [{ model: 'm', input: [{ type: 'reasoning', summary: [], encrypted_content: 'not-ours' }] }, 400, 'could not be verified'],
    [{ model: 'm', input: 'x', previous_response_id: 'resp_1' }, 404, "Previous response with id 'resp_1' not found."],
  ])('rejects %j like the API', async (body, status, message) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    const err = (await res.json()).error;
    expect(err.message).toContain(message);
    expect(Object.keys(err).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(mock.requests.at(-1)!.rejected).toContain(message);
  });

  test('faults: status with retry-after, first-byte delay, drop after N events, hang', async () => {
    mock.script([{ status: 429, retryAfter: 3 }, { firstByteDelayMs: 120 }, { dropAfterEvents: 3 }]);
    const limited = await post({ model: 'm', input: 'x' });
    expect([limited.status, limited.headers.get('retry-after'), (await limited.json()).error.code]).toEqual([429, '3', 'rate_limit_exceeded']);
    const t0 = performance.now();
    await (await post({ model: 'm', input: 'x' })).text();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100);
    const dropped = await post({ model: 'm', input: 'one two', stream: true });
    const text = await dropped.text().catch(() => 'broken');
    expect(text).not.toContain('response.completed');

    mock.script([{ hang: true }]);
    const ctrl = new AbortController();
    const hung = fetch(`${mock.url}/responses`, { method: 'POST', body: '{"model":"m","input":"x"}', signal: ctrl.signal }).catch((e) => e);
    await mock.waitFor(() => mock.requests.some((r) => r.fault?.hang));
    ctrl.abort();
    expect(await hung).toBeInstanceOf(Error);
  });

  test('requires the API key when configured', async () => {
    const keyed = await startMockResponses({ apiKey: 'sk-k' });
    try {
      const res = await fetch(`${keyed.url}/responses`, { method: 'POST', body: '{"model":"m","input":"x"}' });
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('invalid_api_key');
    } finally {
      await keyed.stop();
    }
  });
});
