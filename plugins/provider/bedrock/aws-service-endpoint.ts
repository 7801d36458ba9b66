import { awsAuthError } from './aws-auth-error.ts';
import type { Env } from './read-aws-shared-files.ts';

/** The AWS services credential resolution calls, and the host name of each in a region. */
const SERVICES = {
  sts: { variable: 'AWS_ENDPOINT_URL_STS', host: (region: string) => `sts.${region}` },
  sso: { variable: 'AWS_ENDPOINT_URL_SSO', host: (region: string) => `portal.sso.${region}` },
  'sso-oidc': { variable: 'AWS_ENDPOINT_URL_SSO_OIDC', host: (region: string) => `oidc.${region}` },
} as const;

export type AwsCredentialService = keyof typeof SERVICES;

/** A region name (`eu-west-1`, `us-gov-west-1`): it becomes part of a host name. */
export const AWS_REGION_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * The base URL (no trailing `/`) of `service` in `region`, as the AWS SDKs choose it: the
 * service's own variable (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_SSO`,
 * `AWS_ENDPOINT_URL_SSO_OIDC`), else `AWS_ENDPOINT_URL`, unless
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`; else the public endpoint
 * (`https://sts.{region}.amazonaws.com`, `.amazonaws.com.cn` in China regions). `global` is
 * STS's legacy global endpoint `https://sts.amazonaws.com`. Pure.
 *
 * Errors: GW_UPSTREAM_AUTH (502, retryable) when a variable is set to something other than an
 * http(s) URL, naming the variable, not its value; the caller checks the region's form first.
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
export function awsServiceUrl(service: AwsCredentialService, region: string, env: Env, global = false): string {
  const { variable, host } = SERVICES[service];
  const ignore = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.trim().toLowerCase() === 'true';
  const named = ignore ? undefined : [variable, 'AWS_ENDPOINT_URL'].find((v) => env[v]?.trim());
  if (named) {
    const url = env[named]!.trim();
    if (!/^https?:\/\/[^/?#]+/i.test(url) || !URL.canParse(url)) throw awsAuthError(`The gateway's ${named} is not an http(s) URL.`);
    return url.replace(/\/+$/, '');
  }
  if (global) return 'https://sts.amazonaws.com';
  return `https://${host(region)}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}
