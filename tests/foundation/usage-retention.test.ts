/**
 * `logging.retention` on a running gateway: usage rows past their days are
 * deleted by the gateway's own timer, recent ones (a request served just now) stay, the run is
 * logged, and a reload changes the days for the next run.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { chatBody, postChat, waitUntil } from './foundation-kit.ts';

const DAY = 86_400_000;
const yaml = (usageDays: number) => `
providers:
  mock: { type: mock }
logging:
  bodies: true
  retention: { usage_days: ${usageDays}, bodies_days: 3 }
`;
let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway(yaml(0)); // runs are started by hand here
});
afterAll(() => t.stop());

test('old usage rows go; a request served now stays, with its debug bodies; the run is logged', async () => {
  const res = await postChat(t.url, t.key, chatBody('mock/echo', 'kept'));
  expect(res.status).toBe(200);
  const id = res.headers.get('x-request-id')!;
  const old = Date.now() - 40 * DAY;
  for (let i = 0; i < 3; i++) {
    t.gw.usage.record({
      requestId: `old_${i}`, ts: old, keyId: null, dialect: 'openai-chat', operation: 'chat', modelRequested: 'mock/echo',
      provider: 'mock', account: null, upstreamModel: 'echo', status: 'ok', httpStatus: 200, errorCode: null, inputTokens: 1,
      outputTokens: 1, cachedTokens: 0, reasoningTokens: 0, estimated: false, costUsd: 0, latencyMs: 1, ttftMs: null, attempts: 1,
      stream: false, cached: false,
    });
  }
  t.gw.usage.flush();
  expect(t.gw.usage.recent(10).length).toBe(4);

  // usage_days: 0 keeps everything; 35 lets the next run delete the three old rows.
  expect(await t.gw.retention.runNow()).toEqual({ usage: 0, bodies: 0 });
  await t.writeConfig(yaml(35));
  expect(await t.gw.retention.runNow()).toEqual({ usage: 3, bodies: 0 });
  const left = t.gw.usage.recent(10);
  expect(left.map((r) => r.requestId)).toEqual([id]);
  expect(t.gw.usage.bodies(id)).toBeDefined(); // bodies younger than 3 days stay

  t.gw.log.flush();
  const logged = readFileSync(join(t.dataDir, 'logs', 'switchyard.log'), 'utf8');
  expect(logged).toContain('retention: deleted 3 usage rows and 0 request bodies');
});

test('the gateway runs it by itself after start', async () => {
  const t2 = await startTestGateway(yaml(35), { retentionFirstMs: 20 });
  try {
    t2.gw.usage.record({
      requestId: 'ancient', ts: Date.now() - 400 * DAY, keyId: null, dialect: 'openai-chat', operation: 'chat', modelRequested: 'm',
      provider: null, account: null, upstreamModel: null, status: 'error', httpStatus: 500, errorCode: 'GW_X', inputTokens: 0,
      outputTokens: 0, cachedTokens: 0, reasoningTokens: 0, estimated: false, costUsd: 0, latencyMs: 1, ttftMs: null, attempts: 1,
      stream: false, cached: false,
    });
    t2.gw.usage.flush();
    await waitUntil(() => t2.gw.usage.recent(5).length === 0, 3000, 'the old row deleted');
    expect(t2.gw.usage.recent(5)).toEqual([]);
  } finally {
    await t2.stop();
  }
});
