import { awsAuthError } from './aws-auth-error.ts';
import type { Env } from './read-aws-shared-files.ts';
import type { AwsCredentials } from './sign-aws-request.ts';

/**
 * IAM keys from the gateway's environment, as the AWS SDKs read them: `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and, for temporary keys, `AWS_SESSION_TOKEN` (values trimmed).
 * `who` starts the error message: `Bedrock provider "p" takes its AWS keys from the gateway's
 * environment (credentials: env)`.
 * Errors: GW_UPSTREAM_AUTH (502, retryable) naming the variables that are not set.
 */
export function awsEnvironmentKeys(env: Env, who: string): AwsCredentials {
  const id = env.AWS_ACCESS_KEY_ID?.trim();
  const secret = env.AWS_SECRET_ACCESS_KEY?.trim();
  if (!id || !secret) {
    const unset = [!id && 'AWS_ACCESS_KEY_ID', !secret && 'AWS_SECRET_ACCESS_KEY'].filter(Boolean).join(' and ');
    throw awsAuthError(`${who}, but ${unset} ${unset.includes(' and ') ? 'are' : 'is'} not set.`);
  }
  const token = env.AWS_SESSION_TOKEN?.trim();
  return { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) };
}
