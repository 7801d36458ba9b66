/**
 * The OAuth side of the provider mocks: an authorization server that auto-approves PKCE logins
 * (302 back to the redirect URI with `code` and `state`), verifies S256 code verifiers, issues
 * distinctive tokens (canary scans look for them), refreshes with rotation, and runs RFC 8628
 * device logins. Provider mocks mount its handlers on their own routes and use `bearer` to
 * check the tokens upstream calls present. Counters let tests assert "exactly one refresh".
 */

export interface MockOAuthOptions {
  clientId: string;
  /** Required `client_secret` of token requests (Google's installed-app clients send one). */
  clientSecret?: string;
  /** Prefix of every token issued (`canary-cc` → `canary-cc-at-3-…`). */
  prefix: string;
  /** Token endpoint body format it accepts (default form). */
  format?: 'json' | 'form';
  accessTtlSec?: number;
  /** Issue a new refresh token on each refresh and retire the old one (default true). */
  rotateRefresh?: boolean;
  /** Delay of each refresh answer (lets concurrent requests pile up). */
  refreshDelayMs?: number;
  /** The code exchange must carry the login's `state` (Anthropic). */
  stateInExchange?: boolean;
  /** An `id_token` to add to token answers. */
  idToken?: () => string | undefined;
  /** Device-flow errors come with HTTP 200 (GitHub) instead of 400 (RFC 8628). */
  deviceErrorsAs200?: boolean;
  deviceIntervalSec?: number;
  /** Extra fields of every token answer (Qwen's `resource_url`). */
  tokenFields?: () => Record<string, unknown>;
  /** A careless server: a refused refresh's `error_description` quotes the refresh token (default false). */
  echoRefreshToken?: boolean;
}

interface Code { challenge: string; redirectUri: string; state: string }
interface Device { userCode: string; status: 'pending' | 'approved' | 'denied'; expiresAt: number; script: string[]; challenge?: string }

export class MockOAuthCore {
  readonly access = new Map<string, { expiresAt: number; valid: boolean }>();
  readonly refresh = new Map<string, boolean>();
  private readonly codes = new Map<string, Code>();
  private readonly devices = new Map<string, Device>();
  private n = 0;
  /** Counters for assertions. */
  refreshCalls = 0;
  exchanges = 0;
  devicePolls = 0;
  rejected401 = 0;
  /** TTL of the next issued access tokens (overrides `accessTtlSec`). */
  nextTtlSec: number | undefined;
  /** Challenges and states seen by /authorize. */
  readonly authorizeRequests: URL[] = [];

  constructor(readonly o: MockOAuthOptions) {}

  /** Auto-approving authorize endpoint. */
  authorize(url: URL): Response {
    this.authorizeRequests.push(url);
    const q = url.searchParams;
    const redirect = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== this.o.clientId || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge') || !redirect) {
      return Response.json({ error: 'invalid_request' }, { status: 400 });
    }
    const code = `code-${++this.n}-${crypto.randomUUID()}`;
    this.codes.set(code, { challenge: q.get('code_challenge')!, redirectUri: redirect, state: q.get('state') ?? '' });
    const to = new URL(redirect);
    to.searchParams.set('code', code);
    to.searchParams.set('state', q.get('state') ?? '');
    return new Response(null, { status: 302, headers: { location: to.toString() } });
  }

  /** Token endpoint: authorization_code, refresh_token and device_code grants. */
  async token(req: Request): Promise<Response> {
    const p = await this.params(req);
    if (!p) return this.error(400, 'invalid_request', 'wrong body format');
    if (p.client_id !== this.o.clientId) return this.error(401, 'invalid_client', 'unknown client');
    if (this.o.clientSecret !== undefined && p.client_secret !== this.o.clientSecret) return this.error(401, 'invalid_client', 'bad client secret');
    if (p.grant_type === 'authorization_code') return this.exchange(p);
    if (p.grant_type === 'refresh_token') {
      this.refreshCalls++;
      if (this.o.refreshDelayMs) await Bun.sleep(this.o.refreshDelayMs);
      if (!p.refresh_token || this.refresh.get(p.refresh_token) !== true) {
        return this.error(400, 'invalid_grant', this.o.echoRefreshToken ? `Refresh token ${p.refresh_token ?? ''} is invalid or revoked` : 'Refresh token is invalid or revoked');
      }
      if (this.o.rotateRefresh !== false) this.refresh.set(p.refresh_token, false);
      return Response.json(this.issue(this.o.rotateRefresh === false ? p.refresh_token : undefined));
    }
    if (p.grant_type === 'urn:ietf:params:oauth:grant-type:device_code') return this.pollDevice(p.device_code ?? '', p.code_verifier);
    return this.error(400, 'unsupported_grant_type', 'unsupported');
  }

  /** RFC 8628 device authorization endpoint. */
  async deviceCode(req: Request): Promise<Response> {
    const p = await this.params(req, 'form');
    if (p?.client_id !== this.o.clientId) return this.error(401, 'invalid_client', 'unknown client');
    const deviceCode = `dev-${++this.n}-${crypto.randomUUID()}`;
    const userCode = `WDJB-${String(1000 + this.n)}`;
    const challenge = p.code_challenge_method === 'S256' ? p.code_challenge : undefined;
    this.devices.set(deviceCode, { userCode, status: 'pending', expiresAt: Date.now() + 900_000, script: [], ...(challenge ? { challenge } : {}) });
    return Response.json({
      device_code: deviceCode, user_code: userCode, verification_uri: 'https://example.test/device', expires_in: 900,
      interval: this.o.deviceIntervalSec ?? 1,
    });
  }

  /** Test control: the user approves or denies the code, or the server answers scripted errors first. */
  device(userCode: string, action: 'approve' | 'deny' | 'expire' | { script: string[] }): void {
    for (const d of this.devices.values()) {
      if (d.userCode !== userCode) continue;
      if (action === 'approve') d.status = 'approved';
      else if (action === 'deny') d.status = 'denied';
      else if (action === 'expire') d.expiresAt = 0;
      else d.script.push(...action.script);
    }
  }

  /** The valid access token of an `Authorization: <scheme> <token>` header, or undefined (counted). */
  bearer(req: Request, scheme = 'Bearer'): string | undefined {
    const m = new RegExp(`^${scheme}\\s+(.+)$`, 'i').exec(req.headers.get('authorization') ?? '');
    const t = m?.[1];
    const a = t ? this.access.get(t) : undefined;
    if (t && a?.valid && a.expiresAt > Date.now()) return t;
    this.rejected401++;
    return undefined;
  }

  /** Makes an access token (or all) invalid server-side, as an early expiry or revocation. */
  invalidate(token?: string): void {
    for (const [t, a] of this.access) if (token === undefined || t === token) a.valid = false;
  }

  /** Revokes every refresh token (the user signed out everywhere). */
  revokeRefresh(): void {
    for (const t of this.refresh.keys()) this.refresh.set(t, false);
  }

  /** Every token ever issued (for canary scans). */
  issued(): string[] {
    return [...this.access.keys(), ...this.refresh.keys()];
  }

  /** Issues a token pair directly (a credentials file to import). */
  issue(keepRefresh?: string): Record<string, unknown> {
    const n = ++this.n;
    const ttl = this.nextTtlSec ?? this.o.accessTtlSec ?? 3600;
    const at = `${this.o.prefix}-at-${n}-${crypto.randomUUID()}`;
    const rt = keepRefresh ?? `${this.o.prefix}-rt-${n}-${crypto.randomUUID()}`;
    this.access.set(at, { expiresAt: Date.now() + ttl * 1000, valid: true });
    this.refresh.set(rt, true);
    const id = this.o.idToken?.();
    return { access_token: at, refresh_token: rt, expires_in: ttl, token_type: 'bearer', ...(id ? { id_token: id } : {}), ...this.o.tokenFields?.() };
  }

  private exchange(p: Record<string, string>): Response {
    this.exchanges++;
    const c = this.codes.get(p.code ?? '');
    if (!c) return this.error(400, 'invalid_grant', 'unknown or used code');
    this.codes.delete(p.code!);
    if (c.redirectUri !== p.redirect_uri) return this.error(400, 'invalid_grant', 'redirect_uri mismatch');
    const challenge = Buffer.from(new Bun.CryptoHasher('sha256').update(p.code_verifier ?? '').digest()).toString('base64url');
    if (challenge !== c.challenge) return this.error(400, 'invalid_grant', 'PKCE verification failed');
    if (this.o.stateInExchange && p.state !== c.state) return this.error(400, 'invalid_request', 'state mismatch');
    return Response.json(this.issue());
  }

  private pollDevice(code: string, verifier: string | undefined): Response {
    this.devicePolls++;
    const d = this.devices.get(code);
    const status = this.o.deviceErrorsAs200 ? 200 : 400;
    if (!d) return this.error(status, 'invalid_grant', 'unknown device code');
    if (d.challenge && Buffer.from(new Bun.CryptoHasher('sha256').update(verifier ?? '').digest()).toString('base64url') !== d.challenge) {
      return this.error(status, 'invalid_grant', 'PKCE verification failed');
    }
    const scripted = d.script.shift();
    if (scripted) return this.error(status, scripted, scripted);
    if (d.expiresAt <= Date.now()) return this.error(status, 'expired_token', 'the device code expired');
    if (d.status === 'denied') return this.error(status, 'access_denied', 'the user denied the request');
    if (d.status === 'pending') return this.error(status, 'authorization_pending', 'pending');
    this.devices.delete(code);
    return Response.json(this.issue());
  }

  private async params(req: Request, force?: 'json' | 'form'): Promise<Record<string, string> | undefined> {
    const want = force ?? this.o.format ?? 'form';
    const type = req.headers.get('content-type') ?? '';
    const text = await req.text();
    if (want === 'json') {
      if (!type.includes('application/json')) return undefined;
      try {
        return JSON.parse(text) as Record<string, string>;
      } catch {
        return undefined;
      }
    }
    if (!type.includes('application/x-www-form-urlencoded')) return undefined;
    return Object.fromEntries(new URLSearchParams(text));
  }

  private error(status: number, error: string, description: string): Response {
    return Response.json({ error, error_description: description }, { status });
  }
}

/** POSTs a JSON body to the inner mock upstream a provider mock fronts (its own key, `inner-key`). */
export function forwardToInner(url: string, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: 'Bearer inner-key' } });
}

/** Copies an upstream answer for the client (streams stay streams). */
export function relay(res: Response, extraHeaders: Record<string, string> = {}): Response {
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  headers.delete('transfer-encoding');
  headers.delete('content-encoding');
  for (const [k, v] of Object.entries(extraHeaders)) headers.set(k, v);
  return new Response(res.body, { status: res.status, headers });
}
