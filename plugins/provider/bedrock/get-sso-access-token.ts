import { awsAuthError } from './aws-auth-error.ts';
import type { AwsSsoPlan } from './aws-credential-plan.ts';
import type { AwsFetch } from './call-aws-service.ts';
import { ssoLoginHint } from './fetch-sso-role-credentials.ts';
import { refreshSsoToken } from './refresh-sso-token.ts';
import { parseSsoToken, readSsoTokenFile, writeSsoTokenFile, type SsoToken } from './sso-token-file.ts';

/** A cached login this close to its expiry is refreshed first (the service may end it a little early). */
export const SSO_EXPIRY_WINDOW_MS = 5 * 60_000;

/** What reading (and refreshing) a login uses. */
export interface SsoTokenDeps {
  fetch: AwsFetch;
  now(): number;
  /** Masks a secret in logs and error text (`host.registerSecret`). */
  registerSecret?(value: string): void;
  /** Told when a refreshed login cannot be written back into its cache file (no secret in the text). */
  warn?(message: string): void;
  /** Writes the refreshed login back (default `writeSsoTokenFile`; tests make it fail). */
  store?(path: string, json: Record<string, unknown>): Promise<void>;
  /**
   * Refreshes in flight by cache file, shared by the callers that find the same login due (two
   * providers on one SSO session): a second refresh would send the refresh token the first one
   * just replaced.
   */
  refreshing?: Map<string, Promise<string>>;
}

type Refreshable = SsoToken & Required<Pick<SsoToken, 'clientId' | 'clientSecret' | 'refreshToken'>>;

/** An `[sso-session]` login with its refresh token and a client registration that has not expired. */
function refreshable(plan: AwsSsoPlan, token: SsoToken, now: number): token is Refreshable {
  if (!plan.session || !token.refreshToken || !token.clientId || !token.clientSecret) return false;
  return token.registrationExpiresAt === undefined || token.registrationExpiresAt > now;
}

/**
 * The access token of the profile's cached SSO login (`plan.tokenFile`, read at each call, so a
 * new `aws sso login` applies), as the AWS SDKs use it: served while it has more than 5 minutes
 * left; else, for an `[sso-session]` login with a refresh token and a client registration still
 * valid, refreshed through SSO OIDC and written back into the cache file (atomically, mode 0600:
 * the CLI and other tools share it; a failed write keeps the new token in memory only); if
 * the refresh fails, the old token serves while it has not expired. The tokens and client
 * secret read or obtained are registered for redaction.
 *
 * Errors: GW_UPSTREAM_AUTH (502, retryable) naming the profile (`label`) with the
 * `aws sso login` hint, when there is no usable login: no cache file, an unreadable one, or an
 * expired token that could not be refreshed (with the reason).
 */
export async function getSsoAccessToken(plan: AwsSsoPlan, deps: SsoTokenDeps, label: string): Promise<string> {
  const json = await readSsoTokenFile(plan.tokenFile);
  const token = json && parseSsoToken(json);
  if (!json || !token) throw awsAuthError(`${label} has no cached IAM Identity Center (SSO) login. ${ssoLoginHint(plan)}`);
  for (const secret of [token.accessToken, token.refreshToken, token.clientSecret]) if (secret) deps.registerSecret?.(secret);
  const now = deps.now();
  if (token.expiresAt - now > SSO_EXPIRY_WINDOW_MS) return token.accessToken;
  let failure = plan.session ? 'it holds no refresh token with a valid client registration' : 'a login without sso_session cannot be refreshed';
  if (refreshable(plan, token, now)) {
    try {
      return await sharedRefresh(plan, json, token, deps);
    } catch (e) {
      failure = (e as Error).message;
    }
  }
  if (token.expiresAt > now) return token.accessToken;
  throw awsAuthError(`${label}: the cached IAM Identity Center (SSO) login has expired (${failure}). ${ssoLoginHint(plan)}`);
}

/** `refreshAndStore`, joined to the refresh of the same cache file already in flight, if any. */
function sharedRefresh(plan: AwsSsoPlan, json: Record<string, unknown>, token: Refreshable, deps: SsoTokenDeps): Promise<string> {
  const pending = deps.refreshing?.get(plan.tokenFile);
  if (pending) return pending;
  const started = refreshAndStore(plan, json, token, deps).finally(() => deps.refreshing?.delete(plan.tokenFile));
  deps.refreshing?.set(plan.tokenFile, started);
  return started;
}

/** Refreshes the login and writes it back over the cache file, keeping the file's other fields. */
async function refreshAndStore(plan: AwsSsoPlan, json: Record<string, unknown>, token: Refreshable, deps: SsoTokenDeps): Promise<string> {
  const fresh = await refreshSsoToken(plan.oidcUrl, token, deps.fetch);
  deps.registerSecret?.(fresh.accessToken);
  if (fresh.refreshToken) deps.registerSecret?.(fresh.refreshToken);
  const expiresAt = new Date(deps.now() + fresh.expiresIn * 1000).toISOString();
  try {
    await (deps.store ?? writeSsoTokenFile)(plan.tokenFile, {
      ...json, accessToken: fresh.accessToken, expiresAt, ...(fresh.refreshToken ? { refreshToken: fresh.refreshToken } : {}),
    });
  } catch (e) {
    // As the SDKs do: the refreshed token still serves this process; the next refresh tries again.
    deps.warn?.(`IAM Identity Center login refreshed, but its cache file cannot be written (${(e as NodeJS.ErrnoException).code ?? 'error'}): `
      + 'the gateway keeps the new token in memory; the AWS CLI still sees the old one.');
  }
  return fresh.accessToken;
}
