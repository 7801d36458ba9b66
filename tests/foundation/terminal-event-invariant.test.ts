/**
 * The invariant of DESIGN.md: every `request:received` gets exactly one `response:completed`
 * or `request:failed`. A mix of outcomes runs against one gateway (each request named by its
 * own `X-Request-Id`): success, unknown model, upstream 500, fallback, streams that finish,
 * drop mid-way or are cancelled by the client, the normalized and the passthrough lane, another
 * dialect, concurrent requests. Requests refused before decoding (401, malformed JSON) are not
 * received at all.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { join } from 'node:path';
import type { GatewayEvents } from '../../core/bus/events.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { chatBody, postChat, waitUntil } from './foundation-kit.ts';

let faulty: MockOpenAI;
let clean: MockOpenAI;
let t: TestGateway;

type Terminal = { kind: 'completed' } | { kind: 'failed'; status: number; usageStatus: string };
const received = new Map<string, number>();
/** The gateway's request id → the test's name for the request (its X-Request-Id). */
const names = new Map<string, string>();
const terminals = new Map<string, Terminal[]>();
const offs: Array<() => void> = [];

beforeAll(async () => {
  faulty = await startMockOpenAI();
  clean = await startMockOpenAI();
  t = await startTestGateway(`
providers:
  faulty: { type: openai, base_url: ${faulty.url}, keys: [sk-test-faulty-000000], allow_private_network: true }
  clean:  { type: openai, base_url: ${clean.url}, keys: [sk-test-clean-000000], allow_private_network: true }
  mock:   { type: mock }
combos:
  fallback: { models: [faulty/first, clean/second] }
`);
  const push = (gatewayId: string, x: Terminal): void => {
    const id = names.get(gatewayId) ?? gatewayId;
    terminals.set(id, [...(terminals.get(id) ?? []), x]);
  };
  offs.push(
    // The test names its requests by X-Request-Id; the gateway's own ids map back to them.
    t.gw.bus.on('request:received', (e: GatewayEvents['request:received']) => {
      const name = e.clientRequestId ?? e.id;
      names.set(e.id, name);
      received.set(name, (received.get(name) ?? 0) + 1);
    }),
    t.gw.bus.on('response:completed', (e) => push(e.id, { kind: 'completed' })),
    t.gw.bus.on('request:failed', (e) => push(e.id, { kind: 'failed', status: e.status, usageStatus: e.usageStatus })),
  );
});

afterAll(async () => {
  for (const off of offs) off();
  await t.stop();
  await faulty.stop();
  await clean.stop();
});

function chat(id: string, body: unknown, init: RequestInit & { key?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('x-request-id', id);
  return postChat(t.url, init.key === null ? undefined : (init.key ?? t.key), body, { ...init, headers });
}

/** Reads `n` chunks of a streamed body, then aborts the request. */
async function cancelAfter(res: Response, ctl: AbortController, n: number): Promise<void> {
  const reader = res.body!.getReader();
  for (let i = 0; i < n; i++) await reader.read();
  ctl.abort();
  await reader.cancel().catch(() => undefined);
}

test('every received request ends in exactly one terminal event', async () => {
  const expected = new Map<string, Terminal['kind'] | { status?: number; usageStatus?: string }>();
  const drain = async (r: Response) => void (await r.arrayBuffer().catch(() => undefined));

  // Refused before decoding: never received.
  await drain(await chat('inv-401', chatBody('clean/m'), { key: null }));
  await drain(await chat('inv-400', undefined, { body: '{broken' }));
  await drain(await chat('inv-bad-key', chatBody('clean/m'), { key: 'sy-wrongwrongwrongwrong' }));

  // Sequential: each fault of the faulty upstream belongs to one request.
  await drain(await chat('inv-ok', chatBody('faulty/m')));
  expected.set('inv-ok', 'completed');
  await drain(await chat('inv-404', chatBody('nowhere/m')));
  expected.set('inv-404', { status: 404, usageStatus: 'rejected' });
  faulty.script([{ status: 500 }]);
  const r500 = await chat('inv-500', chatBody('faulty/m'));
  expect(r500.status).toBe(502);
  await drain(r500);
  expected.set('inv-500', { status: 500, usageStatus: 'error' }); // the event keeps the upstream's status
  faulty.script([{ status: 500 }]);
  await drain(await chat('inv-fallback', chatBody('fallback')));
  expected.set('inv-fallback', 'completed');
  faulty.script([{ dropAfterChunks: 2 }]);
  await drain(await chat('inv-drop', chatBody('faulty/m', 'one two three four five', { stream: true })));
  expected.set('inv-drop', { usageStatus: 'error_midstream' });

  faulty.script([{ chunkDelayMs: 80 }]);
  const c1 = new AbortController();
  const cancelled = await chat('inv-cancel-stream', chatBody('faulty/m', 'one two three four five six', { stream: true }), { signal: c1.signal });
  await cancelAfter(cancelled, c1, 2);
  expected.set('inv-cancel-stream', { usageStatus: 'client_cancelled' });

  faulty.script([{ firstByteDelayMs: 400 }]);
  const c2 = new AbortController();
  const waiting = chat('inv-cancel-wait', chatBody('faulty/m'), { signal: c2.signal }).catch(() => undefined);
  await faulty.waitFor(() => faulty.requests.length > 0 && faulty.requests.at(-1)!.fault?.firstByteDelayMs === 400);
  c2.abort();
  await waiting;
  expected.set('inv-cancel-wait', { usageStatus: 'client_cancelled' });

  // Concurrent, no faults involved: passthrough and normalized lanes, another dialect.
  const concurrent: Array<[string, () => Promise<Response>, Terminal['kind'] | { usageStatus?: string; status?: number }]> = [
    ['inv-stream-ok', () => chat('inv-stream-ok', chatBody('clean/m', 'a b c', { stream: true, stream_options: { include_usage: true } })), 'completed'],
    ['inv-mock-echo', () => chat('inv-mock-echo', chatBody('mock/echo', 'hi', { stream: true })), 'completed'],
    ['inv-mock-fail', () => chat('inv-mock-fail', chatBody('mock/fail-500')), { usageStatus: 'error' }],
    ['inv-mock-drop', () => chat('inv-mock-drop', chatBody('mock/midstream-drop', 'one two three four', { stream: true })), { usageStatus: 'error_midstream' }],
    ['inv-anthropic', () => fetch(`${t.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': t.key, 'anthropic-version': '2023-06-01', 'x-request-id': 'inv-anthropic' },
      body: JSON.stringify({ model: 'clean/m', max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    }), 'completed'],
    ...Array.from({ length: 10 }, (_, i): [string, () => Promise<Response>, 'completed'] => [
      `inv-par-${i}`, () => chat(`inv-par-${i}`, chatBody('clean/m', `par ${i}`, i % 2 ? { stream: true } : {})), 'completed',
    ]),
  ];
  await Promise.all(concurrent.map(async ([id, run, want]) => {
    expected.set(id, want);
    await drain(await run());
  }));

  await waitUntil(() => [...expected.keys()].every((id) => terminals.has(id)), 3000, 'a terminal event for every request');
  await Bun.sleep(150); // late duplicates would land here

  for (const id of ['inv-401', 'inv-400', 'inv-bad-key']) {
    expect({ id, received: received.get(id) ?? 0, terminals: terminals.get(id)?.length ?? 0 }).toEqual({ id, received: 0, terminals: 0 });
  }
  // Exactly the expected requests were received, once each, and each ended exactly once.
  expect([...received.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [id, n] of received) {
    expect({ id, received: n, terminals: terminals.get(id)?.length ?? 0 }).toEqual({ id, received: 1, terminals: 1 });
  }
  expect([...terminals.keys()].filter((id) => !received.has(id))).toEqual([]);
  // And each ended the way its scenario should.
  for (const [id, want] of expected) {
    const got = terminals.get(id)![0];
    if (want === 'completed') expect({ id, kind: got.kind }).toEqual({ id, kind: 'completed' });
    else expect({ id, ...got }).toMatchObject({ id, kind: 'failed', ...(want as object) });
  }

  // One usage row per received request; a failed upstream call is named and counted, not "rejected".
  t.gw.usage.flush();
  const db = new Database(join(t.dataDir, 'switchyard.db'), { readonly: true });
  try {
    const rows = (db.query('SELECT request_id AS id, status, provider, attempts FROM usage').all() as Array<{ id: string; status: string; provider: string | null; attempts: number }>)
      .map((r) => ({ ...r, id: names.get(r.id) ?? r.id }))
      .filter((r) => r.id.startsWith('inv-'));
    expect(rows.map((r) => r.id).sort()).toEqual([...expected.keys()].sort());
    expect(rows.find((r) => r.id === 'inv-500')).toMatchObject({ status: 'error', provider: 'faulty', attempts: 1 });
    expect(rows.find((r) => r.id === 'inv-404')).toMatchObject({ status: 'rejected', provider: null, attempts: 0 });
    expect(rows.find((r) => r.id === 'inv-fallback')).toMatchObject({ status: 'ok', provider: 'clean', attempts: 2 });
  } finally {
    db.close();
  }
});
