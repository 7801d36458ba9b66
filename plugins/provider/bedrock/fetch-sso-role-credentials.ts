import { awsAuthError } from './aws-auth-error.ts';
import type { AwsSsoPlan, TemporaryAwsCredentials } from './aws-credential-plan.ts';
import { callAwsService, jsonObject, type AwsFetch } from './call-aws-service.ts';

/** What to run when the cached SSO login is missing, expired or refused. */
export function ssoLoginHint(plan: Pick<AwsSsoPlan, 'profile' | 'session'>): string {
  const session = plan.session ? ` (or \`aws sso login --sso-session ${plan.session}\`)` : '';
  return `Run \`aws sso login --profile ${plan.profile}\`${session} as the user the gateway runs as.`;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/**
 * The role's keys from the SSO portal's GetRoleCredentials:
 * `GET {portal}/federation/credentials?account_id=…&role_name=…` with the login's access token
 * in `x-amz-sso_bearer_token`; the answer's `roleCredentials.expiration` is in epoch ms.
 * Errors: GW_UPSTREAM_AUTH (502, retryable) naming the profile (`label`): the login hint for a
 * 401 or 403 (an expired or revoked login, or a role the user may not take), the status for
 * other refusals, a malformed answer, or an unreachable portal.
 *
 * @see https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/API_GetRoleCredentials.html
 */
export async function fetchSsoRoleCredentials(
  plan: AwsSsoPlan, accessToken: string, fetch: AwsFetch, label: string,
): Promise<TemporaryAwsCredentials> {
  const url = `${plan.portalUrl}/federation/credentials?account_id=${encodeURIComponent(plan.accountId)}&role_name=${encodeURIComponent(plan.roleName)}`;
  const { status, text: body } = await callAwsService(fetch, url, {
    method: 'GET', headers: { 'x-amz-sso_bearer_token': accessToken, accept: 'application/json' },
  }, 'the SSO portal', label);
  if (status === 401 || status === 403) {
    throw awsAuthError(`${label}: the SSO portal refused the cached login for this account and role (HTTP ${status}). ${ssoLoginHint(plan)}`);
  }
  if (status !== 200) throw awsAuthError(`${label}: the SSO portal answered HTTP ${status} to GetRoleCredentials.`);
  const role = jsonObject(body)?.roleCredentials as Record<string, unknown> | undefined;
  const accessKeyId = text(role?.accessKeyId);
  const secretAccessKey = text(role?.secretAccessKey);
  const sessionToken = text(role?.sessionToken);
  if (!accessKeyId || !secretAccessKey || !sessionToken) throw awsAuthError(`${label}: the SSO portal's answer holds no role credentials.`);
  const expiration = typeof role?.expiration === 'number' && Number.isFinite(role.expiration) ? role.expiration : undefined;
  return { credentials: { accessKeyId, secretAccessKey, sessionToken }, ...(expiration !== undefined ? { expiresAt: expiration } : {}) };
}
