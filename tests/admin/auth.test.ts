import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { cookieOf, PASSWORD, startAdminGateway, type AdminGateway } from './admin-kit.ts';

let t: AdminGateway;
let clock = Date.now();

beforeAll(async () => {
  t = await startAdminGateway(undefined, { now: () => clock });
});
afterAll(() => t.stop());

const post = (path: string, json: unknown, headers: Record<string, string> = {}) =>
  fetch(t.url + path, { method: 'POST', headers: { 'content-type': 'application/json', origin: t.url, ...headers }, body: JSON.stringify(json) });

describe('setup link', () => {
  test('no password at first: state says so and login is refused', async () => {
    const state = await (await fetch(`${t.url}/api/auth/state`)).json();
    expect(state).toEqual({ needsSetup: true, loggedIn: false, via: null, lockedUntil: null });
    const res = await post('/api/auth/login', { password: 'whatever-long' });
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('setup_required');
  });

  test('a short password is refused and does not use the token', async () => {
    const { token } = t.gw.dashboard.createSetupToken();
    const short = await post('/api/auth/setup', { token, password: 'short' });
    expect(short.status).toBe(400);
    expect((await short.json()).error.param).toBe('password');
    expect(t.gw.dashboard.needsSetup()).toBe(true);
  });

  test('an expired token is refused', async () => {
    const { token } = t.gw.dashboard.createSetupToken();
    clock += 24 * 3600_000 + 1000;
    const res = await post('/api/auth/setup', { token, password: PASSWORD });
    clock = Date.now();
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('invalid_token');
    expect(t.gw.dashboard.needsSetup()).toBe(true);
  });

  test('the token sets the password once, logs in, and cannot be reused', async () => {
    clock = Date.now();
    const { token } = t.gw.dashboard.createSetupToken();
    const ok = await post('/api/auth/setup', { token, password: PASSWORD });
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^sy_session=[A-Za-z0-9_-]{40,}; /);
    const again = await post('/api/auth/setup', { token, password: 'another password!' });
    expect(again.status).toBe(409);
    const state = await (await fetch(`${t.url}/api/auth/state`, { headers: { cookie: cookieOf(ok) } })).json();
    expect(state).toMatchObject({ needsSetup: false, loggedIn: true, via: 'session' });
  });

  test('a token from before a reset does not work after it', async () => {
    const stale = t.gw.dashboard.createSetupToken().token;
    const fresh = t.gw.dashboard.resetPassword().token;
    expect((await post('/api/auth/setup', { token: stale, password: PASSWORD })).status).toBe(400);
    expect((await post('/api/auth/setup', { token: fresh, password: PASSWORD })).status).toBe(200);
  });
});

describe('login and cookie', () => {
  test('login sets an HttpOnly SameSite=Strict cookie, not Secure over plain http', async () => {
    const res = await post('/api/auth/login', { password: PASSWORD });
    expect(res.status).toBe(200);
    const set = res.headers.get('set-cookie')!;
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    expect(set).toContain('Path=/');
    expect(set).not.toContain('Secure');
    const me = await fetch(`${t.url}/api/keys`, { headers: { cookie: cookieOf(res) } });
    expect(me.status).toBe(200);
  });

  test('Secure when a trusted proxy says the client used https', async () => {
    const res = await post('/api/auth/login', { password: PASSWORD }, { 'x-forwarded-proto': 'https' });
    expect(res.headers.get('set-cookie')).toContain('; Secure');
  });

  test('logout ends the session server-side', async () => {
    const cookie = cookieOf(await post('/api/auth/login', { password: PASSWORD }));
    expect((await fetch(`${t.url}/api/keys`, { headers: { cookie } })).status).toBe(200);
    const out = await post('/api/auth/logout', {}, { cookie });
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await fetch(`${t.url}/api/keys`, { headers: { cookie } })).status).toBe(401);
  });

  test('a forged cookie is not a session', async () => {
    const res = await fetch(`${t.url}/api/keys`, { headers: { cookie: 'sy_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthenticated');
  });

  test('the password can be changed; other sessions end', async () => {
    const a = cookieOf(await post('/api/auth/login', { password: PASSWORD }));
    const b = cookieOf(await post('/api/auth/login', { password: PASSWORD }));
    const res = await post('/api/auth/password', { current: PASSWORD, password: 'a brand new password' }, { cookie: a });
    expect(res.status).toBe(200);
    expect((await fetch(`${t.url}/api/keys`, { headers: { cookie: a } })).status).toBe(200);
    expect((await fetch(`${t.url}/api/keys`, { headers: { cookie: b } })).status).toBe(401);
    expect((await post('/api/auth/password', { current: 'a brand new password', password: PASSWORD }, { cookie: a })).status).toBe(200);
  });
});

describe('Secure flag from an untrusted peer', () => {
  test('X-Forwarded-Proto is ignored unless the peer is a trusted proxy', async () => {
    const g = await startAdminGateway(undefined, { env: { ...process.env, SWITCHYARD_TRUSTED_PROXIES: '10.9.9.9' } });
    try {
      await g.setupAndLogin();
      const res = await fetch(`${g.url}/api/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' }, body: JSON.stringify({ password: PASSWORD }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).not.toContain('Secure');
    } finally {
      await g.stop();
    }
  });
});

describe('lockout', () => {
  test('5 failures in 15 minutes lock login, even for the right password, until the window passes', async () => {
    clock = Date.now();
    for (let i = 0; i < 5; i++) {
      const res = await post('/api/auth/login', { password: `wrong-${i}-password` });
      expect(res.status).toBe(401);
    }
    const locked = await post('/api/auth/login', { password: PASSWORD });
    expect(locked.status).toBe(429);
    const body = await locked.json();
    expect(body.error.code).toBe('login_locked');
    expect(body.error.message).toMatch(/locked for 15 more minutes/);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    const state = await (await fetch(`${t.url}/api/auth/state`)).json();
    expect(state.lockedUntil).toBeGreaterThan(clock);
    clock += 15 * 60_000 + 1000;
    expect((await post('/api/auth/login', { password: PASSWORD })).status).toBe(200);
    clock = Date.now() + 16 * 60_000;
  });

  test('guesses sent all at once are checked one after another: the lockout still holds', async () => {
    clock = Date.now() + 40 * 60_000; // a fresh window
    const guesses = Array.from({ length: 12 }, (_, i) => post('/api/auth/login', { password: `parallel-${i}-wrong` }));
    const statuses = await Promise.all(guesses.map((p) => p.then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    expect((await post('/api/auth/login', { password: PASSWORD })).status).toBe(429);
    clock = Date.now() + 80 * 60_000;
  });
});
