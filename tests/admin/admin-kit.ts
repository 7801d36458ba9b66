import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import type { GatewayOptions } from '../../core/server/start-gateway.ts';

/** A config with a mock provider: routes locally, no network. */
export const MOCK_CONFIG = `# admin tests
server:
  host: 127.0.0.1   # local only
  cors_origins: []

providers:
  mock:
    type: mock
    models: [echo, tools]

aliases:
  fast: mock/echo   # quick one
`;

export interface AdminGateway extends TestGateway {
  /** Fetches with the admin token. */
  admin(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** Fetches with a session cookie and a same-origin `Origin`. */
  session(cookie: string, path: string, init?: RequestInit & { json?: unknown; origin?: string | null }): Promise<Response>;
  /** Sets the password through a fresh setup token and returns the session cookie (`name=value`). */
  setupAndLogin(password?: string): Promise<string>;
}

export const PASSWORD = 'correct horse battery';

/** Starts a real gateway for admin tests (random port, temp data dir). */
export async function startAdminGateway(yaml = MOCK_CONFIG, opts: Partial<GatewayOptions> = {}): Promise<AdminGateway> {
  const t = await startTestGateway(yaml, opts);
  const send = (path: string, init: RequestInit & { json?: unknown } = {}, extra: Record<string, string> = {}) => {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(extra)) headers.set(k, v);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return fetch(t.url + path, { ...init, headers, body, redirect: 'manual' });
  };
  const session: AdminGateway['session'] = (cookie, path, init = {}) => {
    const extra: Record<string, string> = { cookie };
    const origin = init.origin === undefined ? t.url : init.origin;
    if (origin !== null) extra.origin = origin;
    return send(path, init, extra);
  };
  return {
    ...t,
    admin: (path, init) => send(path, init, { authorization: `Bearer ${t.gw.adminToken}` }),
    session,
    async setupAndLogin(password = PASSWORD) {
      const { token } = t.gw.dashboard.createSetupToken();
      const res = await send('/api/auth/setup', { method: 'POST', json: { token, password } }, { origin: t.url });
      if (res.status !== 200) throw new Error(`setup failed: ${res.status} ${await res.text()}`);
      return cookieOf(res);
    },
  };
}

/** `name=value` of the Set-Cookie header. */
export function cookieOf(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  return set.split(';')[0]!;
}

/** Waits until `check` returns a truthy value (polling), or throws after `ms`. */
export async function waitFor<T>(check: () => T | Promise<T>, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await Bun.sleep(20);
  }
}
