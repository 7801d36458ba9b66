/**
 * A fake ChatGPT backend for Codex: the OpenAI OAuth server (PKCE with form-encoded token
 * requests, an id token carrying the ChatGPT account id and plan, refresh) and
 * `POST /backend-api/codex/responses` as it treats requests: bearer token plus the matching
 * `chatgpt-account-id`, `stream: true` and `store: false` required, `instructions` required,
 * limits and sampling parameters refused, errors as `{"detail": …}`. Accepted requests run on
 * the Responses mock; answers carry the `x-codex-*` rate-limit headers.
 */
import { startMockResponses, type MockResponses } from './mock-responses-upstream.ts';
import { MockOAuthCore, relay, type MockOAuthOptions, forwardToInner } from './mock-oauth-server.ts';

export const MOCK_CODEX_CLIENT_ID = 'mock-codex-client';
export const MOCK_CHATGPT_ACCOUNT = 'acc-chatgpt-123';

/** A JWT-shaped token (unsigned) with these claims. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.sig`;
}

export interface MockCodex {
  url: string;
  /** `base_url` of a `codex` provider pointed here. */
  baseUrl: string;
  oauth: MockOAuthCore;
  inner: MockResponses;
  /** Rate-limit headers of the next answers. */
  rateLimitHeaders: Record<string, string>;
  /** Models the plan no longer serves (a retired slug): refused as the backend words it. */
  retired: Set<string>;
  calls: Array<{ headers: Headers; body: Record<string, unknown>; status: number }>;
  oauthYaml(): string;
  stop(): Promise<void>;
}

const detail = (status: number, text: string) => Response.json({ detail: text }, { status });

/** Starts the mock on 127.0.0.1 (random port). */
export async function startMockCodex(o: Partial<MockOAuthOptions> = {}): Promise<MockCodex> {
  const inner = await startMockResponses({ apiKey: 'inner-key' });
  const oauth = new MockOAuthCore({
    clientId: MOCK_CODEX_CLIENT_ID, prefix: 'canary-cx', format: 'form',
    idToken: () => fakeJwt({
      email: 'pro@example.test', exp: Math.floor(Date.now() / 1000) + 3600,
      'https://api.openai.com/auth': { chatgpt_account_id: MOCK_CHATGPT_ACCOUNT, chatgpt_plan_type: 'pro' },
    }),
    ...o,
  });
  const state: Pick<MockCodex, 'rateLimitHeaders' | 'calls' | 'retired'> = {
    rateLimitHeaders: {
      'x-codex-primary-used-percent': '12.5', 'x-codex-primary-window-minutes': '300', 'x-codex-primary-reset-after-seconds': '3600',
      'x-codex-secondary-used-percent': '30', 'x-codex-secondary-window-minutes': '10080', 'x-codex-secondary-reset-after-seconds': '400000',
    },
    calls: [],
    retired: new Set(),
  };

  async function responses(req: Request): Promise<Response> {
    const body = (await req.json()) as Record<string, unknown>;
    const rec = { headers: req.headers, body, status: 0 };
    state.calls.push(rec);
    const answer = (r: Response) => {
      rec.status = r.status;
      return r;
    };
    if (!oauth.bearer(req)) return answer(Response.json({ error: { message: 'Your authentication token has expired.', type: 'invalid_request_error', code: 'token_expired' } }, { status: 401 }));
    if (req.headers.get('chatgpt-account-id') !== MOCK_CHATGPT_ACCOUNT) return answer(detail(403, 'Account mismatch'));
    if (body.stream !== true) return answer(detail(400, 'Stream must be set to true'));
    if (body.store !== false) return answer(detail(400, 'Store must be set to false'));
    if (typeof body.instructions !== 'string' || !body.instructions) return answer(detail(400, 'Instructions are required'));
    if (state.retired.has(String(body.model))) return answer(detail(400, `The '${String(body.model)}' model is not supported when using Codex with a ChatGPT account.`));
    for (const k of ['max_output_tokens', 'temperature', 'top_p', 'prompt_cache_retention', 'prompt_cache_options']) if (k in body) return answer(detail(400, `Unsupported parameter: ${k}`));
    const used = Number(state.rateLimitHeaders['x-codex-primary-used-percent'] ?? 0);
    if (used >= 100) {
      return answer(Response.json({ error: { type: 'usage_limit_reached', message: 'The usage limit has been reached', resets_in_seconds: 3600 } }, { status: 429, headers: state.rateLimitHeaders }));
    }
    const up = await forwardToInner(`${inner.url}/responses`, JSON.stringify(body));
    return answer(relay(up, state.rateLimitHeaders));
  }

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const url = new URL(req.url);
      const route = `${req.method} ${url.pathname}`;
      if (route === 'GET /oauth/authorize') return oauth.authorize(url);
      if (route === 'POST /oauth/token') return oauth.token(req);
      if (route === 'POST /backend-api/codex/responses') return responses(req);
      return detail(404, 'Not Found');
    },
  });
  const base = `http://127.0.0.1:${server.port}`;
  return Object.assign(state, {
    url: base, baseUrl: `${base}/backend-api/codex`, oauth, inner,
    oauthYaml: () => `{ client_id: ${MOCK_CODEX_CLIENT_ID}, authorize_url: "${base}/oauth/authorize", token_url: "${base}/oauth/token", redirect_uri: "http://localhost:1455/auth/callback" }`,
    async stop() {
      await server.stop(true);
      await inner.stop();
    },
  });
}
