import { afterAll, beforeEach, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsRolePlan, AwsSsoPlan, AwsWebIdentityPlan } from './aws-credential-plan.ts';
import { createAwsCredentialChain } from './obtain-aws-credentials.ts';
import { parseStsCredentials, parseStsErrorCode } from './parse-sts-credentials.ts';

const dir = mkdtempSync(join(tmpdir(), 'aws-chain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'cache'));

const T0 = Date.UTC(2030, 0, 1, 12);
const HOUR = 3600_000;
const SSO: AwsSsoPlan = {
  kind: 'sso', profile: 'sso', session: 'corp', startUrl: 'https://corp.awsapps.com/start', region: 'eu-west-1',
  accountId: '111122223333', roleName: 'Bedrock User', tokenFile: join(dir, 'cache', 'corp.json'),
  portalUrl: 'https://portal.sso.eu-west-1.amazonaws.com', oidcUrl: 'https://oidc.eu-west-1.amazonaws.com',
};
const STATIC = { kind: 'static' as const, profile: 'base', credentials: { accessKeyId: 'AKIABASE000000000001', secretAccessKey: 'base-secret-0001' } };
const ROLE: AwsRolePlan = {
  kind: 'role', profile: 'role', roleArn: 'arn:aws:iam::111122223333:role/bedrock', externalId: 'ext-1', durationSeconds: 900,
  sts: { url: 'https://sts.eu-west-1.amazonaws.com', region: 'eu-west-1' }, source: STATIC,
};
writeFileSync(SSO.tokenFile, JSON.stringify({ accessToken: 'sso-access-token-0001', expiresAt: new Date(T0 + 8 * HOUR).toISOString() }));

const stsXml = (n: number, expiresAt: number) => `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/bedrock/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIASTS00000000000${n}</AccessKeyId>
      <SecretAccessKey>sts-secret-${n}/a+b&amp;c</SecretAccessKey>
      <SessionToken>sts-session-${n}-IQoJb3JpZ2luX2Vj</SessionToken>
      <Expiration>${new Date(expiresAt).toISOString().replace('.000', '')}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
const stsError = (code: string) => `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>User: arn:aws:iam::111122223333:user/ann is not authorized</Message></Error><RequestId>r</RequestId></ErrorResponse>`;

let now: number;
let calls: Array<{ url: string; method: string; headers: Record<string, string>; body?: string }>;
let replies: Array<() => Response | Promise<Response>>;
let secrets: string[];
let issued: number;
const ssoReply = () => Response.json({ roleCredentials: { accessKeyId: `ASIASSO00000000000${++issued}`, secretAccessKey: `sso-secret-${issued}`, sessionToken: `sso-session-${issued}`, expiration: now + HOUR } });
const stsReply = () => new Response(stsXml(++issued, now + HOUR), { headers: { 'content-type': 'text/xml' } });
const fetch = async (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => {
  calls.push({ url, ...init });
  const next = replies.shift();
  if (next) return next();
  return url.includes('portal.sso') ? ssoReply() : stsReply();
};
const chain = () => createAwsCredentialChain({ now: () => now, env: () => ({}), registerSecret: (v) => void secrets.push(v) });
const call = { provider: 'p', fetch };
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('resolved'); }, (e: { code: string; message: string }) => e);
const form = (body = '') => Object.fromEntries(new URLSearchParams(body));

beforeEach(() => {
  now = T0;
  calls = [];
  replies = [];
  secrets = [];
  issued = 0;
});

describe('parseStsCredentials', () => {
  test('the Credentials of an AssumeRole answer, entities decoded; the code of an error', () => {
    expect(parseStsCredentials(stsXml(7, T0))).toEqual({
      credentials: { accessKeyId: 'ASIASTS000000000007', secretAccessKey: 'sts-secret-7/a+b&c', sessionToken: 'sts-session-7-IQoJb3JpZ2luX2Vj' }, expiresAt: T0,
    });
    expect(parseStsCredentials('<AssumeRoleResponse/>')).toBeUndefined();
    expect(parseStsErrorCode(stsError('AccessDenied'))).toBe('AccessDenied');
  });
});

describe('createAwsCredentialChain', () => {
  test('SSO: GetRoleCredentials with the cached login\'s token; reused until 5 minutes before expiry, then renewed', async () => {
    const get = chain();
    expect(await get(SSO, call)).toEqual({ accessKeyId: 'ASIASSO000000000001', secretAccessKey: 'sso-secret-1', sessionToken: 'sso-session-1' });
    expect(calls).toEqual([{
      url: 'https://portal.sso.eu-west-1.amazonaws.com/federation/credentials?account_id=111122223333&role_name=Bedrock%20User',
      method: 'GET', headers: { 'x-amz-sso_bearer_token': 'sso-access-token-0001', accept: 'application/json' },
    }]);
    expect(secrets).toEqual(['sso-access-token-0001', 'sso-secret-1', 'sso-session-1']);
    now += 54 * 60_000;
    expect((await get(SSO, call)).accessKeyId).toBe('ASIASSO000000000001');
    now += 2 * 60_000;
    expect((await get(SSO, call)).accessKeyId).toBe('ASIASSO000000000002');
    expect(calls).toHaveLength(2);
  });

  test('concurrent requests share one fetch', async () => {
    let release!: () => void;
    replies.push(() => new Promise<Response>((r) => { release = () => r(ssoReply()); }));
    const get = chain();
    const pending = Promise.all(Array.from({ length: 5 }, () => get(SSO, call)));
    await Bun.sleep(10);
    release();
    expect(new Set((await pending).map((c) => c.accessKeyId))).toEqual(new Set(['ASIASSO000000000001']));
    expect(calls).toHaveLength(1);
  });

  test('a 401 from the portal is the login hint; a failure is not cached', async () => {
    replies.push(() => Response.json({ message: 'Session token not found or invalid' }, { status: 401 }));
    const get = chain();
    const e = await failure(get(SSO, call));
    expect([e.code, e.message]).toEqual(['GW_UPSTREAM_AUTH', 'AWS profile "sso" (provider "p"): the SSO portal refused the cached login for this account and role (HTTP 401). '
      + 'Run `aws sso login --profile sso` (or `aws sso login --sso-session corp`) as the user the gateway runs as.']);
    expect((await get(SSO, call)).accessKeyId).toBe('ASIASSO000000000001');
  });

  test('a role: AssumeRole form signed by the source keys for sts in the STS region; the issued keys cached', async () => {
    const get = chain();
    expect(await get(ROLE, call)).toEqual({ accessKeyId: 'ASIASTS000000000001', secretAccessKey: 'sts-secret-1/a+b&c', sessionToken: 'sts-session-1-IQoJb3JpZ2luX2Vj' });
    const [sent] = calls;
    expect([sent!.url, sent!.method]).toEqual(['https://sts.eu-west-1.amazonaws.com/', 'POST']);
    expect(form(sent!.body)).toEqual({
      Action: 'AssumeRole', Version: '2011-06-15', RoleArn: ROLE.roleArn, RoleSessionName: `switchyard-${T0}`, DurationSeconds: '900', ExternalId: 'ext-1',
    });
    expect(sent!.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(sent!.headers.authorization).toStartWith('AWS4-HMAC-SHA256 Credential=AKIABASE000000000001/20300101/eu-west-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=');
    expect(secrets).toEqual(['base-secret-0001', 'sts-secret-1/a+b&c', 'sts-session-1-IQoJb3JpZ2luX2Vj']);
    await get(ROLE, call);
    expect(calls).toHaveLength(1);
  });

  test('a role whose source is SSO: the SSO keys (with their session token) sign AssumeRole; each step cached', async () => {
    const get = chain();
    const plan: AwsRolePlan = { ...ROLE, source: SSO };
    expect((await get(plan, call)).accessKeyId).toBe('ASIASTS000000000002');
    expect(calls.map((c) => c.method)).toEqual(['GET', 'POST']);
    expect(calls[1]!.headers.authorization).toContain('Credential=ASIASSO000000000001/');
    expect(calls[1]!.headers['x-amz-security-token']).toBe('sso-session-1');
    expect((await get(SSO, call)).accessKeyId).toBe('ASIASSO000000000001');
    expect(calls).toHaveLength(2);
  });

  test('the cache is keyed on the plan and provider: an edited profile or rotated source keys fetch anew', async () => {
    const get = chain();
    await get(ROLE, call);
    await get({ ...ROLE, roleArn: 'arn:aws:iam::111122223333:role/other' }, call);
    await get({ ...ROLE, source: { ...STATIC, credentials: { ...STATIC.credentials, secretAccessKey: 'rotated-secret-02' } } }, call);
    await get(ROLE, { ...call, provider: 'q' });
    await get(ROLE, call);
    expect(calls).toHaveLength(4);
  });

  test('STS refusals name the code and what it means, never STS\'s message', async () => {
    const get = chain();
    replies.push(() => new Response(stsError('AccessDenied'), { status: 403 }));
    const e = await failure(get(ROLE, call));
    expect(e.message).toBe('AWS profile "role" (provider "p"): STS refused AssumeRole (HTTP 403 AccessDenied): the role\'s trust policy does not let the source identity assume it, or the source may not call sts:AssumeRole.');
    replies.push(() => new Response('<html>bad gateway</html>', { status: 502 }));
    expect((await failure(get(ROLE, call))).message).toBe('AWS profile "role" (provider "p"): STS refused AssumeRole (HTTP 502).');
    replies.push(() => new Response('<AssumeRoleResponse></AssumeRoleResponse>'));
    expect((await failure(get(ROLE, call))).message).toBe('AWS profile "role" (provider "p"): STS answered AssumeRole without credentials.');
    replies.push(() => Promise.reject(Object.assign(new Error('connect ECONNREFUSED sts.eu-west-1.amazonaws.com'), { code: 'GW_UPSTREAM_CONNECT', [Symbol.for('switchyard.gateway-error')]: true })));
    const down = await failure(get(ROLE, call));
    expect(down.message).toStartWith('AWS profile "role" (provider "p"): STS could not be reached (GW_UPSTREAM_CONNECT).');
    expect(down.message).not.toContain('amazonaws');
  });

  test('web identity: the token file read at each fetch, sent unsigned with AssumeRoleWithWebIdentity', async () => {
    const tokenFile = join(dir, 'web-token');
    writeFileSync(tokenFile, 'eyJ.web-identity-token-0001\n');
    const plan: AwsWebIdentityPlan = { kind: 'web-identity', profile: 'web', roleArn: 'arn:aws:iam::1:role/web', sessionName: 'pod', tokenFile, sts: { url: 'https://sts.us-east-1.amazonaws.com', region: 'us-east-1' } };
    expect((await chain()(plan, call)).accessKeyId).toBe('ASIASTS000000000001');
    expect(form(calls[0]!.body)).toEqual({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: 'arn:aws:iam::1:role/web', RoleSessionName: 'pod', WebIdentityToken: 'eyJ.web-identity-token-0001' });
    expect(calls[0]!.headers.authorization).toBeUndefined();
    expect(secrets).toContain('eyJ.web-identity-token-0001');
    expect((await failure(chain()({ ...plan, tokenFile: join(dir, 'none') }, call))).message).toBe('AWS profile "web" (provider "p"): its web_identity_token_file cannot be read (ENOENT).');
  });

  test('credential_process keys without an expiration are kept until the plan changes', async () => {
    const path = join(dir, 'proc.sh');
    const counter = join(dir, 'proc-runs');
    writeFileSync(path, `#!/bin/sh\nn=$(($(cat ${counter} 2>/dev/null || echo 0) + 1))\necho $n > ${counter}\necho "{\\"Version\\":1,\\"AccessKeyId\\":\\"AKIAPROC$n\\",\\"SecretAccessKey\\":\\"proc-secret-0001\\"}"\n`);
    chmodSync(path, 0o755);
    const get = chain();
    const first = await get({ kind: 'process', profile: 'proc', command: path }, call);
    now += 100 * HOUR;
    expect(await get({ kind: 'process', profile: 'proc', command: path }, call)).toEqual(first);
    expect(first.accessKeyId).toBe('AKIAPROC1');
    expect((await get({ kind: 'process', profile: 'proc', command: `${path} --again` }, call)).accessKeyId).toBe('AKIAPROC2');
    expect(secrets).toContain('proc-secret-0001');
  });
});
