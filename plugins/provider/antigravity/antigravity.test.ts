import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { OAuthSpecContext } from '../../../core/oauth/oauth-types.ts';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { toAntigravityEnvelope } from './antigravity-envelope.ts';
import { antigravityOAuth } from './antigravity-oauth.ts';
import { discoverAntigravityProject } from './antigravity-project.ts';
import { mapAntigravityQuota } from './map-antigravity-quota.ts';

describe('Antigravity envelope', () => {
  test("Gemini CLI's envelope → Antigravity's: agent fields added, user_prompt_id and safetySettings dropped", () => {
    const out = toAntigravityEnvelope({
      model: 'gemini-3-pro-high', project: 'p', user_prompt_id: 'u',
      request: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], safetySettings: [{ category: 'x' }] },
    });
    expect(out).toMatchObject({ model: 'gemini-3-pro-high', project: 'p', userAgent: 'antigravity', requestType: 'agent', request: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] } });
    expect(out.requestId).toMatch(/^agent-[0-9a-f-]{36}$/);
    expect(out).not.toHaveProperty('user_prompt_id');
    expect(out.request).not.toHaveProperty('safetySettings');
    expect(typeof (out.request as { sessionId?: unknown }).sessionId).toBe('string');
    expect((toAntigravityEnvelope({ request: { sessionId: 'keep' } }).request as { sessionId: string }).sessionId).toBe('keep');
  });
});

describe('Antigravity quota', () => {
  test('fetchAvailableModels → per-model windows; no quotaInfo = left out; no fraction = used up', () => {
    expect(mapAntigravityQuota({
      models: {
        'gemini-2.5-flash': { quotaInfo: { remainingFraction: 0.25, resetTime: '2030-05-01T00:00:00Z' } },
        'claude-opus-4-5-thinking': { quotaInfo: {} },
        tab_flash_lite_preview: {},
      },
    })).toEqual([
      { name: 'gemini-2.5-flash', model: 'gemini-2.5-flash', usedPercent: 75, resetsAt: Date.parse('2030-05-01T00:00:00Z') },
      { name: 'claude-opus-4-5-thinking', model: 'claude-opus-4-5-thinking', usedPercent: 100 },
    ]);
    expect(mapAntigravityQuota({ models: [] })).toEqual([]);
    expect(mapAntigravityQuota(null)).toEqual([]);
  });

  test('the spec carries the Antigravity client and scopes, offline access, no credential import', () => {
    expect(antigravityOAuth.endpoints.clientId).toMatch(/\.apps\.googleusercontent\.com$/);
    expect(antigravityOAuth.endpoints.scopes).toContain('https://www.googleapis.com/auth/cclog');
    expect(antigravityOAuth.authorizeParams).toEqual({ access_type: 'offline', prompt: 'consent' });
    expect(antigravityOAuth.flows).toEqual(['pkce']);
  });
});

describe('Antigravity project discovery', () => {
  let server: ReturnType<typeof Bun.serve>;
  const seen: Array<{ method: string; body: Record<string, unknown>; ua: string | null }> = [];
  let pending = 1;
  let known: unknown;
  beforeAll(() => {
    server = Bun.serve({
      hostname: '127.0.0.1', port: 0,
      async fetch(req) {
        const method = new URL(req.url).pathname.split(':')[1]!;
        seen.push({ method, body: (await req.json()) as Record<string, unknown>, ua: req.headers.get('user-agent') });
        if (method === 'loadCodeAssist') return Response.json(known ? { cloudaicompanionProject: known } : { allowedTiers: [{ id: 'standard-tier', isDefault: true }] });
        if (pending-- > 0) return Response.json({ done: false });
        return Response.json({ done: true, response: { cloudaicompanionProject: { id: 'ag-proj' } } });
      },
    });
  });
  afterAll(() => server.stop(true));
  const ctx = (options: Record<string, unknown> = {}) => ({
    provider: { baseUrl: `http://127.0.0.1:${server.port}`, options } as unknown as ProviderRuntime,
    endpoints: { clientId: 'c', tokenUrl: 't', scopes: [], urls: {} }, now: Date.now,
    fetch: (url: string, init?: RequestInit) => fetch(url, init),
  }) as unknown as OAuthSpecContext;

  test('onboards the default tier with Antigravity metadata and polls until done', async () => {
    const waits: number[] = [];
    expect(await discoverAntigravityProject('tok', ctx(), async (ms) => void waits.push(ms))).toBe('ag-proj');
    expect(seen.map((s) => s.method)).toEqual(['loadCodeAssist', 'onboardUser', 'onboardUser']);
    expect(seen[0]!.body).toEqual({ metadata: { ideType: 'ANTIGRAVITY', platform: 'PLATFORM_UNSPECIFIED', pluginType: 'GEMINI' } });
    expect(seen[1]!.body).toMatchObject({ tierId: 'standard-tier' });
    expect(seen[0]!.ua).toMatch(/^antigravity\//);
    expect(waits).toEqual([2000]);
  });

  test('a project loadCodeAssist already knows (string or {id}) is used; a configured one wins without a call', async () => {
    seen.length = 0;
    known = { id: 'known-1' };
    expect(await discoverAntigravityProject('tok', ctx(), async () => {})).toBe('known-1');
    known = 'known-2';
    expect(await discoverAntigravityProject('tok', ctx(), async () => {})).toBe('known-2');
    expect(await discoverAntigravityProject('tok', ctx({ project: 'mine' }), async () => {})).toBe('mine');
    expect(seen.map((s) => s.method)).toEqual(['loadCodeAssist', 'loadCodeAssist']);
  });
});
