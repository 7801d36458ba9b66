/**
 * A fake iflow.cn: the login page (`/oauth`, which reads the redirect from `redirect`, not
 * `redirect_uri`), the token endpoint (form body plus HTTP Basic client credentials, both
 * required), the account-info endpoint that hands out the API key for an access token given in
 * the query, and the OpenAI-compatible chat API, which takes only a live API key — never the
 * OAuth token. Accepted chats run on the OpenAI mock.
 */
import { startMockOpenAI, type MockOpenAI } from './mock-openai-upstream.ts';
import { MockOAuthCore, relay, forwardToInner } from './mock-oauth-server.ts';

export const MOCK_IF_CLIENT_ID = 'mock-iflow-client';
export const MOCK_IF_SECRET = 'mock-iflow-secret';
export const MOCK_IF_EMAIL = 'if@example.test';

export interface MockIflow {
  url: string;
  oauth: MockOAuthCore;
  inner: MockOpenAI;
  /** API keys issued, and whether each is still accepted. */
  keys: Map<string, boolean>;
  chats: Array<{ headers: Headers; status: number }>;
  authorizeRequests: URL[];
  /** Makes every API key invalid: the next account-info call issues a new one. */
  rotateKeys(): void;
  oauthYaml(): string;
  stop(): Promise<void>;
}

/** Starts the mock on 127.0.0.1 (random port). */
export async function startMockIflow(): Promise<MockIflow> {
  const inner = await startMockOpenAI({ apiKey: 'inner-key' });
  const oauth = new MockOAuthCore({ clientId: MOCK_IF_CLIENT_ID, clientSecret: MOCK_IF_SECRET, prefix: 'canary-if', format: 'form' });
  const codes = new Map<string, string>();
  const keys = new Map<string, boolean>();
  const chats: MockIflow['chats'] = [];
  const authorizeRequests: URL[] = [];
  let current: string | undefined;
  let n = 0;
  const basic = `Basic ${Buffer.from(`${MOCK_IF_CLIENT_ID}:${MOCK_IF_SECRET}`).toString('base64')}`;
  const err = (status: number, error: string) => Response.json({ error, error_description: error }, { status });

  async function token(req: Request): Promise<Response> {
    if (req.headers.get('authorization') !== basic) return err(401, 'invalid_client');
    const p = Object.fromEntries(new URLSearchParams(await req.clone().text()));
    if (p.grant_type !== 'authorization_code') return oauth.token(req);
    oauth.exchanges++;
    const redirect = codes.get(p.code ?? '');
    codes.delete(p.code ?? '');
    if (!redirect || redirect !== p.redirect_uri || p.client_secret !== MOCK_IF_SECRET) return err(400, 'invalid_grant');
    return Response.json(oauth.issue());
  }

  function userInfo(url: URL): Response {
    const t = url.searchParams.get('accessToken') ?? '';
    const a = oauth.access.get(t);
    if (!a?.valid || a.expiresAt <= Date.now()) return Response.json({ success: false, message: 'invalid token' }, { status: 401 });
    if (!current || !keys.get(current)) {
      current = `canary-if-key-${++n}-${crypto.randomUUID()}`;
      keys.set(current, true);
    }
    return Response.json({ success: true, data: { apiKey: current, email: MOCK_IF_EMAIL, phone: '+86-000' } });
  }

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const route = `${req.method} ${url.pathname}`;
      if (route === 'GET /oauth') {
        authorizeRequests.push(url);
        const redirect = url.searchParams.get('redirect');
        if (url.searchParams.get('client_id') !== MOCK_IF_CLIENT_ID || !redirect) return err(400, 'invalid_request');
        const code = `if-code-${++n}`;
        codes.set(code, redirect);
        const to = new URL(redirect);
        to.searchParams.set('code', code);
        to.searchParams.set('state', url.searchParams.get('state') ?? '');
        return new Response(null, { status: 302, headers: { location: to.toString() } });
      }
      if (route === 'POST /oauth/token') return token(req);
      if (route === 'GET /api/oauth/getUserInfo') return userInfo(url);
      if (route === 'POST /v1/chat/completions') {
        const rec = { headers: req.headers, status: 401 };
        chats.push(rec);
        const key = /^Bearer (.+)$/.exec(req.headers.get('authorization') ?? '')?.[1];
        if (!key || keys.get(key) !== true) return Response.json({ error: { message: 'Invalid API key', type: 'invalid_request_error', code: 'invalid_api_key' } }, { status: 401 });
        const up = await forwardToInner(`${inner.url}/chat/completions`, await req.text());
        rec.status = up.status;
        return relay(up);
      }
      return err(404, 'not_found');
    },
  });
  const base = `http://127.0.0.1:${server.port}`;
  return {
    url: base, oauth, inner, keys, chats, authorizeRequests,
    rotateKeys() {
      for (const k of keys.keys()) keys.set(k, false);
    },
    oauthYaml: () => `{ client_id: ${MOCK_IF_CLIENT_ID}, client_secret: ${MOCK_IF_SECRET}, authorize_url: "${base}/oauth", token_url: "${base}/oauth/token", userinfo_url: "${base}/api/oauth/getUserInfo", redirect_uri: "${base}/oauth2callback" }`,
    async stop() {
      await server.stop(true);
      await inner.stop();
    },
  };
}
