import { afterAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBedrockCredentialSource } from './bedrock-credentials.ts';
import { awsSharedFiles, createIniFileReader, type IniFileSystem } from './read-aws-shared-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'bedrock-creds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const provider = (options: Record<string, unknown>, allowPrivateNetwork = false) => ({ name: 'aws', options, allowPrivateNetwork, proxy: 'http://proxy.internal:3128' });
const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as { code: string; status: number; message: string };
  }
  throw new Error('resolved');
};

describe('awsSharedFiles', () => {
  test('~/.aws/credentials and ~/.aws/config under HOME, else USERPROFILE', () => {
    expect(awsSharedFiles({ HOME: '/home/ann' })).toEqual({
      credentials: { path: '/home/ann/.aws/credentials', shown: '~/.aws/credentials' },
      config: { path: '/home/ann/.aws/config', shown: '~/.aws/config' },
    });
    expect(awsSharedFiles({ USERPROFILE: '/users/bob' }).config.path).toBe('/users/bob/.aws/config');
  });

  test('AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE override them (a leading ~/ is home); messages name the variable', () => {
    expect(awsSharedFiles({ HOME: '/home/ann', AWS_SHARED_CREDENTIALS_FILE: '/etc/aws/creds', AWS_CONFIG_FILE: '~/cfg/aws' })).toEqual({
      credentials: { path: '/etc/aws/creds', shown: '$AWS_SHARED_CREDENTIALS_FILE' },
      config: { path: '/home/ann/cfg/aws', shown: '$AWS_CONFIG_FILE' },
    });
  });
});

describe('createIniFileReader', () => {
  test('parses once while the file is unchanged, again after it changes; a missing file is undefined', async () => {
    const file = { path: join(dir, 'counted'), shown: 'counted' };
    writeFileSync(file.path, '[a]\nx = 1\n');
    let reads = 0;
    const fs = await import('node:fs/promises');
    const counting: IniFileSystem = { stat: (p) => fs.stat(p), readText: (p) => (reads++, fs.readFile(p, 'utf8')) };
    const read = createIniFileReader(counting);
    expect((await read(file))?.get('a')?.x).toBe('1');
    expect((await read(file))?.get('a')?.x).toBe('1');
    expect(reads).toBe(1);
    writeFileSync(file.path, '[a]\nx = 22\n');
    expect((await read(file))?.get('a')?.x).toBe('22');
    expect(reads).toBe(2);
    rmSync(file.path);
    expect(await read(file)).toBeUndefined();
  });

  test('a file that exists but cannot be read is a 502 naming it as shown', async () => {
    const folder = { path: join(dir, 'a-folder'), shown: '$AWS_CONFIG_FILE' };
    mkdirSync(folder.path);
    const e = await failure(createIniFileReader()(folder));
    expect([e.code, e.status]).toEqual(['GW_UPSTREAM_AUTH', 502]);
    expect(e.message).toBe('The AWS shared file $AWS_CONFIG_FILE cannot be read (EISDIR).');
  });
});

describe('createBedrockCredentialSource', () => {
  const credentialsFile = join(dir, 'credentials');
  writeFileSync(credentialsFile, '[dev]\naws_access_key_id = AKIAPROFILE00000001\naws_secret_access_key = profile-secret\n');
  chmodSync(credentialsFile, 0o600);
  const fileEnv = { AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_CONFIG_FILE: join(dir, 'no-config') };

  test('keys: win over profile: and credentials: env', async () => {
    const source = createBedrockCredentialSource({ env: () => fileEnv });
    expect(await source(provider({ profile: 'dev' }), { secret: 'ABSKkey' })).toEqual({ auth: { kind: 'bearer', token: 'ABSKkey' } });
    expect(await source(provider({ profile: 'dev' }), undefined)).toEqual({
      auth: { kind: 'sigv4', credentials: { accessKeyId: 'AKIAPROFILE00000001', secretAccessKey: 'profile-secret' } },
    });
  });

  test('credentials: env reads the injected environment at each call, region from AWS_REGION or AWS_DEFAULT_REGION', async () => {
    let env: Record<string, string> = { AWS_ACCESS_KEY_ID: 'ASIAENV000000000001', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_SESSION_TOKEN: 'env-token', AWS_DEFAULT_REGION: 'eu-south-1' };
    const source = createBedrockCredentialSource({ env: () => env });
    expect(await source(provider({ credentials: 'env' }), undefined)).toEqual({
      auth: { kind: 'sigv4', credentials: { accessKeyId: 'ASIAENV000000000001', secretAccessKey: 'env-secret', sessionToken: 'env-token' } }, region: 'eu-south-1',
    });
    env = { AWS_ACCESS_KEY_ID: 'AKIAENV000000000002', AWS_SECRET_ACCESS_KEY: 'env-secret-2', AWS_SESSION_TOKEN: '', AWS_REGION: 'us-west-1', AWS_DEFAULT_REGION: 'eu-south-1' };
    expect(await source(provider({ credentials: 'env' }), undefined)).toEqual({
      auth: { kind: 'sigv4', credentials: { accessKeyId: 'AKIAENV000000000002', secretAccessKey: 'env-secret-2' } }, region: 'us-west-1',
    });
  });

  test('unset variables, an unknown credentials: value and both sources set are refused by name', async () => {
    const source = createBedrockCredentialSource({ env: () => ({ AWS_ACCESS_KEY_ID: 'AKIAENV000000000001' }) });
    expect((await failure(source(provider({ credentials: 'env' }), undefined))).message)
      .toBe('Bedrock provider "aws" takes its AWS keys from the gateway\'s environment (credentials: env), but AWS_SECRET_ACCESS_KEY is not set.');
    expect((await failure(source(provider({ credentials: '~/.aws/credentials' }), undefined))).message).toContain('credentials: takes only "env"');
    expect((await failure(source(provider({ credentials: 'env', profile: 'dev' }), undefined))).message).toContain('sets both profile: and credentials: env');
    expect((await failure(source(provider({ profile: true }), undefined))).message).toContain('profile: takes the name of a profile');
  });

  test('no source: unsigned; an empty profile (${AWS_PROFILE:-}) is none', async () => {
    const source = createBedrockCredentialSource({ env: () => fileEnv });
    expect(await source(provider({}), undefined)).toEqual({});
    expect(await source(provider({ profile: '' }), undefined)).toEqual({});
  });

  test('a region that is no region name is refused (it would become part of the host name)', async () => {
    const source = createBedrockCredentialSource({ env: () => ({ AWS_ACCESS_KEY_ID: 'AKIAENV000000000001', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'evil.example/x#' }) });
    expect((await failure(source(provider({ credentials: 'env' }), undefined))).message).toContain('is not a region name');
  });

  test('a role profile: AssumeRole goes through deps.fetch with the provider\'s network policy; the issued keys sign', async () => {
    const config = join(dir, 'role-config');
    writeFileSync(config, '[profile role]\nrole_arn = arn:aws:iam::111122223333:role/bedrock\nsource_profile = dev\nregion = eu-west-1\n');
    const sent: Array<{ url: string; policy: unknown }> = [];
    const source = createBedrockCredentialSource({
      env: () => ({ ...fileEnv, AWS_CONFIG_FILE: config, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1' }),
      now: () => Date.UTC(2030, 0, 1),
      fetch: async (url, _init, p) => {
        sent.push({ url, policy: { allowPrivateNetwork: p.allowPrivateNetwork, proxy: p.proxy } });
        return new Response('<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE00000000001</AccessKeyId>'
          + '<SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-token</SessionToken><Expiration>2030-01-01T01:00:00Z</Expiration>'
          + '</Credentials></AssumeRoleResult></AssumeRoleResponse>');
      },
    });
    expect(await source(provider({ profile: 'role' }, true), undefined)).toEqual({
      auth: { kind: 'sigv4', credentials: { accessKeyId: 'ASIAROLE00000000001', secretAccessKey: 'role-secret', sessionToken: 'role-token' } }, region: 'eu-west-1',
    });
    expect(sent).toEqual([{ url: 'http://127.0.0.1:1/', policy: { allowPrivateNetwork: true, proxy: 'http://proxy.internal:3128' } }]);
  });
});
