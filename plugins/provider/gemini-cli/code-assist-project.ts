import { OAuthError } from '../../../core/oauth/oauth-error.ts';
import type { OAuthSpecContext } from '../../../core/oauth/oauth-types.ts';

/** Where Code Assist answers when the provider names no base URL. */
export const CODE_ASSIST_BASE_URL = 'https://cloudcode-pa.googleapis.com';
const METADATA = { ideType: 'IDE_UNSPECIFIED', platform: 'PLATFORM_UNSPECIFIED', pluginType: 'GEMINI' };
/** How often and how long onboarding (a long-running operation) is polled. */
const ONBOARD_POLLS = 10;
const ONBOARD_WAIT_MS = 2_000;

/** `{base}/v1internal:{method}` of the provider's Code Assist endpoint. */
export function codeAssistUrl(ctx: Pick<OAuthSpecContext, 'provider'>, method: string): string {
  return `${(ctx.provider.baseUrl || CODE_ASSIST_BASE_URL).replace(/\/+$/, '')}/v1internal:${method}`;
}

async function call(ctx: OAuthSpecContext, token: string, method: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await ctx.fetch(codeAssistUrl(ctx, method), {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body),
  });
  if (res.status === 401 || res.status === 403) throw new OAuthError('invalid_grant', `invalid_grant: Code Assist refused the token (HTTP ${res.status})`, res.status);
  if (!res.ok) throw new OAuthError('server_error', `Code Assist ${method} answered HTTP ${res.status}`, res.status);
  return (await res.json()) as Record<string, unknown>;
}

/**
 * The Google Cloud project Code Assist bills to: the configured `project:`, else the one
 * `loadCodeAssist` reports, else the free tier is onboarded (`onboardUser`, a long-running
 * operation polled until done) and its managed project is used.
 *
 * Errors: OAuthError when the account cannot get a project (a paid tier needs `project:`).
 *
 * @see https://github.com/google-gemini/gemini-cli/blob/main/packages/core/src/code_assist/setup.ts
 */
export async function discoverProject(token: string, ctx: OAuthSpecContext, sleep = (ms: number) => Bun.sleep(ms)): Promise<string> {
  const configured = typeof ctx.provider.options.project === 'string' ? ctx.provider.options.project : undefined;
  const load = await call(ctx, token, 'loadCodeAssist', { ...(configured ? { cloudaicompanionProject: configured } : {}), metadata: { ...METADATA, ...(configured ? { duetProject: configured } : {}) } });
  const known = configured ?? (typeof load.cloudaicompanionProject === 'string' ? load.cloudaicompanionProject : undefined);
  if (known && load.currentTier) return known;
  const tiers = Array.isArray(load.allowedTiers) ? (load.allowedTiers as Array<{ id?: string; isDefault?: boolean }>) : [];
  // As gemini-cli's setupUser: the default tier, else the legacy one; the free tier is onboarded
  // without a project (naming one fails with "Precondition Failed"), other tiers with it.
  const tierId = tiers.find((t) => t.isDefault)?.id ?? 'legacy-tier';
  const request = tierId === 'free-tier' || !known
    ? { tierId, metadata: METADATA }
    : { tierId, cloudaicompanionProject: known, metadata: { ...METADATA, duetProject: known } };
  for (let i = 0; i < ONBOARD_POLLS; i++) {
    const op = await call(ctx, token, 'onboardUser', request);
    if (op.done === true) {
      const p = (op.response as { cloudaicompanionProject?: { id?: unknown } } | undefined)?.cloudaicompanionProject?.id;
      if (typeof p === 'string' && p) return p;
      if (known) return known;
      throw new OAuthError('server_error', 'Code Assist onboarding finished without a project: set `project:` on the provider');
    }
    await sleep(ONBOARD_WAIT_MS);
  }
  throw new OAuthError('server_error', 'Code Assist onboarding did not finish in time; try the login again');
}
