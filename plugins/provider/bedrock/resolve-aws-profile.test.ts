import { describe, expect, test } from 'bun:test';
import { parseAwsIni } from './parse-aws-ini.ts';
import { resolveAwsProfile, type AwsSharedSections } from './resolve-aws-profile.ts';
import { ssoTokenFilePath } from './sso-token-file.ts';

const files = (credentials?: string, config?: string): AwsSharedSections => ({
  ...(credentials === undefined ? {} : { credentials: parseAwsIni(credentials) }),
  ...(config === undefined ? {} : { config: parseAwsIni(config) }),
  credentialsShown: '~/.aws/credentials', configShown: '~/.aws/config',
});
const ENV = { HOME: '/home/ann' };
const refusal = (name: string, f: AwsSharedSections, env: Record<string, string> = ENV) => {
  try {
    resolveAwsProfile(name, f, env, 'aws');
  } catch (e) {
    return e as { code: string; status: number; retryable: boolean; message: string };
  }
  throw new Error('resolved');
};

const CREDENTIALS = `
[default]
aws_access_key_id = AKIADEFAULT000000001
aws_secret_access_key = default-secret

[dev]
aws_access_key_id = ASIADEV0000000000001
aws_secret_access_key = dev-secret
aws_session_token = dev-token
`;

const CONFIG = `
[default]
region = us-west-2

[profile dev]
region = eu-west-3

[profile cfg]
aws_access_key_id = AKIACONFIG0000000001
aws_secret_access_key = cfg-secret
region = ap-southeast-2

[dev]
region = ignored-without-the-profile-prefix
`;

const DEV_KEYS = { accessKeyId: 'ASIADEV0000000000001', secretAccessKey: 'dev-secret', sessionToken: 'dev-token' };
const DEFAULT_KEYS = { accessKeyId: 'AKIADEFAULT000000001', secretAccessKey: 'default-secret' };

describe('resolveAwsProfile: static keys', () => {
  test('keys from the credentials file, region from the config file\'s [profile name] / [default]', () => {
    expect(resolveAwsProfile('dev', files(CREDENTIALS, CONFIG), ENV)).toEqual({
      plan: { kind: 'static', profile: 'dev', credentials: DEV_KEYS }, region: 'eu-west-3',
    });
    expect(resolveAwsProfile('default', files(CREDENTIALS, CONFIG), ENV)).toEqual({
      plan: { kind: 'static', profile: 'default', credentials: DEFAULT_KEYS }, region: 'us-west-2',
    });
  });

  test('keys in the config file when the credentials file lacks the profile; no region without a config section', () => {
    expect(resolveAwsProfile('cfg', files(CREDENTIALS, CONFIG), ENV).plan).toMatchObject({ credentials: { accessKeyId: 'AKIACONFIG0000000001', secretAccessKey: 'cfg-secret' } });
    expect(resolveAwsProfile('dev', files(CREDENTIALS), ENV)).toEqual({ plan: { kind: 'static', profile: 'dev', credentials: DEV_KEYS } });
  });

  test('the credentials file\'s keys win over the config file\'s; [profile default] is the default too', () => {
    const config = '[profile default]\naws_access_key_id = AKIACONFIGDEFAULT001\naws_secret_access_key = other\nregion = ca-central-1\n';
    expect(resolveAwsProfile('default', files(CREDENTIALS, config), ENV)).toMatchObject({ plan: { credentials: { accessKeyId: 'AKIADEFAULT000000001' } }, region: 'ca-central-1' });
  });

  test('keys beside SSO or credential_process settings are used (synced temporary keys)', () => {
    const credentials = '[sso]\naws_access_key_id = ASIASYNCED000000001\naws_secret_access_key = s\naws_session_token = t\n';
    const config = '[profile sso]\nsso_session = corp\nregion = us-east-2\ncredential_process = /bin/false\n';
    expect(resolveAwsProfile('sso', files(credentials, config), ENV)).toEqual({
      plan: { kind: 'static', profile: 'sso', credentials: { accessKeyId: 'ASIASYNCED000000001', secretAccessKey: 's', sessionToken: 't' } }, region: 'us-east-2',
    });
  });

  test('a missing profile, one without credentials, and a key without its secret are refused by name', () => {
    const e = refusal('prod', files(CREDENTIALS, CONFIG));
    expect([e.code, e.status, e.retryable]).toEqual(['GW_UPSTREAM_AUTH', 502, true]);
    expect(e.message).toBe('AWS profile "prod" (provider "aws") was not found in ~/.aws/credentials or ~/.aws/config.');
    expect(refusal('prod', files()).message).toContain('(neither file exists)');
    expect(refusal('empty', files(undefined, '[profile empty]\nregion = eu-north-1\n')).message)
      .toStartWith('AWS profile "empty" (provider "aws") in ~/.aws/credentials or ~/.aws/config has no credentials: set aws_access_key_id');
    const half = refusal('half', files('[half]\naws_access_key_id = AKIAHALF000000000001\n'));
    expect(half.message).toBe('AWS profile "half" (provider "aws") in ~/.aws/credentials has aws_access_key_id but no aws_secret_access_key.');
  });
});

describe('resolveAwsProfile: IAM Identity Center', () => {
  const config = `
[profile sso]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = BedrockUser
region = eu-central-1
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-2
sso_account_id = 444455556666
sso_role_name = Admin
`;

  test('the sso_session form: start URL and region from [sso-session], the login cached under the sha1 of the session name', () => {
    expect(resolveAwsProfile('sso', files(undefined, config), ENV)).toEqual({
      plan: {
        kind: 'sso', profile: 'sso', session: 'corp', startUrl: 'https://corp.awsapps.com/start', region: 'eu-west-1',
        accountId: '111122223333', roleName: 'BedrockUser',
        tokenFile: `/home/ann/.aws/sso/cache/${new Bun.CryptoHasher('sha1').update('corp').digest('hex')}.json`,
        portalUrl: 'https://portal.sso.eu-west-1.amazonaws.com', oidcUrl: 'https://oidc.eu-west-1.amazonaws.com',
      },
      region: 'eu-central-1',
    });
  });

  test('the legacy form: settings in the profile, the login cached under the sha1 of the start URL', () => {
    expect(resolveAwsProfile('legacy', files(undefined, config), ENV).plan).toEqual({
      kind: 'sso', profile: 'legacy', startUrl: 'https://legacy.awsapps.com/start', region: 'us-east-2',
      accountId: '444455556666', roleName: 'Admin', tokenFile: ssoTokenFilePath('/home/ann', 'https://legacy.awsapps.com/start'),
      portalUrl: 'https://portal.sso.us-east-2.amazonaws.com', oidcUrl: 'https://oidc.us-east-2.amazonaws.com',
    });
  });

  test('AWS_ENDPOINT_URL_SSO / _SSO_OIDC, else AWS_ENDPOINT_URL, replace the public endpoints; USERPROFILE is home without HOME', () => {
    const env = { USERPROFILE: '/users/bob', AWS_ENDPOINT_URL: 'http://127.0.0.1:9/all/', AWS_ENDPOINT_URL_SSO_OIDC: 'http://127.0.0.1:8' };
    expect(resolveAwsProfile('sso', files(undefined, config), env).plan).toMatchObject({
      portalUrl: 'http://127.0.0.1:9/all', oidcUrl: 'http://127.0.0.1:8', tokenFile: expect.stringMatching(/^\/users\/bob\/\.aws\/sso\/cache\/[0-9a-f]{40}\.json$/),
    });
    const ignored = { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' };
    expect(resolveAwsProfile('sso', files(undefined, config), ignored).plan).toMatchObject({ portalUrl: 'https://portal.sso.eu-west-1.amazonaws.com' });
    expect(refusal('sso', files(undefined, config), { AWS_ENDPOINT_URL_SSO: 'file:///etc/passwd' }).message).toBe("The gateway's AWS_ENDPOINT_URL_SSO is not an http(s) URL.");
  });

  test('missing or conflicting settings are refused without quoting values', () => {
    const broken = `
[profile no-session]
sso_session = gone
sso_account_id = 1
sso_role_name = r
[profile no-role]
sso_session = corp
sso_account_id = 111122223333
[profile conflict]
sso_session = corp
sso_start_url = https://other.awsapps.com/start
sso_account_id = 1
sso_role_name = r
[profile bad-region]
sso_start_url = https://x.awsapps.com/start
sso_region = evil.example/x
sso_account_id = 1
sso_role_name = r
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
`;
    const f = files(undefined, broken);
    expect(refusal('no-session', f).message).toBe('AWS profile "no-session" (provider "aws") names sso_session "gone", but ~/.aws/config has no [sso-session gone] section.');
    expect(refusal('no-role', f).message).toBe('AWS profile "no-role" (provider "aws") uses IAM Identity Center (SSO) but lacks sso_role_name.');
    expect(refusal('conflict', f).message).toContain('sets sso_start_url or sso_region other than those of its [sso-session corp]');
    expect(refusal('bad-region', f).message).toContain('has an sso_region that is not a region name');
    for (const name of ['no-role', 'conflict', 'bad-region']) expect(refusal(name, f).message).not.toMatch(/awsapps|111122223333|evil/);
  });
});

describe('resolveAwsProfile: assumed roles', () => {
  const config = `
[profile role]
role_arn = arn:aws:iam::111122223333:role/bedrock
source_profile = dev
role_session_name = ann-laptop
duration_seconds = 1800
external_id = ext-1
region = eu-west-1
[profile chain]
role_arn = arn:aws:iam::999999999999:role/next
source_profile = role
[profile via-sso]
role_arn = arn:aws:iam::1:role/x
source_profile = sso
[profile sso]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = BedrockUser
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
[profile via-process]
role_arn = arn:aws:iam::1:role/x
source_profile = proc
[profile proc]
credential_process = /usr/local/bin/creds --json
[profile from-env]
role_arn = arn:aws:iam::1:role/env
credential_source = Environment
sts_regional_endpoints = legacy
[profile web]
role_arn = arn:aws:iam::1:role/web
web_identity_token_file = /var/run/token
`;
  const credentials = `${CREDENTIALS}
[self]
aws_access_key_id = AKIASELF000000000001
aws_secret_access_key = self-secret
role_arn = arn:aws:iam::1:role/self
source_profile = self
`;
  const f = files(credentials, config);
  const stsOf = (region: string) => ({ url: `https://sts.${region}.amazonaws.com`, region });

  test('role_arn with source_profile: the source\'s keys, the profile\'s session name, duration, external id and regional STS', () => {
    expect(resolveAwsProfile('role', f, ENV)).toEqual({
      plan: {
        kind: 'role', profile: 'role', roleArn: 'arn:aws:iam::111122223333:role/bedrock', sessionName: 'ann-laptop', durationSeconds: 1800,
        externalId: 'ext-1', sts: stsOf('eu-west-1'), source: { kind: 'static', profile: 'dev', credentials: DEV_KEYS },
      },
      region: 'eu-west-1',
    });
  });

  test('a source may be another role, an SSO profile or a credential_process; STS defaults to us-east-1', () => {
    expect(resolveAwsProfile('chain', f, ENV).plan).toMatchObject({ kind: 'role', sts: stsOf('us-east-1'), source: { kind: 'role', profile: 'role', source: { kind: 'static', profile: 'dev' } } });
    expect(resolveAwsProfile('via-sso', f, ENV).plan).toMatchObject({ source: { kind: 'sso', profile: 'sso', session: 'corp' } });
    expect(resolveAwsProfile('via-process', f, ENV).plan).toMatchObject({ source: { kind: 'process', profile: 'proc', command: '/usr/local/bin/creds --json' } });
  });

  test('in a source, static keys win over its own role_arn; a profile may name itself for its own keys', () => {
    const withRole = files(`${credentials}\n[dev]\nrole_arn = arn:aws:iam::1:role/ignored\n`, config);
    expect(resolveAwsProfile('role', withRole, ENV).plan).toMatchObject({ source: { kind: 'static', profile: 'dev' } });
    expect(resolveAwsProfile('self', f, ENV).plan).toMatchObject({
      kind: 'role', roleArn: 'arn:aws:iam::1:role/self', source: { kind: 'static', profile: 'self', credentials: { accessKeyId: 'AKIASELF000000000001' } },
    });
  });

  test('credential_source = Environment takes the gateway\'s keys; legacy STS is the global endpoint', () => {
    const env = { ...ENV, AWS_ACCESS_KEY_ID: 'ASIAENV000000000001', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_SESSION_TOKEN: 'env-token' };
    expect(resolveAwsProfile('from-env', f, env).plan).toEqual({
      kind: 'role', profile: 'from-env', roleArn: 'arn:aws:iam::1:role/env', sts: { url: 'https://sts.amazonaws.com', region: 'us-east-1' },
      source: { kind: 'static', profile: 'from-env', credentials: { accessKeyId: 'ASIAENV000000000001', secretAccessKey: 'env-secret', sessionToken: 'env-token' } },
    });
    expect(refusal('from-env', f).message).toBe('AWS profile "from-env" (provider "aws") takes its source keys from the gateway\'s environment (credential_source = Environment), but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set.');
  });

  test('AWS_ENDPOINT_URL_STS replaces the STS endpoint; the signing region stays the profile\'s', () => {
    expect(resolveAwsProfile('role', f, { ...ENV, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4566' }).plan).toMatchObject({ sts: { url: 'http://127.0.0.1:4566', region: 'eu-west-1' } });
  });

  test('web_identity_token_file with role_arn is AssumeRoleWithWebIdentity', () => {
    expect(resolveAwsProfile('web', f, ENV).plan).toEqual({
      kind: 'web-identity', profile: 'web', roleArn: 'arn:aws:iam::1:role/web', tokenFile: '/var/run/token', sts: stsOf('us-east-1'),
    });
  });

  test('a source_profile chain that loops is refused, naming the chain', () => {
    const loop = files(undefined, '[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n[profile c]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = a\n[profile me]\nrole_arn = arn:aws:iam::1:role/me\nsource_profile = me\n');
    expect(refusal('a', loop).message).toBe('AWS profile "c" (provider "aws") cannot be resolved: its source_profile chain loops (a → b → c → a).');
    expect(refusal('me', loop).message).toContain('its source_profile chain loops (me → me)');
  });

  test('mfa_serial, instance metadata, both sources, no source, a missing source and bad durations are refused', () => {
    const bad = files(CREDENTIALS, `
[profile mfa]
role_arn = arn:aws:iam::1:role/x
source_profile = default
mfa_serial = arn:aws:iam::1:mfa/ann
[profile ec2]
role_arn = arn:aws:iam::1:role/x
credential_source = Ec2InstanceMetadata
[profile ecs]
role_arn = arn:aws:iam::1:role/x
credential_source = EcsContainer
[profile weird]
role_arn = arn:aws:iam::1:role/x
credential_source = Magic
[profile both]
role_arn = arn:aws:iam::1:role/x
source_profile = default
credential_source = Environment
[profile none]
role_arn = arn:aws:iam::1:role/x
[profile orphan]
role_arn = arn:aws:iam::1:role/x
source_profile = nowhere
[profile long]
role_arn = arn:aws:iam::1:role/x
source_profile = default
duration_seconds = 99999
[profile token-only]
web_identity_token_file = /var/run/token
`);
    expect(refusal('mfa', bad).message).toStartWith('AWS profile "mfa" (provider "aws") assumes its role with an MFA code (mfa_serial), which a gateway cannot type in.');
    expect(refusal('ec2', bad).message).toBe('AWS profile "ec2" (provider "aws") takes its source keys from Ec2InstanceMetadata (credential_source), which the gateway does not read. Use source_profile, or credential_source = Environment.');
    expect(refusal('ecs', bad).message).toContain('from EcsContainer (credential_source), which the gateway does not read.');
    expect(refusal('weird', bad).message).toBe('AWS profile "weird" (provider "aws") has an unknown credential_source; the gateway supports Environment.');
    expect(refusal('both', bad).message).toBe('AWS profile "both" (provider "aws") sets both source_profile and credential_source; keep one.');
    expect(refusal('none', bad).message).toContain('has role_arn but nothing to assume it with');
    expect(refusal('orphan', bad).message).toBe('AWS profile "orphan" (provider "aws") names source_profile "nowhere", which is in neither ~/.aws/credentials nor ~/.aws/config.');
    expect(refusal('long', bad).message).toContain('duration_seconds that is not a whole number of seconds from 900 to 43200');
    expect(refusal('token-only', bad).message).toContain('has web_identity_token_file but no role_arn');
    for (const name of ['mfa', 'ec2', 'none', 'long']) expect(refusal(name, bad).message).not.toContain('arn:aws');
  });
});
