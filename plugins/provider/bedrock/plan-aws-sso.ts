import { awsAuthError } from './aws-auth-error.ts';
import type { AwsSsoPlan } from './aws-credential-plan.ts';
import { AWS_REGION_NAME, awsServiceUrl } from './aws-service-endpoint.ts';
import { findSsoSession, type AwsSharedSections } from './find-aws-profile.ts';
import type { AwsIniSection } from './parse-aws-ini.ts';
import { awsHomeDir, type Env } from './read-aws-shared-files.ts';
import { ssoTokenFilePath } from './sso-token-file.ts';

/**
 * The IAM Identity Center plan of profile `name` with settings `s`: the `sso_session` form
 * (start URL and region from the config file's `[sso-session NAME]`, the cached login named after
 * the session) or the legacy form (`sso_start_url` and `sso_region` in the profile, the login
 * named after the start URL); both need `sso_account_id` and `sso_role_name`. Pure.
 *
 * Errors: GW_UPSTREAM_AUTH naming the profile (`label`) and the missing or conflicting setting.
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-sso-credentials.html
 */
export function planAwsSso(name: string, s: AwsIniSection, ctx: { files: AwsSharedSections; env: Env }, label: string): AwsSsoPlan {
  const where = ctx.files.configShown;
  let startUrl = s.sso_start_url;
  let region = s.sso_region;
  const session = s.sso_session;
  if (session) {
    const section = findSsoSession(ctx.files, session);
    if (!section) throw awsAuthError(`${label} names sso_session "${session}", but ${where} has no [sso-session ${session}] section.`);
    if ((startUrl && startUrl !== section.sso_start_url) || (region && region !== section.sso_region)) {
      throw awsAuthError(`${label} sets sso_start_url or sso_region other than those of its [sso-session ${session}]; remove them from the profile.`);
    }
    startUrl = section.sso_start_url;
    region = section.sso_region;
    if (!startUrl || !region) throw awsAuthError(`The [sso-session ${session}] section of ${where} needs sso_start_url and sso_region (named by ${label}).`);
  }
  const missing = [!startUrl && 'sso_start_url', !region && 'sso_region', !s.sso_account_id && 'sso_account_id', !s.sso_role_name && 'sso_role_name'].filter(Boolean);
  if (missing.length > 0) throw awsAuthError(`${label} uses IAM Identity Center (SSO) but lacks ${missing.join(', ')}.`);
  if (!AWS_REGION_NAME.test(region!)) throw awsAuthError(`${label} has an sso_region that is not a region name (such as eu-west-1).`);
  return {
    kind: 'sso', profile: name, ...(session ? { session } : {}), startUrl: startUrl!, region: region!,
    accountId: s.sso_account_id!, roleName: s.sso_role_name!,
    tokenFile: ssoTokenFilePath(awsHomeDir(ctx.env), session ?? startUrl!),
    portalUrl: awsServiceUrl('sso', region!, ctx.env), oidcUrl: awsServiceUrl('sso-oidc', region!, ctx.env),
  };
}
