import type { AccountRuntime, ProviderRuntime } from '../../../core/plugin/types.ts';
import { awsAuthError as authError } from './aws-auth-error.ts';
import { awsEnvironmentKeys } from './aws-environment-keys.ts';
import { AWS_REGION_NAME } from './aws-service-endpoint.ts';
import { parseBedrockKey, type BedrockAuth } from './bedrock-auth.ts';
import type { AwsFetch } from './call-aws-service.ts';
import { createAwsCredentialChain } from './obtain-aws-credentials.ts';
import { awsSharedFiles, createIniFileReader, type Env, type IniFileReader } from './read-aws-shared-files.ts';
import { resolveAwsProfile } from './resolve-aws-profile.ts';
import type { CredentialProcessLimits } from './run-credential-process.ts';

/** How one call authenticates (none: unsigned, for a proxy that signs), and the region its source names. */
export interface BedrockCredentials {
  auth?: BedrockAuth;
  /** A profile's `region`, or `AWS_REGION` for `credentials: env`: used when the entry sets no `region:`. */
  region?: string;
}

/** What the provider's network policy is made of: the credential services are called with it. */
export type BedrockCredentialProvider = Pick<ProviderRuntime, 'name' | 'options' | 'allowPrivateNetwork' | 'proxy'>;

/**
 * What the source uses besides the provider: the gateway's environment, the shared files, the
 * outbound client and clock for temporary credentials (SSO, STS), and the redaction list.
 */
export interface BedrockCredentialDeps {
  /** The gateway's environment, read at each call (the adapter passes the host's). */
  env(): Env;
  /** Reader of the AWS shared files (default: from disk, parsed again only when changed). */
  readIni?: IniFileReader;
  /**
   * Sends one request to STS, the SSO portal or SSO OIDC for `provider`: the adapter passes the
   * host's outbound client with the provider's SSRF policy, proxy and short timeouts. Without
   * it, profiles that need one of those services fail GW_UPSTREAM_AUTH.
   */
  fetch?(url: string, init: Parameters<AwsFetch>[1], provider: BedrockCredentialProvider): Promise<Response>;
  /** The clock (`host.now`; default `Date.now`): expiries, signing time. */
  now?(): number;
  /** Masks a secret obtained at run time in logs and error text (`host.registerSecret`). */
  registerSecret?(value: string): void;
  /** Warnings that need no error (the plugin's logger). */
  warn?(message: string): void;
  /** credential_process limits (default 30 s, 64 KiB of output). */
  processLimits?: CredentialProcessLimits;
}

/** Resolves the credentials of one call (see `createBedrockCredentialSource`). */
export type BedrockCredentialSource = (
  provider: BedrockCredentialProvider, account: Pick<AccountRuntime, 'secret'> | undefined,
) => Promise<BedrockCredentials>;

type Source = { kind: 'profile'; profile: string } | { kind: 'env' };

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
  if (region === undefined || region === '' || AWS_REGION_NAME.test(region)) return region || undefined;
  throw authError(`Bedrock provider "${provider}": ${where} is not a region name (such as eu-west-1); set region: in the entry.`);
}

/** IAM keys from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, region from `AWS_REGION` / `AWS_DEFAULT_REGION`. */
function fromEnv(provider: string, env: Env): BedrockCredentials {
  const credentials = awsEnvironmentKeys(env, `Bedrock provider "${provider}" takes its AWS keys from the gateway's environment (credentials: env)`);
  const regionVar = env.AWS_REGION?.trim() ? 'AWS_REGION' : 'AWS_DEFAULT_REGION';
  const region = checkRegion(env[regionVar]?.trim(), provider, regionVar);
  return { auth: { kind: 'sigv4', credentials }, ...(region ? { region } : {}) };
}

/**
 * The credential source of the `bedrock` adapter, asked at each call:
 * 1. the attempt's account secret from `keys:` (a Bedrock API key or `<id>:<secret>[:<token>]`)
 *    wins: an entry with both `keys:` and `profile:` uses its keys;
 * 2. else `credentials: env`: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
 *    `AWS_SESSION_TOKEN` of the gateway's environment at that moment;
 * 3. else `profile: <name>`: the profile of the AWS shared credentials and config files
 *    (`resolveAwsProfile`, files parsed again when they change, so rotated keys apply): its
 *    static keys, or temporary keys from IAM Identity Center, an assumed role or a
 *    credential_process (`createAwsCredentialChain`: cached per provider and resolved plan,
 *    renewed ahead of expiry, one fetch shared by concurrent requests);
 * 4. else nothing: the request goes unsigned.
 * The keys that sign Bedrock calls are registered by `bedrockHeaders`; the chain registers what
 * it obtains or signs STS with.
 *
 * Errors: GW_UPSTREAM_AUTH (502, retryable) for a `keys:` entry without its secret, an unknown
 * `credentials:` value, both sources set, unset variables, a missing or unusable profile, a
 * credential service or process that fails, a shared file that cannot be read, or a region
 * that is no region name (it would become part of the endpoint's host). No message quotes a
 * credential.
 */
export function createBedrockCredentialSource(deps: BedrockCredentialDeps): BedrockCredentialSource {
  const readIni = deps.readIni ?? createIniFileReader();
  const now = deps.now ?? Date.now;
  const chain = createAwsCredentialChain({ ...deps, now: () => now() });
  const send = deps.fetch ?? (() => Promise.reject(authError('The Bedrock adapter was made without an outbound client for AWS credential services.')));
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
    }, env, provider.name);
    checkRegion(profile.region, provider.name, `the region of AWS profile "${source.profile}"`);
    const keys = await chain(profile.plan, { provider: provider.name, fetch: (url, init) => send(url, init, provider) });
    return { auth: { kind: 'sigv4', credentials: keys }, ...(profile.region ? { region: profile.region } : {}) };
  };
}
