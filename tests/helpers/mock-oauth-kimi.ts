/**
 * A fake kimi.com: the RFC 8628 device flow at `/api/oauth/device_authorization` and
 * `/api/oauth/token` (pending answers with HTTP 200 and an `error` field, as Kimi sends them),
 * refresh with rotation, Kimi CLI's device headers required on every call, and the
 * Anthropic-format coding API (`/coding/v1/messages`), which takes only a live bearer token
 * with a `KimiCLI/` user agent. Accepted requests run on the byte-faithful Anthropic mock.
 * `GET /coding/v1/usages` answers `usage` (Kimi's shape: counts as strings) to a live bearer.
 */
import { anthropicErrorBody, startMockAnthropic, type MockAnthropic } from './mock-anthropic-upstream.ts';
import { MockOAuthCore, relay } from './mock-oauth-server.ts';

export const MOCK_KMC_CLIENT_ID = 'mock-kimi-client';

export interface MockKimi {
  url: string;
  oauth: MockOAuthCore;
  inner: MockAnthropic;
  messages: Array<{ headers: Headers; body: Record<string, unknown>; status: number }>;
  /** Device ids seen on OAuth calls. */
  deviceIds: Set<string>;
  /** What `GET /coding/v1/usages` answers. */
  usage: Record<string, unknown>;
  oauthYaml(): string;
  stop(): Promise<void>;
}

/** Starts the mock on 127.0.0.1 (random port). */
export async function startMockKimi(): Promise<MockKimi> {
  const inner = await startMockAnthropic({ apiKey: 'inner-key' });
  const oauth = new MockOAuthCore({ clientId: MOCK_KMC_CLIENT_ID, prefix: 'canary-kmc', format: 'form', deviceErrorsAs200: true, accessTtlSec: 900 });
  const messages: MockKimi['messages'] = [];
  const deviceIds = new Set<string>();
  const state = {
    usage: {
      usage: { limit: '100', used: '26', remaining: '74', resetTime: '2030-01-06T00:00:00Z' },
      limits: [{ window: { duration: 300, timeUnit: 'TIME_UNIT_MINUTE' }, detail: { limit: '50', remaining: '40', resetTime: '2030-01-01T05:00:00Z' } }],
    } as Record<string, unknown>,
  };
  const anthropicError = (status: number, message: string) => Response.json(anthropicErrorBody(status, message, 'authentication_error'), { status });

  async function coding(req: Request, url: URL): Promise<Response> {
    const body = (await req.json()) as Record<string, unknown>;
    const rec = { headers: req.headers, body, status: 0 };
    messages.push(rec);
    const answer = (r: Response) => {
      rec.status = r.status;
      return r;
    };
    if (req.headers.get('x-api-key')) return answer(anthropicError(401, 'x-api-key is not accepted for OAuth logins'));
    if (!oauth.bearer(req)) return answer(anthropicError(401, 'The access token is invalid or expired'));
    if (!(req.headers.get('user-agent') ?? '').startsWith('KimiCLI/') || !req.headers.get('x-msh-device-id')) {
      return answer(Response.json(anthropicErrorBody(403, 'Kimi For Coding is only available for coding agents', 'permission_error'), { status: 403 }));
    }
    const up = await fetch(`${inner.url}/messages${url.search}`, {
      method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'x-api-key': 'inner-key', 'anthropic-version': req.headers.get('anthropic-version') ?? '' },
    });
    return answer(relay(up));
  }

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const route = `${req.method} ${url.pathname}`;
      if (url.pathname.startsWith('/api/oauth/')) {
        const device = req.headers.get('x-msh-device-id');
        if (!device || req.headers.get('x-msh-platform') !== 'kimi_cli') return Response.json({ error: 'invalid_request', error_description: 'missing device headers' }, { status: 400 });
        deviceIds.add(device);
        if (route === 'POST /api/oauth/device_authorization') return oauth.deviceCode(req);
        if (route === 'POST /api/oauth/token') return oauth.token(req);
      }
      if (route === 'POST /coding/v1/messages') return coding(req, url);
      if (route === 'GET /coding/v1/usages') {
        if (!oauth.bearer(req)) return anthropicError(401, 'The access token is invalid or expired');
        return Response.json(state.usage);
      }
      return anthropicError(404, 'not found');
    },
  });
  const base = `http://127.0.0.1:${server.port}`;
  return {
    url: base, oauth, inner, messages, deviceIds,
    get usage() {
      return state.usage;
    },
    set usage(v) {
      state.usage = v;
    },
    oauthYaml: () => `{ client_id: ${MOCK_KMC_CLIENT_ID}, device_code_url: "${base}/api/oauth/device_authorization", token_url: "${base}/api/oauth/token", usage_url: "${base}/coding/v1/usages" }`,
    async stop() {
      await server.stop(true);
      await inner.stop();
    },
  };
}
