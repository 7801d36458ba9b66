/**
 * A fake Google for Gemini CLI logins: the Google OAuth server (PKCE, client secret, offline
 * access), `userinfo`, and Cloud Code Assist (`cloudcode-pa`): `loadCodeAssist` /
 * `onboardUser` (free tier, a managed project), `retrieveUserQuota`, and
 * `v1internal:generateContent` / `:streamGenerateContent?alt=sse`, which take only
 * `{model, project, request}` for the onboarded project and answer `{response, traceId}` (per
 * SSE event for streams). The Gemini request itself runs on the byte-faithful Gemini mock.
 */
import { startMockGemini, type MockGemini } from './mock-gemini-upstream.ts';
import { MockOAuthCore, type MockOAuthOptions } from './mock-oauth-server.ts';

export const MOCK_GC_CLIENT_ID = 'mock-gc-client.apps.googleusercontent.com';
export const MOCK_GC_SECRET = 'mock-gc-installed-app-secret';
export const MOCK_GC_PROJECT = 'mock-project-42';

export interface MockGeminiCli {
  url: string;
  oauth: MockOAuthCore;
  inner: MockGemini;
  /** Whether the user has been onboarded (loadCodeAssist then reports the project). */
  onboarded: boolean;
  /** `onboardUser` answers `done: false` this many times first. */
  onboardPending: number;
  quota: Record<string, unknown>;
  calls: Array<{ path: string; body: Record<string, unknown>; status: number }>;
  oauthYaml(): string;
  stop(): Promise<void>;
}

const googleError = (code: number, status: string, message: string) => Response.json({ error: { code, message, status } }, { status: code });

/** Starts the mock on 127.0.0.1 (random port). */
export async function startMockGeminiCli(o: Partial<MockOAuthOptions> = {}): Promise<MockGeminiCli> {
  const inner = await startMockGemini({ apiKey: 'inner-key' });
  const oauth = new MockOAuthCore({ clientId: MOCK_GC_CLIENT_ID, clientSecret: MOCK_GC_SECRET, prefix: 'canary-gc', format: 'form', ...o });
  const state = {
    onboarded: false, onboardPending: 0, calls: [] as MockGeminiCli['calls'],
    quota: { buckets: [{ modelId: 'gemini-2.5-pro', tokenType: 'REQUESTS', remainingFraction: 0.75, resetTime: '2030-01-01T00:00:00Z' }] } as Record<string, unknown>,
  };

  async function generate(req: Request, method: string, search: string): Promise<Response> {
    const body = (await req.json()) as Record<string, unknown>;
    const rec = { path: method, body, status: 0 };
    state.calls.push(rec);
    const answer = (r: Response) => {
      rec.status = r.status;
      return r;
    };
    if (body.project !== MOCK_GC_PROJECT) return answer(googleError(403, 'PERMISSION_DENIED', `Permission denied on resource project ${String(body.project)}.`));
    const request = body.request as Record<string, unknown> | undefined;
    if (typeof body.model !== 'string' || !request || 'model' in request) return answer(googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'));
    const up = await fetch(`${inner.url}/v1beta/models/${body.model}:${method}${search}`, {
      method: 'POST', body: JSON.stringify(request), headers: { 'content-type': 'application/json', 'x-goog-api-key': 'inner-key' },
    });
    const text = await up.text();
    const type = up.headers.get('content-type') ?? 'application/json';
    if (!up.ok) return answer(new Response(text, { status: up.status, headers: { 'content-type': type } }));
    const wrap = (v: unknown) => ({ response: v, traceId: 'trace-mock' });
    if (type.includes('text/event-stream')) {
      const sse = text.split('\n').map((l) => (l.startsWith('data: ') ? `data: ${JSON.stringify(wrap(JSON.parse(l.slice(6))))}` : l)).join('\n');
      return answer(new Response(sse, { headers: { 'content-type': 'text/event-stream' } }));
    }
    const json = JSON.parse(text) as unknown;
    return answer(Response.json(Array.isArray(json) ? json.map(wrap) : wrap(json)));
  }

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const route = `${req.method} ${url.pathname}`;
      if (route === 'GET /o/oauth2/v2/auth') return oauth.authorize(url);
      if (route === 'POST /token') return oauth.token(req);
      if (!oauth.bearer(req)) return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
      if (route === 'GET /oauth2/v2/userinfo') return Response.json({ id: '1234', email: 'gc@example.test', verified_email: true });
      if (route === 'POST /v1internal:loadCodeAssist') {
        return Response.json(state.onboarded
          ? { currentTier: { id: 'free-tier' }, cloudaicompanionProject: MOCK_GC_PROJECT }
          : { allowedTiers: [{ id: 'free-tier', isDefault: true }, { id: 'standard-tier', userDefinedCloudaicompanionProject: true }] });
      }
      if (route === 'POST /v1internal:onboardUser') {
        if (state.onboardPending-- > 0) return Response.json({ name: 'operations/onboard-1', done: false });
        state.onboarded = true;
        return Response.json({ name: 'operations/onboard-1', done: true, response: { cloudaicompanionProject: { id: MOCK_GC_PROJECT, name: 'Managed' } } });
      }
      if (route === 'POST /v1internal:retrieveUserQuota') return Response.json(state.quota);
      const m = /^POST \/v1internal:(generateContent|streamGenerateContent)$/.exec(route);
      if (m) return generate(req, m[1]!, url.search);
      return googleError(404, 'NOT_FOUND', 'Not found');
    },
  });
  const base = `http://127.0.0.1:${server.port}`;
  return Object.assign(state, {
    url: base, oauth, inner,
    oauthYaml: () => `{ client_id: "${MOCK_GC_CLIENT_ID}", client_secret: ${MOCK_GC_SECRET}, authorize_url: "${base}/o/oauth2/v2/auth", token_url: "${base}/token", userinfo_url: "${base}/oauth2/v2/userinfo", redirect_uri: gateway }`,
    async stop() {
      await server.stop(true);
      await inner.stop();
    },
  });
}
