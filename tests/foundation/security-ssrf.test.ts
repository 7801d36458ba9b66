/**
 * SSRF guard end to end: a provider whose base_url points at the metadata address, or at
 * loopback without `allow_private_network`, is refused before any connection (client gets a
 * 502 in its dialect, the upstream receives nothing); the opted-in provider works; request
 * data never changes the upstream URL.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { chatBody, postChat, readText } from './foundation-kit.ts';

let up: MockOpenAI;
let t: TestGateway;

beforeAll(async () => {
  up = await startMockOpenAI();
  const p = up.port;
  t = await startTestGateway(`
providers:
  ok:        { type: openai, base_url: ${up.url}, keys: [sk-test-ok-000000], allow_private_network: true }
  meta:      { type: openai, base_url: "http://169.254.169.254/v1", keys: [sk-test-meta-000000], allow_private_network: true }
  metaname:  { type: openai, base_url: "http://metadata.google.internal/v1", keys: [sk-test-meta-000000], allow_private_network: true }
  local:     { type: openai, base_url: "http://127.0.0.1:${p}/v1", keys: [sk-test-local-000000] }
  localname: { type: openai, base_url: "http://localhost:${p}/v1", keys: [sk-test-local-000000] }
  mapped:    { type: openai, base_url: "http://[::ffff:127.0.0.1]:${p}/v1", keys: [sk-test-local-000000] }
  decimal:   { type: openai, base_url: "http://2130706433:${p}/v1", keys: [sk-test-local-000000] }
`);
});

afterAll(async () => {
  await t.stop();
  await up.stop();
});

describe('SSRF guard', () => {
  test('the opted-in loopback provider works (control)', async () => {
    expect((await postChat(t.url, t.key, chatBody('ok/gpt-4o'))).status).toBe(200);
  });

  for (const provider of ['meta', 'metaname', 'local', 'localname', 'mapped', 'decimal']) {
    test(`${provider}: refused with 502 before any connection`, async () => {
      const before = up.requests.length;
      for (const stream of [false, true]) {
        const started = performance.now();
        const res = await postChat(t.url, t.key, chatBody(`${provider}/gpt-4o`, 'hi', { stream }));
        expect(performance.now() - started).toBeLessThan(1000); // refused, not timed out
        expect(res.status).toBe(502);
        const text = await readText(res);
        const body = JSON.parse(text) as { error: { message: string; type: string; code: string | null } };
        expect(body.error.code).toBe('GW_SSRF_BLOCKED');
        expect(text).not.toContain('sk-test-');
        expect(text).not.toMatch(/\n\s+at /);
      }
      await Bun.sleep(20);
      expect(up.requests.length).toBe(before);
    });
  }

  test('request data never changes the upstream URL', async () => {
    const before = up.requests.length;
    for (const model of ['ok/../../admin', 'ok/http://169.254.169.254/latest', 'ok/x?y=1#z', 'ok/@evil.example']) {
      const res = await postChat(t.url, t.key, chatBody(model));
      expect(res.status).toBe(200);
      const rec = up.requests.at(-1)!;
      expect(rec.path).toBe('/v1/chat/completions');
      expect((rec.body as { model: string }).model).toBe(model.slice('ok/'.length));
    }
    expect(up.requests.length).toBe(before + 4);
  });
});
