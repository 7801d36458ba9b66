import { createTokenCache } from '../../../core/util/token-cache.ts';
import { profileLabel } from './aws-auth-error.ts';
import type { AwsCredentialPlan, TemporaryAwsCredentials } from './aws-credential-plan.ts';
import { assumeAwsRole, assumeRoleWithWebIdentity } from './assume-aws-role.ts';
import type { AwsFetch } from './call-aws-service.ts';
import { fetchSsoRoleCredentials } from './fetch-sso-role-credentials.ts';
import { getSsoAccessToken } from './get-sso-access-token.ts';
import type { Env } from './read-aws-shared-files.ts';
import { CREDENTIAL_PROCESS_LIMITS, runCredentialProcess, type CredentialProcessLimits } from './run-credential-process.ts';
import { sha256Hex, type AwsCredentials } from './sign-aws-request.ts';

/** What obtaining credentials uses besides the plan. */
export interface AwsCredentialChainDeps {
  now(): number;
  /** The gateway's environment, given to a credential_process. */
  env(): Env;
  /** Masks a secret in logs and error text (`host.registerSecret`). */
  registerSecret?(value: string): void;
  /** Warnings that need no error (a refreshed SSO login that cannot be written back). */
  warn?(message: string): void;
  /** credential_process limits (default 30 s, 64 KiB). */
  processLimits?: CredentialProcessLimits;
}

/** The provider a call serves: its name (messages, cache key) and its outbound client. */
export interface AwsCredentialCall {
  provider: string;
  fetch: AwsFetch;
}

/** One cached step: `token` is its access key id (the cache's own bookkeeping). */
interface Cached {
  token: string;
  expiresAt?: number;
  credentials: AwsCredentials;
}

/** Resolves a plan into keys (`createAwsCredentialChain`). */
export type AwsCredentialChain = (plan: AwsCredentialPlan, call: AwsCredentialCall) => Promise<AwsCredentials>;

/**
 * Obtains the keys of a plan (`resolveAwsProfile`): static keys as they are; temporary ones from
 * the SSO portal, STS (a role's source obtained first, the same way) or a credential_process.
 * Every temporary step is cached by its provider and a hash of its plan — which holds every
 * setting it depends on, source keys and endpoints included, so an edited profile or rotated
 * source keys are a new entry, never stale keys — and reused until 5 minutes before it expires
 * (at half its life if that comes first; keys without an expiry until the plan changes).
 * Requests that find an entry stale share one fetch; a failed fetch is not cached. Every
 * secret key and session token obtained, and the source keys, are registered for redaction.
 *
 * Errors: GW_UPSTREAM_AUTH (502, retryable) from the step that failed, naming its profile.
 */
export function createAwsCredentialChain(deps: AwsCredentialChainDeps): AwsCredentialChain {
  const cache = createTokenCache<Cached>({ now: () => deps.now(), maxEntries: 256 });
  const refreshing = new Map<string, Promise<string>>();
  const register = (c: AwsCredentials) => {
    deps.registerSecret?.(c.secretAccessKey);
    if (c.sessionToken) deps.registerSecret?.(c.sessionToken);
  };

  const fetchStep = async (plan: Exclude<AwsCredentialPlan, { kind: 'static' }>, call: AwsCredentialCall): Promise<TemporaryAwsCredentials> => {
    const label = profileLabel(plan.profile, call.provider);
    const sts = { fetch: call.fetch, now: deps.now, registerSecret: deps.registerSecret, warn: deps.warn, refreshing };
    switch (plan.kind) {
      case 'sso': return fetchSsoRoleCredentials(plan, await getSsoAccessToken(plan, sts, label), call.fetch, label);
      case 'role': return assumeAwsRole(plan, await obtain(plan.source, call), sts, label);
      case 'web-identity': return assumeRoleWithWebIdentity(plan, sts, label);
      case 'process': return runCredentialProcess(plan, deps.env(), deps.now(), label, deps.processLimits ?? CREDENTIAL_PROCESS_LIMITS);
    }
  };

  const obtain: AwsCredentialChain = async (plan, call) => {
    if (plan.kind === 'static') {
      register(plan.credentials);
      return plan.credentials;
    }
    const id = `${call.provider}\0${sha256Hex(JSON.stringify(plan))}`;
    const cached = await cache.get(id, async () => {
      const issued = await fetchStep(plan, call);
      register(issued.credentials);
      return { token: issued.credentials.accessKeyId, credentials: issued.credentials, ...(issued.expiresAt !== undefined ? { expiresAt: issued.expiresAt } : {}) };
    });
    return cached.credentials;
  };
  return obtain;
}
