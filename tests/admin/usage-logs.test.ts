import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startAdminGateway, type AdminGateway } from './admin-kit.ts';

const CONFIG = `providers:
  mock:
    type: mock
    models: [echo, fail-500]
  other:
    type: mock
    models: [echo]
combos:
  flaky:
    models: [mock/fail-500, other/echo]
`;

let t: AdminGateway;
const chat = (model: string, content = 'hello usage') =>
  t.fetch('/v1/chat/completions', { method: 'POST', json: { model, messages: [{ role: 'user', content }] } });

beforeAll(async () => {
  t = await startAdminGateway(CONFIG);
});
afterAll(() => t.stop());

describe('usage', () => {
  test('timeseries groups requests, tokens and cost per bucket', async () => {
    const from = Date.now() - 1000;
    for (let i = 0; i < 3; i++) expect((await chat('mock/echo')).status).toBe(200);
    expect((await chat('other/echo')).status).toBe(200);
    const res = await t.admin(`/api/usage/timeseries?from=${from}&to=${Date.now() + 1000}&bucket=hour&groupBy=model`);
    expect(res.status).toBe(200);
    const body = await res.json();
    const byGroup = Object.fromEntries(body.series.map((s: { group: string; points: Array<{ requests: number }> }) => [s.group, s.points]));
    expect(byGroup['mock/echo'].reduce((a: number, p: { requests: number }) => a + p.requests, 0)).toBe(3);
    expect(byGroup['other/echo'][0].requests).toBe(1);
    expect(body.totals.requests).toBe(4);
    expect(body.totals.tokens).toBe(body.totals.inputTokens + body.totals.outputTokens);
    expect(body.totals.inputTokens).toBeGreaterThan(0);
    const point = byGroup['other/echo'][0];
    expect(point.t % 3_600_000).toBe(0);
  });

  test('grouped by provider, and in day buckets shifted to the viewer\'s time zone', async () => {
    const body = await (await t.admin('/api/usage/timeseries?bucket=day&groupBy=provider&tzOffsetMin=-180')).json();
    const groups = body.series.map((s: { group: string }) => s.group).sort();
    expect(groups).toEqual(['mock', 'other']);
    expect((body.series[0].points[0].t + -180 * 60_000) % 86_400_000).toBe(0);
  });

  test('grouped by account (provider/account): mock providers without keys group as provider/', async () => {
    const body = await (await t.admin('/api/usage/timeseries?bucket=day&groupBy=account')).json();
    const groups = body.series.map((s: { group: string }) => s.group).sort();
    expect(groups).toEqual(['mock/', 'other/']);
    expect(body.groupBy).toBe('account');
  });

  test('totals per day and month', async () => {
    const days = await (await t.admin('/api/usage/totals?period=day')).json();
    expect(days.rows).toHaveLength(1);
    expect(days.rows[0].period).toBe(new Date().toISOString().slice(0, 10));
    expect(days.rows[0].requests).toBeGreaterThanOrEqual(4);
    const months = await (await t.admin('/api/usage/totals?period=month')).json();
    expect(months.rows[0].period).toBe(new Date().toISOString().slice(0, 7));
  });

  test('CSV export has one row per request', async () => {
    const res = await t.admin('/api/usage/export.csv?provider=mock');
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="switchyard-usage-/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toStartWith('request_id,time,key_id,dialect,operation,model_requested,provider');
    expect(lines).toHaveLength(4);
    expect(lines[1]!.split(',')[6]).toBe('mock');
  });

  test('a time outside what a date can hold is a 400 naming it, never a 500', async () => {
    for (const route of ['export.csv', 'timeseries', 'totals']) {
      for (const [param, value] of [['to', '9999999999999999'], ['to', '1e300'], ['from', '-9999999999999999']] as const) {
        const res = await t.admin(`/api/usage/${route}?${param}=${value}`);
        expect([route, param, value, res.status]).toEqual([route, param, value, 400]);
        expect((await res.json()).error.param).toBe(param);
      }
    }
    const latest = await t.admin('/api/usage/export.csv?from=253402300000000&to=253402300799999');
    expect(latest.status).toBe(200);
    expect(latest.headers.get('content-disposition')).toContain('switchyard-usage-9999-12-31-9999-12-31.csv');
  });

  test('bad query: 400 naming the parameter', async () => {
    const res = await t.admin('/api/usage/timeseries?bucket=week');
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe('bucket');
  });
});

describe('logs', () => {
  test('a fallback request shows its route and both attempts', async () => {
    const res = await chat('flaky');
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id')!;
    const list = await (await t.admin('/api/logs?model=flaky&limit=5')).json();
    expect(list.items[0].requestId).toBe(id);
    expect(list.items[0].attempts).toBe(2);
    const detail = await (await t.admin(`/api/logs/${id}`)).json();
    expect(detail.row).toMatchObject({ requestId: id, provider: 'other', status: 'ok' });
    expect(detail.trace.route.targets).toEqual([{ provider: 'mock', model: 'fail-500' }, { provider: 'other', model: 'echo' }]);
    expect(detail.trace.attempts.map((a: { provider: string; outcome: string; status: number }) => [a.provider, a.outcome, a.status]))
      .toEqual([['mock', 'failed', 500], ['other', 'succeeded', 200]]);
    expect(detail.trace.events.map((e: { type: string }) => e.type)).toContain('response:completed');
    expect(detail.bodies).toBeNull();
  });

  test('filters and paging', async () => {
    const all = await (await t.admin('/api/logs?limit=2')).json();
    expect(all.items.length).toBeGreaterThanOrEqual(2);
    expect(all.nextBefore).toBe(all.items[1].ts);
    // Past the limit only rows of the last row's millisecond (see the next test).
    expect(all.items.slice(2).every((r: { ts: number }) => r.ts === all.nextBefore)).toBe(true);
    const next = await (await t.admin(`/api/logs?limit=500&before=${all.nextBefore}`)).json();
    expect(next.items.every((r: { ts: number }) => r.ts < all.nextBefore)).toBe(true);
    const errors = await (await t.admin('/api/logs?status=error')).json();
    expect(errors.items).toEqual([]);
  });

  test('paging never skips rows that share the millisecond a page ends in', async () => {
    const ts = Date.now() - 60_000;
    const base = {
      dialect: 'openai-chat', operation: 'chat', modelRequested: 'same-ms', status: 'ok' as const, httpStatus: 200, inputTokens: 1, outputTokens: 1,
      cachedTokens: 0, reasoningTokens: 0, estimated: false, costUsd: 0, latencyMs: 1, attempts: 1, stream: false, cached: false,
    };
    for (let i = 0; i < 5; i++) t.gw.usage.record({ ...base, requestId: `req_same_${i}`, ts: ts + (i < 4 ? 0 : -1) });
    t.gw.usage.flush();
    const seen: string[] = [];
    let before: number | null | undefined;
    for (let page = 0; page < 5 && before !== null; page++) {
      const r = await (await t.admin(`/api/logs?model=same-ms&limit=2${before === undefined ? '' : `&before=${before}`}`)).json();
      seen.push(...r.items.map((x: { requestId: string }) => x.requestId));
      before = r.nextBefore;
    }
    expect(seen.sort()).toEqual(['req_same_0', 'req_same_1', 'req_same_2', 'req_same_3', 'req_same_4']);
  });

  test('in debug mode the detail has the redacted bodies', async () => {
    const on = await t.admin('/api/settings', { method: 'PATCH', json: { logging: { bodies: true } } });
    expect(on.status).toBe(200);
    const res = await chat('mock/echo', 'my key is sk-abcdefghijklmnopqrstuvwxyz0123');
    const id = res.headers.get('x-request-id')!;
    const detail = await (await t.admin(`/api/logs/${id}`)).json();
    expect(detail.bodies.request).toContain('my key is');
    expect(detail.bodies.request).not.toContain('sk-abcdefghijklmnopqrstuvwxyz0123');
    expect(detail.bodies.response).toBeString();
    await t.admin('/api/settings', { method: 'PATCH', json: { logging: { bodies: false } } });
  });

  test('unknown request id: 404', async () => {
    expect((await t.admin('/api/logs/req_nope')).status).toBe(404);
  });
});

describe('live monitor', () => {
  test('streams a request\'s events as SSE and stops when the client leaves', async () => {
    const ctl = new AbortController();
    const res = await t.admin('/api/events?types=request:*,attempt:*,response:completed', { signal: ctl.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: RegExp) => {
      while (!needle.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil(/event: ready/);
    const reply = await chat('mock/echo', 'watch me');
    const id = reply.headers.get('x-request-id')!;
    await readUntil(new RegExp(`event: response:completed\\ndata: \\{[^\\n]*"id":"${id}"`));
    const types = [...text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    expect(types).toEqual(['ready', 'request:received', 'request:routed', 'attempt:started', 'attempt:succeeded', 'response:completed']);
    const frame = text.split('\n\n').find((f) => f.startsWith('event: request:received'))!;
    const data = JSON.parse(frame.split('\ndata: ')[1]!);
    expect(data).toMatchObject({ type: 'request:received', data: { id, model: 'mock/echo' } });
    ctl.abort();
    await reader.cancel().catch(() => {});
  });
});

describe('overview', () => {
  test('traffic, latency and TTFT percentiles over the window, plugins and config', async () => {
    expect((await chat('mock/echo')).status).toBe(200);
    const o = await (await t.admin('/api/overview')).json();
    expect(o.version).toBeString();
    expect(o.uptimeSec).toBeGreaterThanOrEqual(0);
    expect(o.window.requests).toBeGreaterThanOrEqual(6);
    expect(o.window.requestsPerSec).toBeGreaterThan(0);
    expect(o.window.latencyMs.p50).toBeNumber();
    expect(o.window.latencyMs.p99).toBeGreaterThanOrEqual(o.window.latencyMs.p50);
    expect(o.window.errors).toBe(0);
    expect(o.breakers).toBeNull();
    expect(o.plugins.find((p: { name: string }) => p.name === 'api-key').state).toBe('active');
    expect(o.providers).toEqual({ total: 2, active: 2, disabled: 0 });
    expect(o.config).toMatchObject({ generation: t.gw.host.current.generation, lastReloadError: null });
  });
});
