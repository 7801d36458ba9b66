/**
 * A fake qwen.ai: the device flow bound to a PKCE pair (the poll must carry the verifier of the
 * challenge sent with the code request; RFC-style 400 errors), token answers naming the API host
 * (`resource_url`), refresh, and the OpenAI-compatible chat API, which takes only a live access
 * token. Accepted chats run on the OpenAI mock.
 */
import { startMockOpenAI, type MockOpenAI } from './mock-openai-upstream.ts';
import { MockOAuthCore, relay, forwardToInner } from './mock-oauth-server.ts';

export const MOCK_QWEN_CLIENT_ID = 'mock-qwen-client';

export interface MockQwen {
  url: string;
  oauth: MockOAuthCore;
  inner: MockOpenAI;
  chats: Array<{ headers: Headers; status: number }>;
  oauthYaml(): string;
  stop(): Promise<void>;
}

/** Starts the mock on 127.0.0.1 (random port). */
export async function startMockQwen(): Promise<MockQwen> {
  const inner = await startMockOpenAI({ apiKey: 'inner-key' });
  let base = '';
  const oauth = new MockOAuthCore({ clientId: MOCK_QWEN_CLIENT_ID, prefix: 'canary-qw', format: 'form', tokenFields: () => ({ resource_url: base }) });
  const chats: MockQwen['chats'] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const route = `${req.method} ${url.pathname}`;
      if (route === 'POST /api/v1/oauth2/device/code') return oauth.deviceCode(req);
      if (route === 'POST /api/v1/oauth2/token') return oauth.token(req);
      if (route === 'POST /v1/chat/completions') {
        const rec = { headers: req.headers, status: 401 };
        chats.push(rec);
        if (!oauth.bearer(req)) return Response.json({ error: { message: 'Invalid access token', type: 'invalid_request_error', code: 'invalid_api_key' } }, { status: 401 });
        const up = await forwardToInner(`${inner.url}/chat/completions`, await req.text());
        rec.status = up.status;
        return relay(up);
      }
      return Response.json({ error: 'not_found' }, { status: 404 });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
  return {
    url: base, oauth, inner, chats,
    oauthYaml: () => `{ client_id: ${MOCK_QWEN_CLIENT_ID}, device_code_url: "${base}/api/v1/oauth2/device/code", token_url: "${base}/api/v1/oauth2/token" }`,
    async stop() {
      await server.stop(true);
      await inner.stop();
    },
  };
}
