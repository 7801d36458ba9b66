import type { AwsCredentials } from './sign-aws-request.ts';

/**
 * How the credentials of one AWS profile are obtained, as `resolveAwsProfile` reads it from the
 * shared files and the environment: every setting a step needs is in it (endpoints included),
 * so two equal plans give the same credentials and a plan serves as a cache key.
 */
export type AwsCredentialPlan = AwsStaticPlan | AwsSsoPlan | AwsProcessPlan | AwsRolePlan | AwsWebIdentityPlan;

/** Keys written in a profile, or the gateway's environment (`credential_source = Environment`). */
export interface AwsStaticPlan {
  kind: 'static';
  profile: string;
  credentials: AwsCredentials;
}

/** IAM Identity Center: the cached login of `aws sso login`, exchanged at the SSO portal for role keys. */
export interface AwsSsoPlan {
  kind: 'sso';
  profile: string;
  /** The `[sso-session NAME]` the profile names; absent for the legacy form (`sso_start_url` in the profile). */
  session?: string;
  startUrl: string;
  /** `sso_region`: where the portal and SSO OIDC are. */
  region: string;
  accountId: string;
  roleName: string;
  /** `~/.aws/sso/cache/<sha1 of the session name or start URL>.json`. */
  tokenFile: string;
  /** Base URLs of the SSO portal and of SSO OIDC (token refresh). */
  portalUrl: string;
  oidcUrl: string;
}

/** `credential_process`: a command whose stdout is the credentials as JSON. */
export interface AwsProcessPlan {
  kind: 'process';
  profile: string;
  command: string;
}

/** Where STS is called: its base URL and the region its signature is scoped to. */
export interface AwsStsEndpoint {
  url: string;
  region: string;
}

/** `role_arn` with `source_profile` or `credential_source`: STS AssumeRole signed with the source's keys. */
export interface AwsRolePlan {
  kind: 'role';
  profile: string;
  roleArn: string;
  sessionName?: string;
  durationSeconds?: number;
  externalId?: string;
  sts: AwsStsEndpoint;
  source: AwsCredentialPlan;
}

/** `role_arn` with `web_identity_token_file`: STS AssumeRoleWithWebIdentity (unsigned) with the file's token. */
export interface AwsWebIdentityPlan {
  kind: 'web-identity';
  profile: string;
  roleArn: string;
  sessionName?: string;
  durationSeconds?: number;
  tokenFile: string;
  sts: AwsStsEndpoint;
}

/** Credentials obtained at run time, and when they stop working (absent: they do not say). */
export interface TemporaryAwsCredentials {
  credentials: AwsCredentials;
  expiresAt?: number;
}
