import type { TemporaryAwsCredentials } from './aws-credential-plan.ts';
import { parseAwsTime } from './sso-token-file.ts';

/**
 * The credentials a `credential_process` printed:
 * `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?, "Expiration"?}` (ISO 8601;
 * without it the keys do not expire). Undefined for anything else: not JSON, another version, a
 * missing key, an unreadable expiration. Pure.
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html
 */
export function parseCredentialProcessOutput(stdout: string): TemporaryAwsCredentials | undefined {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!json || typeof json !== 'object' || json.Version !== 1) return undefined;
  const { AccessKeyId: id, SecretAccessKey: secret, SessionToken: token, Expiration: expiration } = json;
  if (typeof id !== 'string' || !id || typeof secret !== 'string' || !secret) return undefined;
  if (token !== undefined && token !== null && typeof token !== 'string') return undefined;
  const expiresAt = expiration === undefined || expiration === null ? undefined : parseAwsTime(expiration);
  if (expiration !== undefined && expiration !== null && expiresAt === undefined) return undefined;
  return {
    credentials: { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) },
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}
