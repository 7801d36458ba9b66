import { isGatewayError } from '../errors/gateway-error.ts';
import type { ApiRoute } from '../plugin/types.ts';
import { OAuthError } from './oauth-error.ts';
import { CALLBACK_PATH } from './oauth-logins.ts';
import type { OAuthService } from './oauth-service.ts';

/** Admin routes of the OAuth framework; the server puts them behind the admin check. */
export function oauthAdminRoutes(svc: OAuthService): ApiRoute[] {
  return [
    {
      method: 'GET', path: '/api/oauth/providers',
      summary: 'Configured providers with an OAuth login: type, login methods, risk notice, account count.',
      handle: () => answer(async () => ({ providers: svc.oauthProviders() })),
    },
    {
      method: 'POST', path: '/api/oauth/:provider/start',
      summary: 'Starts a login: `{flow?: "pkce"|"device"}` → the URL to open, or the device code to enter.',
      handle: (req, p) => answer(async () => {
        const body = await readBody(req);
        const flow = body.flow === 'device' || body.flow === 'pkce' ? body.flow : undefined;
        return svc.startLogin(p.provider!, { flow, origin: new URL(req.url).origin });
      }),
    },
    {
      method: 'GET', path: '/api/oauth/:provider/status',
      summary: 'Logins in progress (`?flow=<id>` for one) and the connected accounts of a provider.',
      handle: (req, p) => answer(async () => ({
        provider: p.provider,
        ...svc.oauthProviders().find((x) => x.provider === p.provider),
        flows: svc.flowStatus(p.provider!, new URL(req.url).searchParams.get('flow') ?? undefined),
        accounts: svc.listAccounts(p.provider),
      })),
    },
    {
      method: 'DELETE', path: '/api/oauth/:provider/flows/:flowId',
      summary: 'Cancels a login in progress: a device login stops polling, a later PKCE redirect is refused.',
      handle: (_req, p) => answer(async () => {
        if (!svc.cancelLogin(p.provider!, decodeURIComponent(p.flowId!))) throw new OAuthError('not_found', 'no such login in progress');
        return { cancelled: true };
      }),
    },
    {
      method: 'POST', path: '/api/oauth/:provider/complete',
      summary: 'Finishes a PKCE login with the pasted redirect URL (or `code#state`): `{url, flowId?}`.',
      handle: (req, p) => answer(async () => {
        const body = await readBody(req);
        const input = typeof body.url === 'string' ? body.url : typeof body.code === 'string' ? body.code : '';
        const flowId = typeof body.flowId === 'string' ? body.flowId : undefined;
        return { accountId: await svc.completePaste(p.provider!, { input, flowId }) };
      }),
    },
    {
      method: 'POST', path: '/api/oauth/import/:provider',
      summary: "Imports the official CLI's credential file (`{path?}` overrides where it is read).",
      handle: (req, p) => answer(async () => {
        const body = await readBody(req);
        return { accountId: await svc.importLogin(p.provider!, typeof body.path === 'string' ? body.path : undefined) };
      }),
    },
    {
      method: 'GET', path: '/api/accounts',
      summary: 'Stored provider accounts: state, token expiry, quota windows (`?refresh=1` fetches usage first).',
      handle: (req) => answer(async () => {
        if (new URL(req.url).searchParams.get('refresh') === '1') await svc.refreshUsage();
        return { accounts: svc.listAccounts() };
      }),
    },
    {
      method: 'DELETE', path: '/api/accounts/:provider/:account',
      summary: 'Disconnects a stored account (its tokens are deleted).',
      handle: (_req, p) => answer(async () => {
        if (!svc.removeAccount(p.provider!, decodeURIComponent(p.account!))) throw new OAuthError('not_found', 'no such account');
        return { removed: true };
      }),
    },
  ];
}

/**
 * `GET /api/oauth/callback`: where the provider sends the browser back. Public (a browser
 * redirect carries no admin token); the unguessable, single-use `state` is what authorizes it.
 * Answers a small HTML page; never echoes the code or a token.
 */
export function oauthCallbackRoute(svc: OAuthService): ApiRoute {
  return {
    method: 'GET', path: CALLBACK_PATH, summary: 'OAuth redirect target (public; guarded by the login state).',
    async handle(req) {
      try {
        const r = await svc.completeCallback(new URL(req.url).searchParams);
        return page(200, 'Connected', `The ${r.provider} account “${r.accountId}” is connected to Switchyard. You can close this window.`);
      } catch (e) {
        const status = e instanceof OAuthError && e.code === 'invalid_state' ? 400 : 502;
        return page(status, 'Login failed', e instanceof Error ? e.message : 'The login failed.');
      }
    },
  };
}

async function readBody(req: Request): Promise<Record<string, unknown>> {
  const text = await req.text();
  if (!text.trim()) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    throw new OAuthError('invalid_request', 'the body is not valid JSON');
  }
}

async function answer(fn: () => Promise<unknown>): Promise<Response> {
  try {
    return Response.json(await fn());
  } catch (e) {
    if (e instanceof OAuthError) {
      const status = e.code === 'unknown_provider' || e.code === 'not_found' ? 404 : e.status >= 500 || e.code === 'network_error' ? 502 : 400;
      return Response.json({ error: { message: e.message, type: 'oauth_error', code: e.code } }, { status });
    }
    if (isGatewayError(e)) return Response.json({ error: { message: e.message, type: 'gateway_error', code: e.code } }, { status: e.status });
    return Response.json({ error: { message: 'Internal gateway error.', type: 'api_error', code: null } }, { status: 500 });
  }
}

function page(status: number, title: string, text: string): Response {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title>`
    + `<body style="font-family:system-ui;margin:3rem"><h1>${esc(title)}</h1><p>${esc(text)}</p></body>`;
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } });
}
