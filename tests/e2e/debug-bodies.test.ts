import { afterAll, beforeAll, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/** Debug mode keeps redacted, capped request/response bodies next to the usage row. */
let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway(`
logging: { bodies: true }
providers:
  mock: { type: mock }
`);
});
afterAll(() => t.stop());

test('bodies are stored redacted, for non-stream and stream', async () => {
  const secret = 'sk-proj-abcdefghijklmnopqrstuvwxyz123456';
  const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'mock/echo', messages: [{ role: 'user', content: `my key is ${secret}` }] } });
  expect(res.status).toBe(200);
  const id = res.headers.get('x-request-id')!;
  const stream = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'mock/echo', stream: true, messages: [{ role: 'user', content: 'streamed words' }] } });
  await stream.text();
  const sid = stream.headers.get('x-request-id')!;
  t.gw.usage.flush();
  const stored = t.gw.usage.bodies(id);
  expect(stored?.request).toContain('my key is');
  expect(stored?.request).not.toContain(secret);
  expect(stored?.response).toBeTruthy();
  expect(stored?.response).not.toContain(secret);
  expect(t.gw.usage.bodies(sid)?.response).toContain('streamed words');
});

test('without debug mode nothing is kept', async () => {
  await t.writeConfig('providers:\n  mock: { type: mock }\n');
  const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'mock/echo', messages: [{ role: 'user', content: 'x' }] } });
  t.gw.usage.flush();
  expect(t.gw.usage.bodies(res.headers.get('x-request-id')!)).toBeUndefined();
});
