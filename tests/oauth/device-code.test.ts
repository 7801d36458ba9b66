/**
 * The RFC 8628 device flow against the mock authorization server, with a fake clock and sleep
 * (the test records every wait instead of sleeping): polling at the interval,
 * `authorization_pending`, `slow_down` (+5 s, kept for later polls), `expired_token`,
 * `access_denied`, a local deadline, and network hiccups. Both error styles: RFC (HTTP 400) and
 * GitHub's (HTTP 200 with an `error` field).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { pollDeviceToken, requestDeviceCode } from '../../core/oauth/device-code-flow.ts';
import { OAuthError } from '../../core/oauth/oauth-error.ts';
import type { OAuthEndpoints } from '../../core/oauth/oauth-types.ts';
import { MockOAuthCore } from '../helpers/mock-oauth-server.ts';

const cores = { rfc: new MockOAuthCore({ clientId: 'dev-client', prefix: 'canary-dev' }), github: new MockOAuthCore({ clientId: 'dev-client', prefix: 'canary-dev', deviceErrorsAs200: true }) };
let server: ReturnType<typeof Bun.serve>;

beforeAll(() => {
  server = Bun.serve({
    hostname: '127.0.0.1', port: 0,
    fetch(req) {
      const [, style, action] = new URL(req.url).pathname.split('/');
      const core = cores[style as keyof typeof cores];
      return action === 'device' ? core.deviceCode(req) : core.token(req);
    },
  });
});
afterAll(() => server.stop(true));

function setup(style: keyof typeof cores, fetchImpl?: (url: string, init?: RequestInit) => Promise<Response>) {
  let now = 1_000_000;
  const waits: number[] = [];
  const ctx = { now: () => now, fetch: fetchImpl ?? ((url: string, init?: RequestInit) => fetch(url, init)) };
  const ep: OAuthEndpoints = {
    clientId: 'dev-client', scopes: ['read:user'], urls: {},
    deviceCodeUrl: `http://127.0.0.1:${server.port}/${style}/device`, tokenUrl: `http://127.0.0.1:${server.port}/${style}/token`,
  };
  const sleep = async (ms: number) => {
    waits.push(ms);
    now += ms;
  };
  return { ctx, ep, waits, sleep, core: cores[style], advance: (ms: number) => void (now += ms) };
}

for (const style of ['rfc', 'github'] as const) {
  describe(`device flow (${style} error style)`, () => {
    test('pending, slow_down (+5 s, kept), pending, then tokens', async () => {
      const s = setup(style);
      const auth = await requestDeviceCode(s.ctx, s.ep);
      expect(auth.userCode).toMatch(/^WDJB-/);
      expect(auth).toMatchObject({ intervalSec: 1, verificationUri: 'https://example.test/device' });
      s.core.device(auth.userCode, { script: ['authorization_pending', 'slow_down', 'authorization_pending'] });
      s.core.device(auth.userCode, 'approve');
      const intervals: number[] = [];
      const tokens = await pollDeviceToken(s.ctx, s.ep, auth, { sleep: s.sleep, onInterval: (i) => intervals.push(i) });
      expect(tokens.accessToken).toMatch(/^canary-dev-at-/);
      expect(tokens.refreshToken).toMatch(/^canary-dev-rt-/);
      expect(s.waits).toEqual([1000, 1000, 6000, 6000]);
      expect(intervals).toEqual([6]);
    });

    test('access_denied ends the poll with that code', async () => {
      const s = setup(style);
      const auth = await requestDeviceCode(s.ctx, s.ep);
      s.core.device(auth.userCode, 'deny');
      const err = await pollDeviceToken(s.ctx, s.ep, auth, { sleep: s.sleep }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OAuthError);
      expect((err as OAuthError).code).toBe('access_denied');
      expect(s.waits).toEqual([1000]);
    });

    test('expired_token from the server ends the poll', async () => {
      const s = setup(style);
      const auth = await requestDeviceCode(s.ctx, s.ep);
      s.core.device(auth.userCode, { script: ['authorization_pending'] });
      s.core.device(auth.userCode, 'expire');
      const err = (await pollDeviceToken(s.ctx, s.ep, auth, { sleep: s.sleep }).catch((e: unknown) => e)) as OAuthError;
      expect(err.code).toBe('expired_token');
      expect(s.waits).toHaveLength(2);
    });
  });
}

describe('device flow, local rules', () => {
  test('the local deadline stops a poll the user never answers', async () => {
    const s = setup('rfc');
    const auth = await requestDeviceCode(s.ctx, s.ep);
    const err = (await pollDeviceToken(s.ctx, s.ep, auth, { sleep: s.sleep }).catch((e: unknown) => e)) as OAuthError;
    expect(err.code).toBe('expired_token');
    expect(s.waits.reduce((a, b) => a + b, 0)).toBe(900_000);
  });

  test('a network failure or a 5xx is polled again at the same pace', async () => {
    let fail = 2;
    const flaky = (url: string, init?: RequestInit) => {
      if (url.endsWith('/token') && fail-- > 0) return fail === 1 ? Promise.reject(new Error('ECONNRESET')) : Promise.resolve(new Response('oops', { status: 503 }));
      return fetch(url, init);
    };
    const s = setup('rfc', flaky);
    const auth = await requestDeviceCode(s.ctx, s.ep);
    s.core.device(auth.userCode, 'approve');
    const tokens = await pollDeviceToken(s.ctx, s.ep, auth, { sleep: s.sleep });
    expect(tokens.accessToken).toMatch(/^canary-dev-at-/);
    expect(s.waits).toEqual([1000, 1000, 1000]);
  });

  test('a device code bound to a PKCE challenge needs the verifier in every poll (Qwen)', async () => {
    const s = setup('rfc');
    const verifier = 'v'.repeat(43);
    const challenge = Buffer.from(new Bun.CryptoHasher('sha256').update(verifier).digest()).toString('base64url');
    const auth = await requestDeviceCode(s.ctx, s.ep, { code_challenge: challenge, code_challenge_method: 'S256' });
    s.core.device(auth.userCode, 'approve');
    const wrong = (await pollDeviceToken(s.ctx, s.ep, auth, { sleep: s.sleep, extra: { code_verifier: 'w'.repeat(43) } }).catch((e: unknown) => e)) as OAuthError;
    expect(wrong.code).toBe('invalid_grant');
    const tokens = await pollDeviceToken(s.ctx, s.ep, auth, { sleep: s.sleep, extra: { code_verifier: verifier } });
    expect(tokens.accessToken).toMatch(/^canary-dev-at-/);
  });

  test('an abort stops the poll at once', async () => {
    const s = setup('rfc');
    const auth = await requestDeviceCode(s.ctx, s.ep);
    const ctl = new AbortController();
    const p = pollDeviceToken(s.ctx, s.ep, { ...auth, intervalSec: 30 }, { signal: ctl.signal });
    ctl.abort(new Error('stopped'));
    expect(await p.catch((e: Error) => e.message)).toBe('stopped');
  });
});
