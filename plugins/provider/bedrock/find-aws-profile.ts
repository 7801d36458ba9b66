import { awsAuthError } from './aws-auth-error.ts';
import type { AwsIniSection } from './parse-aws-ini.ts';
import type { AwsCredentials } from './sign-aws-request.ts';

/** The parsed shared files (undefined: the file does not exist) and how messages name them. */
export interface AwsSharedSections {
  credentials?: ReadonlyMap<string, AwsIniSection>;
  config?: ReadonlyMap<string, AwsIniSection>;
  /** `~/.aws/credentials` or `$AWS_SHARED_CREDENTIALS_FILE`. */
  credentialsShown: string;
  /** `~/.aws/config` or `$AWS_CONFIG_FILE`. */
  configShown: string;
}

/** One profile as the two files hold it, and its settings merged (the credentials file's win). */
export interface FoundAwsProfile {
  fromCredentials?: AwsIniSection;
  fromConfig?: AwsIniSection;
  settings: AwsIniSection;
}

/**
 * The config file section of profile `name`: `[profile name]`, and for `default` also
 * `[default]` (the later one in the file wins key by key, as the sections merge). Sections
 * without the `profile ` prefix name nothing else (`[sso-session x]`, `[services x]`).
 */
function configSection(config: ReadonlyMap<string, AwsIniSection> | undefined, name: string): AwsIniSection | undefined {
  return prefixedSection(config, /^profile\s+(.+)$/, name, name === 'default' ? 'default' : undefined);
}

function prefixedSection(
  config: ReadonlyMap<string, AwsIniSection> | undefined, prefix: RegExp, name: string, bare?: string,
): AwsIniSection | undefined {
  if (!config) return undefined;
  let found: Record<string, string> | undefined;
  for (const [section, values] of config) {
    const m = prefix.exec(section);
    if ((m ? m[1]!.trim() : section === bare ? bare : undefined) === name) found = { ...found, ...values };
  }
  return found;
}

/** Profile `name` from the credentials file's `[name]` and the config file's `[profile name]`; undefined in neither. Pure. */
export function findAwsProfile(files: AwsSharedSections, name: string): FoundAwsProfile | undefined {
  const fromCredentials = files.credentials?.get(name);
  const fromConfig = configSection(files.config, name);
  if (!fromCredentials && !fromConfig) return undefined;
  return { fromCredentials, fromConfig, settings: { ...fromConfig, ...fromCredentials } };
}

/** The config file's `[sso-session name]` section. Pure. */
export function findSsoSession(files: AwsSharedSections, name: string): AwsIniSection | undefined {
  return prefixedSection(files.config, /^sso-session\s+(.+)$/, name);
}

function keysOf(section: AwsIniSection | undefined, where: string, label: string): AwsCredentials | undefined {
  const id = section?.aws_access_key_id;
  if (!id) return undefined;
  const secret = section.aws_secret_access_key;
  if (!secret) throw awsAuthError(`${label} in ${where} has aws_access_key_id but no aws_secret_access_key.`);
  const token = section.aws_session_token;
  return { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) };
}

/**
 * The profile's static keys: aws_access_key_id, aws_secret_access_key and aws_session_token of
 * the credentials file's section, else of the config file's. Undefined without an access key id.
 * Errors: GW_UPSTREAM_AUTH for an access key id without its secret, naming the file.
 */
export function staticKeysOf(found: FoundAwsProfile, files: AwsSharedSections, label: string): AwsCredentials | undefined {
  return keysOf(found.fromCredentials, files.credentialsShown, label) ?? keysOf(found.fromConfig, files.configShown, label);
}
