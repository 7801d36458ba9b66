import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { buildAuthorizeUrl } from '../../../core/oauth/authorization-code-flow.ts';
import { OAuthError } from '../../../core/oauth/oauth-error.ts';
import type { OAuthSpecContext } from '../../../core/oauth/oauth-types.ts';
import { fetchIflowAccount, iflowOAuth } from './iflow-oauth.ts';

let server: ReturnType<typeof Bun.serve>;
let info: () => Response = () => Response.json({});
const seen: Array<{ url: string; headers: Headers; body: string }> = [];
beforeAll(() => {
  server = Bun.serve({
    hostname: '127.0.0.1', port: 0,
    async fetch(req) {
      seen.push({ url: req.url, headers: req.headers, body: await req.text() });
      if (new URL(req.url).pathname === '/token') return Response.json({ access_token: 'new-at', refresh_token: 'new-rt', expires_in: 3600 });
      return info();
    },
  });
});
afterAll(() => server.stop(true));

const ctx = () => ({
  endpoints: { ...iflowOAuth.endpoints, tokenUrl: `http://127.0.0.1:${server.port}/token`, urls: { userinfo: `http://127.0.0.1:${server.port}/api/oauth/getUserInfo` } },
  now: () => 1_000, fetch: (url: string, init?: RequestInit) => fetch(url, init), provider: { options: {} },
}) as unknown as OAuthSpecContext;

describe('iFlow login data', () => {
  test('the authorize URL carries the redirect in `redirect` too, and the phone login hints', () => {
    const url = new URL(buildAuthorizeUrl(iflowOAuth.endpoints, { state: 's', challenge: 'c', redirectUri: 'http://localhost:11451/oauth2callback', params: iflowOAuth.authorizeParams, redirectParam: iflowOAuth.redirectParam }));
    expect(url.origin + url.pathname).toBe('https://iflow.cn/oauth');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      redirect: 'http://localhost:11451/oauth2callback', redirect_uri: 'http://localhost:11451/oauth2callback', client_id: '10009311001', loginMethod: 'phone', type: 'phone', state: 's',
    });
  });

  test('oauth_creds.json: tokens and the API key', () => {
    expect(iflowOAuth.importer!.parse({ access_token: 'at', refresh_token: 'rt', expiry_date: 1_900_000_000_000, apiKey: 'sk-1' }).tokens)
      .toEqual({ accessToken: 'at', refreshToken: 'rt', expiresAt: 1_900_000_000_000, extra: { apiKey: 'sk-1' } });
    expect(() => iflowOAuth.importer!.parse({ apiKey: 'sk' })).toThrow(/access_token/);
  });
});

describe('iFlow account info', () => {
  test('the token goes in the query; the API key and who it is come back', async () => {
    info = () => Response.json({ success: true, data: { apiKey: 'sk-live', email: 'a@b.test', phone: '1' } });
    expect(await fetchIflowAccount('tok en', ctx())).toEqual({ apiKey: 'sk-live', email: 'a@b.test', phone: '1' });
    const req = seen.at(-1)!;
    expect(new URL(req.url).searchParams.get('accessToken')).toBe('tok en');
    expect(req.headers.get('authorization')).toBeNull();
  });

  test('refused or keyless answers are invalid_grant; 5xx is server_error', async () => {
    const codeOf = async () => ((await fetchIflowAccount('t', ctx()).catch((e: unknown) => e)) as OAuthError).code;
    info = () => Response.json({ success: false }, { status: 401 });
    expect(await codeOf()).toBe('invalid_grant');
    info = () => Response.json({ success: true, data: {} });
    expect(await codeOf()).toBe('invalid_grant');
    info = () => new Response('down', { status: 503 });
    expect(await codeOf()).toBe('server_error');
  });

  test('refresh: Basic client credentials, a new key; a failing account call keeps the previous key', async () => {
    info = () => Response.json({ success: true, data: { apiKey: 'sk-2', email: 'a@b.test' } });
    const next = await iflowOAuth.refresh!({ accessToken: 'old', refreshToken: 'rt', extra: { apiKey: 'sk-1' } }, ctx());
    expect(next).toMatchObject({ accessToken: 'new-at', refreshToken: 'new-rt', extra: { apiKey: 'sk-2', account: 'a@b.test' } });
    const tokenReq = seen.find((r) => new URL(r.url).pathname === '/token')!;
    expect(tokenReq.headers.get('authorization')).toBe(`Basic ${Buffer.from('10009311001:4Z3YjXycVsQvyGF1etiNlIBB4RsqSDtW').toString('base64')}`);
    expect(new URLSearchParams(tokenReq.body).get('client_secret')).toBe('4Z3YjXycVsQvyGF1etiNlIBB4RsqSDtW');
    info = () => new Response('down', { status: 503 });
    expect((await iflowOAuth.refresh!({ accessToken: 'old', refreshToken: 'rt', extra: { apiKey: 'sk-1' } }, ctx())).extra?.apiKey).toBe('sk-1');
    expect(iflowOAuth.identify!({ accessToken: 'x', extra: { account: 'a@b.test' } }, ctx())).toEqual({ accountId: 'a@b.test', label: 'a@b.test', meta: { email: 'a@b.test' } });
  });
});
