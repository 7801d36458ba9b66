/**
 * A fake GitHub + Copilot: GitHub's device flow (errors answered with HTTP 200, as GitHub does),
 * `GET /user`, the Copilot token exchange (`/copilot_internal/v2/token`, short-lived tokens
 * naming the chat endpoint), the quota snapshot (`/copilot_internal/user`) and the chat API,
 * which takes only a live Copilot token plus the editor headers. Accepted chats run on the
 * OpenAI mock.
 */
import { startMockOpenAI, type MockOpenAI } from './mock-openai-upstream.ts';
import { MockOAuthCore, relay, type MockOAuthOptions, forwardToInner } from './mock-oauth-server.ts';

export const MOCK_COPILOT_CLIENT_ID = 'mock-copilot-client';

export interface MockCopilot {
  url: string;
  /** The GitHub side (device flow, GitHub tokens). */
  github: MockOAuthCore;
  inner: MockOpenAI;
  /** Copilot tokens issued: token → expiry (epoch ms). */
  copilotTokens: Map<string, number>;
  /** Token exchanges served (successful or not). */
  exchanges: number;
  /** Lifetime of the next Copilot tokens. */
  copilotTtlSec: number;
  quota: Record<string, unknown>;
  chats: Array<{ headers: Headers; body: Record<string, unknown>; status: number }>;
  oauthYaml(): string;
  stop(): Promise<void>;
}

/**
 * Starts the mock on 127.0.0.1 (random port). `now` is the mock's clock for Copilot token
 * expiry: pass the gateway's test clock so both agree on when a token expires.
 */
export async function startMockCopilot(o: Partial<MockOAuthOptions> & { now?: () => number } = {}): Promise<MockCopilot> {
  const now = o.now ?? Date.now;
  const inner = await startMockOpenAI({ apiKey: 'inner-key' });
  const github = new MockOAuthCore({ clientId: MOCK_COPILOT_CLIENT_ID, prefix: 'canary-gho', format: 'form', deviceErrorsAs200: true, ...o });
  let n = 0;
  let base = '';
  const state = {
    copilotTokens: new Map<string, number>(),
    exchanges: 0,
    copilotTtlSec: 1800,
    quota: {
      copilot_plan: 'individual', quota_reset_date: '2030-02-01',
      quota_snapshots: {
        chat: { entitlement: 0, remaining: 0, percent_remaining: 100, unlimited: true },
        completions: { entitlement: 0, remaining: 0, percent_remaining: 100, unlimited: true },
        premium_interactions: { entitlement: 300, remaining: 120, percent_remaining: 40, unlimited: false },
      },
    } as Record<string, unknown>,
    chats: [] as MockCopilot['chats'],
  };

  function exchange(req: Request): Response {
    state.exchanges++;
    if (!github.bearer(req, 'token')) return Response.json({ message: 'Bad credentials' }, { status: 401 });
    if (!req.headers.get('editor-version')) return Response.json({ message: 'editor-version required' }, { status: 400 });
    const expiresAt = now() + state.copilotTtlSec * 1000;
    const token = `tid=canary-cop-${++n}-${crypto.randomUUID()};exp=${Math.floor(expiresAt / 1000)};sku=copilot_individual:mocksig`;
    state.copilotTokens.set(token, expiresAt);
    return Response.json({ token, expires_at: Math.floor(expiresAt / 1000), refresh_in: state.copilotTtlSec - 300, endpoints: { api: base } }, {
      headers: { date: new Date(now()).toUTCString() }, // GitHub's clock is the mock's
    });
  }

  async function chat(req: Request): Promise<Response> {
    const body = (await req.json()) as Record<string, unknown>;
    const rec = { headers: req.headers, body, status: 0 };
    state.chats.push(rec);
    const answer = (r: Response) => {
      rec.status = r.status;
      return r;
    };
    const token = /^Bearer (.+)$/.exec(req.headers.get('authorization') ?? '')?.[1] ?? '';
    const exp = state.copilotTokens.get(token);
    if (!exp || exp <= now()) return answer(Response.json({ error: { message: 'unauthorized: token expired', code: 'unauthorized' } }, { status: 401 }));
    if (!req.headers.get('editor-version') || req.headers.get('copilot-integration-id') !== 'vscode-chat') {
      return answer(Response.json({ error: { message: 'missing Editor-Version header for IDE auth', code: 'bad_request' } }, { status: 400 }));
    }
    const up = await forwardToInner(`${inner.url}/chat/completions`, JSON.stringify(body));
    return answer(relay(up));
  }

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const url = new URL(req.url);
      const route = `${req.method} ${url.pathname}`;
      if (route === 'POST /login/device/code') return github.deviceCode(req);
      if (route === 'POST /login/oauth/access_token') return github.token(req);
      if (route === 'GET /copilot_internal/v2/token') return exchange(req);
      if (route === 'POST /chat/completions') return chat(req);
      if (route === 'GET /user' || route === 'GET /copilot_internal/user') {
        if (!github.bearer(req, 'token')) return Response.json({ message: 'Bad credentials' }, { status: 401 });
        return Response.json(route === 'GET /user' ? { login: 'octocat', id: 583231 } : state.quota);
      }
      return Response.json({ message: 'Not Found' }, { status: 404 });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
  return Object.assign(state, {
    url: base, github, inner,
    oauthYaml: () => `{ client_id: ${MOCK_COPILOT_CLIENT_ID}, device_code_url: "${base}/login/device/code", token_url: "${base}/login/oauth/access_token", copilot_token_url: "${base}/copilot_internal/v2/token", user_url: "${base}/user", quota_url: "${base}/copilot_internal/user" }`,
    async stop() {
      await server.stop(true);
      await inner.stop();
    },
  });
}
