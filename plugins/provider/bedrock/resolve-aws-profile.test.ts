import { describe, expect, test } from 'bun:test';
import { parseAwsIni } from './parse-aws-ini.ts';
import { resolveAwsProfile, type AwsSharedSections } from './resolve-aws-profile.ts';

const files = (credentials?: string, config?: string): AwsSharedSections => ({
  ...(credentials === undefined ? {} : { credentials: parseAwsIni(credentials) }),
  ...(config === undefined ? {} : { config: parseAwsIni(config) }),
  credentialsShown: '~/.aws/credentials', configShown: '~/.aws/config',
});
const refusal = (name: string, f: AwsSharedSections) => {
  try {
    resolveAwsProfile(name, f, 'aws');
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

describe('resolveAwsProfile', () => {
  test('keys from the credentials file, region from the config file\'s [profile name] / [default]', () => {
    expect(resolveAwsProfile('dev', files(CREDENTIALS, CONFIG))).toEqual({
      credentials: { accessKeyId: 'ASIADEV0000000000001', secretAccessKey: 'dev-secret', sessionToken: 'dev-token' }, region: 'eu-west-3',
    });
    expect(resolveAwsProfile('default', files(CREDENTIALS, CONFIG))).toEqual({
      credentials: { accessKeyId: 'AKIADEFAULT000000001', secretAccessKey: 'default-secret' }, region: 'us-west-2',
    });
  });

  test('keys in the config file when the credentials file lacks the profile; no region without a config section', () => {
    expect(resolveAwsProfile('cfg', files(CREDENTIALS, CONFIG))).toEqual({
      credentials: { accessKeyId: 'AKIACONFIG0000000001', secretAccessKey: 'cfg-secret' }, region: 'ap-southeast-2',
    });
    expect(resolveAwsProfile('dev', files(CREDENTIALS))).toEqual({
      credentials: { accessKeyId: 'ASIADEV0000000000001', secretAccessKey: 'dev-secret', sessionToken: 'dev-token' },
    });
  });

  test('the credentials file\'s keys win over the config file\'s; [profile default] is the default too', () => {
    const config = '[profile default]\naws_access_key_id = AKIACONFIGDEFAULT001\naws_secret_access_key = other\nregion = ca-central-1\n';
    expect(resolveAwsProfile('default', files(CREDENTIALS, config))).toMatchObject({ credentials: { accessKeyId: 'AKIADEFAULT000000001' }, region: 'ca-central-1' });
  });

  test('a missing profile names itself, the files and what is supported', () => {
    const e = refusal('prod', files(CREDENTIALS, CONFIG));
    expect([e.code, e.status, e.retryable]).toEqual(['GW_UPSTREAM_AUTH', 502, true]);
    expect(e.message).toContain('AWS profile "prod" (provider "aws") was not found in ~/.aws/credentials or ~/.aws/config.');
    expect(e.message).toContain('Supported: a profile with aws_access_key_id and aws_secret_access_key');
    expect(refusal('prod', files()).message).toContain('(neither file exists)');
  });

  test('SSO, role and credential_process profiles are refused by kind; no value from the files is quoted', () => {
    const config = `
[profile sso]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin
[profile legacy-sso]
sso_start_url = https://corp.awsapps.com/start
[profile role]
role_arn = arn:aws:iam::111122223333:role/bedrock
source_profile = default
[profile web]
web_identity_token_file = /var/run/token
role_arn = arn:aws:iam::111122223333:role/web
[profile proc]
credential_process = /usr/local/bin/creds --secret-flag
[profile empty]
region = eu-north-1
`;
    const f = files(CREDENTIALS, config);
    expect(refusal('sso', f).message).toContain('AWS profile "sso" (provider "aws") gets its credentials from IAM Identity Center (SSO), which the gateway does not run.');
    expect(refusal('legacy-sso', f).message).toContain('IAM Identity Center (SSO)');
    expect(refusal('role', f).message).toContain('AWS profile "role" (provider "aws") assumes a role (role_arn), which the gateway does not do (no STS AssumeRole).');
    expect(refusal('web', f).message).toContain('assumes a role (role_arn)');
    expect(refusal('proc', f).message).toContain('gets its credentials from a credential_process');
    expect(refusal('empty', f).message).toContain('AWS profile "empty" (provider "aws") in ~/.aws/credentials or ~/.aws/config has no aws_access_key_id.');
    for (const name of ['sso', 'role', 'proc']) {
      const m = refusal(name, f).message;
      for (const value of ['111122223333', 'corp', '/usr/local/bin', 'arn:aws']) expect(m).not.toContain(value);
      expect(m).toContain('credentials: env or keys:');
    }
  });

  test('keys beside SSO settings are used (synced temporary keys); beside role_arn they are not', () => {
    const credentials = '[sso]\naws_access_key_id = ASIASYNCED000000001\naws_secret_access_key = s\naws_session_token = t\n[role]\naws_access_key_id = AKIABASE0000000001\naws_secret_access_key = s\n';
    const config = '[profile sso]\nsso_session = corp\nregion = us-east-2\n[profile role]\nrole_arn = arn:aws:iam::1:role/x\n';
    expect(resolveAwsProfile('sso', files(credentials, config))).toEqual({
      credentials: { accessKeyId: 'ASIASYNCED000000001', secretAccessKey: 's', sessionToken: 't' }, region: 'us-east-2',
    });
    expect(refusal('role', files(credentials, config)).message).toContain('assumes a role (role_arn)');
  });

  test('an access key id without its secret is refused, naming the file', () => {
    const e = refusal('half', files('[half]\naws_access_key_id = AKIAHALF000000000001\n'));
    expect(e.message).toContain('AWS profile "half" (provider "aws") in ~/.aws/credentials has aws_access_key_id but no aws_secret_access_key.');
    expect(e.message).not.toContain('AKIAHALF');
  });
});
