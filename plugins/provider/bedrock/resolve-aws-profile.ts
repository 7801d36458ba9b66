import { awsAuthError, profileLabel } from './aws-auth-error.ts';
import type { AwsCredentialPlan, AwsRolePlan, AwsStaticPlan, AwsStsEndpoint } from './aws-credential-plan.ts';
import { awsEnvironmentKeys } from './aws-environment-keys.ts';
import { AWS_REGION_NAME, awsServiceUrl } from './aws-service-endpoint.ts';
import { findAwsProfile, staticKeysOf, type AwsSharedSections, type FoundAwsProfile } from './find-aws-profile.ts';
import { planAwsSso } from './plan-aws-sso.ts';
import type { Env } from './read-aws-shared-files.ts';

export type { AwsSharedSections } from './find-aws-profile.ts';

/** How a profile's credentials are obtained, and the region its config file section names. */
export interface AwsProfile {
  plan: AwsCredentialPlan;
  region?: string;
}

/** What every step of one resolution reads. */
interface Context {
  files: AwsSharedSections;
  env: Env;
  provider?: string;
}

const KINDS = 'aws_access_key_id and aws_secret_access_key, role_arn with source_profile or credential_source, '
  + 'sso_session or sso_start_url, or credential_process';

/**
 * Profile `name` as the AWS SDKs resolve it from the shared files (credentials file's `[name]`,
 * config file's `[profile name]`), into a plan of how to obtain its credentials:
 * - `role_arn` first (the named profile assumes its role even beside keys): with
 *   `source_profile` (resolved the same way, static keys first in a source; a chain that comes
 *   back to a profile is refused, except a profile naming itself for its own keys), with
 *   `credential_source = Environment`, or with `web_identity_token_file`;
 * - else static keys (aws_access_key_id, aws_secret_access_key, aws_session_token);
 * - else `credential_process`;
 * - else IAM Identity Center: `sso_session` and its `[sso-session]` section, or the legacy
 *   `sso_start_url` / `sso_region` in the profile.
 * The region is the config file's `region` for the profile. `env` gives the home folder (SSO
 * cache), credential_source keys and endpoint variables. Pure.
 *
 * Errors: GW_UPSTREAM_AUTH (502, retryable, so another target may serve) naming the profile
 * (and `provider`, when given) and what to change: a profile in neither file, a source chain
 * that loops, a setting the gateway cannot use (mfa_serial, credential_source for instance
 * metadata), or missing settings. Messages never quote a value from the files.
 */
export function resolveAwsProfile(name: string, files: AwsSharedSections, env: Env, provider?: string): AwsProfile {
  const found = findAwsProfile(files, name);
  if (!found) {
    const missing = !files.credentials && !files.config ? ' (neither file exists)' : '';
    throw awsAuthError(`${profileLabel(name, provider)} was not found in ${files.credentialsShown} or ${files.configShown}${missing}.`);
  }
  const region = found.fromConfig?.region;
  return { plan: planProfile(name, found, { files, env, provider }, [name]), ...(region ? { region } : {}) };
}

/** `chain`: the profiles followed to get here, `name` last. */
function planProfile(name: string, found: FoundAwsProfile, ctx: Context, chain: string[]): AwsCredentialPlan {
  const label = profileLabel(name, ctx.provider);
  const s = found.settings;
  const keys = () => staticKeysOf(found, ctx.files, label);
  const asStatic = (credentials: AwsStaticPlan['credentials']): AwsStaticPlan => ({ kind: 'static', profile: name, credentials });
  const sourceKeys = chain.length > 1 ? keys() : undefined;
  if (sourceKeys) return asStatic(sourceKeys);
  if (s.role_arn) return planRole(name, found, ctx, chain);
  const own = keys();
  if (own) return asStatic(own);
  if (s.credential_process) return { kind: 'process', profile: name, command: s.credential_process };
  if (s.sso_session || s.sso_start_url) return planAwsSso(name, s, ctx, label);
  if (s.web_identity_token_file) throw awsAuthError(`${label} has web_identity_token_file but no role_arn to assume with it.`);
  throw awsAuthError(`${label} in ${ctx.files.credentialsShown} or ${ctx.files.configShown} has no credentials: set ${KINDS}.`);
}

function planRole(name: string, found: FoundAwsProfile, ctx: Context, chain: string[]): AwsCredentialPlan {
  const label = profileLabel(name, ctx.provider);
  const s = found.settings;
  if (s.mfa_serial) {
    throw awsAuthError(`${label} assumes its role with an MFA code (mfa_serial), which a gateway cannot type in. `
      + 'Use a role without MFA, or name a profile holding the temporary keys of an MFA session.');
  }
  const common = {
    profile: name, roleArn: s.role_arn!,
    ...(s.role_session_name ? { sessionName: s.role_session_name } : {}),
    ...durationOf(s.duration_seconds, label),
    sts: stsEndpoint(s, ctx.env, label),
  };
  if (s.source_profile && s.credential_source) throw awsAuthError(`${label} sets both source_profile and credential_source; keep one.`);
  if (s.source_profile) return { kind: 'role', ...common, ...externalId(s), source: planSource(s.source_profile, name, found, ctx, chain) };
  if (s.credential_source) return { kind: 'role', ...common, ...externalId(s), source: environmentSource(s.credential_source, name, ctx.env, label) };
  if (s.web_identity_token_file) return { kind: 'web-identity', ...common, tokenFile: s.web_identity_token_file };
  throw awsAuthError(`${label} has role_arn but nothing to assume it with: set source_profile, credential_source or web_identity_token_file.`);
}

function externalId(s: Readonly<Record<string, string>>): Pick<AwsRolePlan, 'externalId'> {
  return s.external_id ? { externalId: s.external_id } : {};
}

/** `duration_seconds`: what STS accepts, 15 minutes to 12 hours. */
function durationOf(value: string | undefined, label: string): { durationSeconds?: number } {
  if (value === undefined) return {};
  const seconds = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(seconds >= 900 && seconds <= 43_200)) throw awsAuthError(`${label} has a duration_seconds that is not a whole number of seconds from 900 to 43200.`);
  return { durationSeconds: seconds };
}

/**
 * STS of the role profile's `region` (else us-east-1): the regional endpoint, or the global one
 * when `sts_regional_endpoints` (or `AWS_STS_REGIONAL_ENDPOINTS`) is `legacy`.
 */
function stsEndpoint(s: Readonly<Record<string, string>>, env: Env, label: string): AwsStsEndpoint {
  const region = s.region?.trim() || 'us-east-1';
  if (!AWS_REGION_NAME.test(region)) throw awsAuthError(`${label} has a region that is not a region name (such as eu-west-1).`);
  const legacy = (s.sts_regional_endpoints ?? env.AWS_STS_REGIONAL_ENDPOINTS)?.trim().toLowerCase() === 'legacy';
  return { url: awsServiceUrl('sts', region, env, legacy), region: legacy ? 'us-east-1' : region };
}

function planSource(source: string, parent: string, parentFound: FoundAwsProfile, ctx: Context, chain: string[]): AwsCredentialPlan {
  const label = profileLabel(parent, ctx.provider);
  if (chain.includes(source)) {
    const own = source === parent ? staticKeysOf(parentFound, ctx.files, label) : undefined;
    if (own) return { kind: 'static', profile: parent, credentials: own };
    throw awsAuthError(`${label} cannot be resolved: its source_profile chain loops (${[...chain, source].join(' → ')}).`);
  }
  const found = findAwsProfile(ctx.files, source);
  if (!found) throw awsAuthError(`${label} names source_profile "${source}", which is in neither ${ctx.files.credentialsShown} nor ${ctx.files.configShown}.`);
  return planProfile(source, found, ctx, [...chain, source]);
}

/** `credential_source`: only `Environment` (the gateway's AWS_ACCESS_KEY_ID…); instance and container metadata are not read. */
function environmentSource(source: string, profile: string, env: Env, label: string): AwsStaticPlan {
  if (source === 'Ec2InstanceMetadata' || source === 'EcsContainer') {
    throw awsAuthError(`${label} takes its source keys from ${source} (credential_source), which the gateway does not read. `
      + 'Use source_profile, or credential_source = Environment.');
  }
  if (source !== 'Environment') throw awsAuthError(`${label} has an unknown credential_source; the gateway supports Environment.`);
  const credentials = awsEnvironmentKeys(env, `${label} takes its source keys from the gateway's environment (credential_source = Environment)`);
  return { kind: 'static', profile, credentials };
}
