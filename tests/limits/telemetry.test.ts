import { afterEach, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, chat, post } from './limits-kit.ts';

let t: TestGateway | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const yaml = `
providers:
  fast: { type: mock }
  flaky: { type: mock }
combos:
  ladder: { models: [flaky/fail-500, fast/echo] }
plugins:
  - telemetry: { window_ms: 60000 }
`;

interface Series { provider: string; model: string; samples: number; successes: number; failures: number; successRate: number | null; requestsPerSecond: number; latencyMs: { p50: number | null; p95: number | null; p99: number | null }; ttftMs: { p50: number | null; p99: number | null } }
interface Summary { totals: { received: number; inFlight: number; byStatus: Record<string, number> }; series: Series[] }

describe('telemetry (real gateway)', () => {
  test('per provider/model percentiles, success rate and rate; JSON summary and Prometheus text', async () => {
    t = await startTestGateway(yaml);
    for (let i = 0; i < 4; i++) expect((await post(t, chat('fast/slow-40', `s${i}`))).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const r = await post(t, chat('fast/echo', `e${i}`, { stream: true }));
      await r.text();
    }
    expect((await post(t, chat('ladder', 'falls back'))).status).toBe(200);
    expect((await post(t, chat('flaky/fail-500'))).status).toBe(502);

    const res = await admin(t, '/api/metrics/summary');
    expect(res.status).toBe(200);
    const s = (await res.json()) as Summary;
    expect(s.totals).toMatchObject({ received: 9, inFlight: 0, byStatus: { ok: 8, error: 1 } });
    const slow = s.series.find((x) => x.model === 'slow-40')!;
    expect(slow).toMatchObject({ provider: 'fast', samples: 4, successes: 4, failures: 0, successRate: 1 });
    expect(slow.latencyMs.p50!).toBeGreaterThanOrEqual(35);
    expect(slow.latencyMs.p99!).toBeGreaterThanOrEqual(slow.latencyMs.p50!);
    expect(slow.requestsPerSecond).toBeGreaterThan(0);
    const echo = s.series.find((x) => x.model === 'echo')!;
    expect(echo).toMatchObject({ successes: 4, successRate: 1 });
    expect(echo.ttftMs.p50).not.toBeNull();
    const flaky = s.series.find((x) => x.provider === 'flaky')!;
    expect(flaky).toMatchObject({ model: 'fail-500', successes: 0, failures: 2, successRate: 0 });

    const prom = await admin(t, '/metrics');
    expect(prom.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await prom.text();
    expect(text).toContain('# TYPE switchyard_request_duration_seconds summary');
    expect(text).toContain('switchyard_requests_total{status="ok"} 8');
    expect(text).toContain('switchyard_upstream_requests_total{provider="flaky",model="fail-500",outcome="failure"} 2');
    expect(text).toMatch(/switchyard_request_duration_seconds\{provider="fast",model="slow-40",quantile="0.99"\} 0\.\d+/);
    expect(text).toContain('switchyard_request_duration_seconds_count{provider="fast",model="slow-40"} 4');
    expect(text).toMatch(/switchyard_time_to_first_token_seconds\{provider="fast",model="echo",quantile="0.5"\} [\d.]+/);
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?[\d.e+-]+|\w+(\{[^}]*\})? NaN)$/);
  });

  test('the metrics need the admin token; a client key is refused', async () => {
    t = await startTestGateway(yaml);
    expect((await fetch(t.url + '/metrics')).status).toBe(401);
    expect((await t.fetch('/api/metrics/summary')).status).toBe(403);
  });

  test('X-Request-Id is always the gateway\'s own; a client\'s comes back as x-client-request-id, on responses and refusals', async () => {
    t = await startTestGateway(yaml);
    const ours = /^req_[A-Za-z0-9_-]{13,}$/;
    const gen = await post(t, chat('fast/echo'));
    expect(gen.headers.get('x-request-id')).toMatch(ours);
    expect(gen.headers.get('x-client-request-id')).toBeNull();
    const gen2 = await post(t, chat('fast/echo'));
    expect(gen2.headers.get('x-request-id')).not.toBe(gen.headers.get('x-request-id'));
    // The same client id twice: two distinct requests to the gateway (its guards key state by the id).
    const echoed = await post(t, chat('fast/echo'), { headers: { 'x-request-id': 'trace-abc.123' } });
    const again = await post(t, chat('fast/echo'), { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(echoed.headers.get('x-client-request-id')).toBe('trace-abc.123');
    expect(echoed.headers.get('x-request-id')).toMatch(ours);
    expect(again.headers.get('x-request-id')).not.toBe(echoed.headers.get('x-request-id'));
    const stream = await post(t, chat('fast/echo', 'hi', { stream: true }), { headers: { 'x-request-id': 'stream-1' } });
    expect(stream.headers.get('x-client-request-id')).toBe('stream-1');
    expect(stream.headers.get('x-request-id')).toMatch(ours);
    await stream.text();
    const bad = await post(t, chat('nope/echo'), { headers: { 'x-request-id': 'err-1' } });
    expect(bad.status).toBe(404);
    expect(bad.headers.get('x-client-request-id')).toBe('err-1');
    const insane = await post(t, chat('fast/echo'), { headers: { 'x-request-id': 'has spaces and <tags>' } });
    expect(insane.headers.get('x-request-id')).toMatch(ours);
    expect(insane.headers.get('x-client-request-id')).toBeNull();
    const unauth = await post(t, chat('fast/echo'), { secret: 'sy-wrong', headers: { 'x-request-id': 'auth-1' } });
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('x-client-request-id')).toBe('auth-1');
    expect(unauth.headers.get('x-request-id')).toMatch(ours);
  });
});
