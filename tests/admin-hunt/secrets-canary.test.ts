/**
 * No answer of the admin API carries a provider key, an OAuth token or client secret, a URL
 * password, the admin token or a client key's secret. Canary values go in every way a secret
 * can reach the gateway: literal YAML keys, `${ENV}` keys, a custom auth header, a dashboard key,
 * an OAuth client secret, a base URL with a password, and a token imported from a credentials
 * file. Then every read route, the provider test, the model list, the playground (preview and
 * round trip), the request log and its detail, the live event feed and the API reference are
 * scanned for them.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockCopilot, type MockCopilot } from '../helpers/mock-oauth-copilot.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startAdminGateway, type AdminGateway } from '../admin/admin-kit.ts';

const LITERAL = 'sk-canaryLiteralKey0000000001';
const FROM_ENV = 'canaryEnvKey00000000000000002';
const CUSTOM_HEADER = 'canaryHeaderKey000000000000003';
const DASHBOARD = 'canaryDashboardKey00000000004';
const CLIENT_SECRET = 'canaryClientSecret00000000005';
const URL_PASSWORD = 'canaryUrlPassword000000000006';

let upstream: MockOpenAI;
let copilot: MockCopilot;
let t: AdminGateway;
let dir: string;
let imported: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sy-admin-hunt-'));
  upstream = await startMockOpenAI();
  copilot = await startMockCopilot();
  const base = new URL(upstream.url);
  t = await startAdminGateway(`
logging: { level: debug, bodies: true }
providers:
  lit: { type: openai, base_url: "${upstream.url}", allow_private_network: true, keys: ["${LITERAL}"], models: [m1] }
  envk: { type: openai, base_url: "${upstream.url}", allow_private_network: true, keys: ["\${CANARY_KEY}"], models: [m1] }
  hdr: { type: openai, base_url: "${upstream.url}", allow_private_network: true, keys: ["${CUSTOM_HEADER}"], auth: { header: x-relay-auth }, models: [m1] }
  dash: { type: openai, base_url: "${upstream.url}", allow_private_network: true, models: [m1] }
  basic: { type: openai, base_url: "http://relay:${URL_PASSWORD}@${base.host}/v1", allow_private_network: true, models: [m1] }
  gh: { base_url: "${copilot.url}", allow_private_network: true, oauth: ${copilot.oauthYaml().replace('{ ', `{ client_secret: "${CLIENT_SECRET}", `)} }
`, { env: { ...process.env, CANARY_KEY: FROM_ENV } });
  imported = (copilot.github.issue() as { access_token: string }).access_token;
  const file = join(dir, 'apps.json');
  writeFileSync(file, JSON.stringify({ 'github.com:Iv1.b507a08c87ecfe98': { user: 'octocat', oauth_token: imported, githubAppId: 'Iv1.b507a08c87ecfe98' } }));
  expect((await t.admin('/api/oauth/import/gh', { method: 'POST', json: { path: file } })).status).toBe(200);
  expect((await t.admin('/api/providers/dash/keys', { method: 'POST', json: { apiKey: DASHBOARD } })).status).toBe(201);
});
afterAll(async () => {
  await t.stop();
  await upstream.stop();
  await copilot.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Which canaries (or the admin token, or a client key's secret) `text` contains. */
function secretsIn(text: string): string[] {
  return [LITERAL, FROM_ENV, CUSTOM_HEADER, DASHBOARD, CLIENT_SECRET, URL_PASSWORD, imported, t.gw.adminToken, t.key].filter((s) => text.includes(s));
}

const chatBody = (model: string) => ({ dialect: 'openai-chat', body: { model, messages: [{ role: 'user', content: 'hi' }] } });

describe('secrets never reach an admin API answer', () => {
  test('the playground masks a key sent in a custom auth header (preview and round trip)', async () => {
    for (const path of ['/api/playground/translate', '/api/playground/chat']) {
      const res = await t.admin(path, { method: 'POST', json: chatBody('hdr/m1') });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect([path, secretsIn(text)]).toEqual([path, []]);
      expect(text).toContain('x-relay-auth');
    }
    // The upstream did get the key: the mask is in the view only.
    expect(upstream.requests.at(-1)!.headers['x-relay-auth']).toBe(CUSTOM_HEADER);
  });

  test('a provider entry masks an OAuth client secret; a base URL shows no password', async () => {
    const gh = await t.admin('/api/providers/gh');
    const ghText = await gh.text();
    expect(secretsIn(ghText)).toEqual([]);
    expect(JSON.parse(ghText).entry.oauth).toMatchObject({ client_id: 'mock-copilot-client', client_secret: expect.stringMatching(/^\*\*\*/) });
    const basic = await (await t.admin('/api/providers/basic')).json() as { baseUrl: string; entry: { base_url: string } };
    expect(basic.baseUrl).toBe(`http://relay:***@${new URL(upstream.url).host}/v1`);
    expect(basic.entry.base_url).toBe(basic.baseUrl);
    const preview = await (await t.admin('/api/playground/translate', { method: 'POST', json: chatBody('basic/m1') })).text();
    expect(secretsIn(preview)).toEqual([]);
  });

  test('every read route, tests, model lists, logs, events and the API reference: no canary', async () => {
    const answers: Array<[string, string]> = [];
    const events = await t.admin('/api/events?heartbeatMs=1000');
    const reader = events.body!.getReader();
    for (const p of ['lit', 'envk', 'hdr', 'dash', 'basic', 'gh']) {
      for (const [path, init] of [
        [`/api/providers/${p}/test`, { method: 'POST', json: {} }], [`/api/providers/${p}/test`, { method: 'POST', json: { mode: 'models' } }],
        [`/api/providers/${p}/models`, {}], [`/api/providers/${p}`, {}], ['/api/playground/chat', { method: 'POST', json: chatBody(`${p}/m1`) }],
        ['/api/playground/translate', { method: 'POST', json: chatBody(`${p}/m1`) }],
      ] as const) {
        answers.push([`${init.method ?? 'GET'} ${path}`, await (await t.admin(path, init)).text()]);
      }
    }
    await t.settled();
    for (const path of ['/api/providers', '/api/overview', '/api/health', '/api/settings', '/api/plugins', '/api/audit', '/api/keys', '/api/logs',
      '/api/usage/export.csv', '/api/usage/timeseries', '/api/accounts', '/api/oauth/providers', '/api/oauth/gh/status', '/api/models', '/api/presets',
      '/api/tools', '/api/combos', '/api/aliases', '/api/auth/state', '/docs/openapi.json']) {
      answers.push([path, await (await t.admin(path)).text()]);
    }
    const logs = JSON.parse(answers.find(([p]) => p === '/api/logs')![1]).items as Array<{ requestId: string }>;
    expect(logs.length).toBeGreaterThan(6);
    for (const { requestId } of logs) answers.push([`/api/logs/${requestId}`, await (await t.admin(`/api/logs/${requestId}`)).text()]);
    let feed = '';
    const decoder = new TextDecoder();
    for (const until = Date.now() + 1500; Date.now() < until && !feed.includes('response:completed');) feed += decoder.decode((await reader.read()).value);
    await reader.cancel();
    answers.push(['/api/events', feed]);
    expect(feed).toContain('response:completed');
    expect(answers.flatMap(([path, text]) => secretsIn(text).map((s) => `${path}: ${s.slice(0, 12)}…`))).toEqual([]);
  });
});
