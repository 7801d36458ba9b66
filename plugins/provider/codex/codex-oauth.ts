import { jwtClaims } from '../../../core/oauth/jwt-claims.ts';
import type { AccountIdentity, OAuthSpec, TokenSet } from '../../../core/oauth/oauth-types.ts';
import { defaultIdentity } from '../../../core/oauth/default-identity.ts';

/** The Codex CLI's public OAuth client. */
export const CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';
/** The claim namespace OpenAI puts ChatGPT facts under in its id and access tokens. */
export const AUTH_CLAIM = 'https://api.openai.com/auth';

/** `chatgpt_account_id` (and plan) from a token's claims, when it carries them. */
export function chatgptClaims(token: string | undefined): { accountId?: string; plan?: string } {
  const auth = jwtClaims(token)?.[AUTH_CLAIM] as { chatgpt_account_id?: unknown; chatgpt_plan_type?: unknown } | undefined;
  return {
    ...(typeof auth?.chatgpt_account_id === 'string' ? { accountId: auth.chatgpt_account_id } : {}),
    ...(typeof auth?.chatgpt_plan_type === 'string' ? { plan: auth.chatgpt_plan_type } : {}),
  };
}

/** Keeps the ChatGPT account id beside the tokens: every backend call sends it as a header. */
function withAccountId(tokens: TokenSet): TokenSet {
  const id = tokens.extra?.accountId ?? chatgptClaims(tokens.idToken).accountId ?? chatgptClaims(tokens.accessToken).accountId;
  return id ? { ...tokens, extra: { ...tokens.extra, accountId: id } } : tokens;
}

/**
 * The person (the id token's e-mail) and the ChatGPT workspace the login chose: one e-mail may
 * hold a personal plan and Team workspaces, each with its own tokens and limits, so the
 * workspace (`chatgpt_account_id`) tells them apart.
 */
function identify(tokens: TokenSet): AccountIdentity {
  const base = defaultIdentity(tokens);
  const { accountId, plan } = chatgptClaims(tokens.idToken);
  const email = typeof base.meta?.email === 'string' ? base.meta.email : undefined;
  const id = email ?? accountId ?? base.accountId;
  const workspace = email ? accountId ?? tokens.extra?.accountId : undefined;
  return { accountId: id, label: id, meta: { ...base.meta, ...(plan ? { plan } : {}) }, ...(workspace ? { workspace } : {}) };
}

/** `~/.codex/auth.json`: `{ OPENAI_API_KEY, tokens: { id_token, access_token, refresh_token, account_id }, last_refresh }`. */
function parseAuthJson(json: unknown): { tokens: TokenSet } {
  const t = (json as { tokens?: Record<string, unknown> } | null)?.tokens;
  if (!t || typeof t.access_token !== 'string') throw new Error('no tokens.access_token in the file (was Codex logged in with ChatGPT?)');
  const exp = jwtClaims(t.access_token)?.exp;
  return {
    tokens: withAccountId({
      accessToken: t.access_token,
      ...(typeof t.refresh_token === 'string' ? { refreshToken: t.refresh_token } : {}),
      ...(typeof t.id_token === 'string' ? { idToken: t.id_token } : {}),
      ...(typeof exp === 'number' ? { expiresAt: exp * 1000 } : {}),
      ...(typeof t.account_id === 'string' ? { extra: { accountId: t.account_id } } : {}),
    }),
  };
}

/**
 * OAuth data of the `codex` type: OpenAI's PKCE login for ChatGPT plans as the Codex CLI does it
 * (its client id is registered with `http://localhost:1455/auth/callback`, so the user pastes the
 * address the browser ends on), refresh, and `~/.codex/auth.json`.
 *
 * @see https://github.com/openai/codex/blob/main/codex-rs/login/src/server.rs
 */
export const codexOAuth: OAuthSpec = {
  type: 'codex',
  displayName: 'Codex (ChatGPT Plus / Pro / Team)',
  flows: ['pkce', 'import'],
  endpoints: {
    clientId: CODEX_CLIENT_ID,
    authorizeUrl: 'https://auth.openai.com/oauth/authorize',
    tokenUrl: 'https://auth.openai.com/oauth/token',
    redirectUri: 'http://localhost:1455/auth/callback',
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    urls: {},
  },
  tokenRequest: 'form',
  authorizeParams: { id_token_add_organizations: 'true', codex_cli_simplified_flow: 'true', originator: 'codex_cli_rs' },
  refreshParams: { scope: 'openid profile email' },
  async afterLogin(tokens) {
    return withAccountId(tokens);
  },
  identify,
  importer: {
    defaultPath: '~/.codex/auth.json', pathEnv: 'SWITCHYARD_OAUTH_CODEX_CREDENTIALS_FILE', homeEnv: { name: 'CODEX_HOME', file: 'auth.json' }, parse: parseAuthJson,
  },
  riskNotice: "OpenAI's terms cover ChatGPT plans for personal use through ChatGPT and Codex; serving the plan to other tools or people through a proxy may breach them. Use at your own risk, for your own use only.",
};
