import { afterAll, beforeAll, expect, test } from 'bun:test';
import { runBunLoad } from './bun-load.ts';
import { startFastMock, type FastMock } from './fast-mock-upstream.ts';
import { hasWrk, parseWrkOutput, runLoad, wrkScript } from './load.ts';

let mock: FastMock;
beforeAll(() => {
  mock = startFastMock();
});
afterAll(() => mock.stop());

const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'hi' }] });
const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-test' };

test('the wrk script posts the body with the headers and prints a BENCH_JSON line', () => {
  const lua = wrkScript(body, headers);
  expect(lua).toContain('wrk.method = "POST"');
  expect(lua).toContain(`wrk.body = [==[${body}]==]`);
  expect(lua).toContain('wrk.headers["authorization"] = "Bearer sk-test"');
  expect(lua).toContain('BENCH_JSON');
  expect(() => wrkScript('x]==]y', {})).toThrow();
});

test('wrk output is parsed into req/s, ms percentiles and an error count', () => {
  const out = 'Running 5s test\n  1 threads\nBENCH_JSON {"requests":10000,"duration_us":5000000,"connect":0,"read":1,"write":0,"status":2,"timeout":0,"p50_us":150.0,"p90_us":300.0,"p99_us":900.0,"mean_us":200.5}\n';
  const r = parseWrkOutput(out);
  expect(r.rps).toBe(2000);
  expect(r.p50Ms).toBeCloseTo(0.15);
  expect(r.p99Ms).toBeCloseTo(0.9);
  expect(r.errors).toBe(3);
  expect(() => parseWrkOutput('wrk: connection refused')).toThrow(/no result/);
});

test.skipIf(!hasWrk())('wrk drives real load against the mock and counts non-2xx as errors', async () => {
  const ok = await runLoad({ url: `${mock.url}/v1/chat/completions`, body, headers, connections: 2, seconds: 1 });
  expect(ok.tool).toBe('wrk');
  expect(ok.requests).toBeGreaterThan(100);
  expect(ok.errors).toBe(0);
  expect(ok.p99Ms).toBeGreaterThanOrEqual(ok.p50Ms);
  const bad = await runLoad({ url: `${mock.url}/v1/nope`, body, headers, connections: 1, seconds: 1 });
  expect(bad.errors).toBe(bad.requests);
});

test('the Bun fallback generator measures requests and errors', async () => {
  const ok = await runBunLoad({ url: `${mock.url}/v1/chat/completions`, body, headers, connections: 2, seconds: 0.3 });
  expect(ok.tool).toBe('bun-fetch (fallback)');
  expect(ok.requests).toBeGreaterThan(10);
  expect(ok.errors).toBe(0);
  expect(ok.p50Ms).toBeGreaterThan(0);
  const bad = await runBunLoad({ url: `${mock.url}/v1/nope`, body, headers, connections: 1, seconds: 0.2 });
  expect(bad.errors).toBeGreaterThan(0);
});
