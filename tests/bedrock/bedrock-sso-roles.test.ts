/**
 * Bedrock `profile:` with temporary credentials, end to end through the real gateway: a fake AWS
 * (tests/helpers/mock-aws-sts.ts: STS AssumeRole with its own SigV4 check, the SSO portal's
 * GetRoleCredentials, SSO OIDC token refresh, real wire formats) reached through
 * AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL (for SSO OIDC), and the fake
 * Bedrock runtime (tests/helpers/mock-bedrock.ts) that accepts only the keys the fake AWS
 * issued, each signature verified.
 *
 * Covered: IAM Identity Center profiles (sso_session and legacy forms), an expired login
 * refreshed and written back into ~/.aws/sso/cache, a missing or refused login (502 with the
 * `aws sso login` hint), roles assumed from a static source, from an SSO source and from the
 * gateway's environment, keys reused across requests and shared by concurrent ones, renewed
 * ahead of expiry (the gateway's and the fake's clock moved together), an edited profile taking
 * effect, credential_process, refusals (mfa_serial, a failing process), and canary secrets that
 * never reach the data dir or a client.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startMockAwsSts, type MockAws } from '../helpers/mock-aws-sts.ts';
import { startMockBedrock, type MockBedrock } from '../helpers/mock-bedrock.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { filesContaining, movableClock } from '../oauth/oauth-kit.ts';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const ROLE_ARN = 'arn:aws:iam::111122223333:role/bedrock';
const RENEW_ARN = 'arn:aws:iam::111122223333:role/renew';
const EDITED_ARN = 'arn:aws:iam::111122223333:role/edited';
const BASE = { accessKeyId: 'AKIABASESOURCE000001', secretAccessKey: 'canary-base-secret/wJalrXUtnFEMIK7MDENG' };
const ENV = { accessKeyId: 'ASIAENVSOURCE0000001', secretAccessKey: 'canary-env-secret/K7MDENGbPxRfiCYEXAM', sessionToken: 'canary-env-session-IQoJb3JpZ2luX2VjENV' };
const PROC = { accessKeyId: 'ASIAPROCESS000000001', secretAccessKey: 'canary-proc-secret/bPxRfiCYEXAMPLEKEY0', sessionToken: 'canary-proc-session-IQoJb3JpZ2luX2VjPR' };
const CORP_TOKEN = 'canary-sso-access-corp-aoJb3JpZ2luX2VjEXAMPLE';
const LEGACY_TOKEN = 'canary-sso-access-legacy-oJb3JpZ2luX2VjEXAMPLE';
const REVOKED_TOKEN = 'canary-sso-access-revoked-Jb3JpZ2luX2VjEXAMPLE';
const STALE = {
  accessToken: 'canary-sso-access-stale-b3JpZ2luX2VjEXAMPLE', refreshToken: 'canary-sso-refresh-stale-JpZ2luX2VjEXAMPLE',
  clientId: 'client-stale-0001', clientSecret: 'canary-sso-client-secret-ZXlKaGJHY2lPaUpJVXpJ',
};
const LEGACY_URL = 'https://legacy.awsapps.com/start';

const clock = movableClock();
const dir = mkdtempSync(join(tmpdir(), 'bedrock-sso-roles-'));
const home = join(dir, 'home');
const cache = join(home, '.aws', 'sso', 'cache');
mkdirSync(cache, { recursive: true });
const cacheFile = (id: string) => join(cache, `${new Bun.CryptoHasher('sha1').update(id).digest('hex')}.json`);
const iso = (ms: number) => new Date(ms).toISOString();
const writeLogin = (id: string, json: Record<string, unknown>) => writeFileSync(cacheFile(id), JSON.stringify(json), { mode: 0o600 });
writeLogin('corp', { startUrl: 'https://corp.awsapps.com/start', region: 'us-east-1', accessToken: CORP_TOKEN, expiresAt: iso(Date.now() + 8 * 3600_000) });
writeLogin(LEGACY_URL, { startUrl: LEGACY_URL, region: 'us-east-1', accessToken: LEGACY_TOKEN, expiresAt: iso(Date.now() + 8 * 3600_000).replace(/\.\d{3}Z$/, 'UTC') });
writeLogin('revoked', { startUrl: 'https://revoked.awsapps.com/start', region: 'us-east-1', accessToken: REVOKED_TOKEN, expiresAt: iso(Date.now() + 3600_000) });
writeLogin('stale', {
  startUrl: 'https://stale.awsapps.com/start', region: 'us-east-1', accessToken: STALE.accessToken, expiresAt: iso(Date.now() - 60_000),
  refreshToken: STALE.refreshToken, clientId: STALE.clientId, clientSecret: STALE.clientSecret, registrationExpiresAt: iso(Date.now() + 90 * 86_400_000),
});

/** A credential_process in a folder whose name needs quoting, and one that fails after printing a secret. */
const tools = join(dir, 'my tools');
mkdirSync(tools);
const script = (name: string, body: string) => {
  const path = join(tools, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
};
const procScript = script('creds.sh', `[ "$1" = "--profile" ] && [ "$2" = "proc" ] || exit 9
echo '{"Version": 1, "AccessKeyId": "${PROC.accessKeyId}", "SecretAccessKey": "${PROC.secretAccessKey}", "SessionToken": "${PROC.sessionToken}", "Expiration": "${iso(Date.now() + 3600_000)}"}'`);
const failScript = script('fail.sh', `echo "${PROC.secretAccessKey}" >&2\necho "${PROC.secretAccessKey}"\nexit 2`);

const credentialsFile = join(dir, 'credentials');
const configFile = join(dir, 'config');
writeFileSync(credentialsFile, `[base]\naws_access_key_id = ${BASE.accessKeyId}\naws_secret_access_key = ${BASE.secretAccessKey}\n`);
const sso = (session: string) => `sso_session = ${session}\nsso_account_id = 111122223333\nsso_role_name = BedrockUser`;
const session = (name: string) => `[sso-session ${name}]\nsso_start_url = https://${name}.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access`;
const configText = (editedArn: string) => `[profile sso]
${sso('corp')}
region = us-east-1
${session('corp')}

[profile sso-stale]
${sso('stale')}
${session('stale')}

[profile sso-legacy]
sso_start_url = ${LEGACY_URL}
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = BedrockUser

[profile sso-nologin]
${sso('nologin')}
${session('nologin')}

[profile sso-revoked]
${sso('revoked')}
${session('revoked')}

[profile role]
role_arn = ${ROLE_ARN}
source_profile = base

[profile role-burst]
role_arn = ${ROLE_ARN}
source_profile = base
role_session_name = burst

[profile role-chain]
role_arn = ${ROLE_ARN}
source_profile = sso
role_session_name = ann-chain

[profile role-env]
role_arn = ${ROLE_ARN}
credential_source = Environment

[profile role-renew]
role_arn = ${RENEW_ARN}
source_profile = base

[profile role-edit]
role_arn = ${editedArn}
source_profile = base

[profile mfa]
role_arn = ${ROLE_ARN}
source_profile = base
mfa_serial = arn:aws:iam::111122223333:mfa/ann

[profile proc]
credential_process = "${procScript}" --profile proc

[profile proc-fail]
credential_process = '${failScript}'
`;
writeFileSync(configFile, configText(ROLE_ARN));

let aws: MockAws;
let bedrock: MockBedrock;
let t: TestGateway;
let openai: OpenAI;
/** Every client answer, scanned for canaries at the end. */
const bodies: string[] = [];

const ask = async (provider: string, content = 'hello') => {
  const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: `${provider}/${MODEL}`, messages: [{ role: 'user', content }] } });
  const text = await res.text();
  bodies.push(text);
  return { status: res.status, text };
};
const viaSdk = async (provider: string, content: string) => {
  const r = await openai.chat.completions.create({ model: `${provider}/${MODEL}`, messages: [{ role: 'user', content }] });
  bodies.push(JSON.stringify(r));
  return r.choices[0]!.message.content;
};
const errorOf = (text: string) => JSON.parse(text).error as { code: string; message: string };
const stsCalls = (arn: string) => aws.requests.filter((r) => r.service === 'sts' && r.params.RoleArn === arn);
const lastBedrock = () => bedrock.requests.at(-1)!;

beforeAll(async () => {
  bedrock = await startMockBedrock({ credentials: [PROC], region: 'us-east-1' });
  aws = await startMockAwsSts({
    now: clock.now, sources: [BASE, ENV], roles: [ROLE_ARN, RENEW_ARN, EDITED_ARN],
    sso: {
      accessTokens: [CORP_TOKEN, LEGACY_TOKEN], roles: ['111122223333/BedrockUser'],
      clients: [{ clientId: STALE.clientId, clientSecret: STALE.clientSecret, refreshTokens: [STALE.refreshToken] }],
    },
    onIssue: (keys) => bedrock.credentials.push(keys),
  });
  const env: Record<string, string | undefined> = {
    ...process.env, HOME: home, USERPROFILE: undefined, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_CONFIG_FILE: configFile,
    AWS_ENDPOINT_URL_STS: aws.url, AWS_ENDPOINT_URL_SSO: aws.url, AWS_ENDPOINT_URL: aws.url,
    AWS_ACCESS_KEY_ID: ENV.accessKeyId, AWS_SECRET_ACCESS_KEY: ENV.secretAccessKey, AWS_SESSION_TOKEN: ENV.sessionToken,
    AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_PROFILE: undefined, AWS_STS_REGIONAL_ENDPOINTS: undefined, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
  };
  const providers = ['sso', 'sso-stale', 'sso-legacy', 'sso-nologin', 'sso-revoked', 'role', 'role-burst', 'role-chain', 'role-env', 'role-renew', 'role-edit', 'mfa', 'proc', 'proc-fail']
    .map((p) => `  p-${p}: { type: bedrock, base_url: "${bedrock.url}", allow_private_network: true, models: [${MODEL}], profile: ${p} }`).join('\n');
  t = await startTestGateway(`logging: { level: debug, bodies: true }\nproviders:\n${providers}\n`, { env, now: clock.now });
  openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t?.stop();
  await aws?.stop();
  await bedrock?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('IAM Identity Center (SSO)', () => {
  test('an sso_session profile: GetRoleCredentials with the cached login, the role keys sign Bedrock (openai SDK)', async () => {
    expect(await viaSdk('p-sso', 'from sso')).toBe('from sso');
    const portal = aws.requests.filter((r) => r.service === 'sso');
    expect(portal).toHaveLength(1);
    expect(portal[0]).toMatchObject({ status: 200, params: { account_id: '111122223333', role_name: 'BedrockUser' } });
    expect(portal[0]!.headers['x-amz-sso_bearer_token']).toBe(CORP_TOKEN);
    const issued = aws.issued.at(-1)!;
    expect(lastBedrock()).toMatchObject({ status: 200, auth: 'sigv4', accessKeyId: issued.accessKeyId, region: 'us-east-1' });
    expect(lastBedrock().headers['x-amz-security-token']).toBe(issued.sessionToken!);
  });

  test('the legacy form (sso_start_url in the profile; expiresAt as the CLI v1 wrote it)', async () => {
    expect(await viaSdk('p-sso-legacy', 'from legacy sso')).toBe('from legacy sso');
    expect(aws.requests.at(-1)!.headers['x-amz-sso_bearer_token']).toBe(LEGACY_TOKEN);
  });

  test('an expired login is refreshed through SSO OIDC and written back into the cache file', async () => {
    const r = await ask('p-sso-stale', 'after refresh');
    expect(r.status).toBe(200);
    const [refresh, portal] = aws.requests.filter((x) => x.service === 'oidc' || x.headers['x-amz-sso_bearer_token']?.includes('sso-access-')).slice(-2);
    expect(refresh).toMatchObject({ service: 'oidc', status: 200, params: { grantType: 'refresh_token', clientId: STALE.clientId, clientSecret: STALE.clientSecret, refreshToken: STALE.refreshToken } });
    const stored = JSON.parse(readFileSync(cacheFile('stale'), 'utf8'));
    expect(stored.accessToken).toStartWith('canary-sso-access-');
    expect(stored.accessToken).not.toBe(STALE.accessToken);
    expect(portal!.headers['x-amz-sso_bearer_token']).toBe(stored.accessToken);
    expect(stored.refreshToken).toStartWith('canary-sso-refresh-');
    expect(stored.refreshToken).not.toBe(STALE.refreshToken);
    expect(Date.parse(stored.expiresAt)).toBeGreaterThan(clock.now() + 7 * 3600_000);
    expect(stored).toMatchObject({ clientId: STALE.clientId, clientSecret: STALE.clientSecret, startUrl: 'https://stale.awsapps.com/start', region: 'us-east-1' });
    expect(statSync(cacheFile('stale')).mode & 0o777).toBe(0o600);
  });

  test('no cached login: 502 GW_UPSTREAM_AUTH with the `aws sso login` hint, nothing sent anywhere', async () => {
    const [awsBefore, bedrockBefore] = [aws.requests.length, bedrock.requests.length];
    const r = await ask('p-sso-nologin');
    expect(r.status).toBe(502);
    const error = errorOf(r.text);
    expect(error.code).toBe('GW_UPSTREAM_AUTH');
    expect(error.message).toContain('AWS profile "sso-nologin" (provider "p-sso-nologin") has no cached IAM Identity Center (SSO) login. Run `aws sso login --profile sso-nologin` (or `aws sso login --sso-session nologin`)');
    expect(error.message).not.toContain('111122223333');
    expect(error.message).not.toContain(dir);
    expect([aws.requests.length, bedrock.requests.length]).toEqual([awsBefore, bedrockBefore]);
  });

  test('a login the portal refuses (401): the same hint', async () => {
    const r = await ask('p-sso-revoked');
    expect(r.status).toBe(502);
    expect(aws.requests.at(-1)).toMatchObject({ service: 'sso', status: 401 });
    expect(errorOf(r.text).message).toContain('the SSO portal refused the cached login for this account and role (HTTP 401). Run `aws sso login --profile sso-revoked`');
  });
});

describe('assumed roles', () => {
  test('role_arn with source_profile: AssumeRole signed with the source keys (verified by the fake STS), the role keys sign Bedrock (openai SDK)', async () => {
    expect(await viaSdk('p-role', 'as the role')).toBe('as the role');
    const calls = stsCalls(ROLE_ARN);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ status: 200, action: 'AssumeRole', accessKeyId: BASE.accessKeyId, params: { Version: '2011-06-15' } });
    expect(calls[0]!.params.RoleSessionName).toMatch(/^switchyard-\d+$/);
    expect(calls[0]!.headers.authorization).toContain(`Credential=${BASE.accessKeyId}/`);
    expect(calls[0]!.headers.authorization).toContain('/us-east-1/sts/aws4_request');
    expect(lastBedrock()).toMatchObject({ status: 200, accessKeyId: aws.issued.at(-1)!.accessKeyId });
  });

  test('the role keys are reused across requests; concurrent requests share one AssumeRole', async () => {
    const before = stsCalls(ROLE_ARN).length;
    for (const n of [1, 2, 3]) expect((await ask('p-role', `again ${n}`)).status).toBe(200);
    expect(stsCalls(ROLE_ARN).length).toBe(before);
    const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => ask('p-role-burst', `burst ${i}`)));
    expect(burst.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(stsCalls(ROLE_ARN).filter((r) => r.params.RoleSessionName === 'burst')).toHaveLength(1);
  });

  test('a role whose source is an SSO profile: AssumeRole signed with the SSO role keys and their session token', async () => {
    expect((await ask('p-role-chain', 'chained')).status).toBe(200);
    const call = stsCalls(ROLE_ARN).find((r) => r.params.RoleSessionName === 'ann-chain')!;
    expect(call.status).toBe(200);
    const ssoKeys = aws.issued.find((k) => k.accessKeyId === call.accessKeyId)!;
    expect(ssoKeys.accessKeyId).toStartWith('ASIAMOCKSSO');
    expect(call.headers['x-amz-security-token']).toBe(ssoKeys.sessionToken!);
  });

  test('credential_source = Environment: AssumeRole signed with the gateway\'s environment keys', async () => {
    expect(await viaSdk('p-role-env', 'from env source')).toBe('from env source');
    expect(stsCalls(ROLE_ARN).at(-1)).toMatchObject({ status: 200, accessKeyId: ENV.accessKeyId });
    expect(stsCalls(ROLE_ARN).at(-1)!.headers['x-amz-security-token']).toBe(ENV.sessionToken);
  });

  test('an edited profile takes effect at the next request (the cache is keyed on what was resolved)', async () => {
    expect((await ask('p-role-edit', 'before edit')).status).toBe(200);
    const before = aws.requests.length;
    await Bun.sleep(30);
    writeFileSync(configFile, configText(EDITED_ARN));
    expect((await ask('p-role-edit', 'after edit')).status).toBe(200);
    expect(aws.requests.slice(before).map((r) => r.params.RoleArn)).toEqual([EDITED_ARN]);
  });

  test('mfa_serial is refused clearly; nothing is sent', async () => {
    const before = aws.requests.length;
    const r = await ask('p-mfa');
    expect(r.status).toBe(502);
    expect(errorOf(r.text).message).toContain('AWS profile "mfa" (provider "p-mfa") assumes its role with an MFA code (mfa_serial), which a gateway cannot type in.');
    expect(aws.requests.length).toBe(before);
  });
});

describe('credential_process', () => {
  test('the command\'s JSON keys sign Bedrock (openai SDK); a quoted path with a space works', async () => {
    expect(await viaSdk('p-proc', 'from a process')).toBe('from a process');
    expect(lastBedrock()).toMatchObject({ status: 200, accessKeyId: PROC.accessKeyId });
    expect(lastBedrock().headers['x-amz-security-token']).toBe(PROC.sessionToken);
  });

  test('a failing process: 502 naming the profile and the exit status, its output not quoted', async () => {
    const r = await ask('p-proc-fail');
    expect(r.status).toBe(502);
    expect(errorOf(r.text).message).toContain('AWS profile "proc-fail" (provider "p-proc-fail"): its credential_process exited with status 2.');
    expect(r.text).not.toContain('canary-');
    expect(r.text).not.toContain('my tools');
  });
});

describe('renewal', () => {
  test('temporary keys are renewed ahead of their expiry, on the gateway\'s clock', async () => {
    aws.lifetimeMs = 6 * 60_000;
    try {
      expect((await ask('p-role-renew', 'first')).status).toBe(200);
      const first = lastBedrock().accessKeyId;
      clock.advance(2 * 60_000);
      expect((await ask('p-role-renew', 'still cached')).status).toBe(200);
      expect(stsCalls(RENEW_ARN)).toHaveLength(1);
      // Six-minute keys are renewed at half their life; the mock Bedrock allows 5 minutes of clock skew.
      clock.advance(90_000);
      expect((await ask('p-role-renew', 'renewed')).status).toBe(200);
      expect(stsCalls(RENEW_ARN)).toHaveLength(2);
      expect(lastBedrock().accessKeyId).not.toBe(first);
      expect(lastBedrock().accessKeyId).toBe(aws.issued.at(-1)!.accessKeyId);
    } finally {
      aws.lifetimeMs = undefined;
    }
  });
});

describe('secrets', () => {
  test('no secret read or obtained reaches the data dir (database, logs) or a client answer', async () => {
    const stored = JSON.parse(readFileSync(cacheFile('stale'), 'utf8'));
    const secrets = [
      BASE.secretAccessKey, ENV.secretAccessKey, ENV.sessionToken, PROC.secretAccessKey, PROC.sessionToken,
      CORP_TOKEN, LEGACY_TOKEN, STALE.accessToken, STALE.refreshToken, STALE.clientSecret, stored.accessToken, stored.refreshToken,
      ...aws.issued.flatMap((k) => [k.secretAccessKey, k.sessionToken!]),
    ];
    for (const secret of secrets) t.gw.log.warn(`careless line ${secret}`);
    t.gw.log.flush();
    t.gw.usage.flush();
    expect(filesContaining(t.dataDir, ['canary-'])).toEqual([]);
    expect(readFileSync(join(t.dataDir, 'logs', 'switchyard.log'), 'utf8').match(/"careless line \*\*\*"/g)).toHaveLength(secrets.length);
    expect(bodies.filter((b) => b.includes('canary-'))).toEqual([]);
  });
});
