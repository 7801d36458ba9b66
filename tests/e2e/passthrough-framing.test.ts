/**
 * The passthrough lane's stream framing against an upstream that sends its SSE bytes in awkward
 * pieces: events split across chunks with pauses inside them, a drop mid-event, an error event
 * or a malformed frame after content, a JSON body to a stream request. The client must only
 * ever see whole events, and after a failure exactly one error event and no `[DONE]`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

type Step = string | { pauseMs: number } | 'drop';

/** What the scripted upstream does next, one script per request. */
const scripts: Step[][] = [];
let upstream: ReturnType<typeof Bun.serve>;
let t: TestGateway;

const chunk = (text: string, extra = '') =>
  `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(text)}},"finish_reason":null}]${extra}}\n\n`;
const finish = 'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n';

beforeAll(async () => {
  upstream = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch() {
      const steps = scripts.shift() ?? [chunk('ok'), finish, 'data: [DONE]\n\n'];
      if (typeof steps[0] === 'string' && steps[0].startsWith('{')) {
        return new Response(steps[0], { headers: { 'content-type': 'application/json' } });
      }
      const enc = new TextEncoder();
      return new Response(new ReadableStream({
        async pull(ctl) {
          for (const s of steps) {
            if (s === 'drop') return ctl.error(new Error('dropped'));
            if (typeof s === 'string') ctl.enqueue(enc.encode(s));
            else await Bun.sleep(s.pauseMs);
          }
          ctl.close();
        },
      }), { headers: { 'content-type': 'text/event-stream' } });
    },
  });
  t = await startTestGateway(`
server: { keepalive_ms: 40 }
providers:
  up: { type: openai, base_url: "http://127.0.0.1:${upstream.port}/v1", keys: [sk-up-1234567], allow_private_network: true }
  resp: { type: openai-responses, base_url: "http://127.0.0.1:${upstream.port}/v1", keys: [sk-up-1234567], allow_private_network: true }
`);
});
afterAll(async () => {
  await t.stop();
  upstream.stop(true);
});

/** The raw SSE text the client gets for one streamed request. */
async function rawStream(steps: Step[]): Promise<string> {
  scripts.push(steps);
  const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'up/m', stream: true, messages: [{ role: 'user', content: 'hi' }] } });
  expect(res.status).toBe(200);
  return res.text();
}

/** Each event's data, parsed; throws on an event that is not whole JSON (or [DONE]). */
function events(raw: string): unknown[] {
  return raw.split('\n\n').filter((e) => e.trim().length > 0).flatMap((e) => {
    const lines = e.split('\n').filter((l) => !l.startsWith(':') && !l.startsWith('event:'));
    if (lines.length === 0) return [];
    const data = lines.map((l) => l.replace(/^data: ?/, '')).join('\n');
    return [data === '[DONE]' ? '[DONE]' : JSON.parse(data)];
  });
}

describe('passthrough SSE framing', () => {
  test('an event split across chunks with a pause inside: the keep-alive waits for its end', async () => {
    const whole = chunk(' there');
    // 600 ms: keep-alives are looked at every 250 ms at most (a process-wide sweeper).
    const raw = await rawStream([chunk('Hello'), { pauseMs: 20 }, whole.slice(0, 30), { pauseMs: 600 }, whole.slice(30), chunk(' again'), finish, 'data: [DONE]\n\n']);
    expect(raw).toContain(': keep-alive');
    const parsed = events(raw);
    expect(parsed.at(-1)).toBe('[DONE]');
    expect(raw).toContain(whole);
  });

  test('an event whose blank line is split between two reads leaves as soon as its end arrives', async () => {
    const first = chunk('first');
    scripts.push([first.slice(0, -1), { pauseMs: 20 }, '\n', { pauseMs: 600 }, finish, 'data: [DONE]\n\n']);
    const t0 = performance.now();
    const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'up/m', stream: true, messages: [{ role: 'user', content: 'hi' }] } });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('first')) {
      const r = await reader.read();
      if (r.done) break;
      text += new TextDecoder().decode(r.value);
    }
    expect(performance.now() - t0).toBeLessThan(400);
    while (!(await reader.read()).done) { /* drain */ }
  });

  test('a drop in the middle of an event: the half event is not sent, one error event is, no [DONE]', async () => {
    const whole = chunk('second');
    const half = whole.slice(0, whole.indexOf('second') + 6);
    const raw = await rawStream([chunk('first'), { pauseMs: 20 }, half, { pauseMs: 20 }, 'drop']);
    const parsed = events(raw);
    expect(parsed.filter((e) => typeof e === 'object' && e !== null && 'error' in e)).toHaveLength(1);
    expect(parsed).not.toContain('[DONE]');
    expect(raw).not.toContain('second');
    // The usage row names what broke the stream, not a generic mid-stream failure.
    await t.settled();
    t.gw.usage.flush();
    expect(t.gw.usage.recent(1)[0]).toMatchObject({ status: 'error_midstream', errorCode: 'GW_UPSTREAM_CONNECT' });
  });

  test('an upstream error event after content: one error event in the client dialect, nothing after it', async () => {
    // (The pause lets the content reach the client first: an error in the first read is a plain 502.)
    const raw = await rawStream([chunk('partial'), { pauseMs: 20 }, 'data: {"error":{"message":"model overloaded","type":"server_error"}}\n\n', 'data: [DONE]\n\n']);
    const parsed = events(raw);
    expect(parsed.filter((e) => typeof e === 'object' && e !== null && 'error' in e)).toHaveLength(1);
    expect(parsed).not.toContain('[DONE]');
  });

  test('a malformed frame after content: an error event, not a normal end', async () => {
    const raw = await rawStream([chunk('partial'), { pauseMs: 20 }, 'data: {"id":"c1","choices":[{\n\n', chunk('more'), finish, 'data: [DONE]\n\n']);
    const parsed = events(raw.replace('data: {"id":"c1","choices":[{\n\n', ''));
    expect(parsed.filter((e) => typeof e === 'object' && e !== null && 'error' in e)).toHaveLength(1);
    expect(parsed).not.toContain('[DONE]');
    await t.settled();
    t.gw.usage.flush();
    expect(t.gw.usage.recent(1)[0]!.status).toBe('error_midstream');
  });

  test('Responses: the error event after a drop continues the upstream\'s sequence numbers', async () => {
    const ev = (type: string, seq: number, body: Record<string, unknown>) =>
      `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq, ...body })}\n\n`;
    const response = { id: 'resp_1', object: 'response', created_at: 1, status: 'in_progress', model: 'm', output: [] };
    const item = { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    scripts.push([
      ev('response.created', 0, { response }),
      ev('response.in_progress', 1, { response }),
      ev('response.output_item.added', 2, { output_index: 0, item }),
      ev('response.content_part.added', 3, { item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
      ev('response.output_text.delta', 4, { item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'partial' }),
      { pauseMs: 20 },
      'drop',
    ]);
    const res = await t.fetch('/v1/responses', { method: 'POST', json: { model: 'resp/m', stream: true, input: 'hi' } });
    expect(res.status).toBe(200);
    const parsed = events(await res.text()) as Array<{ type?: string; sequence_number?: number }>;
    expect(parsed.map((e) => e.type)).toEqual([
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'error',
    ]);
    expect(parsed.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('the OpenAI SDK reads a stream whose events arrive byte by byte', async () => {
    const all = chunk('Hi') + chunk(' there') + finish + 'data: [DONE]\n\n';
    scripts.push([...all].map((c) => c));
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
    let text = '';
    for await (const c of await client.chat.completions.create({ model: 'up/m', stream: true, messages: [{ role: 'user', content: 'hi' }] })) {
      text += c.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('Hi there');
  });

  test('a JSON reply to a stream request is served, not refused as truncated', async () => {
    scripts.push([JSON.stringify({
      id: 'c2', object: 'chat.completion', created: 1, model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'as json' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    })]);
    const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'up/m', stream: true, messages: [{ role: 'user', content: 'hi' }] } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('as json');
  });
});
