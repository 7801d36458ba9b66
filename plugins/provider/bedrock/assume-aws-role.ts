import { readFile } from 'node:fs/promises';
import { awsAuthError } from './aws-auth-error.ts';
import type { AwsRolePlan, AwsWebIdentityPlan, TemporaryAwsCredentials } from './aws-credential-plan.ts';
import { callAwsService, safeCode, type AwsFetch } from './call-aws-service.ts';
import { parseStsCredentials, parseStsErrorCode } from './parse-sts-credentials.ts';
import { signAwsRequest, type AwsCredentials } from './sign-aws-request.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';

/** What an STS call uses: the provider-bound outbound client, and the clock (signing time, session names). */
export interface StsDeps {
  fetch: AwsFetch;
  now(): number;
  /** Masks a secret in logs and error text (`host.registerSecret`). */
  registerSecret?(value: string): void;
}

const FORM = 'application/x-www-form-urlencoded; charset=utf-8';

/** What an STS refusal means for the user, by its error code. */
const HINTS: Readonly<Record<string, string>> = lookupTable({
  AccessDenied: 'the role\'s trust policy does not let the source identity assume it, or the source may not call sts:AssumeRole',
  ExpiredToken: 'the source credentials have expired',
  InvalidClientTokenId: 'STS does not know the source access key',
  SignatureDoesNotMatch: 'the source secret access key does not match its access key id',
  RegionDisabledException: 'STS is not activated in the role profile\'s region',
});

/** The form of one STS query-protocol call: action, version, the role, and the optional fields that are set. */
function stsForm(action: string, plan: AwsRolePlan | AwsWebIdentityPlan, now: number, extra: Record<string, string | undefined>): string {
  const form = new URLSearchParams({ Action: action, Version: '2011-06-15', RoleArn: plan.roleArn, RoleSessionName: plan.sessionName ?? `switchyard-${now}` });
  if (plan.durationSeconds) form.set('DurationSeconds', String(plan.durationSeconds));
  for (const [k, v] of Object.entries(extra)) if (v) form.set(k, v);
  return form.toString();
}

/** The answer's credentials, or the refusal as GW_UPSTREAM_AUTH with STS's error code and what it means. */
function stsAnswer(status: number, text: string, action: string, label: string): TemporaryAwsCredentials {
  if (status === 200) {
    const issued = parseStsCredentials(text);
    if (issued) return issued;
    throw awsAuthError(`${label}: STS answered ${action} without credentials.`);
  }
  const code = safeCode(parseStsErrorCode(text));
  const hint = code && HINTS[code] ? `: ${HINTS[code]}` : '';
  throw awsAuthError(`${label}: STS refused ${action} (HTTP ${status}${code ? ` ${code}` : ''})${hint}.`);
}

/**
 * Assumes the profile's role with STS AssumeRole (query protocol: a form POST to the STS
 * endpoint, `RoleArn`, `RoleSessionName` — the profile's or `switchyard-<ms>` —, and
 * `DurationSeconds` / `ExternalId` when set), signed with SigV4 (service `sts`, the endpoint's
 * region) by the source credentials. Resolves with the role's temporary keys and their
 * expiry. Errors: GW_UPSTREAM_AUTH (502, retryable) naming the profile (`label`) with STS's
 * error code and what it means, for a refusal, an answer without credentials, or an
 * unreachable STS. STS's own message is not quoted (it names the role and account).
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
export async function assumeAwsRole(plan: AwsRolePlan, source: AwsCredentials, deps: StsDeps, label: string): Promise<TemporaryAwsCredentials> {
  const now = deps.now();
  const body = stsForm('AssumeRole', plan, now, { ExternalId: plan.externalId });
  const url = new URL(`${plan.sts.url}/`);
  const headers = signAwsRequest(
    { method: 'POST', host: url.host, path: url.pathname, headers: { 'content-type': FORM }, body },
    source, { region: plan.sts.region, service: 'sts' }, new Date(now),
  );
  const { status, text } = await callAwsService(deps.fetch, url.href, { method: 'POST', headers, body }, 'STS', label);
  return stsAnswer(status, text, 'AssumeRole', label);
}

/**
 * Assumes the profile's role with STS AssumeRoleWithWebIdentity: unsigned, the token read from
 * `web_identity_token_file` at each call (the platform rotates it) and registered for
 * redaction. Errors: as `assumeAwsRole`, and GW_UPSTREAM_AUTH when the token file cannot be
 * read (its error code only; the path comes from the files).
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 */
export async function assumeRoleWithWebIdentity(plan: AwsWebIdentityPlan, deps: StsDeps, label: string): Promise<TemporaryAwsCredentials> {
  let token: string;
  try {
    token = (await readFile(plan.tokenFile, 'utf8')).trim();
  } catch (e) {
    throw awsAuthError(`${label}: its web_identity_token_file cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  if (!token) throw awsAuthError(`${label}: its web_identity_token_file is empty.`);
  deps.registerSecret?.(token);
  const body = stsForm('AssumeRoleWithWebIdentity', plan, deps.now(), { WebIdentityToken: token });
  const { status, text } = await callAwsService(deps.fetch, `${plan.sts.url}/`, { method: 'POST', headers: { 'content-type': FORM }, body }, 'STS', label);
  return stsAnswer(status, text, 'AssumeRoleWithWebIdentity', label);
}
