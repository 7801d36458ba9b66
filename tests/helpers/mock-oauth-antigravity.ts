/**
 * A fake Google for Antigravity logins: the Google OAuth server (PKCE, client secret, offline
 * access), `userinfo`, and Antigravity's Code Assist backend: `loadCodeAssist` / `onboardUser`
 * (which insist on Antigravity's client metadata), `fetchAvailableModels` (per-model quota) and
 * `v1internal:generateContent` / `:streamGenerateContent?alt=sse`, which take only Antigravity's
 * envelope (`userAgent: antigravity`, `requestType: agent`, an `agent-` request id, a session id,
 * no `user_prompt_id`) with an `antigravity/` user agent, and answer `{response, traceId}` (per
 * SSE event for streams). The Gemini request itself runs on the byte-faithful Gemini mock.
 */
import { startMockGemini, type MockGemini } from './mock-gemini-upstream.ts';
import { MockOAuthCore, type MockOAuthOptions } from './mock-oauth-server.ts';

export const MOCK_AG_CLIENT_ID = 'mock-ag-client.apps.googleusercontent.com';
export const MOCK_AG_SECRET = 'mock-ag-installed-app-secret';
export const MOCK_AG_PROJECT = 'mock-ag-project-7';
export const MOCK_AG_EMAIL = 'ag@example.test';

type Json = Record<string, unknown>;
export interface MockAntigravity {
  url: string;
  oauth: MockOAuthCore;
  inner: MockGemini;
  onboarded: boolean;
  models: Json;
  calls: Array<{ path: string; body: Json; headers: Headers; status: number }>;
  oauthYaml(): string;
  stop(): Promise<void>;
}

const googleError = (code: number, status: string, message: string) => Response.json({ error: { code, message, status } }, { status: code });

/** Why a generate call's envelope is not Antigravity's (undefined when it is). */
function envelopeProblem(body: Json, headers: Headers): string | undefined {
  if (!(headers.get('user-agent') ?? '').startsWith('antigravity/')) return 'user agent';
  if (body.userAgent !== 'antigravity' || body.requestType !== 'agent' || !/^agent-/.test(String(body.requestId))) return 'envelope fields';
  if ('user_prompt_id' in body || typeof body.model !== 'string') return 'gemini-cli fields';
  const request = body.request as Json | undefined;
  if (!request || 'model' in request || typeof request.sessionId !== 'string' || 'safetySettings' in request) return 'request';
  return undefined;
}

/** Starts the mock on 127.0.0.1 (random port). */
export async function startMockAntigravity(o: Partial<MockOAuthOptions> = {}): Promise<MockAntigravity> {
  const inner = await startMockGemini({ apiKey: 'inner-key' });
  const oauth = new MockOAuthCore({ clientId: MOCK_AG_CLIENT_ID, clientSecret: MOCK_AG_SECRET, prefix: 'canary-ag', format: 'form', ...o });
  const state = {
    onboarded: false, calls: [] as MockAntigravity['calls'],
    models: {
      models: {
        'gemini-3-pro-high': { displayName: 'Gemini 3 Pro (High)', quotaInfo: { remainingFraction: 0.4, resetTime: '2030-01-01T00:00:00Z' } },
        'claude-sonnet-4-5': { displayName: 'Claude Sonnet 4.5', quotaInfo: { resetTime: '2030-01-02T00:00:00Z' } },
        chat_20706: {},
      },
    } as Json,
  };

  async function generate(req: Request, method: string, search: string): Promise<Response> {
    const body = (await req.json()) as Json;
    const rec = { path: method, body, headers: req.headers, status: 0 };
    state.calls.push(rec);
    const answer = (r: Response) => {
      rec.status = r.status;
      return r;
    };
    if (!oauth.bearer(req)) return answer(googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'));
    if (body.project !== MOCK_AG_PROJECT) return answer(googleError(403, 'PERMISSION_DENIED', `Permission denied on resource project ${String(body.project)}.`));
    const problem = envelopeProblem(body, req.headers);
    if (problem) return answer(googleError(400, 'INVALID_ARGUMENT', `Invalid JSON payload received (${problem}).`));
    const up = await fetch(`${inner.url}/v1beta/models/${String(body.model)}:${method}${search}`, {
      method: 'POST', body: JSON.stringify({ ...(body.request as Json), sessionId: undefined }), headers: { 'content-type': 'application/json', 'x-goog-api-key': 'inner-key' },
    });
    const text = await up.text();
    const type = up.headers.get('content-type') ?? 'application/json';
    if (!up.ok) return answer(new Response(text, { status: up.status, headers: { 'content-type': type } }));
    const wrap = (v: unknown) => ({ response: v, traceId: 'trace-ag' });
    if (type.includes('text/event-stream')) {
      const sse = text.split('\n').map((l) => (l.startsWith('data: ') ? `data: ${JSON.stringify(wrap(JSON.parse(l.slice(6))))}` : l)).join('\n');
      return answer(new Response(sse, { headers: { 'content-type': 'text/event-stream' } }));
    }
    const json = JSON.parse(text) as unknown;
    return answer(Response.json(Array.isArray(json) ? json.map(wrap) : wrap(json)));
  }

  async function control(route: string, req: Request): Promise<Response> {
    const body = (await req.json().catch(() => ({}))) as Json;
    const meta = body.metadata as Json | undefined;
    if (route === 'POST /v1internal:loadCodeAssist') {
      if (meta?.ideType !== 'ANTIGRAVITY') return googleError(400, 'INVALID_ARGUMENT', 'unknown client');
      return Response.json(state.onboarded ? { currentTier: { id: 'free-tier' }, cloudaicompanionProject: { id: MOCK_AG_PROJECT } } : { allowedTiers: [{ id: 'free-tier', isDefault: true }] });
    }
    if (route === 'POST /v1internal:onboardUser') {
      if (meta?.ideType !== 'ANTIGRAVITY' || body.tierId !== 'free-tier') return googleError(400, 'INVALID_ARGUMENT', 'bad onboarding');
      state.onboarded = true;
      return Response.json({ name: 'operations/ag-1', done: true, response: { cloudaicompanionProject: { id: MOCK_AG_PROJECT } } });
    }
    if (route === 'POST /v1internal:fetchAvailableModels') return body.project === MOCK_AG_PROJECT ? Response.json(state.models) : googleError(403, 'PERMISSION_DENIED', 'project');
    return googleError(404, 'NOT_FOUND', 'Not found');
  }

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const route = `${req.method} ${url.pathname}`;
      if (route === 'GET /o/oauth2/v2/auth') return oauth.authorize(url);
      if (route === 'POST /token') return oauth.token(req);
      const m = /^POST \/v1internal:(generateContent|streamGenerateContent)$/.exec(route);
      if (m) return generate(req, m[1]!, url.search);
      if (!oauth.bearer(req)) return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
      if (route === 'GET /oauth2/v2/userinfo') return Response.json({ id: '77', email: MOCK_AG_EMAIL, verified_email: true });
      return control(route, req);
    },
  });
  const base = `http://127.0.0.1:${server.port}`;
  return Object.assign(state, {
    url: base, oauth, inner,
    oauthYaml: () => `{ client_id: "${MOCK_AG_CLIENT_ID}", client_secret: ${MOCK_AG_SECRET}, authorize_url: "${base}/o/oauth2/v2/auth", token_url: "${base}/token", userinfo_url: "${base}/oauth2/v2/userinfo", redirect_uri: gateway }`,
    async stop() {
      await server.stop(true);
      await inner.stop();
    },
  });
}
