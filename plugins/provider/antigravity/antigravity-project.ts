import { OAuthError } from '../../../core/oauth/oauth-error.ts';
import type { OAuthSpecContext } from '../../../core/oauth/oauth-types.ts';

/** Where Antigravity's Code Assist backend answers when the provider names no base URL. */
export const ANTIGRAVITY_BASE_URL = 'https://daily-cloudcode-pa.googleapis.com';
/** Client metadata Antigravity sends with `loadCodeAssist` / `onboardUser`. */
export const ANTIGRAVITY_METADATA = { ideType: 'ANTIGRAVITY', platform: 'PLATFORM_UNSPECIFIED', pluginType: 'GEMINI' };
/**
 * The user agent Antigravity sends (as the public proxies copy it; the version moves with
 * releases and is not confirmed). Configured `headers:` override it.
 */
export const ANTIGRAVITY_USER_AGENT = 'antigravity/1.11.5 windows/amd64';
const ONBOARD_POLLS = 10;
const ONBOARD_WAIT_MS = 2_000;

/** `{base}/v1internal:{method}` of the provider's Code Assist endpoint. */
export function antigravityUrl(ctx: Pick<OAuthSpecContext, 'provider'>, method: string): string {
  return `${(ctx.provider.baseUrl || ANTIGRAVITY_BASE_URL).replace(/\/+$/, '')}/v1internal:${method}`;
}

/** POSTs one Code Assist control call. Errors: OAuthError `invalid_grant` for 401/403, `server_error` otherwise. */
export async function callAntigravity(ctx: OAuthSpecContext, token: string, method: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await ctx.fetch(antigravityUrl(ctx, method), {
    method: 'POST', body: JSON.stringify(body),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json', 'user-agent': ANTIGRAVITY_USER_AGENT },
  });
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    throw new OAuthError('invalid_grant', `invalid_grant: Antigravity refused the token (HTTP ${res.status})`, res.status);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new OAuthError('server_error', `Antigravity ${method} answered HTTP ${res.status}`, res.status);
  }
  return (await res.json()) as Record<string, unknown>;
}

/** `cloudaicompanionProject` as a string or `{id}`. */
function projectOf(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim()) return v.trim();
  const id = (v as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id ? id : undefined;
}

/**
 * The Google Cloud project Antigravity generates under: the entry's `project:`, else the one
 * `loadCodeAssist` reports, else the default tier is onboarded (`onboardUser`, a long-running
 * operation polled until done) and its managed project is used.
 *
 * Errors: OAuthError when the account gets no project.
 *
 * @see https://github.com/router-for-me/CLIProxyAPI/blob/main/internal/auth/antigravity/auth.go (FetchProjectIDWithTier, OnboardUser)
 */
export async function discoverAntigravityProject(token: string, ctx: OAuthSpecContext, sleep = (ms: number) => Bun.sleep(ms)): Promise<string> {
  const configured = typeof ctx.provider.options.project === 'string' && ctx.provider.options.project ? ctx.provider.options.project : undefined;
  if (configured) return configured;
  const load = await callAntigravity(ctx, token, 'loadCodeAssist', { metadata: ANTIGRAVITY_METADATA });
  const known = projectOf(load.cloudaicompanionProject);
  if (known) return known;
  const tiers = Array.isArray(load.allowedTiers) ? (load.allowedTiers as Array<{ id?: string; isDefault?: boolean }>) : [];
  const tierId = tiers.find((t) => t.isDefault)?.id ?? 'free-tier';
  for (let i = 0; i < ONBOARD_POLLS; i++) {
    const op = await callAntigravity(ctx, token, 'onboardUser', { tierId, metadata: ANTIGRAVITY_METADATA });
    if (op.done === true) {
      const p = projectOf((op.response as { cloudaicompanionProject?: unknown } | undefined)?.cloudaicompanionProject);
      if (p) return p;
      throw new OAuthError('server_error', 'Antigravity onboarding finished without a project: set `project:` on the provider');
    }
    await sleep(ONBOARD_WAIT_MS);
  }
  throw new OAuthError('server_error', 'Antigravity onboarding did not finish in time; try the login again');
}
