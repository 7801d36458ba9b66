/**
 * The Responses API over a WebSocket, as Codex speaks it to `ws://…/v1/responses`: one
 * `{"type":"response.create",…}` frame per turn, the stream's events back one JSON event per
 * frame, and later turns as `previous_response_id` plus the new items with `store: false`, which
 * the socket answers from its last response. Before, the gateway answered the upgrade 404 and
 * Codex logged "Falling back from WebSockets to HTTPS transport" on every session.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startMockResponses, type MockResponses } from '../helpers/mock-responses-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let mock: MockResponses;
let t: TestGateway;

beforeAll(async () => {
  mock = await startMockResponses({ apiKey: 'sk-resp-000001' });
  t = await startTestGateway(`providers:
  resp: { type: openai-responses, base_url: "${mock.url}", keys: [sk-resp-000001], allow_private_network: true }
`);
});
afterAll(async () => {
  await t?.stop();
  await mock?.stop();
});

type Event = { type: string; [k: string]: any };

/** A socket as Codex opens it: the client key in the upgrade's headers. */
async function open(key = t.key): Promise<{ ws: WebSocket; turn(frame: Record<string, unknown>): Promise<Event[]>; close(): void }> {
  const ws = new WebSocket(`${t.url.replace('http', 'ws')}/v1/responses`, { headers: { authorization: `Bearer ${key}`, originator: 'codex_cli_rs' } } as never);
  const events: Event[] = [];
  let wake = () => {};
  ws.onmessage = (m) => {
    events.push(JSON.parse(String(m.data)));
    wake();
  };
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error('the upgrade was refused'));
  });
  /** Sends a frame and collects events up to the turn's last (`response.completed`, `response.failed` or `error`). */
  const turn = async (frame: Record<string, unknown>): Promise<Event[]> => {
    const from = events.length;
    ws.send(JSON.stringify({ type: 'response.create', ...frame }));
    for (;;) {
      const last = events.at(-1);
      if (events.length > from && last && ['response.completed', 'response.failed', 'error'].includes(last.type)) return events.slice(from);
      await new Promise<void>((r) => (wake = r));
    }
  };
  return { ws, turn, close: () => ws.close() };
}

const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });

test('two turns on one socket: events relayed frame by frame; the second turn, sent as previous_response_id and its new item, reaches the upstream whole', async () => {
  const s = await open();
  const before = mock.requests.length;
  const first = await s.turn({ model: 'resp/gpt-5.4', instructions: 'Be brief.', input: [user('Say hi.')], store: false, stream: true });
  expect(first[0]!.type).toBe('response.created');
  expect(first.some((e) => e.type === 'response.output_text.delta')).toBe(true);
  const done = first.at(-1)!;
  expect(done.type).toBe('response.completed');
  const id = done.response.id as string;
  const output = done.response.output as unknown[];
  expect(output.length).toBeGreaterThan(0);

  const second = await s.turn({ model: 'resp/gpt-5.4', instructions: 'Be brief.', previous_response_id: id, input: [user('Again.')], store: false, stream: true });
  expect(second.at(-1)!.type).toBe('response.completed');
  const sent = mock.requests.slice(before).map((r) => r.body as { input: unknown[]; previous_response_id?: string; store?: boolean; stream?: boolean });
  expect(sent).toHaveLength(2);
  expect(sent[1]!.previous_response_id).toBeUndefined();
  expect(sent[1]!.input).toEqual([user('Say hi.'), ...output, user('Again.')]);
  expect(sent[1]!.stream).toBe(true);
  s.close();
});

test('an upstream refusal is one error frame with its status; the socket then serves the next turn', async () => {
  const s = await open();
  mock.script([{ status: 400 }]);
  const failed = await s.turn({ model: 'resp/gpt-5.4', input: [user('hi')], store: false });
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatchObject({ type: 'error', status: 400, error: { type: 'invalid_request_error' } });
  expect(failed[0]!.error.message).toContain('Mock fault 400');
  const ok = await s.turn({ model: 'resp/gpt-5.4', input: [user('hi')], store: false });
  expect(ok.at(-1)!.type).toBe('response.completed');
  // An unknown model: the gateway's own 404, as the POST would get it.
  const unknown = await s.turn({ model: 'nowhere/x', input: [user('hi')] });
  expect(unknown[0]).toMatchObject({ type: 'error', status: 404 });
  s.close();
});

test('a frame that is not a response.create is answered with an error frame', async () => {
  const s = await open();
  const events: Event[] = [];
  s.ws.onmessage = (m) => events.push(JSON.parse(String(m.data)));
  s.ws.send('not json');
  s.ws.send(JSON.stringify({ type: 'response.cancel' }));
  s.ws.send(JSON.stringify({ type: 'response.processed', response_id: 'resp_1' }));
  await Bun.sleep(100);
  expect(events.map((e) => [e.type, e.status])).toEqual([['error', 400], ['error', 400]]);
  s.close();
});

test('without a valid client key the upgrade is refused with a 401 in the OpenAI shape', async () => {
  const res = await fetch(`${t.url}/v1/responses`, {
    headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13', authorization: 'Bearer sy-not-a-key' },
  });
  expect(res.status).toBe(401);
  expect(((await res.json()) as { error: { message: string } }).error.message).toContain('Invalid API key');
  await expect(open('sy-not-a-key')).rejects.toThrow('refused');
});

test('a socket closed mid-turn closes the upstream request at once', async () => {
  const s = await open();
  const before = mock.requests.length;
  let first = () => {};
  const started = new Promise<void>((r) => (first = r));
  s.ws.onmessage = () => first();
  mock.script([{ eventDelayMs: 200 }]);
  s.ws.send(JSON.stringify({ type: 'response.create', model: 'resp/gpt-5.4', input: [user('Write a long story.')], store: false }));
  await started;
  s.close();
  // Within a second (10 ms here), long before the stream's end.
  for (let i = 0; i < 100 && !mock.requests[before]?.aborted; i++) await Bun.sleep(10);
  expect(mock.requests[before]!.aborted).toBe(true);
});

test('a warm-up frame (generate: false) is answered by the socket, nothing asked upstream; the turn that follows goes whole', async () => {
  const s = await open();
  const before = mock.requests.length;
  const warm = await s.turn({ model: 'resp/gpt-5.4', instructions: 'Be brief.', input: [user('Fix the bug.')], store: false, generate: false });
  expect(warm.map((e) => e.type)).toEqual(['response.created', 'response.completed']);
  expect(warm[1]!.response.output).toEqual([]);
  expect(mock.requests.length).toBe(before);
  const turn = await s.turn({ model: 'resp/gpt-5.4', instructions: 'Be brief.', previous_response_id: warm[1]!.response.id, input: [], store: false });
  expect(turn.at(-1)!.type).toBe('response.completed');
  expect((mock.requests.at(-1)!.body as { input: unknown[] }).input).toEqual([user('Fix the bug.')]);
  s.close();
});

test('the API docs list the WebSocket beside POST /v1/responses', async () => {
  const spec = (await (await fetch(`${t.url}/docs/openapi.json`)).json()) as { paths: Record<string, { get?: { summary: string }; post?: unknown }> };
  expect(spec.paths['/v1/responses']!.post).toBeDefined();
  expect(spec.paths['/v1/responses']!.get!.summary).toContain('WebSocket');
});

test('a rate limit: the error frame carries the status and the retry-after a POST would have had', async () => {
  const s = await open();
  mock.script([{ status: 429, retryAfter: 7 }]);
  const failed = await s.turn({ model: 'resp/gpt-5.4', input: [user('hi')], store: false });
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatchObject({ type: 'error', status: 429, headers: { 'retry-after': '7' } });
  expect(failed[0]!.headers['x-request-id']).toStartWith('req_');
  s.close();
});
