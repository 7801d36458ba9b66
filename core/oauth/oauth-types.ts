/**
 * Contracts of the OAuth framework: what a provider plugin declares (`OAuthSpec`, pure data plus
 * a few hooks) and what it may call at request time (`OAuthHost`, reached as `ctx.host.oauth`).
 * The core owns flows, storage, refresh and quota windows; plugins own endpoints and envelopes.
 */
import type { ProviderRuntime } from '../plugin/types.ts';
import type { DeviceAuthorization } from './device-code-flow.ts';

/** The secret part of an account, stored encrypted as JSON. Never logged, never in `meta`. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms when `accessToken` expires; absent means "unknown, use until refused". */
  expiresAt?: number;
  idToken?: string;
  scope?: string;
  /** Provider-specific values that travel with the token (ChatGPT account id, API endpoint…). */
  extra?: Record<string, string>;
}

/** What an adapter gets for one request: the token to send and the `extra` values beside it. */
export interface AccessGrant {
  token: string;
  extra: Readonly<Record<string, string>>;
  expiresAt?: number;
}

/** One usage window of a subscription (5-hour, weekly…), as the provider reports it. */
export interface QuotaWindow {
  /** `5h`, `7d`, `7d-opus`, `primary`, `premium`… */
  name: string;
  /** 0–100 (may pass 100 when the provider lets it). */
  usedPercent: number;
  /** Epoch ms when the window resets, when known. */
  resetsAt?: number;
  /** Length of the window in minutes, when known. */
  windowMinutes?: number;
  /**
   * Shown, never used to skip the account: the window limits only some models or features
   * (Copilot's premium requests), so the account still serves the rest.
   */
  advisory?: boolean;
  /** The one model this window limits (Code Assist quotas are per model); absent: the whole account. */
  model?: string;
}

/** Who an account is, learned after login or import. `accountId` is the stable row key. */
export interface AccountIdentity {
  accountId: string;
  label?: string;
  /** Non-secret display facts (email, plan). Never tokens. */
  meta?: Record<string, unknown>;
  /**
   * The workspace the login was made for, when one person (one `accountId`) can log in to
   * several, each with its own tokens and quota (a ChatGPT Plus account and a Team workspace
   * under the same e-mail). Logins of one `accountId` in different workspaces are different
   * accounts: the first keeps `accountId`, the others are stored as `<accountId>#<workspace>`.
   */
  workspace?: string;
}

/** Endpoints and client registration of one provider type, after env/config overrides. */
export interface OAuthEndpoints {
  clientId: string;
  clientSecret?: string;
  authorizeUrl?: string;
  tokenUrl: string;
  deviceCodeUrl?: string;
  /** The redirect URI registered with the client id; unset: the gateway's own callback. */
  redirectUri?: string;
  scopes: string[];
  /** Further named URLs a plugin uses (usage endpoint, token exchange…), overridable too. */
  urls: Record<string, string>;
}

/** What spec hooks may use. `fetch` goes through the guarded client with the provider's policy. */
export interface OAuthSpecContext {
  readonly provider: ProviderRuntime;
  readonly endpoints: OAuthEndpoints;
  now(): number;
  fetch(url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Response>;
}

/** Where an official CLI keeps its credentials, and how to read them. */
export interface CredentialImporter {
  /** Default file (`~` expands to the home folder), overridable per request and by env. */
  defaultPath: string;
  /** Environment variable that overrides the path (tests, unusual installs). */
  pathEnv?: string;
  /**
   * The official CLI's own variable for the folder it keeps the file in, and the file's name
   * there (Codex's `CODEX_HOME` + `auth.json`): a user who moved the CLI's folder has the file
   * there, not at `defaultPath`.
   */
  homeEnv?: { name: string; file: string };
  /**
   * Reads the parsed JSON file; throws an Error with a readable message when it is not usable.
   * `file` is the absolute path read, for formats that keep part of the login in a sibling file
   * (Kiro's AWS client registration).
   */
  parse(json: unknown, file?: string): { tokens: TokenSet; identity?: AccountIdentity };
}

/**
 * OAuth data of one provider type, declared by its provider plugin with `ctx.host.oauth.register`.
 * Every URL, the client id/secret and scopes are defaults: `oauth:` in the provider's YAML entry
 * and `SWITCHYARD_OAUTH_<TYPE>_<FIELD>` variables override them (see `resolveEndpoints`).
 */
export interface OAuthSpec {
  /** The provider `type:` it serves (`claude-code`). */
  type: string;
  displayName: string;
  flows: Array<'pkce' | 'device' | 'import'>;
  endpoints: OAuthEndpoints;
  /** How the token endpoint takes its parameters (default `form`). */
  tokenRequest?: 'form' | 'json';
  /** Extra query parameters of the authorize URL. */
  authorizeParams?: Record<string, string>;
  /** Send `state` in the code exchange too (Anthropic's token endpoint wants it). */
  stateInTokenRequest?: boolean;
  /** Extra parameters of the refresh request (`scope` for OpenAI). */
  refreshParams?: Record<string, string>;
  /** The device flow carries a PKCE pair (Qwen). */
  devicePkce?: boolean;
  /** Non-secret string fields of token answers kept in `TokenSet.extra` (Qwen's `resource_url`). */
  tokenExtras?: string[];
  /**
   * What a `keys:` entry of this provider holds: an access token used as it is (default), or a
   * long-lived credential that `refresh` turns into access tokens (Copilot's GitHub token).
   */
  keyIs?: 'access-token' | 'refresh-token';
  /** Headers added to every request to the provider's OAuth endpoints (Kimi's `X-Msh-*` device headers). */
  requestHeaders?: Record<string, string>;
  /**
   * A second authorize-URL parameter carrying the redirect URI, for servers that do not read
   * `redirect_uri` (iFlow's login page reads `redirect`).
   */
  redirectParam?: string;
  /** Token requests also authenticate the client with HTTP Basic `client_id:client_secret` (iFlow). */
  basicAuth?: boolean;
  /**
   * Fields of `TokenSet.extra` that are secrets (iFlow's API key, a registered client's secret):
   * registered for redaction like the tokens themselves. They stay inside the sealed token set.
   */
  secretExtras?: string[];
  /**
   * A device login that is not RFC 8628 form posts (AWS SSO-OIDC registers a client first and
   * speaks camelCase JSON). It returns what to show the user and `poll`, one token request that
   * resolves with the tokens or throws OAuthError `authorization_pending` / `slow_down` /
   * `expired_token` / `access_denied`; the core keeps the polling rules (interval, slow_down,
   * deadline, abort). Default: RFC 8628 at `deviceCodeUrl` / `tokenUrl`.
   */
  deviceLogin?(ctx: OAuthSpecContext): Promise<{ authorization: DeviceAuthorization; poll(): Promise<TokenSet> }>;
  /** Refresh this long before expiry (default 5 min). */
  refreshSkewMs?: number;
  /**
   * Turns the tokens of a finished login into the stored token set (Copilot: exchange the
   * GitHub token for a Copilot token). Default: unchanged.
   */
  afterLogin?(tokens: TokenSet, ctx: OAuthSpecContext): Promise<TokenSet>;
  /** Who the account is; default: a claim of the id token, else a hash of the refresh token. */
  identify?(tokens: TokenSet, ctx: OAuthSpecContext): Promise<AccountIdentity> | AccountIdentity;
  /**
   * A custom refresh (Copilot's token exchange). Default: the `refresh_token` grant at `tokenUrl`.
   * Throw `OAuthError` with code `invalid_grant` when the grant is revoked: the account is then
   * marked `needs-reauth`.
   */
  refresh?(tokens: TokenSet, ctx: OAuthSpecContext): Promise<TokenSet>;
  /** Live usage windows, fetched on a schedule and on demand. */
  usage?(tokens: TokenSet, ctx: OAuthSpecContext): Promise<QuotaWindow[]>;
  /** How often `usage` runs per account (default 5 min). */
  usageIntervalMs?: number;
  importer?: CredentialImporter;
  /** Shown in the dashboard and docs: the provider's terms on proxying, if any. */
  riskNotice?: string;
}

/** Status of one login started through the admin API. */
export interface FlowStatus {
  id: string;
  provider: string;
  kind: 'pkce' | 'device';
  status: 'pending' | 'complete' | 'error';
  error?: string;
  accountId?: string;
  expiresAt: number;
}

/** The answer of starting a login: a URL to open (PKCE) or a code to enter (device). */
export type FlowStart =
  | { kind: 'pkce'; flowId: string; authUrl: string; redirectUri: string; mode: 'callback' | 'paste'; expiresAt: number }
  | {
    kind: 'device'; flowId: string; userCode: string; verificationUri: string; verificationUriComplete?: string;
    intervalSec: number; expiresAt: number;
  };

/** An account as the admin API lists it: state, expiry, windows. Never a token. */
export interface AccountView {
  provider: string;
  type: string;
  accountId: string;
  label: string;
  state: string;
  stateUntil: number | null;
  expiresAt: number | null;
  windows: QuotaWindow[];
  windowsAt: number | null;
  meta: Record<string, unknown>;
}

/**
 * The OAuth service as plugins see it (`ctx.host.oauth`). Provider names are config keys
 * (`cc`), account ids are the stored ids.
 */
export interface OAuthHost {
  /** Declares a provider type's OAuth data. Returns the undo function (call it on dispose). */
  register(spec: OAuthSpec): () => void;
  /**
   * The access token to send now, refreshed first when it expires within the skew
   * (single-flight per account: concurrent callers share one refresh).
   * Errors: GatewayError `GW_UPSTREAM_AUTH` (retryable, so the next target is tried) when the
   * account is unknown, disabled, needs re-auth, or its refresh failed.
   */
  getAccessToken(provider: string, accountId: string): Promise<AccessGrant>;
  /**
   * The upstream refused `rejectedToken` (401): refresh unless another request already did,
   * and return the newer grant. Same errors as `getAccessToken`.
   */
  refreshAfterRejection(provider: string, accountId: string, rejectedToken: string): Promise<AccessGrant>;
  /**
   * Records live windows (from response headers or a usage call), replacing the account's known
   * ones, and emits `quota:windows-updated`. A source that reports only some windows merges them
   * first (`mergeWindows`).
   */
  reportWindows(provider: string, accountId: string, windows: QuotaWindow[]): void;
  /** The last known windows of an account. */
  windows(provider: string, accountId: string): QuotaWindow[];
  /** `active`, `needs-reauth`, `disabled`, or undefined for an account the store does not hold. */
  accountState(provider: string, accountId: string): string | undefined;
}
