import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { AccountRuntime, ProviderRuntime } from '../../../core/plugin/types.ts';
import { parseBedrockKey, type BedrockAuth } from './bedrock-auth.ts';
import { awsSharedFiles, createIniFileReader, type Env, type IniFileReader } from './read-aws-shared-files.ts';
import { resolveAwsProfile } from './resolve-aws-profile.ts';

/** How one call authenticates (none: unsigned, for a proxy that signs), and the region its source names. */
export interface BedrockCredentials {
  auth?: BedrockAuth;
  /** A profile's `region`, or `AWS_REGION` for `credentials: env`: used when the entry sets no `region:`. */
  region?: string;
}

/** What the source reads besides the provider: the gateway's environment and the shared files. */
export interface BedrockCredentialDeps {
  /** The gateway's environment, read at each call (the adapter passes the host's). */
  env(): Env;
  /** Reader of the AWS shared files (default: from disk, parsed again only when changed). */
  readIni?: IniFileReader;
}

/** Resolves the credentials of one call (see `createBedrockCredentialSource`). */
export type BedrockCredentialSource = (
  provider: Pick<ProviderRuntime, 'name' | 'options'>, account: Pick<AccountRuntime, 'secret'> | undefined,
) => Promise<BedrockCredentials>;

/** A region name (`eu-west-1`, `us-gov-west-1`): it becomes part of the endpoint's host name. */
const REGION = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

type Source = { kind: 'profile'; profile: string } | { kind: 'env' };

function authError(message: string): GatewayError {
  return new GatewayError('GW_UPSTREAM_AUTH', message, { status: 502, retryable: true });
}

/** `profile:` (a name; YAML may read `123` as a number) or `credentials: env`; empty values are unset. */
function sourceOf(provider: Pick<ProviderRuntime, 'name' | 'options'>): Source | undefined {
  const { profile, credentials } = provider.options;
  if (profile !== undefined && profile !== null && typeof profile !== 'string' && typeof profile !== 'number') {
    throw authError(`Bedrock provider "${provider.name}": profile: takes the name of a profile of the AWS shared files.`);
  }
  const name = profile === undefined || profile === null ? '' : String(profile).trim();
  const fromEnv = credentials !== undefined && credentials !== null && credentials !== '';
  if (fromEnv && credentials !== 'env') {
    throw authError(`Bedrock provider "${provider.name}": credentials: takes only "env" (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); name a profile of the AWS shared files with profile:.`);
  }
  if (fromEnv && name) throw authError(`Bedrock provider "${provider.name}" sets both profile: and credentials: env; keep one.`);
  if (fromEnv) return { kind: 'env' };
  return name ? { kind: 'profile', profile: name } : undefined;
}

function checkRegion(region: string | undefined, provider: string, where: string): string | undefined {
  if (region === undefined || region === '' || REGION.test(region)) return region || undefined;
  throw authError(`Bedrock provider "${provider}": ${where} is not a region name (such as eu-west-1); set region: in the entry.`);
}

/** IAM keys from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, region from `AWS_REGION` / `AWS_DEFAULT_REGION`. */
function fromEnv(provider: string, env: Env): BedrockCredentials {
  const id = env.AWS_ACCESS_KEY_ID?.trim();
  const secret = env.AWS_SECRET_ACCESS_KEY?.trim();
  if (!id || !secret) {
    const unset = [!id && 'AWS_ACCESS_KEY_ID', !secret && 'AWS_SECRET_ACCESS_KEY'].filter(Boolean).join(' and ');
    throw authError(`Bedrock provider "${provider}" takes its AWS keys from the gateway's environment (credentials: env), but ${unset} ${unset.includes(' and ') ? 'are' : 'is'} not set.`);
  }
  const token = env.AWS_SESSION_TOKEN?.trim();
  const regionVar = env.AWS_REGION?.trim() ? 'AWS_REGION' : 'AWS_DEFAULT_REGION';
  const region = checkRegion(env[regionVar]?.trim(), provider, regionVar);
  return {
    auth: { kind: 'sigv4', credentials: { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) } },
    ...(region ? { region } : {}),
  };
}

/**
 * The credential source of the `bedrock` adapter, asked at each call:
 * 1. the attempt's account secret from `keys:` (a Bedrock API key or `<id>:<secret>[:<token>]`)
 *    wins: an entry with both `keys:` and `profile:` uses its keys;
 * 2. else `credentials: env`: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
 *    `AWS_SESSION_TOKEN` of the gateway's environment at that moment;
 * 3. else `profile: <name>`: the profile's keys from the AWS shared credentials and config
 *    files (`resolveAwsProfile`), files parsed again when they change, so rotated keys apply;
 * 4. else nothing: the request goes unsigned.
 * The secret key and session token are not registered here: `bedrockHeaders` registers those
 * of every request it signs.
 *
 * Errors: GW_UPSTREAM_AUTH (502, retryable) for a `keys:` entry without its secret, an unknown
 * `credentials:` value, both sources set, unset variables, a missing or unsupported profile,
 * a shared file that cannot be read, or a region that is no region name (it would become part
 * of the endpoint's host). No message quotes a credential.
 */
export function createBedrockCredentialSource(deps: BedrockCredentialDeps): BedrockCredentialSource {
  const readIni = deps.readIni ?? createIniFileReader();
  return async (provider, account) => {
    if (account?.secret) return { auth: parseBedrockKey(account.secret) };
    const source = sourceOf(provider);
    if (!source) return {};
    const env = deps.env();
    if (source.kind === 'env') return fromEnv(provider.name, env);
    const files = awsSharedFiles(env);
    const [credentials, config] = await Promise.all([readIni(files.credentials), readIni(files.config)]);
    const profile = resolveAwsProfile(source.profile, {
      credentials, config, credentialsShown: files.credentials.shown, configShown: files.config.shown,
    }, provider.name);
    checkRegion(profile.region, provider.name, `the region of AWS profile "${source.profile}"`);
    return { auth: { kind: 'sigv4', credentials: profile.credentials }, ...(profile.region ? { region: profile.region } : {}) };
  };
}
