import { describe, expect, test } from 'bun:test';
import { copilotBaseUrl } from './copilot-adapter.ts';
import { copilotOAuth } from './copilot-oauth.ts';
import { mapCopilotQuota } from './map-copilot-quota.ts';

describe('Copilot endpoint from the token exchange', () => {
  test('trusted: a githubcopilot.com host over https, or the configured origin; anything else is ignored', () => {
    expect(copilotBaseUrl('https://api.githubcopilot.com', 'https://api.business.githubcopilot.com/')).toBe('https://api.business.githubcopilot.com');
    expect(copilotBaseUrl('', undefined)).toBe('https://api.githubcopilot.com');
    expect(copilotBaseUrl('https://api.githubcopilot.com', 'https://evil.example/')).toBe('https://api.githubcopilot.com');
    expect(copilotBaseUrl('https://api.githubcopilot.com', 'http://api.githubcopilot.com')).toBe('https://api.githubcopilot.com');
    expect(copilotBaseUrl('https://api.githubcopilot.com', 'https://githubcopilot.com.evil.example')).toBe('https://api.githubcopilot.com');
    expect(copilotBaseUrl('http://127.0.0.1:9999', 'http://127.0.0.1:9999')).toBe('http://127.0.0.1:9999');
  });
});

describe('Copilot quota', () => {
  test('limited snapshots become windows; premium and completions are advisory (they never block chat); unlimited ones are left out', () => {
    expect(mapCopilotQuota({
      quota_reset_date: '2025-12-01',
      quota_snapshots: {
        chat: { percent_remaining: 100, unlimited: true },
        completions: { percent_remaining: 25, unlimited: false },
        premium_interactions: { percent_remaining: 0, unlimited: false },
      },
    })).toEqual([
      { name: 'completions', usedPercent: 75, resetsAt: Date.parse('2025-12-01'), advisory: true },
      { name: 'premium', usedPercent: 100, resetsAt: Date.parse('2025-12-01'), advisory: true },
    ]);
    expect(mapCopilotQuota({})).toEqual([]);
  });
});

describe('apps.json import', () => {
  test('the oauth_token of the editors file becomes the GitHub (refresh) token', () => {
    const { tokens } = copilotOAuth.importer!.parse({ 'github.com:Iv1.b507a08c87ecfe98': { user: 'octocat', oauth_token: 'ghu_abc', githubAppId: 'Iv1.b507a08c87ecfe98' } });
    expect(tokens).toEqual({ accessToken: '', refreshToken: 'ghu_abc', expiresAt: 0 });
    expect(() => copilotOAuth.importer!.parse({})).toThrow(/oauth_token/);
  });
});

describe('Copilot token exchange failures', () => {
  const ctxWith = (res: Response) => ({
    provider: {} as never, endpoints: copilotOAuth.endpoints, now: () => Date.now(), fetch: async () => res,
  });
  const tokens = { accessToken: '', refreshToken: 'ghu_abc' };
  test('a 403 that is a rate limit only waits (server_error); a plain 403 or a 401 means log in again (invalid_grant)', async () => {
    const codeOf = (res: Response) => copilotOAuth.refresh!(tokens, ctxWith(res)).then(() => 'ok', (e: { code: string }) => e.code);
    expect(await codeOf(new Response('{}', { status: 403, headers: { 'x-ratelimit-remaining': '0' } }))).toBe('server_error');
    expect(await codeOf(new Response('{"message":"API rate limit exceeded for user"}', { status: 403 }))).toBe('server_error');
    expect(await codeOf(new Response('{"message":"Resource not accessible by integration"}', { status: 403 }))).toBe('invalid_grant');
    expect(await codeOf(new Response('{}', { status: 401 }))).toBe('invalid_grant');
  });
});

describe('Copilot token expiry and clock skew', () => {
  test("expires_at is read against GitHub's Date header: a gateway clock 40 min ahead still sees a fresh 30 min token", async () => {
    const github = Date.parse('2030-01-01T12:00:00Z');
    const local = github + 40 * 60_000;
    const res = Response.json({ token: 'tid=copilot-token-1', expires_at: github / 1000 + 1800, refresh_in: 1500 }, { headers: { date: new Date(github).toUTCString() } });
    const ctx = { provider: {} as never, endpoints: copilotOAuth.endpoints, now: () => local, fetch: async () => res };
    const t = await copilotOAuth.refresh!({ accessToken: '', refreshToken: 'ghu_abc' }, ctx);
    expect(t.expiresAt).toBe(local + 1800_000);
  });

  test('without a Date header expires_at is taken as it is', async () => {
    const res = new Response(JSON.stringify({ token: 'tid=copilot-token-2', expires_at: 1_900_000_000 }), { headers: { 'content-type': 'application/json' } });
    const ctx = { provider: {} as never, endpoints: copilotOAuth.endpoints, now: () => 1_899_999_000_000, fetch: async () => res };
    expect((await copilotOAuth.refresh!({ accessToken: '', refreshToken: 'ghu_abc' }, ctx)).expiresAt).toBe(1_900_000_000_000);
  });
});
