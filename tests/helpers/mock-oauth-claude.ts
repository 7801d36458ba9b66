/**
 * A fake Anthropic for Claude Pro/Max subscriptions: the OAuth server (PKCE login, JSON token
 * endpoint with `state`, refresh), the OAuth side endpoints (`/api/oauth/profile`,
 * `/api/oauth/usage` with 5 h / 7 d windows) and the Messages API as it treats OAuth tokens:
 * a bearer token is accepted only with the `oauth-2025-04-20` beta flag and a system prompt that
 * starts like Claude Code's; then the request runs on the byte-faithful Anthropic mock.
 */
import { anthropicErrorBody, startMockAnthropic, type MockAnthropic } from './mock-anthropic-upstream.ts';
import { MockOAuthCore, relay, type MockOAuthOptions } from './mock-oauth-server.ts';

export const MOCK_CLAUDE_CLIENT_ID = 'mock-claude-client';
const CC_PROMPT = "You are Claude Code, Anthropic's official CLI for Claude.";

export interface MockClaude {
  url: string;
  oauth: MockOAuthCore;
  inner: MockAnthropic;
  /** The usage endpoint's answer (Anthropic's shape). */
  usage: Record<string, unknown>;
  /** Unified rate-limit headers added to Messages answers. */
  rateLimitHeaders: Record<string, string>;
  /** Messages requests as received here (before the inner mock). */
  messages: Array<{ headers: Headers; body: Record<string, unknown>; status: number }>;
  /** Answers a Messages request instead of the normal path when it returns a Response (fault injection). */
  intercept?: (token: string, body: Record<string, unknown>) => Response | undefined;
  /** YAML `oauth:` block pointing a `claude-code` provider at this mock. */
  oauthYaml(redirectUri?: string): string;
  stop(): Promise<void>;
}

function anthropicError(status: number, message: string, type?: string): Response {
  return Response.json(anthropicErrorBody(status, message, type), { status });
}

/** Starts the mock on 127.0.0.1 (random port). */
export async function startMockClaude(o: Partial<MockOAuthOptions> = {}): Promise<MockClaude> {
  const inner = await startMockAnthropic({ apiKey: 'inner-key' });
  const oauth = new MockOAuthCore({ clientId: MOCK_CLAUDE_CLIENT_ID, prefix: 'canary-cc', format: 'json', stateInExchange: true, ...o });
  const state: Pick<MockClaude, 'usage' | 'rateLimitHeaders' | 'messages' | 'intercept'> = {
    usage: {
      five_hour: { utilization: 12.0, resets_at: new Date(Date.now() + 3 * 3600_000).toISOString() },
      seven_day: { utilization: 40.0, resets_at: new Date(Date.now() + 4 * 86400_000).toISOString() },
      seven_day_opus: null,
    },
    rateLimitHeaders: {},
    messages: [],
  };

  async function messages(req: Request, url: URL): Promise<Response> {
    const body = (await req.json()) as Record<string, unknown>;
    const rec = { headers: req.headers, body, status: 0 };
    state.messages.push(rec);
    const answer = (r: Response) => {
      rec.status = r.status;
      return r;
    };
    if (req.headers.get('x-api-key')) return answer(anthropicError(401, 'invalid x-api-key', 'authentication_error'));
    if (!(req.headers.get('anthropic-beta') ?? '').split(',').includes('oauth-2025-04-20')) {
      return answer(anthropicError(401, 'OAuth authentication is currently not supported.', 'authentication_error'));
    }
    const token = oauth.bearer(req);
    if (!token) return answer(anthropicError(401, 'OAuth token has expired.', 'authentication_error'));
    const injected = state.intercept?.(token, body);
    if (injected) return answer(injected);
    const sys = body.system;
    const first = typeof sys === 'string' ? sys : Array.isArray(sys) ? (sys[0] as { text?: string } | undefined)?.text : undefined;
    if (!first?.startsWith(CC_PROMPT)) {
      return answer(anthropicError(400, 'This credential is only authorized for use with Claude Code and cannot be used for other API requests.'));
    }
    const up = await fetch(`${inner.url}/messages${url.search}`, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'x-api-key': 'inner-key', 'anthropic-version': req.headers.get('anthropic-version') ?? '' },
    });
    return answer(relay(up, state.rateLimitHeaders));
  }

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const route = `${req.method} ${url.pathname}`;
      if (route === 'GET /oauth/authorize') return oauth.authorize(url);
      if (route === 'POST /v1/oauth/token') return oauth.token(req);
      if (route === 'POST /v1/messages') return messages(req, url);
      if (url.pathname.startsWith('/api/oauth/')) {
        if (!(req.headers.get('anthropic-beta') ?? '').includes('oauth-2025-04-20') || !oauth.bearer(req)) {
          return anthropicError(401, 'Invalid bearer token', 'authentication_error');
        }
        if (route === 'GET /api/oauth/profile') {
          return Response.json({ account: { uuid: 'acc-uuid-1', email: 'max@example.test', has_claude_max: true, has_claude_pro: false }, organization: { uuid: 'org-1' } });
        }
        if (route === 'GET /api/oauth/usage') return Response.json(state.usage);
      }
      return anthropicError(404, 'Not found', 'not_found_error');
    },
  });
  const base = `http://127.0.0.1:${server.port}`;
  return Object.assign(state, {
    url: base, oauth, inner,
    oauthYaml: (redirectUri = `${base}/oauth/code/callback`) => `{ client_id: ${MOCK_CLAUDE_CLIENT_ID}, authorize_url: "${base}/oauth/authorize", token_url: "${base}/v1/oauth/token", redirect_uri: "${redirectUri}", usage_url: "${base}/api/oauth/usage", profile_url: "${base}/api/oauth/profile" }`,
    async stop() {
      await server.stop(true);
      await inner.stop();
    },
  });
}
