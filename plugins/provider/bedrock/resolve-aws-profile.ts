import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { AwsIniSection } from './parse-aws-ini.ts';
import type { AwsCredentials } from './sign-aws-request.ts';

/** A profile's static keys, and the region its config file section names. */
export interface AwsProfile {
  credentials: AwsCredentials;
  region?: string;
}

/** The parsed shared files (undefined: the file does not exist) and how messages name them. */
export interface AwsSharedSections {
  credentials?: ReadonlyMap<string, AwsIniSection>;
  config?: ReadonlyMap<string, AwsIniSection>;
  /** `~/.aws/credentials` or `$AWS_SHARED_CREDENTIALS_FILE`. */
  credentialsShown: string;
  /** `~/.aws/config` or `$AWS_CONFIG_FILE`. */
  configShown: string;
}

const SUPPORTED = 'Supported: a profile with aws_access_key_id and aws_secret_access_key (plus aws_session_token for temporary keys)'
  + ' in the shared credentials or config file. For SSO, an assumed role or a credential process, write temporary keys'
  + ' into a profile (aws configure set, or a tool that syncs them) and name that profile, or use credentials: env or keys:.';

/** Settings that make the SDKs assume a role: signing with the profile's own keys would act as another identity. */
const ROLE_KEYS = ['role_arn', 'web_identity_token_file'];

/** Settings of credential sources the gateway does not run, named as the message shows them. */
const OTHER_SOURCES: Array<[test: (key: string) => boolean, what: string]> = [
  [(k) => k === 'sso_session' || k.startsWith('sso_'), 'IAM Identity Center (SSO)'],
  [(k) => k === 'credential_process', 'a credential_process'],
];

function authError(message: string): GatewayError {
  return new GatewayError('GW_UPSTREAM_AUTH', message, { status: 502, retryable: true });
}

/**
 * The config file section of profile `name`: `[profile name]`, and for `default` also
 * `[default]` (the later one in the file wins key by key, as the sections merge). Sections
 * without the `profile ` prefix name nothing else (`[sso-session x]`, `[services x]`).
 */
function configSection(config: ReadonlyMap<string, AwsIniSection> | undefined, name: string): AwsIniSection | undefined {
  if (!config) return undefined;
  let found: Record<string, string> | undefined;
  for (const [section, values] of config) {
    const m = /^profile\s+(.+)$/.exec(section);
    if ((m ? m[1]!.trim() : section === 'default' ? 'default' : undefined) === name) found = { ...found, ...values };
  }
  return found;
}

function keysOf(section: AwsIniSection | undefined, where: string, named: string): AwsCredentials | undefined {
  const id = section?.aws_access_key_id;
  if (!id) return undefined;
  const secret = section.aws_secret_access_key;
  if (!secret) throw authError(`${named} in ${where} has aws_access_key_id but no aws_secret_access_key. ${SUPPORTED}`);
  const token = section.aws_session_token;
  return { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) };
}

/**
 * Profile `name` as the AWS SDKs resolve it from the shared files, limited to static keys: the
 * credentials file's `[name]`, else the config file's `[profile name]` (`[default]`), gives
 * aws_access_key_id, aws_secret_access_key and aws_session_token; the region is the config
 * file's `region` for the profile. Keys beside SSO or credential_process settings are used (the
 * JavaScript SDK prefers them too, and it is what a tool syncing temporary keys writes); a
 * profile that assumes a role (role_arn, web_identity_token_file) is refused even with keys,
 * since its own keys are another identity. Pure.
 *
 * Errors: GW_UPSTREAM_AUTH (502, retryable, so another target may serve) naming the profile
 * (and `provider`, when given) and what is supported, for a profile in neither file, one of an unsupported kind, or one
 * without keys. Messages never quote a value from the files.
 */
export function resolveAwsProfile(name: string, files: AwsSharedSections, provider?: string): AwsProfile {
  const named = provider ? `AWS profile "${name}" (provider "${provider}")` : `AWS profile "${name}"`;
  const fromCredentials = files.credentials?.get(name);
  const fromConfig = configSection(files.config, name);
  const both = `${files.credentialsShown} or ${files.configShown}`;
  if (!fromCredentials && !fromConfig) {
    const missing = !files.credentials && !files.config ? ` (neither file exists)` : '';
    throw authError(`${named} was not found in ${both}${missing}. ${SUPPORTED}`);
  }
  const settings = Object.keys({ ...fromConfig, ...fromCredentials });
  const role = ROLE_KEYS.find((k) => settings.includes(k));
  if (role) throw authError(`${named} assumes a role (${role}), which the gateway does not do (no STS AssumeRole). ${SUPPORTED}`);
  const credentials = keysOf(fromCredentials, files.credentialsShown, named) ?? keysOf(fromConfig, files.configShown, named);
  const region = fromConfig?.region;
  if (credentials) return { credentials, ...(region ? { region } : {}) };
  const other = OTHER_SOURCES.find(([test]) => settings.some(test));
  if (other) throw authError(`${named} gets its credentials from ${other[1]}, which the gateway does not run. ${SUPPORTED}`);
  throw authError(`${named} in ${both} has no aws_access_key_id. ${SUPPORTED}`);
}
