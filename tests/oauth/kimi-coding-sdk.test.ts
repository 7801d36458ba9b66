/**
 * The `kimi-coding` provider end to end: the kimi.com device login with Kimi CLI's device
 * headers (pending answers with HTTP 200), every client dialect through the official SDKs over
 * the Anthropic-format coding API with a bearer token, 401 → refresh → retry, the Kimi CLI
 * credentials file, a revoked refresh token → needs-reauth → fallback, and a canary scan.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockKimi, type MockKimi } from '../helpers/mock-oauth-kimi.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { admin, filesContaining, movableClock, waitForAccounts, waitForFlow } from './oauth-kit.ts';
import { DIALECTS } from './sdk-kit.ts';

let mock: MockKimi;
let backup: MockOpenAI;
let t: TestGateway;
let dir: string;
const clock = movableClock();
const bodies: string[] = [];

const chat = async (model: string, content: string) => {
  const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model, messages: [{ role: 'user', content }] } });
  bodies.push(await res.clone().text());
  return res;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sy-oauth-kmc-'));
  mock = await startMockKimi();
  backup = await startMockOpenAI({ apiKey: 'sk-backup-key-4321' });
  t = await startTestGateway(`
logging: { level: debug, bodies: true }
providers:
  kmc: { base_url: "${mock.url}/coding", allow_private_network: true, oauth: ${mock.oauthYaml()} }
  kmc-import: { preset: kmc, base_url: "${mock.url}/coding", allow_private_network: true, oauth: ${mock.oauthYaml()} }
  backup: { type: openai, base_url: "${backup.url}", keys: [sk-backup-key-4321], allow_private_network: true }
combos:
  ladder: { models: [kmc/kimi-for-coding, backup/gpt-4o] }
`, { now: clock.now });
});
afterAll(async () => {
  await t.stop();
  await mock.stop();
  await backup.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('kimi.com device login', () => {
  test('device code with Kimi CLI device headers; approve → connected', async () => {
    const start = await admin(t, 'POST', '/api/oauth/kmc/start', {});
    expect(start.json).toMatchObject({ kind: 'device', verificationUri: 'https://example.test/device' });
    mock.oauth.device(start.json.userCode as string, 'approve');
    const flow = await waitForFlow(t, 'kmc', start.json.flowId);
    expect(flow.status).toBe('complete');
    expect(flow.accountId).toMatch(/^acct-[0-9a-f]{10}$/);
    expect([...mock.deviceIds]).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/)]);
    await waitForAccounts(t, 'kmc', 1);
  });
});

describe('Kimi Code through every client dialect', () => {
  for (const [name, via] of DIALECTS) {
    test(`${name}: non-streamed and streamed replies`, async () => {
      const sent = mock.messages.length;
      const r = await via(t, 'kmc/kimi-for-coding', `kimi ${name}`);
      expect([r.text, r.streamed]).toEqual([`kimi ${name}`, `kimi ${name} streamed`]);
      const calls = mock.messages.slice(sent);
      expect(calls.map((c) => c.status)).toEqual([200, 200]);
      for (const c of calls) {
        expect(c.headers.get('authorization')).toMatch(/^Bearer canary-kmc-at-/);
        expect(c.headers.get('user-agent')).toMatch(/^KimiCLI\//);
        expect(c.headers.get('x-msh-device-id')).toBe([...mock.deviceIds][0]!);
        expect(c.body.model).toBe('kimi-for-coding');
      }
    });
  }
});

describe('quota windows', () => {
  test('the weekly quota and the 5 h window are read from /coding/v1/usages and listed', async () => {
    mock.usage = {
      usage: { limit: '200', used: '50', remaining: '150', resetTime: '2030-01-06T00:00:00Z' },
      limits: [{ window: { duration: 300, timeUnit: 'TIME_UNIT_MINUTE' }, detail: { limit: '40', remaining: '10', resetTime: '2030-01-01T05:00:00Z' } }],
    };
    const r = await admin(t, 'GET', '/api/accounts?refresh=1');
    const acc = (r.json.accounts as Array<{ provider: string; windows: unknown[] }>).find((a) => a.provider === 'kmc')!;
    expect(acc.windows).toEqual([
      { name: '7d', usedPercent: 25, windowMinutes: 10_080, resetsAt: Date.parse('2030-01-06T00:00:00Z') },
      { name: '5h', usedPercent: 75, windowMinutes: 300, resetsAt: Date.parse('2030-01-01T05:00:00Z') },
    ]);
  });
});

describe('token lifetime', () => {
  test('401 → one refresh (with the device headers) → retry', async () => {
    const calls = mock.oauth.refreshCalls;
    const sent = mock.messages.length;
    mock.oauth.invalidate();
    expect((await chat('kmc/kimi-for-coding', 'after 401')).status).toBe(200);
    expect(mock.oauth.refreshCalls).toBe(calls + 1);
    expect(mock.messages.slice(sent).map((m) => m.status)).toEqual([401, 200]);
  });

  test('~/.kimi/credentials/kimi-code.json import (expiry in epoch seconds)', async () => {
    const pair = mock.oauth.issue() as { access_token: string; refresh_token: string };
    const file = join(dir, 'kimi-code.json');
    writeFileSync(file, JSON.stringify({ access_token: pair.access_token, refresh_token: pair.refresh_token, expires_at: clock.now() / 1000 + 900, scope: 'kimi-code', token_type: 'Bearer' }));
    expect((await admin(t, 'POST', '/api/oauth/import/kmc-import', { path: file })).status).toBe(200);
    await waitForAccounts(t, 'kmc-import', 1);
    const calls = mock.oauth.refreshCalls;
    expect((await chat('kmc-import/kimi-for-coding', 'imported')).status).toBe(200);
    expect(mock.oauth.refreshCalls).toBe(calls);
    expect(mock.messages.at(-1)!.headers.get('authorization')).toBe(`Bearer ${pair.access_token}`);
  });

  test('a revoked refresh token: needs-reauth and fallback', async () => {
    mock.oauth.revokeRefresh();
    clock.advance(3600_000);
    const before = backup.requests.length;
    expect((await chat('ladder', 'fall back')).status).toBe(200);
    expect(backup.requests.length).toBe(before + 1);
    const acc = ((await admin(t, 'GET', '/api/accounts')).json.accounts as Array<{ provider: string; state: string }>).find((a) => a.provider === 'kmc');
    expect(acc?.state).toBe('needs-reauth');
  });

  test('no token in the data dir or any client answer', async () => {
    t.gw.log.flush();
    t.gw.usage.flush();
    expect(filesContaining(t.dataDir, ['canary-'])).toEqual([]);
    expect(bodies.filter((b) => b.includes('canary-'))).toEqual([]);
  });
});
