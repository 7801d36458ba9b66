import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { OAuthSpecContext as Ctx } from '../../../core/oauth/oauth-types.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { toCodeAssistUrl, unwrapCodeAssistResponse, wrapCodeAssistRequest } from './code-assist-envelope.ts';
import { discoverProject } from './code-assist-project.ts';
import { geminiCliOAuth } from './gemini-cli-oauth.ts';
import { mapCodeAssistQuota } from './map-code-assist-quota.ts';

describe('Code Assist envelope', () => {
  test('URL: models/{model}:{method} → v1internal:{method}, query and base path kept', () => {
    expect(toCodeAssistUrl('https://cloudcode-pa.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse'))
      .toBe('https://cloudcode-pa.googleapis.com/v1internal:streamGenerateContent?alt=sse');
    expect(toCodeAssistUrl('http://127.0.0.1:9/proxy/v1beta/models/gemini-2.5-flash:generateContent')).toBe('http://127.0.0.1:9/proxy/v1internal:generateContent');
    expect(toCodeAssistUrl('https://x.test/other')).toBe('https://x.test/other');
  });

  test('request: the Gemini body under `request`, without a model of its own', () => {
    const w = wrapCodeAssistRequest({ model: 'x', contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }, 'gemini-2.5-pro', 'proj');
    expect(w).toMatchObject({ model: 'gemini-2.5-pro', project: 'proj', request: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] } });
    expect(w.request).not.toHaveProperty('model');
  });

  test('answers: JSON, JSON array and SSE (events split across chunks) are unwrapped; errors pass', async () => {
    const json = await unwrapCodeAssistResponse(Response.json({ response: { candidates: [1] }, traceId: 't' }));
    expect(await json.json()).toEqual({ candidates: [1] });
    const arr = await unwrapCodeAssistResponse(Response.json([{ response: { a: 1 } }, { response: { a: 2 } }]));
    expect(await arr.json()).toEqual([{ a: 1 }, { a: 2 }]);
    const text = 'data: {"response":{"n":1},"traceId":"t"}\r\n\r\ndata: {"response":{"n":2}}\n\n';
    const enc = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < text.length; i += 7) c.enqueue(enc.encode(text.slice(i, i + 7)));
        c.close();
      },
    });
    const sse = await unwrapCodeAssistResponse(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
    expect(await sse.text()).toBe('data: {"n":1}\n\ndata: {"n":2}\n\n');
    const err = new Response('{"error":{}}', { status: 429 });
    expect(await unwrapCodeAssistResponse(err)).toBe(err);
  });
});

describe('project discovery', () => {
  let server: ReturnType<typeof Bun.serve>;
  const seen: Array<{ method: string; body: Record<string, unknown> }> = [];
  let pending = 2;
  let tiers: Array<{ id: string; isDefault?: boolean }> = [{ id: 'legacy-tier' }, { id: 'free-tier', isDefault: true }];
  beforeAll(() => {
    server = Bun.serve({
      hostname: '127.0.0.1', port: 0,
      async fetch(req) {
        const method = new URL(req.url).pathname.split(':')[1]!;
        const body = (await req.json()) as Record<string, unknown>;
        seen.push({ method, body });
        if (method === 'loadCodeAssist') return Response.json({ allowedTiers: tiers });
        if (pending-- > 0) return Response.json({ done: false });
        return Response.json({ done: true, response: { cloudaicompanionProject: { id: 'onboarded-1' } } });
      },
    });
  });
  afterAll(() => server.stop(true));
  const ctx = (options: Record<string, unknown>) => ({
    provider: { baseUrl: `http://127.0.0.1:${server.port}`, options } as unknown as ProviderRuntime,
    endpoints: { clientId: 'c', tokenUrl: 't', scopes: [], urls: {} }, now: Date.now,
    fetch: (url: string, init?: RequestInit) => fetch(url, init),
  }) as unknown as Ctx;

  test('onboards the default tier and polls the operation until done', async () => {
    const waits: number[] = [];
    expect(await discoverProject('tok', ctx({}), async (ms) => void waits.push(ms))).toBe('onboarded-1');
    expect(seen.map((s) => s.method)).toEqual(['loadCodeAssist', 'onboardUser', 'onboardUser', 'onboardUser']);
    expect(seen[1]!.body).toMatchObject({ tierId: 'free-tier', metadata: { pluginType: 'GEMINI' } });
    expect(waits).toEqual([2000, 2000]);
  });

  test('a configured project is sent to loadCodeAssist; the free tier is onboarded without it (as gemini-cli)', async () => {
    seen.length = 0;
    pending = 0;
    expect(await discoverProject('tok', ctx({ project: 'my-gcp' }), async () => {})).toBe('onboarded-1');
    expect(seen[0]!.body).toMatchObject({ cloudaicompanionProject: 'my-gcp', metadata: { duetProject: 'my-gcp' } });
    expect(seen[1]!.body).toEqual({ tierId: 'free-tier', metadata: { ideType: 'IDE_UNSPECIFIED', platform: 'PLATFORM_UNSPECIFIED', pluginType: 'GEMINI' } });
  });

  test('a paid tier is onboarded with the project; no default tier means the legacy one', async () => {
    seen.length = 0;
    pending = 0;
    tiers = [{ id: 'standard-tier', isDefault: true }];
    await discoverProject('tok', ctx({ project: 'my-gcp' }), async () => {});
    expect(seen[1]!.body).toMatchObject({ tierId: 'standard-tier', cloudaicompanionProject: 'my-gcp', metadata: { duetProject: 'my-gcp' } });
    seen.length = 0;
    tiers = [];
    await discoverProject('tok', ctx({}), async () => {});
    expect(seen[1]!.body).toMatchObject({ tierId: 'legacy-tier' });
  });
});

describe('quota and credentials', () => {
  test('buckets → per-model windows', () => {
    expect(mapCodeAssistQuota({ buckets: [{ modelId: 'gemini-2.5-flash', remainingFraction: 0.1, resetTime: '2030-01-01T00:00:00Z' }, { tokenType: 'x' }] }))
      .toEqual([{ name: 'gemini-2.5-flash', model: 'gemini-2.5-flash', usedPercent: 90, resetsAt: Date.parse('2030-01-01T00:00:00Z') }]);
    expect(mapCodeAssistQuota({})).toEqual([]);
  });

  test('oauth_creds.json', () => {
    expect(geminiCliOAuth.importer!.parse({ access_token: 'ya29.x', refresh_token: '1//r', expiry_date: 1_900_000_000_000, token_type: 'Bearer' }).tokens)
      .toEqual({ accessToken: 'ya29.x', refreshToken: '1//r', expiresAt: 1_900_000_000_000 });
    expect(() => geminiCliOAuth.importer!.parse({})).toThrow(/access_token/);
  });
});
